"""Synthetic ledgers as JSONL exports, with the ground truth kept beside them.

Used by the report tests (an independent computation checks every number) and by the report
benchmark. Record times are spread over the claims' life so ``--as-of`` has something to cut.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path


def _at(d: date, seconds: int = 0) -> str:
    return (datetime.combine(d, time(9, 0), tzinfo=UTC) + timedelta(seconds=seconds)
            ).isoformat(timespec="microseconds")


@dataclass
class TruthClaim:
    key: str
    author: str
    made_on: date
    due_on: date
    tags: list[str]
    subject: str
    outcome: str | None = None  # current outcome
    known_on: date | None = None
    resolved_at: date | None = None  # when the current resolution was recorded
    withdrawn_on: date | None = None
    forecasts: list[tuple[str, date, float, str | None, bool]] = field(default_factory=list)
    # (analyst, made_on, p, phrase, vague)


PHRASES = {"likely": (0.72, 0.6, 0.8), "unlikely": (0.2, 0.1, 0.25), "i expect": (0.7, 0.6, 0.8)}


def make(path: Path, *, claims: int, analysts: int, forecasts_per_claim: float = 3.0,
         seed: int = 7, start: date = date(2015, 1, 1)) -> list[TruthClaim]:
    rng = random.Random(seed)
    names = [f"analyst-{i:02d}" for i in range(analysts)]
    truth: list[TruthClaim] = []
    with open(path, "w", encoding="utf-8") as fh:
        def out(rec: dict) -> None:
            fh.write(json.dumps(rec, sort_keys=True) + "\n")

        out({"type": "ledger", "format": 1})
        for n in names:
            out({"type": "analyst", "name": n, "affiliation": None, "created_at": _at(start)})
        for i in range(claims):
            made = start + timedelta(days=rng.randrange(0, 500))
            due = made + timedelta(days=rng.choice([30, 90, 180, 365]))
            author = names[i % analysts]
            tc = TruthClaim(
                f"c{i:06d}",
                author,
                made,
                due,
                rng.sample(["tech", "macro", "china"], rng.randint(0, 2)),
                rng.choice(["Xiaomi", "Apple", "Rates"]),
            )
            roll = rng.random()
            if roll < 0.75:
                tc.outcome = "true" if rng.random() < 0.5 else "false"
            elif roll < 0.82:
                tc.outcome = "ambiguous"
            elif roll < 0.86:
                tc.outcome = "annulled"
            elif roll < 0.9:
                tc.withdrawn_on = made + timedelta(days=rng.randrange(1, (due - made).days))
            if tc.outcome:
                tc.known_on = min(due + timedelta(days=rng.randrange(-20, 40)), date(2017, 12, 31))
                tc.known_on = max(tc.known_on, made)
                tc.resolved_at = tc.known_on + timedelta(days=rng.randrange(0, 10))
            # forecasts: the author first, on the made day; then others and updates
            k = max(1, int(rng.expovariate(1 / forecasts_per_claim)))
            p0 = rng.choice([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95])
            if rng.random() < 0.2:
                phrase = rng.choice(list(PHRASES))
                tc.forecasts.append((author, made, PHRASES[phrase][0], phrase, False))
            else:
                tc.forecasts.append((author, made, p0, None, False))
            horizon = (tc.known_on or due) - made
            for _ in range(k - 1):
                who = rng.choice(names)
                day = made + timedelta(days=rng.randrange(0, max(1, horizon.days + 5)))
                if tc.known_on and day > tc.known_on:
                    continue
                if tc.withdrawn_on and day >= tc.withdrawn_on:
                    continue
                vague = rng.random() < 0.05
                tc.forecasts.append((who, day, round(rng.uniform(0.02, 0.98), 2), None, vague))
            truth.append(tc)
            out(
                {
                    "type": "claim",
                    "key": tc.key,
                    "statement": f"Claim {i}",
                    "quote": None,
                    "source": None,
                    "author": author,
                    "subject": tc.subject,
                    "tags": tc.tags,
                    "made_on": made.isoformat(),
                    "due_on": due.isoformat(),
                    "due_basis": "stated",
                    "due_note": None,
                    "criteria": None,
                    "withdrawn_on": tc.withdrawn_on.isoformat() if tc.withdrawn_on else None,
                    "withdrawn_note": None,
                    # recorded on the day it was made: on time, so it counts
                    "withdrawn_at": _at(tc.withdrawn_on, 50) if tc.withdrawn_on else None,
                    "recorded_by": author,
                    "recorded_at": _at(made),
                    "version": 1,
                }
            )
            for n, (who, day, p, phrase, vague) in enumerate(tc.forecasts, 1):
                band = [PHRASES[phrase][1], PHRASES[phrase][2]] if phrase else None
                out(
                    {
                        "type": "forecast",
                        "id": f"{tc.key}#f{n}",
                        "claim": tc.key,
                        "by": who,
                        "made_on": day.isoformat(),
                        "probability": p,
                        "given": phrase or str(p),
                        "mapped": phrase is not None,
                        "phrase": phrase,
                        "band": band,
                        "vague": vague,
                        "note": None,
                        "recorded_by": who,
                        "recorded_at": _at(day, n),
                    }
                )
            if tc.outcome:
                out(
                    {
                        "type": "resolution",
                        "id": f"{tc.key}#r1",
                        "claim": tc.key,
                        "revision": 1,
                        "outcome": tc.outcome,
                        "known_on": tc.known_on.isoformat(),
                        "rationale": None,
                        "resolved_by": author,
                        "recorded_at": _at(tc.resolved_at, 100),
                        "superseded_at": None,
                        "superseded_note": None,
                        "evidence": [],
                    }
                )
    return truth
