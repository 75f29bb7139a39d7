"""The scorecard in words, for readers who do not use a terminal: column heads spelled out,
outcomes and marks as phrases, and each analyst's record in one sentence. Pure functions over
the JSON contract's plain values; the HTML file and the site both read from here."""

from __future__ import annotations

from typing import Any

#: Summary table columns, (key, heading, what it means), in two tables: the scores, then the
#: rest of the record. Keys name the values ``summary_cells`` gives.
SUMMARY_COLUMNS: list[tuple[str, str, str]] = [
    ("scored", "Scored calls", "resolved true or false with a forecast made before the outcome "
     "was known"),
    ("brier", "Brier score", "mean squared error of the forecasts: 0 is perfect, 0.25 is "
     "always saying 50%, lower is better"),
    ("ci", "95% interval", "Student-t interval of the mean Brier over claims"),
    ("range", "Range under contested readings", "the Brier under every defensible reading of "
     "contested resolutions"),
    ("relative", "Against the median forecaster", "mean Brier minus the median forecaster's "
     "on the same claims (negative is better)"),
    ("baseline", "Baseline score", "100 × (1 + log₂ q): 0 is chance, 100 is certain and right"),
    ("skill", "Skill against always 50%", "1 − Brier/0.25: above 0 beats a coin"),
]
#: The rest of the record: what was not scored, and why.
RECORD_COLUMNS: list[tuple[str, str, str]] = [
    ("unscored", "Resolved, not scored", "true or false, but no forecast before the outcome "
     "was known (or only vague words)"),
    ("ambiguous", "Ambiguous", "resolved ambiguous: counted, never scored"),
    ("annulled", "Annulled", "its premise failed: counted, never scored"),
    ("withdrawn", "Withdrawn", "taken back before falling due: counted, never scored"),
    ("open", "Open", "not yet due"),
    ("overdue", "Overdue", "past due and not resolved"),
    ("mapped", "Scored from words", "scored from a hedge phrase through the phrase table"),
    ("backfilled", "Back-filled forecasts", "entered after the outcome could be known: kept, "
     "never scored"),
    ("late_withdrawn", "Late withdrawals", "withdrawn after falling due: the claim stays scored"),
]
#: columns left out when every row says nothing in them
OPTIONAL = ("range", "relative", "backfilled", "late_withdrawn")

OUTCOME_WORDS = {
    "true": "came true",
    "false": "did not come true",
    "ambiguous": "ambiguous",
    "annulled": "annulled",
    "withdrawn": "withdrawn",
    "open": "open",
    "due": "due",
    "overdue": "overdue",
}


def outcome(status: str) -> str:
    return OUTCOME_WORDS.get(status, status)


def f3(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def percent(p: float | None) -> str:
    """A probability as people say it: 72%, 0.5%, 99.9%."""
    if p is None:
        return "–"
    v = p * 100
    return f"{v:.0f}%" if abs(v - round(v)) < 0.05 or 1 <= v <= 99 else f"{v:.1f}%"


def count(n: float) -> str:
    """A count that may be a time-split weight: 3, or 2.5."""
    return str(int(n)) if float(n).is_integer() else f"{n:.1f}"


def plural(n: float, one: str, many: str | None = None) -> str:
    return f"{count(n)} {one if n == 1 else (many or one + 's')}"


#: How an analyst's counts read in a sentence (count first: "4 ambiguous").
COUNT_WORDS = (("scored", "scored"), ("unscored", "resolved but not scored"),
               ("ambiguous", "ambiguous"), ("annulled", "annulled"), ("withdrawn", "withdrawn"),
               ("open", "open"), ("overdue", "overdue"),
               ("backfilled", "with a back-filled forecast"),
               ("late_withdrawn", "withdrawn late"))


def counts_sentence(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[k]} {label}" for k, label in COUNT_WORDS if counts.get(k))


def interval(ci: list[float] | None) -> str:
    return "–" if not ci else f"{ci[0]:.3f}–{ci[1]:.3f}"


def brier_range(g: dict[str, Any]) -> str:
    r = g.get("brier_range")
    if not r or not r["claims"]:
        return "–"
    return f"{r['min']:.3f}–{r['max']:.3f}"


def summary_cells(g: dict[str, Any]) -> dict[str, str]:
    c = g["counts"]
    rel = g.get("relative_to_median")
    return {
        "scored": str(c["scored"]),
        "brier": f3(g["brier"]),
        "ci": interval(g["brier_ci95"]),
        "range": brier_range(g),
        "relative": "–" if rel is None else f"{rel:+.3f}",
        "baseline": "–" if g["baseline_score"] is None else f"{g['baseline_score']:.1f}",
        "skill": "–" if g["brier_skill"] is None else f"{g['brier_skill']:.2f}",
        **{k: str(c[k]) for k in ("unscored", "ambiguous", "annulled", "withdrawn", "open",
                                  "overdue", "mapped", "backfilled", "late_withdrawn")},
    }


def summary_columns(groups: list[dict[str, Any]],
                    columns: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The columns worth showing for these groups (an optional one that is empty everywhere
    is left out)."""
    cells = [summary_cells(g) for g in groups]
    return [col for col in columns
            if col[0] not in OPTIONAL or any(c[col[0]] not in ("–", "0") for c in cells)]


def versus_coin(brier: float) -> str:
    if abs(brier - 0.25) < 5e-4:
        return "the same as always saying 50%"
    return ("better" if brier < 0.25 else "worse") + " than always saying 50%"


def _bin_words(b: dict[str, Any]) -> str:
    lo, hi = round(b["lo"] * 100), round(b["hi"] * 100)
    if hi == 100:
        return f"{lo}% or more"
    if lo == 0:
        return f"{hi}% or less"
    return f"{lo}–{hi}%"


def boldest_bin(g: dict[str, Any]) -> str | None:
    """How the most confident calls turned out: the bin whose mean is furthest from 50%."""
    bins = [b for b in g["calibration"] if b["n"] and b["mean_forecast"] is not None]
    if not bins:
        return None
    b = max(bins, key=lambda b: (abs(b["mean_forecast"] - 0.5), b["mean_forecast"]))
    n = float(b["n"])
    hits = b["observed"] * n
    if n.is_integer() and abs(hits - round(hits)) < 1e-6:
        told = f"came true {round(hits)} of {int(n)}"
    else:
        told = f"came true {b['observed']:.0%} of the time (weight {count(round(n, 1))})"
    return f"calls put at {_bin_words(b)} {told}"


def headline(g: dict[str, Any]) -> str:
    """One sentence a research director can forward: how many calls, how good, how honest the
    number is (contested readings), and how the boldest calls did."""
    c = g["counts"]
    if not c["scored"] or g["brier"] is None:
        waiting = [plural(c[k], w) for k, w in (("open", "open call"),
                                                ("overdue", "overdue call")) if c[k]]
        rest = f": {', '.join(waiting)}" if waiting else ""
        return f"No scored calls yet{rest}."
    parts = [f"{plural(c['scored'], 'scored call')}; Brier {g['brier']:.3f}"]
    r = g.get("brier_range")
    if r and r["claims"]:
        parts[0] += f" (range {r['min']:.3f}–{r['max']:.3f} under contested readings)"
    parts[0] += f", {versus_coin(g['brier'])}"
    bold = boldest_bin(g)
    if bold:
        parts.append(bold)
    text = "; ".join(parts)
    if g.get("small_sample"):
        text += " (a small sample: not ranked)"
    return text + "."


def relative_words(rel: float | None) -> str | None:
    if rel is None:
        return None
    if abs(rel) < 5e-4:
        return "Level with the median forecaster on the claims others also forecast."
    side = "better" if rel < 0 else "worse"
    return (f"Brier {abs(rel):.3f} {'below' if rel < 0 else 'above'} the median forecaster on "
            f"the claims others also forecast ({side}).")


MARKS = {
    "backfilled": ("back-filled", "a forecast entered after the outcome could be known: kept, "
                   "not scored"),
    "late": ("late withdrawal", "withdrawn after falling due: still scored"),
    "retracted": ("retracted", "a forecast taken back (a correction within the window is as if "
                  "never made)"),
}
