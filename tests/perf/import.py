"""Import benchmark (run by hand): 100,000 claims with forecasts.

Prints the median time of `ledger import` (the library call the command makes, in-process,
and the real CLI once) against a raw `sqlite3` `executemany` of the same rows into the same
schema, measured in the same run, as a ratio. The baseline also reads and parses the file, so
both sides do the same I/O. Usage: ``python tests/perf/import.py [--claims 100000] [--runs 3]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path


def make_file(path: Path, n: int) -> None:
    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    with open(path, "w") as fh:
        fh.write(json.dumps({"type": "ledger", "format": 1}) + "\n")
        for a in range(50):
            fh.write(json.dumps({"type": "analyst", "name": f"analyst-{a:02d}", "affiliation": None,
                                 "created_at": t0.isoformat()}) + "\n")
        for i in range(n):
            made = date(2015, 1, 1) + timedelta(days=i % 365)
            key = f"claim-{i:06d}"
            at = (t0 + timedelta(seconds=i)).isoformat(timespec="microseconds")
            who = f"analyst-{i % 50:02d}"
            fh.write(json.dumps({
                "type": "claim", "key": key, "statement": f"Statement number {i}", "quote": None,
                "source": None, "author": who, "subject": "bench", "tags": ["bench"],
                "made_on": made.isoformat(), "due_on": (made + timedelta(days=180)).isoformat(),
                "due_basis": "stated", "due_note": None, "criteria": None, "withdrawn_on": None,
                "withdrawn_note": None, "recorded_by": who, "recorded_at": at, "version": 1,
            }) + "\n")
            fh.write(json.dumps({
                "type": "forecast", "id": f"{key}#f1", "claim": key, "by": who,
                "made_on": made.isoformat(), "probability": (i % 99 + 1) / 100, "given": "x",
                "mapped": False, "phrase": None, "band": None, "vague": False, "note": None,
                "recorded_by": who, "recorded_at": at,
            }) + "\n")


def baseline(db: Path, src: Path) -> None:
    """Parse the same file and executemany the same rows with the standard sqlite3 module."""
    with open(src) as fh:
        recs = [json.loads(line) for line in fh]
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA synchronous=FULL")
    names = {}
    rows = []
    for r in recs:
        if r["type"] == "analyst":
            rows.append((r["name"], r["created_at"].replace("T", " ")[:26]))
    con.executemany("INSERT INTO analyst (name, created_at) VALUES (?, ?)", rows)
    names = {n: i for i, n in con.execute("SELECT id, name FROM analyst")}
    claims, tags, forecasts, ids = [], [], [], {}
    for r in recs:
        if r["type"] == "claim":
            cid = len(ids) + 1
            ids[r["key"]] = cid
            at = r["recorded_at"].replace("T", " ")[:26]
            claims.append(
                (
                    cid,
                    r["key"],
                    r["statement"],
                    names[r["author"]],
                    r["subject"],
                    r["made_on"],
                    r["due_on"],
                    r["due_basis"],
                    names[r["recorded_by"]],
                    at,
                    1,
                )
            )
            tags += [(cid, t) for t in r["tags"]]
        elif r["type"] == "forecast":
            at = r["recorded_at"].replace("T", " ")[:26]
            forecasts.append(
                (
                    ids[r["claim"]],
                    names[r["by"]],
                    r["made_on"],
                    r["probability"],
                    r["given"],
                    0,
                    0,
                    names[r["recorded_by"]],
                    at,
                )
            )
    con.executemany(
        "INSERT INTO claim (id, key, statement, author_id, subject, made_on, due_on, "
        "due_basis, recorded_by, recorded_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        claims,
    )
    con.executemany("INSERT INTO claim_tag (claim_id, tag) VALUES (?, ?)", tags)
    con.executemany(
        "INSERT INTO forecast (claim_id, analyst_id, made_on, probability, given, "
        "mapped, vague, recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?,?,?)",
        forecasts,
    )
    con.commit()
    con.close()


def ours(db: Path, src: Path) -> None:
    from datetime import date

    from ledger.ops.importer import import_jsonl
    from ledger.store.engine import Store

    store = Store(str(db))
    try:
        with open(src) as fh:
            import_jsonl(store, "bench", fh, today=date.today())
    finally:
        store.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    exe = str(Path(sys.executable).with_name("ledger"))
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        src = tmpd / "bench.jsonl"
        make_file(src, args.claims)
        empty = tmpd / "empty.db"
        subprocess.run([exe, "--db", str(empty), "db", "init"], check=True, capture_output=True)
        times: dict[str, list[float]] = {
            "raw sqlite3 executemany": [],
            "ledger import (library)": [],
        }
        for run in range(args.runs):
            for name, fn in (
                ("raw sqlite3 executemany", baseline),
                ("ledger import (library)", ours),
            ):
                db = tmpd / f"{run}-{name[:3]}.db"
                shutil.copy(empty, db)
                t0 = time.perf_counter()
                fn(db, src)
                times[name].append(time.perf_counter() - t0)
        db = tmpd / "cli.db"
        shutil.copy(empty, db)
        t0 = time.perf_counter()
        subprocess.run([exe, "--db", str(db), "import", str(src)], check=True, capture_output=True)
        cli = time.perf_counter() - t0
        t0 = time.perf_counter()
        check = subprocess.run(
            [exe, "--db", str(db), "db", "check"], capture_output=True, text=True
        )
        check_t = time.perf_counter() - t0
    base = statistics.median(times["raw sqlite3 executemany"])
    print(f"{args.claims} claims + {args.claims} forecasts; median of {args.runs} runs")
    print(f"{'case':34} {'seconds':>8} {'ratio':>6}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:34} {med:8.2f} {med / base:6.2f}")
    print(f"{'ledger import (CLI, one run)':34} {cli:8.2f} {cli / base:6.2f}")
    print(f"ledger db check afterwards: {check_t:.2f} s, exit {check.returncode}")


if __name__ == "__main__":
    main()
