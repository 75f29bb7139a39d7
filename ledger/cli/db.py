"""`ledger db ...`: create, upgrade, inspect, check, back up and copy a ledger."""

from __future__ import annotations

from pathlib import Path

import typer

from ledger.cli.render import Format

app = typer.Typer(help="Create, upgrade, inspect, check and back up the ledger database.",
                  no_args_is_help=True)


@app.command()
def init(ctx: typer.Context) -> None:
    """Create a new ledger at the newest schema. Refuses a file that already holds data."""
    from ledger.store import migrate

    store = ctx.obj.open(check_schema=False, create=True)
    rev = migrate.init(store, ctx.obj.actor)
    typer.echo(f"created ledger {store.location} (schema {rev})", err=True)


@app.command()
def upgrade(ctx: typer.Context) -> None:
    """Back up the file, then migrate it to this tool's schema in one transaction."""
    from ledger.store import migrate

    store = ctx.obj.open(check_schema=False)
    res = migrate.upgrade(store)
    if res.before == res.after:
        typer.echo(f"{store.location} is already at schema {res.after}; nothing to do", err=True)
        return
    if res.backup:
        typer.echo(f"backup written to {res.backup}", err=True)
    typer.echo(f"upgraded {store.location} from schema {res.before} to {res.after}", err=True)


@app.command()
def status(ctx: typer.Context,
           fmt: Format = typer.Option(Format.text, "--format", help="Output format.")) -> None:
    """Where the ledger is, its schema revision, journal mode and row counts."""
    from ledger.cli.render import pairs
    from ledger.store import migrate

    store = ctx.obj.open(check_schema=False)
    st = migrate.status(store)
    state = ("current" if st.revision == st.expected else
             "not a ledger" if st.revision is None else "differs from this tool")
    items = [
        ("location", st.location),
        ("backend", st.backend),
        ("schema", f"{st.revision or '-'} ({state}; this tool: {st.expected})"),
    ]
    if st.backend == "sqlite":
        items += [
            ("journal mode", st.journal_mode),
            ("filesystem", f"{st.filesystem or 'unknown'}{' (network share)' if st.network else ''}"),
            ("size", f"{st.size_bytes} bytes"),
            ("sqlite", st.sqlite_version),
        ]
    items += [(f"rows: {k}", v) for k, v in st.counts.items()]
    typer.echo(pairs(items, fmt))


@app.command()
def check(ctx: typer.Context,
          quick: bool = typer.Option(False, "--quick", help="quick_check instead of the full "
                                     "integrity_check on SQLite.")) -> None:
    """Integrity, foreign keys, schema against the models, audit chain. Exit 1 names every problem."""
    from ledger.store import migrate

    store = ctx.obj.open(check_schema=False)
    problems = migrate.check(store, full=not quick)
    if problems:
        for p in problems:
            typer.echo(f"problem: {p}", err=True)
        typer.echo(f"error: {len(problems)} problem(s) found in {store.location}", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {store.location} passed every check", err=True)


@app.command()
def backup(ctx: typer.Context,
           dest: Path = typer.Argument(..., help="New file to write; never overwritten.")) -> None:
    """A consistent online copy while others keep writing (a SQLite file, from either backend)."""
    from ledger.store import migrate

    store = ctx.obj.open()
    out = migrate.backup(store, dest)
    typer.echo(f"backup written to {out}", err=True)


@app.command()
def copy(ctx: typer.Context,
         dest: str = typer.Argument(..., help="New ledger: a file path or a PostgreSQL URL of an "
                                    "empty database.")) -> None:
    """Copy the whole ledger (rows, ids, audit chain) into a new, empty ledger."""
    from ledger.store import migrate

    src = ctx.obj.open()
    dst = ctx.obj.open(check_schema=False, create=True, target=dest)
    counts = migrate.copy_ledger(src, dst)
    total = sum(counts.values())
    typer.echo(f"copied {total} rows from {src.location} to {dst.location}", err=True)


@app.command()
def journal(ctx: typer.Context,
            mode: str = typer.Argument(..., help="delete (default, safe on shares) or wal.")) -> None:
    """Switch a SQLite file's journal mode. WAL is refused on a network filesystem."""
    store = ctx.obj.open()
    got = store.set_journal(mode)
    typer.echo(f"{store.location} now uses journal mode {got}", err=True)
