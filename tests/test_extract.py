"""`ledger extract`: quality floors on the labelled set, the seed-file workflow (propose,
review, load) on both backends, the command's inputs and outputs, and the date grammar of
horizons, each against labels or worked values written independently of the code."""

from __future__ import annotations

import json
import os
import re
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest

from helpers import Ledger, one_line_error

HERE = Path(__file__).resolve().parent
EVAL = HERE / "extract_eval"
sys.path.insert(0, str(HERE / "eval"))

import extract as evaluation  # noqa: E402  (tests/eval/extract.py)

ARTICLE = EVAL / "articles" / "synthetic-energy-2025-09-15.txt"


def test_quality_floors_on_the_labelled_set():
    """Just below what tests/eval/extract.py measures on the committed set (see the issue's
    note): a regression in any rule fails here."""
    results = evaluation.evaluate([EVAL])
    assert len(results) == 10
    total = evaluation.Counts()
    for c in results.values():
        total.add(c)
    row = total.row()
    floors = {"P": 0.95, "R": 0.97, "rec P": 0.82, "rec R": 0.96, "prob": 0.95, "due": 0.95,
              "view": 0.97}
    for key, floor in floors.items():
        assert row[key] is not None and row[key] >= floor, (key, row[key], total.misses)


def test_every_quote_is_in_the_text_and_every_field_is_in_range():
    from ledger.extract import propose
    from ledger.extract.reading import from_text

    for path in sorted((EVAL / "articles").glob("*.txt")):
        article = from_text(path.read_text("utf-8"), str(path))
        assert article.published_on is not None
        for p in propose(article, article.published_on):
            assert article.text[p.start:p.end] == p.quote and p.quote.strip() == p.quote
            assert "\n" not in p.quote
            assert p.view in ("own", "attributed") and p.reason
            assert p.due_basis in ("stated", "context", "none")
            assert (p.due_on is None) == (p.due_basis == "none")
            assert p.due_on is None or p.due_on > article.published_on
            assert p.probability is None or 0 < p.probability < 1


@pytest.mark.parametrize(("phrase", "made", "due"), [
    ("throughout 2015", "2015-02-20", "2015-12-31"),
    ("by the end of 2015", "2015-02-20", "2015-12-31"),
    ("by the end of the year", "2011-12-13", "2011-12-31"),
    ("next year", "2011-10-25", "2012-12-31"),
    ("in the second part of 2012", "2011-12-13", "2012-12-31"),
    ("H2 2012", "2011-12-13", "2012-12-31"),
    ("by this time next year", "2010-02-01", "2011-02-01"),
    ("in the next two years", "2024-04-15", "2026-04-15"),
    ("a 12-month target", "2025-01-10", "2026-01-10"),
    ("next week", "2025-01-10", "2025-01-17"),
    ("by 2027", "2025-09-15", "2027-12-31"),
    ("before 2027", "2024-04-15", "2026-12-31"),
    ("by March 2026", "2025-06-02", "2026-03-31"),
    ("in September", "2025-06-02", "2025-09-30"),
    ("year-end 2026", "2025-11-20", "2026-12-31"),
    ("this decade", "2025-09-15", "2029-12-31"),
    ("soon", "2025-01-10", None),
    ("in the near term", "2025-01-10", None),
    ("long-term", "2025-01-10", None),
    ("by then", "2025-01-10", None),
])
def test_horizons_resolve_as_the_labelling_rules_say(phrase, made, due):
    from ledger.extract.horizon import due_of, find

    day = date.fromisoformat(made)
    found = due_of(find(phrase.lower(), day), day)
    assert (found.due.isoformat() if found else None) == due


@pytest.mark.parametrize(("sentence", "fls"), [
    ("We expect the Fed to cut rates twice in 2026.", True),
    ("Brent is forecast to average $70 a barrel next year.", True),
    ("The ECB is likely to hold rates at its next meeting.", True),
    ("Inflation should ease to 2.5% by the end of 2026.", True),
    ("A recession in 2026 is a real possibility.", True),
    ("It is hard to see prices falling below $50.", True),
    ("The company plans to open 40 stores.", True),
    ("Sales rose 12% last year.", False),
    ("Analysts had expected a rise.", False),
    ("The drop is likely due to weaker demand.", False),
    ("The displays alone may be costing Apple $100 each.", False),
    ("It should be no surprise that prices fell.", False),
    ("We recommend staying overweight equities.", False),
    ("Will the Fed cut rates next year?", False),
    ("Which predictions will come true?", False),
    ("We knew that wouldn't work.", False),
])
def test_forward_looking_by_structure(sentence, fls):
    from ledger.extract import propose
    from ledger.extract.reading import Article

    found = propose(Article(text=sentence, author="A. Writer"), date(2025, 6, 1))
    assert bool(found) == fls, (sentence, found)


@pytest.mark.parametrize(("sentence", "phrase", "p"), [
    ("I expect that it will build servers.", "i expect", 0.70),
    ("It will likely develop a phone.", "likely", 0.72),
    ("Prices will very likely rise.", "highly likely", 0.90),
    ("I don't really think it will gain ground.", "i don't think", 0.25),
    ("It won't be realized.", None, None),
    ("It does stand to reason that it will overtake Bada.", None, None),
    ("This would also be an issue.", "would", None),
    ("3G users can expect slower speeds.", None, None),
    ("A correction is more likely than not.", "better than even", 0.60),
])
def test_hedges_map_through_the_phrase_table(sentence, phrase, p):
    from ledger.extract import propose
    from ledger.extract.reading import Article

    (found,) = propose(Article(text=sentence, author="A. Writer"), date(2025, 6, 1))
    assert found.table_phrase == phrase
    assert found.probability == (pytest.approx(p) if p is not None else None)


def _review(text: str, accept: set[str], due: str = "2020-02-20") -> str:
    """The analyst's edit: accept the claims whose quote is in ``accept`` (giving a due date
    where none was stated), reject the rest."""
    out = []
    for block in re.split(r"(?m)^(?=# record: )", text):
        m = re.search(r'(?m)^quote = "(.*)"$', block)
        if not m:
            out.append(block)
            continue
        quote = json.loads(f'"{m.group(1)}"')
        if quote in accept:
            block = block.replace('review = "pending"', 'review = "accepted"')
            if "\ndue_on = " not in block:
                block = block.replace('due_basis = "assigned"', f'due_on = {due}\n'
                                      'due_basis = "assigned"\ndue_note = "no horizon given"')
        else:
            block = block.replace('review = "pending"', 'review = "rejected"')
        out.append(block)
    return "".join(out)


def test_propose_review_and_load_on_both_backends(ledger, tmp_path):
    """The whole workflow: extract to a seed file, refused while pending, loaded once
    reviewed: the accepted claims, with their quotes, holders, forecasts and due dates."""
    out = tmp_path / "energy.toml"
    res = ledger.ok("extract", str(ARTICLE), "--out", str(out))
    assert "worth recording" in res.stderr
    text = out.read_text()
    tomllib.loads(text)
    before = ledger.snapshot()
    res = ledger.run("seed", str(out))
    assert res.exit_code == 1 and "pending review" in one_line_error(res)
    assert ledger.snapshot() == before
    labels = tomllib.loads((EVAL / "labels" / "synthetic-energy-2025-09-15.toml").read_text())
    wanted = {s["quote"] for s in labels["statements"] if s["record"]}
    proposals = json.loads(ledger.ok("extract", str(ARTICLE), "--format", "json").stdout)
    accept = {p["quote"] for p in proposals["proposals"]
              if any(w in p["quote"] or p["quote"] in w for w in wanted)}
    assert len(accept) >= len(wanted) - 1
    out.write_text(_review(text, accept, due="2030-09-15"))
    ledger.ok("seed", str(out))
    claims = ledger.json("list")
    assert len(claims) == len(accept)
    shown = {ledger.json("show", c["key"])["quote"]: ledger.json("show", c["key"])
             for c in claims}
    assert set(shown) == accept
    def claim(words: str) -> dict:
        (found,) = [c for q, c in shown.items() if words in q]
        return found

    iea = claim("global oil demand will grow by only 700,000 barrels a day in 2026")
    assert iea["author"] == "International Energy Agency"
    assert iea["due_on"] == "2026-12-31" and iea["due_basis"] == "stated"
    assert iea["forecasts"][0]["probability"] == pytest.approx(0.95)
    brent = claim("Brent is likely to average $65 in 2026")
    assert claim("demand growth of 1.4 million")["author"] == "OPEC"
    assert brent["author"] == "Daniel Osei" and brent["forecasts"][0]["phrase"] == "likely"
    assert brent["source"]["published_on"] == "2025-09-15"
    ledger.ok("seed", str(out))  # loading it again changes nothing
    assert len(ledger.json("list")) == len(accept)


def test_a_review_value_that_is_not_one_of_the_three_is_refused(ledger, tmp_path):
    out = tmp_path / "a.toml"
    ledger.ok("extract", str(ARTICLE), "--out", str(out))
    out.write_text(out.read_text().replace('review = "pending"', 'review = "maybe"'))
    res = ledger.run("seed", str(out))
    assert res.exit_code == 1 and "review" in one_line_error(res)
    out.write_text(out.read_text().replace('review = "maybe"', 'review = "rejected"'))
    ledger.ok("seed", str(out))
    assert ledger.json("list") == []


def test_json_output_follows_its_schema():
    from test_json_vocabulary import check, schemas

    from helpers import Ledger as CLI

    data = json.loads(CLI("unused.db").ok("extract", str(ARTICLE), "--format", "json").stdout)
    check(data, schemas()["extract"])
    assert data["source"]["published_on"] == "2025-09-15"
    assert data["source"]["author"] == "Daniel Osei"


def test_flags_win_over_the_file_and_no_database_is_opened(tmp_path):
    lg = Ledger(str(tmp_path / "never.db"))
    data = json.loads(lg.ok("extract", str(ARTICLE), "--format", "json", "--made",
                            "2024-09-15", "--author", "Someone Else", "--source-key",
                            "my-key").stdout)
    assert data["source"]["published_on"] == "2024-09-15"
    assert data["source"]["author"] == "Someone Else" and data["source"]["key"] == "my-key"
    # "next year" now means 2025
    dues = {p["quote"]: p["due_on"] for p in data["proposals"]}
    assert dues["supply will outpace demand by more than 2 million barrels a day next year"] \
        == "2025-12-31"
    assert not (tmp_path / "never.db").exists()


def test_bad_inputs_are_one_line_and_write_nothing(tmp_path):
    lg = Ledger(str(tmp_path / "never.db"))
    undated = tmp_path / "undated.txt"
    undated.write_text("Prices will rise next year.\n")
    res = lg.run("extract", str(undated))
    assert res.exit_code == 2 and "--made" in one_line_error(res)
    res = lg.run("extract", str(tmp_path / "missing.txt"))
    assert res.exit_code == 2 and "missing.txt" in one_line_error(res)
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\xff\xfe\x00\x01garbage")
    res = lg.run("extract", str(binary), "--made", "2025-01-01")
    assert res.exit_code == 2 and "UTF-8" in one_line_error(res)
    res = lg.run("extract", str(ARTICLE), "--source-key", "Not A Key")
    assert res.exit_code == 2 and "source-key" in one_line_error(res)
    res = lg.run("extract", str(tmp_path))
    assert res.exit_code == 2 and "not a file" in one_line_error(res)
    out = tmp_path / "exists.toml"
    out.write_text("mine")
    res = lg.run("extract", str(ARTICLE), "--out", str(out))
    assert res.exit_code == 1 and "--force" in one_line_error(res)
    assert out.read_text() == "mine"
    lg.ok("extract", str(ARTICLE), "--out", str(out), "--force")
    assert out.read_text().startswith("# Proposed by `ledger extract`")
    res = lg.run("extract", "-", "--made", "2025-01-01", input="We expect 3% growth in 2026.")
    assert res.exit_code == 2 and "--author" in one_line_error(res)  # a seed file needs one
    res = lg.run("extract", "-", "--made", "2025-01-01", "--author", "Me",
                 input="We expect 3% growth in 2026.")
    assert res.exit_code == 0 and "growth" in res.stdout
    assert not (tmp_path / "never.db").exists()


def test_a_saved_html_page_is_read_for_its_article(tmp_path):
    """A page with navigation, a cookie banner and a footer: only the article is read, with
    the page's own title, author and date."""
    page = tmp_path / "page.html"
    page.write_text("""<!DOCTYPE html><html><head><title>Copper outlook | Metals Desk</title>
<meta name="author" content="Ana Ruiz"><meta property="article:published_time"
content="2025-03-04T08:00:00Z"><meta property="og:site_name" content="Metals Desk"></head>
<body><nav><a href="/">Home</a> <a href="/markets">Markets</a> Subscribe now!</nav>
<div class="cookie">We use cookies. Accept all cookies?</div>
<article><h1>Copper outlook</h1><p>By Ana Ruiz</p>
<p>Copper prices have risen 9% this year on tight mine supply and strong demand from grid
investment in China and Europe.</p>
<p>I expect copper to average $10,500 a tonne in 2026, as new mines in Chile and Peru will
not come online before 2027.</p>
<p>Smelters in China are likely to cut output by 5% next year, according to the industry
association, which will keep concentrate markets tight.</p></article>
<footer>Copyright 2025 Metals Desk. All rights reserved. Read more: our newsletter will
arrive every Monday.</footer></body></html>""")
    lg = Ledger(str(tmp_path / "never.db"))
    data = json.loads(lg.ok("extract", str(page), "--format", "json").stdout)
    assert data["source"]["author"] == "Ana Ruiz"
    assert data["source"]["published_on"] == "2025-03-04"
    quotes = [p["quote"] for p in data["proposals"]]
    assert any(q.startswith("I expect copper to average $10,500 a tonne in 2026") for q in quotes)
    assert not any("newsletter" in q or "cookies" in q for q in quotes), quotes
    own = next(p for p in data["proposals"] if p["quote"].startswith("I expect copper"))
    assert own["view"] == "own" and own["table_phrase"] == "i expect"
    assert own["due_on"] == "2026-12-31" and own["record"] is True


def test_the_xiaomi_column_gives_the_curated_seeds_quotes(ledger, tmp_path):
    """The issue's finish line, on the column itself, which is not committed (it is the
    team's article): set LEDGER_XIAOMI_ARTICLE to its copy to run it."""
    path = os.environ.get("LEDGER_XIAOMI_ARTICLE")
    if not path:
        pytest.skip("LEDGER_XIAOMI_ARTICLE is not set (the column is not in the repository)")
    from ledger.core.probability import normalize

    seed = tomllib.loads((HERE.parent / "seeds" / "xiaomi-2015-02-20.toml").read_text())
    curated = {normalize(c["quote"]) for c in seed["claims"]}
    out = tmp_path / "xiaomi.toml"
    ledger.ok("extract", path, "--out", str(out))
    text = out.read_text()
    quotes = [json.loads(f'"{q}"') for q in re.findall(r'(?m)^quote = "(.*)"$', text)]

    def same(a: str, b: str) -> bool:  # one quote holds the other (the seed trims some)
        return normalize(a) in normalize(b) or normalize(b) in normalize(a)

    accept = {q for q in quotes if any(same(q, c) for c in curated)}
    assert all(any(same(q, c) for q in accept) for c in curated)
    assert len(accept) == len(curated)
    out.write_text(_review(text, accept))
    ledger.ok("seed", str(out))
    loaded = [ledger.json("show", c["key"])["quote"] for c in ledger.json("list")]
    assert len(loaded) == len(curated)
    assert all(any(same(q, c) for q in loaded) for c in curated)
