"""Each scored (analyst, claim) pair's Brier, gathered a row at a time into compact arrays
(8 bytes a score): what a group's mean and interval need, in claim order, and for analysts
their scores on claims someone else scored too (relative-to-median and paired comparisons).
A report's memory then grows by bytes, not objects, per pair."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import Any

from ledger.core import scoring as sc


class Pairs:
    """Scores of the pairs that count (weight > 0), overall and per group, in claim order."""

    def __init__(self) -> None:
        self.all = array("d")
        self.by_group: dict[str, array[float]] = {}
        # per analyst, the claims (ascending) they share with someone and their score on each
        self.shared: dict[str, tuple[array[int], array[float]]] = {}
        self.relative: dict[str, float] = {}  # mean score minus the claim's median, per analyst

    def scores(self, group: str) -> array[float]:
        return self.by_group.get(group, array("d"))

    def on_shared(self, group: str) -> dict[int, float]:
        """An analyst's score per shared claim (made when two analysts are compared)."""
        claims, scores = self.shared.get(group, (array("q"), array("d")))
        return dict(zip(claims, scores, strict=True))


def gather(rows: Iterable[Any], *, compare: bool) -> Pairs:
    """``rows`` are (group, analyst_id, claim_id, brier_sum, weight), ordered by claim when
    ``compare`` (analysts are compared claim by claim)."""
    out = Pairs()
    rel_sum: dict[str, float] = {}
    rel_n: dict[str, int] = {}
    claim: Any = None
    here: dict[str, float] = {}
    on_claim = 0

    def close() -> None:
        if on_claim > 1 and here:
            for g, v in sc.relative_to_median(here).items():
                rel_sum[g] = rel_sum.get(g, 0.0) + v
                rel_n[g] = rel_n.get(g, 0) + 1
                claims, scores = out.shared.setdefault(g, (array("q"), array("d")))
                claims.append(int(claim))
                scores.append(here[g])

    for group, _analyst, claim_id, brier_sum, weight in rows:
        key = str(group)
        if compare and claim_id != claim:
            close()
            claim, here, on_claim = claim_id, {}, 0
        on_claim += 1
        if weight > 0:
            v = brier_sum / weight
            out.all.append(v)
            scores = out.by_group.get(key)
            if scores is None:
                scores = out.by_group[key] = array("d")
            scores.append(v)
            if compare:
                here[key] = v
    if compare:
        close()
    out.relative = {g: rel_sum[g] / rel_n[g] for g in rel_n}
    return out
