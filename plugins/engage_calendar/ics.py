"""Render revised items as iCalendar: the PUBLISH feed, CalDAV resources, REQUEST and CANCEL messages.

Which properties each form carries follows RFC 5546's restriction tables: every form has an
ORGANIZER; only REQUEST and CANCEL name ATTENDEEs; CalDAV resources carry no METHOD (RFC 4791 4.1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from engage import CalendarEvent, Engagement, Person, __version__, day_of, speaking
from engage_calendar.build import CONSULTANT, SUPERVISOR, Item, View, sort_key
from engage_calendar.catalogue import _, pgettext
from engage_calendar.events import cancellation_note
from engage_calendar.settings import Settings
from engage_calendar.text import multiline, one_line

if TYPE_CHECKING:
    from icalendar import Calendar, Event  # imported where used: not on engage log's path

PRODID = f"-//engage//engage-tracker {__version__}//EN"
PUBLISH, REQUEST, CANCEL = "PUBLISH", "REQUEST", "CANCEL"
REFRESH = dt.timedelta(hours=6)  # how often a subscribed client should fetch the feed again


def feed(engagement: Engagement, items: Sequence[Item], view: View, settings: Settings) -> bytes:
    """The subscription calendar: what is on the calendar now, METHOD:PUBLISH with an ORGANIZER.

    Items off the calendar are left out: a subscribed client replaces its copy wholesale. Without
    an organizer address the calendar has no METHOD (a plain snapshot, RFC 5545 3.7.2), as
    PUBLISH requires an ORGANIZER.

    The text people read (SUMMARY, DESCRIPTION, LOCATION, the calendar's name, reminders) is in the
    engagement's language; every other property is as a program reads it, in every language.
    """
    from icalendar import vDuration, vText

    shown = [item for item in items if item.on and view.shows(item.event)]
    method = PUBLISH if settings.organizer else None
    with speaking(engagement):
        events = [_vevent(engagement, item, settings, method) for item in shown]
        name = one_line(
            _("{title} ({audience})").format(title=engagement.title, audience=audience_text(view.audience))
        )
    calendar = _calendar(engagement, events, method)
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    calendar.add("x-wr-timezone", engagement.timezone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    return calendar.to_ical()


def resource(engagement: Engagement, item: Item, settings: Settings) -> bytes:
    """One event as a CalDAV calendar object resource: no METHOD, no ATTENDEE."""
    with speaking(engagement):
        event = _vevent(engagement, item, settings, None)
    return _calendar(engagement, [event], None).to_ical()


def invitation(
    engagement: Engagement, item: Item, settings: Settings, method: str, attendees: Sequence[str]
) -> bytes:
    """One event as an iTIP REQUEST (an invitation or its update) or CANCEL, to these addresses.

    Its DTSTAMP is now, when the message is made (RFC 5546 sequencing): a client that has the
    same SEQUENCE takes the later DTSTAMP as the newer message.
    """
    with speaking(engagement):
        event = _vevent(engagement, item, settings, method, attendees)
    event.pop("DTSTAMP")
    event.add("dtstamp", dt.datetime.now(dt.UTC).replace(microsecond=0))
    return _calendar(engagement, [event], method).to_ical()


def audience_text(audience: str) -> str:
    """Whom a calendar is for, in the language in force (the option's values stay English)."""
    if audience == SUPERVISOR:
        return pgettext("audience", "supervisor")
    if audience == CONSULTANT:
        return pgettext("audience", "consultant")
    return audience


def is_meeting(event: CalendarEvent) -> bool:
    """Meetings take the attendee's time; deadlines, deliverables, phases and holidays do not."""
    return not {"deadline", "deliverable", "phase", "holiday"} & set(event.categories)


def span(event: CalendarEvent, settings: Settings, zone: ZoneInfo) -> tuple[dt.date, dt.date]:
    """Start and end as written: exclusive end for all-day events, default length for timed ones."""
    if isinstance(event.start, dt.datetime):
        start = _zoned(event.start, zone)
        if isinstance(event.end, dt.datetime) and _zoned(event.end, zone) > start:
            return start, _zoned(event.end, zone)
        return start, start + settings.default_duration
    last = day_of(event.end if event.end is not None else event.start)
    return event.start, max(last, event.start) + dt.timedelta(days=1)


def _calendar(engagement: Engagement, events: list[Event], method: str | None) -> Calendar:
    from icalendar import Calendar

    from engage_calendar.tz import vtimezone

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    years = [sort_key(event.decoded("dtstart")).year for event in events]
    if any(event["dtstart"].params.get("TZID") for event in events):
        calendar.add_component(vtimezone(engagement.timezone, min(years) - 1, max(years) + 1))
    for event in events:
        calendar.add_component(event)
    return calendar


def _vevent(
    engagement: Engagement, item: Item, settings: Settings, method: str | None, attendees: Sequence[str] = ()
) -> Event:
    from icalendar import Alarm, Event, vCalAddress

    event, revision = item.event, item.revision
    title = one_line(event.title) or _("(untitled)")
    component = Event()
    component.add("uid", item.uid)
    stamp = dt.datetime.strptime(revision.revised, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    component.add("dtstamp", stamp)
    component.add("created", dt.datetime.strptime(revision.created, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC))
    component.add("last-modified", stamp)
    component.add("sequence", revision.sequence)
    component.add("summary", title)
    start, end = span(event, settings, ZoneInfo(engagement.timezone))
    component.add("dtstart", start)
    component.add("dtend", end)
    description = multiline(event.description)
    if method == CANCEL:
        description = "\n\n".join(part for part in (cancellation_note(item.off), description) if part)
    if description:
        component.add("description", description)
    if one_line(event.location):
        component.add("location", one_line(event.location))
    categories = [one_line(c) for c in event.categories if one_line(c)]
    if categories:
        component.add("categories", categories)
    component.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    component.add("transp", "OPAQUE" if is_meeting(event) else "TRANSPARENT")
    if settings.organizer:
        component.add("organizer", vCalAddress(f"mailto:{settings.organizer}"))
    supervisor = engagement.supervisor
    for address in attendees:
        attendee = vCalAddress(f"mailto:{address}")
        contact = next((c for c in engagement.contacts if c.email.lower() == address.lower()), None)
        if supervisor.email and address.lower() == supervisor.email.lower():
            attendee.params["cn"] = one_line(supervisor.label)  # commas are quoted by icalendar
        elif contact is not None:
            attendee.params["cn"] = one_line(Person(contact.name, contact.role).label)
        attendee.params["cutype"] = "INDIVIDUAL"
        attendee.params["role"] = "REQ-PARTICIPANT" if is_meeting(event) else "NON-PARTICIPANT"
        attendee.params["partstat"] = "NEEDS-ACTION"
        if method == REQUEST:  # a reply is asked for meetings only, never to a cancellation
            attendee.params["rsvp"] = "TRUE" if is_meeting(event) else "FALSE"
        component.add("attendee", attendee)
    if event.alarm and method != CANCEL:
        for days in settings.reminder_days:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", _("Reminder: {title}").format(title=title))
            alarm.add("trigger", _trigger(event, days, settings))
            component.add_component(alarm)
    return component


def _trigger(event: CalendarEvent, days: int, settings: Settings) -> dt.timedelta:
    """Days before the start; for an all-day event at ``reminder_time`` on that day, not midnight."""
    before = -dt.timedelta(days=days)
    if isinstance(event.start, dt.datetime):
        return before
    at = settings.reminder_time
    return before + dt.timedelta(hours=at.hour, minutes=at.minute)


def _zoned(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)
