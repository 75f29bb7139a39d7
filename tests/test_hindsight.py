"""A scorecard nobody can move without a trace: back-filled forecasts and late withdrawals are
kept and shown but do not move scores, on both backends, through the CLI and through import;
``--as-of`` reproductions are unchanged; the grace period is a ledger setting."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from ledger.core import hindsight

SEED_BRIER = (0.5184 + 0.9409 + 0.09 + 0.49) / 4  # the hand computation in test_seeds


def _seeded(ledger):
    ledger.ok("seed")
    return ledger


def test_backdated_forecast_after_the_outcome_is_backfilled(ledger):
    """The issue's case: a forecast typed in today, dated before the outcome, by the author."""
    _seeded(ledger)
    before = ledger.json("report")
    ledger.ok("forecast", "xiaomi-us-market-entry", "0.1", "--on", "2015-03-01",
              user="Neil Flynn")
    after = ledger.json("report")
    (g,) = after["groups"]
    assert g["brier"] == pytest.approx(SEED_BRIER) == before["groups"][0]["brier"]
    assert g["counts"]["backfilled"] == 1 and before["groups"][0]["counts"]["backfilled"] == 0
    assert g["counts"]["scored"] == before["groups"][0]["counts"]["scored"] == 4
    story = ledger.json("show", "xiaomi-us-market-entry")
    assert [f["backfilled"] for f in story["forecasts"]] == [False, True]
    text = ledger.ok("show", "xiaomi-us-market-entry").stdout
    assert "* back-filled" in text
    assert "Back-filled forecasts" in ledger.ok("report").stdout
    csv_head, csv_row = ledger.ok("report", "--format", "csv").stdout.splitlines()[:2]
    assert dict(zip(csv_head.split(","), csv_row.split(","), strict=False))["backfilled"] == "1"


def test_another_analysts_backfilled_forecast_does_not_enter_their_score(ledger):
    _seeded(ledger)
    ledger.ok("forecast", "xiaomi-us-market-entry", "0.05", "--by", "Hindsight Harry",
              "--on", "2015-03-01")
    by = {g["key"]: g for g in ledger.json("report")["groups"]}
    harry = by["Hindsight Harry"]
    assert harry["brier"] is None and harry["counts"]["scored"] == 0
    assert harry["counts"]["backfilled"] == 1 and harry["counts"]["unscored"] == 1


def _export_lines(ledger):
    return [json.loads(x) for x in ledger.ok("export").stdout.splitlines()]


def _at(d: date, hour: int = 12) -> str:
    return datetime(d.year, d.month, d.day, hour, tzinfo=UTC).isoformat(timespec="microseconds")


def _history(tmp_path, *, forecast_recorded: date, forecast_on: date,
             withdrawn: tuple[date, date] | None = None, grace: int | None = None,
             forecast_hour: int = 12):
    """A one-claim ledger file as another ledger would export it: claim made 2020-01-01, due
    2020-06-30, resolved false (known 2020-06-30, recorded 2020-07-01)."""
    made, due = date(2020, 1, 1), date(2020, 6, 30)
    recs = [
        {"type": "ledger", "format": 1},
        {"type": "analyst", "name": "ann", "affiliation": None, "created_at": _at(made)},
        {"type": "claim", "key": "c1", "statement": "S", "quote": None, "source": None,
         "author": "ann", "subject": None, "tags": [], "made_on": made.isoformat(),
         "due_on": due.isoformat(), "due_basis": "stated", "due_note": None, "criteria": None,
         "withdrawn_on": withdrawn[0].isoformat() if withdrawn else None,
         "withdrawn_note": None, "withdrawn_at": _at(withdrawn[1]) if withdrawn else None,
         "recorded_by": "ann", "recorded_at": _at(made), "version": 1},
        {"type": "forecast", "id": "c1#f1", "claim": "c1", "by": "ann",
         "made_on": made.isoformat(), "probability": 0.8, "given": "0.8", "mapped": False,
         "phrase": None, "band": None, "vague": False, "note": None, "recorded_by": "ann",
         "recorded_at": _at(made)},
        {"type": "forecast", "id": "c1#f2", "claim": "c1", "by": "ann",
         "made_on": forecast_on.isoformat(), "probability": 0.1, "given": "0.1",
         "mapped": False, "phrase": None, "band": None, "vague": False, "note": None,
         "recorded_by": "ann", "recorded_at": _at(forecast_recorded, forecast_hour)},
    ]
    if not withdrawn:
        recs.append({"type": "resolution", "id": "c1#r1", "claim": "c1", "revision": 1,
                     "outcome": "false", "known_on": due.isoformat(), "rationale": None,
                     "resolved_by": "ann", "recorded_at": _at(date(2020, 7, 1)),
                     "superseded_at": None, "superseded_note": None, "evidence": []})
    if grace is not None:
        recs.append({"type": "setting", "name": "grace_days", "value": str(grace),
                     "note": None, "recorded_by": "ann", "recorded_at": _at(made, 1)})
    path = tmp_path / "history.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    return path


def _brier_of_two(p1_days: int, p2: float | None, total: int) -> float:
    """Time-weighted Brier of 0.8 then p2 (from day p1_days) on a false outcome."""
    if p2 is None:
        return 0.8**2
    return (p1_days * 0.8**2 + (total - p1_days) * p2**2) / total


def test_imported_history_is_judged_by_when_it_was_recorded(ledger, tmp_path):
    # recorded on 2020-07-05, after the resolution (2020-07-01): back-filled, 0.8 stands alone
    ledger.ok("import", str(_history(tmp_path, forecast_recorded=date(2020, 7, 5),
                                     forecast_on=date(2020, 3, 1))))
    g = ledger.json("report")["overall"]
    assert g["brier"] == pytest.approx(0.64) and g["counts"]["backfilled"] == 1
    ev = ledger.json("log")[-1]
    assert ev["action"] == "import" and ev["after"]["file"].endswith("history.jsonl")


def test_a_typing_delay_within_the_grace_period_counts(ledger, tmp_path):
    # dated 2020-03-01, recorded 2020-03-02: one day's delay, before anything was known
    ledger.ok("import", str(_history(tmp_path, forecast_recorded=date(2020, 3, 2),
                                     forecast_on=date(2020, 3, 1))))
    g = ledger.json("report")["overall"]
    total = (date(2020, 6, 30) - date(2020, 1, 1)).days
    assert g["brier"] == pytest.approx(
        _brier_of_two((date(2020, 3, 1) - date(2020, 1, 1)).days, 0.1, total))
    assert g["counts"]["backfilled"] == 0


@pytest.mark.parametrize(("grace", "backfilled"), [(0, 1), (2, 0)])
def test_grace_decides_a_late_typed_forecast_after_the_due_date(ledger, tmp_path, grace,
                                                                backfilled):
    # dated 2020-06-29 (before due), recorded 2020-07-01 00:00-ish: after the due day, two days
    # after its own date; the resolution was recorded at noon, after it
    path = _history(tmp_path, forecast_recorded=date(2020, 7, 1), forecast_on=date(2020, 6, 29),
                    grace=grace, forecast_hour=6)
    ledger.ok("import", str(path))
    report = ledger.json("report")
    assert report["grace_days"] == grace
    assert report["overall"]["counts"]["backfilled"] == backfilled
    assert ledger.json("show", "c1")["forecasts"][1]["backfilled"] == bool(backfilled)


def test_late_withdrawal_through_import_keeps_the_claim_on_the_scorecard(ledger, tmp_path):
    # withdrawn "on" 2020-05-01 but recorded 2020-09-01, after the claim fell due
    ledger.ok("import", str(_history(tmp_path, forecast_recorded=date(2020, 3, 2),
                                     forecast_on=date(2020, 3, 1),
                                     withdrawn=(date(2020, 5, 1), date(2020, 9, 1)))))
    story = ledger.json("show", "c1")
    assert story["withdrawal_late"] and story["status"] == "overdue"
    ledger.ok("resolve", "c1", "false", "--on", "2020-06-30")
    g = ledger.json("report")["overall"]
    assert g["counts"]["late_withdrawn"] == 1 and g["counts"]["withdrawn"] == 0
    assert g["counts"]["scored"] == 1 and g["brier"] is not None
    assert "late" in ledger.ok("show", "c1").stdout


def test_timely_withdrawal_through_import_counts(ledger, tmp_path):
    ledger.ok("import", str(_history(tmp_path, forecast_recorded=date(2020, 3, 2),
                                     forecast_on=date(2020, 3, 1),
                                     withdrawn=(date(2020, 5, 1), date(2020, 5, 1)))))
    g = ledger.json("report")["overall"]
    assert g["counts"]["withdrawn"] == 1 and g["counts"]["late_withdrawn"] == 0
    assert ledger.run("resolve", "c1", "false", "--on", "2020-06-30").exit_code == 1


def test_late_withdrawal_through_the_cli(ledger):
    ledger.ok("add", "Due long ago", "--key", "old", "--made", "2015-01-01", "--due",
              "2015-12-31", "--prob", "0.9")
    res = ledger.ok("withdraw", "old", "--on", "2015-06-01")
    assert "late withdrawal" in res.stderr
    report = ledger.json("report")
    assert report["overall"]["counts"]["late_withdrawn"] == 1
    assert report["overall"]["counts"]["withdrawn"] == 0
    assert ledger.json("show", "old")["status"] == "overdue"
    ledger.ok("resolve", "old", "false", "--on", "2016-01-01")  # still a live claim
    assert ledger.json("report")["overall"]["counts"]["late_withdrawn"] == 1


def test_as_of_reproduction_is_unchanged_by_later_backfilling(ledger):
    _seeded(ledger)
    first = ledger.ok("report", "--as-of", "2026-11-24", "--format", "json").stdout
    ledger.ok("forecast", "xiaomi-us-specific-phone", "0.01", "--on", "2015-03-01",
              user="Neil Flynn")
    ledger.ok("db", "grace", "30")
    assert ledger.ok("report", "--as-of", "2026-11-24", "--format", "json").stdout == first
    now = ledger.json("report")
    assert now["grace_days"] == 30 and now["overall"]["counts"]["backfilled"] == 1


def test_grace_setting_is_audited_exported_and_refused_when_out_of_range(ledger):
    assert ledger.ok("db", "grace").stdout.strip() == str(hindsight.DEFAULT_GRACE_DAYS)
    ledger.ok("db", "grace", "5", "--note", "weekend typing")
    assert ledger.ok("db", "grace").stdout.strip() == "5"
    assert ledger.json("log")[-1]["action"] == "setting.set"
    lines = [json.loads(x) for x in ledger.ok("export").stdout.splitlines()]
    (setting,) = [r for r in lines if r["type"] == "setting"]
    assert (setting["name"], setting["value"], setting["note"]) == ("grace_days", "5",
                                                                     "weekend typing")
    before = ledger.snapshot()
    res = ledger.run("db", "grace", "400")
    assert res.exit_code != 0 and "between 0 and 366" in res.stderr
    assert ledger.snapshot() == before
    ledger.ok("db", "check")


@pytest.mark.parametrize("published", [True, False])
def test_the_published_call_is_the_only_late_entry_that_counts(ledger, published):
    ledger.ok("source", "add", "Column", "--key", "col", "--published", "2015-02-20",
              "--author", "Ann")
    ledger.ok("add", "A call", "--key", "k", "--author", "Ann", "--source", "col",
              "--made", "2015-02-20", "--due", "2015-12-31")
    ledger.ok("forecast", "k", "0.7", "--by", "Ann",
              "--on", "2015-02-20" if published else "2015-02-21")
    ledger.ok("resolve", "k", "true", "--on", "2015-12-31")
    g = ledger.json("report")["overall"]
    assert g["counts"]["scored"] == (1 if published else 0)
    assert g["counts"]["backfilled"] == (0 if published else 1)


def test_the_scorecard_sql_agrees_with_the_rule(ledger, tmp_path):
    """The report (SQL) and ``show`` (the pure rule) flag the same forecasts, over a grid of
    dates and recording times around the outcome and the due date."""
    import random

    rng = random.Random(7)
    made, due, known = date(2020, 1, 1), date(2020, 6, 30), date(2020, 6, 10)
    recs = [{"type": "analyst", "name": "ann", "affiliation": None, "created_at": _at(made)}]
    for i in range(40):
        key = f"k{i}"
        recs.append({"type": "claim", "key": key, "statement": "S", "quote": None,
                     "source": None, "author": "ann", "subject": None, "tags": [],
                     "made_on": made.isoformat(), "due_on": due.isoformat(),
                     "due_basis": "stated", "due_note": None, "criteria": None,
                     "withdrawn_on": None, "withdrawn_note": None, "withdrawn_at": None,
                     "recorded_by": "ann", "recorded_at": _at(made), "version": 1})
        for n in range(1, 4):
            on = known - timedelta(days=rng.randrange(0, 10))
            rec = on + timedelta(days=rng.randrange(0, 6))
            recs.append({"type": "forecast", "id": f"{key}#f{n}", "claim": key, "by": "ann",
                         "made_on": on.isoformat(), "probability": 0.5, "given": "0.5",
                         "mapped": False, "phrase": None, "band": None, "vague": False,
                         "note": None, "recorded_by": "ann",
                         "recorded_at": _at(rec, rng.randrange(0, 24))})
        recs.append({"type": "resolution", "id": f"{key}#r1", "claim": key, "revision": 1,
                     "outcome": rng.choice(["true", "false"]), "known_on": known.isoformat(),
                     "rationale": None, "resolved_by": "ann",
                     "recorded_at": _at(known + timedelta(days=rng.randrange(0, 4)), 12),
                     "superseded_at": None, "superseded_note": None, "evidence": []})
    path = tmp_path / "grid.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    ledger.ok("import", str(path))
    flagged = sum(f["backfilled"] for i in range(40)
                  for f in ledger.json("show", f"k{i}")["forecasts"])
    assert 0 < flagged < 120
    assert ledger.json("report")["overall"]["counts"]["backfilled"] == flagged


def test_hindsight_rule_cases():
    """The pure rule on hand-picked recording times."""
    due, known = date(2020, 6, 30), date(2020, 6, 1)
    res_at = datetime(2020, 6, 3, tzinfo=UTC)
    cases = {  # (made_on, recorded day) -> back-filled with grace 2
        (date(2020, 5, 1), date(2020, 5, 20)): False,  # long before anything was known
        (date(2020, 5, 31), date(2020, 6, 2)): False,  # a two-day typing delay
        (date(2020, 5, 1), date(2020, 6, 2)): True,  # back-dated after the outcome was known
        (date(2020, 5, 30), date(2020, 6, 2)): True,  # three days late, outcome known
    }
    for (made, rec), want in cases.items():
        at = datetime(rec.year, rec.month, rec.day, 1, tzinfo=UTC)
        assert hindsight.backfilled(made_on=made, recorded_at=at, due_on=due, known_on=known,
                                    first_resolution_at=res_at, published=False,
                                    grace_days=2) is want, (made, rec)
    after_res = res_at + timedelta(minutes=1)
    assert hindsight.backfilled(made_on=date(2020, 6, 1), recorded_at=after_res, due_on=due,
                                known_on=known, first_resolution_at=res_at, published=False,
                                grace_days=2) is False  # typing delay, even after a resolution
    assert hindsight.late_withdrawal(withdrawn_on=date(2020, 6, 1),
                                     withdrawn_at=datetime(2020, 7, 10, tzinfo=UTC),
                                     due_on=due, grace_days=2)


@pytest.mark.parametrize("key", ["3", "007", "Upper", " padded"])
def test_a_claim_key_that_looks_like_an_id_is_refused_by_import_and_seeds(ledger, tmp_path,
                                                                         key):
    path = _history(tmp_path, forecast_recorded=date(2020, 3, 2), forecast_on=date(2020, 3, 1))
    recs = [json.loads(x) for x in path.read_text().splitlines()]
    for r in recs:
        if r.get("key") == "c1":
            r["key"] = key
        if r.get("claim") == "c1":
            r["claim"] = key
    path.write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    before = ledger.snapshot()
    res = ledger.run("import", str(path))
    assert res.exit_code != 0 and "not valid" in res.stderr and res.stderr.count("\n") == 1
    assert ledger.snapshot() == before
    seed = tmp_path / "s.toml"
    seed.write_text(f'''recorded_at = 2020-01-01T00:00:00Z
recorded_by = "x"
[[analysts]]
name = "ann"
[[claims]]
key = {json.dumps(key)}
statement = "S"
author = "ann"
made_on = 2019-01-01
due_on = 2019-12-31
due_basis = "stated"
''')
    res = ledger.run("seed", str(seed))
    assert res.exit_code != 0 and "not valid" in res.stderr
    assert ledger.snapshot() == before


def test_upgrading_an_older_ledger_records_what_schema_0003_changed(tmp_path):
    """An 0002 ledger (events without withdrawal times, authors audited by id) upgrades to a
    ledger that passes every check, withdrawal times taken from the withdraw events."""
    from sqlalchemy import select, update

    from helpers import Ledger, rehash_chain
    from ledger.core.jsonenc import canonical
    from ledger.store import admin
    from ledger.store.engine import Store
    from ledger.store.tables import EVENT

    lg = Ledger(str(tmp_path / "old.db"))
    lg.ok("db", "init")
    lg.ok("add", "First", "--key", "a1", "--author", "Ann", "--made", "2020-01-01",
          "--due", "2030-01-01")
    lg.ok("source", "add", "Joint", "--key", "joint", "--author", "Bob", "--author", "Ann")
    lg.ok("withdraw", "a1", "--note", "changed my mind")
    withdrawn_at = lg.json("show", "a1")["withdrawn_at"]
    store = Store(lg.target)
    admin.downgrade(store, "0002")
    with store.write() as conn:  # write the events as schema 0002 did
        for row in conn.execute(select(EVENT.c.id, EVENT.c.after)).all():
            after = json.loads(row.after or "null")
            if not isinstance(after, dict):
                continue
            for state in after.values():
                if isinstance(state, dict):
                    state.pop("withdrawn_at", None)
                    state.pop("readings", None)
                    if "authors" in state:
                        state["authors"] = sorted(state["authors"])
            conn.execute(update(EVENT).where(EVENT.c.id == row.id).values(after=canonical(after)))
        rehash_chain(conn)
    store.dispose()
    assert "older than this ledger" in lg.run("db", "check").stderr
    lg.ok("db", "upgrade")
    lg.ok("db", "check")
    assert lg.json("show", "a1")["withdrawn_at"] == withdrawn_at
    assert lg.json("log")[-1]["action"] == "db.upgrade"
    assert [s["authors"] for s in lg.json("source", "list")] == [["Bob", "Ann"]]


@pytest.mark.parametrize("field", ["forecast", "resolution", "withdrawal"])
def test_import_refuses_a_record_dated_after_it_was_recorded(ledger, tmp_path, field):
    """The CLI's "not in the future", as it stood when the record was made elsewhere."""
    if field == "forecast":  # dated 2020-03-10, recorded 2020-03-02
        path = _history(tmp_path, forecast_recorded=date(2020, 3, 2),
                        forecast_on=date(2020, 3, 10))
    elif field == "withdrawal":  # withdrawn "on" 2020-05-01, recorded 2020-04-01
        path = _history(tmp_path, forecast_recorded=date(2020, 3, 2),
                        forecast_on=date(2020, 3, 1),
                        withdrawn=(date(2020, 5, 1), date(2020, 4, 1)))
    else:  # known 2020-06-30, recorded 2020-06-01
        path = _history(tmp_path, forecast_recorded=date(2020, 3, 2),
                        forecast_on=date(2020, 3, 1))
        path.write_text(path.read_text().replace('"recorded_at": "2020-07-01T12',
                                                 '"recorded_at": "2020-06-01T12'))
    before = ledger.snapshot()
    res = ledger.run("import", str(path))
    assert res.exit_code == 1 and "after it was recorded" in res.stderr
    assert res.stderr.count("\n") == 1 and ledger.snapshot() == before


def test_an_export_recorded_ahead_of_utc_still_imports(ledger, tmp_path):
    """A forecast made "today" in UTC+10 is recorded on the previous UTC day: allowed."""
    path = _history(tmp_path, forecast_recorded=date(2020, 3, 1), forecast_on=date(2020, 3, 2),
                    forecast_hour=22)
    ledger.ok("import", str(path))
