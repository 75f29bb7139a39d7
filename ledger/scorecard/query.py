"""The scorecard's SQL: the database does the heavy lifting.

One window pass turns forecasts into standing segments (kept in a temporary table): each
(analyst, claim) pair's forecasts from the first one until the outcome was known (or the claim
fell due, if earlier), each weighted by the share of that time it stood; on a day with several
forecasts the one recorded last stands. Aggregates come back at two levels:
``(group, probability, outcome, band)`` with summed weights, from which every weighted
statistic follows exactly, and ``(group, analyst, claim)`` pair scores for intervals and
paired comparisons. Only what had been recorded by the as-of instant is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Date, TextClause, bindparam, text
from sqlalchemy.engine import Connection

from ledger.core.rules import OVERDUE_GRACE_DAYS, SCORED_OUTCOMES, sql_in
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
STATUS = "ledger_report_status"


@dataclass(frozen=True)
class Window:
    as_of: datetime  # instant: end of the as-of day, UTC
    start: date  # outcomes known in [start, end]
    end: date


def _days(conn: Connection, a: str, b: str) -> str:
    if conn.dialect.name == "sqlite":
        return f"(julianday({a}) - julianday({b}))"
    return f"({a} - {b})"


def _params(stmt: TextClause, win: Window) -> TextClause:
    """Bind the window's instants and days (only those the statement names)."""
    sql = str(stmt)
    binds = [bindparam("asof", value=win.as_of, type_=UTCDateTime()),
             bindparam("start", value=win.start, type_=Date()),
             bindparam("end", value=win.end, type_=Date())]
    return stmt.bindparams(*[b for b in binds if f":{b.key}" in sql])


def _run(conn: Connection, sql: str, win: Window) -> list[tuple]:
    return [tuple(r) for r in conn.execute(_params(text(sql), win))]


def _named(conn: Connection, rows: list[tuple], by: str | None) -> list[tuple]:
    """Replace analyst ids in the first column with names (cheaper than joining per row)."""
    if by != "author":
        return rows
    names = {int(i): str(n) for i, n in conn.execute(text("SELECT id, name FROM analyst"))}
    return [(names[r[0]], *r[1:]) for r in rows]


CURRENT = """
cur AS (
  SELECT r.claim_id, r.outcome, r.known_on FROM resolution r
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
    days = _days(conn, "COALESCE(next_on, end_on)", "made_on")
    drop_tables(conn)
    conn.execute(_params(text(f"""
CREATE TEMPORARY TABLE {SEG} AS
WITH {CURRENT},
sc AS (
  SELECT c.id AS claim_id, c.subject,
         CASE WHEN cur.outcome = 'true' THEN 1 ELSE 0 END AS y,
         CASE WHEN cur.known_on < c.due_on THEN cur.known_on ELSE c.due_on END AS end_on
  FROM claim c JOIN cur ON cur.claim_id = c.id
  WHERE c.recorded_at <= :asof AND c.withdrawn_on IS NULL
    AND {sql_in('cur.outcome', SCORED_OUTCOMES)} AND cur.known_on >= :start AND cur.known_on <= :end
),
f1 AS (
  SELECT f.claim_id, f.analyst_id, f.made_on, f.probability AS p, f.mapped, f.band_lo,
         f.band_hi, f.phrase, sc.y, sc.end_on, sc.subject,
         LEAD(f.made_on) OVER (PARTITION BY f.claim_id, f.analyst_id
                               ORDER BY f.made_on, f.id) AS next_on
  FROM forecast f JOIN sc ON sc.claim_id = f.claim_id
  WHERE f.recorded_at <= :asof AND NOT f.vague AND f.made_on <= sc.end_on
)
SELECT claim_id, analyst_id, p, y, mapped, band_lo, band_hi, phrase, subject,
       CAST({days} AS DOUBLE PRECISION) AS days
FROM f1"""), win))
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
    for t in (SEG, PAIRS):
        conn.execute(text(f"DROP TABLE IF EXISTS {t}"))


def _key(by: str | None, alias: str) -> tuple[str, str, str]:
    """Group key expression, the join it needs, and its GROUP BY prefix."""
    if by is None:
        return "'(all)'", "", ""
    if by == "author":  # ids here; names are put in afterwards (see _named)
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
    key, join, gb = _key(by, "s")
    return [WeightedRow(*r) for r in _named(conn, _run(conn, f"""
SELECT {key} AS g, s.p, s.y, s.mapped, s.band_lo, s.band_hi, s.phrase, SUM({WEIGHT}) AS w
FROM {SEG} s {PAIR_JOIN} {join}
WHERE {WEIGHT} > 0
GROUP BY {gb}s.p, s.y, s.mapped, s.band_lo, s.band_hi, s.phrase""", win), by)]


def pair_rows(conn: Connection, win: Window, by: str | None) -> list[PairRow]:
    """Every scored pair in a group, ordered by claim (a pair split over phrases has
    weight < 1 in each)."""
    if by == "phrase":
        key, join, gb = _key(by, "s")
        return [PairRow(*r) for r in _run(conn, f"""
SELECT {key} AS g, s.analyst_id, s.claim_id, SUM({WEIGHT} * (s.p - s.y) * (s.p - s.y)),
       SUM({WEIGHT})
FROM {SEG} s {PAIR_JOIN} WHERE {WEIGHT} > 0 GROUP BY {gb}s.analyst_id, s.claim_id""", win)]
    key, join, _ = _key(by, "s")
    return [PairRow(*r) for r in _named(
        conn, _run(conn, f"SELECT {key} AS g, s.analyst_id, s.claim_id, s.b, s.w "
                         f"FROM {PAIRS} s {join} ORDER BY s.claim_id", win), by)]


def status_counts(conn: Connection, win: Window, by: str | None) -> list[CountRow]:
    """(group, status, count, of which mapped) over (analyst, claim) pairs: an analyst is in a
    claim's
    pair if they authored it or forecast it (by the as-of instant). Resolutions count in the
    period their outcome became known; open, due and overdue are as of the period's end.
    A claim's status is worked out once per claim (a keyed temporary table); only true/false
    claims look at the pair."""
    grace = _days(conn, ":end", "c.due_on")
    conn.execute(text(f"DROP TABLE IF EXISTS {STATUS}"))
    conn.execute(
        text(
            f"CREATE TEMPORARY TABLE {STATUS} (claim_id INTEGER PRIMARY KEY, "
            "subject VARCHAR(200), status VARCHAR(16))"
        )
    )
    conn.execute(
        _params(
            text(f"""
INSERT INTO {STATUS} (claim_id, subject, status)
WITH {CURRENT}
SELECT claim_id, subject, status FROM (
  SELECT c.id AS claim_id, c.subject,
    CASE
      WHEN c.withdrawn_on IS NOT NULL THEN
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
        key, join, gb = _key(by, "s")
    rows = _run(
        conn,
        f"""
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
  SELECT p.analyst_id, p.claim_id, p.phrase, cs.subject,
    {_tf_split(by)} AS status
  FROM pairs p JOIN {STATUS} cs ON cs.claim_id = p.claim_id
)
SELECT {key} AS g, s.status, COUNT(*) AS n
FROM st s {join}
GROUP BY {gb}s.status""",
        win,
    )
    conn.execute(text(f"DROP TABLE IF EXISTS {STATUS}"))
    rows = _named(conn, rows, by)
    if by != "phrase":
        # split true/false pairs into scored and unscored from the pair table (no lookups)
        pkey, pjoin, pgb = _key(by, "s")
        group_by = f"GROUP BY {pgb[:-2]}" if pgb else ""
        scored = {
            g: (int(n), int(m or 0))
            for g, n, m in _named(
                conn,
                _run(
                    conn,
                    f"SELECT {pkey} AS g, COUNT(*), SUM(s.mapped) "
                    f"FROM {PAIRS} s {pjoin} {group_by}",
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
    row = _run(conn, f"WITH {CURRENT} SELECT MIN(known_on), MAX(known_on) FROM cur", win)[0]
    if row[0] is None:
        return None
    lo, hi = row
    if isinstance(lo, str):
        lo, hi = date.fromisoformat(lo), date.fromisoformat(hi)
    return lo, hi
