"""Scorecard charts as inline SVG, drawn from plain values.

Hand-written rather than matplotlib: a site has a chart or two per analyst, and thousands of
analysts at matplotlib's ~50 ms a figure would take minutes; this takes microseconds, needs no
extra install, gives the same bytes on every machine, and places every label itself so no two
overlap (labels that would collide are left out, never drawn on top of each other).
Charts scale with their container (``viewBox``); text is measured with a conservative width
per character, and the browser test checks the real boxes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

FONT = 11  # px in the chart's own units
CHAR_W = 0.62  # a generous average glyph width, as a share of the font size
BLUE = "#1f5fa8"
PALE = "#7aa6d6"
GREY = "#888"


def text_width(text: str, size: float = FONT) -> float:
    return len(text) * size * CHAR_W


def _num(x: float) -> str:
    """Coordinates with two decimals and no trailing zeros: small, stable output."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def _text(x: float, y: float, body: str, *, size: float = FONT, anchor: str = "middle",
          fill: str = "#333", extra: str = "") -> str:
    return (f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" '
            f'text-anchor="{anchor}" fill="{fill}"{extra}>{escape(body)}</text>')


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str = GREY,
          extra: str = "") -> str:
    return (f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" '
            f'stroke="{stroke}"{extra}/>')


def _svg(width: float, height: float, label: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(width)} '
            f'{_num(height)}" role="img" aria-label="{escape(label)}" class="chart" '
            f'font-family="sans-serif"><title>{escape(label)}</title>'
            + "".join(body) + "</svg>")


def count_label(n: float) -> str:
    """A bin's weight in few characters: 7, 12.5, 3.4k, 120k."""
    if n >= 100_000:
        return f"{n / 1000:.0f}k"
    if n >= 10_000:
        return f"{n / 1000:.1f}k"
    return str(int(n)) if float(n).is_integer() else f"{n:.1f}"


@dataclass(frozen=True)
class Bin:
    """One calibration bin: forecasts in (lo, hi], their mean, how often they came true."""

    lo: float
    hi: float
    n: float
    mean_forecast: float | None
    observed: float | None
    ci95: tuple[float, float] | None


def calibration(bins: Sequence[Bin], label: str) -> str:
    """A reliability diagram: each bin's observed frequency against its mean forecast, with
    its 95% interval, the diagonal of perfect calibration, and each bin's count in a strip
    above the plot at the bin's centre (bins are a tenth wide, so counts cannot collide)."""
    left, right, top, bottom, side = 50.0, 14.0, 40.0, 46.0, 300.0
    width, height = left + side + right, top + side + bottom

    def x(p: float) -> float:
        return left + p * side

    def y(p: float) -> float:
        return top + (1 - p) * side

    body = [f'<rect x="{_num(left)}" y="{_num(top)}" width="{_num(side)}" '
            f'height="{_num(side)}" fill="#fafafa" stroke="#ddd"/>']
    for i in range(6):
        v = i / 5
        body.append(_line(x(v), y(0), x(v), y(0) + 4))
        body.append(_text(x(v), y(0) + 16, f"{v:.1f}"))
        body.append(_line(x(0) - 4, y(v), x(0), y(v)))
        body.append(_text(x(0) - 7, y(v) + 4, f"{v:.1f}", anchor="end"))
    body.append(_line(x(0), y(0), x(1), y(1), "#999", ' stroke-dasharray="4 3"'))
    body.append(_text(x(0.5), height - 8, "forecast probability (mean of the bin)"))
    body.append(_text(14, y(0.5), "how often it came true", extra=(
        f' transform="rotate(-90 14 {_num(y(0.5))})"')))
    body.append(_text(x(0) - 7, 18, "calls", anchor="end", size=FONT - 1, fill="#555"))
    for b in bins:
        if not b.n or b.mean_forecast is None or b.observed is None:
            continue
        centre = (b.lo + b.hi) / 2
        body.append(_text(x(centre), 18, count_label(b.n), size=FONT - 1, fill="#555"))
        cx, cy = x(b.mean_forecast), y(b.observed)
        if b.ci95:
            lo, hi = b.ci95
            body.append(_line(cx, y(lo), cx, y(hi), PALE, ' stroke-width="2"'))
            for end in (lo, hi):
                body.append(_line(cx - 4, y(end), cx + 4, y(end), PALE, ' stroke-width="2"'))
        body.append(f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="4.5" fill="{BLUE}"/>')
    return _svg(width, height, label, body)


@dataclass(frozen=True)
class Point:
    """One period of a trend: its label and mean Brier with a 95% interval (None: nothing
    scored then)."""

    label: str
    brier: float | None
    ci95: tuple[float, float] | None = None


def _every(count: int, widest: float, room: float) -> int:
    """Label every k-th of ``count`` evenly spaced slots so labels ``widest`` wide, with a gap,
    fit in ``room``."""
    if count <= 1:
        return 1
    slot = room / (count - 1)
    return max(1, math.ceil((widest + 8) / slot))


def trend(points: Sequence[Point], label: str) -> str:
    """Mean Brier per period with 95% intervals and the always-50% line (0.25). Period labels
    that would not fit are thinned to every k-th, first and last kept when they fit."""
    left, right, top, bottom = 50.0, 16.0, 14.0, 52.0
    plot_w, plot_h = 420.0, 170.0
    width, height = left + plot_w + right, top + plot_h + bottom
    highs = [p.ci95[1] if p.ci95 else (p.brier or 0.0) for p in points]
    ymax = max(0.5, *highs) if highs else 0.5
    ymax = min(1.0, math.ceil(ymax * 10 - 1e-9) / 10)
    n = len(points)

    def x(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else i * plot_w / (n - 1))

    def y(v: float) -> float:
        return top + (1 - v / ymax) * plot_h

    body = [f'<rect x="{_num(left)}" y="{_num(top)}" width="{_num(plot_w)}" '
            f'height="{_num(plot_h)}" fill="#fafafa" stroke="#ddd"/>']
    step = 0.1 if ymax <= 0.6 else 0.2
    v = 0.0
    while v <= ymax + 1e-9:
        body.append(_line(left - 4, y(v), left, y(v)))
        body.append(_text(left - 7, y(v) + 4, f"{v:.1f}", anchor="end"))
        v += step
    body.append(_line(left, y(0.25), left + plot_w, y(0.25), "#999", ' stroke-dasharray="4 3"'))
    body.append(_text(left + plot_w - 4, y(0.25) - 5, "always 50%", anchor="end",
                      size=FONT - 1, fill="#666"))
    body.append(_text(14, top + plot_h / 2, "Brier (lower is better)", size=FONT - 1, extra=(
        f' transform="rotate(-90 14 {_num(top + plot_h / 2)})"')))
    if n:
        widest = max(text_width(p.label) for p in points)
        k = _every(n, widest, plot_w)
        shown = set(range(0, n, k))
        if (n - 1) not in shown and (n - 1) - max(shown) >= k:
            shown.add(n - 1)
        for i in sorted(shown):
            body.append(_line(x(i), y(0), x(i), y(0) + 4))
            body.append(_text(x(i), y(0) + 17, points[i].label))
    path: list[str] = []
    for i, p in enumerate(points):
        if p.brier is None:
            if len(path) > 1:
                body.append(f'<polyline points="{" ".join(path)}" fill="none" '
                            f'stroke="{BLUE}" stroke-width="1.5"/>')
            path = []
            continue
        path.append(f"{_num(x(i))},{_num(y(p.brier))}")
        if p.ci95:
            lo, hi = p.ci95
            body.append(_line(x(i), y(lo), x(i), y(hi), PALE, ' stroke-width="2"'))
    if len(path) > 1:
        body.append(f'<polyline points="{" ".join(path)}" fill="none" stroke="{BLUE}" '
                    'stroke-width="1.5"/>')
    for i, p in enumerate(points):
        if p.brier is not None:
            body.append(f'<circle cx="{_num(x(i))}" cy="{_num(y(p.brier))}" r="4" '
                        f'fill="{BLUE}"/>')
    body.append(_text(left + plot_w / 2, height - 8, "period in which outcomes became known",
                      size=FONT - 1, fill="#555"))
    return _svg(width, height, label, body)
