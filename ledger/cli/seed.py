"""`ledger seed` and `ledger demo`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer


class DemoFormat(str, Enum):
    text = "text"
    json = "json"


def seed(
    ctx: typer.Context,
    paths: Optional[list[Path]] = typer.Argument(None, help="Seed files or folders (default: the "
                                                 "seeds shipped with ledger)."),
) -> None:
    """Load seed files: validated whole first, then one transaction; loading twice changes nothing."""
    from ledger.ops import seeds
    from ledger.ops.common import today

    files = seeds.read_files(list(paths)) if paths else seeds.packaged_seeds()
    counts = seeds.load(ctx.obj.open(), ctx.obj.actor, files, today=today())
    added = {k: v for k, v in counts.items() if k != "skipped" and v}
    what = ", ".join(f"{v} {k}" for k, v in added.items()) or "nothing new"
    typer.echo(f"seeded {what} from {len(files)} file(s); {counts['skipped']} already present",
               err=True)


def demo(
    ctx: typer.Context,
    fmt: DemoFormat = typer.Option(DemoFormat.text, "--format", help="text or json."),
) -> None:
    """Create a fresh ledger, load the Xiaomi seeds, print the author's scorecard and claims."""
    import tempfile

    from ledger.ops import seeds
    from ledger.ops.common import today
    from ledger.ops.demo import claim_outcomes
    from ledger.scorecard.build import Request, build
    from ledger.store import migrate

    parent = ctx.find_root()
    explicit = parent.get_parameter_source("db").name not in ("DEFAULT",)
    target = ctx.obj.db if explicit else str(Path(tempfile.mkdtemp(prefix="ledger-demo-")) / "demo.db")
    store = ctx.obj.open(check_schema=False, create=True, target=target)
    migrate.init(store, ctx.obj.actor)
    seeds.load(store, ctx.obj.actor, seeds.packaged_seeds(), today=today())
    report = build(store, Request(as_of=today(), by="author"))
    claims = claim_outcomes(store)
    if fmt is DemoFormat.json:
        from ledger.cli.render import to_json

        typer.echo(to_json({"ledger": store.location, "report": report, "claims": claims}))
        return
    typer.echo(render_demo(report, claims))
    typer.echo(f"The demo ledger is {store.location}. Trace any claim:\n"
               f"  ledger --db {store.location} show xiaomi-us-specific-phone", err=True)


def render_demo(report: dict[str, Any], claims: list[dict[str, Any]]) -> str:
    from ledger.scorecard.render import render_text
    from ledger.tables import grid

    rows = [[c["key"], c["said"] if len(c["said"]) <= 26 else c["said"][:25] + "…", f"{c['p']:.2f}", c["due_on"], c["outcome"] or "open",
             "-" if c["brier"] is None else f"{c['brier']:.3f}"] for c in claims]
    table = grid(rows, ["claim", "said", "p", "due", "outcome", "Brier"])
    return (render_text(report) + "\nHow each call turned out\n------------------------\n"
            + table + "\n\nBrier is shown only for scored calls (true or false, forecast made "
            "before the outcome was known).")


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Seeds")(seed)
    app.command(rich_help_panel="Seeds")(demo)


