"""`ledger report`: the periodic scorecard."""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ledger.cli import options as o
from ledger.cli.render import done, resolve_out, write_folder, write_output

EXT = {"text": "txt", "md": "md", "csv": "csv", "json": "json", "html": "html"}


class GroupBy(StrEnum):
    author = "author"
    tag = "tag"
    subject = "subject"
    phrase = "phrase"


class Every(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


def report(
    ctx: typer.Context,
    period: Annotated[
        Optional[str],
        typer.Option(
            metavar="PERIOD",
            help="2015, 2015Q4, 2015-12 or FROM..TO: claims whose outcome became known then.",
        ),
    ] = None,
    as_of: Annotated[
        Optional[date],
        typer.Option(
            parser=o.read_day,
            metavar="DATE",
            help="Only what had been recorded by this day "
            "(reproduces an earlier scorecard exactly).",
        ),
    ] = None,
    group_by: Annotated[
        GroupBy, typer.Option("--group-by", "--by", help="Group by author, tag, subject or phrase.")
    ] = GroupBy.author,
    every: Annotated[
        Optional[Every], typer.Option(help="Add a trend table: month, quarter or year.")
    ] = None,
    fmt: Annotated[o.ReportFormatChoice, typer.Option("--format", help="Output format.")] = "text",
    out: o.Out = None,
    force: o.Force = False,
) -> None:
    """Scorecard: Brier with 95% intervals, baseline score, skill, calibration, Murphy.

    Brier is on the 0..1 scale (0 is perfect, 0.25 is always-50%). `--format html` is one
    self-contained file; `--format site --out DIR` a folder of pages (an index, a page per
    analyst and per claim) that opens from disk or any share, with no network."""
    from ledger.scorecard.periods import parse_period

    if fmt == "site" and out is None:
        from ledger.errors import UsageError

        raise UsageError("--format site writes a folder: give it with --out DIR")
    lg = ctx.obj.ledger()
    day = as_of or lg.today()
    per = parse_period(period, today=day) if period else None
    from ledger.cli.progress import progress_bar

    step = every.value if every else None
    if fmt in ("site", "html") and group_by != GroupBy.author:
        from ledger.errors import UsageError

        raise UsageError(f"--format {fmt} is by analyst; use --group-by with text, md, json "
                         "or csv")
    with progress_bar("scoring") or nullcontext() as bar:
        if fmt == "site":
            assert out is not None
            n = write_folder(Path(out), lg.report_pages(site=True, as_of=day, period=per,
                                                  every=step, progress=bar), force=force)
        elif fmt == "html":
            text = lg.report_pages(as_of=day, period=per, every=step, progress=bar)
        else:
            text = render(lg.report(as_of=day, period=per, group_by=group_by.value,
                                    every=step, progress=bar), fmt)
    if fmt == "site":
        assert out is not None
        site = Path(os.path.abspath(out))
        done(f"wrote {n} pages to {site}/ (open {site / 'index.html'})")
        return
    if out is None:
        sys.stdout.write(text)
        return
    label = per.label if per else day.isoformat()
    path = resolve_out(out, f"{label}-scorecard.{EXT[fmt]}")
    write_output(path, lambda fh: fh.write(text), force=force)
    done(f"wrote {path}")


def render(data: dict[str, Any], fmt: str) -> str:
    from ledger.scorecard import render as r

    if fmt == "json":
        return r.render_json(data)
    if fmt == "csv":
        return r.render_csv(data)
    return r.render_text(data, md=fmt == "md")


def register(app: typer.Typer) -> None:
    app.command()(report)
