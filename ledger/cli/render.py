"""Rendering for people (text, md) and programs (json, csv), and writing files.

``emit`` prints any listing in any format; ``write_output`` is the one way a command writes a
file (``--out``). Data goes to stdout only; what a command did goes to stderr.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import typer

from ledger.core.safety import for_markdown, for_terminal, md_cell
from ledger.errors import LedgerError

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Columns:
    """How a listing shows as a table: its columns for text and for md/csv, the header each
    shows under, the column that gives way first when text is too wide, and width caps."""

    text: Sequence[str]
    full: Sequence[str]
    labels: Mapping[str, str] = field(default_factory=dict)
    shrink: str | None = None
    caps: Mapping[str, int] = field(default_factory=dict)


def cell(value: Any) -> str:
    """One value as table text: lists joined, floats to 3 places, one line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        text = f"{value:.3f}"
    elif isinstance(value, (list, tuple)):
        text = ", ".join(cell(v) for v in value)
    elif isinstance(value, datetime):
        text = local_time(value)
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value).replace("\n", " ")
    return text


def local_time(value: datetime, seconds: bool = True) -> str:
    """An instant as people read it: in the configured zone (``LEDGER_TZ``, else the
    system's), with its offset. JSON and CSV keep UTC."""
    from ledger.config import zone

    at = value.astimezone(zone())
    return at.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M") + at.strftime(
        " %z")[:-2] + ":" + at.strftime("%z")[-2:]


def csv_text(rows: Sequence[Row], cols: Sequence[str]) -> str:
    import csv
    import io

    from ledger.core.jsonenc import csv_cell

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([csv_cell(r.get(c)) for c in cols])
    return buf.getvalue().rstrip("\n")


def table_cell(value: Any, fmt: str, width: int | None = None) -> str:
    """A value as a table cell: one line with its control characters shown escaped (a
    carriage return would otherwise break the row), a Markdown pipe escaped, cut to
    ``width``."""
    text = for_terminal(cell(value)).strip()
    if fmt != "text":
        text = md_cell(text)
    return cut(text, width)


def cut(text: str, width: int | None) -> str:
    """A cell cut to ``width`` with an ellipsis (no width: as it is)."""
    if width and len(text) > width:
        return text[: width - 1] + "…"
    return text


def grid(rows: Sequence[Row], cols: Sequence[str], labels: Mapping[str, str], fmt: str,
         caps: Mapping[str, int] | None = None) -> str:
    from ledger.textgrid import grid as tabulate_grid

    if not rows:
        return "(none)"
    caps = caps or {}
    body = [[table_cell(r.get(c), fmt, caps.get(c)) for c in cols] for r in rows]
    return tabulate_grid(body, [labels.get(c, c) for c in cols],
                         "simple" if fmt == "text" else "github")


def terminal_width() -> int:
    """The width text tables fit: ``COLUMNS`` if set, else the terminal's, else 100 (a pipe or
    a file gets the same output wherever it runs)."""
    try:
        return max(40, int(os.environ["COLUMNS"]))
    except (KeyError, ValueError):
        pass
    import sys

    if sys.stdout.isatty():
        import shutil

        return max(40, shutil.get_terminal_size((100, 24)).columns)
    return 100


def fitted(rows: Sequence[Row], spec: Columns, width: int | None = None) -> str:
    """A text table no wider than ``width``: long cells are cut, ``spec.shrink`` first, then the
    other capped columns down to 10 characters each."""
    width = width or terminal_width()
    caps = dict(spec.caps)
    if spec.shrink:
        caps.setdefault(spec.shrink, 60)
    order = [c for c in (spec.shrink, *spec.caps) if c]
    for col in order:
        floor = 8 if col == spec.shrink else 10
        while True:
            out = grid(rows, spec.text, spec.labels, "text", caps)
            over = max((len(line) for line in out.splitlines()), default=0) - width
            if over <= 0:
                return out
            if caps[col] <= floor:
                break
            caps[col] = max(floor, caps[col] - over)
    return grid(rows, spec.text, spec.labels, "text", caps)


def render(rows: Sequence[Row], fmt: str, spec: Columns) -> str:
    """A listing in ``fmt``: json carries every field of the vocabulary, typed."""
    if fmt == "json":
        from ledger.core.jsonenc import pretty

        return pretty(list(rows))
    if fmt == "csv":
        return csv_text(rows, spec.full)
    if fmt == "md":
        return for_markdown(grid(rows, spec.full, spec.labels, "md"))
    return for_terminal(fitted(rows, spec))


def page(text: str) -> None:
    """Print ``text``; on a terminal, when it is longer than the screen, through the pager
    (``LEDGER_PAGER``, else ``PAGER``, else ``less -FRX``), unless ``--no-pager``."""
    import sys

    if not _paging(text):
        typer.echo(text)
        return
    import shlex
    import subprocess

    from ledger.config import env

    command = env("LEDGER_PAGER") or os.environ.get("PAGER") or "less -FRX"
    try:
        subprocess.run(shlex.split(command), input=text + "\n", text=True, check=False)
    except (OSError, ValueError):  # no such pager: print as if there were none
        typer.echo(text)
    sys.stdout.flush()


def may_page() -> bool:
    """Output goes to a terminal and the pager is not turned off (``--no-pager``)."""
    import sys

    from typer._click.globals import get_current_context  # typer vendors Click

    ctx = get_current_context(silent=True)
    state = ctx.find_root().obj if ctx is not None else None
    return state is not None and getattr(state, "pager", True) and sys.stdout.isatty()


def _paging(text: str) -> bool:
    if not may_page():
        return False
    import shutil

    return text.count("\n") + 1 > shutil.get_terminal_size((100, 24)).lines - 1


def emit(rows: Sequence[Row], fmt: str, spec: Columns) -> None:
    page(render(rows, fmt, spec))


def emit_json(data: Any) -> None:
    from ledger.core.jsonenc import pretty

    typer.echo(pretty(data))


def done(what: str) -> None:
    """What a change did, on stderr (stdout stays for data)."""
    typer.echo(what, err=True)


def resolve_out(given: str | Path, default_name: str) -> Path:
    """``--out``: a file, or a folder (existing, or named with a trailing '/') for a file with
    the default name. Only a folder-shaped path has missing folders created."""
    text = str(given)
    if not text:
        raise LedgerError("--out needs a file or folder name")
    out = Path(text).expanduser()
    if text.endswith(("/", os.sep)) or out.is_dir():
        if out.exists() and not out.is_dir():
            raise LedgerError(f"{out} is not a folder")
        out.mkdir(parents=True, exist_ok=True)
        return out / default_name
    if not out.parent.is_dir():
        raise LedgerError(f"folder {out.parent} does not exist (end --out with '/' to create a "
                          "folder)")
    from ledger.store.fs import refuse_sqlite_sidecar

    refuse_sqlite_sidecar(out)
    return out


def write_output(path: Path, write: Callable[[IO[str]], Any], *, force: bool = False) -> Any:
    """Write a file whole or not at all: into a new temporary file beside it (created
    exclusively, random name), then moved into place. An existing file is never replaced
    without ``force``, and a symbolic link at the path is never followed or replaced."""
    if path.is_symlink():
        raise LedgerError(f"{path} is a symbolic link; not writing through it")
    if path.exists() and not force:
        raise LedgerError(f"{path} already exists; add --force to replace it")
    if path.exists() and not path.is_file():
        raise LedgerError(f"{path} is not a regular file; not replacing it")
    tmp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            result = write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the path appeared meanwhile: never clobbers
            except FileExistsError:
                raise LedgerError(f"{path} appeared while writing; not replacing it") from None
            except OSError:  # a filesystem without hard links
                if path.exists():
                    raise LedgerError(f"{path} already exists; add --force to replace it") from None
                os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return result


SITE_MANIFEST = ".ledger-site"  # in a folder ledger wrote: the files it wrote, one a line
#: The manifest's first line; each line after it is ``SHA256  NAME`` of a file ledger wrote.
MANIFEST_HEAD = "# ledger site manifest 2"
MANIFEST_LIMIT = 16 * 1024 * 1024
_MANIFEST_LINE = re.compile(r"([0-9a-f]{64})  ([A-Za-z0-9~._/-]{1,400})")


def _manifest(names: dict[str, str]) -> str:
    return MANIFEST_HEAD + "\n" + "".join(f"{names[n]}  {n}\n" for n in sorted(names))


def _earlier_site(folder: Path) -> dict[str, str]:
    """What an earlier run wrote into ``folder``, by name, with each file's sha256: read as
    untrusted input (the folder is shared). Lines that are not a relative name ledger could
    have written, with its digest, are ignored: those files are never removed."""
    manifest = folder / SITE_MANIFEST
    try:
        with open(manifest, "rb") as fh:
            raw = fh.read(MANIFEST_LIMIT + 1)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else \
            (exc.strerror or str(exc))
        raise LedgerError(f"{manifest} is not a manifest ledger wrote ({why}); choose a new "
                          "or empty folder") from None
    if len(raw) > MANIFEST_LIMIT:
        raise LedgerError(f"{manifest} is larger than any manifest ledger writes; choose a new "
                          "or empty folder")
    lines = text.splitlines()
    if not lines or lines[0] != MANIFEST_HEAD:
        return {}  # an older manifest names files without their digests: keep them all
    out: dict[str, str] = {}
    for line in lines[1:]:
        m = _MANIFEST_LINE.fullmatch(line)
        if m is None:
            continue
        name = m.group(2)
        parts = name.split("/")
        if any(p in ("", ".", "..") for p in parts):
            continue
        out[name] = m.group(1)
    return out


def _remove_stale(folder: Path, earlier: dict[str, str], made: set[str]) -> None:
    """Remove the earlier site's pages no longer made: only a regular file inside the folder
    whose content is still what ledger wrote there."""
    import hashlib

    root = folder.resolve()
    for name, digest in earlier.items():
        if name in made or name == SITE_MANIFEST:
            continue
        stale = folder / name
        try:
            if stale.is_symlink() or not stale.is_file():
                continue
            stale.resolve().relative_to(root)
            if hashlib.sha256(stale.read_bytes()).hexdigest() != digest:
                continue  # changed since: someone else's now
            stale.unlink()
        except (ValueError, OSError):
            continue


def _refuse_links_inside(folder: Path) -> None:
    for p in folder.rglob("*"):
        if p.is_symlink():
            raise LedgerError(f"{p} is a symbolic link; not writing a site through it")


def write_folder(path: Path, files: Iterable[tuple[str, str]], *, force: bool = False) -> int:
    """Write a set of files as a folder, whole or not at all: every file goes into a new
    temporary folder beside ``path`` first. A new or empty ``path`` is then that folder, moved
    into place. A folder that holds anything else is refused, unless it is a site ledger wrote
    before (its manifest says which files) and ``force`` is given: then each file is replaced
    in turn, and the earlier site's pages that are no longer made are removed; nothing else in
    the folder is touched. Returns how many files were written."""
    import hashlib

    path = Path(os.path.abspath(path))  # '.', 'site/.': a folder always has a name here
    if path.is_symlink():
        raise LedgerError(f"{path} is a symbolic link; not writing through it")
    if path.exists() and not path.is_dir():
        raise LedgerError(f"{path} exists and is not a folder")
    if path.parent == path:
        raise LedgerError(f"{path} is the root of the filesystem; choose a folder for the site")
    old: dict[str, str] | None = None
    if path.is_dir() and any(path.iterdir()):
        manifest = path / SITE_MANIFEST
        if not manifest.is_file() or manifest.is_symlink():
            raise LedgerError(f"{path} is not empty and holds no site made by ledger; "
                              "choose a new or empty folder")
        if not force:
            raise LedgerError(f"{path} already holds a site; add --force to replace it")
        old = _earlier_site(path)
        _refuse_links_inside(path)
    if not path.parent.is_dir():
        raise LedgerError(f"folder {path.parent} does not exist")
    tmp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    tmp.mkdir()
    try:
        names: dict[str, str] = {}
        for rel, text in files:
            parts = Path(rel).parts
            if Path(rel).is_absolute() or ".." in parts or not parts:
                raise ValueError(f"not a relative file name: {rel!r}")  # a bug, not input
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            data = text.encode("utf-8")
            with open(target, "xb") as fh:
                fh.write(data)
            names[Path(rel).as_posix()] = hashlib.sha256(data).hexdigest()
        (tmp / SITE_MANIFEST).write_text(_manifest(names), encoding="utf-8")
        if old is None and path != Path.cwd():
            if path.is_dir():
                path.rmdir()  # empty: fails (and nothing is lost) if a file appeared meanwhile
            os.rename(tmp, path)
            return len(names)
        for n in [*names, SITE_MANIFEST]:  # the manifest last: it vouches for the rest
            dest = path / n
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp / n, dest)
        _remove_stale(path, old or {}, set(names))
        return len(names)
    finally:
        if tmp.exists():
            import shutil

            shutil.rmtree(tmp)
