"""``ledger import``: any format in, through the one import path, and the same summary out.

The ledger's own JSON Lines are read as they always were. Another tracker's files are read by
``ledger.importers`` into the same records and written in ``history`` mode: late forecasts are
kept (never scored), and a newer export of the same account updates what an earlier one
brought in. Every import is all or nothing; a dry run does all of it and rolls it back.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ledger.importers import Options, detect, load
from ledger.importers.reading import read_bytes
from ledger.ops.importer import import_records
from ledger.ops.progress import Progress
from ledger.ops.records import read_records
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
    fmt = req.fmt or detect(req.paths)
    skipped: Counter[str] = Counter()
    warnings: list[str] = []
    rows = 0
    if fmt == "ledger":
        from ledger.errors import LedgerError

        if len(req.paths) != 1:
            raise LedgerError(f"--from ledger reads one file at a time (got {len(req.paths)})")
        data = read_bytes(req.paths[0])
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LedgerError(f"cannot read {req.paths[0]}: not UTF-8 (byte {exc.start})") \
                from None
        lines = text.splitlines()
        records = read_records(lines, today=today, progress=progress)
        rows = len(records)
        name = "<stdin>" if str(req.paths[0]) == "-" else str(req.paths[0].resolve())
        files = [{"path": name, "sha256": hashlib.sha256(data).hexdigest()}]
        history, weak = False, frozenset[str]()
    else:
        if progress is not None:
            progress(0, 1, "reading")
        batch = load(fmt, req.paths, req.opts)
        records = batch.records(progress)
        skipped, warnings, rows = batch.skipped, batch.warnings, batch.rows
        files, history, weak = batch.files, True, frozenset(batch.weak)
    origin = {"format": fmt, "files": files, "file": files[0]["path"] if files else None}
    counts = import_records(store, actor, records, progress=progress, origin=origin,
                            history=history, weak=weak, dry_run=req.dry_run)
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
