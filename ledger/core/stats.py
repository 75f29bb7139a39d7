"""The few distributions the scorecard needs, in pure Python (scipy is a test-only oracle)."""

from __future__ import annotations

import math
from functools import lru_cache
from statistics import NormalDist

_NORMAL = NormalDist()


def normal_cdf(x: float) -> float:
    return _NORMAL.cdf(x)


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    ln = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
          + a * math.log(x) + b * math.log1p(-x))
    front = math.exp(ln)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """Student's t distribution function."""
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    if t * t < df:  # near the centre: work with 1 - x, computed without cancellation
        tail = 0.5 * (1.0 - betainc(0.5, df / 2.0, t * t / (df + t * t)))
    else:
        tail = 0.5 * betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_pdf(t: float, df: float) -> float:
    """Student's t density."""
    ln = (math.lgamma((df + 1.0) / 2.0) - math.lgamma(df / 2.0)
          - 0.5 * math.log(df * math.pi) - (df + 1.0) / 2.0 * math.log1p(t * t / df))
    return math.exp(ln)


@lru_cache(maxsize=4096)
def t_ppf(q: float, df: float) -> float:
    """Quantile of Student's t. Closed forms for one and two degrees of freedom; otherwise
    Newton's method on the distribution function from the normal quantile (for q > 1/2 the
    function is concave there, so the steps approach the root from below, never past it),
    finished by bisection should it ever stall. Cached: a scorecard asks for the same few
    (0.975, df) pairs once per group, and there may be thousands."""
    if not 0.0 < q < 1.0:
        raise ValueError("quantile must be in (0, 1)")
    if q == 0.5:
        return 0.0
    if q < 0.5:
        return -t_ppf(1.0 - q, df)
    if df == 1:
        return math.tan(math.pi * (q - 0.5))
    if df == 2:
        return (2.0 * q - 1.0) / math.sqrt(2.0 * q * (1.0 - q))
    t = min(_NORMAL.inv_cdf(q), 1e6)
    for _ in range(100):
        step = (q - t_cdf(t, df)) / t_pdf(t, df)
        t += step
        if abs(step) <= 1e-13 * max(1.0, abs(t)):
            return t
    lo, hi = 0.0, 1e7  # not reached in practice: bisection, which always converges
    for _ in range(200):
        mid = (lo + hi) / 2.0
        lo, hi = (mid, hi) if t_cdf(mid, df) < q else (lo, mid)
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2.0


def t_two_sided_p(t: float, df: float) -> float:
    return 2.0 * t_cdf(-abs(t), df)


def wilson(successes: float, n: float, z: float = 1.959963984540054) -> tuple[float, float] | None:
    """Wilson score interval for a proportion; n may be a weight (not an integer)."""
    if n <= 0:
        return None
    p = successes / n
    denom = 1.0 + z * z / n
    center = (p + z * z / (2.0 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denom
    return (max(0.0, center - half), min(1.0, center + half))
