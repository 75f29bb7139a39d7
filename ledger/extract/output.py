"""The two forms of an extraction: JSON for programs (``{"source": ..., "proposals": [...]}``,
schema ``extract`` in docs/json.md) and a seed file for the analyst, every claim marked
``review = "pending"``: they accept, reject or edit each, then load it with ``ledger seed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from ledger.core.keys import slugify
from ledger.errors import UsageError
from ledger.extract.propose import Proposal
from ledger.extract.reading import Article

REVIEW_HELP = """\
# Proposed by `ledger extract` from {origin}.
# Review every claim below: set review = "accepted" or "rejected", and edit what needs it (the
# statement, criteria, tags, due date). `ledger seed` refuses the file while any claim is
# "pending", skips the rejected ones and loads the accepted ones.
# A claim with no horizon in the text has no due_on: give one (due_basis = "assigned" and a
# due_note saying why) before accepting it. The comment above each claim says whether a careful
# analyst would record it, and why.
"""


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    author: str | None
    outlet: str | None
    url: str | None
    published_on: date
    published_at: datetime | None
    origin: str

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "author": self.author,
                "outlet": self.outlet, "url": self.url, "published_on": self.published_on,
                "published_at": self.published_at, "file": self.origin}


def source_of(article: Article, made: date, key: str | None) -> Source:
    title = article.title or article.outlet or "Untitled article"
    return Source(key=key or f"{slugify(title, 60)}-{made.isoformat()}", title=title,
                  author=article.author, outlet=article.outlet, url=article.url,
                  published_on=made, published_at=article.published_at,
                  origin=article.origin or "-")


def proposal_json(p: Proposal) -> dict[str, Any]:
    return {
        "quote": p.quote, "start": p.start, "end": p.end, "statement": p.statement,
        "holder": p.holder, "view": p.view, "kind": p.kind, "phrase": p.phrase,
        "table_phrase": p.table_phrase, "probability": p.probability,
        "band": list(p.band) if p.band else None, "vague": p.vague,
        "due_on": p.due_on, "due_basis": p.due_basis,
        "due_text": p.due_text or None, "record": p.record, "reason": p.reason,
    }


def to_json(source: Source, proposals: list[Proposal]) -> str:
    """In the ledger's one JSON vocabulary (ISO days, UTC instants: ``ledger.core.jsonenc``)."""
    from ledger.core.jsonenc import pretty

    return pretty({"source": source.as_json(),
                   "proposals": [proposal_json(p) for p in proposals]}) + "\n"


def _v(value: Any) -> str:
    """One TOML value."""
    import tomli_w

    return tomli_w.dumps({"x": value})[4:].rstrip("\n")


def _keys(proposals: list[Proposal]) -> list[str]:
    taken: set[str] = set()
    out = []
    for p in proposals:
        base = slugify(p.statement)
        key, n = base, 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
        taken.add(key)
        out.append(key)
    return out


def to_toml(source: Source, proposals: list[Proposal], *, recorder: str,
            now: datetime | None = None) -> str:
    """A seed file of the proposals, each pending review."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    author = source.author or source.outlet
    if not author:
        raise UsageError("the article's author is not known: give it with --author NAME")
    holders = [author, *sorted({p.holder for p in proposals if p.holder} - {author})]
    lines = [REVIEW_HELP.format(origin=source.origin), f"recorded_at = {_v(now)}",
             f"recorded_by = {_v(recorder)}", ""]
    for name in holders:
        lines += ["[[analysts]]", f"name = {_v(name)}", ""]
    lines += ["[[sources]]", f"key = {_v(source.key)}", f"title = {_v(source.title)}"]
    if source.outlet:
        lines.append(f"outlet = {_v(source.outlet)}")
    if source.url:
        lines.append(f"url = {_v(source.url)}")
    if source.published_at:
        lines.append(f"published_at = {_v(source.published_at)}")
    else:
        lines.append(f"published_on = {_v(source.published_on)}")
    lines += [f"authors = {_v([author])}", ""]
    for key, p in zip(_keys(proposals), proposals, strict=True):
        prob = ("no probability: the words are not in the phrase table (add forecast = "
                "{ p = ... } if you read one)" if not p.table_phrase else
                f"{p.phrase!r} -> {p.table_phrase}"
                + (" (vague: recorded, never scored)" if p.vague else
                   f" ({p.probability:.0%})" if p.probability is not None else ""))
        lines += [
            f"# record: {'yes' if p.record else 'no'} ({p.reason}); view: {p.view}"
            f"{'' if p.holder else ' (holder not named: check the author)'}; kind: {p.kind}",
            f"# hedge: {prob}",
            "[[claims]]",
            'review = "pending"',
            f"key = {_v(key)}",
            f"statement = {_v(p.statement)}",
            f"quote = {_v(p.quote)}",
            f"author = {_v(p.holder or author)}",
            f"source = {_v(source.key)}",
            f"made_on = {_v(source.published_on)}",
        ]
        if p.due_on is not None:
            basis = "stated" if p.due_basis == "stated" else "inferred"
            lines += [f"due_on = {_v(p.due_on)}", f"due_basis = {_v(basis)}",
                      f"due_note = {_v(p.due_text if basis == 'stated' else 'from ' + p.due_text)}"]
        else:
            lines += ["# no horizon in the text: give due_on (and a due_note) before accepting",
                      'due_basis = "assigned"']
        if p.table_phrase:
            lines.append(f"forecast = {{ phrase = {_v(p.table_phrase)}, words = {_v(p.phrase)} }}")
        lines.append("")
    return "\n".join(lines)
