"""Start-up benchmark (run by hand): wall time and peak memory of light commands, reads and
writes on the seeded Xiaomi ledger, each beside the floor ``python -c "import sqlalchemy"``
run in the same round (``measure.interleaved``).

Goals (issue 16): ``list``, ``show``, ``due`` at most 1.3x the floor; ``add``, ``forecast``,
``resolve`` at most 1.5x; ``--version`` and ``--help`` under 0.5x.

Usage: ``python tests/perf/startup.py [--runs 15]``, with the ledger installed in the current
environment.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from measure import interleaved, ledger_exe, table


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    exe = ledger_exe()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        lg = [exe, "--db", db]
        for setup in (["db", "init"], ["seed"],
                      ["add", "An open call", "--due", "2100-01-01", "--key", "open"],
                      ["add", "A settled call", "--due", "2016-01-01", "--made", "2015-01-01",
                       "--key", "settled"],
                      ["resolve", "settled", "true", "--on", "2016-01-02"]):
            subprocess.run([*lg, *setup], check=True, capture_output=True)
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "ledger --version": [exe, "--version"],
            "ledger --help": [exe, "--help"],
            "ledger db status": [*lg, "db", "status"],
            "ledger list": [*lg, "list"],
            "ledger show": [*lg, "show", "xiaomi-us-specific-phone"],
            "ledger due": [*lg, "due"],
            # writes: each run adds a row (a claim, a forecast, a resolution revision)
            "ledger add": [*lg, "add", "Another call", "--due", "2100-01-01"],
            "ledger forecast": [*lg, "forecast", "open", "0.6"],
            "ledger resolve --revise": [*lg, "resolve", "settled", "true", "--on",
                                        "2016-01-02", "--revise", "--note", "again"],
        }
        print(f"median of {args.runs} runs; ratio = time / floor "
              '(python -c "import sqlalchemy") in the same round')
        table(interleaved(cases, args.runs))


if __name__ == "__main__":
    main()
