"""``ledger show`` for people: one claim's whole story as wrapped text or Markdown, and as
CSV sections for spreadsheets."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

from ledger.cli.render import Columns, csv_text, fitted, grid, local_time, terminal_width

BASIS = {"stated": "stated in the text", "inferred": "inferred from the wording",
         "assigned": "assigned by the recorder"}
FORECASTS = Columns(text=["number", "made_on", "by", "probability", "given", "band", "note"],
                    full=["number", "made_on", "by", "probability", "given", "band", "note"],
                    labels={"number": "#", "made_on": "on", "probability": "p"}, shrink="note",
                    caps={"by": 16, "given": 24})


def _header(s: dict[str, Any], wrap: Callable[[str], str]) -> list[str]:
    lines = [wrap(f"Statement: {s['statement']}")]
    if s["quote"]:
        lines.append(wrap(f"Quote: \u201c{s['quote']}\u201d"))
    src = s["source"]
    if src:
        when = (local_time(src["published_at"], seconds=False) if src["published_at"]
                else src["published_on"])
        by = f" by {', '.join(src['authors'])}" if src["authors"] else ""
        lines.append(wrap(f"Source: {src['title']} ({src['outlet'] or 'no outlet'}{by}, {when})"
                          + (f" {src['url']}" if src["url"] else "")))
    lines.append(wrap(f"Author: {s['author']}; subject: {s['subject'] or '-'}; tags: "
                      f"{', '.join(s['tags']) or '-'}"))
    lines.append(wrap(f"Made {s['made_on']}; due {s['due_on']} ({BASIS[s['due_basis']]}"
                      + (f": {s['due_note']}" if s["due_note"] else "") + ")"))
    if s["criteria"]:
        lines.append(wrap(f"Criteria: {s['criteria']}"))
    if s["withdrawn_on"]:
        late = (f" [late: recorded {s['withdrawn_at']:%Y-%m-%d}, after the claim fell due; it "
                "stays on the scorecard]" if s["withdrawal_late"] else "")
        lines.append(wrap(f"Withdrawn {s['withdrawn_on']}"
                          + (f": {s['withdrawn_note']}" if s["withdrawn_note"] else "") + late))
    lines.append(wrap(f"Recorded by {s['recorded_by']} at "
                      f"{local_time(s['recorded_at'], seconds=False)}; "
                      f"version {s['version']}"))
    return lines


def render_story(s: dict[str, Any], *, md: bool) -> str:
    def wrap(t: str) -> str:
        if md:
            return t
        return textwrap.fill(t, terminal_width() - 2, subsequent_indent="  ",
                             break_on_hyphens=False, break_long_words=False)

    def h(t: str) -> str:
        return f"\n## {t}\n" if md else f"\n{t}\n{'-' * len(t)}"

    lines = [f"# {s['key']} (id {s['id']})" if md else f"{s['key']} (id {s['id']}): {s['status']}"]
    if md:
        lines.append(f"\nstatus: **{s['status']}**")
    lines += _header(s, wrap)
    lines.append(h("Forecasts"))
    rows = [{**f, "number": f"{f['number']}{' *' if f['backfilled'] else ''}"
                           f"{' x' if f['retraction'] else ''}",
             "note": (f"[retracted {f['retracted_at']:%Y-%m-%d} by {f['retracted_by']}: "
                      + ("a correction, never counted" if f["retraction"] == "correction"
                         else "stood until then") + (f"; {f['retracted_note']}"
                                                     if f["retracted_note"] else "") + "] "
                      if f["retraction"] else "") + (f["note"] or ""),
             "given": f["given"] + (" (vague)" if f["vague"] else ""),
             "band": f"{f['band'][0]:.2f}-{f['band'][1]:.2f}" if f["band"] else ""}
            for f in s["forecasts"]]
    if not rows:
        lines.append("(none)")
    else:
        lines.append(grid(rows, FORECASTS.full, FORECASTS.labels, "md") if md
                     else fitted(rows, FORECASTS))
    backfilled = [f for f in s["forecasts"] if f["backfilled"]]
    if backfilled:
        lines.append(wrap("* back-filled: entered "
                          + "; ".join(f"#{f['number']} on {f['recorded_at']:%Y-%m-%d}"
                                      for f in backfilled)
                          + ", after the outcome could be known: shown, never scored."))
    lines.append(h("Evidence"))
    for e in s["evidence"]:
        cite = f" [{e['citation']}]" if e["citation"] else ""
        lines.append(wrap(f"#{e['id']} {e['observed_on']} {e['stance']}: {e['summary']}{cite}"
                          + (f" {e['url']}" if e["url"] else "")))
    if not s["evidence"]:
        lines.append("(none)")
    lines.append(h("Resolution"))
    for r in s["resolutions"]:
        state = ("current" if r["current"] else
                 f"superseded {r['superseded_at']:%Y-%m-%d}: {r['superseded_note']}")
        ev = f"; evidence {', '.join('#' + str(i) for i in r['evidence'])}" if r["evidence"] else ""
        lines.append(wrap(f"r{r['revision']} {r['outcome']} (known {r['known_on']}, by "
                          f"{r['resolved_by']}{ev}) [{state}]"))
        if r["rationale"]:
            lines.append(wrap(f"  Rationale: {r['rationale']}"))
        for alt in r["readings"]:
            lines.append(wrap(f"  Contested: {alt['outcome']} under another reading: "
                              f"{alt['note']}"))
    if not s["resolutions"]:
        lines.append("(not resolved)")
    return "\n".join(lines)


def story_csv(s: dict[str, Any]) -> str:
    """One CSV block per section: the claim's own fields, then forecasts, evidence, resolutions."""
    claim = {"section": "claim", **{k: v for k, v in s.items() if not isinstance(v, dict)
                                     and k not in ("forecasts", "evidence", "resolutions")}}
    if s["source"]:
        claim["source"] = s["source"]["key"]
    blocks = [csv_text([claim], list(claim))]
    for name in ("forecasts", "evidence", "resolutions"):
        if s[name]:
            rows = [{"section": name, **r} for r in s[name]]
            blocks.append(csv_text(rows, list(rows[0])))
    return "\n".join(blocks)
