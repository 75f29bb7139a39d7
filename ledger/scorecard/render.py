"""Scorecards for people (text, Markdown) and programs (JSON, CSV)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ledger.core.jsonenc import csv_cell
from ledger.core.safety import for_markdown, for_terminal, md_cell
from ledger.scorecard.build import COUNT_KEYS


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _f(x: float | None, nd: int = 3) -> str:
    return "-" if x is None else f"{x:.{nd}f}"


def weight(n: float) -> str:
    """A bin's count: whole when nobody updated, else the time-split weight to one decimal."""
    return str(int(n)) if float(n).is_integer() else f"{n:.1f}"


def _ci(ci: list[float] | None) -> str:
    return "-" if not ci else f"{ci[0]:.3f}-{ci[1]:.3f}"


def range_text(g: dict[str, Any]) -> str:
    r = g.get("brier_range")
    if not r or not r["claims"]:
        return "-"
    return f"{r['min']:.3f}-{r['max']:.3f}"


def summary_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for g in [*report["groups"], report["overall"]]:
        c = g["counts"]
        rows.append(
            {
                "group": _short(g["key"], 14)
                + (" †" if g["small_sample"] and g["counts"]["scored"] else ""),
                "scored": c["scored"],
                "Brier": _f(g["brier"]),
                "95% CI": _ci(g["brier_ci95"]),
                "range": range_text(g),
                "base": _f(g["baseline_score"], 1),
                "skill": _f(g["brier_skill"], 2),
                "unsc": c["unscored"],
                "amb": c["ambiguous"],
                "ann": c["annulled"],
                "wdr": c["withdrawn"],
                "open": c["open"],
                "overdue": c["overdue"],
                "mapped": c["mapped"],
                "bkfill": c["backfilled"],
                "late": c["late_withdrawn"],
            }
        )
    # columns that say nothing on this scorecard are left out (the notes give their totals)
    for col in ("range", "bkfill", "late"):
        if all(r[col] in ("-", 0) for r in rows):
            for r in rows:
                del r[col]
    return rows


def title(report: dict[str, Any]) -> str:
    per = report["period"]
    scope = f"outcomes known {per['start']} to {per['end']}" if per else "all outcomes"
    return (
        f"Scorecard as of {report['as_of']}: {scope}, by {report['group_by']}. "
        "Brier on the 0..1 scale (0 is perfect, 0.25 is always-50%; lower is better)."
    )


def notes(report: dict[str, Any]) -> list[str]:
    out = []
    if any(g["small_sample"] and g["counts"]["scored"] for g in report["groups"]):
        out.append("† small sample: under 10 scored claims; shown, not ranked.")
    out.append(
        "base: mean baseline score 100*(1+log2 q), 0 = chance, 100 = certain and right. "
        "skill: Brier skill against always-50%. unsc: resolved true or false but no forecast "
        "made before the outcome was known (or only vague words). amb/ann/wdr: ambiguous, "
        "annulled, withdrawn (counted, never scored). mapped: scored from a phrase. range: "
        "the Brier under every defensible reading of contested resolutions (least to "
        "greatest)."
    )
    c = report["overall"]["counts"]
    out.append(
        f"Back-filled forecasts (bkfill: entered after the outcome could be known; kept, never "
        f"scored): {c['backfilled']}. Late withdrawals (late: entered after the claim fell due; "
        f"the claim stays scored): {c['late_withdrawn']}."
    )
    return out + findings(report)


def findings(report: dict[str, Any]) -> list[str]:
    """What the scorecard found beyond its table (ranges, comparisons) and where its history
    stood: the notes every format carries, whatever its column legend."""
    out = []
    shown = report["groups"] + ([report["overall"]] if len(report["groups"]) > 1 else [])
    for g in shown:
        r = g.get("brier_range")
        if r and r["claims"]:
            out.append(f"{g['key']}: Brier {_f(g['brier'])} as recorded; {r['min']:.3f} to "
                       f"{r['max']:.3f} under other defensible readings of "
                       f"{', '.join(r['claims'])}.")
    out.append(provenance(report))
    for c in report.get("comparisons", []):
        if "mean_diff" in c:
            p = c["p_permutation"] if c["p_permutation"] is not None else c["p_t"]
            out.append(
                f"{c['a']} vs {c['b']} on {c['shared']} shared claims: Brier difference "
                f"{c['mean_diff']:+.3f}, p = {p:.3f}: {c['verdict']}."
            )
        else:
            out.append(f"{c['a']} vs {c['b']}: {c['verdict']}.")
    if report["group_by"] == "author" and not report.get("comparisons"):
        out.append("No analyst is ranked above another: too few scored claims to compare.")
    return out


def provenance(report: dict[str, Any]) -> str:
    """The line that lets a reader check later that the history behind this report held."""
    ch = report["chain"]
    anchor = f"{ch['events']}:{ch['head']}"
    if not ch["events"]:
        return (f"Grace period {report['grace_days']} days. History: no events recorded by "
                "this day (rows imported with earlier recorded times); anchor "
                f"{anchor}.")
    return (f"Grace period {report['grace_days']} days. History: {ch['events']} events, head "
            f"{anchor} (prove it later: ledger db check --anchor {anchor}).")


def calibration_rows(group: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "bin": f"{'[' if b['lo'] == 0 else '('}{b['lo']:.1f}, {b['hi']:.1f}]",
            "n": weight(b["n"]),
            "mean forecast": _f(b["mean_forecast"]),
            "observed": _f(b["observed"]),
            "95% CI": _ci(b["ci95"]),
        }
        for b in group["calibration"]
        if b["n"]
    ]


def murphy_line(group: dict[str, Any]) -> str:
    m = group["murphy"]
    if not m:
        return "Murphy decomposition: no scored claims."
    return (
        f"Murphy decomposition: reliability {m['reliability']:.4f} - resolution "
        f"{m['resolution']:.4f} + uncertainty {m['uncertainty']:.4f} + within-bin variance "
        f"{m['within_bin_variance']:.4f} - within-bin covariance "
        f"{m['within_bin_covariance']:.4f} = Brier {group['brier']:.4f}; sharpness "
        f"(variance of forecasts) {group['sharpness']:.4f}."
    )


def render_text(report: dict[str, Any], md: bool = False) -> str:
    from ledger.textgrid import grid

    fmt = "github" if md else "simple"

    def tab(rows: list[dict[str, Any]]) -> str:
        if not rows:
            return "(none)"
        body = [[md_cell(str(v)) if md else v for v in r.values()] for r in rows]
        return grid(body, list(rows[0].keys()), fmt)

    h = (
        (lambda t, lvl=2: f"{'#' * lvl} {t}\n")
        if md
        else (lambda t, lvl=2: f"{t}\n{'=' * len(t) if lvl == 1 else '-' * len(t)}")
    )
    import textwrap

    wrap = (lambda t: t) if md else (
        lambda t: textwrap.fill(t, 100, break_long_words=False, break_on_hyphens=False))
    out = [h("Scorecard", 1), wrap(title(report)), "", tab(summary_rows(report)), ""]
    out += [("- " if md else "") + wrap(n) for n in notes(report)]
    overall = report["overall"]
    out += [
        "",
        h("Calibration (all groups)"),
        tab(calibration_rows(overall)),
        "",
        wrap(murphy_line(overall)),
    ]
    if overall.get("mapped"):
        mp = overall["mapped"]
        out.append(
            wrap(
                f"Scored from phrases: weight {mp['weight']}, Brier {mp['brier']:.3f}; "
                f"the phrases' bands allow {mp['brier_range'][0]:.3f} to "
                f"{mp['brier_range'][1]:.3f}."
            )
        )
    if report["phrase_calibration"]:
        out += [
            "",
            h("Phrase calibration"),
            tab(
                [
                    {
                        "phrase": p["phrase"],
                        "maps to": _f(p["maps_to"], 2),
                        "n": weight(p["n"]),
                        "came true": _f(p["observed"], 2),
                        "95% CI": _ci(p["ci95"]),
                    }
                    for p in report["phrase_calibration"]
                ]
            ),
        ]
    if report.get("trend"):
        out += [
            "",
            h("Trend"),
            tab(
                [
                    {
                        "period": t["label"],
                        "scored": t["overall"]["counts"]["scored"] if t["overall"] else "-",
                        "Brier": _f(t["overall"]["brier"]) if t["overall"] else "-",
                        "95% CI": _ci(t["overall"]["brier_ci95"]) if t["overall"] else "-",
                    }
                    for t in report["trend"]
                ]
            ),
        ]
    text = "\n".join(out).rstrip() + "\n"
    return for_markdown(text) if md else for_terminal(text)


def render_json(report: dict[str, Any]) -> str:
    """One line of compact JSON: the C encoder writes it (an indented dump goes through the
    pure-Python one, ten times slower on a scorecard of 2,000 analysts). `jq .` indents it."""
    return json.dumps(report, separators=(",", ":"), allow_nan=False) + "\n"


CSV_COLS = [
    "group", *COUNT_KEYS, "small_sample", "brier", "brier_ci95_lo", "brier_ci95_hi",
    "brier_min", "brier_max", "contested",
    "baseline_score", "brier_skill", "sharpness", "reliability", "resolution", "uncertainty",
    "within_bin_variance", "within_bin_covariance", "grace_days", "chain",
]


def render_csv(report: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLS)
    for g in [*report["groups"], report["overall"]]:
        m = g["murphy"] or {}
        ci = g["brier_ci95"] or [None, None]
        rng = g["brier_range"] or {"min": None, "max": None, "claims": []}
        row = [
            g["key"],
            *(g["counts"][k] for k in COUNT_KEYS),
            g["small_sample"],
            g["brier"],
            ci[0],
            ci[1],
            rng["min"],
            rng["max"],
            " ".join(rng["claims"]),
            g["baseline_score"],
            g["brier_skill"],
            g["sharpness"],
            *(
                m.get(k)
                for k in (
                    "reliability",
                    "resolution",
                    "uncertainty",
                    "within_bin_variance",
                    "within_bin_covariance",
                )
            ),
            report["grace_days"],
            f"{report['chain']['events']}:{report['chain']['head']}",
        ]
        w.writerow([csv_cell(v) for v in row])
    return buf.getvalue()
