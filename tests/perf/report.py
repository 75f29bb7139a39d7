"""Report benchmark (run by hand): the median time of `ledger report --format json` against a
raw SQL baseline (the per-analyst mean Brier in one query), measured in the same run, as a
ratio. Two shapes:

- ``--shape big`` (default): 200,000 claims, 1,000,000 forecasts, 50 analysts; the baseline
  runs the query through the standard sqlite3 module in process.
- ``--shape many``: shaped like real public data: 18,000 claims, 60,000 forecasts, 2,000
  forecasters, most on a few claims and a few on thousands (Zipf-like); the baseline is a whole
  process that imports SQLAlchemy and runs the same query, as the CLI is a whole process.

Usage: ``python tests/perf/report.py [--shape many] [--claims N] [--forecasts N] [--site]``
(``--site`` also times ``report --format site`` once, against the same baseline).

The ledger is written straight into a migrated file with sqlite3 (setup is not measured).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

BASELINE = """
SELECT f.analyst_id,
       AVG((f.probability - (r.outcome = 'true')) * (f.probability - (r.outcome = 'true')))
FROM forecast f JOIN resolution r ON r.claim_id = f.claim_id AND r.superseded_at IS NULL
WHERE r.outcome IN ('true', 'false')
GROUP BY f.analyst_id
"""


def build(db: Path, claims: int, forecasts: int, analysts: int, seed: int = 1,
          skew: float = 0.0) -> None:
    """``skew`` > 0 draws forecasters with weight 1/rank^skew (a few very active people)."""
    rng = random.Random(seed)
    weights = [1 / (k + 1) ** skew for k in range(analysts)] if skew else None
    con = sqlite3.connect(db)
    at = "2016-01-01 00:00:00.000000"
    con.executemany("INSERT INTO analyst (id, name, created_at) VALUES (?, ?, ?)",
                    [(i + 1, f"analyst-{i:02d}", at) for i in range(analysts)])
    start = date(2015, 1, 1)
    crow, rrow, frow = [], [], []
    made = {}
    for c in range(1, claims + 1):
        m = start + timedelta(days=rng.randrange(0, 700))
        due = m + timedelta(days=rng.choice([30, 90, 180, 365]))
        made[c] = (m, due)
        author = rng.randrange(1, analysts + 1)
        crow.append((c, f"c{c:07d}", f"Claim {c}", author, "bench", m.isoformat(), due.isoformat(),
                     "stated", author, f"{m.isoformat()} 09:00:00.000000", 1))
        if rng.random() < 0.8:
            known = due + timedelta(days=rng.randrange(-20, 30))
            known = max(known, m)
            outcome = rng.choice(["true", "false", "true", "false", "ambiguous"])
            rrow.append(
                (c, 1, outcome, known.isoformat(), author, f"{known.isoformat()} 10:00:00.000000")
            )
    for i in range(forecasts):
        c = rng.randrange(1, claims + 1) if i >= claims else i + 1
        m, due = made[c]
        d = m + timedelta(days=rng.randrange(0, (due - m).days + 1))
        who = (rng.choices(range(1, analysts + 1), weights)[0] if weights
               else rng.randrange(1, analysts + 1))
        frow.append(
            (
                c,
                who,
                d.isoformat(),
                round(rng.uniform(0.01, 0.99), 2),
                "x",
                0,
                0,
                who,
                f"{d.isoformat()} 09:30:00.000000",
            )
        )
    con.executemany(
        "INSERT INTO claim (id, key, statement, author_id, subject, made_on, due_on, "
        "due_basis, recorded_by, recorded_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        crow,
    )
    con.executemany(
        "INSERT INTO resolution (claim_id, revision, outcome, known_on, resolved_by, "
        "recorded_at) VALUES (?,?,?,?,?,?)",
        rrow,
    )
    con.executemany(
        "INSERT INTO forecast (claim_id, analyst_id, made_on, probability, given, mapped, "
        "vague, recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?,?)",
        frow,
    )
    con.commit()
    con.execute("ANALYZE")
    con.close()


def timed(fn, runs: int) -> float:
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", choices=["big", "many"], default="big")
    ap.add_argument("--claims", type=int)
    ap.add_argument("--forecasts", type=int)
    ap.add_argument("--analysts", type=int)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--site", action="store_true", help="also time the scorecard site, once")
    args = ap.parse_args()
    many = args.shape == "many"
    args.claims = args.claims or (18_000 if many else 200_000)
    args.forecasts = args.forecasts or (60_000 if many else 1_000_000)
    args.analysts = args.analysts or (2_000 if many else 50)
    exe = str(Path(sys.executable).with_name("ledger"))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        subprocess.run([exe, "--db", str(db), "db", "init"], check=True, capture_output=True)
        t0 = time.perf_counter()
        build(db, args.claims, args.forecasts, args.analysts, skew=1.1 if many else 0.0)
        print(
            f"built {args.claims} claims, {args.forecasts} forecasts, {args.analysts} analysts "
            f"in {time.perf_counter() - t0:.1f} s"
        )

        def baseline() -> None:
            if many:  # a whole process, as the CLI is: the mandated stack's import, then SQL
                code = ("import sqlalchemy, sqlite3, sys; con = sqlite3.connect(sys.argv[1]); "
                        f"con.execute({BASELINE!r}).fetchall()")
                subprocess.run([sys.executable, "-c", code, str(db)], check=True)
                return
            con = sqlite3.connect(db)
            con.execute(BASELINE).fetchall()
            con.close()

        def report() -> None:
            subprocess.run(
                [exe, "--db", str(db), "report", "--format", "json"],
                check=True,
                stdout=subprocess.DEVNULL,
            )

        def report_lib() -> None:
            from datetime import date

            from ledger.scorecard.build import Request
            from ledger.scorecard.build import build as build_report
            from ledger.store.engine import Store

            store = Store(str(db))
            try:
                build_report(store, Request(as_of=date.today()))
            finally:
                store.dispose()

        def site() -> None:
            subprocess.run([exe, "--db", str(db), "report", "--format", "site", "--out",
                            str(Path(tmp) / "site"), "--force"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        # interleaved, so a busy spell on the machine slows the baseline and the cases alike;
        # each case's ratio is the median of its per-round ratios
        rounds = [(timed(baseline, 1), timed(report, 1), timed(report_lib, 1))
                  for _ in range(args.runs)]
        base = statistics.median(r[0] for r in rounds)
        cli = statistics.median(r[1] for r in rounds)
        lib = statistics.median(r[2] for r in rounds)
        cli_ratio = statistics.median(r[1] / r[0] for r in rounds)
        lib_ratio = statistics.median(r[2] / r[0] for r in rounds)
        web = timed(site, 1) if args.site else None
        pages = sum(1 for _ in (Path(tmp) / "site").rglob("*.html")) if args.site else 0
    print(f"median of {args.runs} interleaved rounds; ratio = median of the per-round ratios")
    print(f"{'case':44} {'seconds':>8} {'ratio':>6}")
    what = ("process: import sqlalchemy + per-person Brier SQL" if many
            else "raw SQL: per-analyst mean Brier (sqlite3)")
    print(f"{what:44} {base:8.2f} {1:6.2f}")
    print(f"{'ledger report --format json (CLI process)':44} {cli:8.2f} {cli_ratio:6.2f}")
    print(f"{'scorecard build (library, in process)':44} {lib:8.2f} {lib_ratio:6.2f}")
    if web is not None:
        what = f"report --format site ({pages} pages, 1 run)"
        print(f"{what:44} {web:8.2f} {web / base:6.2f}")


if __name__ == "__main__":
    main()
