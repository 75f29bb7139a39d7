"""Would a careful analyst record it? A call is worth recording when it is a forecast (not a
firm's own plan), about something uncertain (not near-certain), that can be settled later
(a number, a ranking, an event), held by someone named, and not a weaker copy of another call
in the same article. And a checkable statement proposed from the quote: the belief frame and
the hedge adverbs taken out (the probability carries them), "won't" kept as "will not".
"""

from __future__ import annotations

import re

from ledger.extract.cues import Reading, has_number

MEASURABLE = re.compile(
    r"\b(?:more|less|fewer|higher|lower|better|worse|bigger|smaller|larger|faster|slower|"
    r"most|best|worst|biggest|largest|fastest|slowest|top|first|second|third|fourth|"
    r"fifth|leading|leader|ahead\s+of|behind|overtake|overtakes|surpass|surpasses|exceed|"
    r"exceeds|outsell|outpace|beat|beats|record|double|doubles|triple|halve|halves|"
    r"revenue|revenues|sales|profit|profits|earnings|margin|share|shares|price|prices|"
    r"growth|grow|grows|rise|rises|fall|falls|decline|declines|increase|increases|"
    r"rate|rates|inflation|gdp|unemployment|yield|yields|demand|supply|output|production|"
    r"deficit|surplus|default|recession|election|vote|ipo|merger|acquisition|lawsuits?|"
    r"sue|sued|ban|approval|approve|launch|launches|release|releases|enter|enters|entry|"
    r"develop|develops|build|builds|produce|produces|open|opens|close|closes|sell|sells|"
    r"buy|buys|acquire|acquires|cut|cuts|hike|hikes|raise|raises|capture|captures|reach|"
    r"reaches|hit|hits|gain|gains|lose|loses|win|wins|fail|fails|collapse|resurgence|"
    r"units?|customers|users|subscribers|market|markets|driver|peak|peaks|bankrupt\w*|"
    r"outperform\w*|underperform\w*|average|averages|deficit|debt|rally|correction|"
    r"expand|expands|contract|contracts|shrink|shrinks|margins|"
    r"crash|slump|boom|bust|survive|resign|elect\w*|met|meet|meets|achieve\w*|goal|"
    r"target)\b")
NOT_SETTLEABLE = re.compile(
    r"\bhelps?\s+(?:to\s+)?(?:drive|boost|support|push|fuel)\b|\bbe\s+an?\s+(?:issue|"
    r"problem|concern|challenge|factor|headwind|tailwind)\b|\ballow\w*\s+\w+\s+to\b|"
    r"\blies?\s+ahead\b|\bformalit|\bimportant\b|\bmatters?\b|\bremains?\s+to\s+be\s+seen\b|"
    r"\bguaranteed\b|\bamong\b")
GENERIC_HOLDERS = re.compile(r"(?i)^(?:they|some|many|others|people)$|\b(?:analysts?|experts?|"
                             r"observers|investors|economists|strategists|traders|markets?|"
                             r"critics|pundits|consensus|majority|forecasters)\b")
FRAME = re.compile(
    r"^(?:here's\s+)?(?:my|our)\s+(?:prediction|forecast|call|view)s?\s*:\s*|"
    r"^(?:i|we)\s+(?:do\s+not\s+|don't\s+)?(?:really\s+|still\s+|also\s+|firmly\s+|now\s+)?"
    r"(?:expect|think|believe|forecast|predict|reckon|suspect|doubt)s?\s+(?:that\s+)?|"
    r"^it\s+(?:does\s+)?stands?\s+to\s+reason\s+that\s+|"
    r"^it(?:'s|\u2019s|\s+is)\s+(?:hard|difficult)\s+(?:for\s+(?:me|us)\s+)?to\s+see\s+|"
    r"^(?:whilst|while|although|though|and|but|yet|so|however,|nevertheless,|instead,|"
    r"likewise,?|also,)\s+", re.I)
HEDGE_ADVERBS = re.compile(r"(?i)\b(will|would|should|could|may|might|is|are)\s+(?:very\s+|"
                           r"most\s+|highly\s+|almost\s+)?(?:likely|probably|certainly|surely|"
                           r"definitely|possibly|undoubtedly)\s+")


def judge(reading: Reading, folded: str, *, holder: str | None, view: str,
          reason_clause: bool) -> tuple[bool, str]:
    """(record?, why), in the words the analyst reviewing the proposal reads."""
    if reading.kind == "plan":
        return False, f"a plan announced by {holder or 'its subject'}, not a forecast to score"
    if reason_clause:
        return False, "given as the reason for another call, not a call of its own"
    if "not-stance" in reading.notes and not reading.probability:
        return False, "what someone can expect to meet, not a call on an outcome"
    if not holder or GENERIC_HOLDERS.search(holder):
        return False, "no named person or firm holds it"
    claim = re.sub(r"\b(?:if|unless)\b[^,]*,?", "", folded)  # the condition is not the claim
    specific = has_number(claim) or bool(re.search(
        r"\b(?:most|least|best|worst|biggest|largest|fastest|top|first|second|third|"
        r"overtake|surpass|exceed|double|triple|halve)\b", claim))
    if reading.weak and not specific:
        return False, "words of possibility or a conditional, too vague to score"
    if reading.probability is not None and reading.probability >= 0.98:
        return False, "near-certain when written"
    if NOT_SETTLEABLE.search(folded) or not (MEASURABLE.search(folded) or has_number(folded)):
        return False, "nothing to settle it by (no number, ranking or event)"
    who = "the author's own" if view == "own" else f"{holder}'s"
    return True, f"{who} checkable call"


def statement(quote: str, antecedent: str | None) -> str:
    """A checkable statement from a quote."""
    s = quote.strip().strip("\u201c\u201d\"")
    previous = None
    while previous != s:
        previous = s
        s = FRAME.sub("", s, count=1).strip()
    s = HEDGE_ADVERBS.sub(lambda m: m.group(1) + " ", s)
    s = re.sub(r"(?i)\bwon['\u2019]t\b", "will not", s)
    if antecedent and re.match(r"(?i)(?:its|their)\s", s):
        s = f"{antecedent}'s" + s[s.index(" "):]
    elif antecedent and re.match(r"(?i)(?:it|they)\s", s) and not re.match(
            r"(?i)it(?:'s|\u2019s|\s+is|\s+was|\s+seems)\s+(?:hard|difficult|likely|unlikely|"
            r"possible|clear|certain|time|too|not)\b", s):  # an "it" that stands for nothing
        s = antecedent + s[s.index(" "):]
    s = re.sub(r"\s+", " ", s).strip(" ,;:")
    if not s:
        return quote.strip()
    s = s[0].upper() + s[1:]
    return s if s.endswith((".", "!", "?")) else s + "."
