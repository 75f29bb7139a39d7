"""The export record schema: what each JSONL record holds, how a line is read and typed, and
the rules a record must meet on its own (through ``ledger.core.rules``).

Records are plain dicts keyed by natural keys (analyst names, source and claim keys, and
``KEY#f1``-style ids). ``read_records`` turns lines into typed records, each with a label
(``line 12``) that every later message starts with. Seed files produce the same records.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from ledger.core import hindsight, rules, settings
from ledger.core.keys import (
    EMAIL_LIMIT,
    GIVEN_LIMIT,
    KEY_LIMIT,
    NAME_LIMIT,
    OUTLET_LIMIT,
    SUBJECT_LIMIT,
    TAG_LIMIT,
    TEXT_LIMIT,
    check_chars,
    check_email,
    check_key,
)
from ledger.errors import LedgerError, RuleViolation, UsageError
from ledger.ops.progress import Progress, tick

FORMAT_VERSION = 1
Record = dict[str, Any]
Labelled = tuple[str, Record]


class ImportFileError(LedgerError):
    """A record of the import file is wrong; nothing was written."""


def _text(v: Any) -> str:
    if isinstance(v, str) and v:
        return v
    raise TypeError


def _text_or_empty(v: Any) -> str:
    if isinstance(v, str):
        return v
    raise TypeError


def _instant(v: Any) -> datetime:
    dt = datetime.fromisoformat(v)
    if dt.tzinfo is None:
        raise ValueError
    return dt.astimezone(UTC)


def _number(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError
    return float(v)


#: The largest whole number a column holds on every backend (PostgreSQL's INTEGER).
WHOLE_MAX = 2**31 - 1


def _whole(v: Any) -> int:
    """A whole number every backend stores (a version of 10**20 is refused here, not by the
    database's driver)."""
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError
    if not -WHOLE_MAX <= v <= WHOLE_MAX:
        raise ValueError
    return v


def _flag(v: Any) -> bool:
    if not isinstance(v, bool):
        raise TypeError
    return v


def _names(v: Any) -> list[str]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise TypeError
    return v


def _readings(v: Any) -> list[dict[str, str]]:
    if not isinstance(v, list) or not all(
            isinstance(x, dict) and set(x) == {"outcome", "note"}
            and all(isinstance(y, str) for y in x.values()) for x in v):
        raise TypeError
    return v


def _band(v: Any) -> list[float]:
    if not isinstance(v, list) or len(v) != 2:
        raise TypeError
    return [_number(v[0]), _number(v[1])]


class Kind:
    """How one field is read: its converter, whether it may be null, and its name in messages."""

    def __init__(self, convert: Callable[[Any], Any], name: str, optional: bool = False) -> None:
        self.convert, self.name, self.optional = convert, name, optional

    def __call__(self, optional: bool = True) -> Kind:
        return Kind(self.convert, self.name, optional)


TEXT = Kind(_text, "string")
TEXT_OPT = Kind(_text_or_empty, "string", optional=True)
DAY = Kind(date.fromisoformat, "date")
INSTANT = Kind(_instant, "datetime")
NUMBER = Kind(_number, "float")
WHOLE = Kind(_whole, f"whole number up to {WHOLE_MAX}")
FLAG = Kind(_flag, "bool")
NAMES = Kind(_names, "list of strings")
BAND = Kind(_band, "band", optional=True)
READINGS = Kind(_readings, "list of {outcome, note}", optional=True)

RECORDED = {"recorded_by": TEXT, "recorded_at": INSTANT}
FIELDS: dict[str, dict[str, Kind]] = {
    "analyst": {"name": TEXT, "affiliation": TEXT_OPT, "created_at": INSTANT,
                "email": TEXT_OPT},
    "source": {"key": TEXT, "title": TEXT, "outlet": TEXT_OPT, "url": TEXT_OPT,
               "published_on": DAY(), "published_at": INSTANT(), "authors": NAMES, **RECORDED},
    "claim": {"key": TEXT, "statement": TEXT, "quote": TEXT_OPT, "source": TEXT_OPT,
              "author": TEXT, "subject": TEXT_OPT, "tags": NAMES, "made_on": DAY,
              "due_on": DAY, "due_basis": TEXT, "due_note": TEXT_OPT, "criteria": TEXT_OPT,
              "withdrawn_on": DAY(), "withdrawn_note": TEXT_OPT, "withdrawn_at": INSTANT(),
              **RECORDED, "version": WHOLE},
    "forecast": {"id": TEXT, "claim": TEXT, "by": TEXT, "made_on": DAY, "probability": NUMBER,
                 "given": TEXT, "mapped": FLAG, "phrase": TEXT_OPT, "band": BAND, "vague": FLAG,
                 "note": TEXT_OPT, **RECORDED, "retracted_at": INSTANT(),
                 "retracted_by": TEXT_OPT, "retracted_note": TEXT_OPT},
    "evidence": {"id": TEXT, "claim": TEXT, "summary": TEXT, "url": TEXT_OPT,
                 "citation": TEXT_OPT, "observed_on": DAY, "stance": TEXT, **RECORDED},
    "resolution": {"id": TEXT, "claim": TEXT, "revision": WHOLE, "outcome": TEXT,
                   "known_on": DAY, "rationale": TEXT_OPT, "resolved_by": TEXT,
                   "recorded_at": INSTANT, "superseded_at": INSTANT(),
                   "superseded_note": TEXT_OPT, "evidence": NAMES, "readings": READINGS},
    "setting": {"name": TEXT, "value": TEXT, "note": TEXT_OPT, **RECORDED},
    "alias": {"key": TEXT, "claim": TEXT, "note": TEXT_OPT, **RECORDED},
    "reminder": {"analyst": TEXT, "claim": TEXT, "sent_on": DAY, "sent_at": INSTANT},
}
TYPES = tuple(FIELDS)


def _typed(label: str, obj: dict[str, Any]) -> Record:
    t = obj["type"]
    spec = FIELDS.get(t)
    if spec is None:
        raise ImportFileError(f"{label}: unknown record type {t!r}")
    extra = set(obj) - set(spec) - {"type"}
    if extra:
        raise ImportFileError(f"{label}: unknown field(s) {', '.join(sorted(extra))} in {t}")
    rec: Record = {"type": t}
    for field, kind in spec.items():
        value = obj.get(field)
        if value is None:
            if not kind.optional:
                raise ImportFileError(f"{label}: {t} field {field!r} is missing")
            rec[field] = None
            continue
        try:
            rec[field] = kind.convert(value)
        except (TypeError, ValueError, AttributeError, OverflowError):
            raise ImportFileError(f"{label}: {t} field {field!r} must be a {kind.name}, not "
                                  f"{json.dumps(value)[:40]}") from None
    return rec


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object that names a field twice is ambiguous: refuse it, never keep the last."""
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(f"field {k!r} appears twice in one record")
        out[k] = v
    return out


def read_records(lines: Iterable[str], *, today: date,
                 progress: Progress = None) -> list[Labelled]:
    """Parse, type and check every line; the first bad line stops everything."""
    if progress is not None and not isinstance(lines, list):
        lines = list(lines)
    total = len(lines) if isinstance(lines, list) else 0
    return list(records_of(lines, today=today, progress=progress, total=total))


def records_of(lines: Iterable[str], *, today: date, progress: Progress,
             total: int) -> Iterator[Labelled]:
    for no, raw in enumerate(lines, 1):
        tick(progress, no, total, "reading")
        raw = raw.strip()
        if not raw:
            continue
        label = f"line {no}"
        try:
            obj = json.loads(raw, object_pairs_hook=_no_duplicate_keys)
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"{label}: not valid JSON ({exc.msg})") from None
        except _DuplicateKey as exc:
            raise ImportFileError(f"{label}: {exc}") from None
        except ValueError as exc:  # e.g. numbers too long to convert
            raise ImportFileError(f"{label}: not valid JSON ({exc})") from None
        except RecursionError:
            raise ImportFileError(f"{label}: nested too deeply to be a ledger record") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
            raise ImportFileError(f"{label}: expected an object with a \"type\" (a string)")
        if obj["type"] == "ledger":
            if obj.get("format") != FORMAT_VERSION:
                raise ImportFileError(f"{label}: export format {obj.get('format')!r} is not "
                                      f"{FORMAT_VERSION}; use the ledger version that wrote it")
            continue
        rec = _typed(label, obj)
        check_record(label, rec, today=today)
        yield label, rec


def ident(rec: Record) -> str:
    return str(rec.get("key") or rec.get("id") or rec.get("name"))


def refuse(label: str, rec: Record, exc: RuleViolation) -> ImportFileError:
    """A rule's refusal, placed: ``line 3: claim 'k1': due date ... is before ...``."""
    return ImportFileError(f"{label}: {rec['type']} {ident(rec)!r}: {exc}")


def check_record(label: str, r: Record, *, today: date) -> None:
    """The rules a record must meet on its own (the importer checks those between records)."""
    try:
        check_rules(r, today)
    except RuleViolation as exc:
        raise refuse(label, r, exc) from None


def _key(key: str, what: str = "key") -> None:
    """The CLI's key rule (``ledger.core.keys``): a key that looks like an id is refused."""
    try:
        check_key(key, what)
    except UsageError as exc:
        raise RuleViolation(str(exc), "key") from None
    if key != key.strip():
        raise RuleViolation(f"{what} {key!r} is not valid: it has surrounding spaces", "key")


#: Record fields with a tighter limit than free text (``ledger.core.keys``); names that must
#: not be blank.
LIMITS = {"name": NAME_LIMIT, "by": NAME_LIMIT, "author": NAME_LIMIT, "analyst": NAME_LIMIT,
          "retracted_by": NAME_LIMIT, "email": EMAIL_LIMIT,
          "recorded_by": NAME_LIMIT, "resolved_by": NAME_LIMIT, "authors": NAME_LIMIT,
          "key": KEY_LIMIT, "claim": KEY_LIMIT, "source": KEY_LIMIT, "outlet": OUTLET_LIMIT,
          "affiliation": OUTLET_LIMIT, "subject": SUBJECT_LIMIT, "given": GIVEN_LIMIT,
          "phrase": GIVEN_LIMIT, "tags": TAG_LIMIT}
NOT_BLANK = {"name", "by", "author", "recorded_by", "resolved_by", "authors", "tags"}


def _check_strings(r: Record) -> None:
    """Every string of a record as the commands check theirs: storable, within its limit,
    names and tags not blank."""
    for field, value in r.items():
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, dict):  # readings
                for sub, x in v.items():
                    _string(field, x, f"{field} {sub}")
            elif isinstance(v, str) and field != "type":
                _string(field, v, field)


def _string(field: str, v: str, what: str) -> None:
    try:
        check_chars(v, what, LIMITS.get(field, TEXT_LIMIT))
    except UsageError as exc:
        raise RuleViolation(str(exc), field) from None
    if field in NOT_BLANK and not v.strip():
        raise RuleViolation(f"{what} must not be blank", field)


def check_rules(r: Record, today: date) -> None:
    """Raise the ``RuleViolation`` of the first rule the record breaks."""
    _check_strings(r)
    t = r["type"]
    if t == "source":
        _key(r["key"], "source key")
        if r["published_on"] is not None:
            rules.not_future(r["published_on"], "publication date", today, "published_on")
            hindsight.check_recorded_after(r["published_on"], r["recorded_at"],
                                           "publication date", "published_on")
    elif t == "claim":
        _key(r["key"])
        if r["source"] is not None:
            _key(r["source"], "source key")
        rules.check_claim(made_on=r["made_on"], due_on=r["due_on"], due_basis=r["due_basis"],
                          due_note=r["due_note"], today=today)
        if r["withdrawn_on"] is not None:
            rules.check_withdrawal(on=r["withdrawn_on"], made_on=r["made_on"],
                                   due_on=r["due_on"], key=r["key"], today=today)
        if r["version"] < 1:
            raise RuleViolation("version must be at least 1", "version")
        if r["withdrawn_at"] is not None and r["withdrawn_on"] is None:
            raise RuleViolation("withdrawn_at without withdrawn_on", "withdrawn_at")
        hindsight.check_recorded_after(r["made_on"], r["recorded_at"], "made date", "made_on")
        if r["withdrawn_at"] is not None:
            hindsight.check_recorded_after(r["withdrawn_on"], r["withdrawn_at"],
                                           "withdrawal date", "withdrawn_on")
    elif t == "forecast":
        band = None if r["band"] is None else (r["band"][0], r["band"][1])
        rules.check_probability(r["probability"], band, mapped=r["mapped"], phrase=r["phrase"])
        rules.not_future(r["made_on"], "forecast date", today, "made_on")
        hindsight.check_recorded_after(r["made_on"], r["recorded_at"], "forecast date",
                                       "made_on")
        if (r.get("retracted_at") is None) != (r.get("retracted_by") is None):
            raise RuleViolation("a retraction needs both retracted_at and retracted_by",
                                "retracted_at")
        if r.get("retracted_at") is not None and r["retracted_at"] < r["recorded_at"]:
            raise RuleViolation("retracted before it was recorded", "retracted_at")
    elif t == "evidence":
        rules.check_evidence(stance=r["stance"], on=r["observed_on"], today=today)
        hindsight.check_recorded_after(r["observed_on"], r["recorded_at"], "evidence date",
                                       "observed_on")
    elif t == "resolution":
        rules.one_of(r["outcome"], rules.OUTCOMES, "outcome", "outcome")
        rules.check_readings(r["outcome"], [(x["outcome"], x["note"])
                                            for x in r["readings"] or ()])
        rules.not_future(r["known_on"], "resolution date", today, "known_on")
        hindsight.check_recorded_after(r["known_on"], r["recorded_at"], "resolution date",
                                       "known_on")
        if r["revision"] < 1:
            raise RuleViolation("revision must be at least 1", "revision")
    elif t == "alias":
        _key(r["key"])
        _key(r["claim"])
    elif t == "analyst":
        if r.get("email"):
            try:
                check_email(r["email"], what="email")
            except UsageError as exc:
                raise RuleViolation(str(exc), "email") from None
    elif t == "setting" and r["name"].startswith(settings.PREFIX):
        key = r["name"][len(settings.PREFIX):]
        try:
            settings.check_ledger_key(key, "setting")
            settings.check_value(key, r["value"])
        except UsageError as exc:
            raise RuleViolation(str(exc), "name") from None
    elif t == "setting":
        if r["name"] != hindsight.GRACE_SETTING:
            raise RuleViolation(f"unknown setting {r['name']!r} (known: "
                                f"{hindsight.GRACE_SETTING}, {settings.PREFIX}KEY)", "name")
        if not re.fullmatch(r"[0-9]{1,3}", r["value"]):
            raise RuleViolation(f"{r['name']} must be a whole number of days", "value")
        hindsight.check_grace(int(r["value"]))
