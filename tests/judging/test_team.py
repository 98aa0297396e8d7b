"""Teams: consultants with keys and caps, figures per consultant, planning by capacity, who logs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result

from helpers import Seed, invoke, one_line_error

FIVE = ["lead", "enum1", "enum2", "enum3", "enum4"]


def team_schedule(folder: Path, phases: str, *, extra: str = "", name: str = "team.toml") -> Path:
    """A schedule with a lead and four enumerators; ``phases`` are its [[phases]] tables."""
    people = "".join(
        f'[[consultants]]\nkey = "{key}"\nname = "{key.title()} Person"\n'
        f'role = "{"Lead consultant" if key == "lead" else "Enumerator"}"\n\n'
        for key in FIVE
    )
    text = f"""id = "team-eval"
title = "End evaluation with enumerators"
client = "Client"
timezone = "Africa/Nairobi"
start = 2022-03-07
max_days = 40
{extra}

[supervisor]
role = "M&E manager"

{people}
{phases}
"""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


FIELD = """[[phases]]
key = "field"
name = "Data collection"
team = { lead = 5, enum1 = 5, enum2 = 5, enum3 = 5, enum4 = 5 }

[[phases]]
key = "report"
name = "Report"
team = { lead = 15 }
"""


def run(path: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return invoke("-s", str(path), *args, env=env)


def codes(path: Path, *args: str) -> list[str]:
    result = run(path, "budget", "--format", "json", *args)
    return [f["code"] for f in json.loads(result.stdout)]


def test_five_people_25_person_days_get_a_five_working_day_window_and_no_finding(tmp_path: Path) -> None:
    path = team_schedule(tmp_path, FIELD)
    shown = json.loads(run(path, "show", "--format", "json").stdout)
    field = shown["phases"][0]
    assert field["days"] == 25  # the team's sum
    assert (field["start"], field["end"]) == ("2022-03-07", "2022-03-11")  # Monday to Friday: 5 days
    assert field["team"] == {key: 5 for key in FIVE}
    # The report follows on the next working day, 15 of the lead's days.
    assert (shown["phases"][1]["start"], shown["phases"][1]["end"]) == ("2022-03-14", "2022-04-01")
    found = codes(path, "--as-of", "2022-03-01")
    assert "window-too-short" not in found and "deliverable-cannot-fit" not in found


def test_a_consultant_short_of_working_days_is_named_in_window_too_short(tmp_path: Path) -> None:
    phases = FIELD.replace(
        'name = "Data collection"', 'name = "Data collection"\nstart = 2022-03-07\nend = 2022-03-10'
    )
    path = team_schedule(tmp_path, phases)
    result = run(path, "budget", "--as-of", "2022-03-01", "--format", "json")
    short = [f for f in json.loads(result.stdout) if f["code"] == "window-too-short"]
    assert len(short) == 1
    message = short[0]["message"]
    assert "lead has 5 person-days but 4 working days" in message
    assert "enum4 has 5 person-days but 4 working days" in message


def test_phase_days_that_differ_from_the_team_name_both_figures(tmp_path: Path) -> None:
    path = team_schedule(
        tmp_path, FIELD.replace("team = { lead = 5, enum1", "days = 20\nteam = { lead = 5, enum1")
    )
    one_line_error(run(path, "show"), "phases[0].days", "is 20", "add up to 25")


def test_a_team_member_the_schedule_does_not_name_is_refused_at_load(tmp_path: Path) -> None:
    path = team_schedule(tmp_path, FIELD.replace("enum4 = 5 }", "enum9 = 5 }"))
    one_line_error(run(path, "show"), "phases[0].team.enum9", "consultants: lead, enum1")


def test_one_consultant_over_their_share_inside_a_phase_within_budget(tmp_path: Path) -> None:
    path = team_schedule(tmp_path, FIELD)
    for day in ("2022-03-07", "2022-03-08", "2022-03-09", "2022-03-10", "2022-03-11"):
        logged = run(path, "log", "1", "-p", "field", "-d", day, "-c", "enum2")
        assert logged.exit_code == 0 and "their 5 person-days" not in logged.stderr
    sixth = run(path, "log", "1", "-p", "field", "-d", "2022-03-14", "-c", "enum2")
    assert "engage: warning: enum2 has used 6.0 of their 5 person-days on Data collection" in sixth.stderr
    assert run(path, "log", "1", "-p", "field", "-d", "2022-03-07", "-c", "lead").exit_code == 0
    result = run(path, "budget", "--as-of", "2022-03-14", "--format", "json")
    found = json.loads(result.stdout)
    over = [f for f in found if f["code"] == "consultant-over-share"]
    assert [f["message"] for f in over] == [
        "Data collection: enum2 used 6.0 of their 5 person-days — 1.0 over their share"
    ]
    assert over[0]["severity"] == "error" and over[0]["phase"] == "field"
    assert "phase-over-budget" not in {f["code"] for f in found}  # 7 of 25: the phase is fine
    status = json.loads(
        run(path, "status", "--week", "2022-W11", "--as-of", "2022-03-14", "--format", "json").stdout
    )[0]
    team = {row["key"]: row for row in status["team"]}
    assert (team["enum2"]["budget"], team["enum2"]["used"], team["enum2"]["remaining"]) == (5, 6, -1)
    assert team["enum2"]["this_week"] == 1  # 2022-W11 holds only the Monday's day
    assert (team["lead"]["budget"], team["lead"]["used"], team["lead"]["remaining"]) == (20, 1, 19)
    assert team["lead"]["role"] == "Lead consultant" and team["enum1"]["used"] == 0
    assert team["enum2"]["phases"] == [{"phase": "field", "share": 5, "used": 6}]
    assert team["lead"]["phases"] == [
        {"phase": "field", "share": 5, "used": 1},
        {"phase": "report", "share": 15, "used": 0},
    ]


def test_a_consultant_over_their_own_cap(tmp_path: Path) -> None:
    path = team_schedule(tmp_path, FIELD.replace('[[phases]]\nkey = "field"', '[[phases]]\nkey = "field"', 1))
    path.write_text(
        path.read_text().replace('key = "enum1"\n', 'key = "enum1"\ndays = 5\n', 1), encoding="utf-8"
    )
    for day in ("2022-03-07", "2022-03-08", "2022-03-09", "2022-03-10", "2022-03-11"):
        run(path, "log", "1", "-p", "field", "-d", day, "-c", "enum1")
    assert "consultant-over-cap" not in codes(path, "--as-of", "2022-03-14")
    run(path, "log", "1", "-p", "report", "-d", "2022-03-14", "-c", "Enum1 Person")  # by name
    result = run(path, "budget", "--as-of", "2022-03-14", "--format", "json")
    over = [f["message"] for f in json.loads(result.stdout) if f["code"] == "consultant-over-cap"]
    assert over == ["enum1: 6.0 of their 5 days used — 1.0 over their cap"]


def test_log_asks_who_on_a_team_and_refuses_strangers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = team_schedule(tmp_path, FIELD)
    ledger = path.with_name("team.ledger.jsonl")
    # conftest sets ENGAGE_CONSULTANT="Test Consultant", whom this schedule does not name.
    one_line_error(
        run(path, "log", "1", "-p", "field", "-d", "2022-03-07"),
        "'Test Consultant' (from $ENGAGE_CONSULTANT) is not a consultant on team-eval",
        "lead, enum1, enum2, enum3, enum4",
    )
    monkeypatch.delenv("ENGAGE_CONSULTANT")
    one_line_error(
        run(path, "log", "1", "-p", "field", "-d", "2022-03-07"),
        "several consultants",
        "lead, enum1, enum2, enum3, enum4",
    )
    one_line_error(run(path, "log", "1", "-p", "field", "-c", "nobody"), "'nobody' is not a consultant")
    assert not ledger.exists()  # nothing written by a refused log
    assert run(path, "log", "1", "-p", "field", "-d", "2022-03-07", "-c", "Lead Person").exit_code == 0
    monkeypatch.setenv("ENGAGE_CONSULTANT", "enum3")
    assert run(path, "log", "0.5", "-p", "field", "-d", "2022-03-07").exit_code == 0
    stored = [json.loads(line)["consultant"] for line in ledger.read_text().splitlines()]
    assert stored == ["lead", "enum3"]  # keys, whichever way they were named
    listed = json.loads(run(path, "entries", "--consultant", "enum3", "--format", "json").stdout)
    assert [(e["consultant"], e["days"]) for e in listed] == [("enum3", 0.5)]
    one_line_error(run(path, "entries", "--consultant", "enum9"), "'enum9' is not a consultant")


def test_a_schedule_naming_nobody_logs_by_consultant_never_the_login(
    ijm: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ENGAGE_CONSULTANT")
    monkeypatch.setenv("USER", "root")
    monkeypatch.setenv("LOGNAME", "root")
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16").exit_code == 0
    # With a name given, the ToR's single consultant is whoever logs: the name is kept.
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-17", "-c", "Amina Otieno").exit_code == 0
    stored = [json.loads(line)["consultant"] for line in ijm.ledger.read_text().splitlines()]
    assert stored == ["consultant", "Amina Otieno"]


def test_one_consultant_on_a_team_schedule_is_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ENGAGE_CONSULTANT")
    path = tmp_path / "solo.toml"
    text = team_schedule(tmp_path, '[[phases]]\nkey = "w"\nname = "Work"\nteam = { lead = 5 }\n').read_text()
    start = text.index('[[consultants]]\nkey = "enum1"')
    path.write_text(text[:start] + text[text.index("[[phases]]") :], encoding="utf-8")
    assert run(path, "log", "1", "-p", "w", "-d", "2022-03-07").exit_code == 0
    assert json.loads(path.with_name("solo.ledger.jsonl").read_text())["consultant"] == "lead"


def test_status_and_show_show_the_team_in_every_format(tmp_path: Path) -> None:
    path = team_schedule(tmp_path, FIELD)
    run(path, "log", "2", "-p", "field", "-d", "2022-03-08", "-c", "enum1")
    for fmt in ("plain", "github", "html"):
        out = run(path, "status", "--as-of", "2022-03-08", "--format", fmt).stdout
        assert "Team" in out and "Enum1 Person" in out and "Enumerator" in out, fmt
    # the tidy CSV is a row per phase; the workbook has the team on a sheet of its own
    from openpyxl import load_workbook

    book = tmp_path / "status.xlsx"
    run(path, "status", "--as-of", "2022-03-08", "--format", "xlsx", "-o", str(book))
    team = list(load_workbook(book)["Team"].iter_rows(values_only=True))
    assert any(row[2] == "Enum1 Person" and row[3] == "Enumerator" and row[5] == 2 for row in team)
    shown = run(path, "show").stdout
    assert "Team" in shown and "field 5, report 15" in shown  # the lead's person-days


def test_by_consultant_across_two_engagements_that_share_a_consultant(
    tmp_path: Path, ijm: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = team_schedule(tmp_path, FIELD)
    path.write_text(
        path.read_text().replace('name = "Lead Person"', 'name = "Amina Otieno"'), encoding="utf-8"
    )
    run(path, "log", "1", "-p", "field", "-d", "2021-11-22", "-c", "lead")  # outside its window: counts
    monkeypatch.setenv("ENGAGE_CONSULTANT", "Amina Otieno")  # IJM names nobody: she is its consultant
    ijm.run("log", "1.5", "-p", "prep", "-d", "2021-11-23")
    result = invoke(
        "status",
        "--by",
        "consultant",
        "--week",
        "2021-W47",
        "--as-of",
        "2021-11-24",
        "--format",
        "json",
        str(path),
        str(ijm.path),
    )
    people = {p["consultant"]: p for p in json.loads(result.stdout)}
    amina = people["Amina Otieno (Lead consultant)"]
    assert amina["this_week"] == 2.5
    rows = {e["id"]: e for e in amina["engagements"]}
    assert set(rows) == {"team-eval", "ijm-kenya-pap-2021"}
    assert (rows["team-eval"]["key"], rows["team-eval"]["used"], rows["team-eval"]["remaining"]) == (
        "lead",
        1,
        19,
    )
    assert (rows["ijm-kenya-pap-2021"]["used"], rows["ijm-kenya-pap-2021"]["remaining"]) == (1.5, 18.5)
    # IJM's draft strategic plan and methodology are due within two weeks of 24 November 2021.
    owed = [o["name"] for o in rows["ijm-kenya-pap-2021"]["owes"]]
    assert owed and all(o["due"] <= "2021-12-08" for o in rows["ijm-kenya-pap-2021"]["owes"])
    assert "Enum1 Person (Enumerator)" in people and people["Enum1 Person (Enumerator)"]["this_week"] == 0
    plain = invoke(
        "status",
        "--by",
        "consultant",
        "--week",
        "2021-W47",
        "--as-of",
        "2021-11-24",
        str(path),
        str(ijm.path),
    ).stdout
    assert "Amina Otieno (Lead consultant): 2.5 days this week" in plain
    assert "- 2021-12-02 Draft Strategic Plan (ijm-kenya-pap-2021)" in plain  # owed, soonest first
    one_line_error(invoke("status", "--by", "consultant", "--format", "html", str(path)), "--by consultant")


def test_shares_beyond_a_consultants_own_cap_are_refused_at_load(tmp_path: Path) -> None:
    path = team_schedule(tmp_path, FIELD)
    path.write_text(
        path.read_text().replace('key = "lead"\n', 'key = "lead"\ndays = 15\n', 1), encoding="utf-8"
    )
    one_line_error(run(path, "show"), "consultants[0].days", "lead has 15 days but the phases give them 20")


def test_budget_shows_the_team(tmp_path: Path) -> None:
    path = team_schedule(tmp_path, FIELD)
    run(path, "log", "1", "-p", "report", "-d", "2022-03-14", "-c", "lead")
    out = run(path, "budget", "--as-of", "2022-03-14").stdout
    lead = next(line for line in out.splitlines() if line.startswith("lead "))
    assert lead.split() == ["lead", "Lead", "consultant", "20", "1.0", "19.0"]


def test_deliverable_cannot_fit_counts_each_consultants_share_left(tmp_path: Path) -> None:
    deliverable = (
        '\n[[deliverables]]\nkey = "data"\nname = "Clean data set"\nphase = "field"\ndue = 2022-03-11\n'
    )
    path = team_schedule(tmp_path, FIELD + deliverable)
    for key in FIVE:  # everyone's first day, on Monday
        run(path, "log", "1", "-p", "field", "-d", "2022-03-07", "-c", key)
    # Tuesday to Friday: 4 working days, 4 days left each: it fits (the phase's 20 days left would not).
    assert "deliverable-cannot-fit" not in codes(path, "--as-of", "2022-03-08")
    # Wednesday to Friday: 3 working days for enum3's 4 days left; the others caught up on Tuesday.
    for key in ("lead", "enum1", "enum2", "enum4"):
        run(path, "log", "1", "-p", "field", "-d", "2022-03-08", "-c", key)
    result = run(path, "budget", "--as-of", "2022-03-09", "--format", "json")
    cannot = [f["message"] for f in json.loads(result.stdout) if f["code"] == "deliverable-cannot-fit"]
    assert cannot == [
        "Clean data set: 4.0 days of field work left by enum3 but only 3 working days until it is due on 2022-03-11"
    ]


def test_a_schedule_naming_nobody_shows_who_logged(ijm: Seed) -> None:
    def team() -> list[tuple[str, object, object]]:
        out = ijm.run("status", "-w", "2021-W47", "--as-of", "2021-11-26", "--format", "json").stdout
        return [(row["key"], row["budget"], row["used"]) for row in json.loads(out)[0]["team"]]

    assert team() == [("consultant", 20, 0)]  # nothing logged: the ToR's one consultant, the whole cap
    ijm.run("log", "1", "-p", "prep", "-d", "2021-11-22")  # as conftest's "Test Consultant"
    assert team() == [("Test Consultant", 20, 1)]
    ijm.run("log", "0.5", "-p", "prep", "-d", "2021-11-23", "-c", "Second Person")
    assert team() == [("Test Consultant", None, 1), ("Second Person", None, 0.5)]  # whose cap? not said


def test_trial_findings_on_teams_and_places(tmp_path: Path) -> None:
    """From a new user's trial: a renamed place, a phase's team leaving someone out, the contract
    period as the engagement's span, a person matched by name when one schedule lacks an email."""
    import shutil

    from helpers import SCHEDULES, invoke

    path = tmp_path / "u.toml"
    shutil.copy(SCHEDULES / "tors" / "undp-srepgen-midterm-review.toml", path)

    def run(*args: str):
        return invoke("-s", str(path), *args)

    assert run("log", "1", "-p", "draft", "-d", "2017-07-06", "-c", "lead", "--at", "dhaka").exit_code == 0
    text = path.read_text()
    path.write_text(text.replace("locations.dhaka", "locations.dac").replace('"dhaka"', '"dac"'))
    status = run("status", "--as-of", "2017-07-10", "--format", "json")
    assert status.exit_code == 0, status.stderr  # a renamed place is a finding, not a crash
    found = json.loads(run("budget", "--as-of", "2017-07-10", "--format", "json").stdout)
    assert any(f["code"] == "unknown-place" and "'dhaka'" in f["message"] for f in found)

    # The inception phase's team is the lead alone: anyone else logging there is over their share.
    for day in ("2017-06-01", "2017-06-04"):
        assert run("log", "1", "-p", "inception", "-d", day, "-c", "national").exit_code == 0
    found = json.loads(run("budget", "--as-of", "2017-06-05", "--format", "json").stdout)
    assert any(
        f["code"] == "consultant-over-share" and "national used 2.0 of their 0" in f["message"] for f in found
    )

    # Inside the contract period but after the last phase: no "outside the engagement".
    logged = run("log", "1", "-p", "final", "-d", "2017-07-31", "-c", "lead")
    assert "outside the engagement" not in logged.output
    outside = run("log", "1", "-p", "final", "-d", "2017-08-02", "-c", "lead")
    assert "outside the engagement (2017-06-01 – 2017-07-31)" in outside.output
    codes = [f["code"] for f in json.loads(run("budget", "--as-of", "2017-08-03", "--format", "json").stdout)]
    assert codes.count("work-outside-period") == 1 and "work-outside-engagement" not in codes
