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

#: The largest file an import reads: far beyond any export.
MAX_BYTES = 2 * 1024**3
#: What the members of one zip may inflate to, together, and how much larger than their
#: compressed bytes (past the first MiB): real exports compress 2 to 20 times; a zip bomb
#: a thousand times.
MAX_INFLATED = 1024**3
MAX_RATIO = 100
_RATIO_FROM = 1 << 20


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
    """A file as text; a zip holding one CSV file is that file (``public.csv.zip``)."""
    name = "<stdin>" if str(path) == "-" else path.name
    if name != "<stdin>" and is_zip(path):
        return zipped_csv(path, lenient=lenient)
    return decode(name, read_bytes(path), lenient=lenient)


def is_zip(path: Path) -> bool:
    regular_file(path)
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


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


class Inflated:
    """What the members of one zip read so far have inflated to: the archive-wide cap."""

    def __init__(self, path: Path) -> None:
        self.path, self.total = path, 0

    def refuse(self, member: str, why: str) -> FormatError:
        return FormatError(f"{self.path.name}: {member} {why} (limits: {MAX_INFLATED:,} bytes "
                           f"inflated in all, {MAX_RATIO}:1 compression); not an export")


def zip_members(zf: zipfile.ZipFile) -> list[str]:
    """The files in a zip, without folders and the resource forks macOS adds."""
    return [i.filename for i in zf.infolist()
            if not i.is_dir() and not i.filename.startswith("__MACOSX/")
            and not i.filename.rsplit("/", 1)[-1].startswith("._")]


def zip_text(path: Path, zf: zipfile.ZipFile, member: str, *,
             budget: Inflated | None = None, lenient: bool = False) -> Input | None:
    """A member as text (None when absent), inflated a chunk at a time: never more than the
    caps allow (checked on the sizes the zip declares, then on what really comes out), and
    never held as bytes and text at once."""
    import codecs

    budget = budget or Inflated(path)
    try:
        info = zf.getinfo(member)
    except KeyError:
        return None
    packed = max(info.compress_size, 1)
    if budget.total + info.file_size > MAX_INFLATED:
        raise budget.refuse(member, f"would inflate to {info.file_size:,} bytes")
    if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * packed:
        raise budget.refuse(member, f"would inflate {info.file_size // packed:,} times "
                                    f"({info.compress_size:,} to {info.file_size:,} bytes)")
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8-sig")()
    parts: list[str] = []
    raw: list[bytes] = []  # kept only while the text may still turn out not to be UTF-8
    seen = 0
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            seen += len(chunk)
            budget.total += len(chunk)
            if budget.total > MAX_INFLATED:
                raise budget.refuse(member, f"inflates past {MAX_INFLATED:,} bytes")
            if seen > _RATIO_FROM and seen > MAX_RATIO * packed:
                raise budget.refuse(member, f"inflates more than {MAX_RATIO} times")
            digest.update(chunk)
            if raw:
                raw.append(chunk)
                continue
            try:
                parts.append(utf8.decode(chunk))
            except UnicodeDecodeError as exc:
                if not lenient:
                    raise FormatError(f"{path.name}:{member}: not UTF-8 text (byte "
                                      f"{seen - len(chunk) + exc.start})") from None
                raw = [b"".join(p.encode("utf-8") for p in parts), chunk]
                parts = []
    name = f"{path.name}:{member}"
    if raw:
        return Input(name, digest.hexdigest(),
                     b"".join(raw).decode("cp1252", errors="replace"), lenient=True)
    try:
        parts.append(utf8.decode(b"", final=True))
    except UnicodeDecodeError:
        if not lenient:
            raise FormatError(f"{name}: not UTF-8 text (byte {seen - 1})") from None
    return Input(name, digest.hexdigest(), "".join(parts))


def zipped_csv(path: Path, *, lenient: bool = False) -> Input:
    """The one CSV file a zip holds (``public.csv.zip``), or a refusal naming what it holds."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = zip_members(zf)
            csvs = [m for m in members if m.lower().endswith(".csv")]
            if len(csvs) != 1:
                raise FormatError(f"{path.name} holds {listing(members)}: not one CSV file to "
                                  "import")
            got = zip_text(path, zf, csvs[0], lenient=lenient)
            assert got is not None
            return got
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise FormatError(f"cannot read {path.name} as a zip: {exc}") from None


def listing(members: list[str]) -> str:
    if not members:
        return "no files"
    shown = ", ".join(members[:5])
    return shown + (f" and {len(members) - 5} more" if len(members) > 5 else "")


_LINE = re.compile(r"[^\r\n]*(?:\r\n|[\r\n])|[^\r\n]+\Z")


def _lines(text: str) -> Iterator[str]:
    """A text's lines with their endings (LF, CRLF or a bare CR), one at a time: what a file
    opened with ``newline=''`` gives, without a second copy of the text."""
    return (m.group() for m in _LINE.finditer(text))


def _parse(name: str, text: str) -> Iterator[list[str]]:
    try:
        yield from csv.reader(_lines(text))
    except csv.Error as exc:
        raise FormatError(f"{name}: not a readable CSV file ({exc})") from None


@dataclass
class Rows:
    """A CSV file's rows as dicts by header name (short rows padded with empty cells), parsed
    as they are read: a file's rows are never all held at once."""

    name: str
    header: list[str]
    text: str

    @property
    def body(self) -> Iterator[list[str]]:
        rows = _parse(self.name, self.text)
        next(rows, None)
        return rows

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
    first = next(_parse(inp.name, inp.text), None)
    if first is None:
        return Rows(inp.name, [], "")
    header = [h.strip() for h in first]
    if len(set(header)) != len(header):
        raise FormatError(f"{inp.name}: its header names a column twice")
    return Rows(inp.name, header, inp.text)


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
