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
cache only costs the read it would have spared.

Nothing is unpickled. What is kept is plain data (``marshal`` of numbers,
text, lists, dicts and tagged tuples: a format that holds no objects and
calls nothing when read), sealed under the schedule's bytes and its key,
and decoded into engage's own model classes only (:data:`_CLASSES`): any
other tag, class or type is a fault, and the schedule is read instead. And
nothing is read from a cache folder another user could write
(:func:`engage.cachedir.trusted`).
"""

from __future__ import annotations

import datetime as dt
import marshal
import zlib
from collections.abc import Callable, Collection
from dataclasses import fields
from fractions import Fraction
from pathlib import Path
from typing import Any

from engage.cachedir import cache_dir, read_checked, write_checked
from engage.schedule.model import (
    Consultant,
    Contact,
    Deadline,
    Deliverable,
    Engagement,
    Location,
    Meeting,
    Person,
    Phase,
)
from engage.schedule.rules import DateRule, Ref

FORMAT = 2  # 2: tagged plain data under a seal, no pickles

# The only classes a kept schedule may hold, each with its number of fields (all given to __init__).
_CLASSES: dict[str, tuple[type, int]] = {
    cls.__name__: (cls, len(fields(cls)))
    for cls in (
        Engagement,
        Person,
        Consultant,
        Location,
        Contact,
        Phase,
        Deliverable,
        Meeting,
        Deadline,
        DateRule,
        Ref,
    )
}
_TUPLE, _DATE, _DATETIME, _TIME, _FRACTION, _PATH, _OBJECT = range(7)
_PLAIN = (type(None), bool, int, float, str)


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


def _kept(file: Path, identity: bytes) -> Engagement | None:
    held = read_checked(file, identity)
    if held is None:  # not kept, damaged, kept from other bytes, or in a folder others can write
        return None
    try:
        kept_identity, data = marshal.loads(held)
        if kept_identity != identity:
            return None
        engagement = decode(data)
    except Exception:  # made by another engage, or not by engage: read the schedule
        return None
    return engagement if type(engagement) is Engagement else None


def _keep(file: Path, identity: bytes, engagement: Engagement) -> None:
    try:
        payload = marshal.dumps((identity, encode(engagement)))
    except (TypeError, ValueError):  # a plugin's setting of a type not kept: this schedule is read each time
        return
    write_checked(file, payload, identity)


def encode(value: Any) -> Any:
    """``value`` as plain data :func:`decode` turns back into it; TypeError for what it would not."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list:
        return [encode(item) for item in value]
    if kind is dict:
        if not all(type(key) is str for key in value):
            raise TypeError("a dict keyed by other than text")
        return {key: encode(item) for key, item in value.items()}
    if kind is tuple:
        return (_TUPLE, *map(encode, value))
    if kind is dt.date:
        return (_DATE, value.toordinal())
    if kind is dt.datetime or kind is dt.time:
        if value.tzinfo is not None and type(value.tzinfo) is not dt.timezone:
            raise TypeError("a time in a zone not kept")
        return (_DATETIME if kind is dt.datetime else _TIME, value.isoformat())
    if kind is Fraction:
        return (_FRACTION, value.numerator, value.denominator)
    if kind is type(Path()):
        return (_PATH, str(value))
    if _CLASSES.get(kind.__name__, (None,))[0] is kind:
        return (_OBJECT, kind.__name__, *(encode(getattr(value, f.name)) for f in fields(value)))
    raise TypeError(f"{kind.__name__} is not kept")


def decode(data: Any) -> Any:
    """What :func:`encode` made ``data`` from; ValueError for anything it does not make (another tag,
    a class not engage's model, a type marshal holds but the model does not: bytes, code, sets)."""
    kind = type(data)
    if kind in _PLAIN:
        return data
    if kind is list:
        return [decode(item) for item in data]
    if kind is dict:
        if not all(type(key) is str for key in data):
            raise ValueError("a dict keyed by other than text")
        return {key: decode(item) for key, item in data.items()}
    if kind is not tuple or not data or type(data[0]) is not int or not 0 <= data[0] < len(_DECODERS):
        raise ValueError(f"{kind.__name__} is not in a kept schedule")
    return _DECODERS[data[0]](data)


def _object(data: tuple[Any, ...]) -> Any:
    cls, count = _CLASSES[data[1]] if type(data[1]) is str and data[1] in _CLASSES else (None, -1)
    if cls is None or len(data) != 2 + count:
        raise ValueError("not one of engage's model classes")
    return cls(*map(decode, data[2:]))


def _fraction(data: tuple[Any, ...]) -> Fraction:
    if len(data) != 3 or type(data[1]) is not int or type(data[2]) is not int:
        raise ValueError("not a fraction")
    return Fraction(data[1], data[2])


def _text(data: tuple[Any, ...]) -> str:
    if len(data) != 2 or type(data[1]) is not str:
        raise ValueError("not a kept text")
    return data[1]


def _date(data: tuple[Any, ...]) -> dt.date:
    if len(data) != 2 or type(data[1]) is not int:
        raise ValueError("not a kept date")
    return dt.date.fromordinal(data[1])


_DECODERS: tuple[Callable[[tuple[Any, ...]], Any], ...] = (
    lambda data: tuple(map(decode, data[1:])),
    _date,
    lambda data: dt.datetime.fromisoformat(_text(data)),
    lambda data: dt.time.fromisoformat(_text(data)),
    _fraction,
    lambda data: Path(_text(data)),
    _object,
)
