"""Report periods: ``2015``, ``2015Q4``, ``2015-12``, ``FROM..TO``, and trend steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ledger.core.dates import DateError, parse_span


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str  # for file names: 2015, 2015-Q4, 2015-12, 2015-01-01..2015-06-30

    def as_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def parse_period(text: str, *, today: date) -> Period:
    """A year, quarter, half, month or ``FROM..TO`` (each end may itself be a period)."""
    s = text.strip()
    if ".." in s:
        a, b = (x.strip() for x in s.split("..", 1))
        start = parse_span(a, today=today).start
        end = parse_span(b, today=today).end
        if end < start:
            raise DateError(f"period {text!r} ends before it starts")
        return Period(start, end, f"{start.isoformat()}..{end.isoformat()}")
    span = parse_span(s, today=today)
    if span.kind == "year":
        label = f"{span.start.year}"
    elif span.kind == "quarter":
        label = f"{span.start.year}-Q{(span.start.month - 1) // 3 + 1}"
    elif span.kind == "half":
        label = f"{span.start.year}-H{1 if span.start.month == 1 else 2}"
    elif span.kind == "month":
        label = f"{span.start.year}-{span.start.month:02d}"
    else:
        label = span.start.isoformat()
    return Period(span.start, span.end, label)


def steps(start: date, end: date, every: str) -> list[Period]:
    """Consecutive calendar periods (month, quarter or year) covering [start, end]."""
    if every not in ("month", "quarter", "year"):
        raise DateError("--every must be month, quarter or year")
    out: list[Period] = []
    if every == "year":
        for y in range(start.year, end.year + 1):
            out.append(parse_period(str(y), today=end))
    elif every == "quarter":
        y, q = start.year, (start.month - 1) // 3 + 1
        while (y, q) <= (end.year, (end.month - 1) // 3 + 1):
            out.append(parse_period(f"{y}Q{q}", today=end))
            y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    else:
        y, m = start.year, start.month
        while (y, m) <= (end.year, end.month):
            out.append(parse_period(f"{y}-{m:02d}", today=end))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
