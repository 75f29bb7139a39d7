"""The scorecard site (`report --format site`) and the single-file HTML: what a reader sees,
checked against hand-worked numbers, on both backends; links that resolve from disk; names
and keys no filesystem or browser can be tricked by; and the folder written whole or not at all.
(The real-browser test is tests/test_site_browser.py.)"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import Ledger, one_line_error


class Page(HTMLParser):
    """A page's visible text, its links, its ids and anything that would load a resource."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.loads: list[str] = []
        self.chunks: list[str] = []
        self._skip = 0
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("style", "title", "script"):
            self._skip += 1
        if tag in ("script", "img", "iframe", "link", "object", "embed", "source", "video"):
            self.loads.append(tag)
        if "src" in a or "srcset" in a:
            self.loads.append(f"{tag} src")
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
        if a.get("id"):
            self.ids.add(a["id"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())


def read(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def site(lg: Ledger, out: Path, *extra: str) -> dict[str, Page]:
    lg.ok("report", "--format", "site", "--out", str(out), *extra)
    return {p.relative_to(out).as_posix(): read(p) for p in out.rglob("*.html")}


def check_links(out: Path, pages: dict[str, Page]) -> None:
    """Every link is to the web (http/https), to an anchor on its own page, or to a page of
    the site that exists; nothing on any page loads anything."""
    for rel, page in pages.items():
        assert not page.loads, (rel, page.loads)
        for href in page.hrefs:
            parts = urlsplit(href)
            if parts.scheme:
                assert parts.scheme in ("http", "https"), (rel, href)
                continue
            assert not href.startswith("/"), (rel, href)  # relative: works from any folder
            if href.startswith("#"):
                assert href[1:] in page.ids, (rel, href)
                continue
            target = (out / rel).parent / unquote(parts.path)
            assert target.resolve().is_file(), (rel, href)
            assert out.resolve() in target.resolve().parents, (rel, href)


def seeded(lg: Ledger) -> Ledger:
    lg.ok("seed")
    return lg


def test_seed_site_has_every_page_linked_and_carries_its_provenance(ledger, tmp_path):
    seeded(ledger)
    out = tmp_path / "site"
    pages = site(ledger, out, "--as-of", "2026-11-24")
    keys = [c["key"] for c in ledger.json("list")]
    assert len(keys) == 10
    assert set(pages) == {"index.html", "claims.html", "analysts/neil-flynn.html",
                          *(f"claims/{k}.html" for k in keys)}
    check_links(out, pages)
    head = ledger.json("report", "--as-of", "2026-11-24")["chain"]
    anchor = f"{head['events']}:{head['head']}"
    for rel, page in pages.items():
        assert "As of 2026-11-24" in page.text, rel
        assert anchor in page.text, rel
    # any page proves the history it was made from, as any report file does
    res = ledger.run("db", "check", "--anchor", str(out / "analysts" / "neil-flynn.html"))
    assert res.exit_code == 0, res.stderr
    index = pages["index.html"]
    assert "analysts/neil-flynn.html" in index.hrefs and "claims.html" in index.hrefs
    for word in ("Scored calls", "Brier score", "Range under contested readings",
                 "Resolved, not scored", "Ambiguous", "Annulled", "Withdrawn"):
        assert word in index.text, word
    for abbreviation in (" unsc ", " amb ", " ann ", " wdr ", " bkfill "):
        assert abbreviation not in f" {index.text} ", abbreviation
    neil = pages["analysts/neil-flynn.html"]
    for k in keys:
        assert f"../claims/{k}.html" in neil.hrefs, k
    story = pages["claims/xiaomi-us-specific-phone.html"]
    shown = ledger.json("show", "xiaomi-us-specific-phone")
    assert shown["quote"] in story.text
    assert "did not come true" in story.text and shown["resolution"]["rationale"] in story.text
    for e in shown["evidence"]:
        assert e["url"] in story.hrefs and e["summary"] in story.text
    for r in shown["resolution"]["readings"]:
        assert r["note"] in story.text
    assert shown["criteria"] in story.text
    head, *lines = (out / ".ledger-site").read_text().splitlines()
    assert head == "# ledger site manifest 2"
    assert [ln.split("  ", 1)[1] for ln in lines] == sorted(pages)
    for ln in lines:  # each file with the digest of what was written
        digest, name = ln.split("  ", 1)
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest


def worked(lg: Ledger) -> Ledger:
    """Ann: 0.9 on a claim that came true, 0.9 and 0.2 on two that did not; Bob: 0.6 on the
    first. Worked by hand: Ann's Brier (0.1² + 0.9² + 0.2²)/3 = 0.86/3 = 0.28667. Made two
    days ago and recorded today, so no forecast is back-filled (the grace period is 2 days)."""
    made, due = (date.today() - timedelta(days=2)).isoformat(), (
        date.today() - timedelta(days=1)).isoformat()
    for key, outcome, p in (("a", "true", "0.9"), ("b", "false", "0.9"), ("c", "false", "0.2")):
        lg.ok("add", f"Claim {key} <b>bold</b>", "--key", key, "--author", "Ann", "--made",
              made, "--due", due, "--prob", p, "--tag", f"t{key}")
        lg.ok("resolve", key, outcome, "--on", due)
    lg.ok("forecast", "a", "0.6", "--by", "Bob", "--on", made)
    lg.ok("add", "An open claim", "--key", "d", "--author", "Ann", "--made", made,
          "--due", "2099-01-01", "--prob", "0.5")
    return lg


def test_analyst_pages_say_the_worked_numbers_in_words(ledger, tmp_path):
    out = tmp_path / "site"
    pages = site(worked(ledger), out)
    check_links(out, pages)
    ann = pages["analysts/ann.html"].text
    assert ("3 scored calls; Brier 0.287, worse than always saying 50%; calls put at 80–90% "
            "came true 1 of 2 (a small sample: not ranked).") in ann
    # every call, with its own Brier: (0.9-1)², (0.9-0)², (0.2-0)²; the open one unscored
    for statement, brier in (("Claim a <b>bold</b>", "0.010"), ("Claim b <b>bold</b>", "0.810"),
                             ("Claim c <b>bold</b>", "0.040")):
        assert re.search(re.escape(statement) + r" .*?" + brier, ann), statement
    assert "came true" in ann and "did not come true" in ann and "open" in ann
    # by tag: one scored call each
    assert re.search(r"tb 1 0\.810", ann) and re.search(r"tc 1 0\.040", ann)
    bob = pages["analysts/bob.html"].text
    assert "1 scored call; Brier 0.160, better than always saying 50%" in bob  # (0.6-1)²
    # against the median on the shared claim a: Ann 0.01, Bob 0.16, median 0.085
    assert "Brier 0.075 below the median forecaster" in ann
    assert "Brier 0.075 above the median forecaster" in bob
    claim = pages["claims/a.html"].text
    assert "Ann 0.010" in claim and "Bob 0.160" in claim
    index = pages["index.html"].text
    assert "2 analysts; 4 scored calls; Brier 0.255, worse than always saying 50%" in index


def test_the_single_file_scorecard_has_the_same_words_and_every_call(ledger, tmp_path):
    worked(ledger)
    out = tmp_path / "r.html"
    ledger.ok("report", "--format", "html", "--out", str(out))
    page = read(out)
    assert not page.loads and not [h for h in page.hrefs if not h.startswith("http")]
    assert "3 scored calls; Brier 0.287, worse than always saying 50%" in page.text
    assert "Claim b <b>bold</b>" in page.text and "<b>bold" not in out.read_text()
    assert "Scored calls" in page.text and "Against the median forecaster" in page.text


def test_hostile_names_keys_and_addresses_stay_text(ledger, tmp_path):
    names = ["<script>alert(1)</script>", "../../etc/passwd", "CON", "王小明", "王小明 ",
             "Ann\u202eevil"]
    for i, name in enumerate(names):
        ledger.ok("add", f"Claim {i}", "--key", ["con", "pb:1", "aux.x", "k3", "k4", "k5"][i],
                  "--author", name, "--made", "2015-01-01", "--due", "2015-03-01",
                  "--prob", "0.7")
    ledger.ok("evidence", "con", "a javascript link", "--on", "2015-02-01",
              "--url", "javascript:alert(1)")
    ledger.ok("evidence", "con", "a real link", "--on", "2015-02-02",
              "--url", "https://example.org/a?b=1&c=\"x\"")
    ledger.ok("resolve", "con", "true", "--on", "2015-03-01")
    out = tmp_path / "site"
    pages = site(ledger, out)
    check_links(out, pages)
    files = {p.name for p in (out / "analysts").iterdir()}
    assert len(files) == len({n.strip() for n in names})  # "王小明 " is stored stripped
    for f in files:
        assert re.fullmatch(r"[a-z0-9-]+\.html", f), f
        assert f.split(".")[0] not in ("con", "aux")  # names Windows keeps for devices
    assert (out / "claims" / "~con.html").is_file() and (out / "claims" / "pb~1.html").is_file()
    assert (out / "claims" / "~aux.x.html").is_file()
    for p in out.rglob("*.html"):
        body = p.read_text()
        assert "<script" not in body.lower(), p
    con = pages["claims/~con.html"]
    assert "javascript:alert(1)" in con.text
    assert not [h for h in con.hrefs if "javascript" in h]
    assert 'https://example.org/a?b=1&c="x"' in con.hrefs
    assert "<script>alert(1)</script>" in pages["index.html"].text


def test_the_site_shows_the_ledger_as_it_stood_on_its_day(ledger, tmp_path):
    def rec(**kw: object) -> str:
        return json.dumps(kw)

    at = "T09:00:00.000000+00:00"
    lines = [rec(type="ledger", format=1),
             rec(type="analyst", name="Dan", affiliation=None, created_at="2025-01-01" + at,
                 email=None),
             rec(type="claim", key="cut", statement="Rates are cut", quote=None, source=None,
                 author="Dan", subject=None, tags=[], made_on="2025-01-01",
                 due_on="2025-01-11", due_basis="stated", due_note=None, criteria=None,
                 withdrawn_on=None, withdrawn_note=None, withdrawn_at=None, recorded_by="Dan",
                 recorded_at="2025-01-01" + at, version=1)]
    for n, (day, p, retracted) in enumerate([("2025-01-01", 0.9, None),
                                             ("2025-01-03", 0.2, "2025-01-04" + at)], 1):
        lines.append(rec(type="forecast", id=f"cut#f{n}", claim="cut", by="Dan", made_on=day,
                         probability=p, given=str(p), mapped=False, phrase=None, band=None,
                         vague=False, note=None, recorded_by="Dan", recorded_at=day + at,
                         retracted_at=retracted, retracted_by="Dan" if retracted else None,
                         retracted_note="typo" if retracted else None))
    lines.append(rec(type="evidence", id="cut#e1", claim="cut", observed_on="2025-01-08",
                     stance="supports", summary="The bank cut", url=None, citation=None,
                     recorded_by="Dan", recorded_at="2025-01-08" + at))
    lines.append(rec(type="resolution", id="cut#r1", claim="cut", revision=1, outcome="true",
                     known_on="2025-01-11", rationale="It was cut", resolved_by="Dan",
                     recorded_at="2025-01-11" + at, superseded_at=None, superseded_note=None,
                     evidence=[], readings=[]))
    src = tmp_path / "h.jsonl"
    src.write_text("\n".join(lines) + "\n")
    ledger.ok("import", str(src))
    early = site(ledger, tmp_path / "early", "--as-of", "2025-01-03")["claims/cut.html"].text
    assert "Not resolved by this day" in early and "The bank cut" not in early
    assert "20%" in early and "retracted" not in early
    later = site(ledger, tmp_path / "later", "--as-of", "2025-01-05")["claims/cut.html"].text
    assert "retracted (correction)" in later and "The bank cut" not in later
    last = site(ledger, tmp_path / "last", "--as-of", "2025-01-12")
    text = last["claims/cut.html"].text
    assert "came true" in text and "It was cut" in text and "The bank cut" in text
    # the correction leaves 0.9 standing alone: Brier (0.9-1)²
    assert "1 scored call; Brier 0.010" in last["analysts/dan.html"].text


def test_the_site_folder_is_written_whole_and_never_over_what_it_did_not_write(ledger,
                                                                               tmp_path):
    worked(ledger)
    res = ledger.run("report", "--format", "site")
    assert res.exit_code == 2 and "--out" in one_line_error(res)
    res = ledger.run("report", "--format", "site", "--by", "tag", "--out", str(tmp_path / "x"))
    assert res.exit_code == 2 and "by analyst" in one_line_error(res)
    assert not (tmp_path / "x").exists()
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("mine")
    res = ledger.run("report", "--format", "site", "--out", str(theirs))
    assert res.exit_code == 1 and "holds no site made by ledger" in one_line_error(res)
    assert sorted(p.name for p in theirs.iterdir()) == ["notes.txt"]
    link = tmp_path / "link"
    link.symlink_to(theirs)
    res = ledger.run("report", "--format", "site", "--out", str(link), "--force")
    assert res.exit_code == 1 and "symbolic link" in one_line_error(res)
    empty = tmp_path / "empty"
    empty.mkdir()
    ledger.ok("report", "--format", "site", "--out", str(empty))
    assert (empty / "claims" / "d.html").is_file()
    res = ledger.run("report", "--format", "site", "--out", str(empty))
    assert res.exit_code == 1 and "--force" in one_line_error(res)
    (empty / "README.txt").write_text("the team's own note")
    ledger.ok("add", "Another", "--key", "e", "--author", "Ann", "--made", "2015-01-01",
              "--due", "2099-01-01")
    before = (empty / "index.html").read_text()
    ledger.ok("report", "--format", "site", "--out", str(empty), "--force")
    assert (empty / "claims" / "e.html").is_file()
    assert (empty / "index.html").read_text() != before
    assert (empty / "README.txt").read_text() == "the team's own note"
    # a page the earlier site made and this one does not is removed; nothing else is
    old = hashlib.sha256(b"old page").hexdigest()
    (empty / ".ledger-site").write_text((empty / ".ledger-site").read_text()
                                        + f"{old}  claims/gone.html\n")
    (empty / "claims" / "gone.html").write_text("old page")
    ledger.ok("report", "--format", "site", "--out", str(empty), "--force")
    assert not (empty / "claims" / "gone.html").exists()
    assert (empty / "README.txt").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_failure_half_way_leaves_no_folder(ledger, tmp_path):
    """A database that cannot be read part-way (here: not a ledger any more) leaves nothing."""
    worked(ledger)
    if not ledger.is_sqlite:
        pytest.skip("the failure is made by editing the SQLite file")
    from helpers import sql

    sql(ledger.target, "UPDATE forecast SET made_on = 'not a date' WHERE id = 2")
    out = tmp_path / "site"
    res = ledger.run("report", "--format", "site", "--out", str(out))
    assert res.exit_code != 0
    assert "Traceback" not in res.stderr
    assert not out.exists()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_no_page_is_left_half_written_when_the_disk_refuses(ledger, tmp_path):
    """A file size limit (as a full disk would) stops the write part-way: one line, exit 1,
    no folder and no temporary folder left."""
    if os.name != "posix" or not ledger.is_sqlite:
        pytest.skip("RLIMIT_FSIZE is POSIX; the writer is the same for both backends")
    import subprocess
    import sys

    seeded(ledger)
    out = tmp_path / "site"
    code = ("import resource, signal, sys; "
            "resource.setrlimit(resource.RLIMIT_FSIZE, (9000, 9000)); "
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
            "from ledger.cli import main; sys.argv = sys.argv[1:]; main()")
    res = subprocess.run([sys.executable, "-c", code, "ledger", "--db", ledger.target,
                          "report", "--format", "site", "--out", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 1, res.stderr
    one_line_error(res)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def _manifest_lines(site) -> str:
    return (site / ".ledger-site").read_text()


@pytest.mark.parametrize("line", [
    "{victim}",                                   # an absolute name, as the review found
    "{digest}  {victim}",                         # ... with the victim's own digest
    "{digest}  ../victim.txt",
    "{digest}  claims/../../victim.txt",
    "{digest}  ./../victim.txt",
    "{digest}  claims/link/victim.txt",           # through a link to the folder above
    "{wrong}  claims/notes.html",                 # inside, but not what ledger wrote
    "claims/notes.html",                          # an older manifest's line: no digest
    "{digest}  //{victim}",
])
def test_a_crafted_manifest_never_removes_what_ledger_did_not_write(ledger, tmp_path, line):
    """``--force`` removed any file an old manifest named, an absolute one included (issue 26
    #2): only a regular file inside the site folder whose content is still what ledger wrote
    there is removed."""
    worked(ledger)
    site = tmp_path / "site"
    ledger.ok("report", "--format", "site", "--out", str(site))
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (site / "claims" / "notes.html").write_text("a member's own page")
    (site / "claims" / "link").symlink_to(tmp_path) if "link" in line else None
    digest = hashlib.sha256(b"keep me").hexdigest()
    text = line.format(victim=victim, digest=digest, wrong=digest)
    (site / ".ledger-site").write_text(_manifest_lines(site) + text + "\n")
    res = ledger.run("report", "--format", "site", "--out", str(site), "--force")
    if "link" in line:  # a link inside the site folder: refused before anything moves
        assert res.exit_code == 1 and "symbolic link" in one_line_error(res)
    else:
        assert res.exit_code == 0, res.stderr
    assert victim.read_text() == "keep me"
    assert (site / "claims" / "notes.html").read_text() == "a member's own page"


@pytest.mark.parametrize("content", [b"\xff\xfe\x00bad", b"# ledger site manifest 2\n\xc3(",
                                     b"x" * 10])
def test_a_manifest_that_is_not_ledgers_is_one_line(ledger, tmp_path, content):
    worked(ledger)
    site = tmp_path / "site"
    ledger.ok("report", "--format", "site", "--out", str(site))
    (site / ".ledger-site").write_bytes(content)
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    res = ledger.run("report", "--format", "site", "--out", str(site), "--force")
    if content.startswith(b"x"):  # text, but no digests: nothing of it is removed
        assert res.exit_code == 0
        assert set(before) <= {p.relative_to(site) for p in site.rglob("*")}
    else:
        assert res.exit_code == 1 and "not a manifest ledger wrote" in one_line_error(res)
        assert sorted(p.relative_to(site) for p in site.rglob("*")) == before


def test_a_site_into_the_current_folder(ledger, tmp_path, monkeypatch):
    """``--out .`` was an internal error (a folder with no name)."""
    worked(ledger)
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    ledger.ok("report", "--format", "site", "--out", ".")
    assert (here / "index.html").is_file() and (here / ".ledger-site").is_file()
    assert Path.cwd() == here and here.is_dir()
    ledger.ok("report", "--format", "site", "--out", ".", "--force")
    (here / "mine.txt").write_text("x")
    monkeypatch.chdir(tmp_path)
    res = ledger.run("report", "--format", "site", "--out", "here/.", "--force")
    assert res.exit_code == 0 and (here / "mine.txt").read_text() == "x"
    res = ledger.run("report", "--format", "site", "--out", "/")
    assert res.exit_code == 1 and "root" in one_line_error(res)


def test_crafted_analyst_names_get_pages_of_their_own(ledger, tmp_path):
    """``Bob``, ``bob`` and ``Bob 81b637d8`` (sha256("bob")[:8]) got one page name and the
    site failed with "File exists" (issue 26 #5). Names now match in any case, so ``Bob`` and
    ``bob`` can only both be in a ledger written before that rule (or behind the tool's back,
    as here); their pages still never collide."""
    from helpers import sql

    crafted = ["Bob", "bob", "Bob 81b637d8", "bob-cd9fb1e1", "con", "CON", "日本",
               "bob 81b637d8fcd2c6da"]
    for name in crafted:
        sql(ledger.target, "INSERT INTO analyst (name, created_at) VALUES (:n, :t)", n=name,
            t="2015-01-01 00:00:00.000000")
    for i, name in enumerate(crafted):
        ledger.ok("add", f"Call {i}", "--key", f"c{i}", "--author", name, "--made",
                  "2015-01-01", "--due", "2099-01-01")
    site = tmp_path / "site"
    ledger.ok("report", "--format", "site", "--out", str(site))
    from ledger.scorecard.pages import analyst_files

    files = analyst_files([*crafted, "tester"])
    assert len(set(files.values())) == len(crafted) + 1
    assert files == analyst_files(["tester", *reversed(crafted)])  # same names, same pages
    for name in crafted:
        page = (site / "analysts" / files[name]).read_text()
        assert html.escape(name) in page


@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=30))
def test_analyst_page_names_are_unique_for_any_names(names):
    from ledger.scorecard.pages import RESERVED, analyst_files

    files = analyst_files(names)
    assert set(files) == set(names)
    assert len(set(files.values())) == len(files)
    assert all(f[:-5] not in RESERVED and f.endswith(".html") for f in files.values())
    assert files == analyst_files(sorted(names, reverse=True))


def test_a_report_reads_one_moment_while_others_write(ledger, tmp_path):
    """The scorecard read the ledger in four transactions, so a forecast written meanwhile
    could be in the call tables but not in the headline (issue 25 #5). Now the headline, the
    calls and the claims' stories come from one snapshot: a claim added and a forecast made by
    another connection half-way through are in none of them, and the headline's counts equal
    what the pages list."""
    from ledger.api import Ledger as Library
    from ledger.scorecard.build import Request
    from ledger.scorecard.site import Scorecard
    from ledger.store.engine import Store

    worked(ledger)
    if ledger.is_sqlite:  # readers and a writer at once: WAL (a rollback journal would make
        ledger.ok("db", "journal", "wal")  # the writer wait for the report instead)
    store = Store(ledger.target)
    writer = Library(ledger.target, actor="writer", new_analysts=True)
    try:
        with store.snapshot() as conn:
            sc = Scorecard(conn, Request(as_of=date.today()))
            writer.add_claim("Written mid-report", key="late", made_on=date.today(),
                             due_on=date(2099, 1, 1), author="Ann")
            writer.forecast("d", 0.8, by="Bob", on=date.today())
            stories = list(sc.stories())
        keys = {s["key"] for s in stories}
        assert keys == {"a", "b", "c", "d"}
        bob_on_d = [f for s in stories if s["key"] == "d" for f in s["forecasts"]
                    if f["by"] == "Bob"]
        assert bob_on_d == []
        counts = sc.report["overall"]["counts"]
        assert counts["scored"] == sum(1 for c in sc.calls["Ann"] if c.brier is not None) \
            + sum(1 for c in sc.calls.get("Bob", []) if c.brier is not None)
        assert len(sc.claim_rows) == 4
        # and the next report sees both
        assert "late" in {r["key"] for r in ledger.json("list")}
    finally:
        writer.close()
        store.dispose()
