"""Dates as analysts write them: a small grammar of our own over pendulum's calendar arithmetic.

Accepted: ``2015-12-31``, ``2015-12``, ``Dec 2015``, ``2015Q4``, ``Q4 2015``, ``2015``,
``H2 2015``, ``end of 2015``, ``end-2015``, ``end of Q3 2016``, ``mid-2016``, ``today``,
``yesterday``, ``tomorrow``, ``+6 months``, ``-2w``, ``in 2 weeks``, ``3 days ago``.
A month, quarter, half or year stands for a period: as a due date it means the period's last
day; where a single day is needed it is refused with a hint. Slash and dot forms such as
``01/02/2015`` are refused, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from ledger.errors import UsageError

FORMS = ("2015-12-31, 2015-12, Dec 2015, 2015Q4, Q4 2015, 2015, end of 2015, end of Q3 2016, "
         "mid-2016, today, yesterday, +6 months, in 2 weeks")

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")]
    )
    for name in names
}
UNITS = {
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "week": "weeks", "weeks": "weeks",
    "m": "months", "mo": "months", "month": "months", "months": "months",
    "q": "quarters", "quarter": "quarters", "quarters": "quarters",
    "y": "years", "yr": "years", "year": "years", "years": "years",
}
MIN_YEAR, MAX_YEAR = 1900, 2200


class DateError(UsageError):
    """A date the grammar cannot read (exit 2)."""


@dataclass(frozen=True)
class Span:
    """What a date expression names: one day, or a period from ``start`` to ``end``."""

    start: date
    end: date
    kind: str  # day | month | quarter | half | year
    text: str

    @property
    def is_day(self) -> bool:
        return self.kind == "day"


def _plain(d: date) -> date:
    """pendulum's Date is a date subclass; keep plain dates everywhere else."""
    return date(d.year, d.month, d.day)


def _year(text: str, raw: str) -> int:
    y = int(text)
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise DateError(f"year {y} in {raw!r} is out of range ({MIN_YEAR}-{MAX_YEAR})")
    return y


def _month_span(y: int, m: int, raw: str) -> Span:
    import pendulum

    if not 1 <= m <= 12:
        raise DateError(f"no month {m} in {raw!r}")
    first = pendulum.date(y, m, 1)
    return Span(_plain(first), _plain(first.end_of("month")), "month", raw)


def _quarter_span(y: int, q: int, raw: str) -> Span:
    import pendulum

    if not 1 <= q <= 4:
        raise DateError(f"no quarter Q{q} in {raw!r}: quarters are Q1-Q4")
    first = pendulum.date(y, 3 * q - 2, 1)
    return Span(_plain(first), _plain(first.last_of("quarter")), "quarter", raw)


def _half_span(y: int, h: int, raw: str) -> Span:
    if h not in (1, 2):
        raise DateError(f"no half H{h} in {raw!r}: halves are H1 and H2")
    return Span(date(y, 1, 1) if h == 1 else date(y, 7, 1),
                date(y, 6, 30) if h == 1 else date(y, 12, 31), "half", raw)


def _day(y: int, m: int, d: int, raw: str) -> Span:
    try:
        day = date(y, m, d)
    except ValueError:
        raise DateError(f"no such day: {raw!r}") from None
    return Span(day, day, "day", raw)


def _shift(base: date, n: int, unit: str) -> date:
    try:
        if unit in ("days", "weeks"):  # plain arithmetic: spares `due` pendulum's import
            return base + timedelta(**{unit: n})
    except OverflowError:
        raise DateError(f"{n:+d} {unit} from {base.isoformat()} is outside the calendar") from None
    import pendulum

    d = pendulum.date(base.year, base.month, base.day)
    try:
        if unit == "quarters":
            return _plain(d.add(months=3 * n))
        return _plain(d.add(**{unit: n}))
    except (ValueError, OverflowError):
        raise DateError(f"{n:+d} {unit} from {base.isoformat()} is outside the calendar") from None


def parse_span(text: str, *, today: date) -> Span:
    """Read a date expression. Raises DateError (exit 2) with the accepted forms."""
    if not isinstance(text, str):
        raise DateError("a date must be text")
    raw = text
    s = " ".join(text.strip().lower().replace("\u2013", "-").split())
    if not s:
        raise DateError(f"empty date: use {FORMS}")
    if len(s) > 40:
        raise DateError(f"cannot read date {raw[:40]!r}...: use {FORMS}")

    if s in ("today", "now"):
        return Span(today, today, "day", raw)
    if s == "yesterday":
        d = _shift(today, -1, "days")
        return Span(d, d, "day", raw)
    if s == "tomorrow":
        d = _shift(today, 1, "days")
        return Span(d, d, "day", raw)

    m = re.fullmatch(r"(?:in\s+|\+\s*)(\d{1,4})\s*([a-z]+)", s) or re.fullmatch(
        r"(-)\s*(\d{1,4})\s*([a-z]+)", s) or re.fullmatch(r"(\d{1,4})\s*([a-z]+)\s+ago", s)
    if m:
        groups = m.groups()
        sign = -1 if groups[0] == "-" or s.endswith(" ago") else 1
        n_text, unit_text = groups[-2], groups[-1]
        unit = UNITS.get(unit_text)
        if unit is None:
            raise DateError(f"unknown unit {unit_text!r} in {raw!r}: use days, weeks, months, "
                            "quarters or years")
        d = _shift(today, sign * int(n_text), unit)
        if not MIN_YEAR <= d.year <= MAX_YEAR:
            raise DateError(f"{raw!r} lands outside {MIN_YEAR}-{MAX_YEAR}")
        return Span(d, d, "day", raw)

    if re.fullmatch(r"\d{1,4}[/.]\d{1,2}[/.]\d{1,4}|\d{1,2}-\d{1,2}-\d{4}", s):
        raise DateError(f"ambiguous date {raw!r}: write it as YYYY-MM-DD (for example 2015-12-31)")

    m = re.fullmatch(r"(end of|mid of|middle of|start of|beginning of|end|mid)[\s-]+(.+)", s)
    if m:
        which, rest = m.group(1), m.group(2)
        inner = parse_span(rest, today=today)
        if inner.is_day:
            raise DateError(f"{raw!r}: '{which}' needs a month, quarter or year, not a day")
        if which.startswith("end"):
            return Span(inner.end, inner.end, "day", raw)
        if which.startswith(("start", "beginning")):
            return Span(inner.start, inner.start, "day", raw)
        if inner.kind != "year":
            raise DateError(f"{raw!r}: 'mid' is defined for years only (mid-2016 = 2016-06-30)")
        d = date(inner.start.year, 6, 30)
        return Span(d, d, "day", raw)

    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s):
        return _day(_year(m.group(1), raw), int(m.group(2)), int(m.group(3)), raw)
    if m := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", s):
        return _day(_year(m.group(1), raw), int(m.group(2)), int(m.group(3)), raw)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", s):
        return _month_span(_year(m.group(1), raw), int(m.group(2)), raw)
    if m := re.fullmatch(r"(\d{4})", s):
        year = _year(m.group(1), raw)
        return Span(date(year, 1, 1), date(year, 12, 31), "year", raw)
    if m := re.fullmatch(r"(\d{4})\s*-?\s*q(\d)", s) or re.fullmatch(
        r"q(\d)\s*[-\s]?\s*(\d{4})", s
    ):
        a, b = m.groups()
        ys, qs = (a, b) if len(a) == 4 else (b, a)
        return _quarter_span(_year(ys, raw), int(qs), raw)
    if m := re.fullmatch(r"(\d{4})\s*-?\s*h(\d)", s) or re.fullmatch(
        r"h(\d)\s*[-\s]?\s*(\d{4})", s
    ):
        a, b = m.groups()
        ys, hs = (a, b) if len(a) == 4 else (b, a)
        return _half_span(_year(ys, raw), int(hs), raw)
    if (m := re.fullmatch(r"([a-z]+)\.?\s+(\d{4})", s)) and m.group(1) in MONTHS:
        return _month_span(_year(m.group(2), raw), MONTHS[m.group(1)], raw)
    if (m := re.fullmatch(r"(\d{1,2})\s+([a-z]+)\.?,?\s+(\d{4})", s)) and m.group(2) in MONTHS:
        return _day(_year(m.group(3), raw), MONTHS[m.group(2)], int(m.group(1)), raw)
    if (m := re.fullmatch(r"([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", s)) and m.group(1) in MONTHS:
        return _day(_year(m.group(3), raw), MONTHS[m.group(1)], int(m.group(2)), raw)
    raise DateError(f"cannot read date {raw!r}: use {FORMS}")


def parse_due(text: str, *, today: date) -> date:
    """A due date: a period means its last day."""
    return parse_span(text, today=today).end


def parse_day(text: str, *, today: date, what: str = "date") -> date:
    """A single day. A bare period is refused: which day of it would be a guess."""
    span = parse_span(text, today=today)
    if not span.is_day:
        raise DateError(
            f"{what} {text!r} is a {span.kind}, not a day: give a day such as "
            f"{span.end.isoformat()} or 'end of {text.strip()}'"
        )
    return span.start


INSTANT_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})")


def parse_instant(text: str, *, today: date, what: str = "date") -> tuple[date, datetime | None]:
    """A day, or an ISO instant with a zone (``2015-02-20T05:58Z``) and the UTC day it fell on.
    An instant without a zone is refused: which day it was would be a guess."""
    s = text.strip()
    if INSTANT_RE.fullmatch(s):
        try:
            at = datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(UTC)
        except OverflowError:
            raise DateError(f"{what} {text!r} is out of range once converted to UTC") from None
        except ValueError:
            raise DateError(f"cannot read instant {text!r}") from None
        return at.date(), at
    return parse_day(text, today=today, what=what), None


def parse_window(text: str, *, today: date) -> date:
    """The last day of a look-ahead window: ``30d``, ``2w``, ``3m``, ``1y`` (or ``+30 days``);
    a bare number is days."""
    value = text.strip().lstrip("+")
    if value.isdigit():
        value += "d"
    try:
        return parse_span(f"+{value}", today=today).end
    except UsageError:
        raise UsageError(f"cannot read the window {text.strip()!r}: use 30d, 2w, 3m, 1y (or a "
                         "number of days)") from None
