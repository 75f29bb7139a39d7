"""The settings a person or a team can give, and the trust boundary between them.

A team's settings come from places every member can write (the ledger itself, ``ledger.toml``
beside the file): they may say how the team works (its time zone, its mail server, how long a
writer waits) but never name a program to run, a credential, who you are, which ledger to
open, or a file outside the ledger's folder. Those are ``PERSONAL``: only your own file or the
environment sets them.
"""

from __future__ import annotations

import re

from ledger.core.keys import EMAIL_LIMIT, check_email
from ledger.errors import UsageError

#: setting -> the environment variable it stands for
KEYS = {
    "db": "LEDGER_DB",
    "user": "LEDGER_USER",
    "wait": "LEDGER_BUSY_TIMEOUT",
    "phrases": "LEDGER_PHRASES",
    "timezone": "LEDGER_TZ",
    "pager": "LEDGER_PAGER",
    "smtp.host": "LEDGER_SMTP_HOST",
    "smtp.port": "LEDGER_SMTP_PORT",
    "smtp.from": "LEDGER_SMTP_FROM",
    "smtp.starttls": "LEDGER_SMTP_STARTTLS",
    "smtp.user": "LEDGER_SMTP_USER",
    "smtp.password": "LEDGER_SMTP_PASSWORD",
}
#: What only you set: which ledger, who you are, a program to run (the pager), credentials.
PERSONAL = ("db", "user", "pager", "smtp.user", "smtp.password")
#: What a team may set for everyone (in the ledger, or in ``ledger.toml``).
TEAM = tuple(k for k in KEYS if k not in PERSONAL)
#: Settings that name a file: a team's may only name one inside the ledger's folder, so the
#: ledger itself (which may live on a server) cannot hold them.
PATHS = ("db", "phrases")
#: Team settings the ledger itself cannot hold, and why: they stay in ``ledger.toml``.
FILE_ONLY = {"phrases": "names a file, which a ledger on a server has no folder for",
             "wait": "is needed before the ledger is opened"}
#: Team settings the ledger holds (``config set --team``), on both backends.
IN_LEDGER = tuple(k for k in TEAM if k not in FILE_ONLY)
#: The prefix of a team setting's name in the ledger's ``setting`` table.
PREFIX = "team."
#: Settings that decide where SMTP credentials go: with credentials, only you set them.
SMTP_ROUTE = ("smtp.host", "smtp.port", "smtp.starttls")

_HOST = re.compile(r"[A-Za-z0-9._:\[\]-]{1,253}")


def check_value(key: str, value: str) -> str:
    """A setting's value as every layer must hold it; one clear refusal otherwise."""
    if key not in KEYS:
        raise UsageError(f"unknown setting {key!r} (known: {', '.join(KEYS)})")
    text = value.strip()
    if any(ch in value for ch in "\r\n\x00"):
        raise UsageError(f"{key}: a value must be one line of text")
    if key == "timezone" and text:
        from ledger.core.zones import zone_of

        zone_of(text)
    elif key == "wait" and text:
        try:
            seconds = float(text)
        except ValueError:
            seconds = -1.0
        if not 0 <= seconds <= 86_400:
            raise UsageError(f"wait: {value!r} is not a number of seconds (0 to 86400)")
    elif key == "smtp.port" and text:
        if not text.isdigit() or not 0 < int(text) < 65536:
            raise UsageError(f"smtp.port: {value!r} is not a port number")
    elif key == "smtp.host" and text and not _HOST.fullmatch(text):
        raise UsageError(f"smtp.host: {value!r} is not a host name")
    elif key == "smtp.from" and text:
        check_email(text, limit=EMAIL_LIMIT)
    elif key == "smtp.starttls" and text and text.lower() not in (
            "1", "0", "true", "false", "yes", "no"):
        raise UsageError(f"smtp.starttls: {value!r} is not true or false")
    return text


def check_ledger_key(key: str, where: str) -> None:
    """Refuse a setting the ledger itself may not hold for the team."""
    check_team_key(key, where)
    if key in FILE_ONLY:
        raise UsageError(f"{where}: {key} {FILE_ONLY[key]}; set it in ledger.toml beside a "
                         "SQLite ledger, or in your own file")


def check_team_key(key: str, where: str) -> None:
    """Refuse a setting a team may not give (``where`` names the team's place for it)."""
    if key not in KEYS:
        raise UsageError(f"{where}: unknown setting {key!r} (known: {', '.join(KEYS)})")
    if key in PERSONAL:
        raise UsageError(f"{where}: {key!r} is personal (it names a program, a credential, "
                         "who you are or which ledger); set it in your own file or the "
                         "environment")
