"""Watson frames and Timewarrior intervals: split at the engagement's midnight, running frames named, overflows refused."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from helpers import Seed, one_line_error
from helpers.trackers import import_file, per_day

NAIROBI = dt.timezone(dt.timedelta(hours=3))  # the IJM seed's zone (Africa/Nairobi, no DST)
ENGAGE = Path(sys.executable).with_name("engage")
TIMEW = shutil.which("timew")
WATSON = shutil.which("watson", path=str(Path(sys.executable).parent)) or shutil.which("watson")
needs_timew = pytest.mark.skipif(not TIMEW, reason="timew is not installed (apt-get install timewarrior)")
needs_watson = pytest.mark.skipif(not WATSON, reason="Watson is not installed (pip install td-watson)")


# --- intervals across midnight ------------------------------------------------------------------------


def test_timewarrior_interval_across_midnight_is_split_at_the_engagements_midnight(
    ijm: Seed, tmp_path: Path
) -> None:
    path = tmp_path / "timew.json"
    # 20:00-23:30 UTC on the 16th is 23:00-02:30 in Nairobi: 1h on the 16th, 2h30m on the 17th.
    path.write_text(
        json.dumps([{"id": 1, "start": "20211116T200000Z", "end": "20211116T233000Z", "tags": ["prep"]}])
    )
    out = import_file(ijm, "timewarrior", path)
    assert "That is 3.50 hours" in out
    assert per_day(ijm) == {"2021-11-16": Fraction(1), "2021-11-17": Fraction(5, 2)}
    assert "Nothing new" in ijm.run("import", "--from", "timewarrior", str(path)).stdout


def test_watson_frame_across_midnight_is_split_at_the_engagements_midnight(ijm: Seed, tmp_path: Path) -> None:
    start = dt.datetime(2021, 11, 16, 22, 0, tzinfo=NAIROBI)
    frames = [[int(start.timestamp()), int(start.timestamp()) + 4 * 3600, "prep", "a" * 32, [], 0]]
    path = tmp_path / "frames"
    path.write_text(json.dumps(frames))
    import_file(ijm, "watson", path)
    assert per_day(ijm) == {"2021-11-16": Fraction(2), "2021-11-17": Fraction(2)}
    assert "Nothing new" in ijm.run("import", "--from", "watson", str(path)).stdout


def test_watsons_running_frame_is_named_in_a_warning(ijm: Seed, tmp_path: Path) -> None:
    folder = tmp_path / "watson"
    folder.mkdir()
    start = dt.datetime(2021, 11, 16, 9, 0, tzinfo=NAIROBI)
    (folder / "frames").write_text(
        json.dumps([[int(start.timestamp()), int(start.timestamp()) + 3600, "prep", "b" * 32, [], 0]])
    )
    (folder / "state").write_text(
        json.dumps({"project": "prep", "start": int(start.timestamp()) + 7200, "tags": ["desk"]})
    )
    for given in (folder, folder / "frames"):
        result = ijm.run("import", "--from", "watson", str(given))
        assert result.exit_code == 0, result.stderr
        warning = [line for line in result.stderr.splitlines() if "running" in line]
        assert len(warning) == 1, result.stderr
        local = (start + dt.timedelta(hours=2)).astimezone()  # as Watson shows it: this machine's time
        assert "'prep'" in warning[0] and f"{local:%Y-%m-%d %H:%M %Z}" in warning[0], warning
        assert "watson stop" in warning[0]
    assert per_day(ijm) == {"2021-11-16": Fraction(1)}
    (folder / "state").write_text("{}")  # what Watson writes once it is stopped
    quiet = ijm.run("import", "--from", "watson", str(folder))
    assert quiet.exit_code == 0 and "running" not in quiet.stderr, quiet.stderr


@needs_watson
def test_watsons_own_running_frame_is_named(ijm: Seed, tmp_path: Path) -> None:
    assert WATSON
    folder = tmp_path / "watson"
    folder.mkdir()
    env = {**os.environ, "WATSON_DIR": str(folder), "TZ": "Africa/Nairobi"}
    for args in (
        ["add", "-f", "2021-11-16 09:00", "-t", "2021-11-16 10:00", "prep"],
        ["start", "prep", "+desk"],
    ):
        done = subprocess.run([WATSON, *args], capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
    result = ijm.run("import", "--from", "watson", str(folder))
    assert result.exit_code == 0, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if "still running" in line]
    assert "'prep' +desk" in warning and "not imported" in warning


# --- overflows ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("watson", '[[Infinity, Infinity, "prep", "x", [], 0]]'),
        ("watson", '[[1e20, 1e20, "prep", "x", [], 0]]'),
        ("watson", '[[-1e20, 0, "prep", "x", [], 0]]'),
        ("watson", '[[NaN, 0, "prep", "x", [], 0]]'),
        ("timewarrior", '[{"start": "99991231T230000Z", "end": "99991231T233000Z", "tags": ["prep"]}]'),
        ("watson", "[" * 100_000),
        ("timewarrior", "[" * 100_000 + "]" * 100_000),
    ],
)
def test_reader_overflows_are_one_line_input_errors(ijm: Seed, tmp_path: Path, fmt: str, text: str) -> None:
    path = tmp_path / "input.json"
    path.write_text(text)
    one_line_error(ijm.run("import", "--from", fmt, str(path)), "input.json")
    assert not ijm.ledger.exists()


# --- against the real programs, in the engagement's zone ----------------------------------------------


@needs_watson
def test_watson_report_and_engage_split_a_late_frame_alike(ijm: Seed, tmp_path: Path) -> None:
    assert WATSON
    folder = tmp_path / "watson"
    folder.mkdir()
    env = {**os.environ, "WATSON_DIR": str(folder), "TZ": "Africa/Nairobi"}

    def watson(*args: str) -> str:
        done = subprocess.run([WATSON, *args], capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    watson("add", "-f", "2021-11-16 21:15", "-t", "2021-11-17 02:45", "prep")
    import_file(ijm, "watson", folder)
    reported = {
        day: Fraction(round(json.loads(watson("report", "--json", "--from", day, "--to", day))["time"]), 3600)
        for day in ("2021-11-16", "2021-11-17")
    }
    assert reported == per_day(ijm) == {"2021-11-16": Fraction(11, 4), "2021-11-17": Fraction(11, 4)}


@needs_timew
def test_timew_summary_and_engage_split_a_late_interval_alike(ijm: Seed, tmp_path: Path) -> None:
    assert TIMEW
    db = tmp_path / "timew"
    (db / "data").mkdir(parents=True)
    (db / "timewarrior.cfg").write_text("")
    env = {**os.environ, "TIMEWARRIORDB": str(db), "TZ": "Africa/Nairobi"}

    def timew(*args: str) -> str:
        done = subprocess.run([TIMEW, *args, ":yes"], capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr + done.stdout
        return done.stdout

    timew("track", "2021-11-16T20:00:00", "-", "2021-11-17T01:30:00", "prep")
    export = tmp_path / "timew.json"
    export.write_text(timew("export"))
    import_file(ijm, "timewarrior", export)

    def summary(day: str, following: str) -> Fraction:
        h, m, sec = (
            int(g) for g in re.findall(r"(\d+):(\d\d):(\d\d)", timew("summary", day, "-", following))[-1]
        )
        return Fraction(h * 3600 + m * 60 + sec, 3600)

    reported = {
        "2021-11-16": summary("2021-11-16", "2021-11-17"),
        "2021-11-17": summary("2021-11-17", "2021-11-18"),
    }
    assert reported == per_day(ijm) == {"2021-11-16": Fraction(4), "2021-11-17": Fraction(3, 2)}


def test_installed_engage_reports_an_overflow_in_one_line(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "frames"
    path.write_text('[[1e20, 1e20, "prep", "x", [], 0]]')
    env = {**os.environ, "ENGAGE_CONSULTANT": "Test Consultant"}
    env.pop("ENGAGE_TRACEBACK", None)
    done = subprocess.run(
        [str(ENGAGE), "-s", str(ijm.path), "import", "--from", "watson", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"{path}: frame 1" in lines[0] and "out of range" in lines[0]
    assert not ijm.ledger.exists()
