"""Every domain rule through every entry path: the CLI's changes, ``edit``, seed files and
``import``. One table: a rule, the path, how to break the rule on that path, and a fragment of
the refusal. Each case must be refused with one line and leave the ledger exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from helpers import Ledger, one_line_error

SEED = '''
recorded_at = 2026-11-24T00:00:00Z
recorded_by = "recorder"

[[analysts]]
name = "A"

[[claims]]
key = "k1"
statement = "Something happens."
author = "A"
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
  known_on = 2016-01-01
  rationale = "See e1."
  evidence = ["e1"]
'''

T0 = "2015-02-20T00:00:00.000000+00:00"
RECORDS: list[dict[str, Any]] = [
    {"type": "ledger", "format": 1},
    {"type": "analyst", "name": "A", "affiliation": None, "created_at": T0},
    {"type": "claim", "key": "k1", "statement": "S", "quote": None, "source": None,
     "author": "A", "subject": None, "tags": [], "made_on": "2015-02-20",
     "due_on": "2015-12-31", "due_basis": "stated", "due_note": None, "criteria": None,
     "withdrawn_on": None, "withdrawn_note": None, "recorded_by": "A", "recorded_at": T0,
     "version": 1},
    {"type": "forecast", "id": "k1#f1", "claim": "k1", "by": "A", "made_on": "2015-02-20",
     "probability": 0.7, "given": "0.7", "mapped": False, "phrase": None, "band": None,
     "vague": False, "note": None, "recorded_by": "A", "recorded_at": T0},
    {"type": "evidence", "id": "k1#e1", "claim": "k1", "summary": "E", "url": None,
     "citation": None, "observed_on": "2015-06-01", "stance": "supports", "recorded_by": "A",
     "recorded_at": "2015-06-01T00:00:00.000000+00:00"},
    {"type": "resolution", "id": "k1#r1", "claim": "k1", "revision": 1, "outcome": "true",
     "known_on": "2016-01-01", "rationale": None, "resolved_by": "A",
     "recorded_at": "2016-01-02T00:00:00.000000+00:00", "superseded_at": None,
     "superseded_note": None, "evidence": ["k1#e1"]},
]
LATE = {"type": "forecast", "id": "k1#f2", "claim": "k1", "by": "B", "made_on": "2016-03-01",
        "probability": 0.9, "given": "0.9", "mapped": False, "phrase": None, "band": None,
        "vague": False, "note": None, "recorded_by": "A",
        "recorded_at": "2016-03-01T00:00:00.000000+00:00"}
FUTURE = "2999-01-01"


def populate(lg: Ledger) -> None:
    lg.ok("add", "Open claim", "--made", "2015-02-20", "--due", "2030", "--key", "open")
    lg.ok("add", "Resolved claim", "--made", "2015-02-20", "--due", "2015-12-31", "--key", "res",
          "--prob", "0.6")
    # another analyst's forecast: a new made date takes only the author's first one with it
    lg.ok("forecast", "res", "0.4", "--by", "bob", "--on", "2015-02-25")
    lg.ok("resolve", "res", "true", "--on", "2016-01-01")
    lg.ok("add", "No forecast", "--made", "2015-02-20", "--due", "2015-12-31", "--key", "bare")
    lg.ok("resolve", "bare", "false", "--on", "2016-01-01")


def seed(*edits: tuple[str, str]) -> Callable[[Ledger, Any], Any]:
    def run(lg: Ledger, tmp_path: Any) -> Any:
        text = SEED
        for old, new in edits:
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / "case.toml"
        path.write_text(text)
        return lg.run("seed", str(path))
    return run


def imported(kind: str, extra: dict[str, Any] | None = None,
             **fields: Any) -> Callable[[Ledger, Any], Any]:
    def run(lg: Ledger, tmp_path: Any) -> Any:
        recs = [dict(r) for r in RECORDS]
        for r in recs:
            if r["type"] == kind:
                r.update(fields)
        if extra is not None:
            recs += [{"type": "analyst", "name": "B", "affiliation": None, "created_at": T0},
                     extra]
        path = tmp_path / "case.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in recs))
        return lg.run("import", str(path))
    return run


def cli(*args: str) -> tuple[str, ...]:
    """A command run against the populated ledger."""
    return args


CASES: list[tuple[str, str, Any, str]] = [
    # rule, path, how, fragment
    ("due before made", "cli", cli("add", "X", "--made", "2015-03-01", "--due", "2015-02-01"),
     "before the claim was made"),
    ("due before made", "edit", cli("edit", "open", "--due", "2014"), "before the claim was made"),
    ("due before made", "seed", seed(("due_on = 2015-12-31", "due_on = 2015-01-01")),
     "before the claim was made"),
    ("due before made", "import", imported("claim", due_on="2015-01-01"),
     "before the claim was made"),
    ("made in the future", "cli", cli("add", "X", "--made", "tomorrow", "--due", "2199"),
     "in the future"),
    ("made in the future", "edit", cli("edit", "open", "--made", "tomorrow"), "in the future"),
    ("made in the future", "seed",
     seed(("made_on = 2015-02-20", f"made_on = {FUTURE}"),
          ("due_on = 2015-12-31", "due_on = 3000-01-01"),
          ("known_on = 2016-01-01", "known_on = 3000-01-01"), ("on = 2015-06-01", f"on = {FUTURE}")),
     "in the future"),
    ("made in the future", "import", imported("claim", made_on=FUTURE, due_on="3000-01-01"), "in the future"),
    ("assigned due date without a note", "cli",
     cli("add", "X", "--due", "2030", "--due-basis", "assigned"), "needs a reason"),
    ("assigned due date without a note", "edit",
     cli("edit", "open", "--due-basis", "assigned"), "needs a reason"),
    ("assigned due date without a note", "seed",
     seed(('due_basis = "stated"', 'due_basis = "assigned"')), "needs a reason"),
    ("assigned due date without a note", "import",
     imported("claim", due_basis="assigned"), "needs a reason"),
    ("unknown due basis", "cli", cli("add", "X", "--due", "2030", "--due-basis", "guess"),
     "'guess' is not one of"),
    ("unknown due basis", "edit", cli("edit", "open", "--due-basis", "guess"),
     "'guess' is not one of"),
    ("unknown due basis", "seed", seed(('due_basis = "stated"', 'due_basis = "guess"')),
     "due basis must be one of"),
    ("unknown due basis", "import", imported("claim", due_basis="guess"),
     "due basis must be one of"),
    ("resolution before made", "cli", cli("resolve", "open", "true", "--on", "2014-01-01"),
     "before claim"),
    ("resolution before made", "seed", seed(("known_on = 2016-01-01", "known_on = 2014-01-01")),
     "before claim"),
    ("resolution before made", "import", imported("resolution", known_on="2014-01-01"),
     "before claim"),
    ("resolution in the future", "cli", cli("resolve", "open", "true", "--on", "tomorrow"),
     "in the future"),
    ("resolution in the future", "seed", seed(("known_on = 2016-01-01", f"known_on = {FUTURE}")),
     "in the future"),
    ("resolution in the future", "import", imported("resolution", known_on=FUTURE),
     "in the future"),
    ("unknown outcome", "cli", cli("resolve", "open", "maybe", "--on", "2016-01-01"),
     "'maybe' is not one of"),
    ("unknown outcome", "seed", seed(('outcome = "true"', 'outcome = "maybe"')),
     "outcome must be one of"),
    ("unknown outcome", "import", imported("resolution", outcome="maybe"),
     "outcome must be one of"),
    ("forecast after the outcome was known", "cli",
     cli("forecast", "res", "0.9", "--on", "2016-03-01"), "after the outcome"),
    ("forecast after the outcome was known", "import", imported("forecast", extra=LATE),
     "after the outcome"),
    ("forecast before made", "cli", cli("forecast", "open", "0.9", "--on", "2015-01-01"),
     "before claim"),
    ("forecast before made", "import", imported("forecast", made_on="2015-01-01"),
     "before claim"),
    ("forecast in the future", "cli", cli("forecast", "open", "0.9", "--on", "+3 days"),
     "in the future"),
    ("forecast in the future", "import", imported("forecast", made_on=FUTURE),
     "in the future"),
    ("probability outside [0, 1]", "cli", cli("forecast", "open", "1.5"), "outside [0, 1]"),
    ("probability outside [0, 1]", "seed", seed(("p = 0.8", "p = 1.5")), "outside [0, 1]"),
    ("probability outside [0, 1]", "import", imported("forecast", probability=1.5),
     "outside [0, 1]"),
    ("evidence in the future", "cli", cli("evidence", "open", "Seen", "--on", "in 2 weeks"),
     "in the future"),
    ("evidence in the future", "seed", seed(("on = 2015-06-01", f"on = {FUTURE}")),
     "in the future"),
    ("evidence in the future", "import", imported("evidence", observed_on=FUTURE),
     "in the future"),
    ("unknown stance", "cli", cli("evidence", "open", "Seen", "--on", "2015-06-01", "--stance",
                                  "maybe"), "'maybe' is not one of"),
    ("unknown stance", "seed", seed(('stance = "supports"', 'stance = "maybe"')),
     "stance must be one of"),
    ("unknown stance", "import", imported("evidence", stance="maybe"),
     "stance must be one of"),
    ("withdrawn on or after the due date", "cli",
     cli("withdraw", "open", "--on", "2015-01-01"), "before claim"),
    ("withdrawn on or after the due date", "import",
     imported("claim", withdrawn_on="2015-12-31"), "only a claim not yet due"),
    ("made date moved past the resolution", "edit",
     cli("edit", "bare", "--made", "2016-02-01", "--due", "2016-12-31"),
     "was resolved with the outcome known on 2016-01-01"),
    ("made date moved past a forecast", "edit",
     cli("edit", "res", "--made", "2015-03-01", "--due", "2015-12-31"),
     "before the new made date"),
]


@pytest.mark.parametrize("rule,path,how,fragment", CASES,
                         ids=[f"{c[0]} via {c[1]}" for c in CASES])
def test_every_rule_on_every_entry_path(ledger, tmp_path, rule, path, how, fragment):
    if isinstance(how, tuple):
        populate(ledger)
        before = ledger.snapshot()
        res = ledger.run(*how)
    else:
        before = ledger.snapshot()
        res = how(ledger, tmp_path)
    assert res.exit_code in (1, 2), (rule, path, res.exit_code, res.stdout, res.stderr)
    msg = one_line_error(res)
    assert fragment in msg, (rule, path, msg)
    assert ledger.snapshot() == before, f"{rule} via {path} changed the ledger"


@pytest.mark.parametrize("path", ["seed", "import"])
def test_the_unbroken_inputs_load(ledger, tmp_path, path):
    """The control: the seed and the records the cases break are accepted as they are."""
    res = seed()(ledger, tmp_path) if path == "seed" else imported("none")(ledger, tmp_path)
    assert res.exit_code == 0, res.stderr
    listing = ledger.json("list")
    assert [(r["key"], r["status"]) for r in listing] == [("k1", "true")]
