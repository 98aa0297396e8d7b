"""Calendar events valid for every client: ends, reminders, time zones, clean and escaped text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar

from helpers import Seed
from helpers.calendar_checks import events, export, parse_everywhere
from helpers.seed_edits import make_hostile

pytestmark = pytest.mark.usefixtures("organizer")  # the feed names an ORGANIZER


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


def unescape(value: str) -> str:
    """RFC 5545 3.3.11 TEXT unescaped."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


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
