"""Importing other trackers' files: newer exports, refusals, options and hostile files.

The samples' own numbers are checked in test_import_samples.py; here, what a mature importer
must also do: overlapping pages add only what is new, a newer export updates what changed (and
the old state stays in the history), an unclear or broken file is refused with one line and
changes nothing.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import get_args

import pytest

from helpers import Ledger, one_line_error

SAMPLES = Path(__file__).resolve().parent / "import_samples"


def scores(lg: Ledger, *extra: str) -> dict[str, float]:
    return {g["key"]: g["brier"] for g in lg.json("report", *extra)["groups"]
            if g["counts"]["scored"]}


def test_overlapping_pages_add_only_what_is_new(ledger, tmp_path):
    lines = (SAMPLES / "predictionbook.csv").read_text().splitlines(keepends=True)
    first, second = tmp_path / "page1.csv", tmp_path / "page2.csv"
    first.write_text("".join(lines[:9]))
    second.write_text(lines[0] + "".join(lines[5:]))
    one = ledger.json("import", str(first))
    two = ledger.json("import", str(second))
    assert one["added"]["claims"] == 8 and two["added"]["claims"] == 4
    assert two["added"]["forecasts"] == 4 and two["skipped"]["already in the ledger"] > 0
    whole = Ledger(str(tmp_path / "whole.db"))
    whole.ok("db", "init")
    whole.ok("import", str(SAMPLES / "predictionbook.csv"))
    assert scores(ledger) == scores(whole)
    assert len(ledger.json("list")) == len(whole.json("list")) == 12


def newer_pb_export(tmp_path: Path) -> Path:
    """The JSON sample a month later: a judgement flipped, an open one judged, a text edited."""
    data = json.loads((SAMPLES / "predictionbook.json").read_text())
    by_id = {p["id"]: p for p in data["predictions"]}
    by_id[220011].update(outcome=False, last_judgement_at="2023-12-01T00:00:00.000Z")
    by_id[220013].update(outcome=True, last_judgement_at="2024-03-02T00:00:00.000Z")
    by_id[220012]["description_with_group"] += " (edited)"
    path = tmp_path / "later.json"
    path.write_text(json.dumps(data))
    return path


def test_a_newer_export_updates_what_changed_and_keeps_the_old_in_the_history(ledger,
                                                                               tmp_path):
    ledger.ok("import", str(SAMPLES / "predictionbook.json"))
    before = scores(ledger)
    later = ledger.json("import", str(newer_pb_export(tmp_path)))
    assert later["updated"] == {"claims": 1, "forecasts": 0, "resolutions": 1}
    assert later["added"]["resolutions"] == 1 and later["added"]["forecasts"] == 0
    story = ledger.json("show", "predictionbook:220011")
    assert [r["outcome"] for r in story["resolutions"]] == ["true", "false"]
    assert story["resolutions"][0]["superseded_at"] is not None
    assert ledger.json("show", "predictionbook:220012")["statement"].endswith("(edited)")
    assert scores(ledger) != before
    # the scorecard as it stood before the newer judgements is still reproducible
    assert scores(ledger, "--as-of", "2023-11-15") == scores(
        ledger, "--as-of", "2023-11-15")  # deterministic
    assert scores(ledger, "--as-of", "2023-11-15")["Ada Quill"] == pytest.approx(
        before["Ada Quill"])
    assert ledger.ok("db", "check").exit_code == 0
    again = ledger.json("import", str(newer_pb_export(tmp_path)))
    assert not any(again["added"].values()) and not any(again["updated"].values())


def test_a_moved_mean_updates_the_csv_forecast_and_unknown_never_unresolves(ledger, tmp_path):
    ledger.ok("import", str(SAMPLES / "predictionbook.csv"))
    text = (SAMPLES / "predictionbook.csv").read_text()
    newer = tmp_path / "newer.csv"
    # 214502's mean moved from 40 to 47; 211900's judgement was set back to unknown
    newer.write_text(text.replace(",214502,40,", ",214502,47,").replace(
        ",211900,80,true,,2023-08-21 08:00:00 +1000,", ",211900,80,,,2023-09-21 08:00:00 +1000,"))
    got = ledger.json("import", str(newer))
    assert got["updated"]["forecasts"] == 1 and got["added"]["forecasts"] == 0
    assert ledger.json("show", "predictionbook:214502")["forecasts"][0]["probability"] == 0.47
    assert ledger.json("show", "predictionbook:211900")["status"] == "true"
    assert got["skipped"]["judgements set back to unknown"] == 2
    assert ledger.ok("db", "check").exit_code == 0


def test_forecasts_made_after_the_outcome_are_kept_and_never_scored(ledger):
    ledger.ok("import", str(SAMPLES / "metaculus.zip"))
    story = ledger.json("show", "metaculus:31002")
    assert [f["probability"] for f in story["forecasts"]] == [0.4, 0.97]
    assert story["resolutions"][0]["known_on"] == "2025-02-14"


@pytest.mark.parametrize("content,needle", [
    ("", "is empty"),
    ("a,b,c\n1,2,3\n", "cannot tell the format"),
    ("{\"nothing\": 1}\n", "cannot tell the format"),
    ("\x00\x01\x02garbage", "cannot tell the format"),
])
def test_an_unclear_file_is_refused_without_from(ledger, tmp_path, content, needle):
    path = tmp_path / "mystery.csv"
    path.write_text(content)
    before = ledger.snapshot()
    res = ledger.run("import", str(path))
    assert res.exit_code == 1 and needle in one_line_error(res)
    assert ledger.snapshot() == before


@pytest.mark.parametrize("args,needle", [
    (["fatebook.csv", "predictionbook.csv"], "different formats"),
    (["fatebook.csv", "fatebook.csv", "--from", "fatebook"], "one file at a time"),
    (["predictionbook.csv", "--from", "fatebook"], "no column"),
    (["fatebook-import.csv", "--strict"], "--strict refuses the whole file"),
    (["gjp-survey_fcasts.csv", "--from", "gjp"], "ifps.csv"),
    (["iqisa-predictionbook.csv", "--from", "iqisa-gjp"], "not a number"),
    (["gjp-ifps.csv", "--from", "csv"], "no column for"),
    (["fatebook.csv", "--from", "csv", "--map", "Nope=statement"], "does not have"),
    (["fatebook.csv", "--from", "csv", "--map", "Question title=colour"], "is not a field"),
])
def test_a_wrong_file_for_its_format_is_refused_and_changes_nothing(ledger, args, needle):
    before = ledger.snapshot()
    full = [str(SAMPLES / a) if (SAMPLES / a).exists() else a for a in args]
    res = ledger.run("import", *full, user="me")
    assert res.exit_code == 1 and needle in one_line_error(res), res.stderr
    assert ledger.snapshot() == before


def test_broken_zips_and_json_are_refused_with_one_line(ledger, tmp_path):
    empty_zip = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty_zip, "w") as zf:
        zf.writestr("notes.txt", "hello")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    for path, fmt, needle in [(empty_zip, "metaculus", "no question_data.csv"),
                              (deep, "predictionbook", "not valid JSON"),
                              (bad, "metaculus", "cannot read bad.zip")]:
        res = ledger.run("import", str(path), "--from", fmt)
        assert res.exit_code == 1 and needle in one_line_error(res), res.stderr


def test_gjp_originals_with_cr_line_endings_and_cp1252_bytes_import_alike(ledger, tmp_path):
    ifps = (SAMPLES / "gjp-ifps.csv").read_bytes().replace(b"\n", b"\r")
    # a stray non-UTF-8 byte, and a CR inside a quoted field, as the Dataverse originals have
    ifps = ifps.replace(b"Examplia budget bill", b"Examplia budget bill \x8c", 1).replace(
        b'"(a) Yes, (b) No"', b'"(a) Yes,\r(b) No"', 1)
    (tmp_path / "ifps.csv").write_bytes(ifps)
    (tmp_path / "survey_fcasts.yr2.csv").write_bytes(
        (SAMPLES / "gjp-survey_fcasts.csv").read_bytes().replace(b"\n", b"\r\n"))
    got = ledger.json("import", str(tmp_path / "ifps.csv"),
                      str(tmp_path / "survey_fcasts.yr2.csv"))
    assert got["format"] == "gjp" and got["added"]["claims"] == 12
    assert any("cp1252" in w for w in got["warnings"])
    assert scores(ledger)["gjp:7001"] == pytest.approx(0.14494, abs=6e-7)


def test_who_and_tz_say_who_is_who_and_when(ledger):
    ledger.ok("import", str(SAMPLES / "fatebook.csv"), "--who", "Ada Quill=ada", "--tz",
              "+10:00")
    assert "ada" in scores(ledger) and "Ada Quill" not in scores(ledger)
    board = next(r for r in ledger.json("list") if r["statement"].startswith("Will the board"))
    assert board["made_on"] == "2024-05-24"  # 09:00 at +10:00 is the day before in UTC
    res = ledger.run("import", str(SAMPLES / "fatebook.csv"), "--tz", "Mars/Olympus")
    assert res.exit_code == 2 and "not a time zone" in one_line_error(res)
    res = ledger.run("import", str(SAMPLES / "fatebook.csv"), "--who", "Ada")
    assert res.exit_code == 2


def test_a_v1_fatebook_export_with_hidden_multiple_choice_leaves_it_out(ledger, tmp_path):
    head = ("Question title,Forecast created by,Forecast (scale = 0-1),Forecast created at,"
            "Question created by,Question created at,Question resolution,Question resolve by,"
            "Question resolved at,Your Brier score for this question,Your relative Brier score "
            "for this question,Question notes,Question shared with,Question shared publicly,"
            "Question comments")
    row = '"Which logo?","Ada",{p},2024-08-20 10:00:{s},"Ada",2024-08-20 09:00:0,"YES",' \
          '2024-09-01 00:00:0,2024-09-02 00:00:0,,,,"",false,""'
    binary = '"Rain?","Ada",0.3,2024-08-20 10:00:0,"Ada",2024-08-20 09:00:0,"NO",' \
             '2024-09-01 00:00:0,2024-09-02 00:00:0,,,,"",false,""'
    path = tmp_path / "v1.csv"
    path.write_text("\n".join([head, row.format(p=0.2, s=1), row.format(p=0.5, s=2),
                               row.format(p=0.3, s=3), binary]))
    got = ledger.json("import", str(path))
    assert got["added"]["claims"] == 1
    assert got["skipped"]["questions that look like multiple choice in a V1 export"] == 1
    assert got["skipped"]["forecasts on such questions"] == 3


def test_any_csv_with_default_names_and_a_map(ledger, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text(
        "Question,Made,Deadline,Chance,Analyst,Result,Resolved on,Tags\n"
        "Rates rise in Q1,2024-01-02,2024-03-31,70,ana,yes,2024-04-02,\"macro, rates\"\n"
        "Rates rise in Q1,2024-01-02,2024-03-31,55%,bo,,,\n"
        "Oil above 100,2024-01-05,2024-06-30,20,ana,no,2024-07-01,\n"
        "Strike ends,2024-01-05,2024-02-01,40,ana,maybe,,\n")
    got = ledger.json("import", str(path), "--from", "csv")
    assert got["added"]["claims"] == 2 and got["added"]["forecasts"] == 3
    assert got["skipped"] == {"rejected rows (outcome is not one of true, false, yes, no, "
                              "ambiguous, annulled)": 1}
    key = next(r["key"] for r in ledger.json("list") if r["statement"] == "Rates rise in Q1")
    story = ledger.json("show", key)
    assert key.startswith("csv:") and story["tags"] == ["csv", "macro", "rates"]
    assert sorted(f["probability"] for f in story["forecasts"]) == [0.55, 0.7]
    assert scores(ledger)["ana"] == pytest.approx(((0.7 - 1) ** 2 + 0.2**2) / 2)
    odd = tmp_path / "odd.csv"
    odd.write_text("Claim text,On,By when,P\nA call,2024-01-02,2024-02-01,0.25\n")
    got = ledger.json("import", str(odd), "--from", "csv", "--map", "Claim text=statement",
                      "--map", "On=made_on", "--map", "By when=due_on", "--map",
                      "P=probability", user="cy")
    assert got["added"]["forecasts"] == 1
    row = next(r for r in ledger.json("list") if r["statement"] == "A call")
    assert row["author"] == "cy" and row["probability"] == 0.25


def test_stdin_is_read_and_named(ledger):
    text = (SAMPLES / "fatebook.csv").read_text()
    res = ledger.run("import", "-", "--from", "fatebook", "--format", "json", input=text)
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["files"][0]["path"] == "<stdin>"


@pytest.mark.parametrize("sample", ["fatebook.csv", "predictionbook.csv", "ledger"])
def test_stdin_is_read_once_when_its_format_is_detected(ledger, tmp_path, sample):
    """Naming the format reads standard input; the import must still see every row."""
    if sample == "ledger":
        ledger.ok("add", "Rates rise", "--due", "2030", "--key", "rates")
        ledger.ok("forecast", "rates", "0.7")
        text = ledger.run("export").stdout
        other = Ledger(str(tmp_path / "other.db"))
        other.ok("db", "init")
    else:
        text, other = (SAMPLES / sample).read_text(), ledger
    res = other.run("import", "-", "--format", "json", input=text)
    assert res.exit_code == 0, res.stderr
    got = json.loads(res.stdout)
    assert got["rows"] > 0 and got["added"]["claims"] > 0
    assert got["files"][0]["path"] == "<stdin>"


def test_the_format_choices_are_the_importers_formats():
    from ledger.cli.options import ImportFormatChoice
    from ledger.importers import CHOICES

    assert set(get_args(ImportFormatChoice)) == set(CHOICES)


def test_claim_keys_may_hold_a_colon(ledger):
    ledger.ok("add", "A call", "--due", "2030", "--key", "team:call-1")
    assert ledger.json("show", "team:call-1")["key"] == "team:call-1"
    res = ledger.run("add", "A call", "--due", "2030", "--key", ":leading")
    assert res.exit_code == 2 and "is not valid" in one_line_error(res)


def test_the_readme_import_examples_are_real(ledger, tmp_path):
    """The README's dry-run example is what the tool prints for the Fatebook sample, and every
    format its examples name is one `--from` takes."""
    import re
    import shutil

    from ledger.importers import CHOICES

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("## Bringing your track record", 1)[1].split("\n## ", 1)[0]
    shown = re.search(r"```text\n\$ (ledger import .+?)\n(.+?)\n```", section, flags=re.S)
    assert shown is not None
    shutil.copy(SAMPLES / "fatebook.csv", tmp_path / "fatebook-forecasts.csv")
    res = ledger.ok("import", str(tmp_path / "fatebook-forecasts.csv"), "--dry-run")
    assert res.stdout.strip() == shown.group(2).strip()
    named = set(re.findall(r"--from ([a-z-]+)", section))
    assert named and named <= set(CHOICES)


@pytest.mark.parametrize("args", [["predictionbook.csv"], ["metaculus.zip", "--dry-run"],
                                  ["fatebook-import.csv"]])
def test_the_summary_validates_against_its_documented_schema(ledger, args):
    from test_json_vocabulary import check, schemas

    full = [str(SAMPLES / args[0]), *args[1:]]
    check(ledger.json("import", *full), schemas()["import-summary"])
    exported = ledger.ok("export").stdout
    path = Path("again.jsonl")
    path.write_text(exported)
    check(ledger.json("import", str(path)), schemas()["import-summary"])


def test_an_iqisa_metaculus_frame_needs_its_source_named(ledger, tmp_path):
    head = ("question_id,user_id,team_id,probability,answer_option,timestamp,outcome,open_time,"
            "close_time,resolve_time,time_open,n_opts,options,q_status,q_type\n")
    opts = '"(0) No, (1) Yes, (-1) Ambiguous, (None) Still open"'
    rows = [f"501.0,0,0.0,0.4,1,2020-01-02 00:00:00,1,2020-01-01,2020-06-01,2020-06-02,"
            f"152 days,2.0,{opts},resolved,0.0",
            f"501.0,17.0,0.0,0.8,1,2020-01-03 00:00:00,1,2020-01-01,2020-06-01,2020-06-02,"
            f"152 days,2.0,{opts},resolved,0.0",
            f"502.0,17.0,0.0,0.3,1,2020-02-03 00:00:00,-1,2020-02-01,2020-06-01,2020-06-02,"
            f"121 days,2.0,{opts},ambiguous,0.0"]
    path = tmp_path / "frame.csv"
    path.write_text(head + "\n".join(rows) + "\n")
    res = ledger.run("import", str(path))
    assert res.exit_code == 1 and "which iqisa loader" in one_line_error(res)
    got = ledger.json("import", str(path), "--from", "iqisa-metaculus")
    assert got["added"]["claims"] == 2 and got["added"]["forecasts"] == 2
    assert got["skipped"] == {"rows with no user (or the community series)": 1}
    status = {r["key"]: r["status"] for r in ledger.json("list")}
    assert status == {"metaculus-legacy:501": "true", "metaculus-legacy:502": "ambiguous"}
    assert scores(ledger) == {"metaculus:17": pytest.approx(0.04)}


@pytest.mark.parametrize("mutate,needle", [
    (lambda p: p.update(created_at="9999-12-31T23:00:00.000-05:00"), "rejected rows"),
    (lambda p: p["responses"][0].update(confidence=10**400), "rejected rows"),
    (lambda p: p["responses"][0].update(confidence="high"), "rejected rows"),
    (lambda p: p.update(id="abc"), "rejected rows"),
])
def test_hostile_predictionbook_values_are_rejected_rows(ledger, tmp_path, mutate, needle):
    data = json.loads((SAMPLES / "predictionbook.json").read_text())
    mutate(data["predictions"][0])
    path = tmp_path / "pb.json"
    path.write_text(json.dumps(data))
    got = ledger.json("import", str(path))
    assert any(why.startswith(needle) for why in got["skipped"])
    res = ledger.run("import", str(path), "--strict", "--dry-run")
    assert res.exit_code == 1 and "--strict" in one_line_error(res)


@pytest.mark.parametrize("args", [["/dev/zero"], ["/dev/zero", "--from", "metaculus"],
                                  ["/dev/zero", "--from", "fatebook"]])
def test_a_device_is_refused_before_anything_reads_it(ledger, args):
    res = ledger.run("import", *args)
    assert res.exit_code == 1 and "not a regular file" in one_line_error(res)


# -- zips as untrusted input ------------------------------------------------------------------

def _bomb(path: Path, member: str, size: int, head: bytes = b"") -> Path:
    """A zip whose ``member`` inflates to ``size`` bytes of one repeated line (about 1000:1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf, zf.open(member, "w") as fh:
        fh.write(head)
        line = b"1,2,3,4,5,6,7,8,9,10\n" * 50_000
        left = size - len(head)
        while left > 0:
            fh.write(line[:left])
            left -= len(line)
    return path


def _peak_mb(args: list[str]) -> tuple[int, str, float]:
    """Run the installed CLI in a child process and read its peak memory from the kernel."""
    import subprocess
    import sys

    from helpers import ledger_exe

    code = ("import resource, subprocess, sys\n"
            "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
            "sys.stdout.write(f'{p.returncode}\\n{peak}\\n' + p.stderr)\n")
    out = subprocess.run([sys.executable, "-c", code, ledger_exe(), *args],
                         capture_output=True, text=True, timeout=600).stdout
    rc, peak, err = out.split("\n", 2)
    return int(rc), err, float(peak)


HEAD = (SAMPLES / "metaculus" / "question_data.csv").read_bytes()


@pytest.mark.parametrize("member,size,needle", [
    ("question_data.csv", 400 * 1024**2, "would inflate"),  # 400 MB from about 400 KB
    ("forecast_data.csv", 1100 * 1024**2, "would inflate to"),  # past the archive's cap
])
def test_a_zip_bomb_is_refused_before_it_is_inflated(ledger, tmp_path, member, size, needle):
    """A 382 KB Metaculus zip took 2.4 GB for 11 s (issue 26 #4)."""
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        if member != "question_data.csv":
            zf.writestr("question_data.csv", HEAD)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf, zf.open(member, "w") as fh:
        fh.write(HEAD if member == "question_data.csv" else b"")
        line = b"1,2,3,4,5,6,7,8,9,10\n" * 50_000
        left = size
        while left > 0:
            fh.write(line[:left])
            left -= len(line)
    assert path.stat().st_size < 3 * 1024**2
    before = ledger.snapshot()
    code, err, peak = _peak_mb(["--db", ledger.target, "import", str(path)])
    assert code == 1 and needle in err and "limits:" in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert peak < 400, f"{peak} MB to refuse a {path.stat().st_size} byte zip"
    assert ledger.snapshot() == before


def test_a_member_that_inflates_a_thousand_times_is_refused(ledger, tmp_path):
    path = _bomb(tmp_path / "dense.zip", "question_data.csv", 30 * 1024**2, HEAD)
    res = ledger.run("import", str(path), "--from", "metaculus")
    assert res.exit_code == 1 and "times" in one_line_error(res)
    assert "limits:" in one_line_error(res)


def test_a_zipped_frame_is_read_and_a_wrong_zip_says_what_it_holds(ledger, tmp_path):
    """iqisa ships ``public.csv.zip``: it was refused as "not UTF-8 text", and any zip was
    taken for a Metaculus download (issue 26 #9)."""
    frame = SAMPLES / "iqisa-predictionbook.csv"
    zipped = tmp_path / "public.csv.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(frame, "public.csv")
    plain = Ledger(str(tmp_path / "plain.db"))
    plain.ok("db", "init")
    want = plain.json("import", str(frame), "--from", "iqisa-predictionbook")
    got = ledger.json("import", str(zipped), "--from", "iqisa-predictionbook")
    assert got["added"] == want["added"] and got["added"]["forecasts"] > 0
    other = Ledger(str(tmp_path / "detected.db"))
    other.ok("db", "init")
    assert other.json("import", str(zipped))["added"] == want["added"]  # detected inside
    res = ledger.run("import", str(zipped), "--from", "metaculus")
    assert res.exit_code == 1
    assert "holds public.csv: not a Metaculus download" in one_line_error(res)
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as zf:
        zf.writestr("a.csv", "x,y\n1,2\n")
        zf.writestr("b.txt", "hello")
        zf.writestr("c.csv", "x,y\n1,2\n")
    for args in ([str(two)], [str(two), "--from", "iqisa"]):
        res = ledger.run("import", *args)
        assert res.exit_code == 1 and "holds a.csv, b.txt, c.csv" in one_line_error(res)


def _iqisa_metaculus_frame(path: Path, stamps: list[str]) -> Path:
    head = ("question_id,user_id,team_id,probability,answer_option,timestamp,outcome,open_time,"
            "close_time,resolve_time,time_open,n_opts,options,q_status,q_type\n")
    opts = '"(0) No, (1) Yes, (-1) Ambiguous, (None) Still open"'
    rows = [f"{600 + i}.0,17.0,0.0,0.4,1,{stamp},1,{stamp[:10]} 00:00:00+00:00,"
            f"2021-06-01 00:00:00+00:00,2021-06-02 00:00:00+00:00,152 days,2.0,{opts},"
            f"resolved,0.0" for i, stamp in enumerate(stamps)]
    path.write_text(head + "\n".join(rows) + "\n")
    return path


def test_the_iqisa_metaculus_frame_is_read_in_central_european_time(ledger, tmp_path):
    """Its first forecasts land exactly one hour after opening in winter and two in summer:
    its zone-less times are Central European local time."""
    frame = _iqisa_metaculus_frame(tmp_path / "frame.csv",
                                   ["2020-01-15 01:00:00", "2020-07-15 02:00:00"])
    ledger.ok("import", str(frame), "--from", "iqisa-metaculus")
    times = {f["claim"]: f["recorded_at"] for f in _forecasts(ledger)}
    assert times == {"metaculus-legacy:600": "2020-01-15T00:00:00.000000+00:00",
                     "metaculus-legacy:601": "2020-07-15T00:00:00.000000+00:00"}
    utc = Ledger(str(tmp_path / "utc.db"))
    utc.ok("db", "init")
    utc.ok("import", str(frame), "--from", "iqisa-metaculus", "--tz", "UTC")
    times = {f["claim"]: f["recorded_at"] for f in _forecasts(utc)}
    assert times["metaculus-legacy:600"] == "2020-01-15T01:00:00.000000+00:00"


def _forecasts(lg: Ledger) -> list[dict]:
    return [json.loads(line) for line in lg.ok("export").stdout.splitlines()
            if json.loads(line)["type"] == "forecast"]


@pytest.mark.parametrize("made", ["0001-01-01T00:00+14:00", "9999-12-31T23:59-14:00"])
def test_a_date_pushed_past_the_calendar_by_its_zone_is_a_rejected_row(ledger, tmp_path, made):
    path = tmp_path / "sheet.csv"
    path.write_text(f"statement,made_on,due_on,probability,by\nRain,{made},2030-01-01,0.3,ann\n"
                    "Snow,2020-01-01,2030-01-01,0.2,ann\n")
    got = ledger.json("import", str(path), "--from", "csv")
    assert got["added"]["claims"] == 1 and any("out of range" in why or "made date" in why
                                               for why in got["skipped"])
    res = ledger.run("import", str(path), "--from", "csv", "--strict")
    assert res.exit_code == 1 and "Traceback" not in res.stderr


@pytest.mark.parametrize("field,value", [("version", 10**20), ("version", -(10**12)),
                                         ("revision", 2**31)])
def test_a_number_too_large_for_any_backend_is_one_line(ledger, tmp_path, field, value):
    """On PostgreSQL an import with ``version`` 10**20 was an internal error (integer out of
    range)."""
    ledger.ok("add", "A call", "--key", "c", "--due", "2030", "--made", "2020-01-01",
              "--author", "ana")
    ledger.ok("resolve", "c", "true", "--on", "2020-06-01", "--note", "seen")
    lines = [json.loads(x) for x in ledger.ok("export").stdout.splitlines()]
    for rec in lines:
        if field in rec:
            rec[field] = value
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    other = Ledger(ledger.target)
    before = other.snapshot()
    res = other.run("import", str(path))
    assert res.exit_code == 1 and "whole number up to" in one_line_error(res), res.stderr
    assert other.snapshot() == before


def test_an_imported_forecast_dated_after_the_outcome_is_kept_and_never_scored(ledger,
                                                                              tmp_path):
    """The README said import refuses such a forecast; it is kept (it happened on the platform
    or in the other ledger) and never scored, whatever order the file recorded them in; the
    README and `import --help` now say exactly that (issue 25 #6)."""
    def at(day: str) -> str:
        return f"{day}T12:00:00.000000+00:00"

    recs = [
        {"type": "analyst", "name": "ann", "affiliation": None, "created_at": at("2024-01-01")},
        {"type": "claim", "key": "k", "statement": "A call", "quote": None, "source": None,
         "author": "ann", "subject": None, "tags": [], "made_on": "2024-01-01",
         "due_on": "2024-06-01", "due_basis": "stated", "due_note": None, "criteria": None,
         "withdrawn_on": None, "withdrawn_note": None, "withdrawn_at": None,
         "recorded_by": "ann", "recorded_at": at("2024-01-01"), "version": 1},
        {"type": "forecast", "id": "k#1", "claim": "k", "by": "ann", "made_on": "2024-01-02",
         "probability": 0.2, "given": "0.2", "mapped": False, "phrase": None, "band": None,
         "vague": False, "note": None, "recorded_by": "ann", "recorded_at": at("2024-01-02")},
        {"type": "forecast", "id": "k#2", "claim": "k", "by": "ann", "made_on": "2024-03-05",
         "probability": 0.99, "given": "0.99", "mapped": False, "phrase": None, "band": None,
         "vague": False, "note": None, "recorded_by": "ann", "recorded_at": at("2024-03-05")},
        {"type": "resolution", "id": "k#r1", "claim": "k", "revision": 1, "outcome": "true",
         "known_on": "2024-03-01", "rationale": "seen", "resolved_by": "ann",
         "recorded_at": at("2024-03-10"), "superseded_at": None, "superseded_note": None,
         "evidence": [], "readings": None},
    ]
    path = tmp_path / "late.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs))
    ledger.ok("import", str(path))
    assert [f["probability"] for f in ledger.json("show", "k")["forecasts"]] == [0.2, 0.99]
    [ann] = [g for g in ledger.json("report")["groups"] if g["key"] == "ann"]
    assert ann["brier"] == pytest.approx((0.2 - 1) ** 2)  # the 0.99 after the outcome: unscored
    assert ann["counts"]["scored"] == 1
    res = ledger.run("forecast", "k", "0.99", "--by", "ann", "--on", "2024-03-06")
    assert res.exit_code == 1 and "outcome" in one_line_error(res)  # the CLI refuses it
    assert "after the outcome was known is kept" in ledger.ok("import", "--help").stdout
