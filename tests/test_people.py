"""Who is who: a name means one person whatever its case, a typo never becomes a new analyst,
and people are added, renamed and merged by audited changes (issue 25 #4)."""

from __future__ import annotations

import pytest

from helpers import Ledger, one_line_error


@pytest.fixture
def strict(target) -> Ledger:
    """A ledger used as a person types: no --new-analyst."""
    lg = Ledger(target, strict_names=True)
    lg.ok("db", "init")
    return lg


def test_db_init_registers_who_made_it(strict):
    assert [a["name"] for a in strict.json("analyst")] == ["tester"]
    strict.ok("db", "check")


@pytest.mark.parametrize("args,typo,near", [
    (["add", "A call", "--due", "2030", "--author", "bbo"], "bbo", "bob"),
    (["forecast", "c", "0.4", "--by", "crol"], "crol", "carol"),
    (["edit", "c", "--author", "bobb"], "bobb", "bob"),
])
def test_an_unknown_name_is_refused_with_the_nearest(strict, args, typo, near):
    strict.ok("analyst", "add", "bob")
    strict.ok("analyst", "add", "carol")
    strict.ok("add", "A claim", "--key", "c", "--due", "2030", "--author", "bob")
    before = strict.snapshot()
    res = strict.run(*args)
    line = one_line_error(res)
    assert res.exit_code == 1 and f"no analyst named {typo!r}" in line and near in line
    assert "ledger analyst add" in line
    assert strict.snapshot() == before


def test_acting_as_an_unknown_name_is_refused(strict):
    strict.ok("add", "A claim", "--key", "c", "--due", "2030")
    before = strict.snapshot()
    res = strict.run("forecast", "c", "0.4", user="testre")
    assert res.exit_code == 1 and "no analyst named 'testre'" in one_line_error(res)
    assert "tester" in one_line_error(res)
    assert strict.snapshot() == before


def test_a_name_in_another_case_or_with_spaces_is_the_same_person(strict):
    strict.ok("analyst", "add", "Bob")
    strict.ok("add", "A claim", "--key", "c", "--due", "2030", "--author", " bob ")
    strict.ok("forecast", "c", "0.4", user="BOB")
    strict.ok("forecast", "c", "0.6", "--by", "bOb")
    people = {a["name"]: a for a in strict.json("analyst")}
    assert set(people) == {"tester", "Bob"}
    assert people["Bob"]["claims"] == 1 and people["Bob"]["forecasts"] == 2
    res = strict.run("analyst", "add", "BOB")
    assert res.exit_code == 2 and "already an analyst" in one_line_error(res)


def test_new_analyst_lets_one_command_add_them(strict):
    strict.ok("--new-analyst", "add", "A claim", "--key", "c", "--due", "2030", "--author",
              "dana")
    assert "dana" in {a["name"] for a in strict.json("analyst")}
    strict.ok("forecast", "c", "0.3", "--by", "Dana")  # known from now on, in any case


def test_an_address_for_someone_who_has_recorded_nothing(strict):
    strict.ok("analyst", "add", "erin", "--email", "erin@example.org", "--affiliation", "Desk")
    [erin] = strict.json("analyst", "erin")
    assert erin["email"] == "erin@example.org" and erin["claims"] == 0
    strict.ok("analyst", "erin", "--email", "erin@example.com")
    assert strict.json("analyst", "ERIN")[0]["email"] == "erin@example.com"
    res = strict.run("analyst", "add", "frank", "--email", "frank@x\r\nBcc: y@z.org")
    assert res.exit_code == 2 and "not an e-mail address" in one_line_error(res)


def test_rename_keeps_everything_and_the_history(strict):
    strict.ok("analyst", "add", "bob")
    strict.ok("add", "A claim", "--key", "c", "--due", "2030", "--author", "bob",
              "--made", "2024-01-01", "--prob", "0.7")
    strict.ok("analyst", "rename", "BOB", "Robert")
    assert strict.json("show", "c")["author"] == "Robert"
    assert [a["name"] for a in strict.json("analyst")] == ["Robert", "tester"]
    events = strict.json("log")
    assert any(e["action"] == "analyst.rename" for e in events)
    res = strict.run("analyst", "rename", "robert", "TESTER")
    assert res.exit_code == 2 and "merge" in one_line_error(res)
    res = strict.run("forecast", "c", "0.1", "--by", "bob")  # the old name is gone
    assert res.exit_code == 1 and "no analyst named" in one_line_error(res)
    strict.ok("db", "check")


def test_merge_makes_two_names_one_person(strict, tmp_path):
    """bbo was a typo made before the rule (imported, say): its forecasts, claims, source
    authorship and reminders become bob's, the scorecard groups them under bob, and the
    history keeps both."""
    from datetime import date, timedelta

    made, due = (date.today() - timedelta(days=2)).isoformat(), (
        date.today() - timedelta(days=1)).isoformat()
    strict.ok("analyst", "add", "bob")
    strict.ok("analyst", "add", "bbo")
    strict.ok("source", "add", "A note", "--key", "note", "--author", "bob", "--author", "bbo",
              "--published", made)
    strict.ok("add", "First", "--key", "a", "--due", due, "--made", made,
              "--author", "bbo", "--prob", "0.8")
    strict.ok("add", "Second", "--key", "b", "--due", due, "--made", made,
              "--author", "bob", "--prob", "0.3")
    strict.ok("forecast", "b", "0.4", "--by", "bbo", "--on", made)
    for key in ("a", "b"):
        strict.ok("resolve", key, "true", "--on", due, "--note", "seen")
    before = {g["key"]: g for g in strict.json("report")["groups"]}
    assert before["bob"]["counts"]["scored"] == 1 and before["bbo"]["counts"]["scored"] == 2
    res = strict.run("analyst", "merge", "bbo", "INTO", "bob")
    assert res.exit_code == 0, res.stderr
    after = {g["key"]: g for g in strict.json("report")["groups"]}
    assert "bbo" not in after and after["bob"]["counts"]["scored"] == 2  # a, and b (one pair)
    assert strict.json("show", "a")["author"] == "bob"
    assert {a["name"] for a in strict.json("analyst")} == {"bob", "tester"}
    assert any(e["action"] == "analyst.merge" for e in strict.json("log"))
    strict.ok("db", "check")
    res = strict.run("analyst", "merge", "bob", "INTO", "bob")
    assert res.exit_code == 2 and "same analyst" in one_line_error(res)
    res = strict.run("analyst", "merge", "nobody", "INTO", "bob")
    assert res.exit_code == 1 and "no analyst named" in one_line_error(res)


def test_imports_and_seeds_still_add_the_analysts_they_name(strict):
    got = strict.json("import", "--dry-run", "--from", "predictionbook",
                      str(__import__("pathlib").Path(__file__).parent / "import_samples" /
                          "predictionbook.csv"))
    assert got["added"]["analysts"] >= 1
    strict.ok("seed")
    assert "Neil Flynn" in {a["name"] for a in strict.json("analyst")}


def test_importing_as_someone_unknown_is_refused_too(strict, tmp_path):
    from pathlib import Path

    sample = Path(__file__).parent / "import_samples" / "predictionbook.csv"
    before = strict.snapshot()
    res = strict.run("import", str(sample), user="imprter")
    assert res.exit_code == 1 and "no analyst named 'imprter'" in one_line_error(res)
    assert strict.snapshot() == before
    strict.ok("import", str(sample), user="TESTER")  # who is known, in any case
    assert "TESTER" not in {a["name"] for a in strict.json("analyst")}
