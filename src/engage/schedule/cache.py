"""A schedule read and checked once, kept for the commands after it: found again by its very bytes.

Reading a schedule means importing the TOML parser and the modules that
check it, parsing, and checking: about 5 ms of an ``engage log`` of 90, and
most of a portfolio's time per engagement. A schedule whose bytes, path and
plugin tables are exactly those of one read before, in the same environment
(Python, engage and its modules, every installed distribution: what the
plugin cache is keyed on), comes back from the cache instead, with nothing
parsed again: the cache holds those very bytes and compares them, so an
edit, however small, is always read. Only its time zones are looked up
again, for the time zone database may have changed. A schedule with a
problem is never kept: its error is found again every time. Any fault in the
cache only costs the read it would have spared. What it holds is unpickled:
the cache folder is trusted as the user's own, as their shell's start-up
files are.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection
from pathlib import Path
from typing import Any

from engage.cachedir import cache_dir, checked, write_checked
from engage.schedule.model import Engagement

FORMAT = 1


def load(path: Path, plugin_sections: Collection[str], environment: str = "") -> Engagement:
    """The schedule at ``path`` as :func:`engage.schedule.loader.load_schedule` reads it; from the cache when
    the same bytes were read before, at the same path, with the same tables and the same engage.

    ``environment`` is what finding the plugins depended on (the session hands in the plugin
    manager's stamp); without it nothing is kept, since there is nothing to key on."""
    try:
        raw = path.read_bytes() if environment else None
    except OSError:
        raw = None  # load_schedule says what is wrong
    if raw is not None:
        identity = _identity(path, raw, plugin_sections, environment)
        file = _place(path)
        kept = _kept(file, identity)
        if kept is not None and _zones_known(kept):
            return kept
    from engage.schedule.loader import load_schedule

    engagement = load_schedule(path, plugin_sections, content=raw)
    if raw is not None:
        _keep(file, identity, engagement)
    return engagement


def _place(path: Path) -> Path:
    """One file per schedule, whatever it holds: an edit replaces what was kept, so edits and
    upgrades leave nothing behind."""
    where = str(path.absolute()).encode("utf-8", "surrogateescape")
    return cache_dir() / "schedules" / f"{zlib.crc32(where):08x}{zlib.adler32(where):08x}"


def _identity(path: Path, raw: bytes, plugin_sections: Collection[str], environment: str) -> bytes:
    """Everything the engagement read from ``raw`` depends on: compared whole, not by a digest."""
    parts = [str(path), "\0".join(sorted(plugin_sections)), str(FORMAT), environment]
    return raw + b"\0\0" + "\0".join(parts).encode("utf-8", "surrogateescape")


def _zones_known(engagement: Engagement) -> bool:
    """Whether the time zones the schedule names are still in the time zone database."""
    from zoneinfo import ZoneInfo

    names = {engagement.timezone, *(place.timezone for place in engagement.locations.values())}
    try:
        for name in names - {None, ""}:
            ZoneInfo(name)
    except Exception:  # gone since it was kept: the reader says so, with the file and line
        return False
    return True


def _pickler() -> Any:
    try:
        import _pickle  # the C half of pickle, without the 2 ms of importing the module around it

        return _pickle
    except ImportError:  # another Python than CPython
        import pickle

        return pickle


def _kept(file: Path, identity: bytes) -> Engagement | None:
    try:
        kept_identity, engagement = _pickler().loads(checked(file.read_bytes()))
    except Exception:  # gone, damaged, or made by another engage: read the schedule
        return None
    if kept_identity != identity or type(engagement) is not Engagement:
        return None
    return engagement


def _keep(file: Path, identity: bytes, engagement: Engagement) -> None:
    try:
        payload = _pickler().dumps((identity, engagement), protocol=5)
    except Exception:  # a plugin's setting that cannot be pickled: this schedule is read each time
        return
    write_checked(file, payload)
