"""What every benchmark here measures a command by: its wall time and its peak memory (the
resident set's high-water mark, from the operating system's own accounting of the finished
child), a whole process at a time, interleaved with its floor so a busy spell on the machine
slows both alike. Ratios are the median of the per-round ratios."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float


#: Starts the measured command and reports its time, exit code and peak memory. The command is
#: started by this small process, not by the benchmark itself: Linux carries a process's peak
#: resident set across fork and exec, so a child forked from a benchmark that has built a
#: large ledger in memory would report the benchmark's size as its own (a 12 MB launcher
#: bounds what is carried over, alike for a case and its floor).
LAUNCHER = """
import os, subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(p.pid, 0)
print(time.perf_counter() - t0, os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def run(cmd: list[str], *, stdin: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run ``cmd`` to completion (its output discarded); a failure stops the benchmark."""
    import tempfile

    with open(stdin or os.devnull, "rb") as fin, tempfile.TemporaryFile() as err:
        done = subprocess.run([sys.executable, "-c", LAUNCHER, *cmd], stdin=fin,
                              stdout=subprocess.PIPE, stderr=err, text=True,
                              env={**os.environ, **(env or {})})
        seconds, code, maxrss = done.stdout.split()
        if done.returncode != 0 or int(code) != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed ({code}): {err.read(300).decode()}")
    # ru_maxrss is in kilobytes on Linux, bytes on macOS
    peak = int(maxrss) / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Run(float(seconds), peak)


def ledger_exe() -> str:
    """The installed ``ledger``, with its package's bytecode compiled first, as ``pip install``
    leaves it: in an editable checkout, or with PYTHONDONTWRITEBYTECODE set, every run would
    otherwise compile our modules from source while SQLAlchemy's come compiled, and the
    ratios would measure the compiler."""
    import compileall

    import ledger

    exe = Path(sys.executable).with_name("ledger")
    if not exe.exists():
        raise SystemExit("ledger is not installed in this environment")
    compileall.compile_dir(str(Path(ledger.__file__).parent), quiet=1)
    return str(exe)


FLOOR = [sys.executable, "-c", "import sqlalchemy"]


def table(rows: list[tuple[str, list[Run], list[Run]]]) -> None:
    """Print each case's median time, its ratio to its floor, and its peak memory."""
    print(f"{'case':52} {'seconds':>8} {'ratio':>6} {'peak MB':>8}")
    for name, runs, floors in rows:
        secs = statistics.median(r.seconds for r in runs)
        ratio = statistics.median(r.seconds / f.seconds for r, f in zip(runs, floors,
                                                                        strict=True))
        peak = max(r.peak_mb for r in runs)
        print(f"{name:52} {secs:8.2f} {ratio:6.2f} {peak:8.0f}")


def interleaved(cases: dict[str, list[str]], runs: int,
                setup: dict[str, object] | None = None,
                floor: list[str] = FLOOR) -> list[tuple[str, list[Run], list[Run]]]:
    """Each case ``runs`` times, each time beside a fresh run of the floor."""
    out: dict[str, tuple[list[Run], list[Run]]] = {name: ([], []) for name in cases}
    for _ in range(runs):
        for name, cmd in cases.items():
            hook = (setup or {}).get(name)
            if callable(hook):
                hook()
            out[name][1].append(run(floor))
            out[name][0].append(run(cmd))
    return [(name, r, f) for name, (r, f) in out.items()]
