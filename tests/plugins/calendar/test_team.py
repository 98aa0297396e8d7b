"""The team in the calendar: contacts who receive it are mailed, phases name who works where,
holidays follow each place."""

from __future__ import annotations

from icalendar import Calendar

from helpers import Seed, one_line_error
from helpers.calendar_checks import only_event, received
from helpers.servers import Inbox


def test_send_goes_to_the_supervisor_and_contacts_who_receive_the_calendar(undp: Seed, smtp: Inbox) -> None:
    assert undp.run("calendar", "send").exit_code == 0
    messages = received(smtp)
    # The national project director receives the calendar; SREDA's focal point only the status.
    assert messages and all(
        r == ["mtr.manager@undp.example.org", "npd.srepgen@example.org"] for r, _, _ in messages
    )
    attendees = only_event(messages[0][2])["ATTENDEE"]
    names = {str(a): a.params.get("CN") for a in attendees}
    assert names["mailto:npd.srepgen@example.org"] == "National Project Director, SREPGen"
    # --to still replaces everyone
    assert undp.run("calendar", "send", "--all", "--to", "me@example.org").exit_code == 0
    assert all(r == ["me@example.org"] for r, _, _ in received(smtp))


def test_a_contact_who_receives_the_calendar_needs_an_email(undp: Seed) -> None:
    undp.rewrite('email = "npd.srepgen@example.org"\n', "")
    one_line_error(undp.run("show"), "contacts[0].email", "receives calendar")


def test_phase_events_name_the_team_and_place_and_holidays_follow_each_place(undp: Seed) -> None:
    ics = undp.run("calendar", "--audience", "consultant").stdout
    events = {str(e["SUMMARY"]): e for e in Calendar.from_ical(ics).walk("VEVENT")}
    mission = str(events["Phase: Mission in Dhaka with field visits (46 days)"]["DESCRIPTION"])
    assert "Field enumerator 1 (Enumerator), 8 days" in mission and "Where: Dhaka mission" in mission
    # Geneva's Pentecost Monday for the home days; Bangladesh's Eid for the engagement and mission.
    pentecost = events["Public holiday (Home base (Geneva)): Pentecost Monday"]
    assert pentecost.decoded("DTSTART").isoformat() == "2017-06-05"
    assert "Public holiday: Eid al-Fitr (estimated)" in events
    assert not any("(Dhaka mission)" in title for title in events)  # the same as the engagement's
