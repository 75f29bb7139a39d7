"""Importers for other trackers' files: each reads its format into a ``Batch`` of the ledger's
own records, which ``ledger.ops.importer`` writes like any export (all or nothing, idempotent).

``detect`` names a file's format from its content, or refuses when unsure; ``load`` reads files
in a named format.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from ledger.importers.batch import Batch, Options
from ledger.importers.reading import (
    FormatError,
    Input,
    csv_rows,
    decode,
    fingerprints,
    listing,
    read_bytes,
    read_input,
    regular_file,
    zip_members,
)

#: format -> what it reads (``ledger import --from``).
FORMATS = {
    "ledger": "this ledger's own JSON Lines export",
    "predictionbook": "PredictionBook's CSV export or its API's my_predictions JSON",
    "fatebook": "Fatebook's \"Export all your forecasts\" CSV (any version)",
    "fatebook-sheet": "a spreadsheet in the shape of Fatebook's \"Import from spreadsheet\"",
    "metaculus": "a Metaculus data download (the zip or its folder)",
    "gjp": "the Good Judgment Project's ifps.csv with survey_fcasts files",
    "iqisa": "an iqisa forecast frame (CSV); also iqisa-predictionbook, iqisa-gjp, "
             "iqisa-metaculus",
    "csv": "any spreadsheet, one forecast a row (--map COLUMN=FIELD)",
}
IQISA = ("iqisa-predictionbook", "iqisa-gjp", "iqisa-metaculus")
CHOICES = (*FORMATS, *IQISA)
PLATFORM = {"predictionbook": "PredictionBook", "fatebook": "Fatebook",
            "fatebook-sheet": "Fatebook spreadsheet", "metaculus": "Metaculus",
            "gjp": "Good Judgment Project", "iqisa": "iqisa", "csv": "spreadsheet"}

__all__ = ["CHOICES", "FORMATS", "Batch", "FormatError", "Options", "detect", "load"]


#: how much of a file is read to see whether it is a ledger export (which can be huge)
HEAD = 1 << 16


def _ledger_head(path: Path) -> str | None:
    """"ledger" when the file's first line is a ledger record, read from its head alone: an
    export of any size is named without being read whole."""
    head = read_bytes(path, HEAD)
    line, newline, _ = head.lstrip(b"\xef\xbb\xbf \t\r\n").partition(b"\n")
    if not newline or not line.startswith(b"{"):
        return None
    return "ledger" if _header_format(decode(str(path), line, lenient=True)) == "ledger" \
        else None


def _header_format(inp: Input) -> str | None:
    first = inp.text.lstrip()[:1]
    if first in "{[" and first:
        line = inp.text.lstrip().split("\n", 1)[0]
        try:
            obj = json.loads(line)
            if isinstance(obj, dict) and isinstance(obj.get("type"), str):
                return "ledger"
        except RecursionError:  # the JSON Lines reader says precisely what is wrong
            return "ledger"
        except ValueError:
            pass
        return "predictionbook" if '"predictions"' in inp.text[:4096] or (
            '"responses"' in inp.text and '"mean_confidence"' in inp.text) else None
    header = set(csv_rows(Input(inp.name, inp.sha256, inp.text.split("\n", 1)[0])).header)
    if {"mean_confidence", "description_with_group", "creator_label"} <= header:
        return "predictionbook"
    if {"Question title", "Forecast (scale = 0-1)", "Question created at"} <= header:
        return "fatebook"
    if {"questionTitle", "forecast", "qCreatedAt"} <= header:
        return "fatebook-sheet"
    if {"ifp_id", "q_text"} <= header or {"ifp_id", "forecast_id", "answer_option"} <= header:
        return "gjp"
    if {"question_id", "probability", "answer_option", "q_status"} <= header:
        return "iqisa"
    if {"question_id", "q_title"} <= header:
        return "iqisa"
    if {"Question ID", "Question Title", "Question Type"} <= header:
        return "metaculus"
    return None


def _zip_format(path: Path) -> str:
    """A Metaculus download, or a zip holding one CSV file in a known format (named from its
    head alone: nothing is inflated past it)."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = zip_members(zf)
            if "question_data.csv" in members:
                return "metaculus"
            csvs = [m for m in members if m.lower().endswith(".csv")]
            if len(csvs) != 1:
                raise FormatError(f"{path.name} holds {listing(members)}: neither a Metaculus "
                                  "download nor one zipped CSV file; give --from")
            with zf.open(csvs[0]) as fh:
                head = fh.read(HEAD)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise FormatError(f"cannot read {path.name} as a zip: {exc}") from None
    inp = decode(f"{path.name}:{csvs[0]}", head.rsplit(b"\n", 1)[0] if len(head) == HEAD
                 else head, lenient=True)
    fmt = _header_format(inp) if inp.text.strip() else None
    if fmt is None:
        raise FormatError(f"cannot tell the format of {inp.name}: give --from (one of "
                          f"{', '.join(FORMATS)})")
    return fmt


def detect(paths: list[Path]) -> str:
    """The one format every file is in, or a refusal that says how to name it."""
    found: set[str] = set()
    for path in paths:
        if path.is_dir():
            if (path / "question_data.csv").is_file():
                found.add("metaculus")
                continue
            raise FormatError(f"cannot tell the format of the folder {path}: give --from")
        if str(path) != "-":
            regular_file(path)  # a device or a pipe is refused before anything reads it
            if zipfile.is_zipfile(path):
                found.add(_zip_format(path))
                continue
        fmt = _ledger_head(path)
        if fmt is not None:
            found.add(fmt)
            continue
        inp = read_input(path, lenient=True)
        if not inp.text.strip():
            raise FormatError(f"{inp.name} is empty: cannot tell its format; give --from")
        fmt = _header_format(inp)
        if fmt is None:
            raise FormatError(f"cannot tell the format of {inp.name}: give --from (one of "
                              f"{', '.join(FORMATS)})")
        found.add(fmt)
    if len(found) != 1:
        raise FormatError(f"these files are in different formats ({', '.join(sorted(found))}): "
                          "import them one format at a time")
    return found.pop()


def load(fmt: str, paths: list[Path], opts: Options) -> Batch:
    """The batch a format's files make."""
    from ledger.importers import fatebook, gjp, iqisa, metaculus, predictionbook, spreadsheet

    base = "iqisa" if fmt in IQISA else fmt
    batch = Batch(base, PLATFORM[base], opts)
    if base not in ("gjp", "iqisa") and len(paths) != 1:
        raise FormatError(f"--from {fmt} reads one file at a time (got {len(paths)})")
    batch.files = fingerprints([p for p in paths if str(p) != "-"])
    if base == "metaculus":
        metaculus.read(batch, metaculus.inputs(paths[0]))
        return batch
    inputs = [read_input(p, lenient=base == "gjp") for p in paths]
    batch.files += [{"path": "<stdin>", "sha256": i.sha256} for i in inputs if i.name == "<stdin>"]
    if base == "predictionbook":
        if inputs[0].text.lstrip()[:1] in ("{", "["):
            predictionbook.read_json(batch, inputs[0])
        else:
            predictionbook.read_csv(batch, inputs[0])
    elif base == "fatebook":
        fatebook.read_export(batch, inputs[0])
    elif base == "fatebook-sheet":
        fatebook.read_sheet(batch, inputs[0])
    elif base == "gjp":
        gjp.read(batch, inputs)
    elif base == "iqisa":
        iqisa.read(batch, inputs, fmt.split("-", 1)[1] if "-" in fmt else None)
    elif base == "csv":
        spreadsheet.read(batch, inputs[0])
    else:
        raise FormatError(f"unknown format {fmt!r}")
    for inp in inputs:
        if inp.lenient:
            batch.warn(f"{inp.name}: not UTF-8; read as cp1252 (the GJP originals are)")
    return batch
