"""Forecast-quality metrics the tests compare against independent libraries but the
scorecard does not (yet) show: kept here, beside the tests, so ``ledger.core.scoring`` holds
only what the product uses. Pure functions over plain values, as in ``ledger.core.scoring``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise, product

from ledger.core.scoring import (
    Weights,
    baseline_score,
    calibration_table,
    mean_brier,
    q_of,
    wmean,
)
from ledger.core.stats import normal_cdf


def spherical(p: float, y: int) -> float:
    return q_of(p, y) / math.sqrt(p * p + (1.0 - p) ** 2)


def mean_brier_0_2(p: Sequence[float], y: Sequence[int], w: Weights = None) -> float:
    """The original two-category Brier (0..2), exactly twice the binary one."""
    return 2.0 * mean_brier(p, y, w)


def log_loss(
    p: Sequence[float], y: Sequence[int], w: Weights = None, base: float = math.e
) -> float:
    """Mean -log q (nats by default), clipped at machine epsilon as scikit-learn does."""
    eps = 2.220446049250313e-16
    return wmean(
        [-math.log(min(max(q_of(a, b), eps), 1 - eps), base) for a, b in zip(p, y, strict=False)], w
    )


def mean_abs_from_half(p: Sequence[float], w: Weights = None) -> float:
    return wmean([abs(a - 0.5) for a in p], w)


def distinct_value_edges(p: Sequence[float]) -> list[float]:
    """Edges that put each distinct forecast value in a bin of its own (exact Murphy)."""
    vals = sorted(set(p))
    mids = [(a + b) / 2 for a, b in pairwise(vals)]
    return [min(0.0, vals[0]), *mids, max(1.0, vals[-1])]


def calibration_curve(
    p: Sequence[float], y: Sequence[int], n_bins: int = 10
) -> tuple[list[float], list[float]]:
    """(observed, mean forecast) for non-empty bins, like scikit-learn's function."""
    table = calibration_table(p, y, None, n_bins)
    return ([b.observed for b in table if b.n], [b.mean_forecast for b in table if b.n])  # type: ignore[misc]


def ece(p: Sequence[float], y: Sequence[int], n_bins: int = 10) -> float:
    table = calibration_table(p, y, None, n_bins)
    n = len(p)
    return sum(b.n / n * abs(b.observed - b.mean_forecast) for b in table if b.n)  # type: ignore[operator]


def mce(p: Sequence[float], y: Sequence[int], n_bins: int = 10) -> float:
    return max(
        abs(b.observed - b.mean_forecast)
        for b in calibration_table(p, y, None, n_bins)  # type: ignore[operator]
        if b.n
    )


def spiegelhalter(p: Sequence[float], y: Sequence[int]) -> tuple[float, float] | None:
    """Spiegelhalter's Z and its two-sided p-value (None when undefined, e.g. all 50%)."""

    num = sum((b - a) * (1 - 2 * a) for a, b in zip(p, y, strict=False))
    den = math.sqrt(sum((1 - 2 * a) ** 2 * a * (1 - a) for a in p))
    if den == 0:
        return None
    z = num / den
    return z, 2.0 * (1.0 - normal_cdf(abs(z)))


def isotonic(p: Sequence[float], y: Sequence[int]) -> list[float]:
    """Pool-adjacent-violators: the non-decreasing recalibration of the outcomes on p."""
    order = sorted(range(len(p)), key=lambda i: p[i])
    blocks: list[list[float]] = []  # [sum_y, count, first_value]
    for i in order:
        blocks.append([float(y[i]), 1.0, p[i]])
        while len(blocks) > 1 and (
            blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]
            or blocks[-2][2] == blocks[-1][2]
        ):
            s, c, _v = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
    fitted: list[float] = []
    for s, c, _ in blocks:
        fitted += [s / c] * int(c)
    out = [0.0] * len(p)
    for rank, i in enumerate(order):
        out[i] = fitted[rank]
    return out


def corp(p: Sequence[float], y: Sequence[int]) -> tuple[float, float, float]:
    """CORP decomposition (Dimitriadis, Gneiting & Jordan 2021): MCB, DSC, UNC."""
    r = isotonic(p, y)
    bs = mean_brier(p, y)
    bs_r = mean_brier(r, y)
    obar = sum(y) / len(y)
    unc = obar * (1 - obar)
    return bs - bs_r, unc - bs_r, unc


def logistic_calibration(p: Sequence[float], y: Sequence[int]) -> tuple[float, float]:
    """Intercept and slope of a logistic regression of y on logit(p) (Newton-Raphson)."""
    x = [math.log(a / (1 - a)) for a in p]
    b0, b1 = 0.0, 1.0
    for _ in range(100):
        g0 = g1 = h00 = h01 = h11 = 0.0
        for xi, yi in zip(x, y, strict=False):
            mu = 1.0 / (1.0 + math.exp(-(b0 + b1 * xi)))
            r = yi - mu
            v = mu * (1 - mu)
            g0 += r
            g1 += r * xi
            h00 += v
            h01 += v * xi
            h11 += v * xi * xi
        det = h00 * h11 - h01 * h01
        d0 = (h11 * g0 - h01 * g1) / det
        d1 = (h00 * g1 - h01 * g0) / det
        b0 += d0
        b1 += d1
        if abs(d0) + abs(d1) < 1e-14:
            break
    return b0, b1


def auc(p: Sequence[float], y: Sequence[int]) -> float:
    """Area under the ROC curve (Mann-Whitney, ties count half)."""
    pos = [a for a, b in zip(p, y, strict=False) if b == 1]
    neg = [a for a, b in zip(p, y, strict=False) if b == 0]
    wins = sum(1.0 if a > c else 0.5 if a == c else 0.0 for a in pos for c in neg)
    return wins / (len(pos) * len(neg))


def coverage(opened: float, close: float, first: float, resolved: float | None = None) -> float:
    """Share of [opened, scheduled close] during which a forecast stood (Metaculus)."""
    end = close if resolved is None else min(resolved, close)
    return max(0.0, end - max(first, opened)) / (close - opened)


def time_averaged_baseline(
    forecasts: Sequence[tuple[float, float]],
    opened: float,
    close: float,
    y: int,
    resolved: float | None = None,
) -> float:
    """Metaculus time-averaged baseline score: 0 before the first forecast and after an early
    resolution, the standing forecast's score in between, averaged over the question's life."""
    end = close if resolved is None else min(resolved, close)
    fs = sorted(forecasts)
    total = 0.0
    for i, (t, p) in enumerate(fs):
        start = max(t, opened)
        stop = min(fs[i + 1][0] if i + 1 < len(fs) else end, end)
        if stop > start:
            total += (stop - start) * baseline_score(p, y)
    return total / (close - opened)


def wilcoxon_exact(d: Sequence[float]) -> tuple[float, float]:
    """Wilcoxon signed-rank: W = min(W+, W-) with mid-ranks, exact two-sided p by enumeration."""
    nz = [x for x in d if x != 0]
    absd = sorted((abs(x), i) for i, x in enumerate(nz))
    ranks = [0.0] * len(nz)
    i = 0
    while i < len(absd):
        j = i
        while j + 1 < len(absd) and absd[j + 1][0] == absd[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[absd[k][1]] = (i + j) / 2 + 1
        i = j + 1
    w_plus = sum(r for r, x in zip(ranks, nz, strict=False) if x > 0)
    total = sum(ranks)
    stat = min(w_plus, total - w_plus)
    count = 0
    for signs in product((0, 1), repeat=len(nz)):
        wp = sum(r for r, s in zip(ranks, signs, strict=False) if s)
        if min(wp, total - wp) <= stat + 1e-9:
            count += 1
    return stat, min(1.0, count / 2 ** len(nz))
