"""Start-up benchmark (run by hand): median wall time of light and DB commands.

Prints each command's median against the floor ``python -c "import sqlalchemy"`` measured in
the same run, as a ratio. Usage: ``python tests/perf/startup.py [--runs 15]``, with the ledger
installed in the current environment.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def median_time(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    exe = str(Path(sys.executable).with_name("ledger"))
    if not Path(exe).exists():
        exe = shutil.which("ledger") or sys.exit("ledger is not installed in this environment")
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        subprocess.run([exe, "--db", db, "db", "init"], check=True, capture_output=True)
        subprocess.run([exe, "--db", db, "seed"], check=True, capture_output=True)
        cases = {
            'python -c "import sqlalchemy" (floor)': [sys.executable, "-c", "import sqlalchemy"],
            "python -c pass": [sys.executable, "-c", "pass"],
            "ledger --version": [exe, "--version"],
            "ledger --help": [exe, "--help"],
            "ledger db status": [exe, "--db", db, "db", "status"],
            "ledger list": [exe, "--db", db, "list"],
            "ledger show": [exe, "--db", db, "show", "xiaomi-us-specific-phone"],
            "ledger due": [exe, "--db", db, "due"],
        }
        results = {name: median_time(cmd, args.runs) for name, cmd in cases.items()}
    floor = results['python -c "import sqlalchemy" (floor)']
    print(f"median of {args.runs} runs; ratio = time / floor")
    print(f"{'command':42} {'median ms':>10} {'ratio':>7}")
    for name, t in results.items():
        print(f"{name:42} {t * 1000:10.1f} {t / floor:7.2f}")


if __name__ == "__main__":
    main()
