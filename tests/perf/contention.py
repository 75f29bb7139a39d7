"""Contention benchmark (run by hand): throughput and p50/p99 latency of changes made by 1, 4
and 8 concurrent writer processes, on SQLite and (with LEDGER_TEST_PG_URL) PostgreSQL.

Each writer is a separate process calling the library (`ledger.ops.changes.add_forecast`: one
write transaction and one audit event per change); latency is measured around each change,
so lock waits are included. The 1-writer row is the baseline of the same run.
Usage: ``python tests/perf/contention.py [--changes 200]``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path


def writer(target: str, n: int, who: int, out: mp.Queue[list[float]], ready: mp.Queue[int],
           go: mp.Event) -> None:  # type: ignore[name-defined]
    from ledger.core.probability import parse_probability
    from ledger.ops import changes
    from ledger.store.engine import Store

    store = Store(target)
    p = parse_probability("0.6")
    ready.put(who)
    go.wait()  # imports done: time only the changes
    lat = []
    for i in range(n):
        t0 = time.perf_counter()
        changes.add_forecast(store, f"writer{who}", "bench", p, on=date(2015, 6, 1 + i % 28),
                             today=date.today())
        lat.append(time.perf_counter() - t0)
    store.dispose()
    out.put(lat)


def run(target: str, writers: int, per_writer: int) -> tuple[float, float, float]:
    q: mp.Queue = mp.Queue()
    ready: mp.Queue = mp.Queue()
    go = mp.Event()
    procs = [mp.Process(target=writer, args=(target, per_writer, w, q, ready, go))
             for w in range(writers)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get()
    t0 = time.perf_counter()
    go.set()
    lats: list[float] = []
    for _ in procs:
        lats += q.get()
    for p in procs:
        p.join()
    wall = time.perf_counter() - t0
    lats.sort()
    p99 = lats[min(len(lats) - 1, int(0.99 * len(lats)))]
    return len(lats) / wall, statistics.median(lats), p99


def prepare(target: str) -> None:
    exe = str(Path(sys.executable).with_name("ledger"))
    subprocess.run([exe, "--db", target, "db", "init"], check=True, capture_output=True)
    subprocess.run([exe, "--db", target, "add", "Benchmark claim", "--key", "bench", "--made",
                    "2015-01-01", "--due", "2015-12-31"], check=True, capture_output=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--changes", type=int, default=200, help="changes per run (split over writers)")
    args = ap.parse_args()
    targets = []
    tmp = tempfile.mkdtemp()
    targets.append(("sqlite", lambda: str(Path(tmp) / f"{uuid.uuid4().hex}.db"), None))
    pg = os.environ.get("LEDGER_TEST_PG_URL")
    if pg:
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(pg)
        admin = psycopg.connect(host=url.host, port=url.port, user=url.username,
                                dbname=url.database, autocommit=True)

        def pg_target() -> str:
            name = f"ledger_bench_{uuid.uuid4().hex[:10]}"
            admin.execute(f'CREATE DATABASE "{name}"')
            created.append(name)
            return url.set(database=name).render_as_string(hide_password=False)

        created: list[str] = []
        targets.append(("postgresql", pg_target, (admin, created)))
    print(
        f"{'backend':11} {'writers':>7} {'changes/s':>10} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'vs 1 writer':>12}"
    )
    for name, make, cleanup in targets:
        base = None
        for writers in (1, 4, 8):
            target = make()
            prepare(target)
            tput, p50, p99 = run(target, writers, max(1, args.changes // writers))
            base = base or tput
            print(
                f"{name:11} {writers:7d} {tput:10.1f} {p50 * 1000:8.1f} {p99 * 1000:8.1f} "
                f"{tput / base:11.2f}x"
            )
        if cleanup:
            admin, created = cleanup
            for db in created:
                admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
