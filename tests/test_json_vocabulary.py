"""Every listing command's JSON validates against the schemas documented in docs/json.md."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from helpers import Ledger

DOC = Path(__file__).resolve().parent.parent / "docs" / "json.md"


def schemas() -> dict[str, Any]:
    found = dict(re.findall(r"<!-- schema: ([a-z-]+) -->\n```json\n(.+?)\n```", DOC.read_text(),
                            flags=re.S))
    out = {name: json.loads(text) for name, text in found.items()}
    defs = {**out.pop("defs"), "resolution": out["resolution"]}
    return {name: {**s, "$defs": defs} for name, s in out.items()}


def check(instance: Any, schema: dict[str, Any]) -> None:
    errors = sorted(Draft202012Validator(schema).iter_errors(instance), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


@pytest.fixture
def busy(ledger: Ledger) -> Ledger:
    """A ledger with every kind of row: sources, tags, phrases, evidence, revised resolutions."""
    lg = ledger
    lg.ok("source", "add", "A column", "--key", "col", "--published", "2015-02-20T05:58Z",
          "--author", "Neil Flynn", "--url", "https://example.org/col")
    lg.ok("add", "A phone ships", "--author", "Neil Flynn", "--made", "2015-02-20", "--due",
          "end of 2016", "--due-basis", "assigned", "--due-note", "no horizon", "--phrase",
          "will likely", "--source", "col", "--tag", "us", "--tag", "phones", "--key", "phone",
          "--subject", "Xiaomi")
    lg.ok("forecast", "phone", "0.3", "--by", "bob", "--on", "2015-03-01", "--note", "risk")
    lg.ok("evidence", "phone", "Not on the roadmap", "--on", "2015-02-12", "--stance", "refutes")
    lg.ok("resolve", "phone", "false", "--on", "2016-12-31", "--evidence", "1")
    lg.ok("resolve", "phone", "false", "--on", "2017-01-02", "--revise", "--note", "fixed")
    lg.ok("add", "Open one", "--made", "2015-02-20", "--due", "2030", "--key", "open")
    lg.ok("add", "Gone", "--made", "2015-02-20", "--due", "2030", "--key", "gone")
    lg.ok("withdraw", "gone", "--on", "2015-03-01")
    return lg


def test_the_documented_schemas_are_valid_json_schema():
    found = schemas()
    assert {"claim-row", "story", "event", "source-row", "phrase-row", "db-status",
            "export-record"} <= set(found)
    for schema in found.values():
        Draft202012Validator.check_schema(schema)


def test_every_listing_validates(busy):
    s = schemas()
    for args, name in ((["list"], "claim-row"), (["due", "--within", "20y"], "claim-row"),
                       (["log"], "event"), (["log", "phone"], "event"),
                       (["source", "list"], "source-row"), (["phrases"], "phrase-row")):
        rows = busy.json(*args)
        assert isinstance(rows, list) and rows, args
        for row in rows:
            check(row, s[name])
    for key in ("phone", "open", "gone"):
        check(busy.json("show", key), s["story"])
    check(busy.json("db", "status"), s["db-status"])
    for line in busy.ok("export").stdout.splitlines():
        check(json.loads(line), s["export-record"])


def test_the_schemas_catch_a_drifted_field(busy):
    """The schemas are strict: a renamed or retyped field fails validation."""
    s = schemas()
    row = busy.json("list")[0]
    drifted = {**{k: v for k, v in row.items() if k != "due_on"}, "due": row["due_on"]}
    with pytest.raises(AssertionError):
        check(drifted, s["claim-row"])
    with pytest.raises(AssertionError):
        check({**row, "tags": ",".join(row["tags"])}, s["claim-row"])


def test_the_same_names_in_list_show_and_export(busy):
    listed = {r["key"]: r for r in busy.json("list")}
    story = busy.json("show", "phone")
    exported = next(json.loads(x) for x in busy.ok("export").stdout.splitlines()
                    if json.loads(x).get("key") == "phone")
    for field in ("made_on", "due_on", "tags", "author", "statement", "subject"):
        assert listed["phone"][field] == story[field] == exported[field], field
    assert listed["phone"]["probability"] == story["forecasts"][0]["probability"] == 0.72
