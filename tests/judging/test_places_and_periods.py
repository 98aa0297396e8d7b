"""Places and periods: working weeks and holidays by location, holidays of several countries,
intermittent engagements, and the UNDP team schedule end to end."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result

from helpers import Seed, invoke, one_line_error

PLACES = """
[locations.dhaka]
name = "Dhaka mission"
timezone = "Asia/Dhaka"
working_days = ["sun", "mon", "tue", "wed", "thu"]

[locations.home]
name = "Home"
working_days = ["mon", "tue", "wed", "thu", "fri"]
"""


def schedule(folder: Path, body: str, *, top: str = "", cap: int = 20) -> Path:
    path = folder / "places.toml"
    path.write_text(
        f"""id = "places"
title = "Two places"
client = "Client"
timezone = "Europe/Paris"
start = 2022-03-06
max_days = {cap}
{top}

[supervisor]
role = "Manager"

[[consultants]]
key = "lead"
name = "Lead"
location = "home"

[[consultants]]
key = "local"
name = "Local"

{body}
""",
        encoding="utf-8",
    )
    return path


PHASES = (
    PLACES
    + """
[[phases]]
key = "mission"
name = "Mission"
location = "dhaka"
start = 2022-03-06
end = 2022-03-17
team = { lead = 5, local = 5 }

[[phases]]
key = "write"
name = "Writing"
start = 2022-03-06
end = 2022-03-18
team = { lead = 5 }
"""
)


def run(path: Path, *args: str) -> Result:
    return invoke("-s", str(path), *args)


def findings(path: Path, as_of: str) -> list[dict[str, object]]:
    return json.loads(run(path, "budget", "--as-of", as_of, "--format", "json").stdout)


def test_a_friday_is_a_weekend_on_the_mission_and_a_working_day_at_home(tmp_path: Path) -> None:
    path = schedule(tmp_path, PHASES)
    mission = run(path, "log", "1", "-p", "mission", "-d", "2022-03-11", "-c", "local")
    assert "engage: warning: 2022-03-11 is a Friday, not a working day in Dhaka mission" in mission.stderr
    # The same Friday on the writing phase: the lead's own place (home) works Fridays.
    home = run(path, "log", "1", "-p", "write", "-d", "2022-03-11", "-c", "lead")
    assert "not a working day" not in home.stderr
    # The entry's own place comes first: the lead worked the mission's Friday from home.
    at_home = run(path, "log", "0.5", "-p", "mission", "-d", "2022-03-04", "-c", "lead", "--at", "home")
    assert "not a working day" not in at_home.stderr
    # A Sunday: a working day in Dhaka, a weekend at home.
    sunday = run(path, "log", "1", "-p", "mission", "-d", "2022-03-06", "-c", "lead")
    assert "not a working day" not in sunday.stderr
    weekend = [f["message"] for f in findings(path, "2022-03-18") if f["code"] == "work-on-weekend"]
    assert weekend == ["1.0 days logged on Friday 2022-03-11, a weekend in Dhaka mission"]
    entries = json.loads(run(path, "entries", "--format", "json").stdout)
    assert [e.get("at") for e in entries] == ["home", None, None, None]  # by date


def test_the_order_entry_phase_consultant_engagement() -> None:
    from engage.schedule.loader import load_schedule

    folder = Path(__import__("tempfile").mkdtemp())
    engagement = load_schedule(schedule(folder, PHASES))
    assert engagement.place_of("mission", "lead", "home") == "home"  # the entry's own
    assert engagement.place_of("mission", "lead") == "dhaka"  # then the phase's
    assert engagement.place_of("write", "lead") == "home"  # then the consultant's
    assert engagement.place_of("write", "local") == ""  # then the engagement's


def test_unknown_places_are_refused(tmp_path: Path) -> None:
    path = schedule(tmp_path, PHASES)
    one_line_error(
        run(path, "log", "1", "-p", "mission", "-c", "lead", "--at", "paris"),
        "unknown location 'paris'",
        "dhaka, home",
    )
    assert not path.with_name("places.ledger.jsonl").exists()
    bad = schedule(tmp_path, PHASES.replace('location = "dhaka"', 'location = "dakar"'))
    one_line_error(run(bad, "show"), "phases[0].location", "unknown location 'dakar'")


def test_holidays_of_two_countries_and_a_subdivision(tmp_path: Path) -> None:
    body = (
        '[[phases]]\nkey = "w"\nname = "Work"\nstart = 2022-07-11\nend = 2022-09-09\nteam = { lead = 20 }\n'
    )
    path = schedule(tmp_path, body, top='holidays = ["FR", "CH-GE"]')
    path.write_text(path.read_text().replace('location = "home"\n', ""), encoding="utf-8")
    for day in ("2022-07-14", "2022-08-01", "2022-09-08", "2022-07-13"):
        run(path, "log", "1", "-p", "w", "-d", day, "-c", "lead")
    holidays = [f["message"] for f in findings(path, "2022-09-09") if f["code"] == "work-on-holiday"]
    assert holidays == [
        "1.0 days logged on Thu 2022-07-14, National Day (FR)",  # France's, not Switzerland's
        "1.0 days logged on Mon 2022-08-01, National Day (CH-GE)",  # Switzerland's, not France's
        "1.0 days logged on Thu 2022-09-08, Genevan Fast (CH-GE)",  # Geneva's own
    ]
    shown = json.loads(run(path, "show", "--format", "json").stdout)
    assert shown["holiday_regions"] == ["FR", "CH-GE"]
    bad = schedule(tmp_path, body, top='holidays = ["FR", 7]')
    one_line_error(run(bad, "show"), "holidays[1]", "country code")


INTERMITTENT = """
[[phases]]
key = "w"
name = "Work"
start = 2022-03-07
end = 2022-04-29
team = { lead = 10 }
"""


def test_an_intermittent_engagement_with_gaps_has_no_finding(tmp_path: Path) -> None:
    top = "period = { start = 2022-03-07, end = 2022-04-29 }\nintermittent = true"
    path = schedule(tmp_path, PLACES + INTERMITTENT, top=top, cap=10)
    for day in ("2022-03-07", "2022-03-21", "2022-04-04"):  # a day a fortnight
        run(path, "log", "1", "-p", "w", "-d", day, "-c", "lead")
    assert findings(path, "2022-04-05") == []
    # Without intermittent, the same gaps are findings.
    plain = schedule(
        tmp_path, PLACES + INTERMITTENT, top="period = { start = 2022-03-07, end = 2022-04-29 }", cap=10
    )
    assert "nothing-logged" in {f["code"] for f in findings(plain, "2022-04-05")}


def test_an_intermittent_engagement_that_can_no_longer_fit(tmp_path: Path) -> None:
    top = "period = { start = 2022-03-07, end = 2022-04-29 }\nintermittent = true"
    path = schedule(tmp_path, PLACES + INTERMITTENT, top=top, cap=10)
    run(path, "log", "1", "-p", "w", "-d", "2022-03-07", "-c", "lead")
    assert findings(path, "2022-04-15") == []  # 9 days left, 10 working days at home to 29 April
    late = [f for f in findings(path, "2022-04-19") if f["code"] == "days-no-longer-fit"]
    assert [f["message"] for f in late] == [
        "lead: 9.0 days left but only 8 working days (Home) left in the period (to 2022-04-29); "
        "agree an extension or fewer days with the supervisor"
    ]
    run(path, "log", "1", "-p", "w", "-d", "2022-05-02", "-c", "lead")
    outside = [f["message"] for f in findings(path, "2022-05-02") if f["code"] == "work-outside-period"]
    assert outside == ["1.0 days logged outside the contract period (2022-03-07 – 2022-04-29): 2022-05-02"]


def test_the_undp_team_schedule_end_to_end(undp: Seed) -> None:
    shown = json.loads(undp.run("show", "--format", "json").stdout)
    windows = {p["key"]: (p["start"], p["end"]) for p in shown["phases"]}
    # 3 of the lead's days at home skip Geneva's Pentecost Monday (5 June 2017).
    assert windows["inception"] == ("2017-06-01", "2017-06-06")
    # 15 of the busiest member's days in Dhaka (Sunday-Thursday), skipping Eid al-Fitr (26-28 June),
    # not the team's 46 person-days.
    assert windows["mission"] == ("2017-06-11", "2017-07-04")
    assert {c["key"]: c["days"] for c in shown["team"]} == {
        "lead": 25,
        "national": 15,
        "field1": 8,
        "field2": 8,
    }
    assert shown["period"] == {"start": "2017-06-01", "end": "2017-07-31"} and shown["intermittent"]
    assert shown["working_days"] == ["sun", "mon", "tue", "wed", "thu"]  # as the Dhaka week runs
    assert shown["locations"]["home"]["holidays"] == ["CH-GE"]
    assert [c["receives"] for c in shown["contacts"]] == [["calendar", "status"], ["status"]]
    friday = undp.run("log", "1", "-p", "mission", "-d", "2017-06-16", "-c", "national")
    assert "2017-06-16 is a Friday, not a working day in Dhaka mission" in friday.stderr
    home = undp.run("log", "1", "-p", "draft", "-d", "2017-07-07", "-c", "lead")
    assert "not a working day" not in home.stderr
    undp.run("log", "1", "-p", "mission", "-d", "2017-06-11", "-c", "field1")
    codes = {
        f["code"] for f in json.loads(undp.run("budget", "--as-of", "2017-07-07", "--format", "json").stdout)
    }
    assert "window-too-short" not in codes and "nothing-logged" not in codes
    status = json.loads(
        undp.run("status", "-w", "2017-W27", "--as-of", "2017-07-07", "--format", "json").stdout
    )
    team = {row["key"]: row for row in status[0]["team"]}
    assert (team["lead"]["used"], team["lead"]["this_week"], team["lead"]["remaining"]) == (1, 1, 24)
    assert (team["national"]["used"], team["field1"]["used"], team["field2"]["used"]) == (1, 1, 0)


def test_a_phase_window_that_leaves_the_period_is_a_finding(tmp_path: Path) -> None:
    path = schedule(
        tmp_path, PLACES + INTERMITTENT, top="period = { start = 2022-03-07, end = 2022-04-15 }", cap=10
    )
    found = [f["message"] for f in findings(path, "2022-03-07") if f["code"] == "window-outside-period"]
    assert found == [
        "Work: its window 2022-03-07 – 2022-04-29 leaves the contract period (2022-03-07 – 2022-04-15)"
    ]
    inside = schedule(
        tmp_path, PLACES + INTERMITTENT, top="period = { start = 2022-03-01, end = 2022-04-29 }", cap=10
    )
    assert "window-outside-period" not in {f["code"] for f in findings(inside, "2022-03-07")}


def test_a_place_key_is_forgiving_and_its_bad_holidays_are_named(tmp_path: Path) -> None:
    path = schedule(tmp_path, PHASES)
    logged = run(path, "log", "1", "-p", "mission", "-d", "2022-03-11", "-c", "LEAD", "--at", " Home ")
    assert logged.exit_code == 0 and "not a working day" not in logged.stderr
    assert json.loads(path.with_name("places.ledger.jsonl").read_text().splitlines()[-1])["at"] == "home"
    twice = schedule(
        tmp_path, PHASES.replace('name = "Home"', 'name = "Home"\nholidays = ["CH-GE", "ch-ge"]')
    )
    one_line_error(run(twice, "show"), "locations.home.holidays[1]", "listed twice")
    unknown = schedule(tmp_path, PHASES.replace('name = "Home"', 'name = "Home"\nholidays = "CH-XX"'))
    one_line_error(run(unknown, "show"), "locations.home.holidays = 'CH-XX'", "no such subdivision", "GE")


def test_a_timesheet_may_say_where_each_row_was_worked(tmp_path: Path) -> None:
    path = schedule(tmp_path, PHASES)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "date,phase,days,consultant,at,note\n"
        "2022-03-11,mission,1,lead,home,from home\n"
        "2022-03-11,mission,1,local,,in Dhaka\n",
        encoding="utf-8",
    )
    assert run(path, "import", str(sheet)).exit_code == 0
    weekend = [f["message"] for f in findings(path, "2022-03-18") if f["code"] == "work-on-weekend"]
    assert weekend == ["1.0 days logged on Friday 2022-03-11, a weekend in Dhaka mission"]  # local's only
    sheet.write_text("date,phase,days,consultant,at\n2022-03-14,mission,1,lead,moon\n", encoding="utf-8")
    one_line_error(run(path, "import", str(sheet)), "row 2", "unknown location 'moon'")


def test_a_phase_without_a_place_is_planned_on_each_members_own_calendar(tmp_path: Path) -> None:
    """The mission with its place removed: the lead works on Geneva's week, the others on Dhaka's.
    engage's own plan must then pass engage's own window-too-short check (a trial found it did not)."""
    import shutil

    from helpers import SCHEDULES, invoke

    path = tmp_path / "u.toml"
    shutil.copy(SCHEDULES / "tors" / "undp-srepgen-midterm-review.toml", path)
    text = path.read_text()
    start = text.index('key = "mission"')
    cut = text.index('location = "dhaka"\n', start)
    text = text[:cut] + text[cut + len('location = "dhaka"\n') :]
    # ... and the engagement's own calendar unlike the Dhaka team's: a Monday-Friday week, Swiss holidays.
    text = text.replace(
        'working_days = ["sun", "mon", "tue", "wed", "thu"]\nholidays = "BD"',
        'working_days = ["mon", "tue", "wed", "thu", "fri"]\nholidays = "CH"',
        1,
    )
    path.write_text(text)
    found = json.loads(invoke("-s", str(path), "budget", "--as-of", "2017-06-01", "--format", "json").stdout)
    assert not [f for f in found if f["code"] == "window-too-short" and f["phase"] == "mission"], found
