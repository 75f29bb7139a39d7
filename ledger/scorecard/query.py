"""The scorecard's SQL: the database does the heavy lifting.

One window pass turns forecasts into standing segments (kept in a temporary table): each
(analyst, claim) pair's forecasts from the first one until the outcome was known (or the claim
fell due, if earlier), each weighted by the share of that time it stood; on a day with several
forecasts the one recorded last stands. Aggregates come back at two levels:
``(group, probability, outcome, band)`` with summed weights, from which every weighted
statistic follows exactly, and ``(group, analyst, claim)`` pair scores for intervals and paired
comparisons. Only what had been recorded by the as-of instant is read.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Date, Integer, TextClause, bindparam, text
from sqlalchemy.engine import Connection

from ledger.core.rules import SCORED_OUTCOMES, sql_in
from ledger.scorecard.hindsight_sql import (
    day_after,
    day_of,
    days_between,
    effective_withdrawal,
    retraction,
    stop_day,
)
from ledger.store.engine import dbapi
from ledger.store.order import forecast_order_sql
from ledger.store.types import UTCDateTime


class WeightedRow(NamedTuple):
    """A distinct forecast in a group, with the time weight of all pairs that gave it."""

    group: Any
    p: float
    y: int
    mapped: bool
    band_lo: float | None
    band_hi: float | None
    phrase: str | None
    weight: float


#: one scored (analyst, claim) pair in a group: (group, analyst_id, claim_id, brier_sum,
#: weight); its Brier is ``brier_sum / weight``. A plain tuple: a report reads a million.
PairRow = tuple[Any, int, int, float, float]


SEG = "ledger_report_seg"
PAIRS = "ledger_report_pairs"
BACKFILLED = "ledger_report_backfilled"
CONTESTED = "ledger_report_contested"


@dataclass(frozen=True)
class Window:
    as_of: datetime  # instant: end of the as-of day, UTC
    start: date  # outcomes known in [start, end]
    end: date
    grace: int = 2  # the ledger's grace days as of ``as_of`` (see ledger.core.hindsight)


def bind_window(stmt: TextClause, win: Window) -> TextClause:
    """Bind the window's instants and days (only those the statement names)."""
    sql = str(stmt)
    binds = [bindparam("asof", value=win.as_of, type_=UTCDateTime()),
             bindparam("start", value=win.start, type_=Date()),
             bindparam("end", value=win.end, type_=Date()),
             bindparam("grace", value=win.grace, type_=Integer())]
    return stmt.bindparams(*[b for b in binds if f":{b.key}" in sql])


def run(conn: Connection, sql: str, win: Window) -> list[tuple]:
    return [tuple(r) for r in conn.execute(bind_window(text(sql), win)).all()]


def namer(conn: Connection, by: str | None) -> Callable[[Any], Any]:
    """What turns a group key from the SQL into the group's name: analysts are grouped by id
    and named afterwards (cheaper than joining per row); other keys are names already."""
    if by != "author":
        return _same
    names = {int(i): str(n) for i, n in conn.execute(text("SELECT id, name FROM analyst"))}
    return names.__getitem__


def _same(key: Any) -> Any:
    return key


def named(rows: list[tuple], name: Callable[[Any], Any]) -> list[tuple]:
    """Replace the group keys in the first column with names (``namer``'s)."""
    if name is _same:
        return rows
    return [(name(r[0]), *r[1:]) for r in rows]


CURRENT = """
cur AS (
  SELECT r.id AS res_id, r.claim_id, r.outcome, r.known_on FROM resolution r
  WHERE r.recorded_at <= :asof AND (r.superseded_at IS NULL OR r.superseded_at > :asof)
)"""


@contextmanager
def segments(conn: Connection, win: Window) -> Iterator[None]:
    """Build the temporary segment and pair tables for one window; drop them afterwards.

    A segment's ``days`` is how long its forecast stood; a pair's ``total`` is the sum, and
    the segment's weight ``w`` is ``days / total``. Forecasts made on the day the outcome was
    known (or the claim fell due) stand for no time: a pair whose first forecast came then is
    not scored. Most pairs hold one forecast (weight 1, or 0 if it stood no time): the first
    statement writes them whole, in one pass over the forecasts; only pairs with more (an
    index probe tells) go through the window that finds each forecast's successor, which
    sorts what it is given. The pair table groups only those.
    """
    # a forecast stands until the next one or the end; one withdrawn (ledger.core.corrections)
    # stops on the day it was retracted, never before its own day
    def days(stands_until: str) -> str:
        until = (f"CASE WHEN stop_on IS NOT NULL AND stop_on < {stands_until} THEN "
                 "(CASE WHEN stop_on < made_on THEN made_on ELSE stop_on END) "
                 f"ELSE {stands_until} END")
        return f"CAST({days_between(conn, until, 'made_on')} AS DOUBLE PRECISION)"

    total = "SUM(d) OVER (PARTITION BY claim_id, analyst_id)"
    # back-filled (ledger.core.hindsight): entered from the day after the deadline or after the
    # first resolution, and over the grace days after its own date; cheap comparisons first
    late = (f"(f.recorded_at >= sc.late_from OR f.recorded_at > sc.first_res) AND "
            f"{days_between(conn, day_of(conn, 'f.recorded_at'), 'f.made_on')} > :grace")
    # an optimisation fence: a claim's and a forecast's columns (some are correlated probes)
    # are computed once a row, not copied into each expression that names them
    fence = "LIMIT -1 OFFSET 0" if conn.dialect.name == "sqlite" else "OFFSET 0"
    drop_tables(conn)
    conn.execute(bind_window(text(f"""
CREATE TEMPORARY TABLE {SEG} AS
WITH {CURRENT},
sc AS (
  SELECT c.id AS claim_id, c.source_id,
         CASE WHEN cur.outcome = 'true' THEN 1 ELSE 0 END AS y,
         CASE WHEN {sql_in('cur.outcome', SCORED_OUTCOMES)} THEN 1 ELSE 0 END AS rs,
         CASE WHEN EXISTS (SELECT 1 FROM resolution_reading rr
                           WHERE rr.resolution_id = cur.res_id) THEN 1 ELSE 0 END AS ct,
         CASE WHEN cur.known_on < c.due_on THEN cur.known_on ELSE c.due_on END AS end_on,
         {day_after(conn, "CASE WHEN cur.known_on < c.due_on THEN cur.known_on "
                           "ELSE c.due_on END")} AS late_from,
         (SELECT MIN(r.recorded_at) FROM resolution r
          WHERE r.claim_id = c.id AND r.recorded_at <= :asof) AS first_res,
         s.published_on
  FROM claim c JOIN cur ON cur.claim_id = c.id LEFT JOIN source s ON s.id = c.source_id
  WHERE c.recorded_at <= :asof AND NOT {effective_withdrawal(conn)}
    AND ({sql_in('cur.outcome', SCORED_OUTCOMES)} OR EXISTS (
      SELECT 1 FROM resolution_reading rr WHERE rr.resolution_id = cur.res_id
        AND {sql_in('rr.outcome', SCORED_OUTCOMES)}))
    AND cur.known_on >= :start AND cur.known_on <= :end
  {fence}
),
f0 AS (
  SELECT f.id, f.claim_id, f.analyst_id, f.made_on, f.recorded_at, f.probability AS p,
         f.mapped, f.band_lo,
         f.band_hi, f.phrase, sc.y, sc.rs, sc.ct, sc.end_on,
         CASE WHEN {late} AND NOT (f.made_on = sc.published_on AND EXISTS (
                SELECT 1 FROM source_author sa
                WHERE sa.source_id = sc.source_id AND sa.analyst_id = f.analyst_id)) THEN 1
              WHEN f.vague THEN 2 ELSE 0 END AS kind,
         {stop_day(conn)} AS stop_on,
         CASE WHEN EXISTS (SELECT 1 FROM forecast f2 WHERE f2.claim_id = f.claim_id
                           AND f2.analyst_id = f.analyst_id AND f2.id <> f.id) THEN 1
              ELSE 0 END AS multi
  FROM forecast f JOIN sc ON sc.claim_id = f.claim_id
  WHERE f.recorded_at <= :asof AND f.made_on <= sc.end_on AND NOT {retraction(conn)}
  {fence}
),
alone AS (  -- as if it stood until the end: true of the only forecast of a pair
  SELECT f0.*, {days("end_on")} AS days FROM f0
)
SELECT claim_id, analyst_id, p, y, mapped, band_lo, band_hi, phrase,
       CASE WHEN kind = 0 AND multi = 0 THEN days END AS days,
       CASE WHEN kind = 0 AND multi = 0 THEN
         (CASE WHEN days > 0 THEN CAST(1 AS DOUBLE PRECISION) ELSE 0 END) END AS w,
       kind AS bf, rs, ct, multi,
       CASE WHEN multi = 1 THEN id END AS id, CASE WHEN multi = 1 THEN made_on END AS made_on,
       CASE WHEN multi = 1 THEN recorded_at END AS recorded_at,
       CASE WHEN multi = 1 THEN stop_on END AS stop_on,
       CASE WHEN multi = 1 THEN end_on END AS end_on
FROM alone WHERE kind < 2"""), win))
    # a pair with several forecasts: each stands until its successor's day (its days are
    # still empty); written as rows of their own, then the placeholders go
    conn.execute(text(f"""
INSERT INTO {SEG} (claim_id, analyst_id, p, y, mapped, band_lo, band_hi, phrase, days, w,
                   bf, rs, ct, multi)
WITH f1 AS (
  SELECT s.*, LEAD(made_on) OVER (PARTITION BY claim_id, analyst_id
                                  ORDER BY {forecast_order_sql("")}) AS next_on
  FROM {SEG} s WHERE multi = 1 AND bf = 0
),
f2 AS (
  SELECT claim_id, analyst_id, p, y, mapped, band_lo, band_hi, phrase, rs, ct,
         {days("COALESCE(next_on, end_on)")} AS d FROM f1
)
SELECT claim_id, analyst_id, p, y, mapped, band_lo, band_hi, phrase, d,
       CASE WHEN {total} > 0 THEN d / {total} ELSE 0 END, 0, rs, ct, 1
FROM f2"""))
    conn.execute(text(f"DELETE FROM {SEG} WHERE multi = 1 AND bf = 0 AND days IS NULL"))
    conn.execute(text(f"CREATE TEMPORARY TABLE {BACKFILLED} AS SELECT claim_id, analyst_id, "
                      f"phrase FROM {SEG} WHERE bf = 1 AND rs = 1"))
    conn.execute(text(f"DELETE FROM {SEG} WHERE bf = 1"))
    # claims with alternative readings, whatever was recorded: for the Brier range
    conn.execute(text(f"CREATE TEMPORARY TABLE {CONTESTED} AS SELECT * FROM {SEG} WHERE ct = 1"))
    conn.execute(text(f"DELETE FROM {SEG} WHERE rs = 0"))
    # a pair's Brier is its segments' weighted mean; one segment's is written as that mean
    # would be (same digits), with no grouping. Keyed by (claim, analyst): on SQLite the table
    # is its own index (read in claim order, looked up by pair)
    rowid = " WITHOUT ROWID" if conn.dialect.name == "sqlite" else ""
    conn.execute(text(f"""
CREATE TEMPORARY TABLE {PAIRS} (
  claim_id INTEGER NOT NULL, analyst_id INTEGER NOT NULL, total DOUBLE PRECISION,
  b DOUBLE PRECISION, w DOUBLE PRECISION, mapped INTEGER, PRIMARY KEY (claim_id, analyst_id)
){rowid}"""))
    conn.execute(text(f"""
INSERT INTO {PAIRS} (claim_id, analyst_id, total, b, w, mapped)
SELECT claim_id, analyst_id, days, days * (p - y) * (p - y) / days,
       CAST(1 AS DOUBLE PRECISION), CASE WHEN mapped THEN 1 ELSE 0 END
FROM {SEG} WHERE multi = 0 AND days > 0
UNION ALL
SELECT claim_id, analyst_id, SUM(days), SUM(days * (p - y) * (p - y)) / SUM(days),
       CAST(1 AS DOUBLE PRECISION), MAX(CASE WHEN mapped AND days > 0 THEN 1 ELSE 0 END)
FROM {SEG} WHERE multi = 1 GROUP BY claim_id, analyst_id HAVING SUM(days) > 0"""))
    try:
        yield
    finally:
        drop_tables(conn)


#: a segment's share of its pair's standing time (``segments`` writes it)
WEIGHT = "s.w"


def drop_tables(conn: Connection) -> None:
    for t in (SEG, PAIRS, BACKFILLED, CONTESTED):
        conn.execute(text(f"DROP TABLE IF EXISTS {t}"))


def group_key(by: str | None, alias: str) -> tuple[str, str, str]:
    """Group key expression, the join it needs, and its GROUP BY prefix."""
    if by is None:
        return "'(all)'", "", ""
    if by == "author":  # ids here; names are put in afterwards (see named)
        return f"{alias}.analyst_id", "", f"{alias}.analyst_id, "
    if by == "tag":
        return "t.tag", f"JOIN claim_tag t ON t.claim_id = {alias}.claim_id", "t.tag, "
    if by == "subject":
        return ("COALESCE(c.subject, '(none)')", f"JOIN claim c ON c.id = {alias}.claim_id",
                "COALESCE(c.subject, '(none)'), ")
    if by == "phrase":
        return (f"COALESCE({alias}.phrase, '(explicit)')", "",
                f"COALESCE({alias}.phrase, '(explicit)'), ")
    raise ValueError(by)


def weighted_rows(conn: Connection, win: Window, by: str | None,
                  name: Callable[[Any], Any]) -> list[WeightedRow]:
    """Each group's distinct forecasts with their weights summed (the window is in the
    segment table already), in an order set by what they hold.

    The same forecasts must give the same scores whatever order the database reads them in
    (two ledgers with the same content but other ids, a PostgreSQL heap): the forecast of a
    pair's only one weighs 1, and sums of ones are exact in any order; the shares of a pair
    with several are summed exactly (``math.fsum``) here.
    """
    key, join, gb = group_key(by, "s")
    cols = "s.p, s.y, s.mapped, s.band_lo, s.band_hi, s.phrase"
    acc: dict[tuple[Any, ...], list[float]] = {}
    singles = f"FROM {SEG} s {join} WHERE {WEIGHT} > 0 AND s.multi = 0"
    if conn.dialect.name == "sqlite":  # it groups by sorting: counting in a dict is faster
        for (g, *rest), n in Counter(_streamed(conn, f"SELECT {key} AS g, {cols} {singles}")
                                     ).items():
            acc[(name(g), *rest)] = [float(n)]
    else:
        for g, *rest, w in _streamed(conn, f"SELECT {key} AS g, {cols}, SUM({WEIGHT}) "
                                           f"{singles} GROUP BY {gb}{cols}"):
            acc[(name(g), *rest)] = [w]
    for g, *rest, w in _streamed(conn, f"""
SELECT {key} AS g, {cols}, {WEIGHT} FROM {SEG} s {join} WHERE {WEIGHT} > 0 AND s.multi = 1"""):
        acc.setdefault((name(g), *rest), []).append(w)
    rows = [WeightedRow._make((*k, math.fsum(ws))) for k, ws in acc.items()]
    rows.sort(key=_by_content)
    return rows


def _by_content(r: WeightedRow) -> tuple[Any, ...]:
    """Group, then forecast; an empty band or phrase first (as SQL sorts NULL)."""
    return (str(r.group), r.p, r.y, bool(r.mapped), r.band_lo is not None, r.band_lo or 0.0,
            r.band_hi is not None, r.band_hi or 0.0, r.phrase is not None, r.phrase or "")


def pair_rows(conn: Connection, win: Window, by: str | None) -> Iterator[PairRow]:
    """Every scored pair in a group, ordered by claim (a pair split over phrases has weight
    < 1 in each), streamed: a report holds them as ``pairs.Pairs`` arrays. Analysts come as
    ids (``namer`` names them)."""
    key, join, gb = group_key(by, "s")
    if by == "phrase":
        return iter(run(conn, f"""
SELECT {key} AS g, s.analyst_id, s.claim_id, SUM({WEIGHT} * (s.p - s.y) * (s.p - s.y)),
       SUM({WEIGHT})
FROM {SEG} s WHERE {WEIGHT} > 0 GROUP BY {gb}s.analyst_id, s.claim_id""", win))
    return _streamed(conn, f"SELECT {key} AS g, s.analyst_id, s.claim_id, s.b, s.w "
                           f"FROM {PAIRS} s {join} ORDER BY s.claim_id")


def _streamed(conn: Connection, sql: str) -> Iterator[tuple[Any, ...]]:
    """A query's rows a batch at a time; on SQLite straight from the driver's cursor (which
    reads as it goes), a third of the cost of SQLAlchemy's rows on a big ledger."""
    if conn.dialect.name != "sqlite":
        yield from conn.execute(text(sql).execution_options(stream_results=True,
                                                            yield_per=5000))
        return
    cur = dbapi(conn).cursor()
    try:
        cur.execute(sql)
        while batch := cur.fetchmany(5000):
            yield from batch
    finally:
        cur.close()


def group_by(prefix: str) -> str:
    """``GROUP BY`` for a key prefix from ``group_key`` (none for one overall group)."""
    return f"GROUP BY {prefix[:-2]}" if prefix else ""


def known_range(conn: Connection, win: Window) -> tuple[date, date] | None:
    """First and last day an outcome became known (for trend periods)."""
    row = run(conn, f"WITH {CURRENT} SELECT MIN(known_on), MAX(known_on) FROM cur", win)[0]
    if row[0] is None:
        return None
    lo, hi = row
    if isinstance(lo, str):
        lo, hi = date.fromisoformat(lo), date.fromisoformat(hi)
    return lo, hi

