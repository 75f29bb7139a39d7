"""Seed files: sources, claims, forecasts, evidence and resolutions written by hand in TOML.

A seed file is validated whole before anything is written (errors name the file, the entry
and the field), then loaded in one transaction through the import machinery: loading the same
file twice changes nothing, and an entry that differs from what the ledger holds is reported,
never merged. The format is documented in README.md ("Seed files").
"""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ledger.core import rules
from ledger.core.probability import ProbabilityError, parse_probability
from ledger.errors import LedgerError, RuleViolation
from ledger.ops.importer import import_records
from ledger.ops.records import Labelled, check_rules
from ledger.store.engine import Store


class SeedError(LedgerError):
    """A seed file that cannot be loaded; nothing was written."""


def packaged_seeds() -> list[tuple[str, str]]:
    """(name, text) of every seed file shipped with the package (``ledger.seeds``, whose
    source is the repository's top-level ``seeds/``), in name order."""
    from importlib.resources import files

    folder = files("ledger.seeds")
    return sorted((f"seeds/{p.name}", p.read_text("utf-8")) for p in folder.iterdir()
                  if p.name.endswith(".toml"))


class _Entry:
    def __init__(self, file: str, where: str, data: Any) -> None:
        if not isinstance(data, dict):
            raise SeedError(f"{file}: {where} must be a table")
        self.file, self.where, self.data = file, where, data

    def label(self) -> str:
        key = self.data.get("key") or self.data.get("name")
        return f"{self.file}: {self.where}" + (f" ({key})" if isinstance(key, str) else "")

    def fail(self, field: str, why: str) -> SeedError:
        return SeedError(f"{self.label()}: field {field!r} {why}")

    def get(self, field: str, kind: type | tuple[type, ...], *, required: bool = True) -> Any:
        value = self.data.get(field)
        if value is None:
            if required:
                raise self.fail(field, "is missing")
            return None
        if (kind is date and isinstance(value, datetime)) or not isinstance(value, kind):
            names = {str: "text", date: "a date (YYYY-MM-DD)", datetime: "a date and time",
                     list: "a list", float: "a number", dict: "a table"}
            want = " or ".join(
                names.get(k, k.__name__) for k in (kind if isinstance(kind, tuple) else (kind,))
            )
            raise self.fail(field, f"must be {want}, not {value!r}")
        if isinstance(value, str) and required and not value.strip():
            raise self.fail(field, "must not be empty")
        return value

    def unknown(self, allowed: set[str]) -> None:
        extra = sorted(set(self.data) - allowed)
        if extra:
            raise self.fail(extra[0], "is not a seed field here (misspelt?)")


def _instant(value: date | datetime, where: str = "recorded_at") -> datetime:
    """A TOML date or date-time as an instant in UTC (refused if its zone pushes it out of
    the calendar)."""
    if isinstance(value, datetime):
        at = value if value.tzinfo else value.replace(tzinfo=UTC)
        try:
            return at.astimezone(UTC)
        except OverflowError:
            raise SeedError(f"{where} {value.isoformat()} is out of range once converted to "
                            "UTC") from None
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def parse_seed(name: str, text: str, *, today: date) -> list[Labelled]:
    """Check one seed file and turn it into import records (label, record)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SeedError(f"{name}: not valid TOML: {exc}") from None
    top = _Entry(name, "top level", doc)
    top.unknown({"recorded_at", "recorded_by", "analysts", "sources", "claims", "about"})
    recorded_at = _instant(top.get("recorded_at", (date, datetime)))
    recorder = top.get("recorded_by", str)
    out: list[tuple[str, dict[str, Any]]] = []
    analysts: set[str] = {recorder}
    out.append(
        (
            f"{name}: recorded_by",
            {"type": "analyst", "name": recorder, "affiliation": None, "created_at": recorded_at},
        )
    )
    for i, raw in enumerate(top.get("analysts", list, required=False) or []):
        e = _Entry(name, f"analysts[{i}]", raw)
        e.unknown({"name", "affiliation"})
        n = e.get("name", str)
        analysts.add(n)
        out.append(
            (
                e.label(),
                {
                    "type": "analyst",
                    "name": n,
                    "affiliation": e.get("affiliation", str, required=False),
                    "created_at": recorded_at,
                },
            )
        )
    sources: set[str] = set()
    for i, raw in enumerate(top.get("sources", list, required=False) or []):
        e = _Entry(name, f"sources[{i}]", raw)
        e.unknown({"key", "title", "outlet", "url", "published_on", "published_at", "authors"})
        authors = e.get("authors", list, required=False) or []
        for a in authors:
            if a not in analysts:
                raise e.fail("authors", f"names {a!r}, who is not in [[analysts]]")
        at = e.get("published_at", datetime, required=False)
        on = e.get("published_on", date, required=False)
        if at is not None:
            at = _instant(at)
            on = on or at.date()
        key = e.get("key", str)
        sources.add(key)
        out.append(
            (
                e.label(),
                {
                    "type": "source",
                    "key": key,
                    "title": e.get("title", str),
                    "outlet": e.get("outlet", str, required=False),
                    "url": e.get("url", str, required=False),
                    "published_on": on,
                    "published_at": at,
                    "authors": authors,
                    "recorded_by": recorder,
                    "recorded_at": recorded_at,
                },
            )
        )
    keys: set[str] = set()
    claims = [_Entry(name, f"claims[{i}]", raw)
              for i, raw in enumerate(top.get("claims", list, required=False) or [])]
    pending = [c for c in claims if _review(c) == "pending"]
    if pending:
        names = ", ".join(str(c.data.get("key") or c.where) for c in pending[:5])
        more = f" and {len(pending) - 5} more" if len(pending) > 5 else ""
        raise SeedError(f"{name}: {len(pending)} claim(s) still pending review ({names}{more}): "
                        'set review = "accepted" or "rejected" on each')
    for c in claims:
        if _review(c) != "rejected":
            out += _claim(c, analysts, sources, keys, recorder, recorded_at, today)
    return out


REVIEWS = ("pending", "accepted", "rejected")


def _review(e: _Entry) -> str | None:
    """A proposed claim's review (``ledger extract`` writes them pending); None for a claim
    written by hand, which is loaded."""
    value = e.data.get("review")
    if value is None:
        return None
    if value not in REVIEWS:
        raise e.fail("review", f"must be one of {', '.join(REVIEWS)}, not {value!r}")
    return str(value)


def _claim(
    e: _Entry,
    analysts: set[str],
    sources: set[str],
    keys: set[str],
    recorder: str,
    recorded_at: datetime,
    today: date,
) -> list[tuple[str, dict[str, Any]]]:
    e.unknown(
        {
            "review",
            "key",
            "statement",
            "quote",
            "author",
            "source",
            "subject",
            "tags",
            "made_on",
            "due_on",
            "due_basis",
            "due_note",
            "criteria",
            "forecast",
            "evidence",
            "resolution",
        }
    )
    key = e.get("key", str)
    if key in keys:
        raise e.fail("key", f"{key!r} is used twice")
    keys.add(key)
    author = e.get("author", str)
    if author not in analysts:
        raise e.fail("author", f"names {author!r}, who is not in [[analysts]]")
    source = e.get("source", str, required=False)
    if source is not None and source not in sources:
        raise e.fail("source", f"names {source!r}, which is not in [[sources]]")
    made, due = e.get("made_on", date), e.get("due_on", date)
    basis = e.get("due_basis", str)
    tags = e.get("tags", list, required=False) or []
    label = e.label()
    records: list[tuple[str, dict[str, Any]]] = [
        (
            label,
            {
                "type": "claim",
                "key": key,
                "statement": e.get("statement", str),
                "quote": e.get("quote", str, required=False),
                "source": source,
                "author": author,
                "subject": e.get("subject", str, required=False),
                "tags": [str(t).lower() for t in tags],
                "made_on": made,
                "due_on": due,
                "due_basis": basis,
                "due_note": e.get("due_note", str, required=False),
                "criteria": e.get("criteria", str, required=False),
                "withdrawn_on": None,
                "withdrawn_note": None,
                "withdrawn_at": None,
                "recorded_by": recorder,
                "recorded_at": recorded_at,
                "version": 1,
            },
        )
    ]
    fc = e.get("forecast", dict, required=False)
    if fc is not None:
        f = _Entry(e.file, f"{e.where}.forecast", fc)
        f.unknown({"phrase", "words", "p"})
        phrase = f.get("phrase", str, required=False)
        p = f.get("p", (float, int), required=False)
        if (phrase is None) == (p is None):
            raise e.fail("forecast", "needs exactly one of phrase or p")
        try:
            prob = parse_probability(phrase if phrase is not None else str(p))
        except ProbabilityError as exc:
            raise f.fail("phrase" if phrase else "p", f"cannot be read: {exc}") from None
        records.append(
            (
                label + ".forecast",
                {
                    "type": "forecast",
                    "id": f"{key}#f1",
                    "claim": key,
                    "by": author,
                    "made_on": made,
                    "probability": prob.value,
                    "given": f.get("words", str, required=False) or prob.given,
                    "mapped": prob.mapped,
                    "phrase": prob.phrase,
                    "band": list(prob.band) if prob.band else None,
                    "vague": prob.vague,
                    "note": None,
                    "recorded_by": recorder,
                    "recorded_at": recorded_at,
                },
            )
        )
    ev_ids: dict[str, str] = {}
    for j, raw in enumerate(e.get("evidence", list, required=False) or []):
        v = _Entry(e.file, f"{e.where}.evidence[{j}]", raw)
        v.unknown({"key", "on", "summary", "url", "citation", "stance"})
        vkey = v.get("key", str)
        if vkey in ev_ids:
            raise v.fail("key", f"{vkey!r} is used twice in this claim")
        on = v.get("on", date)
        stance = v.get("stance", str)
        ev_ids[vkey] = f"{key}#e{j + 1}"
        records.append(
            (
                v.label(),
                {
                    "type": "evidence",
                    "id": ev_ids[vkey],
                    "claim": key,
                    "summary": v.get("summary", str),
                    "url": v.get("url", str, required=False),
                    "citation": v.get("citation", str, required=False),
                    "observed_on": on,
                    "stance": stance,
                    "recorded_by": recorder,
                    "recorded_at": recorded_at,
                },
            )
        )
    res = e.get("resolution", dict, required=False)
    if res is not None:
        r = _Entry(e.file, f"{e.where}.resolution", res)
        r.unknown({"outcome", "known_on", "rationale", "evidence", "readings"})
        outcome = r.get("outcome", str)
        known = r.get("known_on", date)
        refs = r.get("evidence", list, required=False) or []
        for ref in refs:
            if ref not in ev_ids:
                raise r.fail("evidence", f"names {ref!r}, which is not among this claim's evidence")
        records.append(
            (
                r.label(),
                {
                    "type": "resolution",
                    "id": f"{key}#r1",
                    "claim": key,
                    "revision": 1,
                    "outcome": outcome,
                    "known_on": known,
                    "rationale": r.get("rationale", str),
                    "resolved_by": recorder,
                    "recorded_at": recorded_at,
                    "superseded_at": None,
                    "superseded_note": None,
                    "evidence": [ev_ids[x] for x in refs],
                    "readings": _readings(r),
                },
            )
        )
    for lab, rec in records:
        _check(lab, e, rec, today)
    return records


def _readings(r: _Entry) -> list[dict[str, str]]:
    """``readings = [{ outcome = "true", note = "why that reading is defensible" }]``."""
    out = []
    for k, raw in enumerate(r.get("readings", list, required=False) or []):
        x = _Entry(r.file, f"{r.where}.readings[{k}]", raw)
        x.unknown({"outcome", "note"})
        out.append({"outcome": x.get("outcome", str), "note": x.get("note", str)})
    return out


#: Seed field names where they differ from the record's.
SEED_FIELD = {"observed_on": "on", "probability": "p"}


def _check(label: str, e: _Entry, rec: dict[str, Any], today: date) -> None:
    """The ledger's rules (``ledger.core.rules``), placed in the seed's own terms."""
    try:
        check_rules(rec, today)
        if rec["type"] in ("forecast", "resolution"):
            day = rec["made_on"] if rec["type"] == "forecast" else rec["known_on"]
            field = "made_on" if rec["type"] == "forecast" else "known_on"
            what = "forecast dated" if rec["type"] == "forecast" else "resolution date"
            rules.not_before_made(day, e.data["made_on"], what, rec["claim"], field)
    except RuleViolation as exc:
        field = SEED_FIELD.get(exc.field or "", exc.field or "?")
        raise SeedError(f"{label}: field {field!r} breaks a rule: {exc}") from None


def load(store: Store, actor: str, files: list[tuple[str, str]], *, today: date) -> dict[str, int]:
    """Validate every file, then load them all in one transaction."""
    records: list[tuple[str, dict[str, Any]]] = []
    for name, text in files:
        records += parse_seed(name, text, today=today)
    return import_records(store, actor, records, action="seed",
                          origin=", ".join(name for name, _ in files))


def read_files(paths: list[Path]) -> list[tuple[str, str]]:
    out = []
    for p in paths:
        targets = sorted(p.glob("*.toml")) if p.is_dir() else [p]
        for t in targets:
            try:
                out.append((str(t), t.read_text("utf-8-sig")))
            except FileNotFoundError:
                raise SeedError(f"no seed file {t}") from None
            except (OSError, UnicodeDecodeError) as exc:
                raise SeedError(f"cannot read seed file {t}: {exc}") from None
    if not out:
        raise SeedError("no seed files found")
    return out
