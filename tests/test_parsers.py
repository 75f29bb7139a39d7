"""The date grammar and the probability reader: tables of known answers, plus hypothesis
properties that any string either parses or raises the tool's own error."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.core.dates import DateError, parse_day, parse_due, parse_span
from ledger.core.probability import ProbabilityError, parse_probability, phrase_table
from ledger.errors import LedgerError

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize("text,due", [
    ("2015-12-31", date(2015, 12, 31)),
    ("20151231", date(2015, 12, 31)),
    ("2015-12", date(2015, 12, 31)),
    ("2016-02", date(2016, 2, 29)),
    ("Dec 2015", date(2015, 12, 31)),
    ("december 2015", date(2015, 12, 31)),
    ("2015Q4", date(2015, 12, 31)),
    ("2015-Q1", date(2015, 3, 31)),
    ("Q3 2016", date(2016, 9, 30)),
    ("2015", date(2015, 12, 31)),
    ("H1 2016", date(2016, 6, 30)),
    ("end of 2015", date(2015, 12, 31)),
    ("end-2015", date(2015, 12, 31)),
    ("End of Q3 2016", date(2016, 9, 30)),
    ("end of December 2015", date(2015, 12, 31)),
    ("mid-2016", date(2016, 6, 30)),
    ("start of 2016", date(2016, 1, 1)),
    ("31 December 2015", date(2015, 12, 31)),
    ("December 31, 2015", date(2015, 12, 31)),
    ("today", TODAY),
    ("yesterday", date(2026, 11, 23)),
    ("+6 months", date(2027, 5, 24)),
    ("+6m", date(2027, 5, 24)),
    ("in 2 weeks", date(2026, 12, 8)),
    ("3 days ago", date(2026, 11, 21)),
    ("-1y", date(2025, 11, 24)),
])
def test_due_dates(text, due):
    assert parse_due(text, today=TODAY) == due


def test_month_arithmetic_clamps():
    assert parse_due("+1 month", today=date(2015, 1, 31)) == date(2015, 2, 28)


@pytest.mark.parametrize(
    "text", ["01/02/2015", "1/2/2015", "02.01.2015", "01-02-2015", "2015/01/02"]
)
def test_ambiguous_forms_are_refused_never_guessed(text):
    with pytest.raises(DateError, match="ambiguous date"):
        parse_span(text, today=TODAY)


@pytest.mark.parametrize(
    "text",
    [
        "2015-02-30",
        "2015-13",
        "Q5 2015",
        "H3 2015",
        "1800",
        "+5 fortnights",
        "next tuesday",
        "",
        "end of 2015-12-31",
        "mid Q3 2015",
    ],
)
def test_bad_dates(text):
    with pytest.raises(DateError):
        parse_span(text, today=TODAY)


def test_a_period_is_not_a_day():
    with pytest.raises(DateError, match="is a quarter, not a day"):
        parse_day("2015Q4", today=TODAY)
    assert parse_day("end of 2015Q4", today=TODAY) == date(2015, 12, 31)


@given(st.text(max_size=60))
@settings(max_examples=400)
def test_any_string_parses_or_raises_our_error(text):
    try:
        span = parse_span(text, today=TODAY)
    except DateError:
        return
    assert span.start <= span.end
    assert isinstance(span.start, date)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_iso_days_round_trip(d):
    assert parse_day(d.isoformat(), today=TODAY) == d


@given(st.integers(1900, 2200), st.integers(1, 4))
def test_quarter_forms_agree(y, q):
    a = parse_due(f"{y}Q{q}", today=TODAY)
    assert a == parse_due(f"Q{q} {y}", today=TODAY) == parse_due(f"end of Q{q} {y}", today=TODAY)
    assert a.month == 3 * q


@pytest.mark.parametrize(
    "text,value,mapped",
    [
        ("0.7", 0.7, False),
        (".25", 0.25, False),
        ("1", 1.0, False),
        ("0", 0.0, False),
        ("70%", 0.7, False),
        ("7.5 %", 0.075, False),
        ("7:3", 0.7, False),
        ("3:1", 0.75, False),
        ("likely", 0.72, True),
        ("will likely", 0.72, True),
        ("I expect", 0.70, True),
        ("should", 0.70, True),
        ("inevitable", 0.97, True),
        ("almost certainly", 0.93, True),
        ("unlikely", 0.20, True),
        ("will", 0.95, True),
        ("Probably", 0.70, True),
    ],
)
def test_probabilities(text, value, mapped):
    p = parse_probability(text)
    assert p.value == pytest.approx(value)
    assert p.mapped is mapped
    assert p.given == text.strip()
    if mapped:
        assert p.band[0] <= p.value <= p.band[1]
        assert p.phrase


@pytest.mark.parametrize("text", ["could", "might", "may", "possibly"])
def test_possibility_words_are_vague(text):
    p = parse_probability(text)
    assert p.vague and p.mapped


def test_every_phrase_entry_has_band_and_source():
    for entry in phrase_table().values():
        assert entry.source
        assert 0 <= entry.band[0] <= entry.p <= entry.band[1] <= 1
        assert entry.p not in (0.0, 1.0)


def test_team_file_overrides_the_table(tmp_path, monkeypatch):
    f = tmp_path / "team.toml"
    f.write_text(
        '[phrases."likely"]\np = 0.8\nband = [0.7, 0.9]\nsource = "our house style"\n'
        '[phrases."odds-on"]\np = 0.66\nband = [0.6, 0.7]\nsource = "desk slang"\n'
    )
    monkeypatch.setenv("LEDGER_PHRASES", str(f))
    assert parse_probability("likely").value == 0.8
    assert parse_probability("odds-on").value == 0.66
    assert parse_probability("unlikely").value == 0.20  # untouched entries stay


def test_broken_team_file_is_a_clear_error(tmp_path, monkeypatch):
    f = tmp_path / "team.toml"
    f.write_text('[phrases."likely"]\np = 1.4\n')
    monkeypatch.setenv("LEDGER_PHRASES", str(f))
    with pytest.raises(LedgerError, match="entry 'likely'"):
        parse_probability("likely")


@given(st.text(max_size=40))
@settings(max_examples=400)
def test_any_probability_string_parses_or_raises_our_error(text):
    try:
        p = parse_probability(text)
    except ProbabilityError:
        return
    assert 0.0 <= p.value <= 1.0


@given(st.floats(min_value=0, max_value=1, allow_nan=False))
def test_numbers_round_trip(x):
    assert parse_probability(repr(x)).value == x
