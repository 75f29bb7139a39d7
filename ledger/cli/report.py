"""`ledger report`: the periodic scorecard."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer


class ReportFormat(str, Enum):
    text = "text"
    md = "md"
    csv = "csv"
    json = "json"
    html = "html"


class GroupBy(str, Enum):
    author = "author"
    tag = "tag"
    subject = "subject"
    phrase = "phrase"


class Every(str, Enum):
    month = "month"
    quarter = "quarter"
    year = "year"


EXT = {"text": "txt", "md": "md", "csv": "csv", "json": "json", "html": "html"}


def report(
    ctx: typer.Context,
    period: Optional[str] = typer.Option(None, "--period", help="2015, 2015Q4, 2015-12 or FROM..TO: "
                                         "claims whose outcome became known then."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Only what had been recorded by this "
                                        "day (reproduces an earlier scorecard exactly)."),
    by: GroupBy = typer.Option(GroupBy.author, "--by", help="Group by author, tag, subject or phrase."),
    every: Optional[Every] = typer.Option(None, "--every", help="Add a trend table: month, quarter or year."),
    fmt: ReportFormat = typer.Option(ReportFormat.text, "--format", help="Output format."),
    out: Optional[Path] = typer.Option(None, "--out", help="File to write, or a folder for a dated "
                                       "name such as reports/2015-Q4-scorecard.md."),
) -> None:
    """Scorecard: Brier (0..1) with 95% intervals, baseline score, skill, calibration, Murphy."""
    from ledger.core.dates import parse_day
    from ledger.ops.common import today
    from ledger.scorecard import build as b
    from ledger.scorecard.periods import parse_period

    day = parse_day(as_of, today=today(), what="as-of date") if as_of else today()
    per = parse_period(period, today=day) if period else None
    req = b.Request(as_of=day, period=per, by=by.value, every=every.value if every else None)
    data = b.build(ctx.obj.open(), req)
    text = render(data, fmt.value)
    if out is None:
        typer.echo(text, nl=False)
        return
    path = out
    if out.is_dir():
        label = per.label if per else day.isoformat()
        path = out / f"{label}-scorecard.{EXT[fmt.value]}"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    typer.echo(f"wrote {path}", err=True)


def render(data: dict, fmt: str) -> str:
    from ledger.scorecard import render as r

    if fmt == "json":
        return r.render_json(data)
    if fmt == "csv":
        return r.render_csv(data)
    if fmt == "html":
        from ledger.scorecard.html import render_html

        return render_html(data)
    return r.render_text(data, md=fmt == "md")


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Score")(report)
