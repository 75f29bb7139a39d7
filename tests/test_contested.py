"""Contested readings: a resolution may record other defensible outcomes; the scorecard scores
the recorded one and shows the exact least and greatest mean Brier over every combination,
computed without enumerating them. Checked against brute-force enumeration (hypothesis, up to
12 contested claims), end to end against re-resolving every combination, and on the seeds."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.core.scoring import contested_range


def _brute(fixed, items):
    best = None
    for combo in itertools.product(*items) if items else [()]:
        s = fixed[0] + sum(c[0] for c in combo)
        k = fixed[1] + sum(c[1] for c in combo)
        if k > 0:
            r = s / k
            best = (r, r) if best is None else (min(best[0], r), max(best[1], r))
    return best


@st.composite
def choice(draw):
    k = draw(st.sampled_from([0.0, 1.0, 1.0, 2.0, 0.5, 3.0]))
    return (draw(st.floats(0, 1)) * k, k)


@st.composite
def problem(draw, max_items, max_options):
    fixed = draw(st.one_of(st.just((0.0, 0.0)), choice()))
    items = draw(st.lists(st.lists(choice(), min_size=1, max_size=max_options),
                          max_size=max_items))
    # a reading that leaves the claim unscored is (0, 0): most contested claims have one
    items = [[*opts, (0.0, 0.0)] if draw(st.booleans()) else opts for opts in items]
    return fixed, items


def _check(fixed, items):
    got, want = contested_range(fixed, items), _brute(fixed, items)
    if want is None:
        assert got is None
    else:
        assert got is not None
        assert got[0] == pytest.approx(want[0], abs=1e-12)
        assert got[1] == pytest.approx(want[1], abs=1e-12)


@given(problem(max_items=12, max_options=1))
def test_range_matches_enumeration_up_to_twelve_contested_claims(p):
    _check(*p)


@given(problem(max_items=7, max_options=2))
def test_range_matches_enumeration_with_several_readings_each(p):
    _check(*p)


def test_range_worked_example():
    # fixed: one claim scored 0.09; contested: false (0.49) or unscored; true (0.0025) or 0.9025
    # least: leave the first out, second true; greatest: leave the first out (0.49 is below
    # the mean it would join), second false
    assert contested_range((0.09, 1), [[(0.49, 1), (0, 0)], [(0.0025, 1), (0.9025, 1)]]) == (
        pytest.approx((0.09 + 0.0025) / 2), pytest.approx((0.09 + 0.9025) / 2))
    assert contested_range((0, 0), [[(0, 0)]]) is None


def _setup(ledger):
    ledger.ok("source", "add", "Joint outlook", "--key", "outlook", "--published", "2015-01-01",
              "--author", "Ann", "--author", "Bob")
    probs = {"c0": ("0.8", "0.6"), "c1": ("0.7", "0.2"), "c2": ("0.9", "0.4"),
             "c3": ("0.3", None)}
    for key, (pa, pb) in probs.items():
        ledger.ok("add", f"Claim {key}", "--key", key, "--author", "Ann", "--source", "outlook",
                  "--made", "2015-01-01", "--due", "2015-12-31", "--prob", pa)
        if pb:
            ledger.ok("forecast", key, pb, "--by", "Bob", "--on", "2015-01-01")
    ledger.ok("resolve", "c0", "true", "--on", "2015-12-31")


READINGS = {"c1": ["false", "true"], "c2": ["ambiguous", "true", "false"],
            "c3": ["true", "annulled"]}


def test_range_matches_re_resolving_every_combination(ledger):
    _setup(ledger)
    for key, outs in READINGS.items():
        ledger.ok("resolve", key, outs[0], "--on", "2015-12-31")
    seen: dict[str, list[float]] = {}
    for combo in itertools.product(*READINGS.values()):
        for key, outcome in zip(READINGS, combo, strict=True):
            ledger.ok("resolve", key, outcome, "--on", "2015-12-31", "--revise", "--note", "try")
        report = ledger.json("report")
        for g in [*report["groups"], report["overall"]]:
            if g["brier"] is not None:
                seen.setdefault(g["key"], []).append(g["brier"])
    for key, outs in READINGS.items():
        args = [a for o in outs[1:] for a in ("--alt", o, "--alt-note", f"{o} is defensible")]
        ledger.ok("resolve", key, outs[0], "--on", "2015-12-31", "--revise", *args)
    report = ledger.json("report")
    for g in [*report["groups"], report["overall"]]:
        rng = g["brier_range"]
        assert rng["min"] == pytest.approx(min(seen[g["key"]]), abs=1e-9), g["key"]
        assert rng["max"] == pytest.approx(max(seen[g["key"]]), abs=1e-9), g["key"]
    by = {g["key"]: g for g in report["groups"]}
    assert by["Ann"]["brier_range"]["claims"] == ["c1", "c2", "c3"]
    assert by["Bob"]["brier_range"]["claims"] == ["c1", "c2"]
    text = ledger.ok("report").stdout
    assert "under other defensible readings of c1, c2, c3" in text
    row = ledger.ok("report", "--format", "csv").stdout.splitlines()
    head = row[0].split(",")
    assert "brier_min" in head and "brier_max" in head and "contested" in head


def test_readings_are_checked_shown_revised_and_round_tripped(ledger, tmp_path):
    _setup(ledger)
    ledger.ok("evidence", "c1", "A report", "--on", "2015-12-31", "--stance", "refutes")
    before = ledger.snapshot()
    for args, why in [(["--alt", "false", "--alt-note", "x"], "repeats the recorded outcome"),
                      (["--alt", "true"], "one --alt-note per --alt"),
                      (["--alt", "maybe", "--alt-note", "x"], "must be one of"),
                      (["--alt", "true", "--alt-note", " "], "needs a note")]:
        res = ledger.run("resolve", "c1", "false", "--on", "2015-12-31", *args)
        assert res.exit_code != 0 and why in res.stderr, (args, res.stderr)
        assert ledger.snapshot() == before
    ledger.ok("resolve", "c1", "false", "--on", "2015-12-31", "--evidence", "1",
              "--alt", "true", "--alt-note", "on the wider definition")
    ledger.ok("resolve", "c1", "false", "--on", "2016-01-02", "--revise", "--note", "date")
    current = ledger.json("show", "c1")["resolution"]
    assert current["readings"] == [{"outcome": "true", "note": "on the wider definition"}]
    assert current["evidence"] == [1]  # kept by the revision
    assert "Contested: true under another reading" in ledger.ok("show", "c1").stdout
    exported = ledger.ok("export").stdout
    res_rec = [json.loads(x) for x in exported.splitlines()
               if '"type":"resolution"' in x and '"claim":"c1"' in x]
    assert res_rec[-1]["readings"] == current["readings"]
    path = tmp_path / "all.jsonl"
    path.write_text(exported)
    from helpers import Ledger

    other = Ledger(str(tmp_path / "copy.db"))
    other.ok("db", "init")
    other.ok("import", str(path))
    assert other.json("show", "c1")["resolution"]["readings"] == current["readings"]
    assert other.ok("export").stdout == exported
    other.ok("import", str(path))  # twice: nothing new
    other.ok("db", "check")
    ledger.ok("db", "check")


def test_the_seed_demo_shows_the_headline_with_its_range(tmp_path):
    from helpers import Ledger

    lg = Ledger(str(tmp_path / "demo.db"))
    data = json.loads(lg.ok("demo", "--format", "json").stdout)
    (g,) = data["report"]["groups"]
    # recorded: specific phone 0.72 false, entry 0.97 false, new phones 0.70 true,
    # formalities 0.70 false
    assert g["brier"] == pytest.approx((0.5184 + 0.9409 + 0.09 + 0.49) / 4)
    fixed = 0.9409 + 0.09 + 0.49
    # least: growth true (0.0025), smart home true and smart TV true (0.09 each), phone annulled
    # greatest: growth false (0.9025), phone annulled, smart home and smart TV not scored
    assert g["brier_range"]["min"] == pytest.approx((fixed + 0.0025 + 0.09 + 0.09) / 6)
    assert g["brier_range"]["max"] == pytest.approx((fixed + 0.9025) / 4)
    assert g["brier_range"]["claims"] == [
        "china-smart-tv-growth-2015", "xiaomi-smart-home-revenue-2015",
        "xiaomi-strong-china-growth-2015", "xiaomi-us-specific-phone"]
    shown = Ledger(str(tmp_path / "demo2.db")).ok("demo").stdout  # a demo needs a new ledger
    assert "0.510" in shown and "0.284-0.606" in shown
    assert "0.284 to 0.606 under other defensible readings" in shown
