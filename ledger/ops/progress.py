"""How long jobs report progress: ``progress(done, total, phase)``, every ``STEP`` items and at
the end of each phase, so the caller's bar moves for the whole job (``ledger.cli.progress``)."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int, str], None] | None
STEP = 2000


def tick(progress: Progress, done: int, total: int, phase: str) -> None:
    if progress is not None and (done % STEP == 0 or done == total):
        progress(done, total, phase)
