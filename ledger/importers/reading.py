"""Reading other trackers' files: bytes with their sha256, text in whatever encoding the platform
wrote, CSV rows by header name, and every time notation the formats use, turned into UTC.

Nothing here knows a platform's meaning; each importer says which notation a column uses.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import stat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path

from ledger.core.hindsight import day_of  # noqa: F401 - the ledger's days are UTC days
from ledger.errors import LedgerError

#: The largest file (or zip member) an import reads: far beyond any export, and a bound on
#: what a hostile zip can make the tool inflate.
MAX_BYTES = 2 * 1024**3


class FormatError(LedgerError):
    """The file is not what its format says; nothing was written."""


@dataclass(frozen=True)
class Input:
    """One file as read: where it came from, its bytes' sha256, and its text."""

    name: str
    sha256: str
    text: str
    lenient: bool = False  # decoded as cp1252 because it was not UTF-8


def regular_file(path: Path) -> None:
    """Refuse anything but a regular file of a sane size (/dev/zero, a pipe, a socket...)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise FormatError(f"no file {path}") from None
    except OSError as exc:
        raise FormatError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise FormatError(f"cannot read {path}: not a regular file")
    if st.st_size > MAX_BYTES:
        raise FormatError(f"cannot read {path}: larger than {MAX_BYTES} bytes")


#: standard input, copied once to a temporary file while an import runs (``stdin_kept``)
_STDIN: ContextVar[Path | None] = ContextVar("ledger_stdin", default=None)


@contextmanager
def stdin_kept(paths: list[Path]) -> Iterator[None]:
    """Standard input ('-' among ``paths``) copied to a temporary file a chunk at a time, so
    that naming its format and reading it see the same bytes, in constant memory."""
    import sys
    import tempfile

    if not any(str(p) == "-" for p in paths):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="ledger-stdin-") as tmp:
        kept = Path(tmp) / "stdin"
        with open(kept, "wb") as out:
            while chunk := sys.stdin.buffer.read(1 << 20):
                if out.tell() + len(chunk) > MAX_BYTES:
                    raise FormatError(f"cannot read <stdin>: larger than {MAX_BYTES} bytes")
                out.write(chunk)
        token = _STDIN.set(kept)
        try:
            yield
        finally:
            _STDIN.reset(token)


def open_binary(path: Path) -> io.BufferedIOBase:
    """A regular file ('-' is stdin) open for reading bytes, or one clear refusal."""
    import sys

    if str(path) == "-":
        kept = _STDIN.get()
        if kept is None:
            return io.BytesIO(sys.stdin.buffer.read())
        path = kept
    else:
        regular_file(path)
    try:
        return open(path, "rb")
    except OSError as exc:
        raise FormatError(f"cannot read {path}: {exc.strerror or exc}") from None


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """A regular file's bytes ('-' is stdin), at most ``limit`` of them, or one clear
    refusal."""
    with open_binary(path) as fh:
        try:
            return fh.read(-1 if limit is None else limit)
        except OSError as exc:
            raise FormatError(f"cannot read {path}: {exc.strerror or exc}") from None


def decode(name: str, data: bytes, *, lenient: bool = False) -> Input:
    """UTF-8 (a byte-order mark dropped); with ``lenient``, bytes that are not UTF-8 are read as
    cp1252, as old Windows exports (the GJP originals) need."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        return Input(name, digest, data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        if not lenient:
            raise FormatError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    return Input(name, digest, data.decode("cp1252", errors="replace"), lenient=True)


def read_input(path: Path, *, lenient: bool = False) -> Input:
    name = "<stdin>" if str(path) == "-" else path.name
    return decode(name, read_bytes(path), lenient=lenient)


def fingerprints(paths: list[Path]) -> list[dict[str, str]]:
    """Each file's sha256 (a folder's: each CSV file in it), for the import's event."""
    out = []
    for path in paths:
        files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
        for f in files:
            if str(f) == "-":
                continue
            regular_file(f)
            h = hashlib.sha256()
            with open(f, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            out.append({"path": str(f.resolve()), "sha256": h.hexdigest()})
    return out


def zip_member(path: Path, zf: zipfile.ZipFile, member: str) -> bytes | None:
    """A member's bytes (None when absent), never more than MAX_BYTES inflated."""
    try:
        info = zf.getinfo(member)
    except KeyError:
        return None
    if info.file_size > MAX_BYTES:
        raise FormatError(f"{path.name}: {member} is larger than {MAX_BYTES} bytes")
    with zf.open(info) as fh:
        data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FormatError(f"{path.name}: {member} is larger than {MAX_BYTES} bytes")
    return data


@dataclass
class Rows:
    """A CSV file's rows as dicts by header name (short rows padded with empty cells)."""

    name: str
    header: list[str]
    body: list[list[str]]

    def __iter__(self) -> Iterator[tuple[str, dict[str, str]]]:
        n = len(self.header)
        for no, cells in enumerate(self.body, 2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > n:
                raise FormatError(f"{self.name} row {no}: {len(cells)} fields under a "
                                  f"{n}-field header")
            cells = cells + [""] * (n - len(cells))
            yield f"{self.name} row {no}", dict(zip(self.header, cells, strict=True))

    def require(self, *columns: str) -> None:
        missing = [c for c in columns if c not in self.header]
        if missing:
            raise FormatError(f"{self.name}: no column {', '.join(repr(c) for c in missing)} "
                              "in its header")


def csv_rows(inp: Input) -> Rows:
    """Every row of a CSV text, with any line ending (LF, CRLF or bare CR)."""
    csv.field_size_limit(16 * 1024 * 1024)
    try:
        table = list(csv.reader(io.StringIO(inp.text, newline="")))
    except csv.Error as exc:
        raise FormatError(f"{inp.name}: not a readable CSV file ({exc})") from None
    if not table:
        return Rows(inp.name, [], [])
    header = [h.strip() for h in table[0]]
    if len(set(header)) != len(header):
        raise FormatError(f"{inp.name}: its header names a column twice")
    return Rows(inp.name, header, table[1:])


# --- times ------------------------------------------------------------------------------------

_OFFSET = re.compile(r"^(.*\d)\s*(?:([+-])(\d{2}):?(\d{2})|(UTC|GMT|Z))$")
_LOOSE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})"
                    r"(?:\.(\d{1,6})\d*)?)?)?$")


def instant(text: str, zone: tzinfo = UTC) -> datetime:
    """An instant in UTC from ISO 8601 or the Rails/PredictionBook notation
    (``2023-10-02 08:30:00 +1100``, ``... UTC``) or a zone-less one (read in ``zone``), with
    unpadded parts as Fatebook prints them (``2024-05-25 09:00:3``). Raises ValueError."""
    text = text.strip()
    m = _OFFSET.match(text)
    offset = None
    if m:
        text = m.group(1)
        if m.group(5):
            offset = "+00:00"
        else:
            offset = f"{m.group(2)}{m.group(3)}:{m.group(4)}"
    loose = _LOOSE.match(text)
    if not loose:
        raise ValueError(f"not a date and time: {text!r}")
    y, mo, d, h, mi, s, frac = loose.groups()
    try:
        dt = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0),
                      int((frac or "0").ljust(6, "0")))
        if offset is None:
            return dt.replace(tzinfo=zone).astimezone(UTC)
        return datetime.fromisoformat(dt.isoformat() + offset).astimezone(UTC)
    except OverflowError:  # a zone pushes it past year 1 or 9999
        raise ValueError(f"{text!r} is out of range") from None


def us_date(text: str) -> date:
    """``m/d/yy`` (or ``m/d/yyyy``), optionally with a time, as the GJP files write dates.
    Never day-first. Raises ValueError."""
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?",
                     text.strip())
    if not m:
        raise ValueError(f"not a m/d/yy date: {text!r}")
    mo, d, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    return date(y + 2000 if y < 100 else y, mo, d)


def midnight(d: date) -> datetime:
    """A date-only time as an instant: the start of that day in UTC."""
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def blank(v: str | None) -> bool:
    return v is None or not v.strip() or v.strip() in ("NA", "NULL", "None", "nan", "NaN")
