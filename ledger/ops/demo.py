"""What the demo shows beside the scorecard: each claim, what was said, how it turned out."""

from __future__ import annotations

from typing import Any

from ledger.core.scoring import time_weighted_brier
from ledger.ops.queries import list_claims, show_claim
from ledger.store.engine import Store


def claim_outcomes(store: Store) -> list[dict[str, Any]]:
    """Per claim: the author's words and number, due date, outcome and time-weighted Brier."""
    out = []
    for row in list_claims(store):
        s = show_claim(store, row["key"])
        own = [f for f in s["forecasts"] if f["by"] == s["author"] and not f["vague"]]
        res = s["resolution"]
        brier = None
        if res and res["outcome"] in ("true", "false") and own:
            end = min(res["known_on"], s["due_on"])
            brier = time_weighted_brier([(f["on"], f["probability"]) for f in own], end,
                                        1 if res["outcome"] == "true" else 0)
        first = s["forecasts"][0] if s["forecasts"] else None
        out.append({"key": s["key"], "said": first["given"] if first else "-",
                    "p": first["probability"] if first else float("nan"),
                    "due_on": s["due_on"].isoformat(),
                    "outcome": res["outcome"] if res else None, "brier": brier})
    return out
