"""Every synthetic sample of another tracker's export imports with the counts and per-user Brier
scores its README states (tests/import_samples/expected.json, recomputed there independently of
this code), read back through `ledger report --format json` and `ledger list`, on both backends.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from helpers import Ledger

SAMPLES = Path(__file__).resolve().parent / "import_samples"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text())

# name in expected.json -> (files, detected format, --as, forecaster name -> expected key)
CASES = {
    "predictionbook.csv": (["predictionbook.csv"], "predictionbook", None, {}),
    "predictionbook.json": (["predictionbook.json"], "predictionbook", None, {}),
    "fatebook.csv": (["fatebook.csv"], "fatebook", None, {}),
    "fatebook-import.csv": (["fatebook-import.csv"], "fatebook-sheet", "me", {}),
    "metaculus.zip": (["metaculus.zip"], "metaculus", None, {}),
    "gjp-ifps.csv + gjp-survey_fcasts.csv": (["gjp-ifps.csv", "gjp-survey_fcasts.csv"], "gjp",
                                             None, {"gjp:7001": "7001", "gjp:7002": "7002"}),
    "iqisa-predictionbook.csv": (["iqisa-predictionbook.csv"], "iqisa", None, {}),
    "iqisa-gjp.csv": (["iqisa-gjp.csv"], "iqisa", None,
                      {"gjp:7001": "7001", "gjp:7002": "7002"}),
}
UNRESOLVED = ("open", "due", "overdue")


def expected(name: str) -> dict:
    exp = EXPECTED[name]
    return exp.get("ledger", exp)


def import_sample(lg: Ledger, name: str, *extra: str) -> dict:
    files, _, user, _ = CASES[name]
    return lg.json("import", *(str(SAMPLES / f) for f in files), *extra, user=user)


def outcomes(lg: Ledger) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in lg.json("list"):
        status = "none" if row["status"] in UNRESOLVED else row["status"]
        out[status] = out.get(status, 0) + 1
    return out


def scores(lg: Ledger, names: dict[str, str]) -> dict[str, tuple[float, int]]:
    """Each scored analyst's Brier and number of scored pairs, by the sample's user name."""
    report = lg.json("report")
    return {names.get(g["key"], g["key"]): (g["brier"], g["counts"]["scored"])
            for g in report["groups"] if g["counts"]["scored"]}


def check_scores(got: dict[str, tuple[float, int]], want: dict[str, dict]) -> None:
    assert set(got) == set(want)
    for user, w in want.items():
        assert got[user][0] == pytest.approx(w["B2_mean"], abs=6e-7), user
        assert got[user][1] == w["B2_pairs"], user


@pytest.mark.parametrize("name", list(CASES))
def test_sample_imports_with_the_expected_counts_and_scores(ledger, name):
    files, fmt, _, names = CASES[name]
    exp = expected(name)
    summary = import_sample(ledger, name)
    assert summary["format"] == fmt and summary["detected"] is True
    assert summary["added"]["claims"] == exp["claims"]
    assert summary["added"]["forecasts"] == exp["forecasts"]
    assert outcomes(ledger) == exp["outcomes"]
    check_scores(scores(ledger, names), exp["per_user"])
    # the import's event names every file with its sha256
    event = ledger.json("log")[-1]
    assert event["action"] == "import" and event["after"]["format"] == fmt
    for f in files:
        digest = hashlib.sha256((SAMPLES / f).read_bytes()).hexdigest()
        assert digest in {x["sha256"] for x in event["after"]["files"]}
    # the same file again changes nothing, and says so
    before = ledger.snapshot()
    again = import_sample(ledger, name)
    assert not any(again["added"].values()) and not any(again["updated"].values())
    assert again["skipped"]["already in the ledger"] > 0
    assert ledger.snapshot() == before
    assert ledger.ok("db", "check").exit_code == 0


@pytest.mark.parametrize("name", ["fatebook.csv", "metaculus.zip",
                                  "gjp-ifps.csv + gjp-survey_fcasts.csv", "iqisa-gjp.csv"])
def test_refusing_multiple_choice_gives_the_binary_only_figures(ledger, name):
    exp = EXPECTED[name]
    summary = import_sample(ledger, name, "--refuse-multiple-choice")
    check_scores(scores(ledger, CASES[name][3]), exp["per_user_binary_only"])
    if "counts_binary_only" in exp:
        want = exp["counts_binary_only"]
        assert summary["added"]["claims"] == want["claims"]
        assert summary["added"]["forecasts"] == want["forecasts"]
        assert outcomes(ledger) == want["outcomes"]
    assert any("multiple-choice" in why for why in summary["skipped"])


def test_predictionbook_csv_claims_have_the_stated_dates(ledger):
    import_sample(ledger, "predictionbook.csv")
    rows = {r["key"]: r for r in ledger.json("list")}
    for want in EXPECTED["predictionbook.csv"]["claims_detail"]:
        got = rows[want["key"]]
        assert (got["made_on"], got["due_on"], got["known_on"]) == (
            want["made_on"], want["due_on"], want["known_on"]), want["key"]
        status = None if got["status"] in UNRESOLVED else got["status"]
        assert status == want["outcome"], want["key"]
    story = ledger.json("show", "predictionbook:214377")
    assert story["due_basis"] == "assigned" and "precedes creation" in story["due_note"]


def test_fatebook_claim_keys_follow_the_recipe(ledger):
    import_sample(ledger, "fatebook.csv")
    got = {r["key"]: (None if r["status"] in UNRESOLVED else r["status"])
           for r in ledger.json("list")}
    assert got == EXPECTED["fatebook.csv"]["claim_keys"]


def test_what_each_sample_skips_is_counted_by_reason(ledger):
    assert import_sample(ledger, "fatebook.csv")["skipped"] == {"hidden forecasts": 1}
    meta = import_sample(ledger, "metaculus.zip")["skipped"]
    want = EXPECTED["metaculus.zip"]["skipped"]
    assert meta["aggregate rows"] == want["aggregate_rows"]
    assert meta["numeric, date or discrete questions"] == want["continuous_questions"]
    assert meta["forecasts on skipped questions"] == want["continuous_forecasts"]
    gjp = import_sample(ledger, "gjp-ifps.csv + gjp-survey_fcasts.csv")["skipped"]
    assert gjp == {"forecasts by the user NULL": 1}
    sheet = import_sample(ledger, "fatebook-import.csv")
    rejected = sum(n for why, n in sheet["skipped"].items() if why.startswith("rejected rows"))
    assert rejected == len(EXPECTED["fatebook-import.csv"]["ledger"]["rows_rejected"])
    assert any("0.4" in w and "0.4%" in w for w in sheet["warnings"])


def test_iqisa_gjp_dates_are_repaired_with_a_warning(ledger):
    summary = import_sample(ledger, "iqisa-gjp.csv")
    for repair in EXPECTED["iqisa-gjp.csv"]["date_repairs"]:
        assert repair in summary["warnings"]
    assert ledger.json("show", "gjp:1802-0")["made_on"] == "2012-09-11"


def test_a_dry_run_says_what_would_happen_and_changes_nothing(ledger):
    before = ledger.snapshot()
    dry = import_sample(ledger, "metaculus.zip", "--dry-run")
    assert dry["dry_run"] is True and dry["added"]["claims"] == EXPECTED["metaculus.zip"]["claims"]
    assert ledger.snapshot() == before
    real = import_sample(ledger, "metaculus.zip")
    assert {k: v for k, v in real.items() if k != "dry_run"} == {
        k: v for k, v in dry.items() if k != "dry_run"}
    text = ledger.ok("import", str(SAMPLES / "metaculus.zip"), "--dry-run").stdout
    assert text.startswith("dry run: ") and "would add: nothing new" in text
