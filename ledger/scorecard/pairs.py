"""Each scored (analyst, claim) pair's Brier, gathered a row at a time into compact arrays
(8 bytes a score): what a group's mean and interval need, in claim order, and for analysts
their scores on claims someone else scored too (relative-to-median and paired comparisons).
A report's memory then grows by bytes, not objects, per pair."""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

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


def gather(rows: Iterable[Any], *, compare: bool,
           name: Callable[[Any], Any] = lambda key: key) -> Pairs:
    """``rows`` are (group key, analyst_id, claim_id, brier_sum, weight), ordered by claim when
    ``compare`` (analysts are compared claim by claim); ``name`` turns a group key into the
    group's name, once a group (analysts come as ids). A million rows pass through here: the
    loops keep their lookups few."""
    out = Pairs()
    keep = out.all.append
    by_key: dict[Any, array[float]] = {}
    shared: dict[Any, _Shared] = {}
    claim: Any = None
    here: dict[Any, float] = {}
    on_claim = 0
    for key, _analyst, claim_id, brier_sum, weight in rows:
        if compare and claim_id != claim:
            _share(claim, on_claim, here, shared)
            claim, here, on_claim = claim_id, {}, 0
        on_claim += 1
        if weight > 0:
            v = brier_sum / weight
            keep(v)
            scores = by_key.get(key)
            if scores is None:
                scores = by_key[key] = array("d")
            scores.append(v)
            if compare:
                here[key] = v
    if compare:
        _share(claim, on_claim, here, shared)
    out.by_group = {str(name(k)): scores for k, scores in by_key.items()}
    out.shared = {str(name(k)): (st.claims, st.scores) for k, st in shared.items()}
    # summed exactly: the same scores give the same digits whatever the claims' ids
    out.relative = {str(name(k)): math.fsum(st.relative) / len(st.relative)
                    for k, st in shared.items()}
    return out


class _Shared(NamedTuple):
    """An analyst's claims shared with someone, a row each."""

    relative: array[float]  # score minus the claim's median score
    claims: array[int]
    scores: array[float]


def _share(claim: Any, on_claim: int, here: dict[Any, float],
           shared: dict[Any, _Shared]) -> None:
    """A claim several analysts were paired with: each scorer's score and its distance from
    the median."""
    if on_claim < 2 or not here:
        return
    for g, rel in sc.relative_to_median(here).items():
        st = shared.get(g)
        if st is None:
            st = shared[g] = _Shared(array("d"), array("q"), array("d"))
        st.relative.append(rel)
        st.claims.append(int(claim))
        st.scores.append(here[g])
