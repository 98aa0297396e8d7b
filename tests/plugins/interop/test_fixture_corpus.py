"""The peers' own published example and test files, imported through the CLI, give the totals each tracker gives.

Every file in ``fixtures/`` comes from the tracker's repository (``fixtures/README.md`` names the
repository, path, commit and licence). Each is imported with ``engage import --from`` into a copy of
the IJM seed with one phase per project, tag or account, and engage's hours per day and per phase
are compared with what the tracker itself reports: Watson, Timewarrior and hledger are run here; klog
is not installed, so its figures are those its own tests assert. What engage cannot represent is
refused with one line giving the reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from helpers import Seed, copy_seed, one_line_error

FIXTURES = Path(__file__).parent / "fixtures"
ZONE = "Africa/Nairobi"  # the IJM seed's zone: the trackers are run in it, so that days agree
HLEDGER = shutil.which("hledger")
TIMEW = shutil.which("timew")
WATSON = shutil.which("watson", path=str(Path(sys.executable).parent)) or shutil.which("watson")
needs_hledger = pytest.mark.skipif(not HLEDGER, reason="hledger is not installed (apt-get install hledger)")
needs_timew = pytest.mark.skipif(not TIMEW, reason="timew is not installed (apt-get install timewarrior)")
needs_watson = pytest.mark.skipif(not WATSON, reason="Watson is not installed (pip install td-watson)")

Totals = dict[str, Fraction]


def seed_with_phases(tmp_path: Path, sources: list[str]) -> tuple[Seed, list[str]]:
    """The IJM seed with one more phase per source (``s1``, ``s2``…), and the ``--map`` options."""
    seed = copy_seed("ijm", tmp_path)
    keys = [f"s{number}" for number in range(1, len(sources) + 1)]
    extra = "".join(f'\n[[phases]]\nkey = "{key}"\nname = "Source {key}"\ndays = 100\n' for key in keys)
    seed.path.write_text(seed.text() + extra, encoding="utf-8")
    maps: list[str] = []
    for source, key in zip(sources, keys, strict=True):
        maps += ["--map", f"{source}={key}"]
    return seed, maps


def engage_totals(seed: Seed) -> tuple[Totals, Totals]:
    """Hours per day and per phase as engage counts them (days times the seed's 8 hours)."""
    result = seed.run("entries", "--format", "json")
    assert result.exit_code == 0, result.stderr
    days: Totals = {}
    phases: Totals = {}
    for entry in json.loads(result.stdout):
        hours = Fraction(entry["days"]).limit_denominator(10**6) * 8
        days[entry["date"]] = days.get(entry["date"], Fraction(0)) + hours
        phases[entry["phase"]] = phases.get(entry["phase"], Fraction(0)) + hours
    return days, phases


def imported(seed: Seed, fmt: str, path: Path, maps: list[str]) -> str:
    result = seed.run("import", "--from", fmt, str(path), *maps)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def by_phase(totals: dict[str, Fraction], sources: list[str]) -> Totals:
    """Tracker totals keyed by the phase each source is mapped to."""
    return {f"s{number}": totals[source] for number, source in enumerate(sources, start=1)}


def hm(text: str) -> Fraction:
    """Hours in ``8h``, ``3h45m``, ``30m``."""
    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?", text)
    assert match, text
    return Fraction(int(match.group(1) or 0) * 60 + int(match.group(2) or 0), 60)


# --- klog: not installed; the figures are those klog's own tests assert ------------------------------

KLOG_IMPORTED = [
    # klog/app/cli/tags_test.go TestPrintTagsWithUnicodeCharacters: "#ascii 1h", "#üñïčöδę 2h".
    ("tags-unicode.klg", ["ascii", "üñïčöδę"], {"1995-03-17": "3h"}, {"ascii": "1h", "üñïčöδę": "2h"}),
    # klog/app/cli/print_test.go TestPrintOutRecordInCanonicalFormat: 9:00-13:00, 22:00 - 0:00>, 1h, 2h,
    # 0m as klog prints them, all under the record's #world.
    ("canonical-format.klg", ["world"], {"2018-01-31": "9h"}, {"world": "9h"}),
]


@pytest.mark.parametrize(("name", "sources", "per_day", "per_tag"), KLOG_IMPORTED)
def test_klog_fixture_totals_are_klogs(
    tmp_path: Path, name: str, sources: list[str], per_day: dict[str, str], per_tag: dict[str, str]
) -> None:
    seed, maps = seed_with_phases(tmp_path, sources)
    imported(seed, "klog", FIXTURES / "klog" / name, maps)
    days, phases = engage_totals(seed)
    assert days == {day: hm(text) for day, text in per_day.items()}
    assert phases == by_phase({tag: hm(text) for tag, text in per_tag.items()}, sources)


KLOG_REFUSED = [
    # klog/app/cli/tags_test.go TestPrintTagsOverview: klog gives #badminton 3h45m, #running 4h30m,
    # #sick -30m, #sports 8h, (untagged) 9h. The record of 1995-03-28 holds only "-30m #running"
    # under "#sick": taken off any other entry, it would change #running's or #sick's total.
    ("tags-overview.klg", ["tags-overview.klg:9", "-30m (#running #sick)", "same tags"]),
    # klog/parser/parser_test.go TestParseCompleteRecord: an open range, which klog counts as 0m until
    # it is closed; engage refuses it rather than drop it.
    ("complete-record.klg", ["complete-record.klg:13", "open range 11:00 - ?"]),
    # klog/app/cli/print_test.go TestPrintRecordsWithDurations: klog gives 1h, 13h17m and 35m (its
    # open range counted 0m); the open range is refused.
    ("with-durations.klg", ["with-durations.klg:15", "open range 18:00 - ?"]),
]


@pytest.mark.parametrize(("name", "fragments"), KLOG_REFUSED)
def test_klog_fixture_engage_cannot_represent_is_refused(ijm: Seed, name: str, fragments: list[str]) -> None:
    one_line_error(ijm.run("import", "--from", "klog", str(FIXTURES / "klog" / name)), *fragments)
    assert not ijm.ledger.exists()


# --- hledger timedot ----------------------------------------------------------------------------------


def hledger_register(path: Path) -> tuple[Totals, Totals] | str:
    """hledger's hours per day and per account for a timedot file, or its error."""
    assert HLEDGER
    done = subprocess.run(
        [HLEDGER, "-f", f"timedot:{path}", "register", "-O", "csv"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        return done.stderr
    days: Totals = {}
    accounts: Totals = {}
    for row in list(csv.DictReader(io.StringIO(done.stdout))):
        hours = Fraction(row["amount"])
        account = row["account"].strip("()")
        days[row["date"]] = days.get(row["date"], Fraction(0)) + hours
        accounts[account] = accounts.get(account, Fraction(0)) + hours
    return {d: h for d, h in days.items() if h}, {a: h for a, h in accounts.items() if h}


@needs_hledger
@pytest.mark.parametrize(
    "name",
    [
        "sample.timedot",
        "test-4-quarter-hours.timedot",
        "test-6-org-date.timedot",
        "test-7-org-heading-entry.timedot",
    ],
)
def test_timedot_fixture_totals_are_hledgers(tmp_path: Path, name: str) -> None:
    path = FIXTURES / "timedot" / name
    report = hledger_register(path)
    assert not isinstance(report, str), report
    days, accounts = report
    sources = sorted(accounts)
    seed, maps = seed_with_phases(tmp_path, sources)
    imported(seed, "timedot", path, maps)
    assert engage_totals(seed) == (days, by_phase(accounts, sources))


@needs_hledger
def test_timedot_fixture_hledger_refuses_is_refused(ijm: Seed) -> None:
    # Letter "dots" (hledger/test/timedot.test, case 1) are read by newer hledgers; 1.25 refuses them.
    path = FIXTURES / "timedot" / "test-1-letter-dots.timedot"
    assert "test-1-letter-dots.timedot:18" in str(hledger_register(path))
    one_line_error(
        ijm.run("import", "--from", "timedot", str(path)), "test-1-letter-dots.timedot:18", "'aabbaca'"
    )
    assert not ijm.ledger.exists()


# --- Watson -------------------------------------------------------------------------------------------


def watson_report(folder: Path, *args: str) -> dict[str, object]:
    assert WATSON
    env = {**os.environ, "WATSON_DIR": str(folder), "TZ": ZONE}
    done = subprocess.run(
        [WATSON, "report", "--json", *args], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


@needs_watson
def test_watson_fixture_totals_are_watsons(tmp_path: Path) -> None:
    folder = tmp_path / "watson"
    folder.mkdir()
    shutil.copy(FIXTURES / "watson" / "autocompletion-frames", folder / "frames")
    frames = json.loads((folder / "frames").read_text())
    sources = sorted({frame[2] for frame in frames})
    seed, maps = seed_with_phases(tmp_path, sources)
    imported(seed, "watson", folder, maps)
    days, phases = engage_totals(seed)

    from zoneinfo import ZoneInfo

    zone = ZoneInfo(ZONE)
    touched = sorted(
        {dt.datetime.fromtimestamp(t, zone).date() for frame in frames for t in (frame[0], frame[1] - 1)}
    )
    watson_days: Totals = {}
    for day in touched:
        report = watson_report(folder, "--from", day.isoformat(), "--to", day.isoformat())
        watson_days[day.isoformat()] = Fraction(round(float(str(report["time"]))), 3600)
    everything = watson_report(folder, "--from", touched[0].isoformat(), "--to", touched[-1].isoformat())
    projects = {
        str(p["name"]): Fraction(round(p["time"]), 3600)
        for p in everything["projects"]  # type: ignore[attr-defined]
    }
    assert days == {d: h for d, h in watson_days.items() if h}
    assert phases == by_phase(projects, sources)


# --- Timewarrior --------------------------------------------------------------------------------------


def timew(db: Path, *args: str) -> str:
    assert TIMEW
    env = {**os.environ, "TIMEWARRIORDB": str(db), "TZ": ZONE}
    done = subprocess.run([TIMEW, *args, ":yes"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def timew_total(db: Path, *args: str) -> Fraction:
    """The total ``timew summary`` prints (its last H:MM:SS), in hours; 0 when it finds nothing."""
    found = re.findall(r"(\d+):(\d\d):(\d\d)", timew(db, "summary", *args))
    if not found:
        return Fraction(0)
    h, m, s = (int(g) for g in found[-1])
    return Fraction(h * 3600 + m * 60 + s, 3600)


@needs_timew
def test_timewarrior_fixture_totals_are_timews(tmp_path: Path) -> None:
    db = tmp_path / "timew"
    (db / "data").mkdir(parents=True)
    (db / "timewarrior.cfg").write_text("")
    for line in (FIXTURES / "timewarrior" / "summary-and-chart.track").read_text().splitlines():
        timew(db, "track", *line.split())
    export = tmp_path / "timew.json"
    export.write_text(timew(db, "export"))
    intervals = json.loads(export.read_text())
    # Tag3 and Tag4 only ever come with Tag2: mapping Tag2 places those intervals, and Tag2's total
    # holds them, as timew counts them.
    sources = ["Tag1", "Tag2", "XOXO" * 17]
    assert {t for i in intervals for t in i["tags"]} == {*sources, "Tag3", "Tag4"}
    seed, maps = seed_with_phases(tmp_path, sources)
    imported(seed, "timewarrior", export, maps)
    days, phases = engage_totals(seed)

    timew_days = {}
    for day in ("2016-01-15", "2016-01-16", "2017-03-09"):
        following = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
        timew_days[day] = timew_total(db, day, "-", following)
    tags = {tag: timew_total(db, "2016-01-01", "-", "2018-01-01", tag) for tag in sources}
    assert timew_days["2016-01-15"] == timew_days["2016-01-16"] == 1  # 23:00 - 01:00, split at midnight
    assert days == timew_days
    assert phases == by_phase(tags, sources)
