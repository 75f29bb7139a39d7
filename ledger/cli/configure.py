"""`ledger config`: where the configuration files are, what each setting is and where it comes
from, and setting one (see ``ledger.config``)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ledger.cli import options as o
from ledger.cli.render import done, emit_json

app = typer.Typer(help="Show and change settings: your own file, and the team's (kept in the "
                  "ledger).", no_args_is_help=True)

Team = Annotated[bool, typer.Option(
    "--team", help="For everyone on this ledger: kept in the ledger itself, audited, on both "
    "backends (default: your own file). Not for personal settings (db, user, pager, "
    "smtp.user, smtp.password).")]


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Where your file and the team's file are (they need not exist)."""
    from ledger import config

    typer.echo(f"user: {config.user_file()}")
    typer.echo(f"team: {ctx.find_root().obj.db} (the ledger itself: `config set --team`)")
    team = config.team_file(ctx.find_root().obj.db)
    typer.echo(f"team file: {team if team else '(none: the ledger is on a server)'}")


@app.command("get")
def get(
    ctx: typer.Context,
    key: Annotated[Optional[str], typer.Argument(
        metavar="[KEY]", show_default=False, help="One setting (default: all of them).")] = None,
    fmt: o.TextOrJson = "text",
) -> None:
    """Each setting's value and where it comes from (environment, a file, or the default)."""
    from ledger import config

    keys = [key] if key else list(config.KEYS)
    for k in keys:
        if k not in config.KEYS:
            raise typer.BadParameter(f"unknown setting {k!r} (known: {', '.join(config.KEYS)})",
                                     param_hint="KEY")
    rows = []
    for k in keys:
        var = config.KEYS[k]
        value = config.env(var)
        if k == "smtp.password" and value:
            value = "(set)"
        rows.append({"key": k, "value": value, "from": config.origin(var), "variable": var})
    if fmt == "json":
        emit_json(rows)
        return
    for r in rows:
        typer.echo(f"{r['key']} = {r['value'] if r['value'] is not None else '(unset)'}"
                   f"  [{r['from']}; {r['variable']}]")


@app.command("set")
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(
        metavar="KEY", show_default=False, help="timezone, smtp.host, ... (see `config get`).")],
    value: Annotated[Optional[str], typer.Argument(
        metavar="[VALUE]", show_default=False, help="Omit it to remove the setting.")] = None,
    team: Team = False,
) -> None:
    """Set one of your settings (with --team, the team's); no VALUE removes it.

    Yours go to your own file; the team's are kept in the ledger itself for everyone who uses
    it (an audited change, on SQLite and PostgreSQL alike)."""
    from ledger import config

    if team:
        lg = ctx.find_root().obj.ledger()
        lg.set_team_setting(key, value)
        done(f"{key} {'= ' + value if value else 'removed'} for everyone on {lg.store.location}")
        return
    target = config.user_file()
    config.write(target, key, value)
    done(f"{key} {'= ' + value if value is not None else 'removed'} in {target}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="config")
