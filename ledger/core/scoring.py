"""Scores as pure functions over plain values: no database, no CLI.

Conventions (see the team's scoring note): Brier on the 0..1 scale is the headline; the log
score is shown as the baseline score ``100 * (1 + log2 q)`` with q clipped to [0.001, 0.999];
calibration uses ten right-closed bins of width 0.1 (the first is [0, 0.1]), as scikit-learn's
``calibration_curve``; the Murphy decomposition carries Stephenson et al.'s two within-bin
terms so its parts add up to the Brier score exactly. Every statistic takes optional weights:
a forecaster who updated splits the weight of one (analyst, claim) pair over the forecasts
that stood, in proportion to how long each stood.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from ledger.core.stats import t_ppf, t_two_sided_p, wilson

CLIP = (0.001, 0.999)
Weights = Sequence[float] | None


def _w(p: Sequence[float], w: Weights) -> list[float]:
    if w is None:
        return [1.0] * len(p)
    if len(w) != len(p):
        raise ValueError("weights and forecasts differ in length")
    return w if isinstance(w, list) else list(w)  # numbers either way: no copy when a list


# -- single forecasts ------------------------------------------------------------------------
def brier(p: float, y: int) -> float:
    """(p - y)^2 on the 0..1 scale; 0 is perfect, 0.25 is always-50%."""
    return (p - y) ** 2


def q_of(p: float, y: int) -> float:
    """The probability given to what happened."""
    return p if y == 1 else 1.0 - p


def baseline_score(p: float, y: int) -> float:
    """Metaculus-style baseline score: 0 for 50%, 100 for certain and right."""
    q = min(max(q_of(p, y), CLIP[0]), CLIP[1])
    return 100.0 * (1.0 + math.log2(q))


# -- means over many forecasts ---------------------------------------------------------------
def wmean(values: Sequence[float], w: Weights = None) -> float:
    ws = _w(values, w)
    total = sum(ws)
    if total <= 0:
        raise ValueError("no weight")
    return sum(v * x for v, x in zip(values, ws, strict=False)) / total


def mean_brier(p: Sequence[float], y: Sequence[int], w: Weights = None) -> float:
    return wmean([brier(a, b) for a, b in zip(p, y, strict=False)], w)


def mean_baseline(p: Sequence[float], y: Sequence[int], w: Weights = None) -> float:
    return wmean([baseline_score(a, b) for a, b in zip(p, y, strict=False)], w)


def brier_skill(bs: float, reference: float = 0.25) -> float:
    """Skill against a reference Brier (always-50% by default): 1 - BS / BS_ref."""
    return 1.0 - bs / reference


def sharpness(p: Sequence[float], w: Weights = None) -> float:
    """Weighted variance of the forecasts (ddof 0)."""
    m = wmean(p, w)
    return wmean([(a - m) ** 2 for a in p], w)


def standard_error(scores: Sequence[float], ddof: int = 1) -> float:
    n = len(scores)
    if n - ddof <= 0:
        return float("nan")
    m = math.fsum(scores) / n  # exact sums: the same scores in any order give the same digits
    return math.sqrt(math.fsum((s - m) ** 2 for s in scores) / (n - ddof) / n)


def mean_ci95(scores: Sequence[float]) -> tuple[float, float] | None:
    """Student-t 95% interval for the mean of per-claim scores (None below two)."""
    n = len(scores)
    if n < 2:
        return None
    m = math.fsum(scores) / n
    half = t_ppf(0.975, n - 1) * standard_error(scores, ddof=1)
    return (m - half, m + half)


# -- binning, calibration, decomposition -----------------------------------------------------
def edges(n_bins: int = 10) -> list[float]:
    return [i / n_bins for i in range(n_bins + 1)]


def bin_index(p: float, bin_edges: Sequence[float]) -> int:
    """Right-closed bins, the first one closed on the left too: [0, e1], (e1, e2], ...
    (the number of inner edges strictly below p)."""
    return bisect_left(bin_edges, p, 1, len(bin_edges) - 1) - 1


class Bin(NamedTuple):
    """A calibration bin (a named tuple: a report makes ten per analyst, thousands at once)."""

    lo: float
    hi: float
    n: float
    mean_forecast: float | None
    observed: float | None
    ci95: tuple[float, float] | None


class Binned(NamedTuple):
    """Forecasts sorted into bins, and each bin's sums: where the calibration table and the
    Murphy decomposition both start (a scorecard bins each group once for the two)."""

    edges: list[float]
    weights: list[float]
    k_of: list[int]  # each forecast's bin
    n: list[float]  # per bin: weight, weighted forecasts, weighted outcomes
    fp: list[float]
    oy: list[float]
    seen: list[int]  # the bins in the order their first forecast came


def binned(p: Sequence[float], y: Sequence[int], w: Weights = None,
           bin_edges: Sequence[float] | None = None) -> Binned:
    """Bin the forecasts (``bin_index``'s bins; ten of width 0.1 by default)."""
    ws = _w(p, w)
    e = list(bin_edges) if bin_edges is not None else edges(10)
    last = len(e) - 1
    k_of = [bisect_left(e, a, 1, last) - 1 for a in p]  # bin_index, inlined
    n = [0.0] * last
    fp = [0.0] * last
    oy = [0.0] * last
    hit = [False] * last
    seen = []
    for a, b, x, k in zip(p, y, ws, k_of, strict=False):
        if not hit[k]:
            hit[k] = True
            seen.append(k)
        n[k] += x
        fp[k] += x * a
        oy[k] += x * b
    return Binned(e, ws, k_of, n, fp, oy, seen)


def calibration_table(
    p: Sequence[float], y: Sequence[int], w: Weights = None, n_bins: int = 10,
    *, bins: Binned | None = None
) -> list[Bin]:
    """Count (weight), mean forecast, observed frequency and Wilson 95% interval per bin
    (``bins``: the forecasts binned already)."""
    e, _, _, n, fp, oy, _ = bins or binned(p, y, w, edges(n_bins))
    return [
        Bin(
            e[k],
            e[k + 1],
            n[k],
            fp[k] / n[k] if n[k] else None,
            oy[k] / n[k] if n[k] else None,
            wilson(oy[k], n[k]) if n[k] else None,
        )
        for k in range(len(n))
    ]


@dataclass(frozen=True)
class Murphy:
    reliability: float
    resolution: float
    uncertainty: float
    within_bin_variance: float
    within_bin_covariance: float

    @property
    def total(self) -> float:
        """REL - RES + UNC + WBV - WBC: equals the Brier score."""
        return (
            self.reliability
            - self.resolution
            + self.uncertainty
            + self.within_bin_variance
            - self.within_bin_covariance
        )


def murphy(
    p: Sequence[float],
    y: Sequence[int],
    w: Weights = None,
    bin_edges: Sequence[float] | None = None,
    *,
    bins: Binned | None = None,
) -> Murphy:
    """Murphy (1973) with Stephenson, Coelho & Jolliffe's (2008) within-bin terms
    (``bins``: the forecasts binned already)."""
    _, ws, k_of, nk, fk, ok, seen = bins or binned(p, y, w, bin_edges)
    big_n = sum(ws)
    obar = sum(x * b for b, x in zip(y, ws, strict=False)) / big_n
    used = [k for k in seen if nk[k] > 0]
    fbar = [fk[k] / nk[k] if nk[k] > 0 else 0.0 for k in range(len(nk))]
    obk = [ok[k] / nk[k] if nk[k] > 0 else 0.0 for k in range(len(nk))]
    rel = sum(nk[k] * (fbar[k] - obk[k]) ** 2 for k in used) / big_n
    res = sum(nk[k] * (obk[k] - obar) ** 2 for k in used) / big_n
    wbv = sum(x * (a - fbar[k]) ** 2 for a, x, k in zip(p, ws, k_of, strict=False) if x > 0) / big_n
    wbc = (
        2.0
        * sum(
            x * (b - obk[k]) * (a - fbar[k])
            for a, b, x, k in zip(p, y, ws, k_of, strict=False)
            if x > 0
        )
        / big_n
    )
    return Murphy(rel, res, obar * (1.0 - obar), wbv, wbc)


# -- time: standing forecasts ----------------------------------------------------------------
def standing_weights(
    forecasts: Sequence[tuple[date, float]], end: date
) -> list[tuple[float, float]]:
    """Each forecast's probability and the share of time it stood, from the first forecast
    until ``end`` (when the outcome was known, or the claim fell due if earlier). Forecasts
    made on or after ``end`` do not count, so a pair whose first forecast came on ``end``
    itself (or later) is not scored: it was not made before the outcome was known. On a day
    with several forecasts the last one stands.
    """
    by_day: dict[date, float] = {}
    for d, p in sorted(forecasts, key=lambda f: f[0]):  # stable: same-day order kept
        if d < end:
            by_day[d] = p
    days = sorted(by_day)
    if not days:
        return []
    total = (end - days[0]).days
    out = []
    for i, d in enumerate(days):
        nxt = days[i + 1] if i + 1 < len(days) else end
        out.append((by_day[d], (nxt - d).days / total))
    return out


def time_weighted_brier(forecasts: Sequence[tuple[date, float]], end: date, y: int) -> float | None:
    ws = standing_weights(forecasts, end)
    if not ws:
        return None
    return sum(w * brier(p, y) for p, w in ws)


# -- comparing analysts ----------------------------------------------------------------------
@dataclass(frozen=True)
class Paired:
    n: int
    mean_a: float
    mean_b: float
    mean_diff: float
    t: float | None
    df: int
    p_t: float | None
    p_permutation: float | None

    @property
    def significant(self) -> bool:
        """Do the two differ at the 5% level (the exact test where we have it)?"""
        p = self.p_permutation if self.p_permutation is not None else self.p_t
        return p is not None and p < 0.05


def paired_comparison(a: Sequence[float], b: Sequence[float], exact_up_to: int = 20) -> Paired:
    """Paired t and exact sign-flip permutation test on per-claim score differences."""
    if len(a) != len(b):
        raise ValueError("paired scores differ in length")
    n = len(a)
    d = [x - z for x, z in zip(a, b, strict=False)]
    md = math.fsum(d) / n if n else float("nan")  # exact: any order of claims, same digits
    t = p_t = None
    if n >= 2:
        se = standard_error(d, ddof=1)
        if se > 0:
            t = md / se
            p_t = t_two_sided_p(t, n - 1)
        else:
            t, p_t = (0.0, 1.0) if md == 0 else (math.copysign(math.inf, md), 0.0)
    p_perm = sign_flip_p(d) if 0 < n <= exact_up_to else None
    return Paired(
        n,
        math.fsum(a) / n if n else float("nan"),
        math.fsum(b) / n if n else float("nan"),
        md,
        t,
        n - 1,
        p_t,
        p_perm,
    )


def sign_flip_p(d: Sequence[float]) -> float:
    """Exact two-sided p of the mean difference under random sign flips, as scipy's
    ``permutation_test`` gives it: twice the smaller tail of all 2^n sign patterns, ties within
    a relative 100 machine epsilons counted as extreme.

    Exact without enumerating the 2^n patterns: the sums of each half's 2^(n/2) patterns are
    sorted, and the pairs whose total lies in each tail are counted by two pointers
    (meet in the middle), so n = 20 costs about 2,000 steps instead of 20 million.
    """
    n = len(d)
    observed = math.fsum(d)
    gamma = max(abs(observed), max((abs(x) for x in d), default=0.0)) * 2.220446049250313e-14
    left = _pattern_sums(d[: n // 2])
    right = _pattern_sums(d[n // 2:])
    low = _pairs_at_most(left, right, observed + gamma)
    high = 2**n - _pairs_at_most(left, right, observed - gamma, strict=True)
    return min(1.0, 2.0 * min(low, high) / 2**n)


def _pattern_sums(xs: Sequence[float]) -> list[float]:
    """Every signed sum of ``xs`` (all 2^len patterns), sorted."""
    sums = [0.0]
    for x in xs:
        sums = [t + x for t in sums] + [t - x for t in sums]
    sums.sort()
    return sums


def _pairs_at_most(a: list[float], b: list[float], limit: float, strict: bool = False) -> int:
    """How many (x, y) from sorted ``a`` and ``b`` have x + y <= limit (< with ``strict``)."""
    count, j = 0, len(b)
    for x in a:  # ascending x: the count of fitting y only shrinks
        while j and (x + b[j - 1] >= limit if strict else x + b[j - 1] > limit):
            j -= 1
        count += j
    return count


def relative_to_median(scores: dict[str, float]) -> dict[str, float]:
    """Each analyst's score minus the median score of everyone on the same claim."""
    vals = sorted(scores.values())
    n = len(vals)
    med = vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2
    return {k: v - med for k, v in scores.items()}


def brier_range(band: tuple[float, float], y: int) -> tuple[float, float]:
    """The Brier scores a phrase's band allows: the best and worst reading of the words."""
    a, b = brier(band[0], y), brier(band[1], y)
    return (min(a, b), max(a, b))


Choice = tuple[float, float]  # (sum of Brier terms, weight); (0, 0) leaves the item out


def _min_ratio(fixed: Choice, items: Sequence[Sequence[Choice]]) -> float | None:
    """Dinkelbach's method: the least (S0 + sum s)/(K0 + sum k) over one choice per item."""
    picks = [max(opts, key=lambda c: c[1]) for opts in items]
    s, k = fixed[0] + sum(c[0] for c in picks), fixed[1] + sum(c[1] for c in picks)
    if k <= 0:
        return None
    lam = s / k
    for _ in range(10_000):  # converges superlinearly; the bound only guards rounding
        picks = [min(opts, key=lambda c: c[0] - lam * c[1]) for opts in items]
        s, k = fixed[0] + sum(c[0] for c in picks), fixed[1] + sum(c[1] for c in picks)
        if k <= 0 or s / k >= lam:
            break
        lam = s / k
    return lam


def contested_range(fixed: Choice, items: Sequence[Sequence[Choice]]) -> Choice | None:
    """The exact least and greatest mean Brier over every combination of readings, without
    enumerating them: each item is a contested claim's choices (its Brier terms and weight
    under each reading; a reading that leaves it unscored is (0, 0)). None if no combination
    scores anything."""
    lo = _min_ratio(fixed, items)
    if lo is None:
        return None
    hi = _min_ratio((-fixed[0], fixed[1]), [[(-s, k) for s, k in opts] for opts in items])
    assert hi is not None
    return lo, -hi
