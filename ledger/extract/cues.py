"""What a clause says about the future: whether it looks forward at all, in which words
(the hedge), and what those words mean through the phrase table.

A clause looks forward when its verb does (will, 'll, won't, shall, is going to, is set to;
would, should, may, might, could when they speak of a later event), when a forecasting verb
or noun frames it (expect, forecast, predict, project; a target or a prediction with a
number), when a firm states a plan (plans to, intends to, announced that it will), or when an
adjective of likelihood is its predicate (likely to, inevitable, bound to, doomed). Grammar
that points back or away is left out: "would have", "may have been", "may be costing", "is
likely due to", "should be no surprise", a "would" explaining a past fact ("as it would be
unlikely to ..."), a "would" inside a past thought with no later horizon ("we knew that
wouldn't jibe"), questions, recommendations and text about predictions ("which predictions
will come true").

The hedge is the cue words verbatim ("I expect that ... will", "will likely", "is
inevitable"); its phrase is the longest phrase-table entry inside it, except that a belief
frame the table lacks (surmises, stands to reason) carries the degree and blocks an inner
"will", a negation the entry does not contain ("won't", "don't think ... will") leaves no
phrase, and "can expect" is not a stance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ledger.core.probability import Phrase, lookup

Span = tuple[int, int]


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


WORD = r"[\w'-]+"
# -- verbs that look forward ----------------------------------------------------------------
FUTURE = _rx(r"\b(?:will|won't|wont|shall|shan't)\b|'ll\b|\b(?:is|are|am|'s|'re)\s+(?:not\s+)?"
             r"(?:going|set|poised|slated|scheduled|about|due)\s+to\b(?!\s+(?:the|a|an|its|"
             r"their|his|her|concerns?|worries|fears?|weakness|strength|lower|higher|"
             r"weak|strong|\w+ing)\b)|(?<!was\s)(?<!were\s)(?<!been\s)(?<!had\s)"
             r"\b(?:set|poised|slated|tipped)\s+to\s+(?!the\b|a\b|an\b)[a-z]+")
NOUN_WILL = _rx(r"\b(?:the|political|good|free|own|his|her|their|its|your|our|ill|a)\s+will\b")
WOULD = _rx(r"\bwould(?:n't)?\b")
SHOULD = _rx(r"\bshould(?:n't)?\b")
MAYBE = _rx(r"\b(?:may|might|could)(?:n't)?\b")
MONTH_MAY = _rx(r"\b(?:in|by|during|since|until|of|early|late|mid|end|from|to)\s+may\b|"
                r"\bmay\s+(?:\d|19|20)")
BACKWARD = _rx(r"^\s*(?:not\s+)?(?:have|has)\b|^\s*(?:not\s+)?be\s+\w+ing\b|"
               r"^\s*(?:not\s+)?(?:like|love|prefer|rather)\b")
DEONTIC_SHOULD = _rx(r"^\s*(?:not\s+)?(?:be\s+(?:no\s+surprise|noted|remembered|careful|"
                     r"aware|considered|said|stressed|emphasi[sz]ed|underestimated|"
                     r"ignored|taken)|buy|sell|avoid|consider|hold|look|focus|note|remember|"
                     r"keep|stay|act|do\b|try|think about|ask)")
EVENTFUL = _rx(r"^\s*(?:not\s+)?(?:also\s+|still\s+|well\s+|easily\s+|even\s+)?"
               r"(?:be|become|see|rise|fall|drop|decline|increase|decrease|grow|slow|reach|"
               r"hit|top|exceed|surpass|overtake|beat|miss|cut|raise|hike|lower|lift|ease|"
               r"tighten|peak|bottom|rebound|recover|collapse|crash|fail|win|lose|face|lead|"
               r"trigger|cause|push|pull|weigh|boost|hurt|damage|force|prompt|spark|end|"
               r"start|begin|launch|enter|leave|exit|default|merge|acquire|sell|buy|double|"
               r"halve|triple|gain|shrink|expand|widen|narrow|spike|soar|plunge|slump|stall|"
               r"turn|come|happen|occur|arrive|emerge|remain|stay|continue|keep|return|"
               r"change|move|shift|jump|climb|tumble|sink|surge|fade|run|go|take|make|get|"
               r"give|mean|result|lead|approve|reject|pass|announce|release|introduce|ship|"
               r"deliver|produce|open|close|build|develop|overtake)\b")
STANCE_WOULD = _rx(r"^\s*(?:not\s+|n't\s+)?(?:say|read|argue|add|note|recommend|advise|"
                   r"suggest|caution|bet|guess|think|imagine|prefer|like|love|rather|urge|"
                   r"not\s+be\s+surprised|be\s+surprised|hesitate|point\s+out)\b")
PRESENT_MAYBE = _rx(r"^\s*(?:well\s+|also\s+)?be\s+(?:a|an|the|one|due|because|related|"
                    r"linked|seen|considered|said|argued|true|right|wrong|worth|part|why|"
                    r"that|what|behind|responsible|explained)\b")
ABILITY = _rx(r"^\s*(?:not|n't)\s+(?:help|find|believe|see|get|resist|wait|imagine|tell|"
              r"understand|explain|say)\b|^\s*(?:count|see|tell|hear|feel)\b")
COMPARED = _rx(r"\b(?:than|as)\s+(?:\w+\s+){0,2}$")
PAST_THOUGHT = _rx(r"\b(?:knew|thought|believed|said|expected|hoped|feared|predicted|"
                   r"pointed out|argued|wrote|warned|suggested|assumed|reckoned|promised|"
                   r"claimed|insisted|was sure|were sure|told)\b")
EXPLAINING = _rx(r"\b(?:as|because|since|given that)\s+(?:it|they|he|she|this|that|there)"
                 r"\s+(?:would|might|could)\b")
# -- frames and forecasting words -----------------------------------------------------------
EXPECT = _rx(r"\b(?:expects?|expecting|anticipates?|anticipating)\b")
EXPECTED_PAST = _rx(r"\b(?:was|were|had|had been|as|than)\s+(?:\w+\s+)?(?:expected|"
                    r"anticipated|predicted|forecast|projected|estimated)\b")
FORECAST_VERB = _rx(r"\b(?:forecasts?|forecasting|predicts?|predicting|projects?|projecting|"
                    r"estimates?|estimating|foresees?|sees?)\b")
PASSIVE_FORECAST = _rx(r"\b(?:is|are|was|were)\s+(?:\w+\s+)?(?:expected|forecast|forecasted|"
                       r"predicted|projected|estimated|anticipated|tipped|seen)\s+to\b")
FORECAST_NOUN = _rx(r"\b(?:predictions?|forecasts?|targets?|projections?|estimates?|outlook|"
                    r"guidance|price objective)\b")
NUMBER = _rx(r"(?<![\w.])(?:[$\u20ac\u00a3\u00a5]\s?)?\d[\d,.]*\s?(?:%|percent|per cent|bp|"
             r"basis points|million|billion|trillion|bn|mn|m\b|k\b|units|barrels|b/d|mb/d|"
             r"bcm|gw|mw|twh|points|pts|x\b)?|\b(?:one|two|three|four|five|six|seven|eight|"
             r"nine|ten|twelve|twenty|fifty|hundred|thousand|million|billion)\b")
YEAR = _rx(r"^(?:19|20|21)\d\d$")
PLAN = _rx(r"\b(?:plans?|planning|intends?|intending|aims?|aiming|vows?|vowing|pledges?|"
           r"promises?|is preparing|are preparing|prepares|wants?)\s+to\b|\bplans(?=\s+(?!to\b)\S)|"
           r"\b(?:wants?|targets|is\s+targeting|are\s+targeting|aims?\s+for)\s+(?:\w+\s+)?\d")
ANNOUNCED = _rx(r"\b(?:announced|announces|said|says|confirmed|confirms|revealed|stated|told"
                r"\s+\w+)\s+(?:that\s+)?(?:it|they|we|the company|the firm|the group|"
                r"the bank|the government)\s+(?:will|would|plans|intends|is to|are to)\b")
POSSIBLE = _rx(r"\b(?:is|are|seems|looks|remains)\s+(?:quite\s+|entirely\s+|very\s+much\s+|"
               r"still\s+)?possible\b|\b(?:a\s+)?(?:real|distinct|serious|strong|realistic)\s+"
               r"possibility\b|\bcannot\s+be\s+ruled\s+out\b|\bmore\s+likely\s+than\s+not\b|"
               r"\bbetter\s+than\s+even\b|\b(?:fifty-fifty|toss-up|coin\s+flip)\b")
LIKELIHOOD = _rx(r"\b(?:(?:very|highly|more|most|quite|increasingly|less|far)\s+)?"
                 r"(?:likely|unlikely)\b(?!\s+(?:due\s+to|because|the\s+result|the\s+reason|"
                 r"caused|a\s+result|reflects?|explains?))|"
                 r"\b(?:inevitable|inevitably|bound\s+to|certain\s+to|sure\s+to|doomed|"
                 r"on\s+(?:track|course)\s+to|in\s+an?\s+(?:good|strong|solid|prime|ideal|"
                 r"excellent|great)\s+position\s+to|guaranteed|assured|all\s+but\s+certain)\b")
AHEAD = _rx(r"\b(?:lies?|lie|lay)\s+ahead\b|\bgoing\s+forward\b|\bin\s+the\s+(?:coming|next)"
            r"\s+(?:days|weeks|months|quarters|years|decade)\b")
BELIEF = _rx(r"\b(?:i|we)\s+(?:(?:do\s+not|don't|do)\s+)?(?:really\s+|still\s+|also\s+|"
             r"now\s+|firmly\s+|strongly\s+)?(?:think|believe|doubt|reckon|suspect|guess|feel|"
             r"fear|bet)\b|\b(?:i'm|i\s+am|we're|we\s+are)\s+(?:fairly\s+|quite\s+|very\s+|"
             r"reasonably\s+|pretty\s+|not\s+)?(?:confident|sure|convinced)\b|"
             r"\b(?:i|we)\s+would\s+(?:be\s+)?(?:very\s+|quite\s+|not\s+)?(?:be\s+)?surprised\b|"
             r"\bit\s+(?:does\s+)?stands?\s+to\s+reason\b|\bhard\s+(?:for\s+"
             r"(?:me|us)\s+)?to\s+see\b|\b(?:surmises?|reckons?|suspects?)\b|"
             r"\b(?:seems?|looks?)\s+like\s+a\s+(?:bit\s+of\s+(?:a\s+)?)?stretch\b")
#: frames that carry a degree the table lacks: an inner "will" does not count
BLOCKING = _rx(r"stands? to reason|surmise|reckon|suspect|guess|\bfeel|\bfear|\bhope|\bbet\b|"
               r"position to|stretch|on track|on course|tipped|confident|\bsure\b|convinced|"
               r"surprised")
ANNOUNCING = _rx(r"\b(?:here's\s+)?(?:my|our)\s+(?:prediction|forecast|call|bet|view)s?\s*:|"
                 r"\bmy\s+prediction\s+is\b")
ADVERB = _rx(r"\b(?:very\s+|highly\s+|most\s+|almost\s+|quite\s+)?(?:likely|probably|"
             r"certainly|surely|definitely|possibly|perhaps|undoubtedly|clearly|almost\s+"
             r"certainly|inevitably)\b")
NEGATION = _rx(r"\bnot\b|n't\b|\bnever\b|\bno\s+longer\b|\bwont\b")
#: a present trend, read as a call only beside a stated future period in the same sentence
CONTINUING = _rx(r"\b(?:continues?|keeps?|remains?)\s+(?:to\s+\w+|on\s+track|\w+ing)\b")
SCHEDULED = _rx(r"\bwill\s+(?:report|publish|release|announce|present|post|hold)\s+(?:its\s+|"
                r"their\s+)?(?:[\w-]+\s+){0,2}(?:results|earnings|figures|meeting|vote|"
                r"conference)\b")
NEAR = _rx(r"\b(?:next\s+(?:week|month)|tomorrow|on\s+(?:monday|tuesday|wednesday|thursday|"
           r"friday|saturday|sunday))\b")
#: what markets have priced in is their forecast
PRICING = _rx(r"\b(?:is|are)\s+(?:now\s+|fully\s+)?pricing\s+(?:in\s+)?|\bpriced\s+in\b|"
              r"\bimplied\s+by\s+(?:futures|markets|options)\b")
# -- what keeps a clause out ---------------------------------------------------------------
META = _rx(r"\b(?:which|what|whether|how\s+many)\b[^.]{0,40}\b(?:predictions?|forecasts?|"
           r"calls?)\b|\bpredictions?\s+(?:will|would)\s+(?:come\s+true|fall\s+through|"
           r"pan\s+out)|\b(?:which|whether)\s+(?:\w+\s+){0,3}will\s+(?:come\s+true|fall\s+"
           r"through)")
ADVICE = _rx(r"\b(?:we|i)\s+(?:would\s+)?(?:recommend|advise|suggest|favou?r|prefer|"
             r"urge)\b|\b(?:we|i)\s+(?:remain|stay|are|am)\s+(?:overweight|underweight|"
             r"neutral|long|short)\b|\b(?:investors|you|readers|traders|clients)\s+"
             r"(?:should|must|need\s+to|ought\s+to|may\s+want)\b|\bneeds?\s+to\b|"
             r"\bit\s+is\s+(?:important|essential|vital|crucial)\s+(?:to|that)\b")


@dataclass
class Reading:
    """What one clause says about the future."""

    fls: bool = False
    kind: str = "prediction"  # prediction | target | conditional | plan
    cues: list[Span] = field(default_factory=list)  # offsets in the clause's own text
    hedge: str = ""
    phrase: str | None = None
    probability: float | None = None
    band: tuple[float, float] | None = None
    vague: bool = False
    negated: bool = False
    belief: bool = False  # the clause carries a stance frame of its own (I expect, we think)
    announcing: bool = False  # "My prediction:" and the like
    weak: bool = False  # only a possibility or conditional modal: vague unless specific
    notes: list[str] = field(default_factory=list)


_AMOUNT_BEFORE = re.compile(r"(?:of|at|to|by|about|around|roughly|nearly|almost|than|from|"
                            r"reach|reaches|hit|hits|top|tops|above|below|over|under|near|"
                            r"is|are|be|was|were|between|and|just|some|only|least|most|"
                            r"sell|sold|up|down|[-(:$,])\s*$")


def has_number(f: str, start: int = 0) -> bool:
    """A number from ``start`` on that is not a year nor part of a name ("Windows Phone
    7.5", "Mobile 7"): an amount, a share, a count."""
    for m in NUMBER.finditer(f, start):
        token = m.group(0).strip()
        if YEAR.match(token) or token in ("one",):
            continue
        bare = re.fullmatch(r"\d+(?:\.\d+)?", token)
        if bare and (("." in token) or len(token) <= 2) and m.start() > 0 and \
                f[m.start() - 1] == " " and re.search(r"[a-z]\s$", f[max(0, m.start() - 2):
                                                                    m.start()]) and \
                not _AMOUNT_BEFORE.search(f[max(0, m.start() - 12):m.start()]):
            continue  # a version or model number
        return True
    return False


def _after(f: str, m: re.Match[str], n: int = 40) -> str:
    return f[m.end():m.end() + n]


def _modal_cues(f: str, r: Reading, future_horizon: bool) -> None:
    for m in FUTURE.finditer(f):
        if m.group(0) in ("will",) and NOUN_WILL.search(f, max(0, m.start() - 12), m.end()):
            continue
        r.cues.append(m.span())
    for m in WOULD.finditer(f):
        rest = _after(f, m)
        if BACKWARD.match(rest) or STANCE_WOULD.match(rest):
            continue
        if EXPLAINING.search(f, max(0, m.start() - 25), m.end()):
            continue
        if PAST_THOUGHT.search(f[:m.start()]) and not future_horizon:
            continue
        r.cues.append(m.span())
        r.kind = "conditional"
    for m in SHOULD.finditer(f):
        rest = _after(f, m)
        if BACKWARD.match(rest) or DEONTIC_SHOULD.match(rest):
            continue
        r.cues.append(m.span())
    for m in MAYBE.finditer(f):
        if m.group(0) == "may" and MONTH_MAY.search(f, max(0, m.start() - 10), m.end() + 4):
            continue
        rest = _after(f, m)
        if BACKWARD.match(rest) or PRESENT_MAYBE.match(rest) or (
                m.group(0).startswith("could") and ABILITY.match(rest)):
            continue
        r.cues.append(m.span())


def read_clause(f: str, *, future_horizon: bool, question: bool = False,
                sentence_horizon: bool = False, later_period: bool = False) -> Reading:
    """``f``: the clause, folded (``ledger.extract.text.fold``); ``future_horizon``: whether
    a horizon after the article's date is named in it; ``sentence_horizon``: in its
    sentence (a trend "continues" there as a call on that period); ``later_period``: a
    horizon in a later calendar year (a bare "<figure> in 2027" is then a target)."""
    r = Reading()
    if question or META.search(f) or ADVICE.search(f) or EXPLAINING.match(f):
        return r
    _modal_cues(f, r, future_horizon)
    if sentence_horizon and not r.cues:
        for m in CONTINUING.finditer(f):
            r.cues.append(m.span())
    modal = bool(r.cues)
    for m in EXPECT.finditer(f):
        if COMPARED.search(f[max(0, m.start() - 30):m.start()]):
            continue  # "longer than investors expect": a comparison, not a stance
        before = f[max(0, m.start() - 8):m.start()]
        if re.search(r"\b(?:can|could|may|might|will)\s+$", before):
            r.cues.append(m.span())  # "users can expect": forward, but not a stance
            r.notes.append("not-stance")
            continue
        r.cues.append(m.span())
        r.belief = True
    for m in PASSIVE_FORECAST.finditer(f):
        r.cues.append(m.span())
        r.notes.append("passive")  # "is widely expected to": someone else's expectation
    for m in FORECAST_VERB.finditer(f):
        if EXPECTED_PAST.search(f, max(0, m.start() - 20), m.end()):
            continue
        rest = f[m.end():]
        if (re.match(r"\s+(?:that\b|\w+(?:\s+\w+){0,6}\s+to\s+\w+)", rest) or modal
                or has_number(rest) or future_horizon):
            if m.group(0) in ("see", "sees") and not (has_number(rest) and future_horizon):
                continue
            r.cues.append(m.span())
            r.belief = True
    for m in FORECAST_NOUN.finditer(f):
        if has_number(f, m.end()) and not META.search(f):
            r.cues.append(m.span())
            r.kind = "target"
    for m in PLAN.finditer(f):
        r.cues.append(m.span())
        r.kind = "plan"
    for m in SCHEDULED.finditer(f):  # "will report results on October 23": the calendar
        r.cues.append(m.span())
        r.kind = "plan"
    if not r.cues and NEAR.search(f) and re.search(r"\b[a-z]{3,}s\b", f):
        r.cues.append(NEAR.search(f).span())  # type: ignore[union-attr]
        r.kind = "plan"  # "the board meets next week to approve ...": a scheduled event
    for m in ANNOUNCED.finditer(f):
        r.kind = "plan"
        r.cues.append(m.span())
    for m in LIKELIHOOD.finditer(f):
        r.cues.append(m.span())
    for m in PRICING.finditer(f):
        if has_number(f, m.end()):
            r.cues.append(m.span())
            r.kind = "target"
    for m in POSSIBLE.finditer(f):
        r.cues.append(m.span())
    for m in AHEAD.finditer(f):
        r.cues.append(m.span())
    beliefs = list(BELIEF.finditer(f))
    if beliefs and (r.cues or future_horizon or re.search(r"\bto\s+\w+", f)):
        for m in beliefs:
            r.cues.append(m.span())
        r.belief = True
    if not r.cues and later_period and has_number(f) and not re.search(
            r"\b(?:was|were|had|did|rose|fell|grew|reached|ended|closed|cut|raised|set|"
            r"made|saw|gained|lost|added|dropped|jumped|slid|climbed|times)\b|\b\w+ed\b", f):
        r.kind = "target"  # "<firm>: 6,000 by year-end", "GDP growth of 2% in 2025"
        r.fls = True
        return r
    if not r.cues:
        return r
    r.fls = True
    r.announcing = bool(ANNOUNCING.search(f))
    if r.kind != "plan" and has_number(f) and r.kind != "conditional":
        r.kind = "target"
    only = {f[a:b] for a, b in r.cues}
    r.weak = all(bool(re.fullmatch(r"would(?:n't)?|may|might|could(?:n't)?", w)) or (
        bool(POSSIBLE.fullmatch(w)) and "likely" not in w and "even" not in w) for w in only)
    if re.search(r"\bif\b|\bunless\b", f) and r.kind != "plan":
        r.kind = "conditional"
    return r


@lru_cache(maxsize=1)
def _entries() -> list[tuple[str, Phrase, re.Pattern[str]]]:
    """Phrase-table names and aliases, longest first, each with its whole-word pattern."""
    return [(name, entry, re.compile(rf"(?<![\w']){re.escape(name)}(?![\w'])"))
            for name, entry in sorted(lookup().items(), key=lambda kv: -len(kv[0]))]


def hedge_words(text: str, f: str, r: Reading) -> str:
    """The cue words verbatim, with "..." where words fall between them; adverbs next to a
    modal ("will likely") and announcing frames ("My prediction:") included."""
    spans = list(r.cues)
    for m in ADVERB.finditer(f):
        if any(abs(m.start() - b) <= 2 or abs(a - m.end()) <= 2 for a, b in r.cues):
            spans.append(m.span())
    for m in ANNOUNCING.finditer(f):
        spans.append(m.span())
    for a, b in list(r.cues):
        neg = re.search(r"(?:\bnot|n't|\bnever)\s*(?:\w+\s+)?$", f[max(0, a - 14):a])
        if neg:
            spans.append((max(0, a - 14) + neg.start(), a))
        after = re.match(r"\s+(?:not|never|no\s+longer)\b", f[b:b + 14])
        if after:
            spans.append((b, b + after.end()))
    for name, _entry, pattern in _entries():
        if " " not in name:
            continue
        for m in pattern.finditer(f):
            if any(m.start() <= b and a <= m.end() for a, b in r.cues):
                spans.append(m.span())
    for m in re.finditer(r"\b(?:is|are|was)\s+(?=(?:very\s+|highly\s+)?(?:likely|unlikely|"
                         r"inevitable|doomed)\b)", f):
        spans.append(m.span())
    spans.sort()
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return " ... ".join(text[a:b].strip() for a, b in merged)


def map_hedge(hedge: str, r: Reading) -> None:
    """The phrase-table entry the hedge maps to (longest inside it), or none."""
    h = " ".join(hedge.lower().replace("\u2019", "'").split())
    if "not-stance" in r.notes:  # "users can expect": what they will meet, not a stance
        h = re.sub(r"\bexpect\w*", "", h)
    parts = [p.strip() for p in h.split("...")]
    found: Phrase | None = None
    found_text = ""
    for name, entry, pattern in _entries():
        if any(pattern.search(p) for p in parts):
            found, found_text = entry, name
            break
    if found is None:
        return
    negated = bool(NEGATION.search(h)) and not NEGATION.search(found_text) and \
        found.p >= 0.5
    r.negated = negated
    blocking = BLOCKING.search(h)
    if negated or (blocking and not BLOCKING.search(found_text)):
        return
    r.phrase = found.name
    r.band = found.band
    r.vague = found.vague
    r.probability = None if found.vague else found.p
