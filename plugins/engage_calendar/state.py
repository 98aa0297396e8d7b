"""Revision state kept beside the schedule, so that re-sent calendars update events in place.

For every event ever exported (per view: audience and phases), the file
remembers its SEQUENCE, a fingerprint of its content, when it last changed
(the DTSTAMP) and its content, so that an item removed from the schedule can
be exported once more as cancelled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from engage import CalendarEvent, EngageError

STATE_SUFFIX = ".calendar.json"


@dataclass
class Revision:
    """What was last exported for one UID."""

    sequence: int
    fingerprint: str
    created: str
    revised: str
    cancelled: bool
    event: dict[str, Any]


def state_path(schedule: Path) -> Path:
    """``NAME.calendar.json`` beside ``NAME.toml``."""
    return schedule.with_name(schedule.stem + STATE_SUFFIX)


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


def read_view(path: Path, view: str) -> dict[str, Revision]:
    """The revisions of one view; a missing file is an empty state."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {uid: Revision(**rev) for uid, rev in data.get("views", {}).get(view, {}).items()}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, TypeError) as exc:
        raise EngageError(
            f"{path}: calendar state cannot be read ({exc}); it lets re-sent calendars update in place: "
            "restore it from version control, or delete it to start numbering afresh"
        ) from None


def write_view(path: Path, view: str, revisions: dict[str, Revision]) -> None:
    """Replace one view's revisions, atomically, under a lock."""
    from filelock import FileLock

    with FileLock(str(path) + ".lock", timeout=15):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            data = {"version": 1, "views": {}}
        except (OSError, ValueError) as exc:
            raise EngageError(f"{path}: calendar state cannot be read ({exc})") from None
        data.setdefault("views", {})[view] = {uid: asdict(rev) for uid, rev in sorted(revisions.items())}
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            partial.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            os.replace(partial, path)
        except OSError as exc:
            raise EngageError(f"{path}: cannot write calendar state: {exc.strerror or exc}") from None
