"""The scorecard's SQL: the database does the heavy lifting.

One window query turns forecasts into standing segments: each (analyst, claim) pair's
forecasts from the first one until the outcome was known (or the claim fell due, if earlier),
each weighted by the share of that time it stood. Aggregates come back at two levels:
``(group, probability, outcome, band)`` with summed weights, from which every weighted
statistic follows exactly, and ``(group, analyst, claim)`` pair scores for intervals and
paired comparisons. Only what had been recorded by the as-of instant is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, bindparam, text
from sqlalchemy.engine import Connection

from ledger.ops.common import OVERDUE_GRACE_DAYS
from ledger.store.types import UTCDateTime

GROUPINGS = ("author", "tag", "subject", "phrase")


@dataclass(frozen=True)
class Window:
    as_of: datetime  # instant: end of the as-of day, UTC
    as_of_day: date
    start: date  # outcomes known in [start, end]
    end: date


def _days(conn: Connection, a: str, b: str) -> str:
    if conn.dialect.name == "sqlite":
        return f"(julianday({a}) - julianday({b}))"
    return f"({a} - {b})"


def _group_expr(by: str | None) -> tuple[str, str]:
    """SQL for the group key over ``wseg`` and the join it needs."""
    if by is None:
        return "'(all)'", ""
    if by == "author":
        return "a.name", "JOIN analyst a ON a.id = s.analyst_id"
    if by == "tag":
        return "t.tag", "JOIN claim_tag t ON t.claim_id = s.claim_id"
    if by == "subject":
        return "COALESCE(s.subject, '(none)')", ""
    if by == "phrase":
        return "COALESCE(s.phrase, '(explicit)')", ""
    raise ValueError(by)


def _gb(by: str | None, key: str) -> str:
    """The group key in GROUP BY (PostgreSQL refuses a constant there)."""
    return f"{key}, " if by is not None else ""


def _segments(conn: Connection) -> str:
    days = _days(conn, "end_on", "first_on")
    seg = _days(conn, "COALESCE(next_on, end_on)", "made_on")
    return f"""
WITH cur AS (
  SELECT r.claim_id, r.outcome, r.known_on FROM resolution r
  WHERE r.recorded_at <= :asof AND (r.superseded_at IS NULL OR r.superseded_at > :asof)
),
sc AS (
  SELECT c.id AS claim_id, c.subject,
         CASE WHEN cur.outcome = 'true' THEN 1 ELSE 0 END AS y,
         CASE WHEN cur.known_on < c.due_on THEN cur.known_on ELSE c.due_on END AS end_on
  FROM claim c JOIN cur ON cur.claim_id = c.id
  WHERE c.recorded_at <= :asof AND c.withdrawn_on IS NULL
    AND cur.outcome IN ('true', 'false') AND cur.known_on >= :start AND cur.known_on <= :end
),
f1 AS (
  SELECT f.claim_id, f.analyst_id, f.made_on, f.probability AS p, f.mapped, f.band_lo,
         f.band_hi, f.phrase, sc.y, sc.end_on, sc.subject,
         LEAD(f.made_on) OVER w AS next_on,
         MIN(f.made_on) OVER (PARTITION BY f.claim_id, f.analyst_id) AS first_on
  FROM forecast f JOIN sc ON sc.claim_id = f.claim_id
  WHERE f.recorded_at <= :asof AND NOT f.vague AND f.made_on <= sc.end_on
  WINDOW w AS (PARTITION BY f.claim_id, f.analyst_id ORDER BY f.made_on, f.recorded_at, f.id)
),
wseg AS (
  SELECT claim_id, analyst_id, p, y, mapped, band_lo, band_hi, phrase, subject,
         CASE WHEN {days} = 0 THEN (CASE WHEN next_on IS NULL THEN 1.0 ELSE 0.0 END)
              ELSE CAST({seg} AS DOUBLE PRECISION) / {days} END AS w
  FROM f1
)"""


def _params(stmt: Any, win: Window) -> Any:
    return stmt.bindparams(
        bindparam("asof", value=win.as_of, type_=UTCDateTime()),
        bindparam("start", value=win.start, type_=Date()),
        bindparam("end", value=win.end, type_=Date()),
    )


def weighted_rows(conn: Connection, win: Window, by: str | None) -> list[tuple]:
    """(group, p, y, mapped, band_lo, band_hi, phrase, weight) with weights summed."""
    key, join = _group_expr(by)
    sql = _segments(conn) + f"""
SELECT {key} AS g, s.p, s.y, s.mapped, s.band_lo, s.band_hi, s.phrase, SUM(s.w) AS w
FROM wseg s {join}
WHERE s.w > 0
GROUP BY {_gb(by, key)}s.p, s.y, s.mapped, s.band_lo, s.band_hi, s.phrase"""
    return [tuple(r) for r in conn.execute(_params(text(sql), win))]


def pair_rows(conn: Connection, win: Window, by: str | None) -> list[tuple]:
    """(group, analyst_id, claim_id, weighted Brier sum, weight) for every scored pair in a
    group; the pair's Brier there is the ratio (a pair split over phrases has weight < 1)."""
    key, join = _group_expr(by)
    sql = _segments(conn) + f"""
SELECT {key} AS g, s.analyst_id, s.claim_id, SUM(s.w * (s.p - s.y) * (s.p - s.y)) AS b,
       SUM(s.w) AS w
FROM wseg s {join}
WHERE s.w > 0
GROUP BY {_gb(by, key)}s.analyst_id, s.claim_id"""
    return [tuple(r) for r in conn.execute(_params(text(sql), win))]


def status_counts(conn: Connection, win: Window, by: str | None) -> list[tuple]:
    """(group, status, count) over (analyst, claim) pairs: an analyst is in a claim's pair if
    they authored it or forecast it (by the as-of instant). Resolutions count in the period
    their outcome became known; open, due and overdue are as of the period's end."""
    key, join = _group_expr(by)
    grace = _days(conn, ":end", "c.due_on")
    sql = f"""
WITH cur AS (
  SELECT r.claim_id, r.outcome, r.known_on FROM resolution r
  WHERE r.recorded_at <= :asof AND (r.superseded_at IS NULL OR r.superseded_at > :asof)
),
pairs AS (
  SELECT f.analyst_id, f.claim_id, MAX(f.phrase) AS phrase
  FROM forecast f WHERE f.recorded_at <= :asof GROUP BY f.analyst_id, f.claim_id
  UNION ALL
  SELECT c.author_id, c.id, NULL FROM claim c
  WHERE c.recorded_at <= :asof AND NOT EXISTS (
    SELECT 1 FROM forecast f2 WHERE f2.claim_id = c.id AND f2.analyst_id = c.author_id
      AND f2.recorded_at <= :asof)
),
st AS (
  SELECT p.analyst_id, p.claim_id, p.phrase, c.subject,
    CASE
      WHEN c.withdrawn_on IS NOT NULL THEN
        CASE WHEN c.withdrawn_on <= :end AND c.withdrawn_on >= :start THEN 'withdrawn' ELSE NULL END
      WHEN cur.claim_id IS NOT NULL AND cur.known_on <= :end THEN
        CASE WHEN cur.known_on < :start THEN NULL
             WHEN cur.outcome IN ('true', 'false') AND EXISTS ({_scoring("")}) THEN 'scored'
             WHEN cur.outcome IN ('true', 'false') THEN 'unscored'
             ELSE cur.outcome END
      WHEN c.made_on > :end THEN NULL
      WHEN c.due_on > :end THEN 'open'
      WHEN {grace} < {OVERDUE_GRACE_DAYS} THEN 'due'
      ELSE 'overdue'
    END AS status,
    CASE WHEN EXISTS ({_scoring("AND f3.mapped")}) THEN 1 ELSE 0 END AS mapped
  FROM pairs p JOIN claim c ON c.id = p.claim_id
  LEFT JOIN cur ON cur.claim_id = p.claim_id
  WHERE c.recorded_at <= :asof
)
SELECT {key} AS g, s.status, COUNT(*) AS n, SUM(CASE WHEN s.status = 'scored' THEN s.mapped ELSE 0 END)
FROM st s {join}
WHERE s.status IS NOT NULL
GROUP BY {_gb(by, key)}s.status"""
    return [tuple(r) for r in conn.execute(_params(text(sql), win))]


def _scoring(extra: str) -> str:
    """Does the pair have a forecast that counts (made by the time the outcome was known)?"""
    return f"""SELECT 1 FROM forecast f3 WHERE f3.claim_id = p.claim_id
        AND f3.analyst_id = p.analyst_id AND f3.recorded_at <= :asof AND NOT f3.vague
        AND f3.made_on <= CASE WHEN cur.known_on < c.due_on THEN cur.known_on ELSE c.due_on END
        {extra}"""


def known_range(conn: Connection, win: Window) -> tuple[date, date] | None:
    """First and last day an outcome became known (for trend periods)."""
    sql = """SELECT MIN(r.known_on), MAX(r.known_on) FROM resolution r
             WHERE r.recorded_at <= :asof AND (r.superseded_at IS NULL OR r.superseded_at > :asof)"""
    stmt = text(sql).bindparams(bindparam("asof", value=win.as_of, type_=UTCDateTime())).columns()
    row = conn.execute(stmt).first()
    if row is None or row[0] is None:
        return None
    lo, hi = row
    if isinstance(lo, str):
        lo, hi = date.fromisoformat(lo), date.fromisoformat(hi)
    return lo, hi

