"""`ledger db ...`: create, upgrade, inspect, check, back up and copy a ledger."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from ledger.cli import options as o
from ledger.cli.render import Columns, done, emit, emit_json

app = typer.Typer(help="Create, upgrade, inspect, check and back up the ledger database.",
                  no_args_is_help=True)


@app.command()
def init(ctx: typer.Context) -> None:
    """Create a new ledger at the newest schema. Refuses a file that already holds data."""
    from ledger.store import admin

    store = ctx.obj.store(create=True)
    rev = admin.init(store, ctx.obj.actor)
    done(f"created ledger {store.location} (schema {rev})")


@app.command()
def upgrade(ctx: typer.Context) -> None:
    """Back up the file, then migrate it to this tool's schema in one transaction."""
    from ledger.store import admin

    store = ctx.obj.store()
    res = admin.upgrade(store)
    if res.before == res.after:
        done(f"{store.location} is already at schema {res.after}; nothing to do")
        return
    if res.backup:
        done(f"backup written to {res.backup}")
    done(f"upgraded {store.location} from schema {res.before} to {res.after}")


STATUS = Columns(text=["field", "value"], full=["field", "value"])


@app.command()
def status(ctx: typer.Context, fmt: o.ListingFormat = "text") -> None:
    """Where the ledger is, its schema revision, journal mode and row counts."""
    from dataclasses import asdict

    from ledger.store import admin

    st = asdict(admin.status(ctx.obj.store()))
    if fmt == "json":
        emit_json(st)
        return
    items: list[tuple[str, Any]] = [
        ("location", st["location"]), ("backend", st["backend"]),
        ("schema", f"{st['schema_revision'] or '-'} ({st['state']}; this tool: "
                   f"{st['expected_revision']})")]
    if st["backend"] == "sqlite":
        items += [("journal mode", st["journal_mode"]),
                  ("filesystem", f"{st['filesystem'] or 'unknown'}"
                                 f"{' (network share)' if st['network'] else ''}"),
                  ("size", f"{st['size_bytes']} bytes"), ("sqlite", st["sqlite_version"])]
    items += [(f"rows: {k}", v) for k, v in st["rows"].items()]
    rows = [{"field": k, "value": v} for k, v in items]
    if fmt == "text":
        from ledger.core.safety import for_terminal
        from ledger.textgrid import grid

        typer.echo(for_terminal(grid([[k, "" if v is None else str(v)] for k, v in items], (),
                                     "plain")))
    else:
        emit(rows, fmt, STATUS)


@app.command()
def check(ctx: typer.Context,
          quick: Annotated[bool, typer.Option("--quick", help="quick_check instead of the full "
                                                   "integrity_check on SQLite.")] = False,
          anchor: Annotated[Optional[str], typer.Option(
              "--anchor", metavar="HEAD",
              help="A head published earlier (N:HASH from `ledger db anchor`, a bare hash, or "
                   "a report file): fail unless the history still holds it.")] = None) -> None:
    """Integrity, foreign keys, schema, audit chain (event order, every row against its
    events; with --anchor, the history before a published head). Exit 1 names every problem."""
    from ledger.ops.anchor import parse_anchor
    from ledger.store import admin

    head = None if anchor is None else parse_anchor(anchor)
    store = ctx.obj.store()
    problems = admin.check(store, full=not quick, anchor=head)
    if problems:
        for p in problems:
            typer.echo(f"problem: {p}", err=True)
        typer.echo(f"error: {len(problems)} problem(s) found in {store.location}", err=True)
        raise typer.Exit(1)
    done(f"ok: {store.location} passed every check")


@app.command("anchor")
def anchor_(ctx: typer.Context, fmt: o.TextOrJson = "text") -> None:
    """Print the chain head (N:HASH) to paste elsewhere; `db check --anchor` proves it later."""
    head = ctx.obj.ledger().anchor()
    if fmt == "json":
        emit_json(head.as_json())
    else:
        typer.echo(str(head))


@app.command()
def grace(
    ctx: typer.Context,
    days: Annotated[Optional[int], typer.Argument(
        metavar="[DAYS]", show_default=False,
        help="New grace period in days (0-366); without it, print the current one.")] = None,
    note: o.Note = None,
) -> None:
    """The days a forecast may be entered after its date and still count (typing delays);
    default 2. Reports state it; earlier reports keep the value they were made with."""
    lg = ctx.obj.ledger()
    if days is None:
        typer.echo(str(lg.grace()))
        return
    d = lg.set_grace(days, note=note)
    done(f"grace period set to {d.detail} days; event {d.event}")


@app.command("require-signatures")
def require_signatures(
    ctx: typer.Context,
    state: Annotated[o.OnOff, typer.Argument(
        metavar="on|off", show_default=False,
        help="on: a change by an analyst with a key must be signed with it, or it is refused.")],
    note: o.Note = None,
) -> None:
    """Refuse unsigned changes by analysts who have a key (`ledger key new`); audited."""
    d = ctx.obj.ledger().require_signatures(state == "on", note=note)
    done(f"signatures required: {d.detail}; event {d.event}")


@app.command()
def backup(
    ctx: typer.Context,
    dest: Annotated[
        str,
        typer.Argument(
            metavar="FILE", show_default=False,
            help="New file to write; never overwritten. A folder (an existing one, or a path "
            "ending in '/') gets NAME-backup-DAY.db.",
        ),
    ],
) -> None:
    """A consistent online copy while others keep writing (a SQLite file, from either backend)."""
    from ledger.cli.render import resolve_out

    lg = ctx.obj.ledger()
    stem = lg.store.path.stem if lg.store.path is not None else "ledger"
    out = lg.backup(resolve_out(dest, f"{stem}-backup-{lg.today().isoformat()}.db"))
    done(f"backup written to {out}")


@app.command()
def copy(
    ctx: typer.Context,
    dest: Annotated[
        str,
        typer.Argument(
            metavar="DEST",
            show_default=False,
            help="New ledger: a file path or a PostgreSQL URL of an empty database.",
        ),
    ],
) -> None:
    """Copy the whole ledger (rows, ids, audit chain, the team's settings) into a new, empty
    ledger. Settings in ledger.toml beside the file are recorded in the copy, except a file
    path (named on stderr)."""
    from ledger import config
    from ledger.core.settings import FILE_ONLY

    lg = ctx.obj.ledger()
    held = lg.team_settings()
    toml = config.team_values(ctx.obj.db)
    carry = {k: v for k, v in toml.items() if k not in FILE_ONLY and k not in held}
    dst = ctx.obj.store(dest, create=True)
    counts = lg.copy(dst, carry=carry)
    done(f"copied {sum(counts.values())} rows from {lg.store.location} to {dst.location}")
    if carry:
        done(f"team settings from {config.team_file(ctx.obj.db)} now kept in the copy: "
             f"{', '.join(sorted(carry))}")
    for k in sorted(set(toml) & set(FILE_ONLY)):
        typer.echo(f"warning: {k} = {toml[k]} stays in ledger.toml: it {FILE_ONLY[k]}; "
                   "the copy does not hold it", err=True)


@app.command()
def journal(
    ctx: typer.Context,
    mode: Annotated[
        o.JournalMode,
        typer.Argument(
            metavar="MODE", show_default=False, help="delete (default, safe on shares) or wal."
        ),
    ],
) -> None:
    """Switch a SQLite file's journal mode. WAL is refused on a network filesystem."""
    store = ctx.obj.ledger().store
    got = store.set_journal(mode)
    done(f"{store.location} now uses journal mode {got}")
