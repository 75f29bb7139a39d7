"""`ledger extract`: propose the forward-looking statements of an article, for review."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from ledger.cli import options as o
from ledger.cli.render import done, resolve_out, write_output

ExtractFormat = Literal["toml", "json"]


def extract(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(
        metavar="FILE", show_default=False,
        help="The article: plain text or Markdown (optionally opening with 'key: value' lines "
        "for url, author, outlet, date and title, then a line '---'), or a saved HTML page; "
        "'-' reads standard input.")],
    author: Annotated[Optional[str], typer.Option(
        metavar="NAME", help="The article's author (wins over the file's).")] = None,
    made: Annotated[Optional[date], o.day_option(
        "--made", help="The article's date, which horizons are read from (wins over the "
        "file's)")] = None,
    source_key: Annotated[Optional[str], typer.Option(
        "--source-key", metavar="KEY", help="Key of the source in the seed file (default: "
        "from the title and date).")] = None,
    fmt: Annotated[ExtractFormat, typer.Option(
        "--format", help="toml: a seed file to review and load with `ledger seed`; json: "
        "for programs.")] = "toml",
    out: o.Out = None,
    force: o.Force = False,
) -> None:
    """Propose the forward-looking statements in an article as claims, for review.

    Each proposal has the verbatim quote, a checkable statement, who holds it (the author's
    own view or attributed), the hedge and its probability through the phrase table, the due
    date and where it came from, and whether a careful analyst would record it and why. No
    database is opened."""
    from ledger.core.keys import check_key, clean_text
    from ledger.errors import UsageError
    from ledger.extract import propose, read_article
    from ledger.extract.output import source_of, to_json, to_toml
    from ledger.extract.reading import with_overrides

    article = with_overrides(read_article(file), made=made,
                             author=clean_text(author, "--author", limit=200))
    day = article.published_on
    if day is None:
        raise UsageError(f"{file}: the article's date is not known (no 'date:' line): give it "
                         "with --made DATE")
    key = check_key(source_key, "--source-key") if source_key else None
    proposals = propose(article, day)
    source = source_of(article, day, key)
    text = (to_json(source, proposals) if fmt == "json"
            else to_toml(source, proposals, recorder=ctx.obj.actor))
    if out is None:
        sys.stdout.write(text)
    else:
        path = resolve_out(out, f"{source.key}.{fmt}")
        write_output(path, lambda fh: fh.write(text), force=force)
        done(f"wrote {path}")
    recorded = sum(p.record for p in proposals)
    done(f"{len(proposals)} forward-looking statements proposed, {recorded} worth recording; "
         + ("review them, then `ledger seed` the file" if fmt == "toml" else ""))


def register(app: typer.Typer) -> None:
    app.command()(extract)
