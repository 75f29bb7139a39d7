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

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Date, Integer, TextClause, bindparam, text
from sqlalchemy.engine import Connection

from ledger.core.rules import OVERDUE_GRACE_DAYS, SCORED_OUTCOMES, sql_in
from ledger.scorecard.hindsight_sql import (
    day_after,
    day_of,
    days_between,
    effective_withdrawal,
    late_withdrawal,
    retraction,
    stop_day,
)
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


class PairRow(NamedTuple):
    """One scored (analyst, claim) pair in a group: its Brier is ``brier_sum / weight``."""

    group: Any
    analyst_id: int
    claim_id: int
    brier_sum: float
    weight: float


class CountRow(NamedTuple):
    group: Any
    status: str
    n: int
    mapped: int


SEG = "ledger_report_seg"
PAIRS = "ledger_report_pairs"
BACKFILLED = "ledger_report_backfilled"
CONTESTED = "ledger_report_contested"
STATUS = "ledger_report_status"


@dataclass(frozen=True)
class Window:
    as_of: datetime  # instant: end of the as-of day, UTC
    start: date  # outcomes known in [start, end]
    end: date
    grace: int = 2  # the ledger's grace days as of ``as_of`` (see ledger.core.hindsight)


def _params(stmt: TextClause, win: Window) -> TextClause:
    """Bind the window's instants and days (only those the statement names)."""
    sql = str(stmt)
    binds = [bindparam("asof", value=win.as_of, type_=UTCDateTime()),
             bindparam("start", value=win.start, type_=Date()),
             bindparam("end", value=win.end, type_=Date()),
             bindparam("grace", value=win.grace, type_=Integer())]
    return stmt.bindparams(*[b for b in binds if f":{b.key}" in sql])


def run(conn: Connection, sql: str, win: Window) -> list[tuple]:
    return [tuple(r) for r in conn.execute(_params(text(sql), win)).all()]


def namer(conn: Connection, by: str | None) -> Callable[[Any], Any]:
    """What turns a group key from the SQL into the group's name: analysts are grouped by id
    and named afterwards (cheaper than joining per row); other keys are names already."""
    if by != "author":
        return _same
    names = {int(i): str(n) for i, n in conn.execute(text("SELECT id, name FROM analyst"))}
    return names.__getitem__


def _same(key: Any) -> Any:
    return key


def named(conn: Connection, rows: list[tuple], by: str | None) -> list[tuple]:
    """Replace analyst ids in the first column with names."""
    if by != "author":
        return rows
    name = namer(conn, by)
    return [(name(r[0]), *r[1:]) for r in rows]


CURRENT = """
cur AS (
  SELECT r.id AS res_id, r.claim_id, r.outcome, r.known_on FROM resolution r
  WHERE r.recorded_at <= :asof AND (r.superseded_at IS NULL OR r.superseded_at > :asof)
)"""


@contextmanager
def segments(conn: Connection, win: Window) -> Iterator[None]:
    """Build the temporary segment and pair tables for one window; drop them afterwards.

    A segment's ``days`` is how long its forecast stood; a pair's ``total`` is the sum, so a
    segment weighs ``days / total``. Forecasts made on the day the outcome was known (or the
    claim fell due) stand for no time: a pair whose first forecast came then is not scored.
    One window pass, in index order, with no sort.
    """
    # a forecast stands until the next one or the end; one withdrawn (ledger.core.corrections)
    # stops on the day it was retracted, never before its own day
    until = ("CASE WHEN stop_on IS NOT NULL AND stop_on < COALESCE(next_on, end_on) THEN "
             "(CASE WHEN stop_on < made_on THEN made_on ELSE stop_on END) "
             "ELSE COALESCE(next_on, end_on) END")
    days = days_between(conn, until, "made_on")
    # back-filled (ledger.core.hindsight): entered from the day after the deadline or after the
    # first resolution, and over the grace days after its own date; cheap comparisons first
    late = (f"(f.recorded_at >= sc.late_from OR f.recorded_at > sc.first_res) AND "
            f"{days_between(conn, day_of(conn, 'f.recorded_at'), 'f.made_on')} > :grace")
    drop_tables(conn)
    conn.execute(_params(text(f"""
CREATE TEMPORARY TABLE {SEG} AS
WITH {CURRENT},
sc AS (
  SELECT c.id AS claim_id, c.subject, c.source_id,
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
),
f0 AS (
  SELECT f.id, f.claim_id, f.analyst_id, f.made_on, f.probability AS p, f.mapped, f.band_lo,
         f.band_hi, f.phrase, sc.y, sc.rs, sc.ct, sc.end_on, sc.subject,
         CASE WHEN {late} AND NOT (f.made_on = sc.published_on AND EXISTS (
                SELECT 1 FROM source_author sa
                WHERE sa.source_id = sc.source_id AND sa.analyst_id = f.analyst_id)) THEN 1
              WHEN f.vague THEN 2 ELSE 0 END AS kind,
         {stop_day(conn)} AS stop_on
  FROM forecast f JOIN sc ON sc.claim_id = f.claim_id
  WHERE f.recorded_at <= :asof AND f.made_on <= sc.end_on AND NOT {retraction(conn)}
),
f1 AS (
  SELECT f0.*, LEAD(made_on) OVER (PARTITION BY claim_id, analyst_id
                                   ORDER BY made_on, id) AS next_on
  FROM f0 WHERE kind = 0
)
SELECT claim_id, analyst_id, p, y, mapped, band_lo, band_hi, phrase, subject,
       CAST({days} AS DOUBLE PRECISION) AS days, 0 AS bf, rs, ct
FROM f1
UNION ALL
SELECT claim_id, analyst_id, p, y, mapped, band_lo, band_hi, phrase, subject,
       CAST(NULL AS DOUBLE PRECISION), 1, rs, ct
FROM f0 WHERE kind = 1"""), win))
    conn.execute(text(f"CREATE TEMPORARY TABLE {BACKFILLED} AS SELECT claim_id, analyst_id, "
                      f"phrase, subject FROM {SEG} WHERE bf = 1 AND rs = 1"))
    conn.execute(text(f"DELETE FROM {SEG} WHERE bf = 1"))
    # claims with alternative readings, whatever was recorded: for the Brier range
    conn.execute(text(f"CREATE TEMPORARY TABLE {CONTESTED} AS SELECT * FROM {SEG} WHERE ct = 1"))
    conn.execute(text(f"DELETE FROM {SEG} WHERE rs = 0"))
    conn.execute(text(f"""
CREATE TEMPORARY TABLE {PAIRS} AS
SELECT claim_id, analyst_id, SUM(days) AS total,
       SUM(days * (p - y) * (p - y)) / SUM(days) AS b,
       CAST(1 AS DOUBLE PRECISION) AS w,
       MAX(CASE WHEN mapped AND days > 0 THEN 1 ELSE 0 END) AS mapped
FROM {SEG} GROUP BY claim_id, analyst_id HAVING SUM(days) > 0"""))
    conn.execute(text(f"CREATE INDEX {PAIRS}_ix ON {PAIRS} (claim_id, analyst_id)"))
    try:
        yield
    finally:
        drop_tables(conn)


WEIGHT = "(s.days / pr.total)"
PAIR_JOIN = f"JOIN {PAIRS} pr ON pr.claim_id = s.claim_id AND pr.analyst_id = s.analyst_id"


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


def weighted_rows(conn: Connection, win: Window, by: str | None) -> list[WeightedRow]:
    """Each group's distinct forecasts with their weights summed."""
    key, join, gb = group_key(by, "s")
    name = namer(conn, by)
    return [WeightedRow(name(g), p, y, m, lo, hi, ph, w)
            for g, p, y, m, lo, hi, ph, w in conn.execute(_params(text(f"""
SELECT {key} AS g, s.p, s.y, s.mapped, s.band_lo, s.band_hi, s.phrase, SUM({WEIGHT}) AS w
FROM {SEG} s {PAIR_JOIN} {join}
WHERE {WEIGHT} > 0
GROUP BY {gb}s.p, s.y, s.mapped, s.band_lo, s.band_hi, s.phrase"""), win))]


def pair_rows(conn: Connection, win: Window, by: str | None) -> Iterator[PairRow]:
    """Every scored pair in a group, ordered by claim (a pair split over phrases has weight
    < 1 in each), streamed: a report holds them as ``pairs.Pairs`` arrays."""
    key, join, gb = group_key(by, "s")
    if by == "phrase":
        yield from (PairRow(*r) for r in run(conn, f"""
SELECT {key} AS g, s.analyst_id, s.claim_id, SUM({WEIGHT} * (s.p - s.y) * (s.p - s.y)),
       SUM({WEIGHT})
FROM {SEG} s {PAIR_JOIN} WHERE {WEIGHT} > 0 GROUP BY {gb}s.analyst_id, s.claim_id""", win))
        return
    name = namer(conn, by)
    for g, a, c, b, w in conn.execute(text(
            f"SELECT {key} AS g, s.analyst_id, s.claim_id, s.b, s.w FROM {PAIRS} s {join} "
            "ORDER BY s.claim_id").execution_options(stream_results=True, yield_per=5000)):
        yield PairRow(name(g), a, c, b, w)


def status_counts(conn: Connection, win: Window, by: str | None) -> list[CountRow]:
    """(group, status, count, of which mapped) over (analyst, claim) pairs: an analyst is in a
    claim's
    pair if they authored it or forecast it (by the as-of instant). Resolutions count in the
    period their outcome became known; open, due and overdue are as of the period's end.
    A claim's status is worked out once per claim (a keyed temporary table); only true/false
    claims look at the pair."""
    grace = days_between(conn, ":end", "c.due_on")
    conn.execute(text(f"DROP TABLE IF EXISTS {STATUS}"))
    conn.execute(
        text(
            f"CREATE TEMPORARY TABLE {STATUS} (claim_id INTEGER PRIMARY KEY, "
            "subject VARCHAR(200), status VARCHAR(16), late INTEGER)"
        )
    )
    conn.execute(
        _params(
            text(f"""
INSERT INTO {STATUS} (claim_id, subject, status, late)
WITH {CURRENT}
SELECT claim_id, subject, status, late FROM (
  SELECT c.id AS claim_id, c.subject,
    CASE WHEN {late_withdrawal(conn)} THEN 1 ELSE 0 END AS late,
    CASE
      WHEN {effective_withdrawal(conn)} THEN
        CASE WHEN c.withdrawn_on <= :end AND c.withdrawn_on >= :start THEN 'withdrawn' END
      WHEN cur.claim_id IS NOT NULL AND cur.known_on <= :end THEN
        CASE WHEN cur.known_on < :start THEN NULL
             WHEN {sql_in("cur.outcome", SCORED_OUTCOMES)} THEN 'tf'
             ELSE cur.outcome END
      WHEN c.made_on > :end THEN NULL
      WHEN c.due_on > :end THEN 'open'
      WHEN {grace} < {OVERDUE_GRACE_DAYS} THEN 'due'
      ELSE 'overdue'
    END AS status
  FROM claim c LEFT JOIN cur ON cur.claim_id = c.id
  WHERE c.recorded_at <= :asof
) x WHERE status IS NOT NULL"""),
            win,
        )
    )
    if by == "subject":
        key, join, gb = "COALESCE(s.subject, '(none)')", "", "COALESCE(s.subject, '(none)'), "
    else:
        key, join, gb = group_key(by, "s")
    with_st = f"""
WITH pairs AS (
  SELECT f.claim_id, f.analyst_id, {"MAX(f.phrase)" if by == "phrase" else "NULL"} AS phrase
  FROM forecast f WHERE f.recorded_at <= :asof GROUP BY f.claim_id, f.analyst_id
  UNION ALL
  SELECT c.id, c.author_id, NULL FROM claim c
  WHERE c.recorded_at <= :asof AND NOT EXISTS (
    SELECT 1 FROM forecast f2 WHERE f2.claim_id = c.id AND f2.analyst_id = c.author_id
      AND f2.recorded_at <= :asof)
),
st AS (
  SELECT p.analyst_id, p.claim_id, p.phrase, cs.subject, cs.late,
    {_tf_split(by)} AS status
  FROM pairs p JOIN {STATUS} cs ON cs.claim_id = p.claim_id
)"""
    rows: list[tuple[Any, ...]] = []
    late: dict[Any, int] = defaultdict(int)
    for g, status, n, n_late in run(conn, f"""{with_st}
SELECT {key} AS g, s.status, COUNT(*) AS n, SUM(s.late) AS late
FROM st s {join}
GROUP BY {gb}s.status""", win):
        rows.append((g, status, n))
        late[g] += int(n_late or 0)
    rows += [(g, "late_withdrawn", n) for g, n in late.items() if n]
    bkey, bjoin, bgb = group_key(by, "b")
    rows += [(g, "backfilled", n) for g, n in run(conn, f"""
SELECT {bkey} AS g, COUNT(*) AS n FROM {BACKFILLED} b {bjoin}
{group_by(bgb)}""", win) if n]
    conn.execute(text(f"DROP TABLE IF EXISTS {STATUS}"))
    rows = named(conn, rows, by)
    if by != "phrase":
        # split true/false pairs into scored and unscored from the pair table (no lookups)
        pkey, pjoin, pgb = group_key(by, "s")
        pgroup = group_by(pgb)
        scored = {
            g: (int(n), int(m or 0))
            for g, n, m in named(
                conn,
                run(
                    conn,
                    f"SELECT {pkey} AS g, COUNT(*), SUM(s.mapped) "
                    f"FROM {PAIRS} s {pjoin} {pgroup}",
                    win,
                ),
                by,
            )
        }
        split = []
        for g, status, n in rows:
            if status != "tf":
                split.append((g, status, n))
            elif n - scored.get(g, (0, 0))[0] > 0:
                split.append((g, "unscored", n - scored.get(g, (0, 0))[0]))
        for g, (n, m) in scored.items():
            split += [(g, "scored+mapped", m)] if m else []
            split += [(g, "scored", n - m)] if n - m else []
        rows = split
    out = []
    for g, status, n in rows:
        if status == "scored+mapped":
            out.append(CountRow(g, "scored", n, n))
        else:
            out.append(CountRow(g, status, n, 0))
    return out


def group_by(prefix: str) -> str:
    """``GROUP BY`` for a key prefix from ``group_key`` (none for one overall group)."""
    return f"GROUP BY {prefix[:-2]}" if prefix else ""


def _tf_split(by: str | None) -> str:
    """For grouping by phrase, split true/false pairs here; otherwise leave them as 'tf'."""
    if by != "phrase":
        return "cs.status"
    return f"""CASE WHEN cs.status = 'tf' THEN
      COALESCE((SELECT CASE WHEN sp.mapped = 1 THEN 'scored+mapped' ELSE 'scored' END
                FROM {PAIRS} sp WHERE sp.claim_id = p.claim_id AND sp.analyst_id = p.analyst_id),
               'unscored')
    ELSE cs.status END"""


def known_range(conn: Connection, win: Window) -> tuple[date, date] | None:
    """First and last day an outcome became known (for trend periods)."""
    row = run(conn, f"WITH {CURRENT} SELECT MIN(known_on), MAX(known_on) FROM cur", win)[0]
    if row[0] is None:
        return None
    lo, hi = row
    if isinstance(lo, str):
        lo, hi = date.fromisoformat(lo), date.fromisoformat(hi)
    return lo, hi

