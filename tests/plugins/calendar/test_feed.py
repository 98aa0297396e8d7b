"""The calendar plugin: valid iCalendar, stable UIDs, SEQUENCE and cancellations, real clients."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar

from engage import CalendarEvent, hookimpl
from engage.plugin.manager import get_plugin_manager
from helpers import Seed, invoke, one_line_error
from helpers.calendar_checks import ORGANIZER, events, export, parse_everywhere
from helpers.seed_edits import remove_last_deliverable

pytestmark = pytest.mark.usefixtures("organizer")  # the feed names an ORGANIZER


def test_output_is_valid_folded_crlf_icalendar(seed: Seed) -> None:
    data = export(seed)
    calendar = parse_everywhere(data, "PUBLISH")
    assert all(not e.errors for e in calendar.walk("VEVENT"))
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # folding never splits a character
    assert str(calendar["PRODID"]).startswith("-//engage//engage-tracker")
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "SEQUENCE"):
            assert required in event


def test_every_dated_item_of_the_tor_is_an_event(seed: Seed) -> None:
    found = events(export(seed))
    import json

    data = json.loads(seed.run("show", "--format", "json").stdout)
    expected = (
        {f"deadline.{d['key']}" for d in data["deadlines"]}
        | {f"deliverable.{d['key']}" for d in data["deliverables"]}
        | {f"meeting.{m['key']}" for m in data["meetings"] if m["start"]}
    )
    assert set(found) == expected
    for deliverable in data["deliverables"]:
        event = found[f"deliverable.{deliverable['key']}"]
        assert event.decoded("DTSTART") == dt.date.fromisoformat(deliverable["due"])
        assert event.decoded("DTEND") == dt.date.fromisoformat(deliverable["due"]) + dt.timedelta(days=1)
        assert "Status: not yet submitted" in str(event["DESCRIPTION"])
        # two days before, at 09:00 (the default reminder_time), not at midnight
        assert [a["TRIGGER"].dt for a in event.walk("VALARM")] == [-dt.timedelta(days=2, hours=-9)]


def test_retreat_is_one_four_day_all_day_event(ijm: Seed) -> None:
    retreat = events(export(ijm))["meeting.retreat"]
    assert retreat.decoded("DTSTART") == dt.date(2021, 11, 23)
    assert retreat.decoded("DTEND") == dt.date(2021, 11, 27)  # exclusive: the 26th is the last day
    assert "VALUE=DATE" in retreat.to_ical().decode()


def test_timed_deadline_carries_tzid_and_vtimezone(ijm: Seed) -> None:
    data = export(ijm)
    deadline = events(data)["deadline.proposal"]
    assert b"DTSTART;TZID=Africa/Nairobi:20211115T170000" in data
    assert b"DTEND;TZID=Africa/Nairobi:20211115T173000" in data  # Exchange wants an end: 30 minutes
    assert deadline.decoded("DTSTART").utcoffset() == dt.timedelta(hours=3)
    assert [str(tz["TZID"]) for tz in Calendar.from_ical(data).walk("VTIMEZONE")] == ["Africa/Nairobi"]


def test_timed_meeting_on_defenders(defenders: Seed) -> None:
    defenders.rewrite(
        'start = "start of phase feedback"', "start = 2023-09-25T09:30:00\nend = 2023-09-25T13:00:00"
    )
    meeting = events(export(defenders))["meeting.validation"]
    assert meeting.decoded("DTSTART") == dt.datetime(
        2023, 9, 25, 9, 30, tzinfo=meeting.decoded("DTSTART").tzinfo
    )
    assert meeting.decoded("DTEND").hour == 13
    assert meeting["DTSTART"].params["TZID"] == "Africa/Nairobi"


def test_unchanged_schedule_exports_byte_identical_with_stable_uids(seed: Seed) -> None:
    first = export(seed)
    second = export(seed)
    assert first == second
    assert sorted(events(first)) == sorted(events(second))


def test_change_bumps_sequence_of_that_event_only(ijm: Seed) -> None:
    before = events(export(ijm))
    ijm.rewrite(
        "start = 2021-11-23\nend = 2021-11-26\n# The ToR", "start = 2021-11-24\nend = 2021-11-27\n# The ToR"
    )
    after = events(export(ijm))
    assert after["meeting.retreat"]["SEQUENCE"] == 1
    assert after["meeting.retreat"].decoded("DTSTART") == dt.date(2021, 11, 24)
    assert after["meeting.retreat"]["UID"] == before["meeting.retreat"]["UID"]
    assert after["meeting.retreat"].decoded("DTSTAMP") >= before["meeting.retreat"].decoded("DTSTAMP")
    for key in after:
        if key != "meeting.retreat":
            assert after[key]["SEQUENCE"] == before[key]["SEQUENCE"] == 0, key
            assert after[key]["DTSTAMP"].to_ical() == before[key]["DTSTAMP"].to_ical()


def test_status_change_is_an_update_too(seed: Seed) -> None:
    export(seed)
    day = {"ijm": "2021-12-02", "defenders": "2023-09-22"}[seed.name]  # each draft's due date
    assert seed.run("deliver", "draft", "--status", "submitted", "--date", day).exit_code == 0
    draft = events(export(seed))["deliverable.draft"]
    assert draft["SEQUENCE"] == 1
    assert f"Status: submitted on {day}; with the client" in str(draft["DESCRIPTION"])


def test_days_passing_change_no_event(ijm: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    """An event changes when something is recorded, never because a day passed: a late deliverable's
    growing lateness would otherwise re-send the supervisor an update every day."""
    import engage.session  # the calendar judges as of the session's today

    first = events(export(ijm))
    monkeypatch.setattr(engage.session, "today_in", lambda zone: dt.date(2099, 1, 1))
    later = events(export(ijm))
    assert {key: e["SEQUENCE"] for key, e in later.items()} == {
        key: e["SEQUENCE"] for key, e in first.items()
    }
    assert str(later["deliverable.draft"]["DESCRIPTION"]) == str(first["deliverable.draft"]["DESCRIPTION"])


def test_removed_item_leaves_the_feed_and_comes_back_newer(seed: Seed) -> None:
    first = events(export(seed))
    removed, text = remove_last_deliverable(seed)
    once = export(seed)
    assert removed not in events(once)  # a subscribed client replaces its copy: gone is gone
    assert b"CANCELLED" not in once
    assert export(seed) == once  # unchanged since: the same bytes
    seed.path.write_text(text)
    back = events(export(seed))[removed]
    assert back["STATUS"] == "CONFIRMED"
    assert back["SEQUENCE"] == first[removed]["SEQUENCE"] + 2  # one for leaving, one for coming back


def test_meeting_whose_date_is_removed_is_to_be_agreed_not_cancelled(ijm: Seed) -> None:
    assert "meeting.retreat" in events(export(ijm))
    ijm.rewrite("start = 2021-11-23\nend = 2021-11-26\n# The ToR", "# The ToR")
    feed = export(ijm)
    assert "meeting.retreat" not in events(feed) and b"CANCELLED" not in feed
    state = (ijm.path.parent / (ijm.path.stem + ".calendar.json")).read_text()
    assert '"off": "date to be agreed"' in state


def test_one_sequence_per_uid_in_every_view(ijm: Seed) -> None:
    export(ijm)
    ijm.rewrite(
        "start = 2021-11-23\nend = 2021-11-26\n# The ToR", "start = 2021-11-24\nend = 2021-11-27\n# The ToR"
    )
    views = [events(export(ijm, *args)) for args in ((), ("--phases",), ("--audience", "consultant"))]
    assert [view["meeting.retreat"]["SEQUENCE"] for view in views] == [1, 1, 1]
    assert len({view["meeting.retreat"]["DTSTAMP"].to_ical() for view in views}) == 1


def test_feed_has_organizer_and_no_attendee(seed: Seed) -> None:
    if seed.name == "ijm":
        seed.rewrite(
            'role = "Associate Director, Programs"',
            'role = "Associate Director, Programs"\nemail = "adp@example.org"',
        )
    for event in events(export(seed)).values():
        assert str(event["ORGANIZER"]) == f"mailto:{ORGANIZER}"
        assert "ATTENDEE" not in event  # RFC 5546 3.2.1: PUBLISH has no attendees


def test_without_organizer_the_feed_has_no_method_and_says_why(ijm: Seed, monkeypatch) -> None:
    monkeypatch.delenv("ENGAGE_MAIL_FROM")
    result = ijm.run("calendar")
    assert result.exit_code == 0
    calendar = parse_everywhere(result.stdout_bytes, None)
    assert all("ORGANIZER" not in event for event in calendar.walk("VEVENT"))
    assert "ENGAGE_MAIL_FROM or [calendar] organizer" in result.stderr
    ijm.rewrite("reminder_days = [2]", 'reminder_days = [2]\norganizer = "me@example.net"')
    assert b"ORGANIZER:mailto:me@example.net" in export(ijm)
    ijm.rewrite('organizer = "me@example.net"', 'organizer = "me at example"')
    one_line_error(ijm.run("calendar"), "calendar.organizer", "you@example.org")


def test_phases_and_holidays_for_the_consultant(ijm: Seed) -> None:
    ijm.rewrite("days = 5\n", "days = 7\n")  # finalisation now crosses Jamhuri Day (observed)
    assert not any(k.startswith("phase.") for k in events(export(ijm)))
    with_phases = events(export(ijm, "--phases"))
    assert with_phases["phase.prep"].decoded("DTEND") == dt.date(2021, 11, 23)
    consultant = events(export(ijm, "--audience", "consultant"))
    assert "holiday.2021-12-13" in consultant
    assert str(consultant["holiday.2021-12-13"]["SUMMARY"]) == "Public holiday: Jamhuri Day (observed)"


def test_reminder_lead_time_from_the_schedule(defenders: Seed) -> None:
    defenders.rewrite("reminder_days = [2]", 'reminder_days = [7, 1]\nreminder_time = "08:30"')
    final = events(export(defenders))["deliverable.final"]
    assert sorted(a["TRIGGER"].dt for a in final.walk("VALARM")) == [
        -dt.timedelta(days=7) + dt.timedelta(hours=8, minutes=30),
        -dt.timedelta(days=1) + dt.timedelta(hours=8, minutes=30),
    ]
    defenders.rewrite('reminder_time = "08:30"', 'reminder_time = "8 o\'clock"')
    one_line_error(defenders.run("calendar"), "calendar.reminder_time", '"09:00"')
    defenders.rewrite('reminder_time = "8 o\'clock"', "default_duration = 0")
    one_line_error(defenders.run("calendar"), "calendar.default_duration", "1h30m")
    defenders.rewrite("reminder_days = [7, 1]", 'reminder_days = ["soon"]')
    one_line_error(defenders.run("calendar"), "calendar.reminder_days", "[7, 2]")


def test_output_file(seed: Seed, tmp_path: Path) -> None:
    target = tmp_path / "milestones.ics"
    result = seed.run("calendar", "-o", str(target))
    assert result.exit_code == 0
    assert target.read_bytes() == export(seed)
    one_line_error(seed.run("calendar", "-o", str(tmp_path / "no" / "x.ics")), "no such folder")


def test_failed_write_saves_no_state(ijm: Seed) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("/dev/full (a file every write to fails) exists only on Linux")
    one_line_error(ijm.run("calendar", "-o", "/dev/full"), "/dev/full", "cannot write")
    assert not ijm.path.with_name(ijm.path.stem + ".calendar.json").exists()


class ExtraEvents:
    def __init__(self, keys: list[str]) -> None:
        self.keys = keys

    @hookimpl
    def engage_calendar_events(self, engagement):
        return [
            CalendarEvent(key=k, title=f"Board meeting {k}", start=dt.date(2021, 12, 1)) for k in self.keys
        ]


def test_other_plugins_add_events_and_keys_must_be_unique(ijm: Seed) -> None:
    pm = get_plugin_manager()
    pm.register(ExtraEvents(["board.1"]), name="extra")
    try:
        board = events(export(ijm))["board.1"]
        assert str(board["SUMMARY"]) == "Board meeting board.1"
    finally:
        pm.unregister(name="extra")
    pm.register(ExtraEvents(["deliverable.draft"]), name="clash")
    try:
        one_line_error(ijm.run("calendar"), "two calendar events share the key 'deliverable.draft'")
    finally:
        pm.unregister(name="clash")


def test_loading_the_calendar_plugin_imports_neither_icalendar_nor_caldav() -> None:
    import sys

    code = (
        "import sys, engage_calendar, engage.cli; print('icalendar' in sys.modules, 'caldav' in sys.modules)"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip()
        == "False False"
    )


def test_without_email_send_says_what_to_do(ijm: Seed) -> None:
    one_line_error(ijm.run("calendar", "send"), "no supervisor email", "--to")
    one_line_error(ijm.run("calendar", "send", "--to", "not-an-address"), "'not-an-address'")
    assert invoke("-s", str(ijm.path), "calendar", "send", "--to", "a@example.org").exit_code == 2


def test_state_of_the_earlier_format_keeps_sequences_rising(ijm: Seed) -> None:
    """A NAME.calendar.json from before (one state per view) is read; SEQUENCE never goes back."""
    import json

    uid = "meeting.retreat.ijm-kenya-pap-2021@engage-tracker"
    event = {
        "key": "meeting.retreat",
        "title": "Retreat",
        "start": {"date": "2021-11-23"},
        "end": None,
        "description": "",
        "location": "",
        "attendees": [],
        "categories": ["retreat"],
        "alarm": False,
    }
    old = {
        "sequence": 3,
        "fingerprint": "x",
        "created": "20211101T000000Z",
        "revised": "20211102T000000Z",
        "cancelled": False,
        "event": event,
    }
    state = {
        "version": 1,
        "views": {"supervisor": {uid: old}, "supervisor+phases": {uid: {**old, "sequence": 5}}},
    }
    ijm.path.with_name(ijm.path.stem + ".calendar.json").write_text(json.dumps(state))
    retreat = events(export(ijm))["meeting.retreat"]
    assert retreat["SEQUENCE"] == 6
    assert retreat.decoded("CREATED") == dt.datetime(2021, 11, 1, tzinfo=dt.UTC)
