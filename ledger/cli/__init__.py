"""The command line: a thin shell that parses, calls ``ledger.Ledger``, and renders.

Only typer is imported at module level; SQLAlchemy, Alembic and pendulum are imported inside
the commands that need them, so ``ledger --help`` and ``ledger --version`` start fast.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from ledger.cli.context import AppState


def _fail(message: str, code: int) -> None:
    first = message.splitlines()[0] if message else "failed"
    print(f"error: {first}", file=sys.stderr)
    sys.exit(code)


def _drop_stdout() -> None:
    """After stdout failed (disk full, size limit), send what is still buffered nowhere, so
    that the interpreter's final flush cannot print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _metavars(command: Any) -> None:
    """Name every value in help as people read it (TEXT, N, PATH, STATEMENT), not by type."""
    for param in command.params:
        if getattr(param, "is_flag", False) or param.metavar is not None:
            continue
        if param.param_type_name == "argument":
            param.metavar = param.name.upper()
        else:
            param.metavar = {"integer": "N", "float": "NUMBER", "path": "PATH"}.get(
                param.type.name, "TEXT")
    for sub in getattr(command, "commands", {}).values():
        _metavars(sub)


class LedgerGroup(TyperGroup):
    """Maps every refusal to one line on stderr and the documented exit code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _metavars(self)
        from ledger.cli.examples import attach

        attach(self)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("standalone_mode", True) is False:
            return super().main(*args, **kwargs)
        # the one place that needs Click's own exception types (typer vendors Click)
        from typer import _click as click

        from ledger.errors import LedgerError

        kwargs["standalone_mode"] = False
        try:
            rv = super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.exceptions.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "ledger"
            _fail(f"{exc.format_message()} (see `{where} --help`)", exc.exit_code)
        except click.exceptions.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except typer.Abort:
            _fail("aborted", 1)
        except LedgerError as exc:
            _fail(str(exc), exc.exit_code)
        except BrokenPipeError:
            sys.exit(1)
        except OSError as exc:  # an output file, stdout, or an input that cannot be read
            if exc.filename is None:
                _drop_stdout()
            what = ("cannot write the output" if exc.filename is None
                    else f"cannot use {exc.filename}")
            _fail(f"{what}: {exc.strerror or exc}", 1)
        except MemoryError:
            _fail("out of memory: the input is too large to process at once", 1)
        except Exception as exc:  # a bug: still one line, the traceback on request
            if os.environ.get("LEDGER_DEBUG"):
                raise
            first = str(exc).splitlines()[0] if str(exc) else ""
            _fail(f"internal error ({type(exc).__name__}: {first}); rerun with LEDGER_DEBUG=1 "
                  "for the traceback and report it", 70)
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(
    cls=LedgerGroup,
    name="ledger",
    help="A prediction ledger: record analysts' calls, resolve them, score the people who "
    "made them.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={
        "help_option_names": ["-h", "--help"],
        "max_content_width": 100,
        "terminal_width": 100,
    },
)


def _version(value: bool) -> None:
    if value:
        from ledger.version import __version__

        print(f"ledger {__version__}")
        raise typer.Exit()


def _actor(given: str | None) -> str:
    """Who is recording: ``--as`` / ``LEDGER_USER`` (refused when blank), or the login name."""
    if given is not None:
        if not given.strip():
            _fail("--as (or LEDGER_USER) must name someone, not be blank", 2)
        return given.strip()
    return _login_name().strip() or "unknown"


def _login_name() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str,
        typer.Option(
            "--db",
            envvar="LEDGER_DB",
            metavar="PATH|URL",
            help="Ledger file path or PostgreSQL URL (postgresql+psycopg://...). Env: LEDGER_DB.",
        ),
    ] = "ledger.db",
    as_: Annotated[
        Optional[str],
        typer.Option(
            "--as",
            envvar="LEDGER_USER",
            metavar="NAME",
            help="Who is recording (default: your login name). Env: LEDGER_USER.",
        ),
    ] = None,
    wait: Annotated[
        Optional[float],
        typer.Option(
            "--wait",
            min=0,
            metavar="SECONDS",
            help="Seconds to wait for another writer's lock (default 10, 30 on a network share; "
            "env LEDGER_BUSY_TIMEOUT).",
        ),
    ] = None,
    new_analyst: Annotated[
        bool,
        typer.Option(
            "--new-analyst",
            help="Let this command add the analysts it names (--as, --by, --author) that the "
            "ledger does not know yet; without it an unknown name is refused with the nearest "
            "ones (`ledger analyst add NAME` adds one for good).",
        ),
    ] = False,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager",
            help="Print long output directly instead of through the pager (LEDGER_PAGER, "
            "PAGER, or less) on a terminal.",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """Global options apply to every command."""
    from ledger import config

    source = ctx.get_parameter_source("db")
    given = source is not None and source.name != "DEFAULT"
    config.load(None, team=False)  # the user's file may name the ledger
    if not given and config.env("LEDGER_DB"):
        db, given = str(config.env("LEDGER_DB")), True
    state = AppState(
        db=db,
        actor=_actor(as_ if as_ is not None else config.env("LEDGER_USER")),  # personal
        wait=wait,
        db_given=given,
        pager=not no_pager,
        clock=config.today,
        new_analysts=new_analyst,
    )
    # ... the team's settings are in the ledger, and in the file beside it
    config.load(db, ledger=state.team_settings, where=f"the ledger ({db})")
    ctx.obj = state
    ctx.call_on_close(state.close)


from ledger.cli import configure as _configure  # noqa: E402 - commands register on `app`
from ledger.cli import db as _db  # noqa: E402
from ledger.cli import exchange as _exchange  # noqa: E402
from ledger.cli import extract as _extract  # noqa: E402
from ledger.cli import keys as _keys  # noqa: E402
from ledger.cli import people as _people  # noqa: E402
from ledger.cli import record as _record  # noqa: E402
from ledger.cli import report as _report  # noqa: E402
from ledger.cli import review as _review  # noqa: E402
from ledger.cli import seed as _seed  # noqa: E402

_record.register(app)
_review.register(app)
_report.register(app)
_exchange.register(app)
_seed.register(app)
_extract.register(app)
_people.register(app)
_configure.register(app)
_keys.register(app)
app.add_typer(_db.app, name="db")


#: Root options that take a value (the value is not the command's name).
_VALUED = ("--db", "--as", "--wait")


def _invoked(args: list[str]) -> tuple[str | None, set[str]]:
    """The command a command line names (the first word after the root options), if any,
    and the root options it gives (their values left out)."""
    flags: set[str] = set()
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--":
            return (args[i + 1] if i + 1 < len(args) else None), flags
        if word.split("=", 1)[0] in _VALUED:
            i += 1 if "=" in word else 2
            continue
        if word.startswith("-"):
            flags.add(word)
            i += 1
            continue
        return word, flags
    return None, flags


def main() -> None:
    """Build only the command the line names (Typer builds every command's Click object and
    reads every signature; one is all a run needs), none for ``--version``. Help for the
    whole tool, completion, and a name that is not a command (for "did you mean") get every
    command."""
    from typer.main import get_command_name

    from ledger import lifetime

    lifetime.starting()  # already done by ledger.__main__, the installed command
    name, flags = _invoked(sys.argv[1:])
    if os.environ.get("_LEDGER_COMPLETE"):
        name = None
    elif name is None and "--version" in flags and not flags & {"--help", "-h"}:
        # --version prints and exits before any command is looked at: build none
        app.registered_commands[:] = []
        app.registered_groups[:] = []
    if name is not None:
        commands = [c for c in app.registered_commands
                    if (c.name or get_command_name(getattr(c.callback, "__name__", ""))) == name]
        groups = [g for g in app.registered_groups if g.name == name]
        if commands or groups:
            app.registered_commands[:] = commands
            app.registered_groups[:] = groups
    try:
        app()
    finally:
        lifetime.ending()
