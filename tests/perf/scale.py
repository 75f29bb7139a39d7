"""Everyday commands at scale (run by hand): time and peak memory of `list`, `due`, `export`,
`db check`, `report --format json` and `import` on ledgers of growing size, each beside the
floor `python -c "import sqlalchemy"`. Memory should stay nearly flat as the ledger grows
(at most 1.5x for 4x the claims) and under 300 MB at 1,000,000 claims.

Usage: ``python tests/perf/scale.py [--claims 100000 400000] [--runs 1]``. Each ledger is
written straight into a migrated file with sqlite3 (not measured): claims with a tag, one to
three forecasts each, 80% resolved, a fifth with evidence.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from measure import interleaved, ledger_exe, table


def build(db: Path, claims: int, analysts: int = 200, seed: int = 7) -> None:
    rng = random.Random(seed)
    con = sqlite3.connect(db)
    at = "2016-01-01 00:00:00.000000"
    con.execute("DELETE FROM analyst")  # who ran db init: this file's people are made here
    con.executemany("INSERT INTO analyst (id, name, created_at) VALUES (?, ?, ?)",
                    [(i + 1, f"analyst-{i:03d}", at) for i in range(analysts)])
    start = date(2015, 1, 1)
    batch: dict[str, list[tuple]] = {"claim": [], "tag": [], "forecast": [], "res": [],
                                     "evidence": []}

    def flush() -> None:
        con.executemany(
            "INSERT INTO claim (id, key, statement, author_id, subject, made_on, due_on, "
            "due_basis, recorded_by, recorded_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            batch["claim"])
        con.executemany("INSERT INTO claim_tag (claim_id, tag) VALUES (?, ?)", batch["tag"])
        con.executemany(
            "INSERT INTO forecast (claim_id, analyst_id, made_on, probability, given, mapped, "
            "vague, recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?,?)", batch["forecast"])
        con.executemany(
            "INSERT INTO resolution (claim_id, revision, outcome, known_on, resolved_by, "
            "recorded_at) VALUES (?,?,?,?,?,?)", batch["res"])
        con.executemany(
            "INSERT INTO evidence (claim_id, observed_on, stance, summary, recorded_by, "
            "recorded_at) VALUES (?,?,?,?,?,?)", batch["evidence"])
        for v in batch.values():
            v.clear()

    today = date(2026, 12, 1)
    for c in range(1, claims + 1):
        made = start + timedelta(days=rng.randrange(0, 4000))
        due = made + timedelta(days=rng.choice([30, 90, 180, 365]))
        author = rng.randrange(1, analysts + 1)
        rec = f"{made.isoformat()} 09:00:00.000000"
        batch["claim"].append((c, f"c{c:07d}", f"Claim number {c} about something measurable",
                               author, "bench", made.isoformat(), due.isoformat(), "stated",
                               author, rec, 1))
        batch["tag"].append((c, f"t{c % 50}"))
        for k in range(rng.randrange(1, 4)):
            who = author if k == 0 else rng.randrange(1, analysts + 1)
            batch["forecast"].append((c, who, made.isoformat(),
                                      round(rng.uniform(0.01, 0.99), 2), "x", 0, 0, who, rec))
        if due < today and rng.random() < 0.8:
            batch["res"].append((c, 1, rng.choice(["true", "false"]), due.isoformat(), author,
                                 f"{due.isoformat()} 10:00:00.000000"))
        if rng.random() < 0.2:
            batch["evidence"].append((c, made.isoformat(), "context", f"Evidence for {c}",
                                      author, rec))
        if c % 20_000 == 0:
            flush()
    flush()
    con.commit()
    con.execute("ANALYZE")
    con.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, nargs="+", default=[100_000, 400_000])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--only", nargs="*", help="cases to run (list, due, export, check, "
                    "report, import)")
    args = ap.parse_args()
    exe = ledger_exe()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.claims:
            db = Path(tmp) / f"scale-{n}.db"
            subprocess.run([exe, "--db", str(db), "db", "init"], check=True,
                           capture_output=True)
            build(db, n)
            dump = Path(tmp) / f"scale-{n}.jsonl"
            with open(dump, "w") as fh:
                subprocess.run([exe, "--db", str(db), "export"], check=True, stdout=fh)
            target = Path(tmp) / f"import-{n}.db"

            def fresh(target: Path = target) -> None:
                target.unlink(missing_ok=True)
                subprocess.run([exe, "--db", str(target), "db", "init"], check=True,
                               capture_output=True)

            base = [exe, "--db", str(db)]
            cases = {
                "import": [exe, "--db", str(target), "import", str(dump)],
                # a ledger made by the tool has its history: check the imported one
                "check": [exe, "--db", str(target), "db", "check"],
                "list": [*base, "list"],
                "due": [*base, "due", "--within", "3000d"],
                "export": [*base, "export"],
                "report": [*base, "report", "--format", "json"],
            }
            if args.only:
                cases = {k: v for k, v in cases.items() if k in args.only}
            print(f"\n{n:,} claims (ledger {db.stat().st_size / 1e6:.0f} MB, export "
                  f"{dump.stat().st_size / 1e6:.0f} MB); median of {args.runs} run(s)")
            table(interleaved({f"{k} ({n:,})": v for k, v in cases.items()}, args.runs,
                              {f"import ({n:,})": fresh}))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
