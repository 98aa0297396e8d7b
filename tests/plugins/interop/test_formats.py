"""Importers from fixture files written from published formats (klog, Toggl, Harvest), and the hooks."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest

from engage import EngageError, Exporter, ImportedTime, Importer, hookimpl
from engage.plugin.manager import get_plugin_manager
from helpers import Seed, invoke, one_line_error


def logged(seed: Seed) -> list[tuple[str, str, Fraction, str, str]]:
    """(date, phase, hours, consultant, note) per live entry, as engage counts them."""
    return [
        (e["date"], e["phase"], Fraction(e["days"]).limit_denominator(10**6) * 8, e["consultant"], e["note"])
        for e in json.loads(seed.run("entries", "--format", "json").stdout)
    ]


# klog: written from klog's file format specification,
# https://github.com/jotaen/klog/blob/main/Specification.md (records, ranges, durations,
# shifted times <23:00 and 0:30>, 24:00, open ranges "9:00 - ?", #tags in record and entry
# summaries, indentation of two spaces to a tab, entry summaries continued on lines indented twice,
# a break taken off the entries with its tags).
KLOG = """\
2021-11-16 (8h!)
Desk review for IJM #ijm
    8:00 - 12:30 Read the 2019 plan #prep
    -30m coffee with the team #prep
    1h15m Call with the supervisor
        about the inception report #inception
    <23:30 - 0:15 late reading #prep

2021/11/17
    9:00am-11:45am Retreat logistics #retreat
    22:00 - 0:30> drafting #writeup

2021-11-18
  +1h30m Retreat agenda, in the two-space style #retreat
    continued on a deeper line
  23:00 - 24:00 last hour #writeup
"""


def test_klog_records_ranges_durations_breaks_and_tags(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "work.klg"
    path.write_text(KLOG)
    result = ijm.run("import", "--from", "klog", str(path), "--map", "inception=prep")
    assert result.exit_code == 0, result.stderr
    assert logged(ijm) == [
        (
            "2021-11-16",
            "prep",
            Fraction(4),
            "Test Consultant",
            "Read the 2019 plan #prep (less -30m: coffee with the team #prep)",
        ),
        (
            "2021-11-16",
            "prep",
            Fraction(5, 4),
            "Test Consultant",
            "Call with the supervisor about the inception report #inception",
        ),
        ("2021-11-16", "prep", Fraction(3, 4), "Test Consultant", "late reading #prep"),
        ("2021-11-17", "retreat", Fraction(11, 4), "Test Consultant", "Retreat logistics #retreat"),
        ("2021-11-17", "writeup", Fraction(5, 2), "Test Consultant", "drafting #writeup"),
        (
            "2021-11-18",
            "retreat",
            Fraction(3, 2),
            "Test Consultant",
            "Retreat agenda, in the two-space style #retreat continued on a deeper line",
        ),
        ("2021-11-18", "writeup", Fraction(1), "Test Consultant", "last hour #writeup"),
    ]
    assert "That is 13.75 hours (13h 45m)" in result.stdout


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("2021-11-16\n    9:00 - ? still going #prep\n", ["work.klg:2", "open range"]),
        ("2021-11-16\n    nine to five #prep\n", ["work.klg:2", "cannot read 'nine to five #prep'"]),
        ("16.11.2021\n    1h #prep\n", ["work.klg:1", "expected a record's date"]),
        ("2021-11-16\n    -30m #prep\n", ["work.klg:2", "-30m (#prep)", "same tags"]),
        ("2021-11-16\n    1h #prep\n    2h #nowhere\n", ["'nowhere'", "work.klg:3", "--map"]),
    ],
)
def test_klog_bad_files_name_the_line_and_write_nothing(
    ijm: Seed, tmp_path: Path, text: str, fragments: list[str]
) -> None:
    path = tmp_path / "work.klg"
    path.write_text(text)
    one_line_error(ijm.run("import", "--from", "klog", str(path)), *fragments)
    assert not ijm.ledger.exists()


# Toggl Track's detailed report, CSV export; header as documented at
# https://support.toggl.com/en/articles/2185497-export-reports (Amount column as Toggl adds it).
TOGGL = """\
User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags,Amount (USD)
Amina Otieno,amina@example.org,IJM,PAP strategy,,Desk review,Yes,2021-11-16,22:30:00,2021-11-17,00:00:00,01:30:00,desk,
Amina Otieno,amina@example.org,IJM,PAP strategy,,"Interviews, round 1",Yes,2021-11-17,09:00:00,2021-11-17,12:15:00,03:15:00,"interviews, field",
Brian Kiptoo,brian@example.org,IJM,PAP strategy,,Retreat,Yes,2021-11-23,08:00:00,2021-11-23,16:00:00,08:00:00,,
"""


def test_toggl_csv_maps_projects_tags_and_people(defenders: Seed, tmp_path: Path) -> None:
    defenders.rewrite("consultants = []", 'consultants = ["amina", "brian"]')
    path = tmp_path / "toggl.csv"
    path.write_text(TOGGL)
    base = (
        "import",
        "--from",
        "toggl",
        str(path),
        "--map",
        "PAP strategy=desk",
        "--map",
        "PAP strategy+interviews=framework",
    )
    one_line_error(
        defenders.run(*base), "'Amina Otieno' is not a consultant", "--consultant 'Amina Otieno=KEY'"
    )
    # Toggl wrote clock times in the user's zone, here London: 22:30 on the 16th is 01:30 on the 17th in Nairobi.
    result = defenders.run(
        *base,
        "--consultant",
        "Amina Otieno=amina",
        "--consultant",
        "Brian Kiptoo=brian",
        "--tz",
        "Europe/London",
    )
    assert result.exit_code == 0, result.stderr
    assert logged(defenders) == [
        ("2021-11-17", "desk", Fraction(3, 2), "amina", "Desk review"),
        ("2021-11-17", "framework", Fraction(13, 4), "amina", "Interviews, round 1"),
        ("2021-11-23", "desk", Fraction(8), "brian", "Retreat"),
    ]


# Harvest: the import template (https://support.getharvest.com/hc/en-us/articles/360048182012)
# and the detailed time report's wider header, as Harvest exports it.
HARVEST_IMPORT = """\
Date,Client,Project,Task,Notes,Hours,First name,Last name
2021-11-16,IJM,PAP strategy,Desk review,Read the 2019 plan,2.5,Test,Consultant
11/17/2021,IJM,PAP strategy,Retreat,,1:45,Test,Consultant
"""
HARVEST_DETAILED = """\
Date,Client,Project,Project Code,Task,Notes,Hours,Hours Rounded,Billable?,Invoiced?,Approved?,First Name,Last Name,Roles,Employee?,Billable Rate,Billable Amount,Cost Rate,Cost Amount,Currency,External Reference URL
2021-11-18,IJM,PAP strategy,IJM-01,Desk review,"Notes, with a comma",4.0,4.0,Yes,No,No,Test,Consultant,,Yes,100,400,50,200,US Dollar - USD,
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            HARVEST_IMPORT,
            [
                ("2021-11-16", "prep", Fraction(5, 2), "Read the 2019 plan"),
                ("2021-11-17", "retreat", Fraction(7, 4), ""),
            ],
        ),
        (HARVEST_DETAILED, [("2021-11-18", "prep", Fraction(4), "Notes, with a comma")]),
    ],
)
def test_harvest_csv_both_headers(ijm: Seed, tmp_path: Path, text: str, expected: list[tuple]) -> None:
    path = tmp_path / "harvest.csv"
    path.write_text(text)
    maps = ("--map", "PAP strategy+Desk review=prep", "--map", "PAP strategy+Retreat=retreat")
    result = ijm.run("import", "--from", "harvest", str(path), *maps)
    assert result.exit_code == 0, result.stderr
    assert [(d, p, h, n) for d, p, h, c, n in logged(ijm)] == expected
    assert {c for *_, c, _ in logged(ijm)} == {"Test Consultant"}
    before = ijm.ledger.read_bytes()
    assert ijm.run("import", "--from", "harvest", str(path), *maps).exit_code == 0
    assert ijm.ledger.read_bytes() == before


def test_one_bad_row_and_nothing_is_written(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "harvest.csv"
    path.write_text(HARVEST_IMPORT + "2021-11-18,IJM,PAP strategy,Retreat,,30,Test,Consultant\n")
    one_line_error(
        ijm.run("import", "--from", "harvest", str(path), "--map", "PAP strategy=prep"),
        "harvest.csv: row 4",
        "30 hours in one entry",
    )
    assert not ijm.ledger.exists()


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--from", "clockify", "x"], ["no importer for 'clockify'", "watson", "harvest"]),
        (["--from", "watson", "missing-frames"], ["missing-frames: no such file"]),
        (["--from", "watson", "frames", "--map", "ijm"], ["--map 'ijm'", "SOURCE=PHASE"]),
        (["--from", "watson", "frames", "--map", "ijm=nope"], ["no phase 'nope'", "prep"]),
        (["--from", "watson", "frames", "--tz", "Mars/Olympus"], ["unknown time zone"]),
        (["timesheet.csv", "--map", "ijm=prep"], ["go with --from"]),
        (["frames"], ["looks like a watson file", "--from watson"]),
        (["."], ["looks like a watson file"]),
    ],
)
def test_bad_import_options_are_one_line(
    ijm: Seed, tmp_path: Path, args: list[str], fragments: list[str]
) -> None:
    (tmp_path / "frames").write_text("[]")
    one_line_error(ijm.run("import", *args), *fragments)
    assert not ijm.ledger.exists()


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (
            '[[1637105400, 1637110800, "ijm", "a1"],\n [1637105400, "x"]]',
            ["frames: frame 2: 2 fields", "start, stop, project and id"],
        ),
        ('[[1637105400, 1637110800, "ijm", "a1"],\n oops]', ["frames:2:", "not valid JSON"]),
        ('{"frames": []}', ["not a list of frames"]),
        ("[]", ["no time in it to import", "Watson's frames file"]),
        ('[[1637110800, 1637105400, "ijm", "a1", []]]', ["frame 1", "stops before it starts"]),
    ],
)
def test_damaged_watson_file_names_the_frame(
    ijm: Seed, tmp_path: Path, content: str, fragments: list[str]
) -> None:
    (tmp_path / "frames").write_text(content)
    one_line_error(
        ijm.run("import", "--from", "watson", str(tmp_path / "frames"), "--map", "ijm=prep"), *fragments
    )
    assert not ijm.ledger.exists()


def test_a_voided_import_stays_voided_on_re_import(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "frames"
    path.write_text('[[1637139600, 1637150400, "ijm", "8c0d6c24", [], 1637150400]]')
    args = ("import", "--from", "watson", str(path), "--map", "ijm=prep")
    assert ijm.run(*args).exit_code == 0
    [entry] = json.loads(ijm.run("entries", "--format", "json").stdout)
    assert ijm.run("void", entry["id"], "--reason", "not IJM work").exit_code == 0
    assert "already in the ledger" in ijm.run(*args).stdout
    assert json.loads(ijm.run("entries", "--format", "json").stdout) == []


def test_taskjuggler_supplement_books_each_consultant(ijm: Seed) -> None:
    ijm.run("log", "1.5", "-p", "prep", "-d", "2021-11-16", "-c", "Amina Otieno")
    ijm.run("log", "2h", "-p", "prep", "-d", "2021-11-16", "-c", "Amina Otieno")
    ijm.run("log", "3h", "-p", "retreat", "-d", "2021-11-23", "-c", "Brian")
    text = ijm.run("entries", "--format", "taskjuggler").stdout
    assert "supplement resource amina_otieno {" in text and "supplement resource brian {" in text
    assert "  booking ijm_kenya_pap_2021.prep 2021-11-16-09:00 +12h { overtime 2 }" in text
    assert "timingresolution" not in text  # whole hours fit TaskJuggler's default resolution
    assert "  booking ijm_kenya_pap_2021.prep 2021-11-16-21:00 +2h { overtime 2 }" in text
    assert "  booking ijm_kenya_pap_2021.retreat 2021-11-23-09:00 +3h { overtime 2 }" in text
    one_line_error(ijm.run("entries", "--format", "taskjuggler", "--all"), "leave out --all")


def test_plugins_lists_the_importers_and_exporters() -> None:
    result = invoke("plugins")
    assert result.exit_code == 0
    for name in ("watson", "timewarrior", "klog", "timedot", "toggl", "harvest", "taskjuggler"):
        assert name in result.stdout
    listed = {p["name"]: p for p in json.loads(invoke("plugins", "--format", "json").stdout)}
    assert [i["name"] for i in listed["interop"]["importers"]] == [
        "watson",
        "timewarrior",
        "klog",
        "timedot",
        "toggl",
        "harvest",
    ]
    assert [e["name"] for e in listed["interop"]["exporters"]] == ["timedot", "taskjuggler", "watson"]


class Semicolons:
    """A third-party format: ``date;hours;phase`` lines, and the same written back."""

    @staticmethod
    def read(path: Path) -> list[ImportedTime]:
        items = []
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            try:
                day, hours, phase = line.split(";")
            except ValueError:
                raise EngageError(f"{path}:{number}: give date;hours;phase") from None
            items.append(
                ImportedTime(
                    f"{path}:{number}", Fraction(hours), day=dt.date.fromisoformat(day), keys=(phase,)
                )
            )
        return items

    @hookimpl
    def engage_importers(self) -> list[Importer]:
        return [Importer("semicolons", "date;hours;phase lines", self.read, "phase")]

    @hookimpl
    def engage_exporters(self) -> list[Exporter]:
        return [
            Exporter(
                "semicolons",
                "date;hours;phase lines",
                lambda engagement, entries: "".join(
                    f"{e.date};{e.days * engagement.hours_per_day};{e.phase}\n" for e in entries
                ),
            )
        ]


def test_a_plugin_adds_an_importer_and_an_exporter(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "times.txt"
    path.write_text("2021-11-16;2.5;prep\n2021-11-17;4;retreat\n")
    pm = get_plugin_manager()
    pm.register(Semicolons(), name="semicolons")
    try:
        assert ijm.run("import", "--from", "semicolons", str(path)).exit_code == 0
        assert (
            ijm.run("entries", "--format", "semicolons").stdout
            == "2021-11-16;5/2;prep\n2021-11-17;4;retreat\n"
        )
        assert "semicolons" in invoke("plugins").stdout
        path.write_text("2021-11-18\n")
        one_line_error(
            ijm.run("import", "--from", "semicolons", str(path)), "times.txt:1", "date;hours;phase"
        )
    finally:
        pm.unregister(name="semicolons")


def test_hours_become_days_with_the_schedules_hours_per_day(ijm: Seed, tmp_path: Path) -> None:
    ijm.rewrite("hours_per_day = 8", "hours_per_day = 6")
    path = tmp_path / "harvest.csv"
    path.write_text("Date,Client,Project,Task,Notes,Hours,First name,Last name\n2021-11-16,IJM,prep,,,3,,\n")
    result = ijm.run("import", "--from", "harvest", str(path))
    assert "Imported 1 entry, 0.5 days" in result.stdout
    assert "That is 3.00 hours (3h 00m)" in result.stdout
    [entry] = json.loads(ijm.run("entries", "--format", "json").stdout)
    assert entry["days"] == 0.5


def test_klog_edited_entry_is_reported_and_an_added_one_imported(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "work.klg"
    path.write_text("2021-11-16\n    2h #prep\n    1h #prep\n")
    assert ijm.run("import", "--from", "klog", str(path)).exit_code == 0
    path.write_text("2021-11-16\n    2h #prep\n    1h #prep\n    30m #prep reading\n")
    added = ijm.run("import", "--from", "klog", str(path))
    assert "Imported 1 entry" in added.stdout and "2 already imported" in added.stdout
    path.write_text("2021-11-16\n    2h #prep\n    1h30m #prep\n    30m #prep reading\n")
    before = ijm.ledger.read_bytes()
    one_line_error(
        ijm.run("import", "--from", "klog", str(path)), "work.klg:3", "changed in klog since it was imported"
    )
    assert ijm.ledger.read_bytes() == before
    assert sum(h for _, _, h, _, _ in logged(ijm)) == Fraction(7, 2)


def test_toggl_newer_member_column_and_missing_columns(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "toggl.csv"
    path.write_text(
        "Member,Email,Client,Project,Task,Description,Billable,Start date,Start time,Stop date,Stop time,Duration,Tags\n"
        "Amina Otieno,a@example.org,IJM,prep,,Reading,Yes,2021-11-16,09:00:00,2021-11-16,10:30:00,01:30:00,\n"
    )
    assert ijm.run("import", "--from", "toggl", str(path)).exit_code == 0
    assert logged(ijm) == [("2021-11-16", "prep", Fraction(3, 2), "Amina Otieno", "Reading")]
    path.write_text("User,Project,Start date\nA,prep,2021-11-16\n")
    one_line_error(
        ijm.run("import", "--from", "toggl", str(path)), "missing column(s) description, start time, duration"
    )
