"""Watson's ``frames`` file: a JSON array of [start, stop, project, id, tags, updated_at].

Format: https://github.com/jazzband/Watson/blob/master/watson/frames.py
(start and stop are Unix times, so instants: engage dates them in the
engagement's time zone, and splits a frame that crosses its midnight, as
``watson report`` splits it at the local one). Tags become the note, except a
``consultant:NAME`` tag (as engage's exporter writes it), which names who worked.
The frame still running (Watson's ``state`` file beside ``frames``) is not
imported, since its end is not known: a warning names its project and start.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

from engage import N_, EngageError, ImportedTime, read_file, warn
from engage_interop.catalogue import _, ngettext
from engage_interop.days import placeable, span
from engage_interop.files import read_json_array

PERSON_TAG = "consultant:"  # as engage's exporter writes who worked
STATE_BYTES = 1024 * 1024  # Watson's state is one small object
WHAT = N_("Watson's frames file (in $WATSON_DIR, or ~/.config/watson/frames)")


def _instant(value: object) -> dt.datetime:
    """A Unix time as an aware instant, or ValueError when it is none a date can hold."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(_("start and stop must be Unix times"))
    if not math.isfinite(value):
        raise ValueError(_("{value} is not a time").format(value=repr(value)))
    try:
        instant = dt.datetime.fromtimestamp(round(value), dt.UTC)
    except (OverflowError, ValueError, OSError):
        raise ValueError(_("{value} is out of range").format(value=repr(value))) from None
    if not placeable(instant):
        raise ValueError(_("{value} is out of range").format(value=repr(value)))
    return instant


def read(path: Path) -> list[ImportedTime]:
    """Every frame as time against ``project+tag`` keys, falling back to the project.

    ``path`` may be Watson's folder ($WATSON_DIR), which holds ``frames``.
    """
    if path.is_dir():
        path = path / "frames"
    imported = []
    what = _(WHAT)
    for where, frame in read_json_array(path, what, _("frame"), _("frames")):
        if not isinstance(frame, list) or len(frame) < 4:
            given = (
                ngettext("{count} field", "{count} fields", len(frame)).format(count=len(frame))
                if isinstance(frame, list)
                else _("a JSON {type}").format(type=type(frame).__name__)
            )
            raise EngageError(
                _(
                    "{where}: {given}; a frame is a list [start, stop, project, id, tags, updated_at] of at "
                    "least start, stop, project and id; give {what}"
                ).format(where=where, given=given, what=what)
            )
        try:
            start, stop, project, ident = frame[0], frame[1], frame[2], frame[3]
            tags = frame[4] if len(frame) > 4 and frame[4] else []
            begin, end = _instant(start), _instant(stop)
            if not isinstance(project, str) or not project:
                raise TypeError(_("the project must be text"))
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                raise TypeError(_("tags must be a list of text"))
        except (TypeError, IndexError, KeyError, ValueError) as exc:
            raise EngageError(
                _(
                    "{where}: cannot read it ({why}); a frame is [start, stop, project, id, tags, "
                    "updated_at] with Unix times"
                ).format(where=where, why=exc)
            ) from None
        if end < begin:
            raise EngageError(
                _("{where}: stops before it starts; fix it with {command}").format(
                    where=where, command=f"'watson edit {str(ident)[:7]}'"
                )
            )
        people = [t.removeprefix(PERSON_TAG) for t in tags if t.startswith(PERSON_TAG)]
        tags = [t for t in tags if not t.startswith(PERSON_TAG)]
        imported.append(
            span(
                f"{where} ({str(ident)[:7]})",
                begin,
                end,
                ref=str(ident) if ident else "",
                keys=tuple(f"{project}+{tag}" for tag in tags),
                fallback=(project,),
                person=people[0] if people else "",
                note=", ".join(tags),
            )
        )
    if str(path) != "-":  # standard input has no folder, so no state beside it
        _warn_running(path.parent / "state")
    return imported


def _warn_running(state: Path) -> None:
    """Say that Watson's running frame, if any, is not imported, naming its project and start."""
    if not state.exists():
        return  # no state file: nothing is running
    unknown = _("whether a frame is still running is not known, and a running frame is never imported")
    try:
        current = json.loads(read_file(state, _("Watson's state file"), STATE_BYTES).decode("utf-8"))
    except EngageError as exc:  # a device, a folder, a file past any state's size
        warn(_("{problem}; {unknown}").format(problem=exc.message, unknown=unknown))
        return
    except (ValueError, RecursionError):
        warn(
            _("{file}: Invalid JSON, as 'watson status' says; {unknown}").format(file=state, unknown=unknown)
        )
        return
    if not isinstance(current, dict) or not current.get("project"):
        return  # Watson writes {} when nothing runs
    try:
        started = (
            f"{_instant(current.get('start')).astimezone():%Y-%m-%d %H:%M %Z}"  # local, as Watson shows it
        )
    except (TypeError, ValueError):
        started = _("an unreadable time")
    given = current.get("tags")
    tags = given if isinstance(given, list) else []
    shown = " ".join([repr(str(current["project"])[:60]), *(f"+{str(t)[:30]}" for t in tags[:5])])
    warn(
        _(
            "{file}: the frame of {frame} started {started} is still running and is not imported; "
            "'watson stop', then import again"
        ).format(file=state, frame=shown, started=started)
    )
