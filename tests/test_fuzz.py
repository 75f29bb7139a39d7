"""Fuzzing the promise: random option values on the real CLI, and random changes to the lines
of a real export, never end in an internal error. Every run exits 0, 1, 2 or 3; a failure is
one line on stderr with no traceback and leaves the ledger byte for byte as it was.

CI runs a few examples (LEDGER_FUZZ_EXAMPLES, default 25 per test); run more by hand:
``LEDGER_FUZZ_EXAMPLES=2000 .venv/bin/pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import Ledger

EXAMPLES = int(os.environ.get("LEDGER_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

_STATE: dict[str, Ledger] = {}


def _ledger() -> Ledger:
    """One seeded SQLite ledger for the whole module (changes that succeed are kept)."""
    if "lg" not in _STATE:
        folder = Path(tempfile.mkdtemp(prefix="ledger-fuzz-"))
        lg = Ledger(str(folder / "fuzz.db"))
        lg.ok("db", "init")
        lg.ok("seed")
        _STATE["lg"] = lg
        _STATE["export"] = lg.ok("export").stdout  # type: ignore[assignment]
    return _STATE["lg"]


def _promise(lg: Ledger, args: list[str], env: dict[str, str] | None = None) -> None:
    before = lg.snapshot()
    res = lg.run(*args, env=env)
    assert res.exit_code in (0, 1, 2, 3), (args, res.exit_code, res.stderr)
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr, (args,
                                                                                  res.stderr)
    if res.exit_code != 0:
        lines = res.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, res.stderr)
        assert lg.snapshot() == before, args


VALUE = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "0", "-1", "1e309", "nan", "inf", "99999999999999999999", "²",
                     "2015-02-30", "0001-01-01T00:00+14:00", "9999-12-31", "end of 2015",
                     "70%", "7:3", "likely", "1.5", "xiaomi-us-market-entry", "3", "../x",
                     "\x1b[31m", "a\x00b", "\u202e", "<img src=x>", "=cmd", "$x$"]),
)
COMMANDS = [
    ("add", ["STATEMENT"], ["--key", "--made", "--due", "--prob", "--author", "--tag",
                            "--subject", "--due-basis", "--due-note", "--source", "--quote"]),
    ("forecast", ["CLAIM", "P"], ["--on", "--by", "--note"]),
    ("evidence", ["CLAIM", "SUMMARY"], ["--on", "--stance", "--url"]),
    ("resolve", ["CLAIM", "OUTCOME"], ["--on", "--note", "--evidence", "--alt", "--alt-note"]),
    ("withdraw", ["CLAIM"], ["--on", "--note"]),
    ("edit", ["CLAIM"], ["--statement", "--made", "--due", "--key", "--subject"]),
    ("show", ["CLAIM"], ["--format"]),
    ("list", [], ["--status", "--author", "--tag", "--format"]),
    ("due", [], ["--within", "--format"]),
    ("log", [], ["--limit", "--format"]),
    ("report", [], ["--as-of", "--period", "--group-by", "--every", "--format"]),
    ("source add", ["TITLE"], ["--key", "--published", "--author", "--outlet", "--url"]),
    ("db grace", ["DAYS"], ["--note"]),
    ("db check", [], ["--anchor"]),
]


@st.composite
def invocation(draw):
    name, positional, options = draw(st.sampled_from(COMMANDS))
    args = name.split() + [draw(VALUE) for _ in positional]
    for opt in draw(st.lists(st.sampled_from(options), max_size=4)):
        args += [opt, draw(VALUE)]
    return args


@FUZZ
@given(invocation())
def test_random_option_values_keep_the_promise(args):
    _promise(_ledger(), args)


@FUZZ
@given(st.sampled_from(["--wait", "--as"]), VALUE, st.sampled_from(["list", "report"]))
def test_random_global_options_keep_the_promise(opt, value, command):
    _promise(_ledger(), [opt, value, command])


JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=20)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                               max_size=3),
    max_leaves=5,
)


@st.composite
def mutated_export(draw):
    _ledger()
    lines = _STATE["export"].splitlines()  # type: ignore[attr-defined]
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["field", "drop", "garbage", "duplicate"]))
        if kind == "drop":
            lines.pop(i)
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "garbage":
            lines[i] = draw(st.text(max_size=40))
        else:
            try:
                rec = json.loads(lines[i])
            except ValueError:  # an earlier step made it garbage
                continue
            if not isinstance(rec, dict) or not rec:
                continue
            field = draw(st.sampled_from(sorted(rec)))
            rec[field] = draw(JSON_VALUE)
            lines[i] = json.dumps(rec)
        if not lines:
            lines = ['{"format":1,"type":"ledger"}']
    return "\n".join(lines) + "\n"


@FUZZ
@given(mutated_export())
def test_random_changes_to_an_export_keep_the_promise(text):
    lg = _ledger()
    path = Path(lg.target).with_name("mutated.jsonl")
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _promise(lg, ["import", str(path)])


# -- shared files: the team's ledger.toml and a site's manifest -------------------------------

TOML_KEY = st.one_of(st.sampled_from(["pager", "phrases", "timezone", "wait", "db", "user",
                                      "smtp", "smtp.host", "smtp.port", "smtp.from",
                                      "smtp.starttls", "smtp.user", "smtp.password", "x"]),
                     st.text(max_size=8))
TOML_VALUE = st.one_of(VALUE, st.integers(), st.booleans(), st.floats(),
                       st.sampled_from(['"sh -c \\"touch PWNED\\""', '"/etc/passwd"',
                                        '"../x.toml"', "[1, 2]", "{a = 1}", "[" * 500]))


@st.composite
def team_file(draw) -> bytes:
    """A ledger.toml: lines of keys and values (quoted or not, some not TOML at all), tables,
    or raw bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=200))
    lines = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            lines.append(f"[{draw(TOML_KEY)}]")
        else:
            value = draw(TOML_VALUE)
            shown = json.dumps(value) if isinstance(value, str) and kind == 1 else str(value)
            lines.append(f"{draw(TOML_KEY)} = {shown}")
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@FUZZ
@given(team_file(), st.sampled_from([["list"], ["report"], ["due"], ["config", "get"]]))
def test_any_team_file_keeps_the_promise_and_runs_nothing(content, command):
    lg = _ledger()
    folder = Path(lg.target).parent
    team = folder / "ledger.toml"
    team.write_bytes(content)
    try:
        _promise(lg, command, env={"LEDGER_PAGER": None, "PAGER": None})  # type: ignore[dict-item]
    finally:
        team.unlink()
    assert not (folder / "PWNED").exists() and not Path("PWNED").exists()


MANIFEST_LINE = st.one_of(
    st.text(max_size=60),
    st.builds(lambda d, n: f"{d}  {n}", st.sampled_from(["0" * 64, "f" * 64, "x"]),
              st.one_of(st.text(max_size=40),
                        st.sampled_from(["/etc/passwd", "../victim.txt", "claims/../../v",
                                         "//v", "index.html", "claims/", ".", "~/v"]))),
)


@FUZZ
@given(st.one_of(st.lists(MANIFEST_LINE, max_size=6).map(
                     lambda ls: "\n".join(["# ledger site manifest 2", *ls]).encode(
                         "utf-8", "surrogatepass")),
                 st.binary(max_size=100)))
def test_any_site_manifest_keeps_the_promise_and_removes_nothing_outside(content):
    lg = _ledger()
    folder = Path(lg.target).parent
    site, victim = folder / "site", folder / "victim.txt"
    if not site.exists():
        lg.ok("report", "--format", "site", "--out", str(site))
    victim.write_text("keep")
    (site / ".ledger-site").write_bytes(content)
    _promise(lg, ["report", "--format", "site", "--out", str(site), "--force"])
    assert victim.read_text() == "keep"
    assert (site / "index.html").is_file()


# -- other trackers' files with hostile cells ---------------------------------------------------

SAMPLES = Path(__file__).resolve().parent / "import_samples"
#: (sample, --from): every CSV route an import takes
CSV_SAMPLES = [("predictionbook.csv", "predictionbook"), ("fatebook.csv", "fatebook"),
               ("fatebook-import.csv", "fatebook-sheet"), ("iqisa-gjp.csv", "iqisa-gjp"),
               ("iqisa-predictionbook.csv", "iqisa-predictionbook"),
               ("metaculus/question_data.csv", "metaculus"),
               ("metaculus/forecast_data.csv", "metaculus"), ("gjp-ifps.csv", "gjp")]
CELL = st.one_of(VALUE, st.sampled_from([
    "0001-01-01T00:00+14:00", "9999-12-31 23:59:59 -1400", "0000-00-00", "2024-02-30 25:61",
    "10" * 20, "-1e400", "1e-400", "NaN", "Infinity", "['a', ", "[" * 300, "None", "NULL",
    "1/1/1", "13/45/99", "abc@def", "\x00", '"', "binary", "numeric", "multiple_choice",
    "yes", "no", "annulled", "-1", "2147483648", "9223372036854775808"]))


@st.composite
def hostile_sheet(draw) -> tuple[str, str, str]:
    """A sample file with some cells replaced, and how to name it."""
    import csv
    import io

    name, fmt = draw(st.sampled_from(CSV_SAMPLES))
    rows = list(csv.reader(io.StringIO((SAMPLES / name).read_text(encoding="utf-8",
                                                                  errors="replace"))))
    for _ in range(draw(st.integers(1, 4))):
        r = draw(st.integers(1, max(1, len(rows) - 1)))
        if r < len(rows) and rows[r]:
            c = draw(st.integers(0, len(rows[r]) - 1))
            rows[r][c] = draw(CELL)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return name, fmt, out.getvalue()


@FUZZ
@given(hostile_sheet(), st.booleans())
def test_hostile_cells_in_other_trackers_files_keep_the_promise(sheet, zipped):
    import shutil
    import zipfile

    name, fmt, text = sheet
    lg = _ledger()
    work = Path(lg.target).parent / "hostile"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    if fmt == "metaculus":  # the download is a folder (or a zip) of three files
        for f in (SAMPLES / "metaculus").iterdir():
            shutil.copy(f, work / f.name)
        (work / Path(name).name).write_text(text, encoding="utf-8", errors="surrogatepass")
        target = work
        if zipped:
            target = work.with_suffix(".zip")
            with zipfile.ZipFile(target, "w") as zf:
                for f in work.iterdir():
                    zf.write(f, f.name)
    else:
        target = work / Path(name).name
        target.write_text(text, encoding="utf-8", errors="surrogatepass")
        if zipped:
            with zipfile.ZipFile(target.with_suffix(".zip"), "w") as zf:
                zf.write(target, target.name)
            target = target.with_suffix(".zip")
    args = ["import", str(target), "--from", fmt]
    if fmt == "gjp":
        args.insert(2, str(SAMPLES / "gjp-survey_fcasts.csv"))
    _promise(lg, [*args, "--dry-run"])
