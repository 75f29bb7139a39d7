"""A claim's page of the scorecard site: the quote and source, how it is judged, forecasts
over time, each analyst's Brier on it, the evidence with links, every resolution with its
rationale and contested readings, and its audit history, as the ledger stood on the day."""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING, Any

from ledger.scorecard import words as w
from ledger.scorecard.pages import esc, facts, link, page, table, url_link

if TYPE_CHECKING:
    from ledger.scorecard.site import Scorecard


def claim_page(sc: Scorecard, s: dict[str, Any], footer: str) -> str:
    up = "../"
    files = sc.files

    def who(name: str) -> str:
        return link(up + "analysts/" + files[name], name) if name in files else esc(name)

    src = s["source"]
    res = s["resolution"]
    outcome = w.outcome(s["status"])
    parts = [f"<h1>{esc(s['statement'])}</h1>",
             f"<p class='headline'>Outcome: <span class='outcome-{esc(s['status'])}'>"
             f"{esc(outcome)}</span>"
             + (f", known {esc(res['known_on'])}" if res else f"; due {esc(s['due_on'])}")
             + "</p>"]
    if s["quote"]:
        parts.append(f"<blockquote>“{esc(s['quote'])}”</blockquote>")
    source = ""
    if src:
        source = url_link(src["url"], src["title"]) + esc(
            "".join(f", {x}" for x in (src["outlet"], src["published_on"]) if x))
        if src["authors"]:
            source += esc(" by ") + ", ".join(who(a) for a in src["authors"])
    parts.append(facts([
        ("Made by", who(s["author"])), ("Made on", esc(s["made_on"])),
        ("Falls due", esc(s["due_on"]) + esc(f" ({s['due_basis']}"
                                              + (f": {s['due_note']}" if s["due_note"] else "")
                                              + ")")),
        ("Source", source), ("How it is judged", esc(s["criteria"])),
        ("Subject", esc(s["subject"])), ("Tags", esc(", ".join(s["tags"]))),
        ("Key", esc(s["key"])),
        ("Withdrawn", esc(f"{s['withdrawn_on']}" + (" (late: still scored)"
                                                     if s["withdrawal_late"] else "")
                          + (f": {s['withdrawn_note']}" if s["withdrawn_note"] else ""))
         if s["withdrawn_on"] else ""),
    ]))
    briers = {sc.names[p.analyst_id]: p.brier for p in sc.pairs.get(int(s["id"]), [])}
    parts += ["<h2>Forecasts over time</h2>", table(
        [("#", "num"), ("By", ""), ("Made on", "num"), ("Probability", "num"),
         ("In their words", ""), ("Marks", ""), ("Note", "wide")],
        [[esc(f["number"]), who(f["by"]), esc(f["made_on"]), esc(w.percent(f["probability"])),
          esc(f["given"] or ""), _forecast_marks(f), esc(f["note"] or "")]
         for f in s["forecasts"]])]
    scored = [(n, b) for n, b in sorted(briers.items()) if b is not None]
    if scored:
        parts += ["<h2>Scores</h2>", table(
            [("Analyst", ""), ("Brier on this claim", "num")],
            [[who(n), esc(w.f3(b))] for n, b in scored])]
    parts += ["<h2>Evidence</h2>", table(
        [("#", "num"), ("Observed", "num"), ("Bearing", ""), ("What it shows", "wide"),
         ("Source", "wide")],
        [[f'<span id="e{esc(e["id"])}">{esc(e["id"])}</span>', esc(e["observed_on"]),
          esc(e["stance"]), esc(e["summary"]), url_link(e["url"], e["citation"] or e["url"])]
         for e in s["evidence"]])]
    parts.append("<h2>Resolution</h2>")
    if res is None:
        parts.append("<p>Not resolved by this day.</p>")
    for r in reversed(s["resolutions"]):
        state = "" if r["current"] else (
            f" (superseded {esc(r['superseded_at'])}"
            + (f": {esc(r['superseded_note'])}" if r["superseded_note"] else "") + ")")
        parts.append(f"<h3>Revision {esc(r['revision'])}: {esc(w.outcome(r['outcome']))}"
                     f"{state}</h3>")
        parts.append(facts([
            ("Known on", esc(r["known_on"])), ("Resolved by", esc(r["resolved_by"])),
            ("Why", esc(r["rationale"] or "")),
            ("Evidence", ", ".join(f'<a href="#e{esc(i)}">{esc(i)}</a>'
                                   for i in r["evidence"])),
        ]))
        if r["readings"]:
            parts.append("<p>Contested: other defensible readings, shown as a Brier range on "
                         "the scorecard:</p><ul>" + "".join(
                             f"<li><b>{esc(w.outcome(x['outcome']))}</b>: {esc(x['note'])}</li>"
                             for x in r["readings"]) + "</ul>")
    parts.append("<h2>History</h2>")
    if s.get("history"):
        parts.append(table(
            [("When (UTC)", "num"), ("Who", ""), ("What", ""), ("Detail", "wide")],
            [[esc(e["at"].astimezone(UTC).strftime("%Y-%m-%d %H:%M")),
              esc(e["actor"]) + (" ✓" if e.get("signed") else ""),
              esc(e["action"]), esc(e["summary"])] for e in s["history"]]))
    else:
        parts.append("<p class='note'>No change to this claim recorded in the ledger's "
                     "history by this day (it was loaded or imported with its own dates).</p>")
    nav = f"{link(up + 'index.html', 'Scorecard')} › {who(s['author'])} › {esc(s['key'])}"
    return page(s["statement"][:120], "\n".join(parts), footer=footer, nav=nav)


def _forecast_marks(f: dict[str, Any]) -> str:
    out = []
    if f["backfilled"]:
        out.append(w.MARKS["backfilled"])
    if f["retraction"]:
        out.append((f"retracted ({f['retraction']})", w.MARKS["retracted"][1]))
    return "".join(f'<span class="mark" title="{esc(t)}">{esc(label)}</span>'
                   for label, t in out)
