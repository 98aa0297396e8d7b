"""Revise calendar events against the saved state: one UID and one SEQUENCE per item, in every view."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

from engage import CalendarEvent, EngageError, Engagement, frozen, output_target
from engage_calendar.catalogue import _
from engage_calendar.events import REMOVED
from engage_calendar.settings import Settings
from engage_calendar.state import Revision, State, decode, encode, fingerprint, read_state, state_path

SUPERVISOR = "supervisor"
CONSULTANT = "consultant"


@frozen
class View:
    """Who the calendar is for, and whether phase windows are shown."""

    audience: str = SUPERVISOR
    phases: bool = False

    def shows(self, event: CalendarEvent) -> bool:
        """Phase windows for consultants or on request; holidays for consultants only."""
        if "phase" in event.categories:
            return self.phases or self.audience == CONSULTANT
        if "holiday" in event.categories:
            return self.audience == CONSULTANT
        return True


@frozen
class Item:
    """An event as exported: its UID, its revision, and why it is off the calendar ('' if on)."""

    uid: str
    event: CalendarEvent
    revision: Revision

    @property
    def off(self) -> str:
        return self.revision.off

    @property
    def on(self) -> bool:
        return not self.revision.off


def uid_of(engagement: Engagement, key: str) -> str:
    """A UID that never changes for the same engagement and item key."""
    return f"{key}.{engagement.id}@engage-tracker"


def load_state(engagement: Engagement) -> State:
    """The state file beside the engagement's schedule."""
    if engagement.source is None:
        raise EngageError(_("a calendar needs a schedule file to keep its revision state beside"))
    return read_state(state_path(engagement.source))


def revise(
    engagement: Engagement,
    events: Iterable[CalendarEvent],
    off: Mapping[str, str],
    state: State,
    settings: Settings,
    now: dt.datetime | None = None,
    shown: Iterable[CalendarEvent] = (),
) -> list[Item]:
    """Compare events with the state and bump SEQUENCE where anything changed; updates ``state``.

    ``off`` names items that have no date now and why. An item that leaves the calendar (no date,
    cancelled, removed) gets one more SEQUENCE, so its cancellation is newer than any invitation.

    ``events`` are fingerprinted; ``shown`` are the same events in the words of the calendar's
    language (by key; default: ``events`` themselves), which the items carry and the state keeps.
    The command gives ``events`` written for machines (English, ISO dates), so that who runs it,
    in which locale, or with which ``--lang``, changes no SEQUENCE and re-sends nothing; the
    schedule's own ``language`` is in the fingerprint, so a ToR declared French is sent again once,
    in French.
    """
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    context = f"{engagement.timezone}|{settings.context}" + language_context(engagement)
    current: dict[str, CalendarEvent] = {}
    for event in events:
        uid = uid_of(engagement, event.key)
        if uid in current:
            raise EngageError(
                _("two calendar events share the key {key}; a plugin must give unique keys").format(
                    key=repr(event.key)
                )
            )
        current[uid] = event
    words = {event.key: event for event in shown}
    revisions: dict[str, Revision] = {}
    for uid, event in current.items():
        digest = fingerprint(event, context)
        old = state.events.get(uid)
        seen = words.get(event.key, event)
        if old is None:
            revisions[uid] = Revision(0, digest, stamp, stamp, "", encode(seen))
        elif old.fingerprint != digest or old.off:
            revisions[uid] = Revision(old.sequence + 1, digest, old.created, stamp, "", encode(seen))
        else:
            revisions[uid] = old
    for uid, old in state.events.items():
        if uid in current:
            continue
        reason = off.get(str(old.event["key"]), REMOVED)
        if old.off:
            revisions[uid] = Revision(
                old.sequence, old.fingerprint, old.created, old.revised, reason, old.event
            )
        else:
            revisions[uid] = Revision(
                old.sequence + 1, old.fingerprint, old.created, stamp, reason, old.event
            )
    state.events = revisions
    items = [
        Item(uid, words.get(current[uid].key, current[uid]) if uid in current else decode(rev.event), rev)
        for uid, rev in revisions.items()
    ]
    return sorted(items, key=lambda item: (sort_key(item.event.start), item.uid))


def language_context(engagement: Engagement) -> str:
    """The schedule's language, for the fingerprint: '' for English or none (as before languages); its
    words' language alone ("fr" for "fr-SN" or "fr_FR"), so that spelling the tag anew sends nothing."""
    language = (engagement.language or "").partition("_")[0]
    return "" if language in ("", "en") else f"|{language}"


def sort_key(value: dt.date | dt.datetime) -> dt.datetime:
    """Dates and date-times in one order (date-times read as local)."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time())


def output_path(path: str) -> Path:
    """Where ``-o`` writes; its folder must exist."""
    target = Path(path)
    if not target.parent.is_dir():
        raise EngageError(_("{folder}: no such folder for the calendar file").format(folder=target.parent))
    if target.is_dir():
        raise EngageError(
            _("{path}: is a folder; give a file name such as {example}").format(
                path=target, example=target / "milestones.ics"
            )
        )
    # never over a ledger, schedule or calendar state
    return output_target(path, _("calendar file"))
