"""The due queue as an iCalendar feed (RFC 5545): one all-day event per claim on its due date.

Each event's UID is derived from the ledger's identity (the hash of its first event, which
copies and backups keep) and the claim's key, so a calendar subscribed to the file updates an
entry when the feed is rewritten instead of adding a second one. Pure: rows in, text out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

PRODID = "-//ledger//due feed//EN"


def uid(ledger_id: str, key: str) -> str:
    return hashlib.sha256(f"{ledger_id}\n{key}".encode()).hexdigest()[:32] + "@ledger"


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Lines longer than 75 octets folded (3.1), never inside a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        n = len(ch.encode())
        if size + n > (75 if not out else 74):
            out.append(current)
            current, size = "", 0
        current += ch
        size += n
    out.append(current)
    return "\r\n ".join(out)


def _stamp(dt: datetime) -> str:
    return dt.strftime("%Y%m%dT%H%M%SZ")


def feed(rows: Iterable[Mapping[str, Any]], *, ledger_id: str, now: datetime,
         name: str = "ledger: claims due") -> str:
    """The calendar: every row (a claim as ``ledger due`` lists it) as an all-day event."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}"]
    for r in rows:
        key = str(r["key"])
        due = r["due_on"]
        status = str(r["status"])
        what = [f"Claim {key} by {r['author']} ({status}; due {due.isoformat()})."]
        if r.get("criteria"):
            what.append(f"Criteria: {r['criteria']}")
        if r.get("probability") is not None:
            what.append(f"The author's latest probability: {r['probability']:g}.")
        flag = "[overdue] " if status == "overdue" else ""
        what.append(f"Resolve it: ledger resolve {key} true|false|ambiguous|annulled "
                    "--on DATE --note \"...\"")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid(ledger_id, key)}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART;VALUE=DATE:{due.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(due + timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{escape(flag + str(r['statement']))}",
            f"DESCRIPTION:{escape(chr(10).join(what))}",
            f"CATEGORIES:{escape(status)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
