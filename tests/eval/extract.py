"""Evaluate `ledger extract` on labelled articles (run by hand; tests/test_extract.py holds
floors on the committed set).

    python tests/eval/extract.py [DIR ...] [--verbose]

Each DIR holds ``articles/<slug>.txt`` and ``labels/<slug>.toml`` in the format of
tests/extract_eval (labelling rules: tests/extract_eval/RULES.md); default: tests/extract_eval.
A label without its article is reported and left out.

Matching: a proposal and a labelled statement match when their spans in the article overlap by
at least half of the shorter one; each is matched once (largest overlaps first), so two
proposals for one statement count one as wrong. Printed per article and overall (micro):
precision and recall on all forward-looking statements and on those worth recording (a
proposal marked record against the labels marked record), and, on the statements found, the
share whose probability, due date and view match the labels. A labelled probability of "none"
is matched by no probability, or by the number of the entry the label names as `nearest` (the
phrase-table entries added for those hedges).
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "tests" / "extract_eval"


@dataclass
class Counts:
    proposed: int = 0
    correct: int = 0
    labels: int = 0
    found: int = 0
    rec_proposed: int = 0
    rec_correct: int = 0
    rec_labels: int = 0
    rec_found: int = 0
    pairs: int = 0
    p_right: int = 0
    due_right: int = 0
    view_right: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, o: Counts) -> None:
        for k, v in vars(o).items():
            if isinstance(v, int):
                setattr(self, k, getattr(self, k) + v)
            else:
                getattr(self, k).extend(v)

    def row(self) -> dict[str, float | None]:
        def r(a: int, b: int) -> float | None:
            return a / b if b else None

        return {"P": r(self.correct, self.proposed), "R": r(self.found, self.labels),
                "rec P": r(self.rec_correct, self.rec_proposed),
                "rec R": r(self.rec_found, self.rec_labels),
                "prob": r(self.p_right, self.pairs), "due": r(self.due_right, self.pairs),
                "view": r(self.view_right, self.pairs)}


def _p_ok(label: dict[str, Any], mine: float | None, table: dict[str, Any]) -> bool:
    want = label.get("p")
    if isinstance(want, int | float):
        return mine is not None and abs(mine - float(want)) < 1e-9
    if mine is None:
        return True
    nearest = label.get("nearest")
    entry = table.get(nearest) if nearest else None
    return entry is not None and abs(entry.p - mine) < 1e-9


def _due_ok(label: dict[str, Any], mine: date | None) -> bool:
    want = label.get("due")
    if want in (None, "none", ""):
        return mine is None
    want = want if isinstance(want, date) else date.fromisoformat(str(want))
    return mine == want


def evaluate_article(text_path: Path, label_path: Path, verbose: bool = False) -> Counts:
    from ledger.core.probability import lookup
    from ledger.extract import propose
    from ledger.extract.reading import from_text

    labels = tomllib.loads(label_path.read_text("utf-8"))
    article = from_text(text_path.read_text("utf-8"), str(text_path))
    made = labels["article"]["made_on"]
    made = made if isinstance(made, date) else date.fromisoformat(str(made))
    props = propose(article, made)
    body = article.text
    stmts = labels["statements"]
    spans = []
    for s in stmts:
        at = body.find(s["quote"])
        if at < 0:
            raise SystemExit(f"{label_path}: quote {s['id']} is not in the article")
        spans.append((at, at + len(s["quote"])))
    cands = []
    for i, p in enumerate(props):
        for j, (a, z) in enumerate(spans):
            ov = min(p.end, z) - max(p.start, a)
            if ov > 0 and ov >= 0.5 * min(p.end - p.start, z - a):
                cands.append((ov, i, j))
    cands.sort(reverse=True)
    used_p: dict[int, int] = {}
    used_l: set[int] = set()
    for _ov, i, j in cands:
        if i in used_p or j in used_l:
            continue
        used_p[i] = j
        used_l.add(j)
    c = Counts(proposed=len(props), correct=len(used_p), labels=len(stmts),
               found=len(used_l))
    c.rec_labels = sum(1 for s in stmts if s.get("record"))
    c.rec_proposed = sum(1 for p in props if p.record)
    table = lookup()
    slug = text_path.stem
    for i, p in enumerate(props):
        j = used_p.get(i)
        if j is None:
            c.misses.append(f"{slug}: proposed, not labelled: {p.quote[:90]!r}")
            continue
        s = stmts[j]
        if p.record and s.get("record"):
            c.rec_correct += 1
            c.rec_found += 1
        elif p.record:
            c.misses.append(f"{slug} {s['id']}: recorded, labelled not: {p.reason}")
        elif s.get("record"):
            c.misses.append(f"{slug} {s['id']}: labelled record, not recorded: {p.reason}")
        c.pairs += 1
        ok_p = _p_ok(s, p.probability, table)
        ok_d = _due_ok(s, p.due_on)
        ok_v = s.get("view") == p.view
        c.p_right += ok_p
        c.due_right += ok_d
        c.view_right += ok_v
        if not ok_p:
            c.misses.append(f"{slug} {s['id']}: p {p.probability} ({p.table_phrase}, "
                            f"{p.phrase!r}) want {s.get('p')} ({s.get('hedge')!r})")
        if not ok_d:
            c.misses.append(f"{slug} {s['id']}: due {p.due_on} ({p.due_text!r}) want "
                            f"{s.get('due')} ({s.get('due_text')!r})")
        if not ok_v:
            c.misses.append(f"{slug} {s['id']}: view {p.view} ({p.view_reason}) want "
                            f"{s.get('view')}")
    for j, s in enumerate(stmts):
        if j not in used_l:
            c.misses.append(f"{slug} {s['id']}: not found: {s['quote'][:90]!r}")
    return c


def evaluate(dirs: list[Path], verbose: bool = False) -> dict[str, Counts]:
    out: dict[str, Counts] = {}
    for d in dirs:
        for label in sorted((d / "labels").glob("*.toml")):
            text = d / "articles" / f"{label.stem}.txt"
            if not text.exists():
                print(f"(no article for {label.stem}: left out)", file=sys.stderr)
                continue
            out[label.stem] = evaluate_article(text, label, verbose)
    return out


def fmt(x: float | None) -> str:
    return "   -" if x is None else f"{x:4.2f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="*", type=Path, default=[DEFAULT])
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()
    results = evaluate(args.dirs, args.verbose)
    total = Counts()
    cols = ["P", "R", "rec P", "rec R", "prob", "due", "view"]
    print(f"{'article':48} {'found':>7} " + " ".join(f"{c:>5}" for c in cols))
    for slug, c in results.items():
        total.add(c)
        row = c.row()
        print(f"{slug[:48]:48} {c.found:>3}/{c.labels:<3} "
              + " ".join(f"{fmt(row[k]):>5}" for k in cols))
    row = total.row()
    print(f"{'overall (micro)':48} {total.found:>3}/{total.labels:<3} "
          + " ".join(f"{fmt(row[k]):>5}" for k in cols))
    print(f"proposed {total.proposed}, of them recorded {total.rec_proposed}; labelled "
          f"{total.labels}, worth recording {total.rec_labels}")
    if args.verbose:
        print("\n".join(total.misses))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
