"""Keys, slugs, tags and free text: how user-typed names are checked and normalised."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ledger.errors import UsageError

# Length limits, checked before any database sees a value (the tables' columns are built from
# them, so SQLite and PostgreSQL refuse the same values with the same message).
KEY_LIMIT = 120
TAG_LIMIT = 100
NAME_LIMIT = 200
SUBJECT_LIMIT = 200
GIVEN_LIMIT = 200
OUTLET_LIMIT = 300
TEXT_LIMIT = 10_000
EMAIL_LIMIT = 320  # RFC 3696: 64 + 1 + 255
#: Keys may hold ':' after the first character, so imported claims keep their platform's ids
#: (``predictionbook:212800``, ``metaculus:31006:2``).
KEY_RE = re.compile(rf"[a-z0-9][a-z0-9._:-]{{0,{KEY_LIMIT - 1}}}")


def check_chars(value: str, what: str, limit: int = TEXT_LIMIT) -> str:
    """Text any database can store: no NUL, no unpaired surrogate, at most ``limit`` long."""
    if "\x00" in value:
        raise UsageError(f"{what} contains a NUL character")
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise UsageError(f"{what} contains an unpaired surrogate (not valid Unicode text)")
    if len(value) > limit:
        raise UsageError(f"{what} is longer than {limit} characters")
    return value


#: One rule for an e-mail address on every path (the CLI, imports, seeds, settings): a single
#: ``local@domain.tld`` with no spaces, control characters, angle brackets or separators, so an
#: address can never carry a second header or a second recipient into a message.
_EMAIL = re.compile(r"[^@\s<>(),;:\"\[\]\\]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")


def check_email(text: str, *, limit: int = EMAIL_LIMIT, what: str = "") -> str:
    """An address as it may be stored and sent to; ``what`` names the field in the message."""
    value = text.strip()
    bad = (len(value) > limit or not value.isprintable() or not value.isascii()
           or not _EMAIL.fullmatch(value))
    if bad:
        where = f"{what}: " if what else ""
        raise UsageError(f"{where}{text[:80]!r} is not an e-mail address (name@example.org)")
    return value


def check_key(key: str, what: str = "key") -> str:
    key = key.strip()
    if not KEY_RE.fullmatch(key) or key.isdigit():
        raise UsageError(
            f"{what} {key!r} is not valid: use lowercase letters, digits, '.', '_', ':' or '-' "
            "(not only digits), 120 characters at most"
        )
    return key


def slugify(text: str, limit: int = 48) -> str:
    """A key proposed from a statement or title: its first words, lowercased."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    slug = ""
    for w in words:
        nxt = f"{slug}-{w}" if slug else w
        if len(nxt) > limit:
            break
        slug = nxt
    slug = slug or "claim"
    return f"c-{slug}" if slug.isdigit() else slug


def clean_text(value: str | None, what: str, *, required: bool = False,
               limit: int = TEXT_LIMIT) -> str | None:
    """Stripped text, ``None`` for blank; refused when required and blank, or too long."""
    if value is None:
        if required:
            raise UsageError(f"{what} is required")
        return None
    value = value.strip()
    if not value:
        if required:
            raise UsageError(f"{what} must not be empty")
        return None
    return check_chars(value, what, limit)


def required_text(value: str | None, what: str, *, limit: int = TEXT_LIMIT) -> str:
    return clean_text(value, what, required=True, limit=limit) or ""


def clean_tags(tags: Sequence[str]) -> list[str]:
    """Lowercased, de-duplicated tags in the order given."""
    out: list[str] = []
    for t in tags:
        t = t.strip().lower()
        if not t:
            raise UsageError("tags must not be empty")
        check_chars(t, f"tag {t[:20]!r}", TAG_LIMIT)
        if t not in out:
            out.append(t)
    return out
