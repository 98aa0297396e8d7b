"""Calendar state kept beside the schedule, so that whatever is sent again updates in place.

``NAME.calendar.json`` holds, for every event ever exported, one SEQUENCE shared by every view and
delivery path, a fingerprint of its content, when it was created and last revised (DTSTAMP), its
content (so an item that left the calendar can still be cancelled by name) and whether it is on the
calendar now. It also records what each delivery path last received: per mail address the SEQUENCE
of each invitation sent, per CalDAV calendar the resource and ETag of each event stored there.
It is written only after a delivery has been accepted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from engage import CalendarEvent, EngageError, remove_file, warn, write_file
from engage_calendar.catalogue import _

STATE_SUFFIX = ".calendar.json"
PENDING = ".pending"  # a state kept beside the file when it could not be replaced
_LEAD = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:(?=[/\\]))?[/\\]*")  # a scheme and its slashes
VERSION = 2


@dataclass
class Revision:
    """What was last exported for one UID; ``off`` says why it is off the calendar, '' if it is on."""

    sequence: int
    fingerprint: str
    created: str
    revised: str
    off: str
    event: dict[str, Any]


@dataclass
class Stored:
    """One event as a CalDAV calendar holds it: where, its ETag, and the SEQUENCE put there."""

    href: str
    etag: str
    sequence: int


@dataclass
class State:
    """The whole state file: revisions, mail sent and CalDAV resources."""

    path: Path
    events: dict[str, Revision] = field(default_factory=dict)
    mail: dict[str, dict[str, int]] = field(default_factory=dict)
    caldav: dict[str, dict[str, Stored]] = field(default_factory=dict)
    sender: str = ""  # who mails this engagement's invitations (a team sends from one clone)

    def save(self) -> None:
        """Write atomically under a lock; mail and CalDAV records of others are kept. A state file
        another program holds open (OneDrive, on Windows) is waited for, as ``write_file`` does.

        One held past that patience cannot be replaced, yet what it records has happened (the mail
        went out): the state is then kept beside it in a new file, ``.NAME.calendar.json.PID.pending``,
        which needs no replace, with one warning; every read merges it in, and the next save that can
        write the state removes it."""
        from filelock import FileLock

        with FileLock(str(self.path) + ".lock", timeout=15):
            on_disk = read_state(self.path)
            merged = pending_files(self.path)
            mail, caldav = {**on_disk.mail, **self.mail}, {**on_disk.caldav, **self.caldav}
            text = _text(State(self.path, self.events, mail, caldav, self.sender or on_disk.sender))
            try:
                write_file(self.path, text, _("calendar state"))
            except EngageError as refused:
                aside = self.path.with_name(f".{self.path.name}.{os.getpid()}{PENDING}")
                try:
                    write_file(aside, text, _("calendar state"))
                except EngageError:
                    raise refused from None
                warn(
                    _(
                        "{error}; what it records is kept beside it in {file} instead, and the next "
                        "calendar command reads it and writes it in"
                    ).format(error=refused.message, file=aside.name)
                )
                return
            for path in merged:
                remove_file(path)


def _text(state: State) -> str:
    """The state file's text: sorted, so that two clones' files differ only where the states do."""
    data = {
        "version": VERSION,
        "events": {uid: asdict(rev) for uid, rev in sorted(state.events.items())},
        "mail": {address: dict(sorted(sent.items())) for address, sent in sorted(state.mail.items())},
        "caldav": {
            url: {uid: asdict(stored) for uid, stored in sorted(resources.items())}
            for url, resources in sorted(state.caldav.items())
        },
    }
    if state.sender:
        data["sender"] = state.sender
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def pending_files(path: Path) -> list[Path]:
    """The states kept beside ``path`` when it could not be replaced (see :meth:`State.save`)."""
    import glob  # not on engage log's path, which imports this module for its calendar events

    try:
        return sorted(path.parent.glob(f".{glob.escape(path.name)}.*{PENDING}"))
    except OSError:
        return []


def merge(ours: State, theirs: State) -> State:
    """Two states as one: per UID the revision with the highest SEQUENCE, per address and per CalDAV
    resource the highest sent; nothing recorded in either is lost."""
    events = dict(ours.events)
    for uid, rev in theirs.events.items():
        if uid not in events or (rev.sequence, rev.revised) > (events[uid].sequence, events[uid].revised):
            events[uid] = rev
    mail = {address: dict(sent) for address, sent in ours.mail.items()}
    for address, sent in theirs.mail.items():
        mine = mail.setdefault(address, {})
        for uid, sequence in sent.items():
            mine[uid] = max(sequence, mine.get(uid, sequence))
    caldav = {url: dict(resources) for url, resources in ours.caldav.items()}
    for url, resources in theirs.caldav.items():
        held = caldav.setdefault(url, {})
        for uid, stored in resources.items():
            if uid not in held or stored.sequence > held[uid].sequence:
                held[uid] = stored
    senders = sorted(filter(None, {ours.sender, theirs.sender}))  # two at once: the same one everywhere
    return State(ours.path, events, mail, caldav, senders[0] if senders else "")


def merge_states(ancestor: bytes, ours: bytes, theirs: bytes) -> bytes:
    """Two clones' state files made one (git's merge driver, ``engage sync``), whichever is ours, by
    :func:`merge`: every later export and send numbers above both, so a calendar that received either
    side's invitation takes the next one as an update. ``ValueError`` when a side is not a state."""
    here = Path(STATE_SUFFIX)
    return _text(merge(_parsed(ours, here), _parsed(theirs, here))).encode("utf-8")


def _parsed(raw: bytes, named: Path) -> State:
    if not raw.strip():
        return State(named)
    try:
        return _from_data(json.loads(raw), named)
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a calendar state ({exc})") from None


def state_path(schedule: Path) -> Path:
    """``NAME.calendar.json`` beside ``NAME.toml``."""
    return schedule.with_name(schedule.stem + STATE_SUFFIX)


def read_state(path: Path) -> State:
    """The state file, with any state kept beside it because it could not be replaced merged in; a
    missing file is an empty state; version 1 files are carried over."""
    state = _read_one(path, path)
    for aside in pending_files(path):
        state = merge(state, _read_one(aside, path))
    return state


def _read_one(path: Path, named: Path) -> State:
    """One state file as a State of ``named``; a missing file is an empty state."""
    try:
        return _from_data(json.loads(path.read_text(encoding="utf-8")), named)
    except FileNotFoundError:
        return State(named)
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise EngageError(
            _(
                "{path}: calendar state cannot be read ({error}); it lets re-sent calendars update in "
                "place: restore it from version control, or delete it to start numbering afresh"
            ).format(path=path, error=exc)
        ) from None


def _from_data(data: dict[str, Any], named: Path) -> State:
    if data.get("version", 1) == 1:
        return State(named, _from_version_1(data))
    return State(
        named,
        {uid: Revision(**rev) for uid, rev in data.get("events", {}).items()},
        {address: dict(sent) for address, sent in data.get("mail", {}).items()},
        {
            without_user_info(url): {uid: Stored(**stored) for uid, stored in resources.items()}
            for url, resources in data.get("caldav", {}).items()
        },
        str(data.get("sender", "")),
    )


def _from_version_1(data: dict[str, Any]) -> dict[str, Revision]:
    """Per-view revisions merged into one per UID: the highest SEQUENCE any view reached.

    The fingerprint is left empty, so the next export revises every event once (their form has
    changed: an ORGANIZER, no ATTENDEE) with a SEQUENCE above anything sent before.
    """
    merged: dict[str, Revision] = {}
    for revisions in data.get("views", {}).values():
        for uid, old in revisions.items():
            seen = merged.get(uid)
            if seen is None or old["sequence"] > seen.sequence:
                off = "removed from the schedule" if old["cancelled"] else ""
                created = min(old["created"], seen.created) if seen else old["created"]
                merged[uid] = Revision(old["sequence"], "", created, old["revised"], off, old["event"])
    return merged


def fingerprint(event: CalendarEvent, extra: str = "") -> str:
    """A digest of everything the calendar shows of an event."""
    text = json.dumps(encode(event), sort_keys=True, ensure_ascii=False) + extra
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def encode(event: CalendarEvent) -> dict[str, Any]:
    """An event as JSON-ready values."""
    data = asdict(event)
    for key in ("start", "end"):
        value = data[key]
        if isinstance(value, dt.date):
            data[key] = {"datetime" if isinstance(value, dt.datetime) else "date": value.isoformat()}
    data["attendees"] = list(event.attendees)
    data["categories"] = list(event.categories)
    return data


def decode(data: dict[str, object]) -> CalendarEvent:
    """The event stored by :func:`encode`."""
    values = dict(data)
    for key in ("start", "end"):
        value = values[key]
        if isinstance(value, dict):
            kind, text = next(iter(value.items()))
            values[key] = (
                dt.datetime.fromisoformat(text) if kind == "datetime" else dt.date.fromisoformat(text)
            )
    values["attendees"] = tuple(values["attendees"])  # type: ignore[arg-type]
    values["categories"] = tuple(values["categories"])  # type: ignore[arg-type]
    return CalendarEvent(**values)  # type: ignore[arg-type]


def without_user_info(text: str) -> str:
    """Any URL-like text with what sits before an ``@`` in its authority taken out, in whatever form
    it was written (``http://u:p@h/``, ``u:p@h/``, ``//u:p@h/``, ``http:/u:p@h/``, ``http:\\\\u:p@h/``).

    The authority runs from after the scheme and its slashes to the next ``/``, ``\\``, ``?`` or ``#``;
    a scheme is kept only when slashes follow it (in ``u:p@h``, ``u:`` is no scheme)."""
    lead = _LEAD.match(text)
    start = lead.end() if lead else 0
    end = next((i for i, c in enumerate(text[start:], start) if c in "/\\?#"), len(text))
    at = text.rfind("@", start, end)
    if at < 0:
        return text
    return text[:start] + text[at + 1 :]
