"""Keys, slugs, tags and free text: how user-typed names are checked and normalised."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ledger.errors import UsageError

KEY_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,119}")
TAG_LIMIT = 100


def check_key(key: str, what: str = "key") -> str:
    key = key.strip()
    if not KEY_RE.fullmatch(key) or key.isdigit():
        raise UsageError(
            f"{what} {key!r} is not valid: use lowercase letters, digits, '.', '_' or '-' "
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
               limit: int = 10_000) -> str | None:
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
    if len(value) > limit:
        raise UsageError(f"{what} is longer than {limit} characters")
    return value


def required_text(value: str | None, what: str, *, limit: int = 10_000) -> str:
    return clean_text(value, what, required=True, limit=limit) or ""


def clean_tags(tags: Sequence[str]) -> list[str]:
    """Lowercased, de-duplicated tags in the order given."""
    out: list[str] = []
    for t in tags:
        t = t.strip().lower()
        if not t:
            raise UsageError("tags must not be empty")
        if len(t) > TAG_LIMIT:
            raise UsageError(f"tag {t[:20]!r}... is longer than {TAG_LIMIT} characters")
        if t not in out:
            out.append(t)
    return out
