"""The SQL behind a scorecard's Brier range: for claims whose resolution records other
defensible readings, each group's fixed part and each contested claim's sums (the pure
``ledger.core.scoring.contested_range`` does the rest)."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy.engine import Connection

from ledger.scorecard.query import (
    CONTESTED,
    CURRENT,
    SEG,
    WEIGHT,
    Window,
    group_by,
    group_key,
    named,
    namer,
    run,
)


class ContestedRow(NamedTuple):
    """A contested claim in a group: its weight and the sums that give its Brier terms under
    either outcome (``a`` = sum w p^2, ``b`` = sum w p; true: a - 2b + k, false: a)."""

    group: Any
    claim_id: int
    k: float
    a: float
    b: float


def contested(conn: Connection, win: Window, by: str | None
              ) -> tuple[dict[Any, tuple[float, float]], list[ContestedRow],
                         dict[int, tuple[str, list[str]]]]:
    """For the Brier range: each group's fixed part (Brier sum, weight) over uncontested
    claims, each contested claim's sums per group, and each contested claim's key and
    readings (the recorded outcome first)."""
    readings: dict[int, tuple[str, list[str]]] = {}
    for cid, key, outcome, alt in run(conn, f"""
WITH {CURRENT}
SELECT c.id, c.key, cur.outcome, rr.outcome FROM claim c JOIN cur ON cur.claim_id = c.id
JOIN resolution_reading rr ON rr.resolution_id = cur.res_id
WHERE c.id IN (SELECT claim_id FROM {CONTESTED}) ORDER BY c.id, rr.position""", win):
        readings.setdefault(int(cid), (str(key), [str(outcome)]))[1].append(str(alt))
    if not readings:
        return {}, [], {}
    key, join, gb = group_key(by, "s")
    name = namer(conn, by)
    fixed = {g: (float(sb or 0.0), float(w or 0.0)) for g, w, sb in named(run(conn, f"""
SELECT {key} AS g, SUM({WEIGHT}), SUM({WEIGHT} * (s.p - s.y) * (s.p - s.y))
FROM {SEG} s {join} WHERE {WEIGHT} > 0 AND s.ct = 0 {group_by(gb)}""", win), name)}
    rows = [ContestedRow(*r) for r in named(run(conn, f"""
SELECT {key} AS g, s.claim_id, SUM({WEIGHT}), SUM({WEIGHT} * s.p * s.p), SUM({WEIGHT} * s.p)
FROM {CONTESTED} s {join}
WHERE {WEIGHT} > 0 GROUP BY {gb}s.claim_id""", win), name)]
    return fixed, rows, readings
