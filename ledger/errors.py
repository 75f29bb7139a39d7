"""The tool's own errors: each carries the exit code and one line for the user.

Library functions raise these; the CLI turns them into one line on stderr and the exit code,
never a traceback.
"""

from __future__ import annotations


class LedgerError(Exception):
    """A refusal the user can act on. Exit code 1 unless a subclass says otherwise."""

    exit_code = 1


class UsageError(LedgerError):
    """A value on the command line that cannot be read (bad date, bad probability)."""

    exit_code = 2


class NotFound(LedgerError):
    pass


class Conflict(LedgerError):
    """Someone else changed the thing between your read and your write."""


class RuleViolation(LedgerError):
    """The input is readable but breaks a rule of the ledger (due before made, ...).

    ``field`` names the record field the rule is about, so that a seed file or an import can
    say where the problem is in its own terms.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SchemaMismatch(LedgerError):
    """The file is older or newer than the tool, or not a ledger at all."""

    exit_code = 3


class StorageBusy(LedgerError):
    """Another process held the write lock for longer than the wait budget."""

    exit_code = 75


class StorageError(LedgerError):
    """The database could not be opened or written (permissions, disk, network)."""
