"""Reading an article: plain text or Markdown, optionally opening with ``key: value`` lines and
a ``---`` line (url, author, outlet, date, title), or a saved HTML page.

HTML goes through trafilatura, the most accurate open main-text extractor in published
comparisons (it is what the research community uses to build web corpora), which also reads
the page's title, author, date and site name; it is imported only for HTML. The text a quote
must be found in is the article text as read: the file's own characters below the header, or
what trafilatura gives for a page. Nothing in it is normalised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from ledger.errors import UsageError

HEADER_KEYS = ("url", "author", "outlet", "date", "title", "note", "source", "published")
_HEADER_LINE = re.compile(rf"({'|'.join(HEADER_KEYS)})\s*:\s*(.*)", re.I)
_NO_AUTHOR = re.compile(r"(not named|unknown|anonymous|none|n/a|unsigned)\b", re.I)
MAX_BYTES = 20_000_000  # a page or article larger than this is not an article


@dataclass(frozen=True)
class Article:
    """The text claims are looked for in, and what is known about where it came from."""

    text: str
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    url: str | None = None
    published_on: date | None = None
    published_at: datetime | None = None
    origin: str = ""  # the file it was read from


def _clean_author(value: str) -> str | None:
    """The name in an author line: notes in brackets dropped; "not named" means none."""
    value = value.strip()
    if not value or _NO_AUTHOR.match(value):
        return None
    return re.sub(r"\s*\(.*?\)\s*", " ", value).strip() or None


def _read_date(value: str) -> tuple[date | None, datetime | None]:
    """The first ISO date in a header value, with its time when one follows (GMT/UTC)."""
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?", value)
    if not m:
        return None, None
    try:
        day = date(int(m[1]), int(m[2]), int(m[3]))
        if m[4] is None:
            return day, None
        at = datetime(day.year, day.month, day.day, int(m[4]), int(m[5]), tzinfo=UTC)
        return day, at
    except ValueError:
        return None, None


def split_header(raw: str) -> tuple[dict[str, str], str]:
    """(header fields, body): a header is ``key: value`` lines (and blanks) up to a line
    ``---``; without one the whole text is the body."""
    lines = raw.split("\n")
    fields: dict[str, str] = {}
    for i, line in enumerate(lines[:40]):
        if line.strip() == "---":
            if not fields:
                break
            return fields, "\n".join(lines[i + 1:])
        if not line.strip():
            continue
        m = _HEADER_LINE.fullmatch(line.strip())
        if not m:
            break
        fields.setdefault(m.group(1).lower(), m.group(2).strip())
    return {}, raw


def from_text(raw: str, origin: str = "") -> Article:
    fields, body = split_header(raw.lstrip("\ufeff"))
    day, at = _read_date(fields.get("date") or fields.get("published") or "")
    url = fields.get("url", "")
    return Article(
        text=body,
        title=fields.get("title") or None,
        author=_clean_author(fields.get("author", "")),
        outlet=fields.get("outlet") or fields.get("source") or None,
        url=url if re.match(r"https?://", url) else None,
        published_on=day,
        published_at=at,
        origin=origin,
    )


def looks_like_html(raw: str, name: str = "") -> bool:
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = raw.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head


def from_html(raw: str, origin: str = "") -> Article:
    """The article text and metadata of a saved page, by trafilatura."""
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - a dependency
        raise UsageError("reading HTML needs trafilatura: pip install trafilatura") from None
    text = trafilatura.extract(raw, output_format="txt", include_comments=False,
                               include_tables=True, favor_recall=True)
    if not text or not text.strip():
        raise UsageError(f"{origin or 'the page'}: no article text found in the HTML")
    meta = trafilatura.extract_metadata(raw)
    day, at = _read_date(getattr(meta, "date", None) or "")
    url = getattr(meta, "url", None)
    return Article(
        text=text,
        title=getattr(meta, "title", None) or None,
        author=_clean_author(getattr(meta, "author", None) or ""),
        outlet=getattr(meta, "sitename", None) or None,
        url=url if url and re.match(r"https?://", url) else None,
        published_on=day,
        published_at=at,
        origin=origin,
    )


def read_article(path: Path) -> Article:
    """An article from a file ('-' is standard input)."""
    import sys

    name = str(path)
    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            if not path.is_file():
                raise UsageError(f"{path} is not a file")
            with open(path, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise UsageError(f"{path} is larger than {MAX_BYTES // 1_000_000} MB: not an article")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None
    if "\x00" in raw:
        raise UsageError(f"{path} holds NUL characters: not a text file")
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if looks_like_html(raw, name):
        return from_html(raw, name)
    return from_text(raw, name)


def with_overrides(article: Article, *, author: str | None = None, made: date | None = None,
                   title: str | None = None, outlet: str | None = None,
                   url: str | None = None) -> Article:
    """Metadata given on the command line wins over the file's."""
    return replace(
        article,
        author=author if author is not None else article.author,
        published_on=made if made is not None else article.published_on,
        published_at=None if made is not None else article.published_at,
        title=title if title is not None else article.title,
        outlet=outlet if outlet is not None else article.outlet,
        url=url if url is not None else article.url,
    )
