"""An article's text as blocks (lines: headings, list items, paragraphs, furniture), sentences
and clauses, every one an exact span of the text, so a quote is always a substring of it.

Lines come first (a headline, a standfirst bullet or a list entry is a line), then sentences
within a line: an end mark (. ! ? or an ellipsis, with any closing quotation mark) before a
capital, a digit or an opening quotation mark, unless the word before it is a title, an
initial, a dotted acronym or a month's abbreviation. (pysbd, the rule-based splitter the
research suggested, found the same sentences on the labelled set but took a third of the run,
loading two dozen languages' rules.) Then clauses: a sentence splits where a new subject
starts a new call ("I expect X will ..., it will likely ..."; "..., and I expect ...";
"..., which is why I expect ..."; "... because it will ...") but not where a shared subject
goes on ("..., and should see ...").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_FOLD = {ord("\u2019"): "'", ord("\u2018"): "'", ord("\u201b"): "'", ord("\u00b4"): "'",
         ord("`"): "'", ord("\u201c"): '"', ord("\u201d"): '"', ord("\u201e"): '"',
         ord("\u00a0"): " ", ord("\u2013"): "-", ord("\u2014"): "-", ord("\u2212"): "-"}


def fold(text: str) -> str:
    """Lowercase with straight quotes and plain spaces and dashes, character for character
    (the same length, so offsets found in it are offsets in the text)."""
    out = text.translate(_FOLD)
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in out)


BULLET = re.compile(r"\s*(?:[\u2022\u00b7\u25aa\u25cf\u2023*\u2013\u2014-]|\d{1,2}[.)])\s+")
#: an interview's turn: "Q:", "A:", or a speaker's full name
SPEAKER = re.compile(r"\s*(Q|A|[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,2})\s*:\s+(?=\S)")
TABLE_ROW = re.compile(r"\s*\|(.*)\|\s*")
TABLE_RULE = re.compile(r"\s*\|[\s:|-]*\|\s*")
MD_HEADING = re.compile(r"\s*#{1,6}\s+")
EMPHASIS = re.compile(r"\s*([*_]{1,2})[^*_]+\1\s*")
NUMBERED = re.compile(r"\s*(?:\d{1,2}|[ivx]{1,4}|[a-h])[.)]\s+")
_TERMINAL = ".!?;\"'\u201d\u2019)\u2026"
FURNITURE = re.compile(
    r"\s*(?:advertisement|sponsored|source\s*:|photo|image|credit\s*:|read more|related\b|"
    r"share (?:this|on)|follow\b|subscribe|sign up|log ?in|check your inbox|click here|"
    r"tags?\s*:|filed under|posted (?:in|by)|comments?\b|copyright|\u00a9|all rights reserved|"
    r"page \d+\s*$|[\u2013\u2014-]*\s*edited by|by [A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3}\s*$)",
    re.I)
LEGAL = ("disclaimer", "terms of use", "risk warning", "solicitation", "not intended",
         "investment advice", "liable", "jurisdiction", "counterparty", "endorsed",
         "marketing communication", "privacy policy", "cookie", "not be construed",
         "past performance", "all rights reserved", "rules of engagement")
BYLINE = re.compile(r"\s*[Bb]y\s+([A-Z][\w.'\u2019-]+(?:\s+[A-Z][\w.'\u2019-]+){0,3})\s*$")


@dataclass
class Block:
    """A line of the body: ``kind`` is heading, item (a list entry or a table row), para or
    skip (site furniture, legal boilerplate, a table's head and rule). ``head`` is a table
    row's header row (where its column says what the figures are)."""

    start: int
    end: int
    kind: str
    lead: bool = False  # headline and standfirst: before the byline
    section: int | None = None  # the heading block this one sits under
    sentences: list[tuple[int, int]] = field(default_factory=list)
    head: tuple[int, int] | None = None
    speaker: str | None = None  # an interview's turn: "Q", "A" or the speaker's name


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    sentence: tuple[int, int]
    block: int
    lead_in: str = ""  # the word that joined it to the clause before: because, and, which ...


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_heading(line: str) -> bool:
    words = line.split()
    s = line.rstrip()
    if not words or len(words) > 14 or BULLET.match(line):
        return False
    return s.endswith(":") or not s.endswith(tuple(_TERMINAL))


def _bare(line: str) -> str:
    return fold(line).strip(" #*_\"'")


def _is_boilerplate(folded: str) -> bool:
    return sum(w in folded for w in LEGAL) >= 2


def blocks(text: str, title: str | None = None) -> list[Block]:
    """Every non-blank line as a block, with its sentences; a line that repeats the title is
    the headline, whatever its punctuation."""
    bare = _bare(title) if title else None
    out: list[Block] = []
    pos = 0
    section = None
    byline_at = None
    legal_seen = False
    head: tuple[int, int] | None = None
    for line in text.split("\n"):
        start, end = _trim(text, pos, pos + len(line))
        pos += len(line) + 1
        if start == end:
            continue
        body = text[start:end]
        folded = fold(body)
        if BYLINE.fullmatch(body) and byline_at is None and len(out) < 12:
            byline_at = len(out)
        if FURNITURE.match(body) or _is_boilerplate(folded) or (
                legal_seen and (BULLET.match(body) or len(body.split()) <= 8)):
            legal_seen = legal_seen or _is_boilerplate(folded)
            out.append(Block(start, end, "skip", section=section))
            continue
        numbered = NUMBERED.match(body)
        table = TABLE_ROW.fullmatch(body)
        if table:  # a Markdown table: the head row, the rule, then one entry a row
            if TABLE_RULE.fullmatch(body):
                out.append(Block(start, end, "skip", section=section))
                continue
            if head is None:
                head = (start, end)
                out.append(Block(start, end, "skip", section=section))
                continue
            inner = _trim(text, start + table.start(1), start + table.end(1))
            out.append(Block(inner[0], inner[1], "item", section=section, head=head))
            continue
        head = None
        markdown = MD_HEADING.match(body)
        if markdown:
            block = Block(start + markdown.end(), end, "heading", section=section)
            section = len(out)
        elif EMPHASIS.fullmatch(body):  # "*Jonas Weber, 15 April 2024*": a byline or caption
            out.append(Block(start, end, "skip", section=section))
            byline_at = byline_at if byline_at is not None else len(out) - 1
            continue
        elif numbered and _is_heading(body[numbered.end():]):  # "4) Microsoft in 2012"
            block = Block(start, end, "heading", section=section)
            section = len(out)
        elif BULLET.match(body):
            m = BULLET.match(body)
            assert m is not None
            block = Block(start + m.end(), end, "item", section=section)
        elif _is_heading(body) or (bare and _bare(body) == bare):
            block = Block(start, end, "heading", section=section)
            section = len(out)
        else:
            block = Block(start, end, "para", section=section)
        out.append(block)
    # the headline, standfirst and byline: everything above the byline, or above the first
    # paragraph when there is none
    first_para = next((i for i, b in enumerate(out) if b.kind == "para"), len(out))
    for b in out[:byline_at if byline_at is not None else first_para]:
        b.lead = True
    for b in out:
        if b.kind == "skip":
            continue
        if b.kind == "heading":
            b.sentences = [(b.start, b.end)]
            continue
        tag = SPEAKER.match(text, b.start, b.end)
        if tag and b.kind == "para":  # "A: Not by much. I think ...": the answer's own words
            b.speaker = tag.group(1)
            b.sentences = sentences(text, tag.end(), b.end)
            continue
        b.sentences = sentences(text, b.start, b.end)
    return out


#: a sentence's end: its mark (and a closing quotation mark or bracket), then space, then what
#: can open a sentence
_END = re.compile(r"(?:[.!?]+|\u2026)[\u201d\u2019\"')\]]*\s+(?=[\u201c\u2018\"'(\[]?[A-Z0-9])")
#: what a full stop may end without ending the sentence
_ABBREV = re.compile(r"(?:\b(?:mr|mrs|ms|mx|dr|prof|sr|jr|st|mt|gen|gov|sen|rep|rev|capt|col|lt|"
                     r"sgt|inc|corp|co|ltd|plc|llc|bros|vs|etc|no|nos|fig|figs|approx|est|dept|"
                     r"ave|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|e\.g|i\.e|"
                     r"a\.m|p\.m)|\b(?:[a-z]\.){2,}|(?:^|\s)[A-Z])\.$", re.I)
_INITIAL = re.compile(r"(?:^|\s)[A-Z]\.$")


def sentences(text: str, a: int, z: int) -> list[tuple[int, int]]:
    """The sentences of text[a:z], as trimmed spans."""
    out = []
    cut = a
    for m in _END.finditer(text, a, z):
        mark = m.group(0).rstrip()
        if mark.endswith(".") and not mark.endswith("..") and (
                _ABBREV.search(text[max(a, m.start() - 8):m.start() + 1])
                or _INITIAL.search(text[max(a, m.start() - 2):m.start() + 1])):
            continue
        left = _trim(text, cut, m.start() + len(mark))  # the end mark stays with its sentence
        if left[0] < left[1]:
            out.append(left)
        cut = m.end()
    last = _trim(text, cut, z)
    if last[0] < last[1]:
        out.append(last)
    return out


# -- clauses ---------------------------------------------------------------------------------
#: words that can open a clause's predicate (so a comma before them does not start a new call)
_PREDICATE_START = re.compile(
    r"(?:will|won't|would|should|shall|could|might|may|can|must|is|are|was|were|has|have|"
    r"had|to|in order|so as|and|or|but|not|also|which|who|whose|where|when|than|partially|"
    r"partly|largely|mainly|mostly|especially|particularly|including|such as|like|as well)\b"
    r"|\w{3,}ing\b")
#: a cue word a new clause carries within its first words
CLAUSE_CUE = re.compile(
    r"\b(?:will|won't|'ll|would|wouldn't|should|shall|could|might|may|going to|"
    r"expects?|think|believe|forecasts?|predicts?|(?:is|are)\s+(?:\w+\s+)?(?:likely|unlikely)|"
    r"inevitable|lies? ahead|set to|bound to|on track to|plans? to|intends? to|doubt|"
    r"hard (?:for \w+ )?to see|possible|possibility|expected to|forecast to|projected to|"
    r"sees?|pricing|confident|surprised)\b")
_SPLITTERS = re.compile(
    r";\s*|:\s+|,\s*which is why\s+|,\s*(?=which\s+(?:will|would|should|could|may|might)\b)|"
    r",?\s+(?:simply\s+)?because\s+|,\s*since\s+|"
    r",?\s+(?:and|but|yet|whilst|while|whereas|although|though)\s+(?:that\s+)?|,\s+")


#: a forecasting verb with its "X to V" or figure ...
FRAME_TO = re.compile(r"\b(?:expects?|expected|forecasts?|predicts?|sees?|projects?|"
                      r"estimates?|anticipates?)\b.*\b(?:to\s+[a-z]+|\d)")
#: ... and the second call that shares it: "Bank Rate to end the year at 4%", "3% in 2026"
ELLIPSIS = re.compile(r"(?:the\s+|a\s+|an\s+|its\s+)?(?:[\w'-]+\s+){0,5}to\s+[a-z]+\b|"
                      r"[$\u20ac\u00a3]?\d[\d.,]*\s?%?\s+(?:in|by|for)\s+")
_WHICH_MODAL = re.compile(r"which\s+(?:will|would|should|could|may|might)\b")


def _new_clause(right: str, words: int = 12) -> bool:
    """Does ``right`` (folded) open a clause with its own subject and a cue near its start?"""
    r = right.lstrip()
    r = re.sub(r"^(?:that|by [^,]{1,40},|in [^,]{1,40},|at [^,]{1,40},)\s*", "", r)
    if not r or _PREDICATE_START.match(r):
        return False
    m = CLAUSE_CUE.search(r[:90])
    if not m:
        return False
    head = r[:m.start()].split()
    return len(head) <= words and "," not in r[:m.start()]


PRONOUNS = {"I", "We", "You", "He", "She", "It", "They", "This", "That", "These", "Those",
            "There", "Its", "Their", "His", "Her", "Our", "My"}


def _names_either_side(text: str, left_end: int, right_start: int) -> bool:
    before = text[max(0, left_end - 30):left_end].split()
    after = text[right_start:right_start + 30].split()
    return bool(before and after and before[-1][:1].isupper() and after[0][:1].isupper()
                and after[0].strip(",") not in PRONOUNS)


def clauses(text: str, folded: str, sentence: tuple[int, int], block: int) -> Iterator[Clause]:
    """The clauses of one sentence, as spans; each split is where a new subject starts."""
    start, end = sentence
    cut = start
    lead = ""
    for m in _SPLITTERS.finditer(folded, start, end):
        joint = m.group(0).strip(" ,").lower()
        hard = joint in (";",) or joint.startswith("which is why") or (
            joint == "" and bool(_WHICH_MODAL.match(folded, m.end())))
        if joint == ":" and not _new_clause(folded[m.end():end], words=16):
            continue  # "My prediction: ...", "says: ..." introduce what follows
        left = folded[cut:m.start()]
        right = folded[m.end():end]
        if joint == "and" and FRAME_TO.search(left) and ELLIPSIS.match(right):
            hard, joint = True, "and-ellipsis"  # "expects A to ... and B to ...": two calls
        if not hard:
            if joint != ":" and not _new_clause(right):
                continue
            if joint in ("and", "or") and _names_either_side(text, m.start(), m.end()):
                continue  # "Nokia, Samsung and HTC will ...": one subject, a list of names
            if joint == "" and not CLAUSE_CUE.search(left):  # a bare comma joins two calls only
                continue
        a, z = _trim(text, cut, m.start())
        if a < z:
            yield Clause(a, z, sentence, block, lead)
        cut = m.end()
        lead = joint
    a, z = _trim(text, cut, end)
    if a < z:
        yield Clause(a, z, sentence, block, lead)
