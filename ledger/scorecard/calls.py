"""An analyst's calls for the scorecard's pages: each (analyst, claim) pair they made or
forecast, with its Brier where scored, read inside the scorecard's own segments
(``ledger.scorecard.query.segments``) so the numbers are the report's."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy.engine import Connection

from ledger.scorecard.query import BACKFILLED, PAIRS, Window, run


class CallRow(NamedTuple):
    """An analyst's call: a claim they made or forecast, its Brier if scored, and whether a
    forecast of theirs on it was back-filled (kept out of the score)."""

    analyst_id: int
    claim_id: int
    brier: float | None
    backfilled: bool


def call_rows(conn: Connection, win: Window) -> list[CallRow]:
    """Every (analyst, claim) pair recorded by the as-of instant: the claim's author and each
    forecaster, ordered by analyst and claim (inside ``segments``)."""
    return [CallRow(int(a), int(c), None if b is None else float(b), bool(bf))
            for a, c, b, bf in run(conn, f"""
WITH pairs AS (
  SELECT f.claim_id, f.analyst_id FROM forecast f WHERE f.recorded_at <= :asof
  UNION
  SELECT c.id, c.author_id FROM claim c WHERE c.recorded_at <= :asof
)
SELECT p.analyst_id, p.claim_id, pr.b,
       CASE WHEN EXISTS (SELECT 1 FROM {BACKFILLED} bf WHERE bf.claim_id = p.claim_id
                         AND bf.analyst_id = p.analyst_id) THEN 1 ELSE 0 END
FROM pairs p LEFT JOIN {PAIRS} pr ON pr.claim_id = p.claim_id AND pr.analyst_id = p.analyst_id
ORDER BY p.analyst_id, p.claim_id""", win)]
