"""``--tz``: the zone in which a file's zone-less times are read (UTC unless told)."""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone, tzinfo

from ledger.errors import UsageError


def zone_of(text: str | None) -> tzinfo:
    """An IANA zone name (``Australia/Melbourne``), ``UTC``, or a fixed offset (``+10:00``)."""
    if text is None or text.strip().upper() in ("", "UTC", "Z"):
        return UTC
    m = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})", text.strip())
    if m:
        minutes = int(m.group(2)) * 60 + int(m.group(3))
        if minutes > 18 * 60:
            raise UsageError(f"--tz {text!r}: an offset is at most 18 hours")
        return timezone((-1 if m.group(1) == "-" else 1) * timedelta(minutes=minutes))
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--tz {text!r} is not a time zone (try UTC, +10:00 or "
                         "Australia/Melbourne)") from None
