"""`ledger seed` and `ledger demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ledger.cli import options as o
from ledger.cli.render import done, emit_json


def seed(
    ctx: typer.Context,
    paths: Annotated[Optional[list[Path]], typer.Argument(
        metavar="[PATH]...", show_default=False,
        help="Seed files or folders (default: the seeds shipped with ledger).")] = None,
) -> None:
    """Load seed files: checked whole, then loaded in one transaction.

    Loading the same files twice changes nothing; an entry that differs from the ledger is
    reported, never merged."""
    from ledger.ops import seeds

    files = seeds.read_files(list(paths)) if paths else seeds.packaged_seeds()
    counts = ctx.obj.ledger().seed(files)
    added = {k: v for k, v in counts.items() if k != "skipped" and v}
    what = ", ".join(f"{v} {k}" for k, v in added.items()) or "nothing new"
    done(f"seeded {what} from {len(files)} file(s); {counts['skipped']} already present")


def demo(
    ctx: typer.Context,
    fmt: o.TextOrJson = "text",
) -> None:
    """A fresh ledger with the Xiaomi seeds: the author's scorecard and each call's fate."""
    import tempfile

    from ledger.ops.demo import run_demo

    state = ctx.obj
    target = (state.db if state.db_given
              else str(Path(tempfile.mkdtemp(prefix="ledger-demo-")) / "demo.db"))
    result = run_demo(state.store(target, create=True), state.actor, today=state.today())
    if fmt == "json":
        emit_json({"ledger": result.location, "report": result.report, "claims": result.claims})
        return
    from ledger.core.safety import for_terminal

    typer.echo(for_terminal(render_demo(result.report, result.claims)))
    done(f"The demo ledger is {result.location}. Trace any claim:\n"
         f"  ledger --db {result.location} show xiaomi-us-specific-phone")


def render_demo(report: dict[str, Any], claims: list[dict[str, Any]]) -> str:
    from ledger.cli.render import Columns, grid
    from ledger.scorecard.render import render_text

    rows = [{**c, "outcome": c["outcome"] or "open",
             "other_readings": ", ".join(c["other_readings"]) or "-",
             "brier": "-" if c["brier"] is None else f"{c['brier']:.3f}"} for c in claims]
    cols = Columns(text=["key", "said", "probability", "due_on", "outcome", "other_readings",
                         "brier"], full=[],
                   labels={"key": "claim", "probability": "p", "due_on": "due", "brier": "Brier",
                           "other_readings": "contested"},
                   caps={"said": 26})
    table = grid(rows, cols.text, cols.labels, "text", cols.caps)
    import textwrap

    note = ("Brier is shown only for scored calls (true or false, forecast made before the "
            "outcome was known). contested: the outcome under other defensible readings of the "
            "criteria (`ledger show KEY` says why); the scorecard's range covers every "
            "combination of them.")
    return (render_text(report) + "\nHow each call turned out\n------------------------\n"
            + table + "\n\n" + textwrap.fill(note, 100, break_on_hyphens=False))


def register(app: typer.Typer) -> None:
    app.command()(seed)
    app.command()(demo)
