"""The calendar plugin: valid iCalendar, stable UIDs, SEQUENCE and cancellations, real clients."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar

from calendar_checks import parse_everywhere
from conftest import Seed, invoke, one_line_error
from engage import CalendarEvent, hookimpl
from engage.plugins import get_plugin_manager

ORGANIZER = "consultant@example.org"


@pytest.fixture(autouse=True)
def organizer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The address the feed names as ORGANIZER (ENGAGE_MAIL_FROM)."""
    monkeypatch.setenv("ENGAGE_MAIL_FROM", ORGANIZER)


def export(seed: Seed, *args: str) -> bytes:
    result = seed.run("calendar", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def events(data: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(data)
    # UID "deliverable.draft.ijm-kenya-pap-2021@engage-tracker" -> key "deliverable.draft"
    return {".".join(str(e["UID"]).split(".")[:2]): e for e in calendar.walk("VEVENT")}


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
    seed.run("deliver", "draft", "--status", "submitted", "--date", "2021-12-02")
    draft = events(export(seed))["deliverable.draft"]
    assert draft["SEQUENCE"] == 1
    assert "Status: submitted on 2021-12-02" in str(draft["DESCRIPTION"])


def remove_last_deliverable(seed: Seed) -> tuple[str, str]:
    """Remove the last deliverable (nothing depends on it in either seed); return its key and the old text."""
    text = seed.text()
    start = text.rindex("[[deliverables]]")
    end = text.index("[[meetings]]", start)
    seed.path.write_text(text[:start] + text[end:])
    return "deliverable." + text[start:end].split('key = "', 1)[1].split('"', 1)[0], text


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
        seed.rewrite('role = "Associate Director, Programs"', 'role = "Associate Director, Programs"\nemail = "adp@example.org"')
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


def test_timed_meeting_without_end_lasts_default_duration(defenders: Seed) -> None:
    defenders.rewrite('start = "start of phase feedback"', "start = 2023-09-25T09:30:00")
    assert events(export(defenders))["meeting.validation"].decoded("DTEND").strftime("%H:%M") == "10:00"
    defenders.rewrite("reminder_days = [2]", 'reminder_days = [2]\ndefault_duration = "1h30m"')
    assert events(export(defenders))["meeting.validation"].decoded("DTEND").strftime("%H:%M") == "11:00"


def test_daylight_saving_zone_is_written_as_yearly_rules(defenders: Seed) -> None:
    defenders.rewrite('timezone = "Africa/Nairobi"', 'timezone = "Europe/Berlin"')
    defenders.rewrite('start = "start of phase feedback"', "start = 2023-10-30T09:30:00")
    data = export(defenders)
    parse_everywhere(data, "PUBLISH")
    [zone] = Calendar.from_ical(data).walk("VTIMEZONE")
    rules = sorted(str(part["RRULE"].to_ical().decode()) for part in zone.subcomponents)
    assert rules == ["FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"]
    assert b"RDATE" not in data
    meeting = events(data)["meeting.validation"]
    assert meeting.decoded("DTSTART").utcoffset() == dt.timedelta(hours=1)  # CET: after the change


HOSTILE = 'Hostile, title; with \\\\ backslash\\nsecond line\\u000b(a Word line break)\\u0007bell'


def unescape(value: str) -> str:
    """RFC 5545 3.3.11 TEXT unescaped."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def make_hostile(seed: Seed) -> str:
    """Give the seed a hostile title and meeting name; return the meeting's key."""
    text = seed.text()
    title = text.split("\ntitle = ", 1)[1].split("\n", 1)[0]
    seed.rewrite(f"title = {title}", f'title = "{HOSTILE}"')
    key = {"ijm": "retreat", "defenders": "validation"}[seed.name]
    name_line = f'[[meetings]]\nkey = "{key}"\nname = '
    old_name = text.split(name_line, 1)[1].split("\n", 1)[0]
    seed.rewrite(name_line + old_name, name_line + '"Meet\\u000bagain\\r\\nnow\\u0000"')
    return key


def test_hostile_text_is_cleaned_and_escaped(seed: Seed) -> None:
    key = make_hostile(seed)
    data = export(seed)
    calendar = parse_everywhere(data, "PUBLISH")
    expected = "Hostile, title; with \\ backslash second line (a Word line break)bell (supervisor)"
    unfolded = data.replace(b"\r\n ", b"").decode()
    for name in ("NAME", "X-WR-CALNAME"):  # TEXT values: comma, semicolon, backslash escaped
        [line] = [line for line in unfolded.split("\r\n") if line.startswith(name + ":")]
        assert unescape(line.split(":", 1)[1]) == expected
        assert line.startswith(name + ":Hostile\\, title\\; with \\\\ backslash"), line
        assert str(calendar[name]) == line.split(":", 1)[1]
    meeting = events(data)[f"meeting.{key}"]
    assert str(meeting["SUMMARY"]) == "Meet again now"
    assert str(meeting["DESCRIPTION"]).startswith("Hostile, title; with \\ backslash\nsecond line\n(a Word")
    assert not any(ch in data.decode() for ch in "\x00\x07\x0b")


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


# --- real calendar clients -------------------------------------------------------------------


@pytest.mark.skipif(
    shutil.which("calcurse") is None, reason="calcurse is not installed (.ci/run installs it)"
)
def test_calcurse_imports_and_lists_every_event(seed: Seed, tmp_path: Path) -> None:
    data = tmp_path / "calcurse"
    data.mkdir()
    ics = tmp_path / "m.ics"
    ics.write_bytes(export(seed))
    env = {**os.environ, "TZ": "Africa/Nairobi"}
    imported = subprocess.run(
        ["calcurse", "-C", str(data), "-D", str(data), "-i", str(ics)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert imported.returncode == 0, imported.stderr
    assert "0 skipped" in imported.stdout
    first = {"ijm": "11/15/2021", "defenders": "08/18/2023"}[seed.name]
    listing = subprocess.run(
        ["calcurse", "-C", str(data), "-D", str(data), "-Q", "--from", first, "--days", "90"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    for event in events(ics.read_bytes()).values():
        assert str(event["SUMMARY"]) in listing
    if seed.name == "ijm":
        assert "17:00" in listing  # the COB deadline, in Nairobi time
        retreat_days = [
            day for day in ("11/23/21", "11/24/21", "11/25/21", "11/26/21", "11/27/21") if day in listing
        ]
        assert retreat_days == ["11/23/21", "11/24/21", "11/25/21", "11/26/21"]


def khal(config: Path, *args: str) -> str:
    done = subprocess.run(["khal", "-c", str(config), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def days_listing(listing: str, title: str) -> list[str]:
    """The day headings ("Friday, 2021-11-26") under which khal lists an event."""
    days, current = [], ""
    for line in listing.splitlines():
        if re.fullmatch(r"\w+day, \d{4}-\d\d-\d\d", line.strip()):
            current = line.split(", ")[1]
        elif title in line:
            days.append(current)
    return days


@pytest.mark.skipif(shutil.which("khal") is None, reason="khal is not installed (.ci/run installs it)")
def test_khal_reimport_updates_in_place(ijm: Seed, tmp_path: Path) -> None:
    folder = tmp_path / "khal"
    (folder / "cal").mkdir(parents=True)
    config = folder / "config"
    config.write_text(
        "[calendars]\n[[engage]]\n"
        f"path = {folder / 'cal'}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "default_timezone = Africa/Nairobi\nlocal_timezone = Africa/Nairobi\n"
        "[default]\ndefault_calendar = engage\n"
        f"[sqlite]\npath = {folder / 'khal.db'}\n"
    )
    ics = tmp_path / "m.ics"
    ics.write_bytes(export(ijm))
    khal(config, "import", "--batch", str(ics))
    listing = khal(config, "list", "--format", "{title}", "2021-11-01", "60d")
    retreat = "Four-day strategic planning retreat"
    assert days_listing(listing, retreat) == ["2021-11-23", "2021-11-24", "2021-11-25", "2021-11-26"]
    ijm.rewrite(
        "start = 2021-11-23\nend = 2021-11-26\n# The ToR", "start = 2021-11-30\nend = 2021-12-03\n# The ToR"
    )
    ics.write_bytes(export(ijm))
    khal(config, "import", "--batch", str(ics))
    listing = khal(config, "list", "--format", "{title}", "2021-11-01", "60d")
    assert days_listing(listing, retreat) == ["2021-11-30", "2021-12-01", "2021-12-02", "2021-12-03"]
    assert len(list((folder / "cal").glob("*.ics"))) == len(events(ics.read_bytes()))


def test_loading_the_calendar_plugin_imports_neither_icalendar_nor_caldav() -> None:
    import subprocess
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
        "key": "meeting.retreat", "title": "Retreat", "start": {"date": "2021-11-23"}, "end": None,
        "description": "", "location": "", "attendees": [], "categories": ["retreat"], "alarm": False,
    }
    old = {"sequence": 3, "fingerprint": "x", "created": "20211101T000000Z", "revised": "20211102T000000Z",
           "cancelled": False, "event": event}
    state = {"version": 1, "views": {"supervisor": {uid: old}, "supervisor+phases": {uid: {**old, "sequence": 5}}}}
    ijm.path.with_name(ijm.path.stem + ".calendar.json").write_text(json.dumps(state))
    retreat = events(export(ijm))["meeting.retreat"]
    assert retreat["SEQUENCE"] == 6
    assert retreat.decoded("CREATED") == dt.datetime(2021, 11, 1, tzinfo=dt.UTC)


@pytest.mark.skipif(
    shutil.which("calcurse") is None, reason="calcurse is not installed (.ci/run installs it)"
)
def test_calcurse_reimport_adds_copies_so_the_readme_says_so(ijm: Seed, tmp_path: Path) -> None:
    """calcurse imports by content, not UID: the README's table says it does not update in place."""
    data = tmp_path / "calcurse"
    data.mkdir()
    ics = tmp_path / "m.ics"
    ics.write_bytes(export(ijm))
    env = {**os.environ, "TZ": "Africa/Nairobi"}
    command = ["calcurse", "-C", str(data), "-D", str(data)]
    for _ in range(2):
        subprocess.run([*command, "-i", str(ics)], capture_output=True, env=env, check=True)
    listing = subprocess.run(
        [*command, "-Q", "--from", "11/23/2021", "--days", "1"], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert listing.count("Four-day strategic planning retreat") == 2
