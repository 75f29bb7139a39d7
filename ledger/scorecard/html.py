"""The HTML scorecard: one self-contained file, charts drawn by matplotlib as inline SVG.

matplotlib is imported here only, when HTML is asked for (``pip install 'ledger[html]'``).
SVG output is made deterministic (fixed hash salt, no date) so regenerated files diff cleanly.
"""

from __future__ import annotations

import html
import io
import re
from typing import Any

from ledger.errors import LedgerError
from ledger.scorecard.render import (
    calibration_rows,
    murphy_line,
    notes,
    summary_rows,
    title,
    weight,
)

CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:960px;margin:2em auto;
color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.8em 0;font-size:.92em}
th,td{padding:.25em .6em;border-bottom:1px solid #e5e5e5;text-align:right}
th:first-child,td:first-child{text-align:left}
thead th{background:#f4f4f4}
.small{color:#888}.note{color:#555;font-size:.9em}
.charts{display:flex;flex-wrap:wrap;gap:1em}
figure{margin:0}figcaption{font-size:.85em;color:#555}
"""


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise LedgerError("HTML scorecards need matplotlib: pip install 'ledger[html]'") from None
    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.hashsalt": "ledger", "svg.fonttype": "none",
                                "font.size": 9, "axes.spines.top": False,
                                "axes.spines.right": False,
                                "text.parse_math": False})  # a "$" in a name is text
    import matplotlib.pyplot as plt

    return plt


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def reliability_svg(group: dict[str, Any], caption: str) -> str:
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(4.2, 4.0))
    ax.plot([0, 1], [0, 1], ls="--", color="#999", lw=1, label="perfect calibration")
    bins = [b for b in group["calibration"] if b["n"]]
    if bins:
        x = [b["mean_forecast"] for b in bins]
        y = [b["observed"] for b in bins]
        # an interval's end can sit a rounding error past its centre: never a negative bar
        lo = [max(0.0, b["observed"] - b["ci95"][0]) for b in bins]
        hi = [max(0.0, b["ci95"][1] - b["observed"]) for b in bins]
        ax.errorbar(x, y, yerr=[lo, hi], fmt="o", color="#1f5fa8", ecolor="#7aa6d6",
                    capsize=3, label="observed, 95% Wilson interval")
        for xi, yi, b in zip(x, y, bins, strict=False):
            ax.annotate(
                f"n={weight(b['n'])}",
                (xi, yi),
                textcoords="offset points",
                xytext=(5, -10),
                fontsize=7,
                color="#555",
            )
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("forecast probability (bin mean)")
    ax.set_ylabel("observed frequency")
    ax.set_title(caption)
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    svg = _svg(fig)
    plt.close(fig)
    return svg


def trend_svg(report: dict[str, Any]) -> str:
    plt = _pyplot()
    points = [
        (t["label"], t["overall"])
        for t in report["trend"]
        if t["overall"] and t["overall"]["brier"] is not None
    ]
    fig, ax = plt.subplots(figsize=(7.5, 3.0))
    if points:
        xs = list(range(len(points)))
        ys = [g["brier"] for _, g in points]
        lo = [max(0.0, g["brier"] - (g["brier_ci95"] or [g["brier"]])[0]) for _, g in points]
        hi = [max(0.0, (g["brier_ci95"] or [0, g["brier"]])[1] - g["brier"]) for _, g in points]
        ax.errorbar(xs, ys, yerr=[lo, hi], fmt="o-", color="#1f5fa8", ecolor="#7aa6d6", capsize=3)
        ax.set_xticks(xs, [lab for lab, _ in points], rotation=45, ha="right")
    ax.axhline(0.25, ls="--", color="#999", lw=1)
    ax.text(0.01, 0.255, "always 50%", transform=ax.get_yaxis_transform(), fontsize=7, color="#777")
    ax.set_ylabel("mean Brier (lower is better)")
    ax.set_ylim(
        0, max(0.5, max((p[1]["brier_ci95"] or [0, 0])[1] for p in points) if points else 0.5)
    )
    svg = _svg(fig)
    plt.close(fig)
    return svg


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p class='small'>(none)</p>"
    head = "".join(f"<th>{html.escape(str(k))}</th>" for k in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r.values()) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: dict[str, Any], claims: list[dict[str, Any]] | None = None) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Scorecard as of {esc(report['as_of'])}</title><style>{CSS}</style></head><body>",
        "<h1>Scorecard</h1>",
        f"<p>{esc(title(report))}</p>",
        "<h2>Summary</h2>",
        _table(summary_rows(report)),
        "".join(f"<p class='note'>{esc(n)}</p>" for n in notes(report)),
        "<h2>Calibration</h2><div class='charts'><figure>",
        reliability_svg(report["overall"], "All groups"),
        "<figcaption>Reliability diagram: each dot is a bin of forecasts; bars are 95% Wilson "
        "intervals; the dashed diagonal is perfect calibration.</figcaption></figure></div>",
        _table(calibration_rows(report["overall"])),
        f"<p class='note'>{esc(murphy_line(report['overall']))}</p>",
    ]
    if report.get("phrase_calibration"):
        parts += [
            "<h2>Phrase calibration</h2>",
            _table(
                [
                    {
                        "phrase": p["phrase"],
                        "maps to": f"{p['maps_to']:.2f}",
                        "n": weight(p["n"]),
                        "came true": f"{p['observed']:.2f}",
                        "95% CI": f"{p['ci95'][0]:.2f}-{p['ci95'][1]:.2f}" if p["ci95"] else "-",
                    }
                    for p in report["phrase_calibration"]
                ]
            ),
        ]
    if report.get("trend"):
        parts += [
            "<h2>Trend</h2><figure>",
            trend_svg(report),
            "<figcaption>Mean Brier per period with 95% intervals.</figcaption></figure>",
        ]
    if report["group_by"] == "author":
        parts.append("<h2>Analysts</h2>")
        for g in report["groups"]:
            if not g["counts"]["scored"]:
                continue
            small = " (small sample: not ranked)" if g["small_sample"] else ""
            parts += [
                f"<h3>{esc(g['key'])}{esc(small)}</h3>",
                f"<p>{g['counts']['scored']} scored; Brier {g['brier']:.3f}"
                + (
                    f" (95% interval {g['brier_ci95'][0]:.3f} to {g['brier_ci95'][1]:.3f})"
                    if g["brier_ci95"]
                    else ""
                )
                + f"; baseline score {g['baseline_score']:.1f}.</p>",
                "<div class='charts'><figure>",
                reliability_svg(g, g["key"]),
                "</figure></div>",
                f"<p class='note'>{esc(murphy_line(g))}</p>",
            ]
    if claims:
        parts += ["<h2>Claims</h2>", _table(claims)]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
