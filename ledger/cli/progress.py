"""Progress on long jobs: rich's bar on a terminal (stderr), nothing when piped.

Library functions report ``progress(done, total, phase)``; a job goes through phases (reading,
checking, writing claims, forecasts, ...), each with its own count, so the bar moves for the
whole wait and says what it is doing.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any


class Bar:
    """A callable progress reporter; use it as a context manager so the bar always closes."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._progress: Any = None
        self._task: Any = None
        self._phase: str | None = None

    def __call__(self, done: int, total: int, phase: str = "") -> None:
        if self._progress is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TimeRemainingColumn(),
                console=Console(file=sys.stderr), transient=True)
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=total)
        if phase != self._phase:
            self._phase = phase
            self._progress.reset(self._task, total=total,
                                 description=f"{self.label}: {phase}" if phase else self.label)
        self._progress.update(self._task, completed=done, total=total)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def progress_bar(label: str) -> Bar | None:
    """A bar on stderr when it is a terminal; None (no reporting at all) when piped."""
    return Bar(label) if sys.stderr.isatty() else None
