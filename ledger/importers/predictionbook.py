"""PredictionBook: the "Export my predictions as CSV" file and the JSON of the API's
``my_predictions`` (or one ``predictions/:id``), told apart by their content.

The CSV has no wagers, only the floor of the mean of everyone's, which becomes the creator's
forecast on the day the prediction was made (an approximation the summary states). The JSON has
every response: wagers are forecasts, comments are evidence. "Unknown" is unresolved.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ledger.importers.batch import Batch
from ledger.importers.reading import FormatError, Input, blank, csv_rows, day_of, instant

URL = "https://predictionbook.com/predictions/{}"
MEAN_GIVEN = "PB mean_confidence (all wagers)"


def _when(label: str, batch: Batch, value: Any, what: str) -> datetime | None:
    try:
        return instant(str(value))
    except (ValueError, TypeError):
        batch.reject(label, f"{what} {str(value)[:40]!r} is not a time")
        return None


def _prediction(batch: Batch, label: str, p: dict[str, Any]) -> str | None:
    """The claim and outcome of one prediction (a CSV row or a JSON object); its key."""
    pid = str(p.get("id", "")).strip()
    if not pid.isdigit():
        batch.reject(label, f"prediction id {pid[:20]!r} is not a number")
        return None
    if str(p.get("withdrawn")).lower() == "true":
        batch.skip("withdrawn predictions")
        return None
    made = _when(label, batch, p.get("created_at"), "created_at")
    deadline = _when(label, batch, p.get("deadline"), "deadline")
    if made is None or deadline is None:
        return None
    key = f"predictionbook:{pid}"
    statement = str(p.get("description_with_group") or p.get("description") or "")
    author = str(p.get("creator_label") or "").strip() or f"predictionbook:{p.get('creator_id')}"
    batch.claim(label, key, statement=statement, author=author,
                made_at=made, due_on=day_of(deadline), url=URL.format(pid))
    outcome = p.get("outcome")
    judged = p.get("last_judgement_at")
    word = {"true": "true", "false": "false"}.get(str(outcome).strip().lower())
    if word is None:
        if not blank(None if judged is None else str(judged)):
            batch.skip("judgements set back to unknown")
        return key
    at = _when(label, batch, judged if not blank(str(judged)) else p.get("updated_at"),
               "last_judgement_at")
    if at is None:
        return None
    if blank(None if judged is None else str(judged)):
        batch.warn(f"{key}: judged {word} with no judgement time; updated_at used")
    batch.resolve(label, key, word, known_on=day_of(at), at=at,
                  rationale="imported from PredictionBook: judged "
                  + ("right" if word == "true" else "wrong"))
    return key


def read_csv(batch: Batch, inp: Input) -> None:
    rows = csv_rows(inp)
    if not rows.header:  # an export of no predictions is an empty file
        return
    rows.require("id", "created_at", "deadline", "creator_label", "mean_confidence")
    latest: dict[str, tuple[str, dict[str, str]]] = {}
    for label, row in rows:  # overlapping pages: a later row of one prediction replaces it
        batch.rows += 1
        latest[row["id"].strip()] = (label, row)
    seen = 0
    for label, row in latest.values():
        key = _prediction(batch, label, row)
        if key is None:
            continue
        mean = row["mean_confidence"].strip()
        if not (mean.isdigit() and int(mean) <= 100):
            batch.reject(label, f"mean_confidence {mean[:20]!r} is not a whole number from 0 "
                                "to 100")
            continue
        at = _when(label, batch, row["created_at"], "created_at")
        if at is None:
            continue
        seen += 1
        who = row["creator_label"].strip() or f"predictionbook:{row['creator_id']}"
        batch.forecast(label, key, by=who, p=int(mean) / 100, at=at, given=MEAN_GIVEN)
    if seen:
        batch.warn(f"approximation: the PredictionBook CSV holds no one's own wagers; each of "
                   f"the {seen} forecasts is the floor of the mean of all wagers, "
                   "attributed to the prediction's creator (import the API's JSON for the real "
                   "wagers)")


def _predictions(data: Any) -> list[dict[str, Any]]:
    """The predictions in a ``my_predictions`` page, one prediction, or a list of either."""
    if isinstance(data, list):
        return [p for item in data for p in _predictions(item)]
    if isinstance(data, dict) and isinstance(data.get("predictions"), list):
        return [p for p in data["predictions"] if isinstance(p, dict)]
    if isinstance(data, dict) and "responses" in data and "id" in data:
        return [data]
    raise FormatError("not PredictionBook JSON: expected {\"user\": ..., \"predictions\": "
                      "[...]}, one prediction, or a list of them")


def read_json(batch: Batch, inp: Input) -> None:
    try:
        data = json.loads(inp.text)
    except (ValueError, RecursionError) as exc:
        raise FormatError(f"{inp.name}: not valid JSON ({str(exc)[:80]})") from None
    seen: set[str] = set()
    for n, p in enumerate(_predictions(data), 1):
        label = f"{inp.name} prediction {n}"
        batch.rows += 1
        key = _prediction(batch, label, p)
        if key is None:
            continue
        responses = p.get("responses") or []
        if not isinstance(responses, list):
            raise FormatError(f"{label}: responses is not a list")
        for r in responses:
            if not isinstance(r, dict) or str(r.get("id")) in seen:
                continue
            seen.add(str(r.get("id")))
            at = _when(label, batch, r.get("created_at"), "response created_at")
            if at is None:
                continue
            who = str(r.get("user_label") or r.get("user_id") or "")
            if isinstance(r.get("comment"), str):
                batch.comment(label, key, by=who, text=r["comment"], at=at)
            confidence = r.get("confidence")
            if confidence is None:
                continue
            if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not (
                    0 <= confidence <= 100):
                batch.reject(label, f"confidence {str(confidence)[:20]!r} is not a number "
                                    "from 0 to 100")
                continue
            batch.forecast(label, key, by=who, p=confidence / 100, at=at, given=f"{confidence}%",
                           note=f"predictionbook response {r.get('id')}")
