"""Watson's ``frames`` file: a JSON array of [start, stop, project, id, tags, updated_at].

Format: https://github.com/jazzband/Watson/blob/master/watson/frames.py
(start and stop are Unix times, so instants: engage dates them in the
engagement's time zone). Tags become the note, except a ``consultant:NAME`` tag
(as engage's exporter writes it), which names who worked.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

from engage import EngageError, ImportedTime
from engage_interop.files import read_json_array

PERSON_TAG = "consultant:"  # as engage's exporter writes who worked
WHAT = "Watson's frames file (in $WATSON_DIR, or ~/.config/watson/frames)"


def read(path: Path) -> list[ImportedTime]:
    """Every frame as time against ``project+tag`` keys, falling back to the project.

    ``path`` may be Watson's folder ($WATSON_DIR), which holds ``frames``.
    """
    if path.is_dir():
        path = path / "frames"
    imported = []
    for where, frame in read_json_array(path, WHAT, "frame"):
        try:
            start, stop, project, ident = frame[0], frame[1], frame[2], frame[3]
            tags = frame[4] if len(frame) > 4 and frame[4] else []
            if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (start, stop)):
                raise TypeError("start and stop must be Unix times")
            if not isinstance(project, str) or not project:
                raise TypeError("the project must be text")
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                raise TypeError("tags must be a list of text")
        except (TypeError, IndexError, KeyError) as exc:
            raise EngageError(
                f"{where}: cannot read it ({exc}); a frame is [start, stop, project, id, tags, updated_at]"
            ) from None
        if stop < start:
            raise EngageError(f"{where}: stops before it starts; fix it with 'watson edit {str(ident)[:7]}'")
        people = [t.removeprefix(PERSON_TAG) for t in tags if t.startswith(PERSON_TAG)]
        tags = [t for t in tags if not t.startswith(PERSON_TAG)]
        imported.append(
            ImportedTime(
                where=f"{where} ({str(ident)[:7]})",
                hours=Fraction(round(stop) - round(start), 3600),
                start=dt.datetime.fromtimestamp(round(start), dt.UTC),
                keys=tuple(f"{project}+{tag}" for tag in tags),
                fallback=(project,),
                person=people[0] if people else "",
                note=", ".join(tags),
                ref=str(ident) if ident else "",
            )
        )
    return imported
