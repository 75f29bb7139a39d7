"""``ledger import``: any format in, through the one import path, and the same summary out.

The ledger's own JSON Lines are read as they always were. Another tracker's files are read by
``ledger.importers`` into the same records and written in ``history`` mode: late forecasts are
kept (never scored), and a newer export of the same account updates what an earlier one
brought in. Every import is all or nothing; a dry run does all of it and rolls it back.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ledger.importers import Options, detect, load
from ledger.importers.reading import open_binary, stdin_kept
from ledger.ops.importer import import_records
from ledger.ops.progress import Progress
from ledger.ops.records import Labelled
from ledger.ops.spool import Spool, spool_records
from ledger.store.engine import Store

ADDED = {"analyst": "analysts", "source": "sources", "claim": "claims", "forecast": "forecasts",
         "evidence": "evidence", "resolution": "resolutions", "setting": "settings",
         "alias": "aliases", "reminder": "reminders"}


@dataclass
class Request:
    """What the user asked for: the files, their format (None: detect it) and the options."""

    paths: list[Path]
    fmt: str | None
    opts: Options
    dry_run: bool = False


def run(store: Store, actor: str, req: Request, *, today: date,
        progress: Progress = None) -> dict[str, Any]:
    """Import the files; the summary every import ends with (see docs/json.md)."""
    with stdin_kept(req.paths):
        return _run(store, actor, req, today=today, progress=progress)


def _run(store: Store, actor: str, req: Request, *, today: date,
         progress: Progress) -> dict[str, Any]:
    fmt = req.fmt or detect(req.paths)
    skipped: Counter[str] = Counter()
    warnings: list[str] = []
    rows = 0
    if fmt == "ledger":
        from ledger.errors import LedgerError

        if len(req.paths) != 1:
            raise LedgerError(f"--from ledger reads one file at a time (got {len(req.paths)})")
        source = JsonLines(req.paths[0])
        records: list[Labelled] | Spool = spool_records(source, today=today,
                                                        progress=progress)
        rows = len(records)
        name = "<stdin>" if str(req.paths[0]) == "-" else str(req.paths[0].resolve())
        files = [{"path": name, "sha256": source.sha256.hexdigest()}]
        history, weak = False, frozenset[str]()
    else:
        if progress is not None:
            progress(0, 1, "reading")
        batch = load(fmt, req.paths, req.opts)
        records = batch.records(progress)
        skipped, warnings, rows = batch.skipped, batch.warnings, batch.rows
        files, history, weak = batch.files, True, frozenset(batch.weak)
    origin = {"format": fmt, "files": files, "file": files[0]["path"] if files else None}
    try:
        counts = import_records(store, actor, records, progress=progress, origin=origin,
                                history=history, weak=weak, dry_run=req.dry_run)
    finally:
        if isinstance(records, Spool):
            records.close()
    present = counts.get("skipped", 0)
    return {
        "format": fmt,
        "detected": req.fmt is None,
        "dry_run": req.dry_run,
        "files": files,
        "rows": rows,
        "added": {label: counts.get(kind, 0) for kind, label in ADDED.items()},
        "updated": {label: counts.get(f"updated_{kind}", 0)
                    for kind, label in ADDED.items() if kind in ("claim", "forecast",
                                                                  "resolution")},
        "skipped": dict(sorted({**({"already in the ledger": present} if present else {}),
                                **skipped}.items(), key=lambda kv: (-kv[1], kv[0]))),
        "warnings": warnings,
    }


class JsonLines:
    """A JSONL file's lines ('-' is standard input), read a chunk at a time as UTF-8 (a
    byte-order mark dropped) and hashed on the way: an export of any size goes through in
    constant memory. A line ends at a line feed or a carriage return (JSON text never holds
    either raw)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sha256 = hashlib.sha256()

    def __iter__(self) -> Iterator[str]:
        from ledger.errors import LedgerError

        try:
            with open_binary(self.path) as fh:
                yield from self._lines(fh)
        except OSError as exc:
            raise LedgerError(f"cannot read {self.path}: {exc.strerror or exc}") from None

    def _lines(self, fh: Any) -> Iterator[str]:
        from ledger.errors import LedgerError

        offset = 0
        first = True
        for raw in fh:
            self.sha256.update(raw)
            if first and raw.startswith(b"\xef\xbb\xbf"):
                raw, offset = raw[3:], 3
            first = False
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise LedgerError(f"cannot read {self.path}: not UTF-8 (byte "
                                  f"{offset + exc.start})") from None
            offset += len(raw)
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            yield from text.removesuffix("\n").split("\n")


def describe(summary: dict[str, Any]) -> list[str]:
    """The summary as lines of text: what was (or would be) added, updated and skipped."""
    verb = "would add" if summary["dry_run"] else "added"
    how = " (detected)" if summary["detected"] else ""
    names = ", ".join(Path(f["path"]).name for f in summary["files"]) or "<stdin>"

    def listing(counts: dict[str, int]) -> str:
        return ", ".join(f"{n} {k}" for k, n in counts.items() if n) or "nothing"

    added = listing(summary["added"])
    lines = [f"{'dry run: ' if summary['dry_run'] else ''}imported {summary['format']}{how} "
             f"from {names}: {summary['rows']} rows read",
             f"  {verb}: {added if added != 'nothing' else 'nothing new'}"]
    if any(summary["updated"].values()):
        lines.append(f"  {'would update' if summary['dry_run'] else 'updated'}: "
                     f"{listing(summary['updated'])}")
    if summary["skipped"]:
        lines.append("  skipped: " + "; ".join(f"{why}: {n}" for why, n in
                                                summary["skipped"].items()))
    lines += [f"  note: {w}" for w in summary["warnings"][:20]]
    if len(summary["warnings"]) > 20:
        lines.append(f"  note: ... and {len(summary['warnings']) - 20} more (--format json "
                     "lists them all)")
    return lines
