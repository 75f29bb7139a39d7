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
from ledger.extract.cues import (
    FORECAST_NOUN,
    Reading,
    has_number,
    hedge_words,
    map_hedge,
    read_clause,
)
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
                    r"\s*[:,]?\s*[\u201c\"]|.{0,160}?\b(?:says|said|adds|added|notes|noted|"
                    r"writes|wrote|warns|warned|argues|argued|estimates|estimated|reported|"
                    r"reports|pointed\s+out|points\s+out)(?:\s+on\s+\w+|\s+in\s+a\s+\w+(?:\s+\w+)?)?\s+that\s+|(?:[^,]{0,80},\s*)?according\s+to\s+[^,]{1,160},\s*",
                    re.I)
#: an adverbial phrase before the subject (kept when it holds a horizon: "By the end of the
#: year, it will ...")
FRONTED = re.compile(r"(?:with|given|after|despite|amid|following|thanks\s+to|because\s+of|"
                     r"due\s+to|like|unlike|as\s+for|in\s+light\s+of|considering)\b[^,]{3,120},\s+",
                     re.I)
CONTINUES = re.compile(r"^(?!it\s+(?:is|'s|was|seems|looks|remains)\b)(?:instead|also|then|"
                       r"that|this|these|those|they|he|she|it|his|her|its|their|both|such|"
                       r"the\s+same)\b|^\S+(?:\s+\S+)?\s+also\b", re.I)
#: a clause that gives the reason for the one before it, or spells it out: the call's horizon
#: may sit there ("X will overtake Y, because ... in 2012"; "the path will be bumpy: a
#: correction in the first half of 2026 ...")
SUBORDINATE = ("because", "simply because", "since", ":")
TARGET_SECTION = re.compile(r"\b(?:targets?|forecasts?|predictions?|outlook|projections?|"
                            r"estimates?|calls?)\b")
DATELINE = re.compile(r"\d{1,2}:\d{2}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
                      r"[a-z]*\.?\s+\d{1,2}\b|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|"
                      r"aug|sep|oct|nov|dec)|\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,")
#: "Will oil demand peak this decade?" ... "Probably, as ..." / "I don't think it will."
FUTURE_QUESTION = re.compile(r"^(?:will|is|are|can|could|should|would|might)\b")
ANSWER = re.compile(r"(?:probably(?:\s+not)?|almost\s+certainly(?:\s+not)?|certainly(?:\s+not)?|"
                    r"likely|very\s+likely|unlikely|perhaps|possibly|maybe|doubtful|yes|no|"
                    r"not\s+(?:by\s+)?much|not\s+really|hardly|i\s+doubt\s+it|i\s+think\s+so)"
                    r"\b\s*[,.;!]")
HEADLINE_CUE = re.compile(r"\b(?:will|won't|'ll|set to|poised to|tipped to|plans?|going to|"
                          r"likely|unlikely|inevitable|doomed|should|could|may|might)\b")
#: a figure specific enough to recognise when it is given again: 7,600; 2.5%; $65; 117 million
FIGURE = re.compile(r"(?<![\d.,])(?:[$\u20ac\u00a3]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|"
                    r"[$\u20ac\u00a3]\d+(?:\.\d+)?|\d+(?:\.\d+)?\s?%|"
                    r"(?!(?:19|20|21)\d\d\b)\d{3,}(?:\.\d+)?)")
STOP = {"the", "a", "an", "of", "to", "in", "on", "for", "and", "or", "its", "it", "is",
        "are", "be", "will", "would", "should", "that", "this", "with", "by", "at", "as",
        "not", "but", "yet", "from", "into", "than", "s"}


@dataclass(frozen=True)
class Where:
    """The sentence a clause sits in, and what its surroundings say about horizons."""

    block: Block
    sentence: tuple[int, int]
    horizons: list[hz.Horizon]  # every horizon named in the sentence
    previous: tuple[hz.Horizon, bool] | None  # the paragraph's last one; from a question?
    section_year: int | None
    target_list: bool
    year: int | None  # the year "the year" means here
    question: bool


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
    block: int = 0


def _content(words: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", words) if w not in STOP and len(w) > 2}


def _span(text: str, a: int, z: int) -> tuple[int, int]:
    """A clause's span as a quote: leading connectives, a trailing full stop and unmatched
    quotation marks left out."""
    m = FRAMED.match(text, a, z)
    if m and m.end() < z:
        a = m.end()
    m = FRONTED.match(text, a, z)  # "With the success Xiaomi has had, entry ... is inevitable"
    if m and m.end() < z and not hz.find(fold(m.group(0)), date(2000, 1, 1)):
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
        self.blocks = blocks(article.text, article.title)
        holder = article.author or article.outlet
        self.attr = Attribution(self.text, holder)
        self.holder = holder
        self.out: list[Proposal] = []
        self.last_horizon: hz.Horizon | None = None  # the last one named in the article
        self.last_horizon_block = -1
        self.asked: tuple[int, int] | None = None  # a question about the future, just asked
        self.first_para = next((i for i, b in enumerate(self.blocks) if b.kind == "para"),
                               len(self.blocks))

    def run(self) -> list[Proposal]:
        for i, b in enumerate(self.blocks):
            if b.kind != "skip":
                self._block(i, b)
        self._lead_copies()
        self._restated()
        return self.out

    def _restated(self) -> None:
        """A figure already given as a call earlier in the article (a target listed again in a
        table of targets) is a restatement, not a second call."""
        seen: set[str] = set()
        for p in self.out:
            figures = set(FIGURE.findall(p.quote))
            if p.record and p.kind == "target" and figures and figures <= seen:
                p.record = False
                p.reason = "restates a figure given as a call earlier in the article"
            if p.record:
                seen |= figures

    def _section(self, b: Block) -> tuple[int | None, bool]:
        """The year the headings above a block name (a dateline names none), and whether
        its heading announces a list of targets or forecasts."""
        if b.head is not None:  # a table row: its head row says what the figures are
            hf = self.f[b.head[0]:b.head[1]]
            year = hz.year_named(hf)
            if TARGET_SECTION.search(hf):
                return (year if year and year >= self.made.year else None), True
        if b.section is None or b.section < self.first_para:
            return None, False  # a title or dateline above the text is no section
        head = self.blocks[b.section]
        target = bool(TARGET_SECTION.search(self.f[head.start:head.end])) and b.kind == "item"
        at: int | None = b.section
        while at is not None and at >= self.first_para:
            h = self.blocks[at]
            hf = self.f[h.start:h.end]
            year = hz.year_named(hf)
            if year and not DATELINE.search(hf):
                return (year if year >= self.made.year else None), target
            at = h.section
        return None, target

    def _block(self, i: int, b: Block) -> None:
        section_year, target_list = self._section(b)
        self.attr.paragraph(b.start, b.end, b.speaker)
        previous: tuple[hz.Horizon, bool] | None = None  # the paragraph's last horizon
        year = section_year
        for sent in b.sentences:
            sf = self.f[sent[0]:sent[1]]
            named = hz.year_named(sf)
            if named and named >= self.made.year and not re.search(
                    r"\b(?:end|close)\s+of\s+(?:the\s+)?year\b", sf):
                year = named
            where = Where(b, sent, hz.find(sf, self.made, year=year), previous, section_year,
                          target_list, year, self.text[sent[0]:sent[1]].rstrip().endswith("?"))
            if self.asked is not None and ANSWER.match(sf):
                self._answer(self.asked, where)
            self.asked = sent if where.question and FUTURE_QUESTION.search(sf) else None
            parts = list(clauses(self.text, self.f, sent, i))
            for n, cl in enumerate(parts):
                nxt = parts[n + 1] if n + 1 < len(parts) and parts[n + 1].lead_in in \
                    SUBORDINATE else None
                near = [h for h in where.horizons if nxt is not None and
                        nxt.start <= sent[0] + h.start < nxt.end]
                self._clause(cl, where, near)
            due = hz.due_of(where.horizons, self.made)
            if due is not None:  # a question's horizon is answered in the next sentence
                previous = (due, where.question)
                self.last_horizon, self.last_horizon_block = due, i

    def _clause(self, cl: Clause, where: Where, near: list[hz.Horizon]) -> None:
        text, f = self.text, self.f
        a, z = _span(text, cl.start, cl.end)
        if a >= z:
            return
        cf = f[a:z]
        due = hz.due_of(hz.find(cf, self.made, year=where.year), self.made)
        reading = read_clause(
            cf, future_horizon=due is not None, question=where.question,
            sentence_horizon=hz.due_of(where.horizons, self.made) is not None,
            later_period=due is not None and due.due.year > self.made.year)
        if where.target_list and not reading.fls and has_number(cf) and (
                due or where.section_year):
            reading = Reading(fls=True, kind="target")
        shared = self._shared_frame(cl) if not reading.fls else None
        if shared is not None:  # "She expects A to ... and B to ...": B shares the frame
            reading = Reading(fls=True, kind="target" if has_number(cf) else shared.kind,
                              phrase=shared.table_phrase, probability=shared.probability,
                              band=shared.band, vague=shared.vague)
        if not reading.fls or (where.block.kind == "heading" and not HEADLINE_CUE.search(cf)):
            return  # a heading counts only with a verb that looks forward ("X set to hold")
        if shared is not None:
            hedge = shared.phrase
        else:
            hedge = hedge_words(text[a:z], cf, reading)
            map_hedge(hedge, reading)
        due_on: date | None
        if due is not None:
            due_on, basis, due_text = due.due, "stated", text[a + due.start:a + due.end]
        else:
            due_on, basis, due_text = self._context_due(cl, where, near, reading, cf)
        holder, view, why = self._holder(cl, where, a, z, cf, reading)
        record, reason = judge(reading, cf, holder=holder, view=view,
                               reason_clause=cl.lead_in in ("because", "simply because",
                                                            "since"))
        self.out.append(Proposal(
            quote=text[a:z], start=a, end=z,
            statement=statement(text[a:z], self.attr.topic), holder=holder, view=view,
            phrase=hedge, table_phrase=reading.phrase, probability=reading.probability,
            band=reading.band, vague=reading.vague, due_on=due_on, due_basis=basis,
            due_text=due_text, record=record, reason=reason, kind=reading.kind,
            lead=where.block.lead, view_reason=why, block=cl.block))

    def _answer(self, question: tuple[int, int], where: Where) -> None:
        """"Will prices come down? Probably, ...": the answer's hedge on the question's claim
        (proposed, not recorded: the analyst words the claim)."""
        text = self.text
        m = ANSWER.match(self.f, where.sentence[0])
        assert m is not None
        a, z = _span(text, where.sentence[0], where.sentence[1])
        reading = Reading(fls=True)
        map_hedge(text[m.start():m.end()].strip(" ,."), reading)
        ask = text[question[0]:question[1]].rstrip(" ?")
        claim = re.sub(r"(?i)^(will|is|are|can|could|should|would)\s+(\S+(?:\s+\S+)??)\s+",
                       lambda g: f"{g.group(2)} {g.group(1).lower()} ", ask, count=1)
        due = hz.due_of(hz.find(self.f[question[0]:question[1]], self.made), self.made)
        voice = self.attr.voice((a, z), where.sentence, plan=False)
        self.out.append(Proposal(
            quote=text[a:z], start=a, end=z, statement=statement(claim, self.attr.topic),
            holder=voice.holder, view=voice.view, phrase=text[m.start():m.end()].strip(" ,."),
            table_phrase=reading.phrase, probability=reading.probability, band=reading.band,
            vague=reading.vague, due_on=due.due if due else None,
            due_basis="context" if due else "none",
            due_text="the question before" if due else "", record=False,
            reason="answers the question before it: word the claim from the question",
            kind="prediction", lead=where.block.lead, view_reason=voice.why))

    def _nearby(self, before: int, here: int) -> bool:
        """Is block ``before`` this paragraph or the paragraph just before it?"""
        paras = [i for i in range(before, here + 1) if self.blocks[i].kind == "para"]
        return 0 <= before <= here and len(paras) <= 2 and self.blocks[before].kind == "para"

    def _shared_frame(self, cl: Clause) -> Proposal | None:
        """The call a clause joined by "and" to a forecasting verb's first object shares its
        frame with (the last one proposed, in the same sentence)."""
        if cl.lead_in != "and-ellipsis" or not self.out:
            return None
        last = self.out[-1]
        return last if cl.sentence[0] <= last.start < cl.sentence[1] else None

    def _context_due(self, cl: Clause, where: Where, near: list[hz.Horizon],
                     reading: Reading, cf: str) -> tuple[date | None, str, str]:
        """A horizon the clause does not state but its context gives: the clause giving its
        reason, the paragraph's report it continues, the period a forecast noun refers back
        to, or the year its section heading names."""
        text = self.text
        sent = where.sentence
        other = hz.due_of(near, self.made)
        if other is not None:
            return (other.due, "context",
                    text[sent[0] + other.start:sent[0] + other.end] + " (same sentence)")
        if where.previous is not None and (CONTINUES.match(text[cl.start:cl.end]) or
                                           where.previous[1]):
            return where.previous[0].due, "context", "the sentence before"
        if reading.kind == "target" and self.last_horizon is not None and \
                FORECAST_NOUN.search(cf) and self._nearby(self.last_horizon_block, cl.block):
            # "His sales prediction is 4 million units", a paragraph after the period was named
            return self.last_horizon.due, "context", "the last horizon named before it"
        year = where.section_year
        if year is not None and date(year, 12, 31) > self.made:
            return date(year, 12, 31), "context", f"{year} (section heading)"
        return None, "none", ""

    def _holder(self, cl: Clause, where: Where, a: int, z: int, cf: str,
                reading: Reading) -> tuple[str | None, str, str]:
        """(holder, view, why): the voice of the text, then what a plan, a passive forecast
        or a list of targets says about whose call it is."""
        text = self.text
        voice = self.attr.voice((a, z), where.sentence, plan=reading.kind == "plan")
        holder, view, why = voice.holder, voice.view, voice.why
        if reading.kind == "plan":
            verb = re.search(r"\b(?:plans?|planning|intends?|aims?|announced|announces|said|"
                             r"says|confirmed|revealed|vows?|pledges?|promises?)\b", cf)
            if verb:
                holder = subject_of(text, (a, z), a + verb.start()) or holder
            view = "attributed"
        elif why == "continues a report in the paragraph" and self.attr.carry_is_plan:
            reading.kind = "plan"
        elif "passive" in reading.notes and view == "own" and not why.startswith(
                "the author's own"):
            agent = re.search(r"\bby\s+((?:the\s+)?[A-Z][\w&.'\u2019-]*(?:\s+[A-Z][\w&.'-]*)*)",
                              text[a:z])
            holder, view = (agent.group(1) if agent else None), "attributed"
            why = "a passive forecast: someone else's expectation"
        if where.target_list:
            m = re.match(r"\s*([A-Z][^\d:|\u2013\u2014-]{1,60}?)\s*(?:[:|\u2013\u2014-]|\(|\d)",
                         text[a:z])
            if m:
                holder, view, why = m.group(1).strip(), "attributed", "an entry in a list"
        return holder, view, why

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
            figures = set(FIGURE.findall(p.quote))
            if figures and best is not None and not figures <= set(FIGURE.findall(best.quote)):
                score = sentence_score = 0.0  # a different figure: a call of its own
            if best is not None and score >= 0.5 and best.kind == "plan":
                p.view, p.holder, p.kind = best.view, best.holder, "plan"  # a firm's plan
            if max(score, sentence_score) >= 0.5:
                p.record = False
                p.reason = ("a plan, repeated in the headline or standfirst" if p.kind == "plan"
                            else "the headline or standfirst repeats a call made in the body")
            elif p.record and self.blocks[p.block].kind == "heading":
                p.record = False
                p.reason = "a headline: record the call as the body makes it"


def propose(article: Article, made: date) -> list[Proposal]:
    return Proposer(article, made).run()
