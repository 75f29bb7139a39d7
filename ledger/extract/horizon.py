"""Horizons in prose ("by the end of 2015", "throughout 2015", "next year", "in the second
part of 2012", "by this time next year", "in the next two years", "a 12-month target"),
resolved against the article's date with the ledger's own date grammar
(``ledger.core.dates``): a year, half, quarter or month means its last day; a span from the
article's date ends that long after it. Words with no date in them ("soon", "long-term",
"by then") are no horizon: one is never invented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from ledger.core.dates import MONTHS, DateError, parse_due, parse_span

YEAR = r"((?:19|20|21)\d\d)"
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
           "eighteen": 18, "twenty": 20, "thirty": 30, "several": None, "few": None}
N = r"(\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|" \
    r"twenty|thirty)"
UNIT = r"(days?|weeks?|months?|quarters?|years?)"
MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
           "4th": 4, "final": 4, "last": 4}


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """Compiled once a process (re's own cache is shared with pysbd's many patterns)."""
    return re.compile(pattern)


@dataclass(frozen=True)
class Horizon:
    start: int  # offsets in the folded text searched
    end: int
    due: date


def _units(n: int, unit: str) -> str:
    u = unit.rstrip("s")
    return f"+{n} {u}s"


def _rel(made: date, n: int, unit: str) -> date:
    return parse_due(_units(n, unit), today=made)


def _num(word: str) -> int | None:
    return int(word) if word.isdigit() else NUMBERS.get(word)


def _end_year(y: int) -> date:
    return date(y, 12, 31)


def find(f: str, made: date, *, year: int | None = None) -> list[Horizon]:
    """Every horizon in ``f`` (folded text), in order. ``year``: the year "the year" means
    here (a section heading's or an earlier sentence's), else the article's."""
    out: list[Horizon] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], due: date | None) -> None:
        if due is None or any(a < m.end() and m.start() < b for a, b in taken):
            return
        taken.append(m.span())
        out.append(Horizon(m.start(), m.end(), due))

    def each(pattern: str) -> list[re.Match[str]]:
        return list(_compiled(pattern).finditer(f))

    # spans counted from the article's date
    for m in each(r"\b(?:by|at)\s+this\s+time\s+next\s+year\b|\ba\s+year\s+from\s+now\b|"
                  r"\bin\s+a\s+year'?s?\s+time\b|\bwithin\s+(?:a|one|the\s+next)\s+year\b|"
                  r"\bover\s+the\s+next\s+(?:12|twelve)\s+months\b"):
        add(m, _rel(made, 1, "years"))
    for m in each(rf"\b(?:(?:in|over|within|during|for)\s+)?the\s+(?:next|coming)\s+{N}\s+{UNIT}"
                  rf"|\bin\s+{N}\s+{UNIT}(?:'?\s+time)?\b|\b{N}\s+{UNIT}\s+from\s+now\b|"
                  rf"\bwithin\s+{N}\s+{UNIT}\b"):
        n = _num(m.group(1) or m.group(3) or m.group(5) or m.group(7) or "")
        unit = m.group(2) or m.group(4) or m.group(6) or m.group(8) or ""
        add(m, _rel(made, n, unit) if n else None)
    for m in each(r"\b(\d{1,2}|twelve|six|three|eighteen)[\s-](month|year)[\s-](?:price\s+)?"
                  r"(?:target|horizon|view|forecast|outlook)"):
        n = _num(m.group(1))
        add(m, _rel(made, n, m.group(2) + "s") if n else None)
    for m in each(r"\b(?:over|in|within|during)\s+the\s+(?:next|coming)\s+"
                  r"(?:year|twelve\s+months)\b"):
        add(m, _rel(made, 1, "years"))
    for m in each(r"\bnext\s+week\b"):
        add(m, _rel(made, 1, "weeks"))
    for m in each(r"\bnext\s+(month|quarter)\b"):
        d = _rel(made, 1, m.group(1) + "s")
        add(m, parse_due(f"{d.year}-{d.month:02d}" if m.group(1) == "month"
                         else f"{d.year}Q{(d.month - 1) // 3 + 1}", today=made))
    for m in each(r"\b(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?decade\b|\bthis\s+decade\b|"
                  r"\bwithin\s+the\s+decade\b"):
        add(m, _end_year(made.year // 10 * 10 + 9))
    # named periods
    for m in each(rf"\b(?:in\s+|during\s+|by\s+|over\s+)?(?:the\s+)?(first|second|1st|2nd|"
                  rf"latter|later|back|front)\s+(?:half|part)\s+of\s+(?:the\s+year\s+)?{YEAR}"):
        half = 1 if m.group(1) in ("first", "1st", "front") else 2
        add(m, parse_due(f"H{half} {m.group(2)}", today=made))
    for m in each(rf"\bh([12])\s*'?\s*{YEAR}\b|\b{YEAR}\s*h([12])\b"):
        h, y = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        add(m, parse_due(f"H{h} {y}", today=made))
    for m in each(rf"\b(?:(?:by|at|in|before)\s+)?(?:the\s+)?(?:end|close)\s+of\s+"
                  rf"(?:the\s+)?(first|second|third|fourth|final|last|1st|2nd|3rd|4th)\s+"
                  rf"quarter(?:\s+of)?\s+{YEAR}|\b(?:in\s+)?(?:the\s+)?(first|second|third|"
                  rf"fourth|final|last|1st|2nd|3rd|4th)\s+quarter(?:\s+of)?\s+{YEAR}"):
        quarter = ORDINAL[m.group(1) or m.group(3)]
        add(m, parse_due(f"{m.group(2) or m.group(4)}Q{quarter}", today=made))
    for m in each(rf"\bq([1-4])\s*'?\s*{YEAR}\b|\b{YEAR}\s*q([1-4])\b"):
        q, y = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        add(m, parse_due(f"{y}Q{q}", today=made))
    for m in each(rf"\b(?:(?:by|at|in|before|until)\s+)?(?:the\s+)?(?:end|close)\s+of\s+"
                  rf"{MONTH}\s*,?\s*{YEAR}|\b(?:by|in|until|before|through|from)\s+{MONTH}"
                  rf"\s*,?\s*{YEAR}"):
        mon = m.group(1) or m.group(3)
        y = m.group(2) or m.group(4)
        add(m, parse_due(f"{y}-{MONTHS[mon]:02d}", today=made))
    for m in each(rf"\b(early|mid|middle|late)[\s-]+(?:of\s+)?{YEAR}\b"):
        y = int(m.group(2))
        which = m.group(1)
        add(m, date(y, 3, 31) if which == "early" else date(y, 6, 30)
            if which in ("mid", "middle") else date(y, 12, 31))
    for m in each(rf"\b(?:(?:by|at|in|before|until|through)\s+)?(?:the\s+)?(?:end|close)\s+"
                  rf"of\s+{YEAR}\b|\b{YEAR}\s+year[\s-]?end\b|\byear[\s-]?end\s+{YEAR}\b|"
                  rf"\bend[\s-]{YEAR}\b"):
        y = next(g for g in m.groups() if g)
        add(m, _end_year(int(y)))
    for m in each(r"\b(?:(?:by|at|before|until|toward|towards)\s+)?(?:the\s+)?(?:end|close)\s+"
                  r"of\s+(?:the\s+|this\s+)?year\b|\b(?:by|at)\s+(?:the\s+)?year[\s-]?end\b|"
                  r"\bthis\s+year\b|\b(?:later|earlier)\s+this\s+year\b|"
                  r"\b(?:finish|end|close|conclude)(?:es|s|ed)?\s+(?:the\s+|this\s+)year\b"):
        add(m, _end_year(year or made.year))
    for m in each(r"\b(?:in\s+|during\s+|by\s+|over\s+)?(?:the\s+)?(first|second|latter)\s+"
                  r"half(?:\s+of\s+(?:the|this)\s+year)?\b(?!\s+of\s+(?:19|20|21)\d\d)"):
        half = 1 if m.group(1) == "first" else 2
        add(m, parse_due(f"H{half} {year or made.year}", today=made))
    for m in each(rf"\b(?:on|by|until|before)\s+{MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b"
                  rf"(?!\s*,?\s*\d{{4}})"):
        mon, day = MONTHS[m.group(1)], int(m.group(2))
        try:
            when = date(made.year, mon, day)
            add(m, when if when > made else date(made.year + 1, mon, day))
        except ValueError:
            continue
    for m in each(r"\bnext\s+year\b|\bthe\s+following\s+year\b"):
        add(m, _end_year(made.year + 1))
    for m in each(rf"\b{YEAR}(?:\s+[a-z]+){{0,2}}\s+(?:outlook|forecasts?|predictions?|preview|"
                  rf"targets?|guidance|projections?|estimates?)\b"):
        add(m, _end_year(int(m.group(1))))
    for m in each(rf"\b(?:fiscal|fy)\s*'?\s*{YEAR}\b"):
        add(m, _end_year(int(m.group(1))))
    for m in each(rf"\bbefore\s+{YEAR}\b"):  # before 2027: by the end of 2026
        add(m, _end_year(int(m.group(1)) - 1))
    for m in each(rf"\b(?:in|during|throughout|for|over|within|through|until|by|into|"
                  rf"across|to)\s+(?:the\s+(?:whole\s+|full\s+|rest\s+of\s+)?|all\s+"
                  rf"(?:of\s+)?)?{YEAR}\b(?!\s*(?:-|to)\s*\d)"):
        add(m, _end_year(int(m.group(1))))
    for m in each(rf"\b(?:by|until|before|in)\s+{MONTH}\b(?!\s*,?\s*\d)"):
        mon = MONTHS.get(m.group(1))
        if mon is None:
            continue
        y = made.year if mon > made.month else made.year + 1
        add(m, parse_due(f"{y}-{mon:02d}", today=made))
    out.sort(key=lambda h: h.start)
    return out


def due_of(horizons: list[Horizon], made: date) -> Horizon | None:
    """The horizon a call falls due on: the latest one after the article's date."""
    future = [h for h in horizons if h.due > made]
    return max(future, key=lambda h: h.due) if future else None


def year_named(f: str) -> int | None:
    """A year a heading or sentence names ("Microsoft and Windows Phone in 2012")."""
    years = [int(y) for y in re.findall(rf"\b{YEAR}\b", f)]
    return max(years) if years else None


def check(text: str, made: date) -> date | None:
    """Resolve one horizon phrase (for tests and the analyst's own use)."""
    try:
        return parse_span(text, today=made).end
    except DateError:
        found = due_of(find(text.lower(), made), made)
        return found.due if found else None
