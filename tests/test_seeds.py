"""Seeds: the Xiaomi column loads cleanly and idempotently, bad seed files are refused with
their place named, the demo's numbers equal a hand computation, the committed reports are
current."""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path

import pytest
from golden import REPORTS, seed_reports

from helpers import Ledger, ledger_exe, one_line_error

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "xiaomi-2015-02-20.toml"

MINIMAL = '''
recorded_at = 2026-11-24T00:00:00Z
recorded_by = "recorder"

[[analysts]]
name = "A"

[[sources]]
key = "src"
title = "A column"
published_on = 2015-02-20
authors = ["A"]

[[claims]]
key = "k1"
statement = "Something happens."
author = "A"
source = "src"
made_on = 2015-02-20
due_on = 2015-12-31
due_basis = "stated"
forecast = { p = 0.8 }

  [[claims.evidence]]
  key = "e1"
  on = 2015-06-01
  stance = "supports"
  summary = "It happened."

  [claims.resolution]
  outcome = "true"
  known_on = 2015-07-01
  rationale = "See e1."
  evidence = ["e1"]
'''


def test_the_xiaomi_seeds_load_and_seeding_twice_changes_nothing(ledger):
    res = ledger.ok("seed")
    assert "10 claim" in res.stderr
    listing = {r["key"]: r["status"] for r in ledger.json("list")}
    for key in ("xiaomi-us-specific-phone", "xiaomi-servers-outside-china",
                "xiaomi-smart-home-revenue-2015"):
        assert key in listing
    assert len(listing) >= 7
    before = ledger.snapshot()
    res = ledger.ok("seed")
    assert "nothing new" in res.stderr
    assert ledger.snapshot() == before
    ledger.ok("db", "check")


def test_every_claim_is_traceable(ledger):
    ledger.ok("seed")
    doc = tomllib.loads(SEED.read_text())
    for c in doc["claims"]:
        story = ledger.json("show", c["key"])
        assert story["quote"] and story["criteria"] and story["due_basis"] in (
            "stated", "inferred", "assigned")
        assert story["source"]["published_at"] == "2015-02-20T05:58:00.000000+00:00"
        assert story["source"]["authors"] == ["Neil Flynn"]
        assert story["resolution"]["rationale"]
        assert story["forecasts"][0]["mapped"] and story["forecasts"][0]["phrase"]
        for e in story["evidence"]:
            assert e["url"].startswith("http") and e["observed_on"]
        assert set(story["resolution"]["evidence"]) <= {e["id"] for e in story["evidence"]}
    text = ledger.ok("show", "xiaomi-servers-outside-china").stdout
    assert "23 October 2014" in text and "already public" in text


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "bad.toml"
    p.write_text(text)
    return p


BAD = [
    (
        "missing field",
        MINIMAL.replace('statement = "Something happens."\n', ""),
        "claims[0] (k1): field 'statement' is missing",
    ),
    (
        "dangling source",
        MINIMAL.replace('source = "src"', 'source = "nope"'),
        "claims[0] (k1): field 'source' names 'nope'",
    ),
    (
        "dangling evidence",
        MINIMAL.replace('evidence = ["e1"]', 'evidence = ["e9"]'),
        "claims[0].resolution: field 'evidence' names 'e9'",
    ),
    (
        "bad date",
        MINIMAL.replace("due_on = 2015-12-31", 'due_on = "end of 2015"'),
        "claims[0] (k1): field 'due_on' must be a date",
    ),
    (
        "due before made",
        MINIMAL.replace("due_on = 2015-12-31", "due_on = 2015-01-01"),
        "claims[0] (k1): field 'due_on' breaks a rule: due date 2015-01-01 is before the claim "
        "was made",
    ),
    (
        "probability out of range",
        MINIMAL.replace("p = 0.8", "p = 1.5"),
        "claims[0].forecast: field 'p' cannot be read: probability '1.5' is outside [0, 1]",
    ),
    (
        "unknown phrase",
        MINIMAL.replace("{ p = 0.8 }", '{ phrase = "likey" }'),
        "claims[0].forecast: field 'phrase' cannot be read",
    ),
    (
        "misspelt field",
        MINIMAL.replace("made_on = 2015-02-20", 'made_on = 2015-02-20\nsubjet = "x"'),
        "claims[0] (k1): field 'subjet' is not a seed field",
    ),
    (
        "unknown author",
        MINIMAL.replace('author = "A"', 'author = "B"'),
        "claims[0] (k1): field 'author' names 'B'",
    ),
    ("not toml", "this is = = not toml", "not valid TOML"),
]


@pytest.mark.parametrize("name,text,fragment", BAD, ids=[b[0] for b in BAD])
def test_seed_errors_name_file_entry_and_field(ledger, tmp_path, name, text, fragment):
    path = _write(tmp_path, text)
    before = ledger.snapshot()
    res = ledger.run("seed", str(path))
    assert res.exit_code == 1, res.stderr
    msg = one_line_error(res)
    assert str(path) in msg and fragment in msg, msg
    assert ledger.snapshot() == before


def test_a_changed_seed_entry_is_reported_not_merged(ledger, tmp_path):
    good = _write(tmp_path, MINIMAL)
    ledger.ok("seed", str(good))
    before = ledger.snapshot()
    changed = tmp_path / "changed.toml"
    changed.write_text(MINIMAL.replace("Something happens.", "Something else happens."))
    res = ledger.run("seed", str(changed))
    assert res.exit_code == 1
    msg = one_line_error(res)
    assert "claims[0] (k1)" in msg and "different statement" in msg
    assert ledger.snapshot() == before


def _hand_brier() -> tuple[dict[str, float], float]:
    """From the seed values alone: p from the phrase table, y from the outcome."""
    phrases = tomllib.loads((ROOT / "ledger" / "data" / "phrases.toml").read_text())["phrases"]
    doc = tomllib.loads(SEED.read_text())
    per = {}
    for c in doc["claims"]:
        res = c["resolution"]
        if res["outcome"] not in ("true", "false") or res["known_on"] <= c["made_on"]:
            continue
        p = phrases[c["forecast"]["phrase"]]["p"]
        y = 1 if res["outcome"] == "true" else 0
        per[c["key"]] = (p - y) ** 2
    return per, sum(per.values()) / len(per)


def test_demo_numbers_equal_a_hand_computation(tmp_path):
    db = tmp_path / "demo.db"
    out = subprocess.run(
        [ledger_exe(), "--db", str(db), "demo", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    per, mean = _hand_brier()
    assert len(per) == 4
    neil = {g["key"]: g for g in data["report"]["groups"]}["Neil Flynn"]
    assert neil["brier"] == pytest.approx(mean, abs=1e-9)
    assert neil["counts"]["scored"] == len(per)
    assert neil["counts"]["ambiguous"] == 4 and neil["counts"]["annulled"] == 1
    assert neil["counts"]["unscored"] == 1  # the server move was public before the column
    got = {c["key"]: c["brier"] for c in data["claims"] if c["brier"] is not None}
    assert got == pytest.approx(per, abs=1e-12)
    text = subprocess.run([ledger_exe(), "demo"], capture_output=True, text=True, timeout=120)
    assert text.returncode == 0
    assert "Neil Flynn" in text.stdout and "How each call turned out" in text.stdout
    assert "show xiaomi-us-specific-phone" in text.stderr


def test_demo_refuses_an_existing_ledger(tmp_path):
    db = tmp_path / "x.db"
    lg = Ledger(str(db))
    lg.ok("db", "init")
    before = lg.snapshot()
    res = lg.run("demo")
    assert res.exit_code == 1
    assert "not empty" in one_line_error(res)
    assert lg.snapshot() == before


def _files(path: Path) -> dict[str, bytes]:
    """A report as its files: one, or a site's folder (hidden manifest included)."""
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {p.relative_to(path).as_posix(): p.read_bytes()
            for p in sorted(path.rglob("*")) if p.is_file()}


def test_committed_reports_are_current(tmp_path):
    """A snapshot, not an oracle (the numbers are checked by the hand computation above):
    every byte, charts included (they are drawn the same on every machine). Made in a
    temporary folder and compared; the committed files are never written here."""
    fresh = seed_reports(tmp_path, tmp_path)
    for path in fresh.values():
        committed = REPORTS / path.name
        assert committed.exists(), f"{committed} is missing: run tests/golden.py"
        a, b = _files(committed), _files(path)
        assert sorted(a) == sorted(b), f"{committed} is stale: run tests/golden.py"
        for name in a:
            assert a[name] == b[name], f"{committed}/{name} is stale: run tests/golden.py"
