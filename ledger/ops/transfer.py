"""Export a ledger to JSON Lines (deterministic, diff-friendly) or CSV, and import JSON Lines.

The JSONL file names everything by natural keys (analyst names, source and claim keys, and
``KEY#f1``-style ids for forecasts, evidence and resolutions) in a stable order, so exporting,
importing into an empty ledger and exporting again gives the same bytes. Import is all or
nothing, idempotent (rows already present are skipped), and names the line of any error.
The audit events themselves are not exported: the importing ledger records one ``import``
event that fingerprints every row it added (``ledger db copy`` keeps the events too).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timezone
from typing import IO, Any

from sqlalchemy import func, select

from ledger.errors import LedgerError, RuleViolation
from ledger.ops.common import (
    ANALYST,
    CLAIM,
    EVIDENCE,
    FORECAST,
    RES_EVIDENCE,
    RESOLUTION,
    SOURCE,
    SOURCE_AUTHOR,
    TAG,
    claim_status,
    today,
)
from ledger.store import audit
from ledger.store.bulk import insert_many
from ledger.store.engine import Store
from ledger.store.models import DUE_BASES, OUTCOMES, STANCES
from ledger.store.types import utcnow

FORMAT_VERSION = 1
Progress = Callable[[int, int], None] | None


class ImportFileError(LedgerError):
    """A line of the import file is wrong; nothing was written."""


def _iso(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.astimezone(timezone.utc).isoformat(timespec="microseconds")
    if isinstance(v, date):
        return v.isoformat()
    return v


def _line(record: dict[str, Any]) -> str:
    return json.dumps({k: _iso(v) for k, v in record.items()}, sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)


# -- export --------------------------------------------------------------------------------
def export_records(store: Store) -> Iterator[dict[str, Any]]:
    """Every record of the ledger in export order, read in one snapshot."""
    with store.read() as conn:
        names = {i: n for i, n in conn.execute(select(ANALYST.c.id, ANALYST.c.name))}
        yield {"type": "ledger", "format": FORMAT_VERSION}
        for a in conn.execute(select(ANALYST).order_by(ANALYST.c.name)).mappings():
            yield {"type": "analyst", "name": a["name"], "affiliation": a["affiliation"],
                   "created_at": a["created_at"]}
        authors: dict[int, list[str]] = defaultdict(list)
        for sid, aid in conn.execute(select(SOURCE_AUTHOR.c.source_id, SOURCE_AUTHOR.c.analyst_id)
                                     .order_by(SOURCE_AUTHOR.c.source_id, SOURCE_AUTHOR.c.position,
                                               SOURCE_AUTHOR.c.analyst_id)):
            authors[sid].append(names[aid])
        source_keys = {}
        for s in conn.execute(select(SOURCE).order_by(SOURCE.c.key)).mappings():
            source_keys[s["id"]] = s["key"]
            yield {"type": "source", "key": s["key"], "title": s["title"], "outlet": s["outlet"],
                   "url": s["url"], "published_on": s["published_on"],
                   "published_at": s["published_at"], "authors": authors.get(s["id"], []),
                   "recorded_by": names[s["recorded_by"]], "recorded_at": s["recorded_at"]}
        tags: dict[int, list[str]] = defaultdict(list)
        for cid, t in conn.execute(select(TAG.c.claim_id, TAG.c.tag).order_by(TAG.c.claim_id, TAG.c.tag)):
            tags[cid].append(t)
        forecasts = _grouped(conn, FORECAST, (FORECAST.c.recorded_at, FORECAST.c.made_on, FORECAST.c.id))
        evidence = _grouped(conn, EVIDENCE, (EVIDENCE.c.recorded_at, EVIDENCE.c.observed_on, EVIDENCE.c.id))
        resolutions = _grouped(conn, RESOLUTION, (RESOLUTION.c.revision,))
        links: dict[int, list[int]] = defaultdict(list)
        for rid, eid in conn.execute(select(RES_EVIDENCE.c.resolution_id, RES_EVIDENCE.c.evidence_id)):
            links[rid].append(eid)
        for c in conn.execute(select(CLAIM).order_by(CLAIM.c.key)).mappings():
            key = c["key"]
            yield {"type": "claim", "key": key, "statement": c["statement"], "quote": c["quote"],
                   "source": source_keys.get(c["source_id"]), "author": names[c["author_id"]],
                   "subject": c["subject"], "tags": tags.get(c["id"], []), "made_on": c["made_on"],
                   "due_on": c["due_on"], "due_basis": c["due_basis"], "due_note": c["due_note"],
                   "criteria": c["criteria"], "withdrawn_on": c["withdrawn_on"],
                   "withdrawn_note": c["withdrawn_note"], "recorded_by": names[c["recorded_by"]],
                   "recorded_at": c["recorded_at"], "version": c["version"]}
            for n, f in enumerate(forecasts.get(c["id"], []), 1):
                yield {"type": "forecast", "id": f"{key}#f{n}", "claim": key,
                       "by": names[f["analyst_id"]], "made_on": f["made_on"],
                       "probability": f["probability"], "given": f["given"], "mapped": f["mapped"],
                       "phrase": f["phrase"],
                       "band": None if f["band_lo"] is None else [f["band_lo"], f["band_hi"]],
                       "vague": f["vague"], "note": f["note"],
                       "recorded_by": names[f["recorded_by"]], "recorded_at": f["recorded_at"]}
            stable_ev: dict[int, str] = {}
            for n, e in enumerate(evidence.get(c["id"], []), 1):
                stable_ev[e["id"]] = f"{key}#e{n}"
                yield {"type": "evidence", "id": f"{key}#e{n}", "claim": key, "summary": e["summary"],
                       "url": e["url"], "citation": e["citation"], "observed_on": e["observed_on"],
                       "stance": e["stance"], "recorded_by": names[e["recorded_by"]],
                       "recorded_at": e["recorded_at"]}
            for r in resolutions.get(c["id"], []):
                yield {"type": "resolution", "id": f"{key}#r{r['revision']}", "claim": key,
                       "revision": r["revision"], "outcome": r["outcome"], "known_on": r["known_on"],
                       "rationale": r["rationale"], "resolved_by": names[r["resolved_by"]],
                       "recorded_at": r["recorded_at"], "superseded_at": r["superseded_at"],
                       "superseded_note": r["superseded_note"],
                       "evidence": sorted(stable_ev[e] for e in links.get(r["id"], []))}


def _grouped(conn: Any, table: Any, order: tuple[Any, ...]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in conn.execute(select(table).order_by(*order)).mappings():
        out[r["claim_id"]].append(dict(r))
    return out


def export_jsonl(store: Store, out: IO[str], progress: Progress = None) -> int:
    total = _count_claims(store) if progress else 0
    n = done = 0
    for rec in export_records(store):
        out.write(_line(rec) + "\n")
        n += 1
        if progress and rec["type"] == "claim":
            done += 1
            if done % 2000 == 0 or done == total:
                progress(done, total)
    return n


def _count_claims(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(CLAIM)).scalar_one())


CSV_COLUMNS = ["key", "statement", "author", "subject", "tags", "made_on", "due_on", "due_basis",
               "status", "forecast_by", "forecast_on", "probability", "given", "mapped",
               "outcome", "known_on", "rationale", "source"]


def export_csv(store: Store, out: IO[str], progress: Progress = None) -> int:
    """One row per claim: its latest forecast and its current resolution."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    claim: dict[str, Any] | None = None
    n = 0

    def flush() -> None:
        nonlocal n
        if claim is None:
            return
        c, f, r = claim["c"], claim["f"], claim["r"]
        row = {
            "key": c["key"], "statement": c["statement"], "author": c["author"],
            "subject": c["subject"], "tags": ";".join(c["tags"]), "made_on": c["made_on"],
            "due_on": c["due_on"], "due_basis": c["due_basis"],
            "status": claim_status(
                {"withdrawn_on": c["withdrawn_on"], "due_on": date.fromisoformat(_iso(c["due_on"]))},
                r, today()),
            "forecast_by": f and f["by"], "forecast_on": f and f["made_on"],
            "probability": f and f["probability"], "given": f and f["given"],
            "mapped": f and f["mapped"], "outcome": r and r["outcome"],
            "known_on": r and r["known_on"], "rationale": r and r["rationale"],
            "source": c["source"],
        }
        w.writerow(["" if row[k] is None else _iso(row[k]) for k in CSV_COLUMNS])
        n += 1

    for rec in export_records(store):
        t = rec["type"]
        if t == "claim":
            flush()
            claim = {"c": rec, "f": None, "r": None}
        elif t == "forecast" and claim is not None:
            if claim["f"] is None or (rec["made_on"], rec["recorded_at"]) >= (
                    claim["f"]["made_on"], claim["f"]["recorded_at"]):
                claim["f"] = rec
        elif t == "resolution" and claim is not None and rec["superseded_at"] is None:
            claim["r"] = rec
    flush()
    return n


# -- import --------------------------------------------------------------------------------
FIELDS: dict[str, dict[str, str]] = {
    "analyst": {"name": "str", "affiliation": "str?", "created_at": "datetime"},
    "source": {"key": "str", "title": "str", "outlet": "str?", "url": "str?",
               "published_on": "date?", "published_at": "datetime?", "authors": "list",
               "recorded_by": "str", "recorded_at": "datetime"},
    "claim": {"key": "str", "statement": "str", "quote": "str?", "source": "str?",
              "author": "str", "subject": "str?", "tags": "list", "made_on": "date",
              "due_on": "date", "due_basis": "str", "due_note": "str?", "criteria": "str?",
              "withdrawn_on": "date?", "withdrawn_note": "str?", "recorded_by": "str",
              "recorded_at": "datetime", "version": "int"},
    "forecast": {"id": "str", "claim": "str", "by": "str", "made_on": "date",
                 "probability": "float", "given": "str", "mapped": "bool", "phrase": "str?",
                 "band": "band", "vague": "bool", "note": "str?", "recorded_by": "str",
                 "recorded_at": "datetime"},
    "evidence": {"id": "str", "claim": "str", "summary": "str", "url": "str?",
                 "citation": "str?", "observed_on": "date", "stance": "str",
                 "recorded_by": "str", "recorded_at": "datetime"},
    "resolution": {"id": "str", "claim": "str", "revision": "int", "outcome": "str",
                   "known_on": "date", "rationale": "str?", "resolved_by": "str",
                   "recorded_at": "datetime", "superseded_at": "datetime?",
                   "superseded_note": "str?", "evidence": "list"},
}


def _fail(where: str, kind: str, value: Any) -> ImportFileError:
    what = "a list of strings" if kind == "list" else f"a {kind}"
    return ImportFileError(f"{where} must be {what}, not {json.dumps(value)[:40]}")


def _c_str(v: Any) -> str:
    if isinstance(v, str) and v:
        return v
    raise TypeError


def _c_str_opt(v: Any) -> str:
    if isinstance(v, str):
        return v
    raise TypeError


def _c_datetime(v: Any) -> datetime:
    dt = datetime.fromisoformat(v)
    if dt.tzinfo is None:
        raise ValueError
    return dt.astimezone(timezone.utc)


def _c_float(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError
    return float(v)


def _c_int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError
    return v


def _c_bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise TypeError
    return v


def _c_list(v: Any) -> list[str]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise TypeError
    return v


def _c_band(v: Any) -> list[float]:
    if (not isinstance(v, list) or len(v) != 2
            or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)):
        raise TypeError
    return [float(v[0]), float(v[1])]


CONVERTERS: dict[str, Any] = {
    "str": _c_str, "str?": _c_str_opt, "date": date.fromisoformat, "date?": date.fromisoformat,
    "datetime": _c_datetime, "datetime?": _c_datetime, "float": _c_float, "int": _c_int,
    "bool": _c_bool, "list": _c_list, "band": _c_band,
}
SPECS = {t: [(f, k, CONVERTERS[k], k.endswith("?") or k == "band") for f, k in spec.items()]
         for t, spec in FIELDS.items()}


def read_records(lines: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
    """Parse and type-check every line; the first bad line stops everything. Each record
    comes with its label (``line 12``) for messages."""
    out: list[tuple[str, dict[str, Any]]] = []
    for no, raw in enumerate(lines, 1):
        raw = raw.strip()
        if not raw:
            continue
        try:
            obj = json.loads(raw)
        except ValueError as exc:
            raise ImportFileError(f"line {no}: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict) or "type" not in obj:
            raise ImportFileError(f"line {no}: expected an object with a \"type\"")
        t = obj["type"]
        if t == "ledger":
            if obj.get("format") != FORMAT_VERSION:
                raise ImportFileError(f"line {no}: export format {obj.get('format')!r} is not "
                                   f"{FORMAT_VERSION}; use the ledger version that wrote it")
            continue
        spec = FIELDS.get(t)
        if spec is None:
            raise ImportFileError(f"line {no}: unknown record type {t!r}")
        extra = set(obj) - set(spec) - {"type"}
        if extra:
            raise ImportFileError(f"line {no}: unknown field(s) {', '.join(sorted(extra))} in {t}")
        rec = {"type": t}
        for field, kind, convert, optional in SPECS[t]:
            value = obj.get(field)
            if value is None:
                if not optional:
                    raise ImportFileError(f"line {no}: {t} field {field!r} is missing")
                rec[field] = None
                continue
            try:
                rec[field] = convert(value)
            except (TypeError, ValueError, AttributeError):
                raise _fail(f"line {no}: {t} field {field!r}", kind.rstrip("?"), value) from None
        check_record(f"line {no}", rec)
        out.append((f"line {no}", rec))
    return out


def check_record(no: str, r: dict[str, Any]) -> None:
    """The rules a record must meet beyond its field types (messages start with its label)."""
    t = r["type"]
    where = f"{no}: {t}"
    if t == "claim":
        if r["due_on"] < r["made_on"]:
            raise ImportFileError(f"{where} {r['key']!r}: due_on is before made_on")
        if r["due_basis"] not in DUE_BASES:
            raise ImportFileError(f"{where} {r['key']!r}: due_basis must be one of {', '.join(DUE_BASES)}")
        if r["version"] < 1:
            raise ImportFileError(f"{where} {r['key']!r}: version must be at least 1")
    elif t == "forecast":
        if not 0 <= r["probability"] <= 1:
            raise ImportFileError(f"{where} {r['id']!r}: probability is outside [0, 1]")
        if r["band"] is not None and not (0 <= r["band"][0] <= r["probability"] <= r["band"][1] <= 1):
            raise ImportFileError(f"{where} {r['id']!r}: band must surround the probability")
        if r["mapped"] and not r["phrase"]:
            raise ImportFileError(f"{where} {r['id']!r}: a mapped forecast needs its phrase")
    elif t == "evidence" and r["stance"] not in STANCES:
        raise ImportFileError(f"{where} {r['id']!r}: stance must be one of {', '.join(STANCES)}")
    elif t == "resolution":
        if r["outcome"] not in OUTCOMES:
            raise ImportFileError(f"{where} {r['id']!r}: outcome must be one of {', '.join(OUTCOMES)}")
        if r["revision"] < 1:
            raise ImportFileError(f"{where} {r['id']!r}: revision must be at least 1")


def _next_id(conn: Any, table: Any) -> int:
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def import_jsonl(store: Store, actor: str, lines: Iterable[str],
                 progress: Progress = None) -> dict[str, int]:
    """Load an export into this ledger: all or nothing; rows already present are skipped."""
    return import_records(store, actor, read_records(lines), progress)


def import_records(store: Store, actor: str, records: list[tuple[str, dict[str, Any]]],
                   progress: Progress = None, action: str = "import") -> dict[str, int]:
    """Load typed records (each with a label for messages) in one transaction."""
    counts = {t: 0 for t in FIELDS}
    skipped = 0
    now = utcnow()
    with store.write() as conn:
        after: dict[str, Any] = {}
        names = {n: i for i, n in conn.execute(select(ANALYST.c.id, ANALYST.c.name))}
        file_analysts = {r["name"]: (no, r) for no, r in records if r["type"] == "analyst"}

        def who(name: str, no: str) -> int:
            if name in names:
                return names[name]
            if name not in file_analysts:
                raise ImportFileError(f"{no}: analyst {name!r} is neither in the file nor in "
                                   "this ledger")
            _, a = file_analysts[name]
            new = int(conn.execute(ANALYST.insert().values(
                name=name, affiliation=a["affiliation"], created_at=a["created_at"]
            )).inserted_primary_key[0])
            names[name] = new
            counts["analyst"] += 1
            after[f"analyst/{new}"] = audit.digest(
                {"id": new, "name": name, "affiliation": a["affiliation"], "created_at": a["created_at"]})
            return new

        for no, r in records:
            if r["type"] == "analyst":
                who(r["name"], no)

        sources = {k: i for i, k in conn.execute(select(SOURCE.c.id, SOURCE.c.key))}
        for no, r in records:
            if r["type"] != "source":
                continue
            if r["key"] in sources:
                _same_or_fail(conn, no, "source", r, existing_source(conn, sources[r["key"]], names))
                skipped += 1
                continue
            row = {"key": r["key"], "title": r["title"], "outlet": r["outlet"], "url": r["url"],
                   "published_on": r["published_on"], "published_at": r["published_at"],
                   "recorded_by": who(r["recorded_by"], no), "recorded_at": r["recorded_at"]}
            sid = int(conn.execute(SOURCE.insert().values(**row)).inserted_primary_key[0])
            author_ids = []
            for pos, name in enumerate(r["authors"]):
                aid = who(name, no)
                if aid not in author_ids:
                    author_ids.append(aid)
                    conn.execute(SOURCE_AUTHOR.insert().values(source_id=sid, analyst_id=aid, position=pos))
            sources[r["key"]] = sid
            counts["source"] += 1
            after[f"source/{sid}"] = audit.digest({"id": sid, **row, "authors": sorted(author_ids)})

        existing_claims = {k: i for i, k in conn.execute(select(CLAIM.c.id, CLAIM.c.key))}
        claim_ids: dict[str, int] = {}
        new_claims: set[str] = set()
        claim_rows: list[dict[str, Any]] = []
        tag_rows: list[dict[str, Any]] = []
        next_claim = _next_id(conn, CLAIM)
        total = sum(1 for _, r in records if r["type"] == "claim")
        done = 0
        for no, r in records:
            if r["type"] != "claim":
                continue
            done += 1
            if progress and (done % 5000 == 0 or done == total):
                progress(done, total)
            if r["key"] in claim_ids:
                raise ImportFileError(f"{no}: claim {r['key']!r} appears twice in the file")
            if r["key"] in existing_claims:
                cid = existing_claims[r["key"]]
                _same_or_fail(conn, no, "claim", r, existing_claim(conn, cid, names, sources))
                claim_ids[r["key"]] = cid
                skipped += 1
                continue
            if r["source"] is not None and r["source"] not in sources:
                raise ImportFileError(f"{no}: claim {r['key']!r} cites unknown source {r['source']!r}")
            cid = next_claim
            next_claim += 1
            row = {"id": cid, "key": r["key"], "statement": r["statement"], "quote": r["quote"],
                   "source_id": sources.get(r["source"]) if r["source"] else None,
                   "author_id": who(r["author"], no), "subject": r["subject"],
                   "made_on": r["made_on"], "due_on": r["due_on"], "due_basis": r["due_basis"],
                   "due_note": r["due_note"], "criteria": r["criteria"],
                   "withdrawn_on": r["withdrawn_on"], "withdrawn_note": r["withdrawn_note"],
                   "recorded_by": who(r["recorded_by"], no), "recorded_at": r["recorded_at"],
                   "version": r["version"]}
            tags = sorted(set(r["tags"]))
            claim_rows.append(row)
            tag_rows += [{"claim_id": cid, "tag": t} for t in tags]
            claim_ids[r["key"]] = cid
            new_claims.add(r["key"])
            after[f"claim/{cid}"] = audit.digest({**row, "tags": tags})
        if claim_rows:
            insert_many(conn, CLAIM, claim_rows)
            counts["claim"] = len(claim_rows)
        if tag_rows:
            insert_many(conn, TAG, tag_rows)

        def claim_of(no: str, r: dict[str, Any]) -> int:
            if r["claim"] not in claim_ids:
                raise ImportFileError(f"{no}: {r['type']} {r['id']!r} refers to unknown claim "
                                   f"{r['claim']!r}")
            return claim_ids[r["claim"]]

        forecast_rows: list[dict[str, Any]] = []
        next_f = _next_id(conn, FORECAST)
        seen_f = _existing(conn, FORECAST, claim_ids, new_claims, ("analyst_id", "made_on",
                           "probability", "given", "recorded_at"))
        for no, r in records:
            if r["type"] != "forecast":
                continue
            cid = claim_of(no, r)
            row = {"claim_id": cid, "analyst_id": who(r["by"], no), "made_on": r["made_on"],
                   "probability": r["probability"], "given": r["given"], "mapped": r["mapped"],
                   "phrase": r["phrase"], "band_lo": r["band"][0] if r["band"] else None,
                   "band_hi": r["band"][1] if r["band"] else None, "vague": r["vague"],
                   "note": r["note"], "recorded_by": who(r["recorded_by"], no),
                   "recorded_at": r["recorded_at"]}
            sig = (cid, row["analyst_id"], row["made_on"], row["probability"], row["given"],
                   row["recorded_at"])
            if sig in seen_f:
                skipped += 1
                continue
            seen_f.add(sig)
            row["id"] = next_f
            next_f += 1
            forecast_rows.append(row)
            after[f"forecast/{row['id']}"] = audit.digest(row)
        if forecast_rows:
            insert_many(conn, FORECAST, forecast_rows)
            counts["forecast"] = len(forecast_rows)

        evidence_ids: dict[str, int] = {}
        next_e = _next_id(conn, EVIDENCE)
        existing_ev = {}
        for row in conn.execute(select(EVIDENCE).where(EVIDENCE.c.claim_id.in_(
                [claim_ids[k] for k in claim_ids if k not in new_claims] or [-1]))).mappings():
            existing_ev[(row["claim_id"], row["observed_on"], row["summary"], row["recorded_at"])] = row["id"]
        evidence_rows = []
        for no, r in records:
            if r["type"] != "evidence":
                continue
            cid = claim_of(no, r)
            sig = (cid, r["observed_on"], r["summary"], r["recorded_at"])
            if sig in existing_ev:
                evidence_ids[r["id"]] = existing_ev[sig]
                skipped += 1
                continue
            row = {"id": next_e, "claim_id": cid, "summary": r["summary"], "url": r["url"],
                   "citation": r["citation"], "observed_on": r["observed_on"], "stance": r["stance"],
                   "recorded_by": who(r["recorded_by"], no), "recorded_at": r["recorded_at"]}
            next_e += 1
            existing_ev[sig] = row["id"]
            evidence_ids[r["id"]] = row["id"]
            evidence_rows.append(row)
            after[f"evidence/{row['id']}"] = audit.digest(row)
        if evidence_rows:
            insert_many(conn, EVIDENCE, evidence_rows)
            counts["evidence"] = len(evidence_rows)

        existing_res = {(row["claim_id"], row["revision"]): dict(row) for row in conn.execute(
            select(RESOLUTION).where(RESOLUTION.c.claim_id.in_(
                [claim_ids[k] for k in claim_ids if k not in new_claims] or [-1]))).mappings()}
        next_r = _next_id(conn, RESOLUTION)
        res_rows, link_rows = [], []
        current: dict[int, int] = defaultdict(int)
        for no, r in records:
            if r["type"] != "resolution":
                continue
            cid = claim_of(no, r)
            if r["superseded_at"] is None:
                current[cid] += 1
                if current[cid] > 1:
                    raise ImportFileError(f"{no}: claim {r['claim']!r} has two current resolutions")
            ev = []
            for stable in r["evidence"]:
                if stable not in evidence_ids:
                    raise ImportFileError(f"{no}: resolution {r['id']!r} rests on unknown "
                                       f"evidence {stable!r}")
                ev.append(evidence_ids[stable])
            row = {"claim_id": cid, "revision": r["revision"], "outcome": r["outcome"],
                   "known_on": r["known_on"], "rationale": r["rationale"],
                   "resolved_by": who(r["resolved_by"], no), "recorded_at": r["recorded_at"],
                   "superseded_at": r["superseded_at"], "superseded_note": r["superseded_note"]}
            have = existing_res.get((cid, r["revision"]))
            if have is not None:
                mine = {k: have[k] for k in row}
                if audit.canonical(mine) != audit.canonical(row):
                    raise ImportFileError(f"{no}: resolution {r['id']!r} differs from the one "
                                       "in this ledger; nothing was imported")
                skipped += 1
                continue
            row["id"] = next_r
            next_r += 1
            res_rows.append(row)
            link_rows += [{"resolution_id": row["id"], "evidence_id": e} for e in sorted(set(ev))]
            after[f"resolution/{row['id']}"] = audit.digest({**row, "evidence": sorted(set(ev))})
        if res_rows:
            insert_many(conn, RESOLUTION, res_rows)
            counts["resolution"] = len(res_rows)
        if link_rows:
            insert_many(conn, RES_EVIDENCE, link_rows)
        if not store.is_sqlite:
            from ledger.store.migrate import reset_sequences

            reset_sequences(conn)
        added = sum(counts.values())
        if added:
            me = names.get(actor)
            if me is None:
                me = int(conn.execute(ANALYST.insert().values(name=actor, created_at=now))
                         .inserted_primary_key[0])
                after[f"analyst/{me}"] = audit.digest({"id": me, "name": actor,
                                                       "affiliation": None, "created_at": now})
            after["counts"] = counts
            audit.append(conn, actor=actor, action=action, entity="ledger", entity_id=None,
                         claim_id=None, before=None, after=after, at=now)
    return {**counts, "skipped": skipped}


def _existing(conn: Any, table: Any, claim_ids: dict[str, int], new: set[str],
              cols: tuple[str, ...]) -> set[tuple[Any, ...]]:
    old = [claim_ids[k] for k in claim_ids if k not in new]
    if not old:
        return set()
    q = select(table.c.claim_id, *[table.c[c] for c in cols]).where(table.c.claim_id.in_(old))
    return {tuple(r) for r in conn.execute(q)}


def existing_source(conn: Any, sid: int, names: dict[str, int]) -> dict[str, Any]:
    by_id = {i: n for n, i in names.items()}
    s = dict(conn.execute(select(SOURCE).where(SOURCE.c.id == sid)).mappings().one())
    authors = [by_id[a] for (a,) in conn.execute(
        select(SOURCE_AUTHOR.c.analyst_id).where(SOURCE_AUTHOR.c.source_id == sid)
        .order_by(SOURCE_AUTHOR.c.position, SOURCE_AUTHOR.c.analyst_id))]
    return {"key": s["key"], "title": s["title"], "outlet": s["outlet"], "url": s["url"],
            "published_on": s["published_on"], "published_at": s["published_at"],
            "authors": authors, "recorded_by": by_id[s["recorded_by"]], "recorded_at": s["recorded_at"]}


def existing_claim(conn: Any, cid: int, names: dict[str, int], sources: dict[str, int]) -> dict[str, Any]:
    by_id = {i: n for n, i in names.items()}
    src = {i: k for k, i in sources.items()}
    c = dict(conn.execute(select(CLAIM).where(CLAIM.c.id == cid)).mappings().one())
    tags = [t for (t,) in conn.execute(select(TAG.c.tag).where(TAG.c.claim_id == cid).order_by(TAG.c.tag))]
    return {"key": c["key"], "statement": c["statement"], "quote": c["quote"],
            "source": src.get(c["source_id"]), "author": by_id[c["author_id"]], "subject": c["subject"],
            "tags": tags, "made_on": c["made_on"], "due_on": c["due_on"], "due_basis": c["due_basis"],
            "due_note": c["due_note"], "criteria": c["criteria"], "withdrawn_on": c["withdrawn_on"],
            "withdrawn_note": c["withdrawn_note"], "recorded_by": by_id[c["recorded_by"]],
            "recorded_at": c["recorded_at"], "version": c["version"]}


def _same_or_fail(conn: Any, no: str, what: str, rec: dict[str, Any], have: dict[str, Any]) -> None:
    mine = {k: v for k, v in rec.items() if k != "type"}
    if what == "claim":
        mine["tags"] = sorted(set(mine["tags"]))
    diff = sorted(k for k in mine if audit.canonical(mine[k]) != audit.canonical(have.get(k)))
    if diff:
        raise RuleViolation(f"{no}: {what} {rec['key']!r} already exists here with different "
                            f"{', '.join(diff)}; nothing was imported")
