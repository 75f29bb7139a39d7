"""iqisa's normalised forecast frame (niplav/iqisa), saved as CSV, for its PredictionBook, GJP
and Metaculus loaders.

The frame names no source and holds no titles: the source is told by ``--from
iqisa-predictionbook|iqisa-gjp|iqisa-metaculus`` (or recognised from the shape of its columns),
and titles come from a companion question file (``question_id``, ``q_title``) or stay
placeholders, with a warning. Claim keys are the native imports' keys, so both routes meet on
one claim. Values are taken as they are: iqisa's clamping of GJP's 0 and 1 to 0.005 and 0.995
is not undone.

Times are read as the loaders wrote them: the Metaculus frame's are Central European local
time (its first forecasts land exactly one hour after the question opened in winter, two in
summer), so that frame is read in ``Europe/Berlin`` unless ``--tz`` says otherwise; the others
in UTC.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from ledger.importers import gjp
from ledger.importers.batch import Batch
from ledger.importers.reading import FormatError, Input, Rows, blank, csv_rows, day_of, instant

COLUMNS = ("question_id", "user_id", "probability", "answer_option", "timestamp", "outcome",
           "open_time", "close_time", "resolve_time", "options", "q_status", "q_type")
SOURCES = ("predictionbook", "gjp", "metaculus")


def is_frame(rows: Rows) -> bool:
    return all(c in rows.header for c in ("question_id", "probability", "answer_option",
                                          "q_status"))


def guess_source(rows: Rows) -> str | None:
    """gjp when options are lettered; predictionbook when users are names; else unsure."""
    sample = [r for _, r in zip(range(200), rows, strict=False)]
    if not sample:
        return None
    if all(r[1]["answer_option"].strip() in "abcde" and r[1]["answer_option"].strip()
           for r in sample):
        return "gjp"
    users = [r[1]["user_id"].strip() for r in sample if r[1]["user_id"].strip()]
    if users and all(not _is_number(u) for u in users) and all(
            r[1]["options"].startswith("(0) No, (1) Yes") for r in sample):
        return "predictionbook"
    return None


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _int(label: str, text: str) -> int:
    try:
        return int(float(text))
    except (ValueError, OverflowError):
        raise FormatError(f"{label}: {text[:20]!r} is not a number") from None


#: The zone a loader's zone-less times are in, when ``--tz`` does not say.
ZONES = {"metaculus": "Europe/Berlin"}


def _when(label: str, text: str, batch: Batch) -> datetime:
    zone = batch.opts.zone
    if not batch.opts.zone_given and batch.tag in ZONES:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(ZONES[batch.tag])
    try:
        return instant(text, zone)
    except ValueError as exc:
        raise FormatError(f"{label}: {exc}") from None


def read(batch: Batch, files: list[Input], source: str | None) -> None:
    tables = [csv_rows(f) for f in files]
    frames = [t for t in tables if is_frame(t)]
    if len(frames) != 1:
        raise FormatError("the iqisa import reads one forecast frame (with an optional question "
                          "file holding question_id and q_title)")
    frame = frames[0]
    frame.require(*COLUMNS)
    titles: dict[str, str] = {}
    for t in tables:
        if t is not frame and "question_id" in t.header and "q_title" in t.header:
            titles |= {_key_id(label, r["question_id"]): r["q_title"] for label, r in t}
    source = source or guess_source(frame)
    if source not in SOURCES:
        raise FormatError(f"{frame.name}: cannot tell which iqisa loader wrote it; give --from "
                          "iqisa-predictionbook, iqisa-gjp or iqisa-metaculus")
    batch.platform = {"predictionbook": "PredictionBook", "gjp": "Good Judgment Project",
                      "metaculus": "Metaculus"}[source]
    batch.tag = source
    if source == "gjp":
        _gjp(batch, frame, titles)
    else:
        _binary(batch, frame, titles, source)


def _key_id(label: str, text: str) -> str:
    return str(_int(label, text))


def _title(titles: dict[str, str], qid: str, what: str, batch: Batch) -> str:
    if qid in titles and titles[qid].strip():
        return titles[qid]
    batch.placeholders += 1
    return f"{what} question {qid} (its title is not in the iqisa file)"


def _binary(batch: Batch, frame: Rows, titles: dict[str, str], source: str) -> None:
    """PredictionBook and Metaculus frames: one binary claim per question, one row a wager."""
    outcomes = {"1": "true", "0": "false"} | ({"-1": "ambiguous"} if source == "metaculus"
                                              else {})
    for label, r in frame:
        batch.rows += 1
        qid = _key_id(label, r["question_id"])
        key = f"predictionbook:{qid}" if source == "predictionbook" else \
            f"metaculus-legacy:{qid}"
        user = r["user_id"].strip()
        if key not in batch.claims:
            made = _when(label, r["open_time"], batch)
            close = r["close_time"] if not blank(r["close_time"]) else r["open_time"]
            author = "PredictionBook" if source == "predictionbook" else "Metaculus"
            batch.claim(label, key, statement=_title(titles, qid, batch.platform, batch),
                        author=author, made_at=made, due_on=day_of(_when(label, close, batch)),
                        url=f"https://predictionbook.com/predictions/{qid}"
                        if source == "predictionbook" else None)
            batch.weak.add(key)
            word = r["outcome"].strip()
            word = str(int(float(word))) if _is_number(word) else word
            if word in outcomes and not blank(r["resolve_time"]):
                at = _when(label, r["resolve_time"], batch)
                batch.resolve(label, key, outcomes[word], known_on=day_of(at), at=at,
                              rationale=f"imported from iqisa ({source}): outcome {word}")
            elif word == "-1":
                batch.skip("judgements set back to unknown (-1)")
        if blank(user) or (source == "metaculus" and user in ("0", "0.0")):
            batch.skip("rows with no user (or the community series)")
            continue
        try:
            p = float(r["probability"])
        except ValueError:
            batch.reject(label, f"probability {r['probability'][:20]!r} is not a number")
            continue
        given = f"{p * 100:g}%" if source == "predictionbook" else r["probability"].strip()
        batch.forecast(label, key, by=user if source == "predictionbook" else
                       f"metaculus:{_key_id(label, user)}", p=p,
                       at=_when(label, r["timestamp"], batch), given=given)


def _gjp(batch: Batch, frame: Rows, titles: dict[str, str]) -> None:
    """GJP frames: one row per forecast and option; the IFP id rebuilt from its type."""
    rows = list(frame)
    first: dict[str, date] = {}
    for label, r in rows:
        ifp = f"{_int(label, r['question_id'])}-{_int(label, r['q_type'])}"
        on = day_of(_when(label, r["timestamp"], batch))
        first[ifp] = min(first.get(ifp, on), on)
    groups: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    keys: dict[str, dict[str, str]] = {}
    batch.warn("approximation: iqisa's GJP frame has no resolution date; each claim is known "
               "on its scheduled close (resolve_time)")
    for label, r in rows:
        batch.rows += 1
        ifp = f"{_int(label, r['question_id'])}-{_int(label, r['q_type'])}"
        if ifp not in keys:
            keys[ifp] = _gjp_question(batch, label, r, ifp, first[ifp], titles)
        user = r["user_id"].strip()
        if blank(user):
            groups[(ifp, "", r["timestamp"])]["?"] = ""
            continue
        groups[(ifp, f"gjp:{_int(label, user)}", r["timestamp"].strip())][
            r["answer_option"].strip()] = r["probability"].strip()
        groups[(ifp, f"gjp:{_int(label, user)}", r["timestamp"].strip())]["#"] = label
    for (ifp, who, stamp), values in groups.items():
        if not who:
            batch.skip("forecasts with no user")
            continue
        label = values.pop("#")
        at = _when(label, stamp, batch)
        for letter, key in keys[ifp].items():
            if letter in values:
                try:
                    p = float(values[letter])
                except ValueError:
                    batch.reject(label, f"probability {values[letter][:20]!r} is not a number")
                    continue
                batch.forecast(label, key, by=who, p=p, at=at, given=values[letter])


def _gjp_question(batch: Batch, label: str, r: dict[str, str], ifp: str, first: date,
                  titles: dict[str, str]) -> dict[str, str]:
    condition, opts = gjp.options(r["options"])
    binary = len(opts) <= 2
    if not binary and not batch.opts.multiple_choice:
        batch.skip("multiple-choice questions (--refuse-multiple-choice)")
        return {}
    opened = _when(label, r["open_time"], batch)
    if day_of(opened) > first:
        batch.warn(f"gjp:{ifp}: open_time {day_of(opened)} after first forecast {first}; "
                   f"made_on := {first}")
    resolve = day_of(_when(label, r["resolve_time"], batch))
    text = _title(titles, ifp, "GJP", batch) + (f" ({condition})" if condition else "")
    keys = {"a": f"gjp:{ifp}"} if binary else {x: f"gjp:{ifp}:{x}" for x in sorted(opts)}
    for letter, key in keys.items():
        made = min(opened, datetime(first.year, first.month, first.day, tzinfo=opened.tzinfo))
        batch.claim(label, key, statement=text if binary else f"{text} — {opts[letter]}",
                    author=gjp.AUTHOR, made_at=made, due_on=resolve)
        batch.weak.add(key)
        status = r["q_status"].strip().lower()
        if status == "voided":
            word = "annulled"
        elif blank(r["outcome"]):
            continue
        else:
            word = "true" if r["outcome"].strip().lower() == letter else "false"
        known = max(resolve, day_of(made))
        batch.resolve(label, key, word, known_on=known,
                      at=datetime(known.year, known.month, known.day, tzinfo=opened.tzinfo),
                      rationale=f"imported from iqisa (gjp): {status}, known on the scheduled "
                                "close")
    return keys
