"""The scorecard, checked number by number against an independent computation from the
ground truth of a synthetic ledger of a few hundred claims, on both backends."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sst

import synth

EDGES = np.linspace(0, 1, 11)


def independent(truth, *, start=date(1, 1, 1), end=date(9999, 1, 1), as_of=None):
    """(analyst, claim, p, y, w) entries by a day-by-day walk, plus pair scores and counts."""
    entries = []
    counts = defaultdict(lambda: defaultdict(int))
    for tc in truth:
        members = {tc.author} | {f[0] for f in tc.forecasts}
        if tc.withdrawn_on is not None:
            if start <= tc.withdrawn_on <= end:
                for a in members:
                    counts[a]["withdrawn"] += 1
            continue
        if tc.outcome is None or not (start <= tc.known_on <= end):
            continue
        if tc.outcome in ("ambiguous", "annulled"):
            for a in members:
                counts[a][tc.outcome] += 1
            continue
        y = 1 if tc.outcome == "true" else 0
        stop = min(tc.known_on, tc.due_on)
        by = defaultdict(list)
        for order, (who, day, p, _phrase, vague) in enumerate(tc.forecasts):
            if not vague and day < stop:  # made before the outcome was known
                by[who].append((day, order, p))
        for who in members:
            fs = sorted(by.get(who, []))
            if not fs:
                continue
            counts[who]["scored"] += 1
            first = fs[0][0]
            total = (stop - first).days
            d = first
            while d < stop:
                standing = [f for f in fs if f[0] <= d][-1]
                entries.append((who, tc.key, standing[2], y, 1.0 / total))
                d += timedelta(days=1)
    return entries, counts


def stats_of(entries):
    p = np.array([e[2] for e in entries])
    y = np.array([e[3] for e in entries])
    w = np.array([e[4] for e in entries])
    n = w.sum()
    bs = float((w * (p - y) ** 2).sum() / n)
    k = np.searchsorted(EDGES[1:-1], p)
    obar = float((w * y).sum() / n)
    rel = res = wbv = wbc = 0.0
    cal = []
    for b in range(10):
        m = k == b
        nk = w[m].sum()
        cal.append(nk)
        if nk == 0:
            continue
        fk = (w[m] * p[m]).sum() / nk
        ok = (w[m] * y[m]).sum() / nk
        rel += nk * (fk - ok) ** 2
        res += nk * (ok - obar) ** 2
        wbv += (w[m] * (p[m] - fk) ** 2).sum()
        wbc += 2 * (w[m] * (y[m] - ok) * (p[m] - fk)).sum()
    q = np.clip(np.where(y == 1, p, 1 - p), 0.001, 0.999)
    base = float((w * 100 * (1 + np.log2(q))).sum() / n)
    pair = defaultdict(float)
    for who, key, pp, yy, ww in entries:
        pair[(who, key)] += ww * (pp - yy) ** 2
    scores = list(pair.values())
    m = np.mean(scores)
    half = sst.t.ppf(0.975, len(scores) - 1) * np.std(scores, ddof=1) / math.sqrt(len(scores))
    sharp = float((w * (p - (w * p).sum() / n) ** 2).sum() / n)
    return {"brier": bs, "reliability": rel / n, "resolution": res / n,
            "uncertainty": obar * (1 - obar), "within_bin_variance": wbv / n,
            "within_bin_covariance": wbc / n, "calibration_n": cal, "baseline": base,
            "ci": (m - half, m + half), "pairs": len(scores), "sharpness": sharp}


@pytest.fixture
def synthetic(ledger, tmp_path):
    path = tmp_path / "synth.jsonl"
    truth = synth.make(path, claims=300, analysts=5, seed=11)
    ledger.ok("import", str(path))
    return ledger, truth


def _check_group(g, want):
    assert g["brier"] == pytest.approx(want["brier"], abs=1e-9)
    for term in ("reliability", "resolution", "uncertainty", "within_bin_variance",
                 "within_bin_covariance"):
        assert g["murphy"][term] == pytest.approx(want[term], abs=1e-9), term
    m = g["murphy"]
    assert (m["reliability"] - m["resolution"] + m["uncertainty"] + m["within_bin_variance"]
            - m["within_bin_covariance"]) == pytest.approx(g["brier"], abs=1e-9)
    assert [b["n"] for b in g["calibration"]] == pytest.approx(want["calibration_n"], abs=1e-6)
    assert g["baseline_score"] == pytest.approx(want["baseline"], abs=1e-6)
    assert g["brier_skill"] == pytest.approx(1 - want["brier"] / 0.25, abs=1e-9)
    assert g["sharpness"] == pytest.approx(want["sharpness"], abs=1e-9)
    assert g["brier_ci95"] == pytest.approx(list(want["ci"]), abs=1e-6)
    assert g["counts"]["scored"] == want["pairs"]


def test_report_numbers_match_an_independent_computation(synthetic):
    ledger, truth = synthetic
    data = ledger.json("report")
    entries, counts = independent(truth)
    assert data["brier_scale"] == "0-1" and data["group_by"] == "author" and data["period"] is None
    by = {g["key"]: g for g in data["groups"]}
    assert set(by) == {f"analyst-{i:02d}" for i in range(5)}
    for who, g in by.items():
        mine = [e for e in entries if e[0] == who]
        _check_group(g, stats_of(mine))
        for k in ("ambiguous", "annulled", "withdrawn"):
            assert g["counts"][k] == counts[who][k], (who, k)
    _check_group(data["overall"], stats_of(entries))
    assert len(data["groups"][0]["calibration"]) == 10
    assert data["groups"][0]["calibration"][0]["lo"] == 0.0


def test_period_and_grouping_by_tag(synthetic):
    ledger, truth = synthetic
    data = ledger.json("report", "--period", "2016", "--by", "tag")
    assert data["period"] == {"start": "2016-01-01", "end": "2016-12-31"}
    entries, _ = independent(truth, start=date(2016, 1, 1), end=date(2016, 12, 31))
    tags = {tc.key: tc.tags for tc in truth}
    by = {g["key"]: g for g in data["groups"]}
    for tag in ("tech", "macro", "china"):
        mine = [e for e in entries if tag in tags[e[1]]]
        assert by[tag]["brier"] == pytest.approx(stats_of(mine)["brier"], abs=1e-9)
    _check_group(data["overall"], stats_of(entries))


def test_as_of_reproduces_an_earlier_scorecard(synthetic, tmp_path):
    ledger, _ = synthetic
    first = ledger.ok("report", "--as-of", "2016-06-30", "--format", "json").stdout
    today = ledger.ok("report", "--format", "json").stdout
    assert first != today  # the cut is real
    more = tmp_path / "more.jsonl"
    synth.make(more, claims=80, analysts=5, seed=99, start=date(2016, 7, 1))  # recorded later
    text = more.read_text().replace('"key": "c', '"key": "m').replace('"claim": "c', '"claim": "m')
    text = text.replace('"id": "c', '"id": "m')
    more.write_text(text)
    ledger.ok("import", str(more))
    key = ledger.json("list", "--status", "overdue")[0]["key"]
    ledger.ok("resolve", key, "true", "--on", "2016-01-15")
    assert ledger.ok("report", "--as-of", "2016-06-30", "--format", "json").stdout == first
    assert ledger.ok("report", "--format", "json").stdout != today


def test_paired_comparison_in_the_report(ledger, tmp_path):
    """Section 7H as two analysts in a ledger: shown side by side, not ranked. Their calls are
    recorded years later from the report they wrote together (published calls, so scored)."""
    y = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1]
    pa = [0.9, 0.2, 0.6, 0.3, 0.1, 0.6, 0.8, 0.3, 0.7, 0.9, 0.4, 0.5]
    pb = [0.7, 0.3, 0.7, 0.6, 0.2, 0.3, 0.6, 0.2, 0.6, 0.8, 0.3, 0.6]
    ledger.ok("source", "add", "Outlook 2015", "--key", "outlook", "--published", "2015-01-01",
              "--author", "A", "--author", "B")
    for i in range(12):
        ledger.ok("add", f"Claim {i}", "--key", f"h{i}", "--author", "A", "--made", "2015-01-01",
                  "--due", "2015-12-31", "--prob", str(pa[i]), "--source", "outlook")
        ledger.ok("forecast", f"h{i}", str(pb[i]), "--by", "B", "--on", "2015-01-01")
        ledger.ok("resolve", f"h{i}", "true" if y[i] else "false", "--on", "2015-12-31")
    data = ledger.json("report")
    by = {g["key"]: g for g in data["groups"]}
    assert by["A"]["brier"] == pytest.approx(0.1425)
    assert by["B"]["brier"] == pytest.approx(1.21 / 12)
    (c,) = data["comparisons"]
    assert (c["a"], c["b"], c["shared"]) == ("B", "A", 12)
    assert c["mean_diff"] == pytest.approx(-0.0416667, abs=1e-6)
    assert c["p_permutation"] == pytest.approx(0.35302734375)
    assert c["p_t"] == pytest.approx(0.3201021, abs=1e-6)
    assert c["verdict"] == "not distinguishable"
    text = ledger.ok("report").stdout
    assert "not distinguishable" in text
    assert by["A"]["relative_to_median"] == pytest.approx(-by["B"]["relative_to_median"])


def test_small_samples_are_labelled(ledger):
    ledger.ok("source", "add", "A note", "--key", "note", "--published", "2015-01-01",
              "--author", "Ann")
    ledger.ok(
        "add",
        "One claim",
        "--key",
        "one",
        "--author",
        "Ann",
        "--source",
        "note",
        "--made",
        "2015-01-01",
        "--due",
        "2015-06-30",
        "--phrase",
        "likely",
    )
    ledger.ok("resolve", "one", "false", "--on", "2015-06-30")
    data = ledger.json("report")
    (g,) = data["groups"]
    assert g["small_sample"] and g["counts"]["scored"] == 1 and g["counts"]["mapped"] == 1
    assert g["brier"] == pytest.approx(0.72**2)
    assert g["mapped"]["brier_range"] == pytest.approx([0.6**2, 0.8**2])
    assert data["phrase_calibration"][0]["phrase"] == "likely"
    assert "small sample" in ledger.ok("report").stdout


@pytest.mark.parametrize("fmt", ["text", "md", "csv", "json", "html"])
def test_each_format_renders(synthetic, fmt, tmp_path):
    ledger, _ = synthetic
    out = ledger.ok(
        "report", "--period", "2016Q1", "--every", "month", "--format", fmt, "--out", str(tmp_path)
    ).stderr
    ext = {"text": "txt"}.get(fmt, fmt)
    path = tmp_path / f"2016-Q1-scorecard.{ext}"
    assert path.exists(), out
    body = path.read_text()
    if fmt == "json":
        data = json.loads(body)
        assert len(data["trend"]) == 3
    elif fmt == "csv":
        assert body.splitlines()[0].startswith("group,scored")
    elif fmt == "html":
        assert body.count("<svg") >= 3  # overall, per analyst, trend
        low = body.lower()
        for bad in ("<script", "<link", "src=", "@import", "url(http", 'href="http'):
            assert bad not in low, bad
    else:
        assert "Scorecard" in body and "Murphy decomposition" in body
    if fmt == "text":
        assert max(len(line) for line in body.splitlines()) <= 100


def test_report_on_an_empty_ledger(ledger):
    data = ledger.json("report")
    assert data["groups"] == [] and data["overall"]["brier"] is None
    assert data["overall"]["counts"]["scored"] == 0
    text = ledger.ok("report").stdout
    assert "Scorecard as of" in text and "all outcomes, by author" in text


def test_pairs_gathered_claim_by_claim_give_worked_numbers():
    """Per-pair Brier scores, kept per group and overall in claim order; relative to the
    median only on claims that more than one analyst scored (worked by hand)."""
    from ledger.scorecard.pairs import gather

    rows = [("a", 1, 10, 0.09, 1.0), ("b", 2, 10, 0.49, 1.0), ("c", 3, 10, 0.25, 1.0),
            ("a", 1, 11, 0.5, 2.0)]  # claim 11: a alone, its Brier 0.5 / 2 = 0.25
    pairs = gather(iter(rows), compare=True)
    assert list(pairs.all) == [0.09, 0.49, 0.25, 0.25]
    assert list(pairs.scores("a")) == [0.09, 0.25] and list(pairs.scores("zz")) == []
    # claim 10's median is 0.25: a is 0.16 better, b 0.24 worse, c on it; claim 11 is a's alone
    assert pairs.relative == pytest.approx({"a": -0.16, "b": 0.24, "c": 0.0})
    assert pairs.on_shared("a") == {10: 0.09} and pairs.on_shared("nobody") == {}
    assert gather(iter(rows), compare=False).relative == {}


def test_the_same_calls_score_alike_whatever_order_they_were_recorded_in(synthetic, tmp_path):
    """Two ledgers with the same content entered in another order (so other ids, another
    order on disk) give the same scorecard to the last digit: weights and scores are summed
    exactly, and in an order set by what they hold."""
    from helpers import Ledger

    ledger, _ = synthetic
    lines = (tmp_path / "synth.jsonl").read_text().splitlines(keepends=True)
    head = [ln for ln in lines if json.loads(ln)["type"] in ("ledger", "analyst")]
    blocks: list[list[str]] = []
    for ln in lines[len(head):]:
        if json.loads(ln)["type"] == "claim":
            blocks.append([])
        blocks[-1].append(ln)
    assert len(blocks) == 300
    reordered = tmp_path / "reordered.jsonl"
    reordered.write_text(head[0] + "".join(reversed(head[1:]))
                         + "".join(ln for b in reversed(blocks) for ln in b))
    other = Ledger(str(tmp_path / "other.db"))
    other.ok("db", "init")
    other.ok("import", str(reordered))
    mine, theirs = ledger.json("report"), other.json("report")
    assert any(g["relative_to_median"] is not None for g in mine["groups"])
    for part in ("groups", "overall", "comparisons", "phrase_calibration"):
        assert mine[part] == theirs[part], part


# -- the latest forecast is the latest in time (issue 25 #1) ----------------------------------

def _sheet(path, rows: list[tuple[str, str, str, str]]) -> None:
    """A spreadsheet import: (claim, forecast time, probability, by); every claim made
    2024-01-01, due 2024-06-01, resolved true on 2024-03-01."""
    lines = ["key,statement,made_on,due_on,forecast_at,probability,by,author,outcome,known_on"]
    for key, at, p, by in rows:  # ann made every claim; anyone may forecast
        lines.append(f"{key},Claim {key},2024-01-01,2024-06-01,{at},{p},{by},ann,true,"
                     "2024-03-01")
    path.write_text("\n".join(lines) + "\n")


def test_two_forecasts_on_one_day_stand_in_the_order_they_were_made(ledger, tmp_path):
    """18:00 p=0.9 listed before 09:00 p=0.1 (outcome true): the 18:00 forecast is the latest
    and the Brier is 0.01, not the 0.81 of the last row read."""
    path = tmp_path / "day.csv"
    _sheet(path, [("k", "2024-01-02 18:00", "0.9", "ann"), ("k", "2024-01-02 09:00", "0.1",
                                                              "ann")])
    ledger.ok("import", str(path), "--from", "csv")
    [group] = [g for g in ledger.json("report")["groups"] if g["key"] == "ann"]
    assert group["brier"] == pytest.approx(0.01, abs=1e-12)
    assert [r["probability"] for r in ledger.json("list")] == [0.9]
    shown = ledger.json("show", "k")
    assert [f["probability"] for f in shown["forecasts"]] == [0.1, 0.9]
    exported = [json.loads(x) for x in ledger.ok("export").stdout.splitlines()]
    assert [r["probability"] for r in exported if r["type"] == "forecast"] == [0.1, 0.9]
    csv_rows = ledger.ok("export", "--format", "csv").stdout.splitlines()
    assert ",0.9," in csv_rows[1]


def test_forecasts_typed_on_one_day_stand_in_the_order_they_were_typed(ledger):
    """Through the CLI: the second forecast typed for a day is the latest, whatever the ids."""
    ledger.ok("add", "A call", "--key", "c", "--author", "ann", "--made", "2024-01-01",
              "--due", "2024-06-01")
    ledger.ok("forecast", "c", "0.2", "--by", "ann", "--on", "2024-01-01")
    ledger.ok("forecast", "c", "0.7", "--by", "ann", "--on", "2024-01-01")
    assert [r["probability"] for r in ledger.json("list")] == [0.7]


def _shuffled(lines: list[str], seed: int) -> str:
    import random

    body = lines[1:]
    random.Random(seed).shuffle(body)
    return "".join([lines[0], *body])


def test_shuffled_rows_give_the_same_scorecard_to_the_last_digit(ledger, tmp_path):
    """On real Metaculus data the same forecasts in shuffled row order moved the community
    Brier by 1.2%: now any row order of a file gives byte-identical report JSON, on both
    backends (the ledger under test against SQLite files)."""
    from helpers import Ledger

    rows = []
    for i in range(40):  # three forecasts a day by each of three people, a tenth at one time
        for j, by in enumerate(("ann", "bob", "cy")):
            for k in range(3):
                hour = 9 + 3 * (1 if k == 2 and i % 10 == 0 else k) + j
                rows.append((f"q{i}", f"2024-01-{2 + i % 5:02d} {hour:02d}:{(i * 7) % 60:02d}",
                             f"0.{(i * 7 + j * 3 + k * 5) % 9 + 1}", by))
    sheet = tmp_path / "sheet.csv"
    _sheet(sheet, rows)
    lines = sheet.read_text().splitlines(keepends=True)
    ledger.ok("import", str(sheet), "--from", "csv")
    want = ledger.json("report")
    assert want["overall"]["brier"] is not None
    for seed in range(3):
        path = tmp_path / f"shuffled{seed}.csv"
        path.write_text(_shuffled(lines, seed))
        other = Ledger(str(tmp_path / f"s{seed}.db"))
        other.ok("db", "init")
        other.ok("import", str(path), "--from", "csv")
        got = other.json("report")
        for part in ("groups", "overall", "comparisons", "phrase_calibration"):
            assert json.dumps(got[part], sort_keys=True) == json.dumps(want[part],
                                                                      sort_keys=True), part
        latest = {r["key"]: r["probability"] for r in other.json("list")}
        assert latest == {r["key"]: r["probability"] for r in ledger.json("list")}


def test_a_shuffled_metaculus_download_scores_alike(ledger, tmp_path):
    from helpers import Ledger

    sample = Path(__file__).parent / "import_samples" / "metaculus"
    ledger.ok("import", str(sample))
    want = ledger.json("report")
    lines = (sample / "forecast_data.csv").read_text().splitlines(keepends=True)
    for seed in range(3):
        folder = tmp_path / f"m{seed}"
        folder.mkdir()
        for f in sample.iterdir():
            (folder / f.name).write_bytes(f.read_bytes())
        (folder / "forecast_data.csv").write_text(_shuffled(lines, seed))
        other = Ledger(str(tmp_path / f"m{seed}.db"))
        other.ok("db", "init")
        other.ok("import", str(folder))
        got = other.json("report")
        for part in ("groups", "overall", "comparisons", "phrase_calibration"):
            assert got[part] == want[part], part
