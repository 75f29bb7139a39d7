"""The command line: a thin shell that parses, calls the library, and renders.

Only typer is imported at module level; SQLAlchemy, Alembic and pendulum are imported inside
the commands that need them, so ``ledger --help`` and ``ledger --version`` start fast.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Optional

import typer
from typer.core import TyperGroup

from ledger import __version__
from ledger.cli.context import AppState


class LedgerGroup(TyperGroup):
    """Maps every refusal to one line on stderr and the documented exit code."""

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        from typer import exceptions as tx
        from typer._click import exceptions as cx

        from ledger.errors import LedgerError

        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except cx.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except cx.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "ledger"
            _fail(f"{exc.format_message()} (see `{where} --help`)", exc.exit_code)
        except cx.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except tx.Abort:
            _fail("aborted", 1)
        except LedgerError as exc:
            _fail(str(exc), exc.exit_code)
        except BrokenPipeError:
            sys.exit(1)
        except Exception as exc:  # a bug: still one line, the traceback on request
            if os.environ.get("LEDGER_DEBUG"):
                raise
            _fail(f"internal error ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); "
                  "rerun with LEDGER_DEBUG=1 for the traceback and report it", 70)
        sys.exit(rv if isinstance(rv, int) else 0)


def _fail(message: str, code: int) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(code)


app = typer.Typer(
    cls=LedgerGroup,
    name="ledger",
    help="A prediction ledger: record analysts' calls, resolve them, score the people who made them.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        print(f"ledger {__version__}")
        raise typer.Exit()


def _login_name() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "unknown"


@app.callback()
def root(
    ctx: typer.Context,
    db: str = typer.Option(
        "ledger.db", "--db", envvar="LEDGER_DB", show_default=True,
        help="Ledger file path or PostgreSQL URL (postgresql+psycopg://...). Env: LEDGER_DB.",
    ),
    as_: Optional[str] = typer.Option(
        None, "--as", envvar="LEDGER_USER",
        help="Who is recording (default: your login name). Env: LEDGER_USER.",
    ),
    wait: Optional[float] = typer.Option(
        None, "--wait", min=0,
        help="Seconds to wait for another writer's lock (default 10, 30 on a network share; "
        "env LEDGER_BUSY_TIMEOUT).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Global options apply to every command."""
    state = AppState(db=db, actor=(as_ or _login_name()).strip() or "unknown", wait=wait)
    ctx.obj = state
    ctx.call_on_close(state.close)


from ledger.cli import claims as _claims  # noqa: E402
from ledger.cli import db as _db  # noqa: E402
from ledger.cli import report as _report  # noqa: E402
from ledger.cli import seed as _seed  # noqa: E402
from ledger.cli import transfer as _transfer  # noqa: E402
from ledger.cli import views as _views  # noqa: E402

_claims.register(app)
_views.register(app)
_report.register(app)
_transfer.register(app)
_seed.register(app)
app.add_typer(_db.app, name="db", rich_help_panel="Database")


def main() -> None:
    app()
