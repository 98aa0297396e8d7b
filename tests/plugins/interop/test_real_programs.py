"""Importers and exporters against the real programs: Watson (pip), Timewarrior and hledger (Debian)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from helpers import Seed, one_line_error

WATSON = shutil.which("watson", path=str(Path(sys.executable).parent)) or shutil.which("watson")
TIMEW = shutil.which("timew")
HLEDGER = shutil.which("hledger")
TJ3 = shutil.which("tj3")
needs_watson = pytest.mark.skipif(not WATSON, reason="Watson is not installed (pip install td-watson)")
needs_timew = pytest.mark.skipif(not TIMEW, reason="timew is not installed (apt-get install timewarrior)")
needs_tj3 = pytest.mark.skipif(not TJ3, reason="TaskJuggler is not installed (apt-get install tj3)")
needs_hledger = pytest.mark.skipif(not HLEDGER, reason="hledger is not installed (apt-get install hledger)")


def hours_logged(seed: Seed) -> dict[tuple[str, str], Fraction]:
    """Hours per (date, phase) as engage counts them (days times the schedule's 8 hours)."""
    totals: dict[tuple[str, str], Fraction] = {}
    for entry in json.loads(seed.run("entries", "--format", "json").stdout):
        key = (entry["date"], entry["phase"])
        totals[key] = totals.get(key, Fraction(0)) + Fraction(entry["days"]).limit_denominator(10**6) * 8
    return totals


# --- Watson -----------------------------------------------------------------------------------------


def watson(folder: Path, *args: str) -> str:
    env = {**os.environ, "WATSON_DIR": str(folder), "TZ": "UTC"}
    done = subprocess.run([WATSON, *args], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@needs_watson
def test_a_month_of_watson_frames_moves_with_one_command(ijm: Seed, tmp_path: Path) -> None:
    folder = tmp_path / "watson"
    folder.mkdir()
    # Times are UTC (TZ=UTC for watson); Nairobi is UTC+3.
    watson(folder, "add", "-f", "2021-11-16 23:30", "-t", "2021-11-17 01:00", "ijm", "+desk")
    watson(folder, "add", "-f", "2021-11-17 06:00", "-t", "2021-11-17 10:15", "ijm", "+desk")
    watson(folder, "add", "-f", "2021-11-23 06:00", "-t", "2021-11-23 14:00", "ijm", "+retreat")
    watson(folder, "add", "-f", "2021-11-29 07:00", "-t", "2021-11-29 09:20", "ijm")
    frames = folder / "frames"
    args = (
        "import",
        "--from",
        "watson",
        str(frames),
        "--map",
        "ijm+desk=prep",
        "--map",
        "ijm+retreat=retreat",
    )

    unmapped = ijm.run(*args)
    one_line_error(unmapped, "no phase for 'ijm'", "--map SOURCE=PHASE")
    assert not ijm.ledger.exists()

    result = ijm.run(*args, "--map", "ijm=writeup")
    assert result.exit_code == 0, result.stderr
    assert "Imported 4 entries" in result.stdout
    # Watson's own total for the month, in seconds, is the hours engage reports.
    report = json.loads(watson(folder, "report", "--json", "--from", "2021-11-01", "--to", "2021-11-30"))
    assert "That is 16.08 hours (16h 05m)" in result.stdout
    assert sum(hours_logged(ijm).values()) == Fraction(round(report["time"]), 3600) == Fraction(193, 12)
    # The frame at 23:30 UTC on the 16th is on the 17th in Nairobi, the engagement's zone.
    assert hours_logged(ijm) == {
        ("2021-11-17", "prep"): Fraction(23, 4),
        ("2021-11-23", "retreat"): Fraction(8),
        ("2021-11-29", "writeup"): Fraction(7, 3),
    }

    before = ijm.ledger.read_bytes()
    again = ijm.run(*args, "--map", "ijm=writeup")
    assert again.exit_code == 0 and "already in the ledger" in again.stdout
    assert ijm.ledger.read_bytes() == before  # a re-import adds nothing
    from_folder = [str(folder) if a == str(frames) else a for a in args]  # $WATSON_DIR works too
    assert "already in the ledger" in ijm.run(*from_folder, "--map", "ijm=writeup").stdout
    assert ijm.ledger.read_bytes() == before

    watson(folder, "add", "-f", "2021-11-30 07:00", "-t", "2021-11-30 08:00", "ijm")
    more = ijm.run(*args, "--map", "ijm=writeup")
    assert "Imported 1 entry" in more.stdout and "4 already imported" in more.stdout
    assert hours_logged(ijm)[("2021-11-30", "writeup")] == 1


EDIT_STOP = """
import json, sys
frame = json.load(open(sys.argv[1]))
frame["stop"] = frame["stop"].replace("10:15", "11:15")
json.dump(frame, open(sys.argv[1], "w"))
"""


@needs_watson
def test_a_frame_edited_in_watson_since_its_import_is_reported_not_counted_twice(
    ijm: Seed, tmp_path: Path
) -> None:
    folder = tmp_path / "watson"
    folder.mkdir()
    watson(folder, "add", "-f", "2021-11-18 06:00", "-t", "2021-11-18 10:15", "ijm")
    args = ("import", "--from", "watson", str(folder / "frames"), "--map", "ijm=prep")
    assert ijm.run(*args).exit_code == 0
    [entry] = json.loads(ijm.run("entries", "--format", "json").stdout)

    editor = tmp_path / "edit.py"
    editor.write_text(EDIT_STOP)
    env = {**os.environ, "WATSON_DIR": str(folder), "TZ": "UTC", "EDITOR": f"{sys.executable} {editor}"}
    edited = subprocess.run([WATSON, "edit"], capture_output=True, text=True, env=env, timeout=60)
    assert edited.returncode == 0 and "to 11:15:00" in edited.stdout, edited.stderr

    before = ijm.ledger.read_bytes()
    one_line_error(
        ijm.run(*args), "frame 1", f"imported as entry {entry['id']}", f"engage void {entry['id']}"
    )
    assert ijm.ledger.read_bytes() == before
    assert ijm.run("void", entry["id"], "--reason", "edited in Watson").exit_code == 0
    again = ijm.run(*args)
    assert "Imported 1 entry" in again.stdout and "5.25 hours" in again.stdout
    assert hours_logged(ijm) == {("2021-11-18", "prep"): Fraction(21, 4)}
    assert "already in the ledger" in ijm.run(*args).stdout


@needs_watson
def test_watson_round_trip_through_the_exporter(ijm: Seed, tmp_path: Path) -> None:
    for args in (
        ("1.5", "-p", "prep", "-d", "2021-11-16", "-n", "desk review"),
        ("3h", "-p", "retreat", "-d", "2021-11-23"),
    ):
        assert ijm.run("log", *args).exit_code == 0
    assert ijm.run("log", "2h", "-p", "prep", "-d", "2021-11-16", "-c", "Brian Kiptoo").exit_code == 0
    frames = tmp_path / "exported" / "frames"
    frames.parent.mkdir()
    frames.write_text(ijm.run("entries", "--format", "watson").stdout)
    # Watson itself reads the file: 12h + 2h on prep, 3h on retreat.
    report = json.loads(
        watson(frames.parent, "report", "--json", "--from", "2021-11-01", "--to", "2021-11-30")
    )
    assert {p["name"]: p["time"] / 3600 for p in report["projects"]} == {"prep": 14, "retreat": 3}

    fresh = ijm.path.with_name("fresh.toml")
    shutil.copy(ijm.path, fresh)
    copy = Seed("fresh", fresh)
    assert copy.run("import", "--from", "watson", str(frames)).exit_code == 0
    keep = ("date", "phase", "days", "consultant", "note")
    original = [{k: e[k] for k in keep} for e in json.loads(ijm.run("entries", "--format", "json").stdout)]
    again = [{k: e[k] for k in keep} for e in json.loads(copy.run("entries", "--format", "json").stdout)]
    assert sorted(again, key=str) == sorted(original, key=str)


# --- Timewarrior ------------------------------------------------------------------------------------


def timew(db: Path, *args: str) -> str:
    env = {**os.environ, "TIMEWARRIORDB": str(db), "TZ": "UTC"}
    done = subprocess.run([TIMEW, *args, ":yes"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


@pytest.fixture
def timew_db(tmp_path: Path) -> Path:
    db = tmp_path / "timew"
    (db / "data").mkdir(parents=True)
    (db / "timewarrior.cfg").write_text("")
    return db


@needs_timew
def test_timewarrior_export_imports_by_tag_in_the_engagement_zone(
    ijm: Seed, timew_db: Path, tmp_path: Path
) -> None:
    timew(timew_db, "track", "2021-11-16T23:30:00Z", "-", "2021-11-17T01:00:00Z", "desk", "ijm")
    timew(timew_db, "track", "2021-11-17T09:00:00Z", "-", "2021-11-17T12:30:00Z", "review", "ijm")
    timew(timew_db, "annotate", "@1", "Read the 2019 plan, with comments")
    timew(timew_db, "track", "2021-11-24T05:00:00Z", "-", "2021-11-24T13:00:00Z", "retreat")
    export = tmp_path / "timew.json"
    export.write_text(timew(timew_db, "export"))
    args = ("import", "--from", "timewarrior", str(export), "--map", "desk=prep", "--map", "review=prep")

    result = ijm.run(*args)
    assert result.exit_code == 0, result.stderr
    assert "That is 13.00 hours (13h 00m)" in result.stdout
    assert hours_logged(ijm) == {("2021-11-17", "prep"): Fraction(5), ("2021-11-24", "retreat"): Fraction(8)}
    notes = {e["note"] for e in json.loads(ijm.run("entries", "--format", "json").stdout)}
    assert "Read the 2019 plan, with comments" in notes

    before = ijm.ledger.read_bytes()
    assert "already in the ledger" in ijm.run(*args).stdout
    assert ijm.ledger.read_bytes() == before


@needs_timew
def test_timewarrior_open_interval_and_ambiguous_tags_write_nothing(
    ijm: Seed, timew_db: Path, tmp_path: Path
) -> None:
    timew(timew_db, "track", "2021-11-17T09:00:00Z", "-", "2021-11-17T12:00:00Z", "desk", "review")
    export = tmp_path / "timew.json"
    export.write_text(timew(timew_db, "export"))
    one_line_error(
        ijm.run(
            "import", "--from", "timewarrior", str(export), "--map", "desk=prep", "--map", "review=writeup"
        ),
        "interval 1",
        "map to different phases",
    )
    timew(timew_db, "start", "2021-11-18T09:00:00Z", "desk")
    export.write_text(timew(timew_db, "export"))
    one_line_error(
        ijm.run("import", "--from", "timewarrior", str(export), "--map", "desk=prep"),
        "interval 2",
        "still open",
    )
    assert not ijm.ledger.exists()


# --- hledger timedot --------------------------------------------------------------------------------


def hledger_totals(path: Path) -> dict[str, Fraction]:
    done = subprocess.run(
        [HLEDGER, "-f", f"timedot:{path}", "balance", "--flat", "-N", "-O", "csv"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))[1:]
    return {account: Fraction(amount) for account, amount in rows}


@needs_hledger
def test_timedot_export_is_read_by_hledger_with_the_same_totals(ijm: Seed, tmp_path: Path) -> None:
    for args in (
        ("1.5", "-p", "prep", "-d", "2021-11-16"),
        ("1h20m", "-p", "prep", "-d", "2021-11-16", "-n", "call; with a semicolon"),
        ("2", "-p", "retreat", "-d", "2021-11-23"),
        ("7m", "-p", "retreat", "-d", "2021-11-24"),
    ):
        assert ijm.run("log", *args).exit_code == 0
    exported = tmp_path / "engage.timedot"
    exported.write_text(ijm.run("entries", "--format", "timedot").stdout)
    engagement = "ijm-kenya-pap-2021"
    read_back = {account: round(float(hours), 2) for account, hours in hledger_totals(exported).items()}
    assert read_back == {f"{engagement}:prep": 13.33, f"{engagement}:retreat": 16.12}

    fresh = ijm.path.with_name("fresh.toml")
    shutil.copy(ijm.path, fresh)
    copy = Seed("fresh", fresh)
    assert copy.run("import", "--from", "timedot", str(exported)).exit_code == 0
    keep = ("date", "phase", "days", "consultant")
    original = [{k: e[k] for k in keep} for e in json.loads(ijm.run("entries", "--format", "json").stdout)]
    again = [{k: e[k] for k in keep} for e in json.loads(copy.run("entries", "--format", "json").stdout)]
    assert sorted(again, key=str) == sorted(original, key=str)


@needs_hledger
def test_timedot_white_space_before_an_amount_is_read_as_hledger_reads_it(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "tabs.timedot"
    path.write_text("2021-11-16\nprep\t\t1\nprep \t2\n")  # two white-space characters end an account
    assert hledger_totals(path) == {"prep": Fraction(3)}
    result = ijm.run("import", "--from", "timedot", str(path))
    assert result.exit_code == 0, result.stderr
    assert sum(hours_logged(ijm).values()) == 3
    single = tmp_path / "tab.timedot"
    single.write_text("2021-11-16\nprep\t1\n")  # one tab: part of the account name, and no amount
    assert sum(hledger_totals(single).values()) == 0
    one_line_error(ijm.run("import", "--from", "timedot", str(single)), "tab.timedot:2", "two spaces")


TIMEDOT = """\
# Written from hledger's manual, "Timedot format" (hledger 1.25, 'hledger help'; https://hledger.org/timedot.html).
* Time log
** 2021-11-16  desk review ; org-mode headline date
ijm:prep           .... .... ..      ; 2.5h in dots
ijm:admin          30m
ijm:prep           1.25
errands

2021/11/17
  ijm:retreat:travel  .... ....
  ijm:retreat         2h   ; consultant:Test Consultant
  ijm:prep            90m
"""


@needs_hledger
def test_timedot_import_agrees_with_hledger_reading_the_same_file(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "work.timedot"
    path.write_text(TIMEDOT)
    unmapped = ijm.run("import", "--from", "timedot", str(path))
    one_line_error(unmapped, "'ijm:admin'", "work.timedot:5")
    result = ijm.run("import", "--from", "timedot", str(path), "--map", "ijm:admin=prep")
    assert result.exit_code == 0, result.stderr
    # hledger's totals per top account equal engage's, in hours.
    total = sum(hledger_totals(path).values())
    assert total == sum(hours_logged(ijm).values()) == Fraction(39, 4)
    assert hours_logged(ijm) == {
        ("2021-11-16", "prep"): Fraction(17, 4),
        ("2021-11-17", "retreat"): Fraction(4),
        ("2021-11-17", "prep"): Fraction(3, 2),
    }


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("2021-11-16\nijm:prep  ....\nijm:prep  lots\n", ["bad.timedot:3", "'lots'"]),
        ("2021-11-16\nijm:prep  ....\nijm:prep 2h\n", ["bad.timedot:3", "two spaces"]),
        ("ijm:prep  ....\n", ["bad.timedot:1", "before any date line"]),
        ("2021-02-30\nijm:prep  ....\n", ["bad.timedot:1", "not a date"]),
    ],
)
def test_timedot_bad_lines_are_named(ijm: Seed, tmp_path: Path, text: str, fragments: list[str]) -> None:
    path = tmp_path / "bad.timedot"
    path.write_text(text)
    one_line_error(ijm.run("import", "--from", "timedot", str(path)), *fragments)
    assert not ijm.ledger.exists()


# --- TaskJuggler ------------------------------------------------------------------------------------

PLAN = """\
project ijm "IJM" 2021-11-15 +2m {
  timezone "Africa/Nairobi"
  now 2021-12-31
  timingresolution 20min
}
resource amina_otieno "Amina Otieno"
resource brian "Brian"
task ijm_kenya_pap_2021 "IJM" {
  task prep "Preparation" { effort 7d allocate amina_otieno }
  task retreat "Retreat" { effort 4d allocate brian }
}
include "actuals.tji"
taskreport "actuals" {
  formats csv
  columns id, effortdone
  loadunit hours
}
"""


@needs_tj3
def test_taskjuggler_reads_the_supplement_and_counts_the_same_hours(ijm: Seed, tmp_path: Path) -> None:
    for args in (
        ("1.5", "-p", "prep", "-d", "2021-11-16", "-c", "Amina Otieno"),
        ("1h20m", "-p", "prep", "-d", "2021-11-16", "-c", "Amina Otieno"),
        ("1", "-p", "prep", "-d", "2021-11-20", "-c", "Amina Otieno"),  # a Saturday: booked as overtime
        ("3h", "-p", "retreat", "-d", "2021-11-23", "-c", "Brian"),
    ):
        assert ijm.run("log", *args).exit_code == 0
    supplement = ijm.run("entries", "--format", "taskjuggler").stdout
    assert "timingresolution 20min" in supplement  # 1h20m needs it, and the header says so
    (tmp_path / "actuals.tji").write_text(supplement)
    (tmp_path / "plan.tjp").write_text(PLAN)
    done = subprocess.run(
        [TJ3, "--silent", "--no-color", "plan.tjp"], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = dict(csv.reader(io.StringIO((tmp_path / "actuals.csv").read_text()), delimiter=";"))
    assert float(rows["ijm_kenya_pap_2021.prep"]) == pytest.approx(12 + 4 / 3 + 8, abs=0.05)
    assert float(rows["ijm_kenya_pap_2021.retreat"]) == 3.0
    assert "supplement resource brian {\n  booking ijm_kenya_pap_2021.retreat" in supplement


TEAM_PLAN = (
    PLAN.replace(
        'resource amina_otieno "Amina Otieno"\nresource brian "Brian"\n',
        'resource ann_b "Ann B"\nresource ann_b_2 "Ann-B"\nresource ann_b_3 "ann b"\n',
    )
    .replace("allocate amina_otieno", "allocate ann_b")
    .replace("allocate brian", "allocate ann_b_2")
)


@needs_tj3
def test_taskjuggler_books_consultants_whose_ids_would_match_apart(ijm: Seed, tmp_path: Path) -> None:
    for person in ("Ann B", "Ann-B", "ann b"):
        assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16", "-c", person).exit_code == 0
    (tmp_path / "actuals.tji").write_text(ijm.run("entries", "--format", "taskjuggler").stdout)
    (tmp_path / "plan.tjp").write_text(TEAM_PLAN)
    done = subprocess.run(
        [TJ3, "--silent", "--no-color", "plan.tjp"], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rows = dict(csv.reader(io.StringIO((tmp_path / "actuals.csv").read_text()), delimiter=";"))
    assert float(rows["ijm_kenya_pap_2021.prep"]) == 24.0
