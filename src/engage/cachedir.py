"""Where engage keeps what it can compute again: ``ENGAGE_CACHE_DIR``, else the user's cache folder."""

from __future__ import annotations

import contextlib
import os
import sys
import zlib
from pathlib import Path

CACHE_VAR = "ENGAGE_CACHE_DIR"


def cache_dir() -> Path:
    """``ENGAGE_CACHE_DIR``, else the platform's user cache folder for engage."""
    if os.environ.get(CACHE_VAR):
        return Path(os.environ[CACHE_VAR])
    if sys.platform.startswith("linux"):  # what platformdirs answers, without importing it on every start
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        return Path(xdg if os.path.isabs(xdg) else os.path.expanduser("~/.cache")) / "engage"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("engage", appauthor=False))


def write_atomically(path: Path, content: str | bytes) -> bool:
    """Write ``content`` (text as UTF-8) to ``path``: a reader sees the old file or the new one, never a part.

    A cache that cannot be written is not an error: False says it was not.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return False
    return True


def write_checked(path: Path, payload: bytes) -> bool:
    """:func:`write_atomically` ``payload`` with its CRC-32 after it, which :func:`checked` verifies."""
    return write_atomically(path, payload + zlib.crc32(payload).to_bytes(4, "little"))


def checked(data: bytes) -> memoryview:
    """What a file :func:`write_checked` wrote holds, if it still matches its CRC-32 (a bit flipped on
    disk, a file cut short: ValueError). A view, not a copy: a ledger cache's ids are 1.3 MB."""
    held = memoryview(data)[:-4]
    if len(data) < 4 or zlib.crc32(held) != int.from_bytes(data[-4:], "little"):
        raise ValueError("a cache file does not match its checksum")
    return held
