"""The scorecard for readers: one self-contained HTML file, or a static site with a page per
analyst and per claim.

Both start from the scorecard's JSON contract (``build``) and the analysts' calls (each
(analyst, claim) pair with its Brier, from the scorecard's own SQL), and read the claims'
stories a batch at a time as the ledger stood at the as-of instant. The site is produced as a
stream of (relative path, HTML) pairs: claim pages are written as they are read, so memory
grows with the number of calls, not with the evidence and history behind them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from ledger.ops.progress import Progress
from ledger.scorecard import charts, query
from ledger.scorecard import words as w
from ledger.scorecard.build import SMALL_SAMPLE, Request, build_in, window
from ledger.scorecard.calls import CallRow, call_rows
from ledger.scorecard.pages import (
    Cell,
    analyst_files,
    claim_file,
    esc,
    facts,
    figure,
    link,
    page,
    table,
)
from ledger.scorecard.render import findings, murphy_line, provenance
from ledger.store.engine import Store

QUOTE_CHARS = 220  # a quote longer than this is cut in a table (the claim page has it whole)


@dataclass
class Call:
    """One analyst's call as their page lists it."""

    key: str
    statement: str
    said: str
    probability: float | None
    forecasts: int
    due_on: date
    status: str
    brier: float | None
    tags: list[str]
    marks: list[str] = field(default_factory=list)


def auto_every(first: date, last: date) -> str:
    """A trend step that gives a readable number of points: months for a year of outcomes,
    quarters for up to three years, years beyond."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    return "month" if months <= 12 else "quarter" if months <= 36 else "year"


class Scorecard:
    """The report, the calls behind it and the claims' stories, as the pages need them."""

    def __init__(self, conn: Connection, req: Request, progress: Progress = None) -> None:
        """Everything is read through ``conn``, one transaction (``Store.snapshot``): the
        headline, the call tables and the claims' stories see the ledger at one moment."""
        self.conn = conn
        if req.every is None:
            rng = query.known_range(conn, window(req))
            if rng is not None:
                req = replace(req, every=auto_every(*rng))
        self.req = replace(req, by="author")
        self.progress = progress
        self.report = build_in(conn, self.req, progress)
        self.win = window(self.req, grace=int(self.report["grace_days"]))
        from ledger.ops.lookup import names

        self.names = names(conn)
        with query.segments(conn, self.win):
            rows = call_rows(conn, self.win)
        self.pairs: dict[int, list[CallRow]] = defaultdict(list)
        for r in rows:
            self.pairs[r.claim_id].append(r)
        people = {self.names[r.analyst_id] for r in rows}
        people |= {g["key"] for g in self.report["groups"]}
        self.files = analyst_files(people)
        self.calls: dict[str, list[Call]] = defaultdict(list)
        self.claim_rows: list[tuple[str, str, str, date, str]] = []

    def stories(self) -> Iterator[dict[str, Any]]:
        """Every claim's story as of the scorecard's instant; each analyst's calls are
        collected on the way."""
        from ledger.ops.stories import Reader

        reader = Reader(self.conn, on=self.req.as_of, as_of=self.win.as_of, history=True)
        total = reader.count() or 1
        for n, story in enumerate(reader.all(), 1):
            self._collect(story)
            if self.progress is not None and n % 200 == 0:
                self.progress(min(n, total), total, "claim pages")
            yield story

    def _collect(self, s: dict[str, Any]) -> None:
        self.claim_rows.append((s["key"], s["statement"], s["author"], s["due_on"],
                                s["status"]))
        for pr in self.pairs.get(int(s["id"]), []):
            who = self.names[pr.analyst_id]
            mine = [f for f in s["forecasts"] if f["by"] == who]
            standing = [f for f in mine if f["retraction"] != "correction"]
            last = standing[-1] if standing else None
            if who == s["author"] and s["quote"]:
                q = s["quote"]
                said = f"“{q if len(q) <= QUOTE_CHARS else q[:QUOTE_CHARS - 1] + '…'}”"
                if last and last["given"] and last["mapped"]:
                    said += f" ({last['given']})"
            else:
                said = last["given"] if last and last["given"] else ""
            marks = []
            if pr.backfilled:
                marks.append("backfilled")
            if s["withdrawal_late"]:
                marks.append("late")
            if any(f["retracted_at"] for f in mine):
                marks.append("retracted")
            self.calls[who].append(Call(
                key=s["key"], statement=s["statement"], said=said,
                probability=last["probability"] if last else None, forecasts=len(standing),
                due_on=s["due_on"], status=s["status"], brier=pr.brier, tags=s["tags"],
                marks=marks))

    # -- shared pieces --------------------------------------------------------------------
    def footer(self) -> str:
        return (f"As of {esc(self.report['as_of'])}. {esc(provenance(self.report))} "
                "Made by ledger.")

    def notes(self) -> list[str]:
        r = self.report
        small = any(g["small_sample"] and g["counts"]["scored"] for g in r["groups"])
        return ([f"† a small sample: under {SMALL_SAMPLE} scored calls, shown but not ranked."]
                if small else []) + findings(r)

    def group(self, name: str) -> dict[str, Any] | None:
        return next((g for g in self.report["groups"] if g["key"] == name), None)

    def trend_points(self, name: str | None) -> list[charts.Point]:
        pts = []
        for t in self.report.get("trend", []):
            g = t["overall"] if name is None else next(
                (x for x in t["groups"] if x["key"] == name), None)
            if g is None or g["brier"] is None:
                pts.append(charts.Point(t["label"], None))
            else:
                ci = g["brier_ci95"]
                pts.append(charts.Point(t["label"], g["brier"], tuple(ci) if ci else None))
        return pts

    def summary_table(self, prefix: str, with_links: bool = True) -> str:
        """Two tables: the scores, then the rest of the record; each column explained."""
        groups = [*self.report["groups"], self.report["overall"]]
        out = []
        for columns in (w.SUMMARY_COLUMNS, w.RECORD_COLUMNS):
            cols = w.summary_columns(groups, columns)
            head = [("Analyst", ""), *((h, "num") for _, h, _ in cols)]
            rows: list[list[Cell]] = []
            for g in groups:
                cells = w.summary_cells(g)
                is_all = g is self.report["overall"]
                name = "Everyone" if is_all else g["key"]
                label = (link(prefix + "analysts/" + self.files[name], name)
                         if with_links and not is_all else esc(name))
                if g["small_sample"] and g["counts"]["scored"] and not is_all:
                    label += " †"
                rows.append([label, *(esc(cells[k]) for k, _, _ in cols)])
            legend = "".join(f"<li><b>{esc(h)}</b>: {esc(d)}.</li>" for _, h, d in cols)
            out.append(table(head, rows) + "<details class='note'><summary>What the columns "
                       f"mean</summary><ul>{legend}</ul></details>")
        return out[0] + "<h3>The rest of the record</h3>" + out[1]

    def calibration_figure(self, g: dict[str, Any], who: str) -> str:
        bins = [charts.Bin(b["lo"], b["hi"], float(b["n"]), b["mean_forecast"], b["observed"],
                           tuple(b["ci95"]) if b["ci95"] else None) for b in g["calibration"]]
        return figure(charts.calibration(bins, f"Calibration: {who}"),
                      f"Calibration of {who}: each dot is a tenth of the probability scale, "
                      "placed at the forecasts' mean and how often they came true, with its "
                      "95% Wilson interval; the dashed diagonal is perfect calibration; the "
                      "numbers above are how many calls each holds.")

    def trend_figure(self, name: str | None, who: str) -> str:
        pts = self.trend_points(name)
        if not any(p.brier is not None for p in pts):
            return ""
        every = self.req.every or "period"
        return figure(charts.trend(pts, f"Brier over time: {who}"),
                      f"Mean Brier of {who} per {every} in which outcomes became known, with "
                      "95% intervals; the dashed line is always saying 50%.")

    def calls_table(self, calls: list[Call], prefix: str, link_claims: bool = True) -> str:
        head = [("Call", "wide"), ("What they said", "wide"), ("Probability", "num"),
                ("Due", "num"), ("Outcome", ""), ("Brier", "num"), ("Marks", "")]
        rows: list[list[Cell]] = []
        for c in sorted(calls, key=lambda c: (c.due_on, c.key)):
            stmt = (link(prefix + "claims/" + claim_file(c.key), c.statement) if link_claims
                    else esc(c.statement))
            prob = w.percent(c.probability)
            if c.forecasts > 1:
                prob += f" (last of {c.forecasts})"
            marks = "".join(f'<span class="mark" title="{esc(w.MARKS[m][1])}">'
                            f"{esc(w.MARKS[m][0])}</span>" for m in c.marks)
            rows.append([stmt, esc(c.said), esc(prob), esc(c.due_on.isoformat()),
                         (esc(w.outcome(c.status)), f"outcome-{c.status}"),
                         esc(w.f3(c.brier) if c.brier is not None or c.status not in
                             ("true", "false") else "not scored"), marks])
        return table(head, rows)

    def tag_table(self, calls: list[Call]) -> str:
        acc: dict[str, list[float]] = defaultdict(list)
        for c in calls:
            if c.brier is not None:
                for t in c.tags or ["(no tag)"]:
                    acc[t].append(c.brier)
        rows = [[esc(t), esc(str(len(v))), esc(w.f3(sum(v) / len(v)))]
                for t, v in sorted(acc.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
        return table([("Tag", ""), ("Scored calls", "num"), ("Brier", "num")], rows)

    def analyst_body(self, name: str, prefix: str, link_claims: bool, level: int) -> str:
        g = self.group(name)
        h = f"h{level}"
        calls = self.calls.get(name, [])
        parts = [f"<{h}>{esc(name)}</{h}>"]
        if g is None:
            parts.append(f"<p class='headline'>No calls in this scorecard; "
                         f"{w.plural(len(calls), 'forecast')} on claims listed below.</p>")
        else:
            parts.append(f"<p class='headline'>{esc(w.headline(g))}</p>")
            rel = w.relative_words(g.get("relative_to_median"))
            cells = w.summary_cells(g)
            parts.append(facts([
                ("Brier score", esc(f"{cells['brier']} (95% interval {cells['ci']})")
                 if g["brier"] is not None else ""),
                ("Against the median", esc(rel or "")),
                ("Baseline score", esc(cells["baseline"]) if g["brier"] is not None else ""),
                ("Calls", esc(w.counts_sentence(g["counts"]))),
            ]))
            charts_html = self.calibration_figure(g, name) + self.trend_figure(name, name)
            parts.append(f"<div class='charts'>{charts_html}</div>")
            if g["brier"] is not None:
                parts.append(f"<p class='note'>{esc(murphy_line(g))}</p>")
        parts += [f"<h{level + 1}>By tag</h{level + 1}>", self.tag_table(calls),
                  f"<h{level + 1}>Every call</h{level + 1}>",
                  self.calls_table(calls, prefix, link_claims),
                  "<p class='note'>Brier is for the call as scored here (time-weighted when "
                  "the forecast was updated); a call with no true or false outcome has none. "
                  "Marks: "
                  + "; ".join(f"{a}: {b}" for a, b in w.MARKS.values()) + ".</p>"]
        return "\n".join(parts)

    def index_body(self, prefix: str, with_links: bool) -> str:
        r = self.report
        people = len(r["groups"])
        per = r["period"]
        scope = f"outcomes known {per['start']} to {per['end']}" if per else "all outcomes"
        head = f"{w.plural(people, 'analyst')}; " + w.headline(r["overall"])
        parts = [
            "<h1>Forecasting scorecard</h1>",
            f"<p class='meta'>As of {esc(r['as_of'])}, {esc(scope)}. Brier scores run from 0 "
            "(perfect) to 1; always saying 50% scores 0.25; lower is better.</p>",
            f"<p class='headline'>{esc(head)}</p>",
            "<h2>Analysts</h2>", self.summary_table(prefix, with_links),
            "".join(f"<p class='note'>{esc(n)}</p>" for n in self.notes()),
            "<h2>The team over time and its calibration</h2><div class='charts'>",
            self.trend_figure(None, "everyone"),
            self.calibration_figure(r["overall"], "everyone"), "</div>",
        ]
        if r.get("phrase_calibration"):
            parts += [
                "<h2>Hedge words: what they meant and how they did</h2>",
                table([("Words", ""), ("Scored as", "num"), ("Calls", "num"),
                       ("Came true", "num"), ("95% interval", "num")],
                      [[esc(p["phrase"]), esc(w.percent(p["maps_to"])), esc(w.count(p["n"])),
                        esc(w.percent(p["observed"])), esc(w.interval(p["ci95"]))]
                       for p in r["phrase_calibration"]]),
            ]
        return "\n".join(parts)


# -- the two products -------------------------------------------------------------------------
def html_file(store: Store, req: Request, progress: Progress = None) -> str:
    """The single-file scorecard: the team, then each analyst with their calls."""
    with store.snapshot() as conn:
        sc = Scorecard(conn, req, progress)
        for _ in sc.stories():
            pass
        body = [sc.index_body("", with_links=False)]
        for name in sorted(sc.calls):
            body.append(f"<section>{sc.analyst_body(name, '', link_claims=False, level=2)}"
                        "</section>")
    return page(f"Scorecard as of {sc.report['as_of']}", "\n".join(body), footer=sc.footer())


def site(store: Store, req: Request, progress: Progress = None) -> Iterator[tuple[str, str]]:
    """The site's files as (relative path, HTML): a page per claim, per analyst, the list of
    claims and the index."""
    with store.snapshot() as conn:
        yield from _site(Scorecard(conn, req, progress))


def _site(sc: Scorecard) -> Iterator[tuple[str, str]]:
    from ledger.scorecard.claim_page import claim_page

    foot = sc.footer()
    for s in sc.stories():
        yield f"claims/{claim_file(s['key'])}", claim_page(sc, s, foot)
    for name in sorted(sc.files):
        nav = f"{link('../index.html', 'Scorecard')} › {esc(name)}"
        yield (f"analysts/{sc.files[name]}",
               page(f"{name}: forecasting record", sc.analyst_body(name, "../", True, 1),
                    footer=foot, nav=nav))
    rows: list[list[Cell]] = [
        [link("claims/" + claim_file(k), st),
         link("analysts/" + sc.files[a], a) if a in sc.files else esc(a), esc(d.isoformat()),
         (esc(w.outcome(status)), f"outcome-{status}")]
        for k, st, a, d, status in sorted(sc.claim_rows, key=lambda r: (r[3], r[0]))]
    yield "claims.html", page(
        "Every claim", "<h1>Every claim</h1>" + table(
            [("Claim", "wide"), ("Made by", ""), ("Due", "num"), ("Outcome", "")], rows),
        footer=foot, nav=link("index.html", "Scorecard") + " › every claim")
    body = sc.index_body("", with_links=True) + (
        f"<p>{link('claims.html', f'Every claim ({len(sc.claim_rows)})')}</p>")
    yield "index.html", page(f"Scorecard as of {sc.report['as_of']}", body, footer=foot)
