"""Whose call is it: the author's own view, or someone else's the article reports?

Attributed: inside quotation marks (the speaker named beside the quote, or the last speaker
quoted in the paragraph); under a reporting verb ("Wu surmises", "X says", "he feels that",
"X predicts", "X announced that it will"); after "according to X"; a firm's plan ("X plans
to"). A report carries on through the rest of its paragraph until the author speaks again
("I", "my", "we" outside quotes). Everything else is the author's own (or the outlet's,
when no author is named).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CAP = r"[A-Z](?:[\w\u2019'&-]|\.(?=\w))*"
NAME = rf"{CAP}(?:\s+(?:(?:of|at|de|van|von|der|du|la|&)\s+)?(?:{CAP}|\d+\b))*"
BODIES = (r"agency|bank|central\s+bank|company|firm|group|fund|ministry|government|"
          r"commission|institute|organi[sz]ation|cartel|report|survey|study|regulator|"
          r"treasury|office|board|council|analysts?|economists?|strategists?")
REPORT_VERBS = (r"says|said|adds|added|notes|noted|noting|explains|explained|writes|wrote|"
                r"predicts|predicted|expects|forecasts|estimates|projects|believes|thinks|"
                r"feels|felt|surmises|surmised|warns|warned|argues|argued|holds|held|reckons|"
                r"suspects|announced|announces|reports|reported|told|tells|concludes|"
                r"concluded|claims|claimed|insists|insisted|sees|calculates|maintains|"
                r"contends|observes|remarks|suggests|suggested|cautions|cautioned|"
                r"brandishes|plans|intends|aims")
REPORTED = re.compile(rf"(?<![\w])({NAME}|[Hh]e|[Ss]he|[Tt]hey|[Ii]t|the\s+(?:{BODIES}))"
                      rf"(?:,\s*[^,]{{1,80}},)?\s+"
                      rf"(?:also\s+|now\s+|still\s+)?(?:{REPORT_VERBS})\b")
ACCORDING = re.compile(rf"\b[Aa]ccording\s+to\s+(?:(?:the\s+)?(?:latest\s+|new\s+|recent\s+)?"
                       rf"(?:research|data|figures|estimates|forecasts|a\s+\w+|an\s+\w+|"
                       rf"analysts|analysis|report|survey|study)\s+(?:from|by|at|of)\s+)?"
                       rf"({NAME})")
#: a group that holds a view ("All 42 economists polled by X expect", "markets are pricing")
GROUP = re.compile(rf"(?<!than\s)(?<!as\s)((?:[Aa]ll\s+|[Mm]ost\s+|[Mm]any\s+|[Ss]ome\s+)?"
                   rf"(?:\d+\s+)?(?:analysts|economists|strategists|investors|traders|experts|forecasters|[Ff]inancial\s+"
                   rf"markets|[Mm]arkets|[Aa]\s+majority|[Tt]he\s+consensus|[Oo]thers)"
                   rf"(?:\s+(?:polled|surveyed|asked)\s+by\s+{NAME})?)\s+(?:now\s+|also\s+)?"
                   rf"(?:expect|see|forecast|predict|think|believe|say|are\s+pricing|reckon|bet)\b")
#: a forecast with its owner ("The bank's own forecasts", "Goldman's target")
#: guidance a firm gives: its own forecast ("Management raised its full-year guidance")
GUIDANCE = re.compile(rf"({NAME})\s+(?:raised|lowered|cut|set|issued|kept|maintained|reiterated|"
                      rf"affirmed|updated|narrowed|widened|gave|withdrew)\s+(?:its|their)\s+"
                      rf"(?:[\w-]+\s+){{0,4}}(?:guidance|forecasts?|targets?|outlook|estimates?)\b")
OWNED = re.compile(rf"((?:[Tt]he\s+)?[\w&.-]+(?:\s+{CAP})*|{NAME})(?:\u2019s|'s|s\u2019|s')\s+"
                   rf"(?:own\s+|latest\s+|new\s+|central\s+|base\s+|updated\s+)?"
                   rf"(?:forecasts?|projections?|estimates?|targets?|outlook|predictions?|guidance)\b")
#: a verb right after a name: the name is a subject ("Xiaomi announced", "OPEC is")
SUBJECT_VERB = re.compile(r"(?:\u2019s|'s)?\s+(?:will|would|is|was|are|were|has|had|can|may|"
                          r"could|should|plans?|announced|said|says|expects?|forecasts?|"
                          r"continues|keeps|remains|[a-z]+ed|[a-z]{3,}s)\b")
#: who an interview is with ("X talks to Marco Bianchi, chief executive of ...")
INTERVIEW = re.compile(rf"\b(?:talks|talked|speaks|spoke|chats|chatted|sits\s+down)\s+"
                       rf"(?:to|with)\s+({NAME})|\binterview(?:s|ed)?\s+(?:with\s+)?({NAME})|"
                       rf"\bin\s+conversation\s+with\s+({NAME})")
QUOTE_PAIRS = (("\u201c", "\u201d"), ('"', '"'))
OWN = re.compile(r"(?<![\w'\u2019])(?:I|I['\u2019](?:m|ve|d|ll)|[Mm]y|me|mine)(?![\w'\u2019])|"
                 r"\b[Ii]n\s+my\s+view\b")
WE = re.compile(r"(?<![\w'\u2019])(?:[Ww]e|[Oo]ur|us)(?![\w'\u2019])")
NOT_HOLDERS = {"I", "We", "It", "This", "That", "These", "Those", "There", "The", "A", "An",
               "However", "But", "And", "Yet", "Instead", "Nevertheless", "Also", "If",
               "When", "While", "Whilst", "Although", "Earlier", "Likewise", "So", "In", "On",
               "At", "By", "For", "As", "With", "Take", "Here", "My", "Our", "Both", "Some",
               "Many", "Most", "Analysts", "Experts", "Observers", "Investors", "Economists",
               "Strategists", "Traders", "Critics", "Bulls", "Bears", "Markets", "People",
               "Everyone", "Nobody", "Apple's"}


@dataclass
class Voice:
    view: str  # own | attributed
    holder: str | None
    why: str = ""


def quoted_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Quotations in text[start:end] long enough to be someone's words (not scare quotes)."""
    out: list[tuple[int, int]] = []
    for open_, close in QUOTE_PAIRS:
        i = start
        while True:
            a = text.find(open_, i, end)
            if a < 0:
                break
            b = text.find(close, a + 1, end)
            if b < 0:
                b = end  # a quote running on to the end of the paragraph
            if len(text[a + 1:b].split()) >= 6:
                out.append((a, b + 1))
            i = b + 1
    return sorted(out)


def _clean_name(name: str) -> str | None:
    name = name.strip(" ,.:;")
    name = re.sub(r"(?:\u2019|')s$", "", name)
    words = name.split()
    while words and words[0] in NOT_HOLDERS:
        words = words[1:]
    if not words:
        return None
    return " ".join(words)


def speaker_near(text: str, quote: tuple[int, int], para: tuple[int, int]) -> str | None:
    """The speaker named just after a quotation (", says X") or just before it ("X says:")."""
    a, b = quote
    after = text[b:min(para[1], b + 160)]
    m = re.match(rf"\s*,?\s*(he|she|they)\s+(?:{REPORT_VERBS})\b", after)
    if m:
        return m.group(1)  # resolved by the caller to the last person named
    m = re.match(rf"\s*,?\s*(?:{REPORT_VERBS})\s+({NAME})", after)
    if m:
        return _clean_name(m.group(1))
    m = re.match(rf"\s*,?\s*({NAME})\s+(?:{REPORT_VERBS})\b", after)
    if m:
        return _clean_name(m.group(1))
    before = text[max(para[0], a - 160):a]
    m = re.search(rf"({NAME})(?:,\s*[^,\u201c\"]{{1,80}},)?\s+(?:{REPORT_VERBS})\s*[,:]?\s*$",
                  before)
    if m:
        return _clean_name(m.group(1))
    return None


class Attribution:
    """Reads a paragraph at a time, remembering who last spoke and who was last named."""

    def __init__(self, text: str, author: str | None) -> None:
        self.text = text
        self.author = author
        found = INTERVIEW.search(text[:3000])
        self.interviewee = _clean_name(next(g for g in found.groups() if g)) if found else None
        self._turn: str | None = None  # whose turn a paragraph of an interview is
        self.last_person: str | None = None
        self._para: tuple[int, int] | None = None
        self._quotes: list[tuple[tuple[int, int], str | None]] = []
        self._carry: str | None = None  # a report carrying on through the paragraph
        self.carry_is_plan = False  # ... that began with a firm announcing what it will do
        self.last_org: str | None = None  # the last name before the clause (for "it")
        self.names_seen: list[str] = []
        self.subjects: dict[str, int] = {}  # names seen as subjects, and how often

    def paragraph(self, start: int, end: int, speaker: str | None = None) -> None:
        self._para = (start, end)
        self._turn = None
        if speaker == "A":
            self._turn = self.interviewee or "the interviewee"
        elif speaker and speaker != "Q" and speaker != self.author:
            self._turn = speaker
        self._carry = None
        self.carry_is_plan = False
        last: str | None = None
        self._quotes = []
        for q in quoted_spans(self.text, start, end):
            who = speaker_near(self.text, q, (start, end)) or last or self.interviewee
            if who in ("he", "she", "they"):
                who = self._person_before(q[0]) or last
            last = who or last
            self._quotes.append((q, who))
        for m in re.finditer(NAME, self.text[start:end]):
            name = _clean_name(m.group(0))
            if name and len(name.split()) <= 4:
                self.last_person = self.last_person or name

    def _person_before(self, at: int) -> str | None:
        """The last person named before ``at`` in this paragraph (two words or more), else
        the last one named before it."""
        assert self._para is not None
        found = None
        for m in re.finditer(NAME, self.text[self._para[0]:at]):
            name = _clean_name(m.group(0))
            if name and len(name.split()) >= 2 and not name.endswith(("Capital", "Bank")):
                found = name
        return found or self.last_person

    def _resolve(self, who: str, plan: bool) -> str | None:
        if who.lower() in ("he", "she"):
            return self.last_person
        common = re.fullmatch(r"(?i)the\s+(\w+(?:\s+\w+)?)", who)
        if common:  # "the agency estimates": the last name that says what it is
            noun = common.group(1).lower()
            return next((n for n in reversed(self.names_seen) if noun in n.lower()),
                        self.last_org)
        if who.lower() in ("they", "it"):  # "OPEC is more bullish: it forecasts ..."
            return self.last_org
        return _clean_name(who)

    def voice(self, clause: tuple[int, int], sentence: tuple[int, int], *, plan: bool) -> Voice:
        a, z = clause
        text = self.text
        self._note_names(a)
        for (qa, qb), who in self._quotes:
            if qa <= a < qb:
                return Voice("attributed", who, "inside a quotation")
        if self._turn:
            return Voice("attributed", self._turn, "an answer in an interview")
        outside = _outside_quotes(text, a, z, [q for q, _ in self._quotes])
        if OWN.search(outside):
            self._carry = None
            return Voice("own", self.author, "the author's own words (I, my)")
        sent = text[sentence[0]:sentence[1]]
        local = text[sentence[0]:z]  # the sentence up to the end of this clause
        m = GROUP.search(text[a:z]) or GROUP.search(local)
        if m:
            return Voice("attributed", m.group(1), "a group's view")
        m = GUIDANCE.search(text[a:z])
        if m and _clean_name(m.group(1)):
            return Voice("attributed", _clean_name(m.group(1)), "its own guidance")
        m = OWNED.search(text[a:z])
        if m and m.group(1).lower() not in ("my", "our"):
            who = self._resolve(m.group(1), False) if m.group(1).lower().startswith("the ") \
                else _clean_name(m.group(1))
            if who:
                return Voice("attributed", who, "its own forecast")
        m = ACCORDING.search(local)
        if m:
            who = _clean_name(m.group(1))
            self._carry = who
            return Voice("attributed", who, "according to a named source")
        for m in REPORTED.finditer(local):
            who = self._resolve(m.group(1), plan)
            if who is None and m.group(1).lower() not in ("it", "they"):
                continue
            if who:
                self.last_person = who if " " in who or who[0].isupper() else self.last_person
                self._carry = who
                self.carry_is_plan = bool(re.search(
                    r"\b(?:announced|announces|plans|intends|aims)\b", m.group(0)))
                return Voice("attributed", who, "under a reporting verb")
        if WE.search(outside) and not self._carry:
            return Voice("own", self.author, "the outlet's 'we'")
        if self._carry and not OWN.search(sent):
            return Voice("attributed", self._carry, "continues a report in the paragraph")
        return Voice("own", self.author, "the author's narrative")


    @property
    def topic(self) -> str | None:
        """What the article is about so far: the name most often a subject (the most recent
        of equals). A proposed statement's leading "it" is read as this."""
        if not self.subjects:
            return None
        top = max(self.subjects.values())
        return next(n for n in reversed(list(self.subjects)) if self.subjects[n] == top)

    def _note_names(self, before: int) -> None:
        """Remember the last name written before ``before`` in the paragraph (the antecedent
        of a leading "it" in a proposed statement)."""
        if self._para is None:
            return
        for m in re.finditer(NAME, self.text[self._para[0]:before]):
            start = self._para[0] + m.start()
            sentence_start = start == self._para[0] or self.text[start - 2:start] in (". ", "! ")
            name = _clean_name(m.group(0))
            if name and not (sentence_start and " " not in name and name in NOT_HOLDERS):
                if name not in self.names_seen:
                    self.names_seen.append(name)
                if SUBJECT_VERB.match(self.text, self._para[0] + m.end()):
                    self.last_org = name  # a name doing something: what a later "it" means
                    self.subjects[name] = self.subjects.get(name, 0) + 1


def _outside_quotes(text: str, a: int, z: int, quotes: list[tuple[int, int]]) -> str:
    parts = []
    i = a
    for qa, qb in quotes:
        if qb <= i or qa >= z:
            continue
        parts.append(text[i:max(i, qa)])
        i = max(i, qb)
    parts.append(text[i:z])
    return " ".join(parts)


def subject_of(text: str, clause: tuple[int, int], verb_at: int) -> str | None:
    """The named subject just before a verb ("Smartphone maker Xiaomi plans" -> Xiaomi)."""
    before = text[clause[0]:verb_at].rstrip()
    for pattern in (rf"({NAME})(?:\u2019s|'s)?\s*$",
                    rf"({NAME})(?:\u2019s|'s)?(?:\s+\w+){{1,2}}\s*$"):
        m = re.search(pattern, before)
        if m and _clean_name(m.group(1)):
            return _clean_name(m.group(1))
    return None
