"""Corrections without a penalty, never silently: retracting a forecast, fixing a claim's author
or made date, merging a claim recorded twice, and the warning that prevents it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from helpers import Ledger, one_line_error


def brier(lg: Ledger, who: str, *extra: str) -> float | None:
    groups = {g["key"]: g for g in lg.json("report", *extra)["groups"]}
    return groups[who]["brier"] if who in groups else None


@pytest.fixture
def typo(ledger: Ledger) -> Ledger:
    """Carol means 0.85 two days ago and types 0.58; yesterday she gives 0.85 again."""
    today = date.today()
    ledger.ok("add", "CPI falls below 3%", "--author", "Carol", "--made",
              (today - timedelta(days=2)).isoformat(), "--due",
              (today + timedelta(days=5)).isoformat(), "--key", "cpi")
    ledger.ok("forecast", "cpi", "0.58", "--by", "Carol", "--on",
              (today - timedelta(days=2)).isoformat())
    ledger.ok("forecast", "cpi", "0.85", "--by", "Carol", "--on",
              (today - timedelta(days=1)).isoformat())
    return ledger


def test_without_a_correction_the_typo_counts(typo):
    typo.ok("resolve", "cpi", "true", "--on", date.today().isoformat())
    assert brier(typo, "Carol") == pytest.approx((0.42**2 + 0.15**2) / 2)


def test_a_typo_retracted_within_the_window_never_counts(typo):
    typo.ok("retract", "cpi#1", "--note", "typed 0.58 for 0.85")
    typo.ok("resolve", "cpi", "true", "--on", date.today().isoformat())
    assert brier(typo, "Carol") == pytest.approx((0.85 - 1) ** 2)
    story = typo.json("show", "cpi")
    first = next(f for f in story["forecasts"] if f["number"] == 1)
    assert first["retraction"] == "correction" and first["retracted_note"] == "typed 0.58 for 0.85"
    assert first["retracted_by"] == "tester"
    assert "retracted" in typo.ok("show", "cpi").stdout
    assert any(e["action"] == "forecast.retract" for e in typo.json("log", "cpi"))
    res = typo.run("retract", "cpi#1")
    assert res.exit_code == 1 and "already retracted" in one_line_error(res)
    assert typo.ok("db", "check").exit_code == 0


def history(retracted: dict[int, str]) -> str:
    """A claim made 2025-01-01, due 2025-01-11, true (known on the due day); Dan forecast 0.9
    on the 1st and 0.2 on the 3rd, each recorded that day; ``retracted``: number -> instant."""
    import json

    def rec(**kw: object) -> str:
        return json.dumps(kw)

    at = "T09:00:00.000000+00:00"
    lines = [rec(type="ledger", format=1),
             rec(type="analyst", name="Dan", affiliation=None, created_at="2025-01-01" + at,
                 email=None),
             rec(type="claim", key="cut", statement="Rates are cut", quote=None, source=None,
                 author="Dan", subject=None, tags=[], made_on="2025-01-01",
                 due_on="2025-01-11", due_basis="stated", due_note=None, criteria=None,
                 withdrawn_on=None, withdrawn_note=None, withdrawn_at=None, recorded_by="Dan",
                 recorded_at="2025-01-01" + at, version=1)]
    for n, (day, p) in enumerate([("2025-01-01", 0.9), ("2025-01-03", 0.2)], 1):
        lines.append(rec(type="forecast", id=f"cut#f{n}", claim="cut", by="Dan", made_on=day,
                         probability=p, given=str(p), mapped=False, phrase=None, band=None,
                         vague=False, note=None, recorded_by="Dan", recorded_at=day + at,
                         retracted_at=retracted.get(n), retracted_by="Dan" if n in retracted
                         else None, retracted_note="why" if n in retracted else None))
    lines.append(rec(type="resolution", id="cut#r1", claim="cut", revision=1, outcome="true",
                     known_on="2025-01-11", rationale=None, resolved_by="Dan",
                     recorded_at="2025-01-11" + at, superseded_at=None, superseded_note=None,
                     evidence=[], readings=[]))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("retracted,want", [
    ({}, (2 * 0.1**2 + 8 * 0.8**2) / 10),                     # 0.9 stood 2 days, 0.2 stood 8
    ({1: "2025-01-02T10:00:00.000000+00:00"}, 0.8**2),        # a correction: 0.9 never counts
    ({2: "2025-01-07T10:00:00.000000+00:00"},                  # late: 0.2 stood 4 days only
     (2 * 0.1**2 + 4 * 0.8**2) / 6),
    ({2: "2025-01-12T10:00:00.000000+00:00"},                  # after the outcome: no effect
     (2 * 0.1**2 + 8 * 0.8**2) / 10),
])
def test_what_a_retraction_counts_for_in_worked_numbers(ledger, tmp_path, retracted, want):
    path = tmp_path / "history.jsonl"
    path.write_text(history(retracted))
    ledger.ok("import", str(path))
    assert brier(ledger, "Dan") == pytest.approx(want, abs=1e-9)
    kinds = {f["number"]: f["retraction"] for f in ledger.json("show", "cut")["forecasts"]}
    for n in retracted:
        assert kinds[n] == ("correction" if want == 0.8**2 else "withdrawal")


def test_a_withdrawn_forecast_stops_standing_on_its_day(ledger):
    """Scoring: 0.9 from day 0, withdrawn on day 4 of a 10-day claim, no other forecast: it
    stood 4 days and counts alone; a correction would have left nothing to score."""
    from ledger.core import corrections

    made = date(2025, 1, 1)
    from datetime import UTC, datetime

    assert corrections.is_correction(recorded_at=datetime(2025, 1, 1, tzinfo=UTC),
                                     retracted_at=datetime(2025, 1, 3, 23, tzinfo=UTC),
                                     first_resolution_at=None, grace_days=2)
    assert not corrections.is_correction(recorded_at=datetime(2025, 1, 1, tzinfo=UTC),
                                         retracted_at=datetime(2025, 1, 4, tzinfo=UTC),
                                         first_resolution_at=None, grace_days=2)
    assert not corrections.is_correction(recorded_at=datetime(2025, 1, 1, tzinfo=UTC),
                                         retracted_at=datetime(2025, 1, 2, tzinfo=UTC),
                                         first_resolution_at=datetime(2025, 1, 1, 12,
                                                                      tzinfo=UTC),
                                         grace_days=2)
    assert corrections.stops_on(made_on=made, retracted_at=datetime(2024, 12, 31, tzinfo=UTC)
                                ) == made


def test_retract_refers_to_forecasts_as_show_numbers_them(typo):
    for bad, code, needle in [("cpi", 2, "is not KEY#N"), ("cpi#0", 2, "is not KEY#N"),
                              ("cpi#9", 1, "has 2 forecast"), ("nope#1", 1, "no claim")]:
        res = typo.run("retract", bad)
        assert res.exit_code == code and needle in one_line_error(res), (bad, res.stderr)


def test_edit_fixes_the_author_and_moves_the_first_forecast_with_the_made_date(ledger):
    ledger.ok("add", "Samsung wins a 2nm customer", "--author", "alice", "--made", "2026-08-05",
              "--due", "2026-12-31", "--prob", "0.6", "--key", "samsung")
    ledger.ok("edit", "samsung", "--made", "2026-08-15")
    story = ledger.json("show", "samsung")
    assert story["made_on"] == "2026-08-15"
    assert [f["made_on"] for f in story["forecasts"]] == ["2026-08-15"]
    ledger.ok("edit", "samsung", "--author", "bob")
    story = ledger.json("show", "samsung")
    assert story["author"] == "bob"
    ledger.ok("resolve", "samsung", "false", "--on", "2026-09-01")
    res = ledger.run("edit", "samsung", "--author", "carol")
    assert res.exit_code == 1 and "--revise" in one_line_error(res)
    ledger.ok("edit", "samsung", "--author", "carol", "--revise")
    assert ledger.json("show", "samsung")["author"] == "carol"
    assert ledger.ok("db", "check").exit_code == 0


def test_merge_moves_everything_and_the_old_key_still_finds_the_claim(ledger):
    ledger.ok("add", "Meituan posts an operating loss in Q3", "--author", "bob", "--made",
              "2026-07-01", "--due", "2026-10-31", "--key", "meituan-q3-loss", "--prob", "0.4")
    res = ledger.ok("add", "Meituan posts an operating loss in Q3.", "--author", "bob", "--made",
                    "2026-07-02", "--due", "2026-10-31", "--prob", "0.45", "--tag", "china")
    dup = res.stdout.strip()
    assert "warning: nearly the same as open claim meituan-q3-loss" in res.stderr
    ledger.ok("evidence", dup, "Q2 margin turned negative", "--on", "2026-07-03")
    ledger.ok("merge", dup, "meituan-q3-loss", "--note", "recorded twice")
    story = ledger.json("show", dup)  # the duplicate's key finds the survivor
    assert story["key"] == "meituan-q3-loss"
    assert sorted(f["probability"] for f in story["forecasts"]) == [0.4, 0.45]
    assert [e["summary"] for e in story["evidence"]] == ["Q2 margin turned negative"]
    assert "china" in story["tags"]
    assert [r["key"] for r in ledger.json("list")] == ["meituan-q3-loss"]
    report = ledger.json("report")
    assert sum(g["counts"]["withdrawn"] for g in report["groups"]) == 0
    res = ledger.run("add", "Another", "--due", "2030", "--key", dup)
    assert res.exit_code == 1 and "already exists" in one_line_error(res)
    assert ledger.ok("db", "check").exit_code == 0
    # the merge survives an export and import
    exported = ledger.ok("export").stdout
    copy = Ledger(ledger.target + ".copy.db") if ledger.is_sqlite else None
    if copy is not None:
        copy.ok("db", "init")
        from pathlib import Path

        Path("merged.jsonl").write_text(exported)
        copy.ok("import", "merged.jsonl")
        assert copy.ok("export").stdout == exported
        assert copy.json("show", dup)["key"] == "meituan-q3-loss"


def test_merge_refuses_what_it_cannot_do_cleanly(ledger):
    ledger.ok("add", "A", "--made", "2026-07-10", "--due", "2026-12-31", "--key", "a")
    ledger.ok("add", "B", "--made", "2026-07-01", "--due", "2026-12-31", "--key", "b",
              "--prob", "0.5")
    ledger.ok("add", "C", "--made", "2026-07-01", "--due", "2026-08-01", "--key", "c")
    ledger.ok("resolve", "c", "true", "--on", "2026-08-01")
    for args, needle in [(["b", "a"], "before a was made"), (["c", "a"], "has been resolved"),
                         (["a", "a"], "the same claim")]:
        before = ledger.snapshot()
        res = ledger.run("merge", *args)
        assert res.exit_code != 0 and needle in one_line_error(res), (args, res.stderr)
        assert ledger.snapshot() == before
