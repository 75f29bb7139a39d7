"""`ledger extract` benchmark (run by hand): whole processes, side by side with the floor
`python -c "import sqlalchemy"`, interleaved so a busy spell slows both alike; the ratio is the
median of the per-round ratios. The issue's goal: at most 1.0 on the Xiaomi column.

Usage: ``python tests/perf/extract.py ARTICLE [--runs 15]`` (the column is not in the
repository: pass its copy; any article works).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from measure import ledger_exe


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("article", type=Path)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    exe = ledger_exe()
    cases = {
        'python -c "import sqlalchemy" (floor)': [sys.executable, "-c", "import sqlalchemy"],
        "ledger extract ARTICLE (seed file)": [exe, "--as", "bench", "extract",
                                               str(args.article), "--author", "Bench"],
        "ledger extract ARTICLE --format json": [exe, "extract", str(args.article),
                                                 "--format", "json"],
    }
    rounds = [[timed(cmd) for cmd in cases.values()] for _ in range(args.runs)]
    print(f"median of {args.runs} interleaved rounds; ratio = median of per-round ratios")
    print(f"{'case':44} {'ms':>8} {'ratio':>6}")
    for i, name in enumerate(cases):
        ms = statistics.median(r[i] for r in rounds) * 1000
        ratio = statistics.median(r[i] / r[0] for r in rounds)
        print(f"{name:44} {ms:8.1f} {ratio:6.2f}")


if __name__ == "__main__":
    main()
