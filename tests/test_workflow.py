"""The analyst's day on both backends: record, forecast, evidence, resolve, revise, review,
export and import; every command has help."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from helpers import Ledger
from ledger.cli import app


def tour(lg: Ledger) -> None:
    lg.ok("source", "add", "Chinese phone giant Xiaomi plans 'baby steps' US entry",
          "--key", "tf-2015-02-20", "--outlet", "Saxo TradingFloor, China Watcher",
          "--published", "2015-02-20T05:58Z", "--author", "Neil Flynn")
    lg.ok("add", "Xiaomi releases a smartphone designed specifically for the US market",
          "--author", "Neil Flynn", "--made", "2015-02-20", "--due", "end of 2016",
          "--due-basis", "assigned", "--due-note", "no horizon in the text",
          "--phrase", "will likely", "--source", "tf-2015-02-20", "--key", "us-phone",
          "--quote", "it will likely develop a smartphone specifically for the US market",
          "--subject", "Xiaomi", "--tag", "us", "--tag", "smartphones")
    lg.ok("add", "Smart-home products are a significant revenue driver", "--author", "Neil Flynn",
          "--made", "2015-02-20", "--due", "2015Q4", "--due-basis", "inferred", "--prob", "70%",
          "--source", "tf-2015-02-20", "--key", "smart-home", "--subject", "Xiaomi")
    lg.ok("add", "Xiaomi hosts international user data outside China", "--author", "Neil Flynn",
          "--made", "2015-02-20", "--due", "2015-12", "--prob", "7:3",
          "--source", "tf-2015-02-20", "--key", "servers", "--subject", "Xiaomi")
    lg.ok("forecast", "us-phone", "0.3", "--by", "bob", "--on", "2015-03-01", "--note", "patents")
    lg.ok("forecast", "us-phone", "unlikely", "--by", "bob", "--on", "2015-07-20")
    lg.ok("evidence", "us-phone", "Barra: a US phone is not on the roadmap", "--on", "2015-02-12",
          "--stance", "refutes", "--url", "https://www.cnet.com/")
    lg.ok("resolve", "us-phone", "false", "--on", "2016-12-31", "--evidence", "1",
          "--note", "no US-specific phone by end-2016")
    lg.ok("resolve", "us-phone", "false", "--on", "2017-01-02", "--revise",
          "--note", "date corrected")
    lg.ok("resolve", "servers", "true", "--on", "2015-12-31")


def test_the_tour(ledger):
    tour(ledger)
    story = ledger.json("show", "us-phone")
    assert story["status"] == "false"
    assert story["quote"].startswith("it will likely")
    assert story["source"]["authors"] == ["Neil Flynn"]
    assert story["due_basis"] == "assigned" and story["due_on"] == "2016-12-31"
    assert [f["probability"] for f in story["forecasts"]] == [0.72, 0.3, 0.2]
    first = story["forecasts"][0]
    assert first["mapped"] and first["phrase"] == "likely" and first["given"] == "will likely"
    assert [r["current"] for r in story["resolutions"]] == [False, True]
    assert story["resolutions"][0]["evidence"] == [1]
    assert story["resolutions"][1]["known_on"] == "2017-01-02"
    assert story["version"] == 3
    text = ledger.ok("show", "us-phone").stdout
    for needle in ("Statement:", "Quote:", "Saxo TradingFloor", "assigned by the recorder",
                   "Forecasts", "Evidence", "superseded", "date corrected"):
        assert needle in text
    listing = ledger.json("list")
    assert {r["key"]: r["status"] for r in listing} == {
        "smart-home": "overdue", "servers": "true", "us-phone": "false"}
    assert ledger.json("list", "--status", "resolved", "--subject", "Xiaomi")[0]["key"] == "servers"
    assert [r["key"] for r in ledger.json("list", "--tag", "us")] == ["us-phone"]
    due = ledger.json("due", "--within", "30d")
    assert [r["key"] for r in due] == ["smart-home"]
    log = ledger.json("log", "us-phone")
    assert [e["action"] for e in log] == ["claim.add", "forecast.add", "forecast.add",
                                          "evidence.add", "claim.resolve", "claim.revise"]
    assert log[-1]["before"] and log[-1]["after"]
    assert all(e["actor"] == "tester" for e in log)
    ledger.ok("db", "check")


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "md"])
def test_every_listing_renders_in_every_format(ledger, fmt):
    tour(ledger)
    for args in (["list"], ["show", "us-phone"], ["due"], ["log"], ["source", "list"], ["phrases"]):
        out = ledger.ok(*args, "--format", fmt).stdout
        assert out.strip(), args
        if fmt == "json":
            json.loads(out)
        if fmt == "csv":
            assert list(csv.reader(io.StringIO(out)))
        if fmt == "text":
            assert max(len(line) for line in out.splitlines()) <= 100
        if fmt == "md":  # a Markdown table (or, for show, a titled page with tables)
            lines = out.splitlines()
            assert any(re.fullmatch(r"\|[-| :]+\|", ln) for ln in lines), args
            if args[0] == "show":
                assert lines[0] == "# us-phone (id 1)" and "## Forecasts" in out


def test_export_import_round_trip_is_byte_identical(ledger, tmp_path, request):
    tour(ledger)
    first = ledger.ok("export").stdout
    path = tmp_path / "ledger.jsonl"
    path.write_text(first)
    other = Ledger(str(tmp_path / "other.db"))
    other.ok("db", "init")
    res = other.ok("import", str(path))
    assert "imported" in res.stderr
    assert other.ok("export").stdout == first
    before = other.snapshot()
    res = other.ok("import", str(path))
    assert "nothing new" in res.stderr
    assert other.snapshot() == before
    other.ok("db", "check")
    # and into the other backend too
    if not ledger.is_sqlite:
        back = Ledger(str(tmp_path / "back.db"))
        back.ok("db", "init")
        back.ok("import", str(path))
        assert back.ok("export").stdout == first


def test_import_is_all_or_nothing(ledger, tmp_path):
    tour(ledger)
    lines = ledger.ok("export").stdout.splitlines()
    bad = [*lines, '{"type":"forecast","id":"x#f1","claim":"no-such-claim"}']
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(bad) + "\n")
    target = Ledger(str(tmp_path / "t.db"))
    target.ok("db", "init")
    before = target.snapshot()
    res = target.run("import", str(path))
    assert res.exit_code == 1
    assert f"line {len(bad)}" in res.stderr
    assert target.snapshot() == before


def test_import_refuses_a_changed_claim(ledger, tmp_path):
    tour(ledger)
    lines = [json.loads(x) for x in ledger.ok("export").stdout.splitlines()]
    for r in lines:
        if r.get("key") == "servers":
            r["statement"] = "something else"
    path = tmp_path / "changed.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in lines) + "\n")
    before = ledger.snapshot()
    res = ledger.run("import", str(path))
    assert res.exit_code == 1
    assert "different statement" in res.stderr
    assert ledger.snapshot() == before


def test_csv_export_has_one_row_per_claim(ledger):
    tour(ledger)
    rows = list(csv.DictReader(io.StringIO(ledger.ok("export", "--format", "csv").stdout)))
    assert [r["key"] for r in rows] == ["servers", "smart-home", "us-phone"]
    phone = rows[2]
    assert phone["probability"] == "0.2" and phone["forecast_by"] == "bob"
    assert phone["outcome"] == "false" and phone["known_on"] == "2017-01-02"


def test_reopen_and_withdraw_and_edit_keep_history(ledger):
    tour(ledger)
    ledger.ok("reopen", "servers", "--note", "the India data centre slipped")
    assert ledger.json("show", "servers")["resolution"] is None
    ledger.ok("resolve", "servers", "true", "--on", "2015-12-31", "--note", "AWS migration")
    hist = ledger.json("show", "servers")["resolutions"]
    assert [(r["revision"], r["current"]) for r in hist] == [(1, False), (2, True)]
    assert "reopened by tester: the India data centre slipped" in hist[0]["superseded_note"]
    ledger.ok("add", "Later claim", "--made", "2015-03-01", "--due", "2030", "--key", "later")
    ledger.ok("edit", "later", "--statement", "A later claim", "--tag", "x", "--due", "2031")
    ledger.ok("withdraw", "later", "--on", "2015-04-01", "--note", "changed my mind")
    s = ledger.json("show", "later")
    assert s["status"] == "withdrawn" and s["tags"] == ["x"] and s["due_on"] == "2031-12-31"
    edit = next(e for e in ledger.json("log", "later") if e["action"] == "claim.edit")
    assert "statement" in edit["summary"] and "due_on" in edit["summary"]
    ledger.ok("db", "check")


def test_concurrent_revisions_conflict_instead_of_overwriting(ledger):
    """Two analysts read the same claim, then both revise it: the second is refused."""
    tour(ledger)
    seen = ledger.json("show", "servers")["version"]
    ledger.ok("resolve", "servers", "ambiguous", "--on", "2016-01-01", "--revise",
              "--if-version", str(seen), user="alice")
    res = ledger.run("resolve", "servers", "false", "--on", "2016-01-02", "--revise",
                     "--if-version", str(seen), user="bob")
    assert res.exit_code == 1
    assert "changed since you read it" in res.stderr and "revise by alice" in res.stderr
    assert ledger.json("show", "servers")["resolution"]["outcome"] == "ambiguous"


def test_library_entry_point_with_an_injected_clock(ledger):
    """Scripts use ``ledger.Ledger``: the same operations as the CLI, with the clock injected,
    so "the future" is the script's notion of today."""
    from datetime import date

    from ledger import Ledger
    from ledger.errors import RuleViolation

    with Ledger(ledger.target, actor="script", clock=lambda: date(2016, 6, 30),
                new_analysts=True) as lg:  # a script that names new people
        # the published call: recorded today from the 2015 article, so it still counts
        lg.add_source("Outlook", key="outlook", published_on=date(2015, 1, 1), authors=["Ann"])
        done = lg.add_claim("Via the library", author="Ann", made_on=date(2015, 1, 1),
                            due_on=date(2015, 12, 31), probability="likely", source="outlook")
        # the same call without its source: entered years after it fell due, back-filled
        late = lg.add_claim("Typed in late", author="Ann", made_on=date(2015, 1, 1),
                            due_on=date(2015, 12, 31), probability="likely")
        with pytest.raises(RuleViolation, match="2016-07-01 is in the future"):
            lg.resolve(done.key, "true", on=date(2016, 7, 1))
        lg.resolve(done.key, "true", on=date(2016, 1, 1))
        lg.resolve(late.key, "false", on=date(2016, 1, 1))
        story = lg.show(done.key)
        listed = lg.claims(status="resolved")
        then = lg.report()  # as of the clock's day: nothing had been recorded yet
        now = lg.report(as_of=date.today())
    assert story["status"] == "true" and story["forecasts"][0]["phrase"] == "likely"
    assert not story["forecasts"][0]["backfilled"]
    assert [r["key"] for r in listed] == [done.key, late.key]
    assert then["as_of"] == "2016-06-30" and then["overall"]["counts"]["scored"] == 0
    assert now["overall"]["brier"] == pytest.approx((1 - 0.72) ** 2)
    counts = now["overall"]["counts"]
    assert (counts["scored"], counts["unscored"], counts["backfilled"]) == (1, 1, 1)


def _walk(group, path=()):
    import typer.main

    cmd = typer.main.get_command(group) if isinstance(group, typer.Typer) else group
    yield path, cmd
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from _walk(sub, (*path, name))


def test_every_command_has_help_text():
    runner_cmds = list(_walk(app))
    assert len(runner_cmds) > 20
    from typer.testing import CliRunner

    runner = CliRunner()
    for path, cmd in runner_cmds:
        assert (cmd.help or "").strip(), f"{' '.join(path)} has no help"
        res = runner.invoke(app, [*path, "--help"])
        assert res.exit_code == 0, path
        assert "Usage:" in res.stdout
        for param in cmd.params:
            if param.name != "help":
                assert (getattr(param, "help", None) or "").strip(), \
                    f"{' '.join(path)}: {param.name} has no help"
