"""Listings too long to hold: written a row at a time, byte for byte as ``render`` writes
them whole. A table needs its column widths before its first row, so text and Markdown keep
their cells until the widths are known (in memory for a short listing, in a temporary file
beyond ``HELD`` rows); JSON and CSV write each row as it comes. On a terminal
that pages, the listing is gathered and paged as before (nobody pages a million rows)."""

from __future__ import annotations

import marshal  # built in: costs nothing at start-up
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from ledger.cli.render import Columns, Row, cut, emit, may_page, table_cell, terminal_width
from ledger.core.safety import for_markdown, for_terminal

Source = Callable[[], Iterable[Row]]
HELD = 5000  # rows of cells a table keeps in memory before it moves them to a temporary file


def emit_rows(source: Source, fmt: str, spec: Columns) -> None:
    """Print a listing from ``source`` (called once) in ``fmt``."""
    if may_page():
        emit(list(source()), fmt, spec)  # a terminal that pages: as before
        return
    out = sys.stdout
    if fmt == "json":
        _json(source, out)
    elif fmt == "csv":
        _csv(source, spec.full, out)
    else:
        _table(source, spec, fmt, out)
    out.flush()


def _json(source: Source, out: Any) -> None:
    """As ``json.dumps(rows, indent=2)`` would write the whole list."""
    from ledger.core.jsonenc import pretty

    first = True
    for row in source():
        out.write("[\n" if first else ",\n")
        out.write("\n".join("  " + line for line in pretty(row).split("\n")))
        first = False
    out.write("[]\n" if first else "\n]\n")


def _csv(source: Source, cols: Sequence[str], out: Any) -> None:
    import csv

    from ledger.core.jsonenc import csv_cell

    w = csv.writer(out, lineterminator="\n")
    w.writerow(cols)
    for r in source():
        w.writerow([csv_cell(r.get(c)) for c in cols])


def _table(source: Source, spec: Columns, fmt: str, out: Any) -> None:
    """A text or Markdown table: widths from the cells of every row, then the rows, laid out
    as tabulate lays them ("simple" and "github", no extra padding, cells stripped)."""
    text = fmt == "text"
    cols = list(spec.text if text else spec.full)
    labels = [spec.labels.get(c, c) for c in cols]
    longest = [0] * len(cols)
    with _Cells() as kept:
        for r in source():
            cells = [table_cell(r.get(c), fmt) for c in cols]
            for i, v in enumerate(cells):
                if len(v) > longest[i]:
                    longest[i] = len(v)
            kept.add(cells)
        if not kept.rows:
            out.write("(none)\n")
            return
        caps = fitted_caps(cols, labels, longest, spec) if text else {}
        widths = [max(len(h), min(n, caps.get(c, n))) for c, h, n in zip(cols, labels, longest,
                                                                         strict=True)]
        safe = for_terminal if text else for_markdown
        for line in _head(labels, widths, text):
            out.write(safe(line) + "\n")
        limits = [caps.get(c) for c in cols]
        for cells in kept:
            cells = [cut(v, w) for v, w in zip(cells, limits, strict=True)]
            out.write(safe(_line(cells, widths, text)) + "\n")


class _Cells:
    """A table's rows of cells, in order: a list up to ``HELD`` rows, then a temporary file
    (marshalled), so a listing of any length is read from the database once."""

    def __init__(self) -> None:
        self.rows = 0
        self._held: list[list[str]] = []
        self._file: Any = None

    def __enter__(self) -> _Cells:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()

    def add(self, cells: list[str]) -> None:
        self.rows += 1
        if self._file is None and len(self._held) < HELD:
            self._held.append(cells)
            return
        if self._file is None:
            import tempfile

            self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by __exit__)
            for held in self._held:
                marshal.dump(held, self._file)
            self._held = []
        marshal.dump(cells, self._file)

    def __iter__(self) -> Iterator[list[str]]:
        if self._file is None:
            yield from self._held
            return
        self._file.seek(0)
        for _ in range(self.rows):
            yield marshal.load(self._file)


def _line(cells: Sequence[str], widths: Sequence[int], text: bool) -> str:
    if text:
        return "  ".join(v.ljust(w) for v, w in zip(cells, widths, strict=True)).rstrip()
    return "| " + " | ".join(v.ljust(w) for v, w in zip(cells, widths, strict=True)) + " |"


def _head(labels: Sequence[str], widths: Sequence[int], text: bool) -> list[str]:
    if text:
        return [_line(labels, widths, True), "  ".join("-" * w for w in widths)]
    return [_line(labels, widths, False), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]


def fitted_caps(cols: Sequence[str], labels: Sequence[str], longest: Sequence[int],
                spec: Columns, width: int | None = None) -> dict[str, int]:
    """The caps ``render.fitted`` arrives at, worked out from each column's longest cell:
    ``spec.shrink`` gives way first, then the other capped columns, down to 8 and 10."""
    width = width or terminal_width()
    caps = dict(spec.caps)
    if spec.shrink:
        caps.setdefault(spec.shrink, 60)

    def total() -> int:
        return sum(max(len(h), min(n, caps.get(c, n))) for c, h, n in zip(
            cols, labels, longest, strict=True)) + 2 * (len(cols) - 1)

    for col in [c for c in (spec.shrink, *spec.caps) if c]:
        floor = 8 if col == spec.shrink else 10
        while True:
            over = total() - width
            if over <= 0:
                return caps
            if caps[col] <= floor:
                break
            caps[col] = max(floor, caps[col] - over)
    return caps
