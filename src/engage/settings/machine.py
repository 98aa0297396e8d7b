"""This machine's id: a random name, made once per user, that every record a command writes carries.

It tells two laptops apart in a team's merged ledger (``"machine"`` on each record) without saying
anything about them: 12 hex digits from ``os.urandom``, kept in ``machine-id`` in the user's data
folder (``$XDG_DATA_HOME/engage`` on Linux, platformdirs' ``user_data_dir`` elsewhere). Reading it
costs one small read; it is made the first time, and never raises: a folder that cannot be written
gives no id (the records then carry none) rather than a new one on every command.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

FILE_NAME = "machine-id"
_HEX = frozenset("0123456789abcdef")
_known: dict[str, str] = {}  # path -> id, once per process


def data_folder() -> Path:
    """engage's folder in the user's data folder (what platformdirs answers; not imported on Linux)."""
    if sys.platform.startswith("linux"):
        xdg = os.environ.get("XDG_DATA_HOME", "").strip()
        return Path(xdg if os.path.isabs(xdg) else os.path.expanduser("~/.local/share")) / "engage"
    from platformdirs import user_data_dir

    return Path(user_data_dir("engage", appauthor=False))


def machine_id() -> str:
    """This machine's id, made and kept the first time; "" when it can be neither read nor kept."""
    path = data_folder() / FILE_NAME
    found = _known.get(str(path))
    if found is None:
        found = _known[str(path)] = _read(path) or _make(path)
    return found


def _read(path: Path) -> str:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return text if len(text) == 12 and set(text) <= _HEX else ""


def _make(path: Path) -> str:
    """A new id, written so that two commands starting at once keep the same one (the first written)."""
    made = os.urandom(6).hex()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:  # another command made it first, or it is damaged: keep a good one
            found = _read(path)
            if found:
                return found
            fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(made + "\n")
    except OSError:
        return ""
    return made
