"""Turn calendar events into an RFC 5545 calendar with icalendar, keeping UIDs and SEQUENCE stable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from engage import CalendarEvent, EngageError, Engagement, __version__
from engage.timeline import day_of

if TYPE_CHECKING:
    from icalendar import Event  # imported in the functions that build: not on engage log's path
from engage_calendar.settings import reminder_days
from engage_calendar.state import Revision, decode, encode, fingerprint, read_view, state_path, write_view

PRODID = f"-//engage//engage-tracker {__version__}//EN"
SUPERVISOR = "supervisor"
CONSULTANT = "consultant"


@dataclass(frozen=True)
class View:
    """Who the calendar is for, and whether phase windows are shown."""

    audience: str = SUPERVISOR
    phases: bool = False

    @property
    def name(self) -> str:
        return self.audience + ("+phases" if self.phases else "")

    def shows(self, event: CalendarEvent) -> bool:
        """Phase windows for consultants or on request; holidays for consultants only."""
        if "phase" in event.categories:
            return self.phases or self.audience == CONSULTANT
        if "holiday" in event.categories:
            return self.audience == CONSULTANT
        return True


@dataclass(frozen=True)
class Item:
    """An event as exported: its UID, revision and whether it was cancelled."""

    uid: str
    event: CalendarEvent
    revision: Revision


def uid_of(engagement: Engagement, key: str) -> str:
    """A UID that never changes for the same engagement and item key."""
    return f"{key}.{engagement.id}@engage-tracker"


def revise(
    engagement: Engagement,
    events: Iterable[CalendarEvent],
    view: View,
    now: dt.datetime | None = None,
    save: bool = True,
) -> list[Item]:
    """Compare events with the last export of this view; bump SEQUENCE where anything changed.

    Items that have disappeared come back once more as cancelled, and stay so.
    """
    if engagement.source is None:
        raise EngageError("a calendar needs a schedule file to keep its revision state beside")
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    path = state_path(engagement.source)
    previous = read_view(path, view.name)
    context = f"{view.name}|{engagement.supervisor}|{reminder_days(engagement)}|{engagement.timezone}"
    current: dict[str, CalendarEvent] = {}
    for event in events:
        uid = uid_of(engagement, event.key)
        if uid in current:
            raise EngageError(
                f"two calendar events share the key {event.key!r}; a plugin must give unique keys"
            )
        current[uid] = event
    revisions: dict[str, Revision] = {}
    for uid, event in current.items():
        digest = fingerprint(event, context)
        old = previous.get(uid)
        if old is None:
            revisions[uid] = Revision(0, digest, stamp, stamp, False, encode(event))
        elif old.fingerprint != digest or old.cancelled:
            revisions[uid] = Revision(old.sequence + 1, digest, old.created, stamp, False, encode(event))
        else:
            revisions[uid] = old
    for uid, old in previous.items():
        if uid not in current:
            revisions[uid] = (
                old
                if old.cancelled
                else Revision(old.sequence + 1, old.fingerprint, old.created, stamp, True, old.event)
            )
    if save and revisions != previous:
        write_view(path, view.name, revisions)
    items = [Item(uid, current.get(uid) or decode(rev.event), rev) for uid, rev in revisions.items()]
    return sorted(items, key=lambda item: (_sort_key(item.event.start), item.uid))


def render(engagement: Engagement, items: list[Item], view: View) -> bytes:
    """The calendar as bytes: CRLF lines folded at 75 octets, VTIMEZONE for timed events."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = f"{engagement.title} ({view.audience})"
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", engagement.timezone)
    for item in items:
        calendar.add_component(_vevent(engagement, item, view))
    years = [_sort_key(item.event.start).year for item in items] or [dt.date.today().year]
    calendar.add_missing_timezones(dt.date(min(years) - 1, 1, 1), dt.date(max(years) + 2, 1, 1))
    return calendar.to_ical()


def _vevent(engagement: Engagement, item: Item, view: View) -> Event:
    from icalendar import Alarm, Event, vCalAddress

    event, revision = item.event, item.revision
    component = Event()
    component.add("uid", item.uid)
    stamp = dt.datetime.strptime(revision.revised, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    component.add("dtstamp", stamp)
    component.add("created", dt.datetime.strptime(revision.created, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC))
    component.add("last-modified", stamp)
    component.add("sequence", revision.sequence)
    component.add("summary", event.title)
    zone = ZoneInfo(engagement.timezone)
    if isinstance(event.start, dt.datetime):
        component.add("dtstart", _zoned(event.start, zone))
        if isinstance(event.end, dt.datetime) and event.end > event.start:
            component.add("dtend", _zoned(event.end, zone))
        # A timed event without an end is an instant (RFC 5545 3.6.1): a deadline at 17:00.
    else:
        last = day_of(event.end if event.end is not None else event.start)
        component.add("dtstart", event.start)
        component.add("dtend", max(last, event.start) + dt.timedelta(days=1))  # exclusive
    if event.description:
        component.add("description", event.description)
    if event.location:
        component.add("location", event.location)
    if event.categories:
        component.add("categories", list(event.categories))
    cancelled = revision.cancelled or event.status == "cancelled"
    component.add("status", "CANCELLED" if cancelled else event.status.upper())
    component.add("transp", "OPAQUE" if _is_meeting(event) else "TRANSPARENT")
    supervisor = engagement.supervisor
    if view.audience == SUPERVISOR and supervisor.email:
        attendee = vCalAddress(f"mailto:{supervisor.email}")
        attendee.params["cn"] = supervisor.label  # "Name (Role)": commas are quoted by icalendar
        attendee.params["role"] = "REQ-PARTICIPANT" if _is_meeting(event) else "NON-PARTICIPANT"
        attendee.params["partstat"] = "NEEDS-ACTION"
        component.add("attendee", attendee)
    if event.alarm and not cancelled:
        for days in reminder_days(engagement):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"Reminder: {event.title}")
            alarm.add("trigger", -dt.timedelta(days=days))
            component.add_component(alarm)
    return component


def _is_meeting(event: CalendarEvent) -> bool:
    return not {"deadline", "deliverable", "phase", "holiday"} & set(event.categories)


def _zoned(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)


def _sort_key(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time())


def calendar_bytes(
    engagement: Engagement, events: Iterable[CalendarEvent], view: View, save: bool = True
) -> tuple[bytes, list[Item]]:
    """Revise and render in one step."""
    items = revise(engagement, [e for e in events if view.shows(e)], view, save=save)
    return render(engagement, items, view), items


def output_path(path: str) -> Path:
    """Where ``-o`` writes; its folder must exist."""
    target = Path(path)
    if not target.parent.is_dir():
        raise EngageError(f"{target.parent}: no such folder for the calendar file")
    return target
