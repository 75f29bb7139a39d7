"""Report benchmark (run by hand): `ledger report --format json` (and with ``--site`` the
scorecard site) against a floor measured in the same run, time and peak memory, interleaved so
a busy spell slows both alike; the ratio is the median of the per-round ratios.

The floor is a whole process that imports SQLAlchemy (the mandated stack) and computes the
per-analyst mean Brier of current resolutions. That sum can be written with several join
orders, and a slow one would flatter the report: every plan in ``PLANS`` is timed (their
answers must agree) and the fastest is the floor. The report is also set beside the
baselines issue 15 named: the query as one writes it (the planner's join order) in a whole
process, and alone in the benchmark's process (the 1M benchmark's baseline before the floor was
tightened). Two shapes:

- ``--shape big`` (default): 200,000 claims, 1,000,000 forecasts, 50 analysts;
- ``--shape many``: shaped like real public data: 18,000 claims, 60,000 forecasts, 2,000
  forecasters, most on a few claims and a few on thousands (Zipf-like).

Usage: ``python tests/perf/report.py [--shape many] [--claims N] [--forecasts N] [--runs 3]
[--site]``. The ledger is written straight into a migrated file with sqlite3 (not measured).
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

sys.path.insert(0, str(Path(__file__).parent))

from measure import interleaved, ledger_exe, run, table

HERE = Path(__file__).parent

#: The same per-analyst mean Brier (current resolutions, true/false only) written with different
#: join orders; the floor is whichever is fastest on the ledger at hand (``--plans`` prints
#: each), so a slow plan never flatters the report.
_BRIER = "AVG((f.probability - r.o) * (f.probability - r.o))"
PLANS = {
    "join (planner's order)": f"""
        SELECT f.analyst_id, {_BRIER.replace("r.o", "(r.outcome = 'true')")}
        FROM forecast f JOIN resolution r ON r.claim_id = f.claim_id
             AND r.superseded_at IS NULL
        WHERE r.outcome IN ('true', 'false') GROUP BY f.analyst_id""",
    "outcomes first, forecasts by index": f"""
        WITH r AS MATERIALIZED (SELECT claim_id, outcome = 'true' AS o FROM resolution
                                WHERE superseded_at IS NULL AND outcome IN ('true', 'false'))
        SELECT f.analyst_id, {_BRIER} FROM r CROSS JOIN forecast f ON f.claim_id = r.claim_id
        GROUP BY f.analyst_id""",
    "forecasts scanned, outcome by index": f"""
        SELECT f.analyst_id, {_BRIER.replace("r.o", "(r.outcome = 'true')")}
        FROM forecast f CROSS JOIN resolution r ON r.claim_id = f.claim_id
             AND r.superseded_at IS NULL
        WHERE r.outcome IN ('true', 'false') GROUP BY f.analyst_id""",
    "outcomes in a temporary hash (Python dict), forecasts scanned": "python",
}

#: a whole process: the mandated stack's import, then the plan (argv: database, plan name)
FLOOR_CODE = """
import sqlalchemy, sqlite3, sys
sys.path.insert(0, {here!r})
from report import run_plan
run_plan(sys.argv[1], sys.argv[2])
"""


def run_plan(db: str, name: str) -> list[tuple[int, float]]:
    con = sqlite3.connect(db)
    try:
        if PLANS[name] != "python":
            return con.execute(PLANS[name]).fetchall()
        outcome = dict(con.execute(
            "SELECT claim_id, outcome = 'true' FROM resolution WHERE superseded_at IS NULL "
            "AND outcome IN ('true', 'false')"))
        sums: dict[int, list[float]] = {}
        for cid, who, p in con.execute("SELECT claim_id, analyst_id, probability FROM forecast"):
            o = outcome.get(cid)
            if o is not None:
                acc = sums.setdefault(who, [0.0, 0])
                acc[0] += (p - o) ** 2
                acc[1] += 1
        return [(who, s / n) for who, (s, n) in sums.items()]
    finally:
        con.close()


def build(db: Path, claims: int, forecasts: int, analysts: int, seed: int = 1,
          skew: float = 0.0) -> None:
    """``skew`` > 0 draws forecasters with weight 1/rank^skew (a few very active people)."""
    rng = random.Random(seed)
    weights = [1 / (k + 1) ** skew for k in range(analysts)] if skew else None
    con = sqlite3.connect(db)
    at = "2016-01-01 00:00:00.000000"
    con.execute("DELETE FROM analyst")  # who ran db init: this file's people are made here
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
    exe = ledger_exe()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        subprocess.run([exe, "--db", str(db), "db", "init"], check=True, capture_output=True)
        t0 = time.perf_counter()
        build(db, args.claims, args.forecasts, args.analysts, skew=1.1 if many else 0.0)
        print(
            f"built {args.claims} claims, {args.forecasts} forecasts, {args.analysts} analysts "
            f"in {time.perf_counter() - t0:.1f} s"
        )

        floors = {name: [sys.executable, "-c", FLOOR_CODE.format(here=str(HERE)), str(db), name]
                  for name in PLANS}
        # the tightest plan, each a whole process, three runs (its answers checked alike)
        answers = {name: sorted((w, round(b, 9)) for w, b in run_plan(str(db), name))
                   for name in PLANS}
        assert len({str(a) for a in answers.values()}) == 1, "the plans disagree"
        plan_secs = {name: statistics.median(run(cmd).seconds for _ in range(3))
                     for name, cmd in floors.items()}
        best = min(plan_secs, key=plan_secs.__getitem__)
        print("floor plans (whole process: import sqlalchemy, then the SQL), median of 3:")
        for name, secs in plan_secs.items():
            print(f"  {name:62} {secs:6.2f} s{'  <- the floor' if name == best else ''}")
        cases = {"ledger report --format json": [exe, "--db", str(db), "report", "--format",
                                                 "json"]}
        if args.site:
            cases["ledger report --format site"] = [
                exe, "--db", str(db), "report", "--format", "site", "--out",
                str(Path(tmp) / "site"), "--force"]
        rows = interleaved(cases, args.runs, floor=floors[best])
        pages = sum(1 for _ in (Path(tmp) / "site").rglob("*.html")) if args.site else 0
        issue = issue_baselines(str(db), cases["ledger report --format json"], floors,
                                args.runs)
    print(f"\nmedian of {args.runs} interleaved rounds; ratio = median of the per-round ratios "
          f"to the floor ({best})" + (f"; the site has {pages} pages" if args.site else ""))
    table(rows)
    print("\nagainst the issue's baselines: the per-person query as one writes it (the "
          "planner's join order), interleaved, median of the per-round ratios:")
    for name, (secs, ratio) in issue.items():
        print(f"  {name:62} {secs:6.2f} s  report {ratio:5.2f}x")


PLANNER = "join (planner's order)"


def issue_baselines(db: str, report: list[str], floors: dict[str, list[str]],
                    runs: int) -> dict[str, tuple[float, float]]:
    """The baselines issue 15 names: a whole process that imports SQLAlchemy and runs the raw
    per-person query (its many-analysts goal) and that query alone in this process (the 1M
    benchmark's baseline as it stood), each beside a fresh run of the report."""
    whole: list[float] = []
    inproc: list[float] = []
    rep: list[float] = []
    for _ in range(runs):
        whole.append(run(floors[PLANNER]).seconds)
        t0 = time.perf_counter()
        run_plan(db, PLANNER)
        inproc.append(time.perf_counter() - t0)
        rep.append(run(report).seconds)
    def ratio(base: list[float]) -> float:
        return statistics.median(r / b for r, b in zip(rep, base, strict=True))

    return {
        "whole process (import sqlalchemy, then the query)": (statistics.median(whole),
                                                               ratio(whole)),
        "the query alone, in process (the 1M benchmark's baseline)": (statistics.median(inproc),
                                                                       ratio(inproc)),
    }


if __name__ == "__main__":
    main()
