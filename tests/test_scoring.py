"""Scoring against the worked numbers in docs/scoring.md (sections A, B, C, E, H)
and against scikit-learn and scipy on random inputs."""

from __future__ import annotations

import math
from datetime import date, timedelta

import metrics as rm
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats as sst
from sklearn.calibration import calibration_curve as sk_curve
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.metrics import log_loss as sk_log_loss

from ledger.core import scoring as sc
from ledger.core import stats

A_Y = [0, 1, 1, 0]
A_P = [0.1, 0.9, 0.8, 0.3]
B_P = [0.1] * 5 + [0.3] * 5 + [0.7] * 5 + [0.9] * 5
B_Y = [0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1]
C_P = [0.05, 0.15, 0.25, 0.35, 0.42, 0.48, 0.55, 0.62, 0.68, 0.75, 0.85, 0.95]
C_Y = [0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 1, 1]
C_EDGES = [0, 0.2, 0.4, 0.6, 0.8, 1.0]
H_Y = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1]
H_A = [0.9, 0.2, 0.6, 0.3, 0.1, 0.6, 0.8, 0.3, 0.7, 0.9, 0.4, 0.5]
H_B = [0.7, 0.3, 0.7, 0.6, 0.2, 0.3, 0.6, 0.2, 0.6, 0.8, 0.3, 0.6]
REL = 1e-9
approx = lambda x, rel=REL: pytest.approx(x, rel=rel, abs=1e-12)  # noqa: E731


# -- 7A -------------------------------------------------------------------------------------
def test_7a_basic_binary():
    assert sc.mean_brier(A_P, A_Y) == approx(0.0375)
    assert rm.mean_brier_0_2(A_P, A_Y) == approx(0.075)
    assert rm.log_loss(A_P, A_Y) == approx(0.19763488164214868)
    assert rm.log_loss(A_P, A_Y, base=2) == approx(0.2851268636518052)
    assert sc.mean_baseline(A_P, A_Y) == approx(71.48731363481949)
    per = [rm.spherical(p, y) for p, y in zip(A_P, A_Y, strict=False)]
    assert per == [approx(v, 1e-8) for v in [0.99388373, 0.99388373, 0.9701425, 0.91914503]]
    assert sum(per) / 4 == approx(0.9692637498776568)
    z, p = rm.spiegelhalter(A_P, A_Y)
    assert z == approx(-0.8804509063256238)
    assert p == approx(0.378615, 1e-5)


# -- 7B -------------------------------------------------------------------------------------
def test_7b_exact_murphy_with_one_bin_per_value():
    table = sc.calibration_table(B_P, B_Y)
    filled = [b for b in table if b.n]
    assert [b.observed for b in filled] == [approx(v) for v in (0.2, 0.4, 0.6, 1.0)]
    assert sum(B_Y) / 20 == approx(0.55)
    assert sc.mean_brier(B_P, B_Y) == approx(0.17)
    m = sc.murphy(B_P, B_Y)
    assert m.reliability == approx(0.01)
    assert m.resolution == approx(7 / 80)
    assert m.uncertainty == approx(99 / 400)
    assert m.reliability - m.resolution + m.uncertainty == approx(0.17)
    assert m.within_bin_variance == approx(0.0) and m.within_bin_covariance == approx(0.0)
    mcb, dsc, unc = rm.corp(B_P, B_Y)
    assert (mcb, dsc, unc) == (approx(0.01), approx(0.0875), approx(0.2475))
    true, pred = rm.calibration_curve(B_P, B_Y)
    assert true == [approx(v) for v in (0.2, 0.4, 0.6, 1.0)]
    assert pred == [approx(v) for v in (0.1, 0.3, 0.7, 0.9)]
    assert (m.resolution - m.reliability) / m.uncertainty == approx(31 / 99)
    assert sc.brier_skill(0.17) == approx(0.32)
    assert rm.log_loss(B_P, B_Y) == approx(0.5103385307425311)
    assert sc.mean_baseline(B_P, B_Y) == approx(26.37371325231907)
    z, p = rm.spiegelhalter(B_P, B_Y)
    assert z == approx(0.41885390829169544)
    assert p == approx(0.675323, 1e-5)
    assert rm.ece(B_P, B_Y) == approx(0.1)
    assert sc.sharpness(B_P) == approx(0.1)
    assert rm.mean_abs_from_half(B_P) == approx(0.3)
    briers = [sc.brier(p, y) for p, y in zip(B_P, B_Y, strict=False)]
    assert sc.standard_error(briers, ddof=0) == approx(0.052153619, 1e-8)
    assert sc.standard_error(briers, ddof=1) == approx(0.053508484, 1e-8)
    b0, b1 = rm.logistic_calibration(B_P, B_Y)
    assert b0 == approx(0.305764, 1e-5) and b1 == approx(0.884510, 1e-6)
    assert rm.auc(B_P, B_Y) == approx(0.8282828, 1e-7)


# -- 7C -------------------------------------------------------------------------------------
def test_7c_binned_decomposition_needs_within_bin_terms():
    assert sc.mean_brier(C_P, C_Y) == approx(2417 / 15000)
    m = sc.murphy(C_P, C_Y, bin_edges=C_EDGES)
    assert m.reliability == approx(133 / 7200)
    assert m.resolution == approx(13 / 144)
    assert m.uncertainty == approx(35 / 144)
    assert m.within_bin_variance == approx(479 / 180000)
    assert m.within_bin_covariance == approx(23 / 1800)
    assert m.reliability - m.resolution + m.uncertainty == approx(0.17125)
    assert m.total == approx(2417 / 15000)
    d = sc.murphy(C_P, C_Y, bin_edges=rm.distinct_value_edges(C_P))
    assert d.reliability == approx(2417 / 15000) and d.resolution == approx(35 / 144)
    assert d.uncertainty == approx(35 / 144)
    mcb, dsc, unc = rm.corp(C_P, C_Y)
    assert mcb == approx(6753 / 135000) and dsc == approx(19 / 144) and unc == approx(35 / 144)
    assert rm.isotonic(C_P, C_Y) == [approx(v) for v in [0, 0, 1 / 3, 1 / 3, 1 / 3, 2 / 3, 2 / 3,
                                                           2 / 3, 1, 1, 1, 1]]
    true, pred = rm.calibration_curve(C_P, C_Y, n_bins=5)
    assert true == [approx(v, 1e-4) for v in (0, 0.5, 0.6667, 0.6667, 1.0)]
    assert pred == [approx(v, 1e-4) for v in (0.1, 0.3, 0.48333, 0.68333, 0.9)]
    assert rm.ece(C_P, C_Y, n_bins=5) == approx(7 / 60)
    assert rm.ece(C_P, C_Y, n_bins=10) == approx(13 / 60)
    assert rm.mce(C_P, C_Y, n_bins=10) == approx(0.75)
    z, p = rm.spiegelhalter(C_P, C_Y)
    assert z == approx(-0.3512646337643248)
    assert p == approx(0.725390, 1e-5)


# -- 7E (baseline and time-coverage rows) ---------------------------------------------------
def test_7e_baseline_scores():
    assert sc.baseline_score(0.9, 1) == approx(84.79969066)
    assert sc.baseline_score(0.1, 1) == approx(-232.19280949)
    assert sc.baseline_score(0.9, 0) == approx(-232.19280949)
    assert sc.baseline_score(2 ** -0.5, 1) == approx(50.0)
    assert sc.baseline_score(2 ** -1.5, 1) == approx(-50.0)
    assert sc.baseline_score(0.001, 1) == approx(-896.578, 1e-6)
    assert sc.baseline_score(0.0, 1) == approx(-896.578, 1e-6)  # clipped, not -infinity


def test_7e_time_coverage():
    assert rm.time_averaged_baseline([(5, 0.9)], 0, 10, 1) == approx(42.39984533)
    assert rm.coverage(0, 10, 5) == approx(0.5)
    assert [rm.coverage(0, 10, d) for d in (3, 5, 7)] == [approx(0.7), approx(0.5), approx(0.3)]
    assert rm.coverage(0, 10, 0, resolved=5) == approx(0.5)
    # FAQ example: 5 days; day 1 none, day 2 40%, days 3-4 70%, day 5 80%; resolves YES
    daily = [0.0, sc.baseline_score(0.4, 1), sc.baseline_score(0.7, 1),
             sc.baseline_score(0.7, 1), sc.baseline_score(0.8, 1)]
    assert daily[1:] == [approx(v, 1e-4) for v in (-32.19, 48.54, 48.54, 67.81)]
    avg = rm.time_averaged_baseline([(1, 0.4), (2, 0.7), (4, 0.8)], 0, 5, 1)
    assert avg == approx(26.5399, 1e-5)


def test_time_weighted_brier_over_standing_forecasts():
    d0 = date(2015, 1, 1)
    # GJ-style: 80% for 6 days, then 40% for 3 days, the event does not happen -> 0.48
    fs = [(d0, 0.8), (d0 + timedelta(days=6), 0.4)]
    assert sc.time_weighted_brier(fs, d0 + timedelta(days=9), 0) == approx(0.48)
    ws = sc.standing_weights([*fs, (d0 + timedelta(days=12), 0.99)], d0 + timedelta(days=9))
    assert ws == [(0.8, approx(6 / 9)), (0.4, approx(3 / 9))]  # a forecast after the end is ignored
    # a forecast made on the day the outcome became known (or later) is not scored
    assert sc.standing_weights([(d0, 0.7)], d0) == []
    assert sc.standing_weights([(d0 + timedelta(days=1), 0.7)], d0) == []
    # two forecasts on one day: the later stands
    assert sc.standing_weights([(d0, 0.2), (d0, 0.6)], d0 + timedelta(days=4)) == [(0.6, 1.0)]


# -- 7H -------------------------------------------------------------------------------------
def test_7h_paired_comparison():
    ba = [sc.brier(p, y) for p, y in zip(H_A, H_Y, strict=False)]
    bb = [sc.brier(p, y) for p, y in zip(H_B, H_Y, strict=False)]
    assert sum(ba) / 12 == approx(0.1425) and sum(bb) / 12 == approx(1.21 / 12)  # 0.10083333
    d = [a - b for a, b in zip(ba, bb, strict=False)]
    assert d == [approx(v) for v in [-0.08, -0.05, 0.07, 0.33, -0.03, 0.27, -0.12, 0.05, -0.07,
                                     -0.03, 0.07, 0.09]]
    r = sc.paired_comparison(ba, bb)
    assert r.mean_diff == approx(0.0416667, 1e-6)
    assert r.t == approx(1.0412559, 1e-7) and r.df == 11
    assert r.p_t == approx(0.3201021, 1e-6)
    assert r.p_permutation == approx(0.35302734375)
    assert not r.significant
    w, p = rm.wilcoxon_exact(d)
    assert w == approx(30) and p == approx(0.509765625, 1e-3)
    la = [-math.log(sc.q_of(p, y)) for p, y in zip(H_A, H_Y, strict=False)]
    lb = [-math.log(sc.q_of(p, y)) for p, y in zip(H_B, H_Y, strict=False)]
    assert sum(la) / 12 == approx(0.4425650, 1e-6) and sum(lb) / 12 == approx(0.3746757, 1e-6)
    assert sc.paired_comparison(la, lb).p_t == approx(0.4630, 1e-3)


def test_relative_to_median():
    assert sc.relative_to_median({"a": 0.1, "b": 0.3, "c": 0.2}) == {
        "a": approx(-0.1), "b": approx(0.1), "c": approx(0.0)}


# -- independent libraries on random inputs --------------------------------------------------
probs = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
cases = st.integers(2, 60).flatmap(lambda n: st.tuples(
    st.lists(probs, min_size=n, max_size=n), st.lists(st.integers(0, 1), min_size=n, max_size=n),
    st.lists(st.floats(0.05, 3.0), min_size=n, max_size=n)))


@given(cases)
@settings(max_examples=300, deadline=None)
def test_decomposition_adds_up_exactly(case):
    p, y, w = case
    for weights in (None, w):
        m = sc.murphy(p, y, weights)
        assert m.total == pytest.approx(sc.mean_brier(p, y, weights), abs=1e-12)


@given(cases)
@settings(max_examples=200, deadline=None)
def test_forecasts_binned_once_give_the_table_and_decomposition_binned_apart(case):
    """A scorecard bins a group once for its calibration table and its decomposition: the
    same numbers, to the last digit, as each binning on its own, and each bin's forecasts
    are the ones ``bin_index`` puts there."""
    p, y, w = case
    for weights in (None, w):
        bins = sc.binned(p, y, weights)
        assert bins.k_of == [sc.bin_index(a, sc.edges()) for a in p]
        assert sc.calibration_table(p, y, weights, bins=bins) == sc.calibration_table(
            p, y, weights)
        assert sc.murphy(p, y, weights, bins=bins) == sc.murphy(p, y, weights)


@given(cases)
@settings(max_examples=200, deadline=None)
def test_brier_and_log_loss_match_sklearn(case):
    p, y, w = case
    assert sc.mean_brier(p, y) == pytest.approx(brier_score_loss(y, p, pos_label=1), abs=1e-12)
    assert sc.mean_brier(p, y, w) == pytest.approx(
        brier_score_loss(y, p, sample_weight=w, pos_label=1), abs=1e-12)
    inner = [min(max(x, 1e-6), 1 - 1e-6) for x in p]
    assert rm.log_loss(inner, y) == pytest.approx(sk_log_loss(y, inner, labels=[0, 1]), rel=1e-9)


@given(cases)
@settings(max_examples=200, deadline=None)
def test_calibration_counts_match_sklearn(case):
    p, y, _ = case
    table = sc.calibration_table(p, y)
    counts = np.bincount(np.searchsorted(np.linspace(0, 1, 11)[1:-1], p), minlength=10)
    assert [b.n for b in table] == list(counts)
    true, pred = sk_curve(y, p, n_bins=10)
    ours_true, ours_pred = rm.calibration_curve(p, y)
    assert ours_true == pytest.approx(list(true), abs=1e-12)
    assert ours_pred == pytest.approx(list(pred), abs=1e-12)


@given(st.lists(st.floats(-1, 1), min_size=3, max_size=12),
       st.lists(st.floats(-1, 1), min_size=3, max_size=12))
@settings(max_examples=100, deadline=None)
def test_paired_tests_match_scipy(a, b):
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    d = np.subtract(a, b)
    assume(np.std(d) >= 1e-6 and abs(np.mean(d)) >= 1e-9)
    r = sc.paired_comparison(a, b)
    ref = sst.ttest_rel(a, b)
    assert r.t == pytest.approx(ref.statistic, rel=1e-6)
    assert r.p_t == pytest.approx(ref.pvalue, rel=1e-6, abs=1e-12)
    perm = sst.permutation_test(
        (d,),
        lambda x: np.mean(x),
        permutation_type="samples",
        n_resamples=np.inf,
        alternative="two-sided",
    )
    assert r.p_permutation == pytest.approx(perm.pvalue, rel=1e-9)


@given(st.floats(0.001, 0.999), st.integers(1, 200))
def test_t_quantiles_and_wilson_match_scipy(q, df):
    assert stats.t_ppf(q, df) == pytest.approx(sst.t.ppf(q, df), rel=1e-7, abs=1e-9)
    k = int(q * df)
    lo, hi = stats.wilson(k, df)
    ref = sst.binomtest(k, df).proportion_ci(method="wilson")
    assert (lo, hi) == (pytest.approx(ref.low, abs=1e-9), pytest.approx(ref.high, abs=1e-9))


@given(cases)
@settings(max_examples=100, deadline=None)
def test_auc_matches_sklearn(case):
    p, y, _ = case
    assume(len(set(y)) >= 2)
    assert rm.auc(p, y) == pytest.approx(roc_auc_score(y, p), rel=1e-12)


def _sign_flip_by_enumeration(d: list[float]) -> float:
    """The definition, pattern by pattern (2^n): what the fast method must equal."""
    from itertools import product

    observed = sum(d)
    gamma = max(abs(observed), max(abs(x) for x in d)) * 2.220446049250313e-14
    low = high = 0
    for signs in product((1, -1), repeat=len(d)):
        total = sum(s * x for s, x in zip(signs, d, strict=True))
        low += total <= observed + gamma
        high += total >= observed - gamma
    return min(1.0, 2.0 * min(low, high) / 2 ** len(d))


@given(st.lists(st.one_of(st.floats(-1, 1), st.sampled_from([-0.5, -0.25, 0.0, 0.25, 0.5])),
                min_size=1, max_size=12))
@settings(max_examples=150, deadline=None)
def test_the_fast_sign_flip_p_equals_enumerating_every_pattern(d):
    """Ties included: differences on a grid (0.25 steps) make many patterns sum alike."""
    assert sc.sign_flip_p(d) == pytest.approx(_sign_flip_by_enumeration(d), abs=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_fast_sign_flip_p_matches_scipy_at_twenty_claims(seed):
    rng = np.random.default_rng(seed)
    d = rng.uniform(-0.5, 0.5, 20) + (0.1 if seed == 3 else 0.0)
    perm = sst.permutation_test((d,), np.mean, permutation_type="samples",
                                n_resamples=np.inf, alternative="two-sided", batch=2**16)
    assert sc.sign_flip_p(list(d)) == pytest.approx(perm.pvalue, rel=1e-9)
