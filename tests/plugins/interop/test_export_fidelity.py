"""Exports keep notes and days, and cannot be injected; timedot's decimal comma is read as hledger reads it."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from helpers import Seed, one_line_error
from helpers.trackers import entries, import_file

HLEDGER = shutil.which("hledger")
WATSON = shutil.which("watson", path=str(Path(sys.executable).parent)) or shutil.which("watson")
needs_hledger = pytest.mark.skipif(not HLEDGER, reason="hledger is not installed (apt-get install hledger)")
needs_watson = pytest.mark.skipif(not WATSON, reason="Watson is not installed (pip install td-watson)")
NAIROBI = dt.timezone(dt.timedelta(hours=3))  # the IJM seed's zone (Africa/Nairobi, no DST)


# --- timedot ------------------------------------------------------------------------------------------


@needs_hledger
def test_timedot_decimal_comma_reads_as_hledger_reads_it(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "comma.timedot"
    path.write_text("2021-11-16\nprep  0,25\nprep  1,5h\nwriteup  2,75\nfinal  1.\nfinal  ,5\n")
    out = import_file(ijm, "timedot", path)
    assert "That is 6.00 hours" in out
    hledger = subprocess.run([HLEDGER, "-f", str(path), "balance", "-N"], capture_output=True, text=True)
    assert hledger.returncode == 0, hledger.stderr
    assert hledger.stdout.split() == ["1.50", "final", "1.75", "prep", "2.75", "writeup"]


def test_timedot_export_keeps_notes_and_reads_them_back(ijm: Seed, tmp_path: Path) -> None:
    assert (
        ijm.run(
            "log", "2h", "-p", "prep", "--date", "2021-11-16", "-n", "Read the plan; 2 chapters, #1 and #2"
        ).exit_code
        == 0
    )
    exported = ijm.run("entries", "--format", "timedot")
    assert exported.exit_code == 0, exported.stderr
    assert "Read the plan" in exported.stdout
    other = Seed("ijm", shutil.copy(ijm.path, tmp_path / "other.toml") and tmp_path / "other.toml")
    path = tmp_path / "out.timedot"
    path.write_text(exported.stdout)
    import_file(other, "timedot", path, "ijm-kenya-pap-2021:prep=prep")
    assert [e["note"] for e in entries(other)] == ["Read the plan; 2 chapters, #1 and #2"]


INJECT = "x\n2021-11-16\nijm-kenya-pap-2021:prep  24h\n; consultant:Mallory"


@needs_hledger
@pytest.mark.parametrize("where", ["title", "note"])
def test_timedot_export_cannot_be_injected(ijm: Seed, tmp_path: Path, where: str) -> None:
    if where == "title":
        ijm.rewrite(
            'title = "Facilitation',
            'title = "x\\n2021-11-16\\nijm-kenya-pap-2021:prep  24h\\u2028Facilitation',
        )
        note = "plain"
    else:
        note = INJECT + "\u2028x\u0085y\rz"
    assert ijm.run("log", "2h", "-p", "prep", "--date", "2021-11-16", "-n", note).exit_code == 0
    exported = ijm.run("entries", "--format", "timedot")
    if exported.exit_code != 0:  # refusing is allowed, with one line
        one_line_error(exported)
        return
    path = tmp_path / "out.timedot"
    path.write_text(exported.stdout)
    hledger = subprocess.run([HLEDGER, "-f", str(path), "balance", "-N"], capture_output=True, text=True)
    assert hledger.returncode == 0, hledger.stderr
    assert hledger.stdout.split() == ["2.00", "ijm-kenya-pap-2021:prep"]
    other = Seed("ijm", Path(shutil.copy(ijm.path, tmp_path / "other.toml")))
    out = import_file(other, "timedot", path, "ijm-kenya-pap-2021:prep=prep")
    assert "That is 2.00 hours" in out
    [entry] = entries(other)
    assert entry["consultant"] == "Test Consultant" and entry["note"] == note


def test_taskjuggler_export_comments_cannot_be_injected(ijm: Seed) -> None:
    # A guard: the ledger already folds a name's line breaks to spaces, so this passed before too.
    name = "Mallory\nsupplement resource r { booking p 2021-11-16-00:00 +24h }\u2028"
    assert ijm.run("log", "2h", "-p", "prep", "--date", "2021-11-16", "-c", name).exit_code == 0
    exported = ijm.run("entries", "--format", "taskjuggler")
    assert exported.exit_code == 0, exported.stderr
    bookings = [line for line in exported.stdout.splitlines() if line.strip().startswith("booking")]
    assert bookings == ["  booking ijm_kenya_pap_2021.prep 2021-11-16-09:00 +2h { overtime 2 }"]
    lines = exported.stdout.split("\n")
    assert not [line for line in lines if line.startswith("supplement resource r ")]  # no line injected
    assert exported.stdout.splitlines() == lines[:-1]  # no other line breaks (U+2028) either


# --- exports of days longer than 15 hours -------------------------------------------------------------


def local_days(frames: list[list[object]]) -> dict[str, Fraction]:
    totals: dict[str, Fraction] = {}
    for start, stop, *_ in frames:
        assert isinstance(start, int) and isinstance(stop, int)
        first = dt.datetime.fromtimestamp(start, NAIROBI)
        last = dt.datetime.fromtimestamp(stop - 1, NAIROBI)
        assert first.date() == last.date(), (first, last)
        key = first.date().isoformat()
        totals[key] = totals.get(key, Fraction(0)) + Fraction(stop - start, 3600)
    return totals


def test_watson_and_taskjuggler_exports_keep_a_long_day_on_its_day(ijm: Seed, tmp_path: Path) -> None:
    for hours, date in (("10h", "2021-11-16"), ("8h", "2021-11-16"), ("3h", "2021-11-17")):
        assert ijm.run("log", hours, "-p", "prep", "--date", date).exit_code == 0
    exported = ijm.run("entries", "--format", "watson")
    assert exported.exit_code == 0, exported.stderr
    assert local_days(json.loads(exported.stdout)) == {"2021-11-16": Fraction(18), "2021-11-17": Fraction(3)}
    tj = ijm.run("entries", "--format", "taskjuggler")
    assert tj.exit_code == 0, tj.stderr
    booked: dict[str, int] = {}
    for line in tj.stdout.splitlines():
        if line.strip().startswith("booking"):
            _, _, when, length, *_ = line.split()
            day, clock = when[:10], when[11:]
            minutes = int(length[1:-1]) * 60 if length.endswith("h") else int(length[1:-3])
            assert int(clock[:2]) * 60 + int(clock[3:]) + minutes <= 24 * 60, line
            booked[day] = booked.get(day, 0) + minutes
    assert booked == {"2021-11-16": 18 * 60, "2021-11-17": 3 * 60}


def test_exports_refuse_a_day_longer_than_a_day(ijm: Seed) -> None:
    for hours in ("20h", "6h"):
        assert ijm.run("log", hours, "-p", "prep", "--date", "2021-11-16").exit_code == 0
    for fmt in ("watson", "taskjuggler"):
        one_line_error(ijm.run("entries", "--format", fmt), "2021-11-16", "26")


@needs_watson
def test_watson_reports_the_long_day_on_its_day(ijm: Seed, tmp_path: Path) -> None:
    for hours in ("10h", "8h"):
        assert ijm.run("log", hours, "-p", "prep", "--date", "2021-11-16").exit_code == 0
    folder = tmp_path / "watson"
    folder.mkdir()
    (folder / "frames").write_text(ijm.run("entries", "--format", "watson").stdout)
    env = {**os.environ, "WATSON_DIR": str(folder), "TZ": "Africa/Nairobi"}
    done = subprocess.run(
        [WATSON, "report", "--json", "--from", "2021-11-16", "--to", "2021-11-16"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert round(json.loads(done.stdout)["time"]) == 18 * 3600


@needs_hledger
def test_timedot_export_refuses_an_account_hledger_would_read_as_a_date(ijm: Seed) -> None:
    # hledger reads "2021-11-16:prep  2h" as a date line with a description: the 2h would vanish.
    ijm.rewrite('id = "ijm-kenya-pap-2021"', 'id = "2021-11-16"')
    assert ijm.run("log", "2h", "-p", "prep", "--date", "2021-11-16").exit_code == 0
    one_line_error(ijm.run("entries", "--format", "timedot"), "'2021-11-16'", "digit")
