"""Build a scorecard: the database aggregates, the pure scoring functions finish the job.

The result is plain data in the JSON contract (see README, "Scorecards"); the renderers only
format it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from itertools import pairwise
from typing import Any

from sqlalchemy.engine import Connection

from ledger.core import scoring as sc
from ledger.core.stats import wilson
from ledger.ops.progress import Progress
from ledger.scorecard import counts, query
from ledger.scorecard.contested import ContestedRow, contested
from ledger.scorecard.counts import CountRow
from ledger.scorecard.pairs import Pairs, gather
from ledger.scorecard.periods import Period, steps
from ledger.scorecard.query import WeightedRow
from ledger.store import audit, settings
from ledger.store.engine import Store

SMALL_SAMPLE = 10
COUNT_KEYS = ("scored", "ambiguous", "annulled", "withdrawn", "open", "due", "overdue",
              "unscored", "mapped", "backfilled", "late_withdrawn")


EMPTY_BINS = tuple({"lo": b.lo, "hi": b.hi, "n": 0, "mean_forecast": None, "observed": None,
                    "ci95": None} for b in sc.calibration_table([], []))


@dataclass(frozen=True)
class Request:
    as_of: date
    period: Period | None = None
    by: str = "author"
    every: str | None = None
    #: the zone whose day ``as_of`` is: the scorecard holds what was recorded by its end there
    zone: tzinfo = UTC


def window(req: Request, period: Period | None = None, grace: int = 2) -> query.Window:
    p = period or req.period
    as_of_ts = datetime.combine(req.as_of, time.max, tzinfo=req.zone).astimezone(UTC)
    start = p.start if p else date(1, 1, 1)
    end = min(p.end, req.as_of) if p else req.as_of
    return query.Window(as_of_ts, start, end, grace)


def _num(x: float | None) -> float | None:
    """A score for the JSON contract: full precision (rounding is for display), and no NaN
    or infinity, which JSON cannot carry."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _n(x: float) -> int | float:
    r = round(x, 9)
    return int(r) if float(r).is_integer() else r


def group_stats(
    key: str, rows: list[WeightedRow], pairs: Sequence[float], counts: dict[str, int]
) -> dict[str, Any]:
    """One GROUP of the JSON contract from weighted rows and per-pair Brier scores."""
    p = [r.p for r in rows]
    y = [int(r.y) for r in rows]
    w = [float(r.weight) for r in rows]
    scored = len(pairs)
    out: dict[str, Any] = {
        "key": key,
        "counts": {k: int(counts.get(k, 0)) for k in COUNT_KEYS},
        "small_sample": scored < SMALL_SAMPLE,
        "brier": None,
        "brier_ci95": None,
        "baseline_score": None,
        "brier_skill": None,
        "sharpness": None,
        "murphy": None,
        "calibration": [dict(b) for b in EMPTY_BINS],
        "mapped": None,
    }
    if not rows or sum(w) <= 0:
        return out
    bs = sc.mean_brier(p, y, w)
    ci = sc.mean_ci95(pairs)
    binned = sc.binned(p, y, w)
    m = sc.murphy(p, y, w, bins=binned)
    out.update(
        {
            "brier": _num(bs),
            "brier_ci95": [_num(max(0.0, ci[0])), _num(min(1.0, ci[1]))] if ci else None,
            "baseline_score": _num(sc.mean_baseline(p, y, w)),
            "brier_skill": _num(sc.brier_skill(bs)),
            "sharpness": _num(sc.sharpness(p, w)),
            "murphy": {
                k: _num(getattr(m, k))
                for k in (
                    "reliability",
                    "resolution",
                    "uncertainty",
                    "within_bin_variance",
                    "within_bin_covariance",
                )
            },
            "calibration": [
                {
                    "lo": b.lo,
                    "hi": b.hi,
                    "n": _n(b.n),
                    "mean_forecast": _num(b.mean_forecast),
                    "observed": _num(b.observed),
                    "ci95": [_num(b.ci95[0]), _num(b.ci95[1])] if b.ci95 else None,
                } if b.n else dict(EMPTY_BINS[k])  # most of a small group's bins are empty
                for k, b in enumerate(sc.calibration_table(p, y, w, bins=binned))
            ],
        }
    )
    mapped = [r for r in rows if r.mapped and r.band_lo is not None and r.band_hi is not None]
    if mapped:
        mw = [float(r.weight) for r in mapped]
        ranges = [sc.brier_range((r.band_lo or 0.0, r.band_hi or 0.0), int(r.y)) for r in mapped]
        lo = sum(w * b[0] for w, b in zip(mw, ranges, strict=True)) / sum(mw)
        hi = sum(w * b[1] for w, b in zip(mw, ranges, strict=True)) / sum(mw)
        out["mapped"] = {
            "weight": _n(sum(mw)),
            "brier": _num(sc.mean_brier([r.p for r in mapped], [int(r.y) for r in mapped], mw)),
            "brier_range": [_num(lo), _num(hi)],
        }
    return out


def phrase_calibration(rows: list[WeightedRow]) -> list[dict[str, Any]]:
    """For each phrase: how often what it was used for came true, against its number."""
    acc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for _g, p, y, mapped, _lo, _hi, phrase, w in rows:
        if mapped and phrase:
            a = acc[phrase]
            a[0] += w
            a[1] += w * y
            a[2] = p
    out = []
    for phrase in sorted(acc):
        n, hits, p = acc[phrase]
        ci = wilson(hits, n)
        out.append(
            {
                "phrase": phrase,
                "maps_to": p,
                "n": _n(n),
                "observed": _num(hits / n),
                "ci95": [_num(ci[0]), _num(ci[1])] if ci else None,
            }
        )
    return out


def _comparisons(pairs: Pairs, order: list[str]) -> list[dict[str, Any]]:
    """Paired comparison of each group with the next one in mean-Brier order, on shared claims."""
    out = []
    for a, b in pairwise(order):
        on_a, on_b = pairs.on_shared(a), pairs.on_shared(b)
        shared = sorted(set(on_a) & set(on_b))
        entry: dict[str, Any] = {"a": a, "b": b, "shared": len(shared)}
        if len(shared) >= 2:
            r = sc.paired_comparison([on_a[c] for c in shared], [on_b[c] for c in shared])
            entry.update(
                {
                    "mean_diff": _num(r.mean_diff),
                    "t": _num(r.t),
                    "p_t": _num(r.p_t),
                    "p_permutation": _num(r.p_permutation),
                }
            )
            verdict = "not distinguishable"
            if r.significant:
                verdict = f"{a} better" if r.mean_diff < 0 else f"{b} better"
            entry["verdict"] = verdict
        else:
            entry["verdict"] = "too few shared claims to compare"
        out.append(entry)
    return out


def build(store: Store, req: Request, progress: Progress = None) -> dict[str, Any]:
    """The whole scorecard as plain data, read from one snapshot of the ledger; ``progress``
    hears each phase."""
    with store.snapshot() as conn:
        return build_in(conn, req, progress)


def build_in(conn: Connection, req: Request, progress: Progress = None) -> dict[str, Any]:
    """The scorecard from ``conn``'s transaction (``Store.snapshot``): a caller that reads more
    for the same report (the site) reads it in the same one."""
    if progress is not None:
        progress(0, 1, "scoring")
    grace = settings.grace_days(conn, window(req).as_of)
    win = window(req, grace=grace)
    chain = audit.head(conn, win.as_of)
    with query.segments(conn, win):
        rows, pairs, counts = _fetch(conn, win, req.by, compare=req.by == "author")
        ranges = _ranges(*contested(conn, win, req.by))
        overall_ranges = _ranges(*contested(conn, win, None))
        if req.by == "tag":  # a claim may carry several tags, or none: ask the database
            overall: Fetched = _fetch(conn, win, None, compare=False)
        else:  # the groups partition the pairs
            overall = (rows, pairs, counts)
    if progress is not None:
        progress(1, 1, "scoring")
    trend: list[tuple[Any, ...]] = []
    if req.every:
        rng = query.known_range(conn, win)
        if rng is not None and max(rng[0], win.start) <= min(rng[1], win.end):
            periods = list(steps(max(rng[0], win.start), min(rng[1], win.end), req.every))
            for n, per in enumerate(periods, 1):
                if progress is not None:
                    progress(n, len(periods), "trend")
                w2 = window(req, per, grace)
                with query.segments(conn, w2):
                    trend.append((per, *_fetch(conn, w2, req.by, compare=False),
                                  _ranges(*contested(conn, w2, req.by)),
                                  _ranges(*contested(conn, w2, None))))
    groups, comparisons = _groups(rows, pairs, counts, compare=req.by == "author")
    for g in groups:
        _set_range(g, ranges)
    report: dict[str, Any] = {
        "as_of": req.as_of.isoformat(),
        "period": req.period.as_json() if req.period else None,
        "group_by": req.by,
        "brier_scale": "0-1",
        "grace_days": grace,
        "chain": chain.as_json(),
        "groups": groups,
        "overall": _set_range(_overall(*overall), overall_ranges),
        "phrase_calibration": phrase_calibration(overall[0]),
    }
    if req.by == "author":
        report["comparisons"] = comparisons
    if req.every:
        report["trend"] = [
            {
                "period": per.as_json(),
                "label": per.label,
                "groups": [_set_range(g, rg) for g in _groups(r, p, c, compare=False)[0]],
                "overall": _set_range(_overall(r, p, c), rall)
                if req.by != "tag"
                else None,
            }
            for per, r, p, c, rg, rall in trend
        ]
    return report


Fetched = tuple[list[WeightedRow], Pairs, list[CountRow]]
Range = dict[str, Any] | None


def _choice(outcome: str, r: ContestedRow) -> sc.Choice:
    """A contested claim's Brier terms and weight in a group under one reading."""
    if outcome == "true":
        return (r.a - 2 * r.b + r.k, r.k)
    if outcome == "false":
        return (r.a, r.k)
    return (0.0, 0.0)  # ambiguous or annulled: not scored


def _ranges(fixed: dict[Any, tuple[float, float]], rows: list[ContestedRow],
            readings: dict[int, tuple[str, list[str]]]) -> dict[str, Range]:
    """Each group's exact Brier range over every combination of its claims' readings."""
    items: dict[str, list[list[sc.Choice]]] = defaultdict(list)
    keys: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        key, outcomes = readings[int(r.claim_id)]
        items[str(r.group)].append([_choice(o, r) for o in outcomes])
        keys[str(r.group)].append(key)
    out: dict[str, Range] = {}
    for g in items:
        rng = sc.contested_range(fixed.get(g, (0.0, 0.0)), items[g])
        out[g] = None if rng is None else {
            "min": _num(rng[0]), "max": _num(rng[1]), "claims": sorted(keys[g])}
    return out


def _set_range(group: dict[str, Any], ranges: dict[str, Range]) -> dict[str, Any]:
    """``brier_range``: the mean Brier under every defensible reading of the contested
    claims (equal to the Brier when nothing is contested)."""
    if group["key"] in ranges:
        group["brier_range"] = ranges[group["key"]]
    elif group["brier"] is not None:
        group["brier_range"] = {"min": group["brier"], "max": group["brier"], "claims": []}
    else:
        group["brier_range"] = None
    return group


def _fetch(conn: Any, win: query.Window, by: str | None, *, compare: bool) -> Fetched:
    name = query.namer(conn, by)  # the analysts' names read once for the three
    return (
        query.weighted_rows(conn, win, by, name),
        gather(query.pair_rows(conn, win, by), compare=compare, name=name),
        counts.status_counts(conn, win, by, name),
    )


def _overall(rows: list[WeightedRow], pairs: Pairs, counts: list[CountRow]) -> dict[str, Any]:
    """Every group's rows as one group, "(all)" (the groups partition the pairs)."""
    acc: dict[tuple[Any, ...], float] = defaultdict(float)
    for r in rows:
        acc[r[1:7]] += float(r.weight)
    merged = [WeightedRow._make(("(all)", *k, w)) for k, w in acc.items()]
    total: dict[str, int] = {}
    for _g, status, n, mapped in counts:
        total[status] = total.get(status, 0) + int(n)
        total["mapped"] = total.get("mapped", 0) + int(mapped or 0)
    return group_stats("(all)", merged, pairs.all, total)


def _groups(
    rows: list[WeightedRow], pairs: Pairs, counts: list[CountRow], *, compare: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    # the database summed each group's identical forecasts already (query.weighted_rows)
    by_rows: dict[str, list[WeightedRow]] = defaultdict(list)
    for r in rows:
        by_rows[str(r.group)].append(r)
    by_counts: dict[str, dict[str, int]] = defaultdict(dict)
    for g, status, n, mapped in counts:
        c = by_counts[str(g)]
        c[status] = c.get(status, 0) + int(n)
        c["mapped"] = c.get("mapped", 0) + int(mapped or 0)
    groups = [
        group_stats(k, by_rows.get(k, []), pairs.scores(k), by_counts.get(k, {}))
        for k in sorted(set(by_rows) | set(by_counts))
    ]
    comparisons: list[dict[str, Any]] = []
    if compare:  # groups are analysts: compare them claim by claim
        for grp in groups:
            grp["relative_to_median"] = _num(pairs.relative.get(grp["key"]))
        ranked = sorted(
            (g for g in groups if g["brier"] is not None and not g["small_sample"]),
            key=lambda g: g["brier"],
        )
        comparisons = _comparisons(pairs, [g["key"] for g in ranked])
    return groups, comparisons

