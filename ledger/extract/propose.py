"""From an article to proposed claims: every forward-looking statement found, with its quote,
a checkable statement, who holds it, the hedge and its probability, the due date and where it
came from, and whether a careful analyst would record it (and why).

The rules are about sentence structure, the phrase table and the date grammar, not about any
article: see ``ledger.extract.text`` (blocks, sentences, clauses), ``cues`` (what looks
forward, the hedge and its phrase), ``horizon`` (due dates), ``voice`` (own or attributed)
and ``judge`` (worth recording, the statement). The cases left alone are listed in
docs/extract.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ledger.extract import horizon as hz
from ledger.extract.cues import Reading, has_number, hedge_words, map_hedge, read_clause
from ledger.extract.judge import judge, statement
from ledger.extract.reading import Article
from ledger.extract.text import Block, Clause, blocks, clauses, fold
from ledger.extract.voice import Attribution, subject_of

LEADING = re.compile(r"(?:whilst|while|although|though|and|but|yet|so|however,?|"
                     r"nevertheless,?|nonetheless,?|instead,|likewise,?|also,|indeed,|"
                     r"moreover,|furthermore,|meanwhile,|still,|that)\s+", re.I)
#: a report's frame before its quotation ("Dudley at Sybase 365 says: "...) or its source
#: ("according to X, ..."): the quote starts after it
FRAMED = re.compile(r".{0,160}?\b(?:says|said|adds|added|notes|noted|writes|wrote|explains|"
                    r"explained|predicts|predicted|warns|warned|argues|argued|told\s+\w+)"
                    r"\s*[:,]?\s*[\u201c\"]|(?:[^,]{0,80},\s*)?according\s+to\s+[^,]{1,160},\s*",
                    re.I)
CONTINUES = re.compile(r"^(?:instead|also|then|that|this|these|those|they|he|she|it|his|"
                       r"her|its|their|both|such|the\s+same)\b", re.I)
TARGET_SECTION = re.compile(r"\b(?:targets?|forecasts?|predictions?|outlook|projections?|"
                            r"estimates?|calls?)\b")
DATELINE = re.compile(r"\d{1,2}:\d{2}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
                      r"[a-z]*\.?\s+\d{1,2}\b|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|"
                      r"aug|sep|oct|nov|dec)|\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,")
STOP = {"the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "its", "it", "is",
        "are", "be", "will", "would", "should", "that", "this", "with", "by", "at", "as",
        "not", "but", "yet", "from", "into", "than", "s"}


@dataclass
class Proposal:
    quote: str
    start: int
    end: int
    statement: str
    holder: str | None
    view: str  # own | attributed
    phrase: str  # the hedge words, verbatim
    table_phrase: str | None
    probability: float | None
    band: tuple[float, float] | None
    vague: bool
    due_on: date | None
    due_basis: str  # stated | context | none
    due_text: str
    record: bool
    reason: str
    kind: str
    lead: bool = False
    view_reason: str = ""


def _content(words: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", words) if w not in STOP and len(w) > 2}


def _span(text: str, a: int, z: int) -> tuple[int, int]:
    """A clause's span as a quote: leading connectives, a trailing full stop and unmatched
    quotation marks left out."""
    m = FRAMED.match(text, a, z)
    if m and m.end() < z:
        a = m.end()
    changed = True
    while changed and a < z:
        changed = False
        m = LEADING.match(text, a, z)
        if m:
            a, changed = m.end(), True
        if text[a] in "\u201c\"" and text.find("\u201d" if text[a] == "\u201c" else '"',
                                              a + 1, z) < 0:
            a, changed = a + 1, True
    while z > a and text[z - 1] in ".,;:!\u201d\"' " and not (
            text[z - 1] in "\u201d\"" and text.find("\u201c" if text[z - 1] == "\u201d"
                                                    else '"', a, z - 1) >= 0):
        z -= 1
    return a, z


class Proposer:
    def __init__(self, article: Article, made: date) -> None:
        self.article = article
        self.made = made
        self.text = article.text
        self.f = fold(article.text)
        self.blocks = blocks(article.text)
        holder = article.author or article.outlet
        self.attr = Attribution(self.text, holder)
        self.holder = holder
        self.out: list[Proposal] = []
        self.last_horizon: hz.Horizon | None = None  # the last one named in the article

    def run(self) -> list[Proposal]:
        for i, b in enumerate(self.blocks):
            if b.kind != "skip":
                self._block(i, b)
        self._lead_copies()
        return self.out

    def _section(self, b: Block) -> tuple[int | None, bool]:
        """The year the headings above a block name (a dateline names none), and whether
        its heading announces a list of targets or forecasts."""
        if b.section is None:
            return None, False
        head = self.blocks[b.section]
        target = bool(TARGET_SECTION.search(self.f[head.start:head.end])) and b.kind == "item"
        at: int | None = b.section
        while at is not None:
            h = self.blocks[at]
            hf = self.f[h.start:h.end]
            year = hz.year_named(hf)
            if year and not DATELINE.search(hf):
                return (year if year >= self.made.year else None), target
            at = h.section
        return None, target

    def _block(self, i: int, b: Block) -> None:
        section_year, target_list = self._section(b)
        self.attr.paragraph(b.start, b.end)
        previous: tuple[hz.Horizon, int] | None = None  # a horizon in the sentence before
        year = section_year
        for sent in b.sentences:
            sf = self.f[sent[0]:sent[1]]
            question = self.text[sent[0]:sent[1]].rstrip().endswith("?")
            named = hz.year_named(sf)
            if named and named >= self.made.year and not re.search(
                    r"\b(?:end|close)\s+of\s+(?:the\s+)?year\b", sf):
                year = named
            sentence_hz = hz.find(sf, self.made, year=year)
            for cl in clauses(self.text, self.f, sent, i):
                self._clause(b, cl, sent, sentence_hz, previous, section_year, target_list,
                             year, question)
            due = hz.due_of(sentence_hz, self.made)
            previous = (due, sent[0]) if due else None
            if due is not None:
                self.last_horizon = due

    def _clause(self, b: Block, cl: Clause, sent: tuple[int, int],
                sentence_hz: list[hz.Horizon], previous: tuple[hz.Horizon, int] | None,
                section_year: int | None, target_list: bool, year: int | None,
                question: bool) -> None:
        text, f = self.text, self.f
        a, z = _span(text, cl.start, cl.end)
        if a >= z:
            return
        cf = f[a:z]
        found = hz.find(cf, self.made, year=year)
        due = hz.due_of(found, self.made)
        reading = read_clause(cf, future_horizon=due is not None, question=question,
                              sentence_horizon=hz.due_of(sentence_hz, self.made) is not None)
        if target_list and not reading.fls and has_number(cf) and (due or section_year):
            reading = Reading(fls=True, kind="target")
        if not reading.fls:
            return
        if b.kind == "heading" and not reading.cues:
            return
        hedge = hedge_words(text[a:z], cf, reading)
        map_hedge(hedge, reading)
        due_on, basis, due_text = None, "none", ""
        if due is not None:
            due_on, basis, due_text = due.due, "stated", text[a + due.start:a + due.end]
        else:
            other = hz.due_of([h for h in sentence_hz
                               if not (sent[0] + h.start >= a and sent[0] + h.end <= z)],
                              self.made)
            if other is not None:
                due_on, basis = other.due, "context"
                due_text = text[sent[0] + other.start:sent[0] + other.end] + " (same sentence)"
            elif previous is not None and CONTINUES.match(text[a:z]):
                due_on, basis = previous[0].due, "context"
                due_text = "the sentence before"
            elif reading.kind == "target" and self.last_horizon is not None:
                due_on, basis = self.last_horizon.due, "context"
                due_text = "the last horizon named before it"
            elif section_year is not None and section_year >= self.made.year and \
                    date(section_year, 12, 31) > self.made:
                due_on, basis = date(section_year, 12, 31), "context"
                due_text = f"{section_year} (section heading)"
        voice = self.attr.voice((a, z), sent, plan=reading.kind == "plan")
        holder, view = voice.holder, voice.view
        if reading.kind == "plan":
            verb = re.search(r"\b(?:plans?|planning|intends?|aims?|announced|announces|said|"
                             r"says|confirmed|revealed|vows?|pledges?|promises?)\b", cf)
            if verb:
                holder = subject_of(text, (a, z), a + verb.start()) or holder
            view = "attributed"
        elif voice.why == "continues a report in the paragraph" and self.attr.carry_is_plan:
            reading.kind = "plan"
        if target_list:
            m = re.match(r"\s*([A-Z][^\d:|\u2013\u2014-]{1,60}?)\s*(?:[:|\u2013\u2014-]|\(|\d)",
                         text[a:z])
            if m:
                holder, view = m.group(1).strip(), "attributed"
        antecedent = self.attr.last_org
        record, reason = judge(reading, cf, holder=holder, view=view, lead_copy=False,
                               reason_clause=cl.lead_in in ("because", "simply because",
                                                            "since"))
        entry_band = None
        if reading.phrase:
            from ledger.core.probability import lookup

            entry = lookup().get(reading.phrase)
            entry_band = entry.band if entry else None
        self.out.append(Proposal(
            quote=text[a:z], start=a, end=z, statement=statement(text[a:z], antecedent),
            holder=holder, view=view, phrase=hedge, table_phrase=reading.phrase,
            probability=reading.probability, band=entry_band, vague=reading.vague,
            due_on=due_on, due_basis=basis, due_text=due_text, record=record, reason=reason,
            kind=reading.kind, lead=b.lead, view_reason=voice.why))

    def _lead_copies(self) -> None:
        """A headline or standfirst that repeats a call made in the body takes that call's
        view and is not recorded twice."""
        body = [p for p in self.out if not p.lead]
        body_text = [(s, self.f[s[0]:s[1]]) for b in self.blocks if not b.lead and
                     b.kind != "skip" for s in b.sentences]
        for p in self.out:
            if not p.lead:
                continue
            mine = _content(self.f[p.start:p.end])
            if len(mine) < 2:
                continue
            best, score = None, 0.0
            for q in body:
                theirs = _content(self.f[q.start:q.end])
                s = len(mine & theirs) / len(mine)
                if s > score:
                    best, score = q, s
            sentence_score = max((len(mine & _content(t)) / len(mine) for _, t in body_text),
                                 default=0.0)
            if best is not None and score >= 0.5:
                p.view, p.holder = best.view, best.holder
                if best.kind == "plan":
                    p.kind = "plan"
            if max(score, sentence_score) >= 0.5:
                p.record = False
                p.reason = ("a plan, repeated in the headline or standfirst" if p.kind == "plan"
                            else "the headline or standfirst repeats a call made in the body")


def propose(article: Article, made: date) -> list[Proposal]:
    return Proposer(article, made).run()
