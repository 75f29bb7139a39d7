"""`ledger config`: where the configuration files are, what each setting is and where it comes
from, and setting one (see ``ledger.config``)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ledger.cli import options as o
from ledger.cli.render import done, emit_json

app = typer.Typer(help="Show and change settings: your file, and the team's ledger.toml.",
                  no_args_is_help=True)

Team = Annotated[bool, typer.Option(
    "--team", help="The team's ledger.toml beside the ledger file (default: your own file).")]


def _file(ctx: typer.Context, team: bool) -> object:
    from ledger import config

    if not team:
        return config.user_file()
    path = config.team_file(ctx.find_root().obj.db)
    if path is None:
        raise typer.BadParameter("a PostgreSQL ledger has no team file beside it; use your own "
                                 "file or the environment", param_hint="--team")
    return path


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Where your file and the team's file are (they need not exist)."""
    from ledger import config

    typer.echo(f"user: {config.user_file()}")
    team = config.team_file(ctx.find_root().obj.db)
    typer.echo(f"team: {team if team else '(none: the ledger is on a server)'}")


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
    """Set a setting in your file (or, with --team, in ledger.toml); no VALUE removes it."""
    from pathlib import Path

    from ledger import config

    target = Path(str(_file(ctx, team)))
    if team and key in config.PERSONAL:
        raise typer.BadParameter(f"{key} is personal: set it in your own file", param_hint="KEY")
    if key == "timezone" and value:
        from ledger.core.zones import zone_of

        zone_of(value)
    config.write(target, key, value)
    done(f"{key} {'= ' + value if value is not None else 'removed'} in {target}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="config")
