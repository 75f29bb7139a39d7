"""Import benchmark for other trackers' formats (run by hand).

For each format, writes the same questions and forecasts (100,000 forecasts by default) in that
format, imports it into an empty ledger, exports the result as JSON Lines and imports that
into another empty ledger: the ratio of the two import times is the format's cost over the
ledger's own import of the same rows, measured in the same run. The issue's ceiling is 3x.
Usage: ``python tests/perf/import_formats.py [--forecasts 100000] [--formats fatebook,gjp]``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

PER_QUESTION = 5


@dataclass
class Q:
    n: int
    title: str
    created: datetime
    deadline: datetime
    outcome: bool | None
    resolved: datetime | None
    forecasts: list[tuple[str, float, datetime]]


def questions(total_forecasts: int) -> list[Q]:
    rng = random.Random(7)
    out = []
    t0 = datetime(2020, 1, 1, tzinfo=UTC)
    for n in range(total_forecasts // PER_QUESTION):
        created = t0 + timedelta(minutes=7 * n)
        deadline = created + timedelta(days=rng.randint(10, 200))
        outcome = rng.choice([True, False, None])
        resolved = deadline + timedelta(days=1) if outcome is not None else None
        fc = [(f"user{rng.randint(1, 40)}", rng.randint(1, 99) / 100,
               created + timedelta(hours=5 * k)) for k in range(PER_QUESTION)]
        out.append(Q(n, f"Question number {n} about thing {n % 97}", created, deadline,
                     outcome, resolved, fc))
    return out


def _csv(rows: list[list[object]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def fb_time(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def write_fatebook(qs: list[Q], d: Path) -> list[Path]:
    head = ["Question title", "Multiple choice option", "Forecast created by",
            "Forecast (scale = 0-1)", "Forecast created at", "Question created by",
            "Question created at", "Question resolve by", "Resolution", "Resolved at",
            "Your Brier score for this question", "Your relative Brier score for this question",
            "Question notes", "Question shared with", "Question shared publicly",
            "Question comments", "Question tags"]
    rows: list[list[object]] = [head]
    for q in qs:
        res = "" if q.outcome is None else ("YES" if q.outcome else "NO")
        for who, p, at in q.forecasts:
            rows.append([q.title, "", who, p, fb_time(at), "user1", fb_time(q.created),
                         fb_time(q.deadline), res, fb_time(q.resolved) if q.resolved else "",
                         "", "", "", "", "false", "", "bench"])
    path = d / "fatebook.csv"
    path.write_text(_csv(rows))
    return [path]


def write_sheet(qs: list[Q], d: Path) -> list[Path]:
    rows: list[list[object]] = [["questionTitle", "forecast", "qCreatedAt", "resolution",
                                 "resolvedAt", "resolveBy", "fCreatedAt", "tags"]]
    for q in qs:
        res = "" if q.outcome is None else ("yes" if q.outcome else "no")
        for _, p, at in q.forecasts:
            rows.append([q.title, f"{p * 100:g}%", fb_time(q.created), res,
                         fb_time(q.resolved) if q.resolved else "", fb_time(q.deadline),
                         fb_time(at), "bench"])
    path = d / "sheet.csv"
    path.write_text(_csv(rows))
    return [path]


def write_pb_json(qs: list[Q], d: Path) -> list[Path]:
    preds = []
    rid = 0
    for q in qs:
        resp = []
        for who, p, at in q.forecasts:
            rid += 1
            resp.append({"comment": None, "confidence": round(p * 100), "created_at":
                         at.isoformat().replace("+00:00", "Z"), "id": rid, "updated_at":
                         at.isoformat(), "user_id": 1, "user_label": who})
        preds.append({"created_at": q.created.isoformat(), "creator_id": 1,
                      "creator_label": "user1", "deadline": q.deadline.isoformat(),
                      "description_with_group": q.title, "description": q.title,
                      "group_id": None, "id": 100000 + q.n, "mean_confidence": 50,
                      "outcome": q.outcome, "prediction_group_id": None,
                      "last_judgement_at": q.resolved.isoformat() if q.resolved else None,
                      "updated_at": q.created.isoformat(), "uuid": str(q.n), "version": 1,
                      "visibility": "visible_to_everyone", "withdrawn": False,
                      "responses": resp})
    path = d / "pb.json"
    path.write_text(json.dumps({"user": {"email": "x", "name": "x", "user_id": 1},
                                "predictions": preds}))
    return [path]


def pb_time(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S +0000")


def write_pb_csv(qs: list[Q], d: Path) -> list[Path]:
    rows: list[list[object]] = [[
        "created_at", "creator_id", "creator_label", "deadline", "description_with_group",
        "description", "group_id", "id", "mean_confidence", "outcome", "prediction_group_id",
        "last_judgement_at", "updated_at", "uuid", "version", "visibility", "withdrawn"]]
    n = 0
    for q in qs:  # one prediction per forecast: the CSV holds one number per prediction
        for who, p, at in q.forecasts:
            n += 1
            rows.append([pb_time(at), 1, who, pb_time(q.deadline), q.title, q.title, "", n,
                         round(p * 100), "" if q.outcome is None else str(q.outcome).lower(),
                         "", pb_time(q.resolved) if q.resolved else "", pb_time(at), n, 1,
                         "visible_to_everyone", "false"])
    path = d / "pb.csv"
    path.write_text(_csv(rows))
    return [path]


def write_metaculus(qs: list[Q], d: Path) -> list[Path]:
    folder = d / "metaculus"
    folder.mkdir()
    qrows: list[list[object]] = [[
        "Question ID", "Question URL", "Question Title", "Post ID", "Categories", "Label",
        "Question Type", "MC Options (All)", "Open Time", "Scheduled Close Time",
        "Actual Close Time", "Resolution", "Resolution Known Time"]]
    frows: list[list[object]] = [["Question ID", "Forecaster ID", "Forecaster Username",
                                  "Is Bot", "Start Time", "End Time", "Forecaster Count",
                                  "Probability Yes"]]
    for q in qs:
        res = "" if q.outcome is None else ("yes" if q.outcome else "no")
        qrows.append([q.n + 1, f"https://www.metaculus.com/questions/{q.n + 1}/x/", q.title,
                      q.n + 1, "['Bench']", "", "binary", "", str(q.created), str(q.deadline),
                      str(q.resolved or ""), res, str(q.resolved or "")])
        for who, p, at in q.forecasts:
            frows.append([q.n + 1, int(who[4:]), who, "False", str(at), "", "", p])
    (folder / "question_data.csv").write_text(_csv(qrows))
    (folder / "forecast_data.csv").write_text(_csv(frows))
    return [folder]


def us(t: datetime) -> str:
    return f"{t.month}/{t.day}/{t.year % 100:02d}"


def write_gjp(qs: list[Q], d: Path) -> list[Path]:
    irows: list[list[object]] = [["ifp_id", "q_type", "q_text", "q_desc", "q_status",
                                  "date_start", "date_suspend", "date_to_close", "date_closed",
                                  "outcome", "short_title", "days_open", "n_opts", "options"]]
    srows: list[list[object]] = [["ifp_id", "ctt", "cond", "training", "team", "user_id",
                                  "forecast_id", "fcast_type", "answer_option", "value",
                                  "fcast_date", "expertise", "q_status", "viewtime", "year",
                                  "timestamp"]]
    fid = 0
    for q in qs:
        ifp = f"{1000 + q.n}-0"
        status = "closed" if q.outcome is not None else "voided"
        irows.append([ifp, 0, q.title, "", status, us(q.created), "NULL", us(q.deadline),
                      us(q.resolved) if q.resolved else "NA",
                      ("a" if q.outcome else "b") if q.outcome is not None else "", "", "NA",
                      2, "(a) Yes, (b) No"])
        for who, p, at in q.forecasts:
            fid += 1
            for letter, v in (("a", p), ("b", round(1 - p, 2))):
                srows.append([ifp, "1a", 1, "a", "NA", who[4:], fid, 0, letter, v,
                              at.date().isoformat(), 3, status, "NA", 1, fb_time(at)])
    (d / "ifps.csv").write_text(_csv(irows))
    (d / "survey.csv").write_text(_csv(srows))
    return [d / "ifps.csv", d / "survey.csv"]


def write_csv(qs: list[Q], d: Path) -> list[Path]:
    rows: list[list[object]] = [["statement", "made_on", "due_on", "by", "probability",
                                 "forecast_on", "outcome", "known_on"]]
    for q in qs:
        for who, p, at in q.forecasts:
            rows.append([q.title, fb_time(q.created), q.deadline.date().isoformat(), who, p,
                         fb_time(at), "" if q.outcome is None else str(q.outcome).lower(),
                         q.resolved.date().isoformat() if q.resolved else ""])
    path = d / "any.csv"
    path.write_text(_csv(rows))
    return [path]


WRITERS: dict[str, tuple[str, Callable[[list[Q], Path], list[Path]]]] = {
    "predictionbook (JSON)": ("predictionbook", write_pb_json),
    "predictionbook (CSV)": ("predictionbook", write_pb_csv),
    "fatebook": ("fatebook", write_fatebook),
    "fatebook-sheet": ("fatebook-sheet", write_sheet),
    "metaculus": ("metaculus", write_metaculus),
    "gjp": ("gjp", write_gjp),
    "csv": ("csv", write_csv),
}


def timed(args: list[str]) -> float:
    t0 = time.perf_counter()
    res = subprocess.run(args, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if res.returncode:
        sys.exit(f"{' '.join(args[:6])}...: {res.stderr.strip()}")
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--forecasts", type=int, default=100_000)
    ap.add_argument("--formats", default=",".join(WRITERS))
    args = ap.parse_args()
    exe = str(Path(sys.executable).with_name("ledger"))
    qs = questions(args.forecasts)
    print(f"{len(qs)} questions, {args.forecasts} forecasts; one run each")
    print(f"{'format':24} {'format s':>9} {'jsonl s':>8} {'ratio':>6}")
    for name in args.formats.split(","):
        fmt, write = WRITERS[name]
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            files = write(qs, d)
            a, b = d / "a.db", d / "b.db"
            for db in (a, b):
                subprocess.run([exe, "--db", str(db), "db", "init"], check=True,
                               capture_output=True)
            t_fmt = timed([exe, "--db", str(a), "--new-analyst", "--as", "bench", "import",
                           *map(str, files), "--from", fmt])
            with open(d / "same.jsonl", "w") as fh:
                subprocess.run([exe, "--db", str(a), "export"], stdout=fh, check=True)
            t_jsonl = timed([exe, "--db", str(b), "--new-analyst", "--as", "bench", "import",
                             str(d / "same.jsonl")])
        print(f"{name:24} {t_fmt:9.2f} {t_jsonl:8.2f} {t_fmt / t_jsonl:6.2f}")


if __name__ == "__main__":
    main()
