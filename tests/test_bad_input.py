"""Every refused input: the right exit code, one line on stderr, no traceback, nothing changed.

Runs on SQLite (the file compared byte for byte) and PostgreSQL (every row compared).
"""

from __future__ import annotations

import json

import pytest

from helpers import Ledger, one_line_error


@pytest.fixture
def populated(ledger: Ledger, tmp_path) -> Ledger:
    lg = ledger
    lg.ok("source", "add", "A column", "--key", "col", "--published", "2015-02-20",
          "--author", "Neil Flynn")
    lg.ok("add", "Open claim", "--author", "Neil Flynn", "--made", "2015-02-20", "--due", "2030",
          "--prob", "0.7", "--key", "open-claim", "--source", "col", "--tag", "t1")
    lg.ok("add", "Resolved claim", "--author", "Neil Flynn", "--made", "2015-02-20", "--due",
          "end of 2015", "--phrase", "likely", "--key", "res-claim")
    lg.ok("resolve", "res-claim", "true", "--on", "2016-01-01")
    lg.ok("add", "Withdrawn claim", "--made", "2015-02-20", "--due", "2030Q4", "--key", "wd-claim")
    lg.ok("withdraw", "wd-claim", "--on", "2015-03-01")
    lg.ok("add", "Overdue claim", "--made", "2015-02-20", "--due", "2015-12-31", "--prob", "40%",
          "--key", "due-claim")
    lg.ok("evidence", "due-claim", "Something happened", "--on", "2015-06-01")
    (tmp_path / "bad-json.jsonl").write_text('{"type":"ledger","format":1}\n{not json\n')
    good = lg.ok("export").stdout.splitlines()
    rec = [json.loads(x) for x in good]
    for r in rec:
        if r["type"] == "forecast":
            r["probability"] = 1.7
            break
    (tmp_path / "bad-prob.jsonl").write_text("\n".join(json.dumps(r) for r in rec) + "\n")
    dangling = [json.loads(x) for x in good if json.loads(x)["type"] != "claim"]
    (tmp_path / "dangling.jsonl").write_text("\n".join(json.dumps(r) for r in dangling) + "\n")
    return lg


CASES = [
    # (name, args, exit code, fragment of the message)
    ("due before made", ["add", "X", "--made", "2015-03-01", "--due", "2015-02-01"], 1, "before the claim was made"),
    ("probability above 1", ["add", "X", "--due", "2030", "--prob", "1.5"], 2, "outside [0, 1]"),
    ("percent without sign", ["add", "X", "--due", "2030", "--prob", "70"], 2, "did you mean 70%"),
    ("unknown phrase", ["add", "X", "--due", "2030", "--phrase", "likey"], 2, "did you mean likely"),
    ("ambiguous date", ["add", "X", "--made", "01/02/2015", "--due", "2030"], 2, "ambiguous date"),
    ("unreadable date", ["add", "X", "--made", "someday", "--due", "2030"], 2, "cannot read date"),
    ("impossible day", ["add", "X", "--made", "2015-02-30", "--due", "2030"], 2, "no such day"),
    ("period as made date", ["add", "X", "--made", "2015", "--due", "2030"], 2, "is a year, not a day"),
    ("duplicate key", ["add", "X", "--due", "2030", "--key", "open-claim"], 1, "already exists"),
    ("invalid key", ["add", "X", "--due", "2030", "--key", "Bad Key!"], 2, "is not valid"),
    ("numeric key", ["add", "X", "--due", "2030", "--key", "123"], 2, "is not valid"),
    ("prob and phrase", ["add", "X", "--due", "2030", "--prob", "0.5", "--phrase", "likely"], 2, "not both"),
    ("assigned without note", ["add", "X", "--due", "2030", "--due-basis", "assigned"], 1, "needs a reason"),
    ("unknown due basis", ["add", "X", "--due", "2030", "--due-basis", "guessed"], 2, "'guessed' is not one of"),
    ("made in the future", ["add", "X", "--made", "tomorrow", "--due", "2099"], 1, "in the future"),
    ("unknown source", ["add", "X", "--due", "2030", "--source", "colx"], 1, "no source"),
    ("empty statement", ["add", "  ", "--due", "2030"], 2, "must not be empty"),
    ("missing due", ["add", "X"], 2, "--due"),
    ("unknown claim", ["forecast", "open-clam", "0.5"], 1, "nearest keys: open-claim"),
    ("unknown claim id", ["forecast", "9999", "0.5"], 1, "no claim '9999'"),
    ("forecast after outcome known", ["forecast", "res-claim", "0.9", "--on", "2016-06-01"], 1, "after the outcome"),
    ("forecast before made", ["forecast", "open-claim", "0.9", "--on", "2015-01-01"], 1, "before claim"),
    ("forecast in the future", ["forecast", "open-claim", "0.9", "--on", "+3 days"], 1, "in the future"),
    ("negative probability", ["forecast", "open-claim", "--", "-0.1"], 2, "outside [0, 1]"),
    ("zero odds", ["forecast", "open-claim", "0:0"], 2, "not both 0"),
    ("not a number", ["forecast", "open-claim", "nan"], 2, "unknown probability"),
    ("forecast on withdrawn", ["forecast", "wd-claim", "0.5", "--on", "2015-04-01"], 1, "withdrawn"),
    ("evidence on withdrawn", ["evidence", "wd-claim", "Seen", "--on", "2015-04-01"], 1, "withdrawn"),
    ("evidence bad stance", ["evidence", "open-claim", "Seen", "--on", "2015-04-01", "--stance", "maybe"], 2, "'maybe' is not one of"),
    ("evidence without date", ["evidence", "open-claim", "Seen"], 2, "--on"),
    ("evidence in the future", ["evidence", "open-claim", "Seen", "--on", "in 2 weeks"], 1, "in the future"),
    ("resolve twice", ["resolve", "res-claim", "false", "--on", "2016-02-01"], 1, "use --revise"),
    ("resolve before made", ["resolve", "open-claim", "true", "--on", "2014-01-01"], 1, "before claim"),
    ("resolve in the future", ["resolve", "open-claim", "true", "--on", "tomorrow"], 1, "in the future"),
    ("unknown outcome", ["resolve", "open-claim", "maybe", "--on", "2016-01-01"], 2, "'maybe' is not one of"),
    ("resolve withdrawn", ["resolve", "wd-claim", "true", "--on", "2016-01-01"], 1, "withdrawn"),
    ("foreign evidence", ["resolve", "open-claim", "true", "--on", "2016-01-01", "--evidence", "1"], 1, "not recorded for claim"),
    ("stale version", ["resolve", "res-claim", "false", "--on", "2016-02-01", "--revise", "--if-version", "1"], 1, "changed since you read it"),
    ("reopen unresolved", ["reopen", "open-claim", "--note", "why"], 1, "not resolved"),
    ("reopen without note", ["reopen", "res-claim"], 2, "--note"),
    ("withdraw resolved", ["withdraw", "res-claim", "--on", "2015-06-01"], 1, "is resolved"),
    ("withdraw after due", ["withdraw", "due-claim", "--on", "2016-01-05"], 1, "fell due"),
    ("withdraw twice", ["withdraw", "wd-claim", "--on", "2015-04-01"], 1, "already withdrawn"),
    ("edit due before made", ["edit", "open-claim", "--due", "2014"], 1, "before the claim was made"),
    ("edit nothing", ["edit", "open-claim"], 2, "nothing to change"),
    ("edit to a taken key", ["edit", "open-claim", "--key", "res-claim"], 1, "already exists"),
    ("untag missing tag", ["edit", "open-claim", "--untag", "nope"], 1, "has no tag"),
    ("duplicate source key", ["source", "add", "Other", "--key", "col"], 1, "already exists"),
    ("bad publication date", ["source", "add", "Other", "--published", "20/02/2015"], 2, "ambiguous date"),
    ("unknown status", ["list", "--status", "bogus"], 2, "'bogus' is not one of"),
    ("unknown format", ["list", "--format", "xml"], 2, "xml"),
    ("show unknown", ["show", "nope"], 1, "no claim 'nope'"),
    ("log unknown claim", ["log", "nope"], 1, "no claim"),
    ("due bad window", ["due", "--within", "soon"], 2, "cannot read the window"),
    ("import missing file", ["import", "missing.jsonl"], 1, "no file"),
    ("import bad json", ["import", "bad-json.jsonl"], 1, "line 2: not valid JSON"),
    ("import bad probability", ["import", "bad-prob.jsonl"], 1, "probability 1.7 is outside [0, 1]"),
    ("import dangling claim", ["import", "dangling.jsonl"], 1, "unknown claim"),
    ("unknown command", ["frobnicate"], 2, "No such command"),
]


@pytest.mark.parametrize("name,args,code,fragment", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_cleanly(populated, name, args, code, fragment):
    before = populated.snapshot()
    res = populated.run(*args)
    assert res.exit_code == code, (res.exit_code, res.stdout, res.stderr)
    msg = one_line_error(res)
    assert fragment in msg, msg
    assert res.stdout == ""
    assert populated.snapshot() == before, "the database changed"
