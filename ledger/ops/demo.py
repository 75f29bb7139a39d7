"""`ledger demo`: a fresh ledger with the shipped seeds, its scorecard, and each call's fate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ledger.core.rules import SCORED_OUTCOMES
from ledger.core.scoring import time_weighted_brier
from ledger.ops import seeds
from ledger.ops.queries import list_claims, show_claim
from ledger.store import admin
from ledger.store.engine import Store


@dataclass
class DemoResult:
    location: str
    report: dict[str, Any]
    claims: list[dict[str, Any]]


def run_demo(store: Store, actor: str, *, today: date) -> DemoResult:
    """Create the ledger at ``store`` (which must be new), load the seeds, score them."""
    from ledger.scorecard.build import Request, build

    admin.init(store, actor)
    seeds.load(store, actor, seeds.packaged_seeds(), today=today)
    report = build(store, Request(as_of=today, by="author"))
    return DemoResult(store.location, report, claim_outcomes(store, today=today))


def claim_outcomes(store: Store, *, today: date) -> list[dict[str, Any]]:
    """Per claim: the author's words and number, due date, outcome and time-weighted Brier."""
    out = []
    for row in list_claims(store, on=today):
        s = show_claim(store, row["key"], on=today)
        own = [f for f in s["forecasts"] if f["by"] == s["author"] and not f["vague"]]
        res = s["resolution"]
        brier = None
        if res and res["outcome"] in SCORED_OUTCOMES and own:
            end = min(res["known_on"], s["due_on"])
            brier = time_weighted_brier([(f["made_on"], f["probability"]) for f in own], end,
                                        1 if res["outcome"] == "true" else 0)
        first = s["forecasts"][0] if s["forecasts"] else None
        out.append({"key": s["key"], "said": first["given"] if first else "-",
                    "probability": first["probability"] if first else None,
                    "due_on": s["due_on"], "outcome": res["outcome"] if res else None,
                    "other_readings": [r["outcome"] for r in res["readings"]] if res else [],
                    "brier": brier})
    return out
