"""The scorecard's counts: how many (analyst, claim) pairs of each group were scored,
unscored, ambiguous, annulled, withdrawn, open, due or overdue, back-filled or withdrawn late.
Run inside ``query.segments`` (it reads the pair and back-filled tables)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlalchemy.engine import Connection

from ledger.core.rules import OVERDUE_GRACE_DAYS, SCORED_OUTCOMES, sql_in
from ledger.scorecard.hindsight_sql import days_between, effective_withdrawal, late_withdrawal
from ledger.scorecard.query import (
    BACKFILLED,
    CURRENT,
    PAIRS,
    Window,
    bind_window,
    group_by,
    group_key,
    named,
    run,
)

STATUS = "ledger_report_status"


class CountRow(NamedTuple):
    group: Any
    status: str
    n: int
    mapped: int


def status_counts(conn: Connection, win: Window, by: str | None,
                  name: Callable[[Any], Any]) -> list[CountRow]:
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
        bind_window(
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
    # pairs an analyst forecast, and claims whose author did not forecast them: counted apart
    # (a union would be written out before the join); each side is read in the order given
    cross = "CROSS JOIN" if conn.dialect.name == "sqlite" else "JOIN"
    sides = (f"""
SELECT p.analyst_id, p.claim_id, p.phrase, cs.subject, cs.late,
       {_tf_split(by, "p.claim_id", "p.analyst_id")} AS status
FROM (SELECT f.claim_id, f.analyst_id,
             {"MAX(f.phrase)" if by == "phrase" else "NULL"} AS phrase
      FROM forecast f WHERE f.recorded_at <= :asof GROUP BY f.claim_id, f.analyst_id) p
{cross} {STATUS} cs ON cs.claim_id = p.claim_id""", f"""
SELECT c.author_id AS analyst_id, c.id AS claim_id, NULL AS phrase, cs.subject, cs.late,
       {_tf_split(by, "c.id", "c.author_id")} AS status
FROM {STATUS} cs {cross} claim c ON c.id = cs.claim_id
WHERE c.recorded_at <= :asof AND NOT EXISTS (
  SELECT 1 FROM forecast f2 WHERE f2.claim_id = c.id AND f2.analyst_id = c.author_id
    AND f2.recorded_at <= :asof)""")
    found: dict[tuple[Any, str], int] = defaultdict(int)
    late: dict[Any, int] = defaultdict(int)
    for side in sides:
        for g, status, n, n_late in run(conn, f"""
SELECT {key} AS g, s.status, COUNT(*) AS n, SUM(s.late) AS late
FROM ({side}) s {join}
GROUP BY {gb}s.status""", win):
            found[(g, status)] += int(n)
            late[g] += int(n_late or 0)
    rows: list[tuple[Any, ...]] = [(g, status, n) for (g, status), n in found.items()]
    rows += [(g, "late_withdrawn", n) for g, n in late.items() if n]
    bkey, bjoin, bgb = group_key(by, "b")
    rows += [(g, "backfilled", n) for g, n in run(conn, f"""
SELECT {bkey} AS g, COUNT(*) AS n FROM {BACKFILLED} b {bjoin}
{group_by(bgb)}""", win) if n]
    conn.execute(text(f"DROP TABLE IF EXISTS {STATUS}"))
    rows = named(rows, name)
    if by != "phrase":
        # split true/false pairs into scored and unscored from the pair table (no lookups)
        pkey, pjoin, pgb = group_key(by, "s")
        pgroup = group_by(pgb)
        scored = {
            g: (int(n), int(m or 0))
            for g, n, m in named(
                run(
                    conn,
                    f"SELECT {pkey} AS g, COUNT(*), SUM(s.mapped) "
                    f"FROM {PAIRS} s {pjoin} {pgroup}",
                    win,
                ),
                name,
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


def _tf_split(by: str | None, claim: str, analyst: str) -> str:
    """For grouping by phrase, split true/false pairs here; otherwise leave them as 'tf'."""
    if by != "phrase":
        return "cs.status"
    return f"""CASE WHEN cs.status = 'tf' THEN
      COALESCE((SELECT CASE WHEN sp.mapped = 1 THEN 'scored+mapped' ELSE 'scored' END
                FROM {PAIRS} sp WHERE sp.claim_id = {claim} AND sp.analyst_id = {analyst}),
               'unscored')
    ELSE cs.status END"""
