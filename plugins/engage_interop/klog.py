"""klog's ``.klg`` files: dated records of ranges and durations, with ``#tags``.

Format: klog's file format specification, https://github.com/jotaen/klog/blob/main/Specification.md
A record is a date line (``2021-11-16`` or ``2021/11/16``, perhaps a should-total
such as ``(8h!)``), summary lines, then indented entries: a range (``9:00 - 12:30``,
``8:00am-9:15am``, ``<23:00 - 1:00``, ``22:00 - 0:30>``), a duration (``1h30m``,
``45m``, ``-30m``) or an open range (``9:00 - ?``), each with an optional summary.
Tags in the record summary apply to all its entries. Open ranges are refused:
the time is not known until they are closed. A negative duration (a break)
is taken off the entry before it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from engage import EngageError, ImportedTime
from engage_interop.files import read_text

WHAT = "a klog file (see https://klog.jotaen.net)"
_DATE = re.compile(r"^(\d{4})[-/](\d{2})[-/](\d{2})(?:\s+\((?P<should>[^)]*)\))?\s*$")
_TIME = r"(<)?(\d{1,2}):(\d{2})\s*(am|pm)?(>)?"
_RANGE = re.compile(rf"^{_TIME}\s*-\s*(?:{_TIME}|(\?+))(?:\s+(.*))?$", re.IGNORECASE)
_DURATION = re.compile(r"^([+-])?(?:(\d+)h)?(?:(\d+)m)?(?=\s|$)(?:\s+(.*))?$")
_TAG = re.compile(r"#([\w]+)(?:=(\"[^\"]*\"|'[^']*'|[^\s#]*))?", re.UNICODE)


@dataclass
class _Entry:
    line: int
    minutes: int
    summary: str
    tags: list[tuple[str, str]] = field(default_factory=list)


def _minutes_of(groups: tuple[str | None, ...]) -> int:
    earlier, hour, minute, meridiem, later = groups
    h, m = int(hour or 0), int(minute or 0)
    if meridiem:
        if not 1 <= h <= 12:
            raise ValueError("hour must be 1–12 with am/pm")
        h = h % 12 + (12 if meridiem.lower() == "pm" else 0)
    if h == 24 and m == 0 and not meridiem:  # 24:00 is 0:00 of the next day (spec 1.2)
        h, later = 0, later or (None if earlier else ">")
        earlier = None
    elif h > 23 or m > 59:
        raise ValueError("not a time of day")
    return h * 60 + m + (-1440 if earlier else 0) + (1440 if later else 0)


def _tags(text: str) -> list[tuple[str, str]]:
    return [(m.group(1).lower(), (m.group(2) or "").strip("\"'")) for m in _TAG.finditer(text)]


def _entry(text: str, line: int, where: str) -> _Entry:
    match = _RANGE.match(text)
    if match:
        groups = match.groups()
        if groups[10]:
            raise EngageError(f"{where}: open range {text.split()[0]} - ?; close it in klog, then import")
        try:
            start, end = _minutes_of(groups[0:5]), _minutes_of(groups[5:10])
        except ValueError as exc:
            raise EngageError(f"{where}: cannot read the range {text!r}: {exc}") from None
        if end < start:
            raise EngageError(f"{where}: the range {text!r} ends before it starts")
        summary = groups[11] or ""
        return _Entry(line, end - start, summary, _tags(summary))
    match = _DURATION.match(text)
    if match and (match.group(2) or match.group(3)):
        minutes = int(match.group(2) or 0) * 60 + int(match.group(3) or 0)
        summary = match.group(4) or ""
        return _Entry(line, -minutes if match.group(1) == "-" else minutes, summary, _tags(summary))
    raise EngageError(
        f"{where}: cannot read {text!r} as an entry; klog entries are ranges (9:00 - 12:30) "
        "or durations (1h30m, 45m)"
    )


def read(path: Path) -> list[ImportedTime]:
    """Every entry of every record as time against its tags and its record's."""
    text = read_text(path, WHAT)
    items: list[ImportedTime] = []
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        raw = lines[number]
        number += 1
        if not raw.strip():
            continue
        where = f"{path}:{number}"
        date_match = _DATE.match(raw)
        if raw[0] in " \t" or not date_match:
            raise EngageError(f"{where}: expected a record's date (2021-11-16), got {raw.strip()!r}")
        try:
            day = dt.date(int(date_match.group(1)), int(date_match.group(2)), int(date_match.group(3)))
        except ValueError:
            raise EngageError(f"{where}: {raw.strip()!r} is not a date") from None
        summary: list[str] = []
        entries: list[_Entry] = []
        entry_indent = ""
        while number < len(lines) and lines[number].strip():
            line = lines[number]
            number += 1
            stripped = line.strip()
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            if not indent:
                if entries:
                    raise EngageError(f"{path}:{number}: summary text after entries; indent it as an entry")
                summary.append(stripped)
            elif entries and len(indent) > len(entry_indent) and _continues(line):
                entries[-1].summary += " " + stripped  # an entry's summary continued, indented deeper
                entries[-1].tags += _tags(stripped)
            else:
                entry_indent = entry_indent or indent
                entries.append(_entry(stripped, number, f"{path}:{number}"))
        record_tags = _tags(" ".join(summary))
        _take_breaks(entries, path)
        for entry in entries:
            tags = entry.tags + record_tags
            items.append(
                ImportedTime(
                    where=f"{path}:{entry.line}",
                    hours=Fraction(entry.minutes, 60),
                    day=day,
                    keys=tuple(dict.fromkeys(f"{t}={v}" if v else t for t, v in tags)),
                    fallback=tuple(dict.fromkeys(t for t, v in tags if v)),
                    note=entry.summary or " ".join(summary),
                )
            )
    return items


def _continues(line: str) -> bool:
    """A deeper-indented line that is not itself an entry continues the last entry's summary."""
    text = line.strip()
    return not (_RANGE.match(text) or (_DURATION.match(text) and re.match(r"^[+-]?\d+[hm]", text)))


def _take_breaks(entries: list[_Entry], path: Path) -> None:
    """Take each negative duration off the entry before it, as the time it interrupted."""
    for index, entry in enumerate(entries):
        if entry.minutes >= 0:
            continue
        before = next((e for e in reversed(entries[:index]) if e.minutes > 0), None)
        if before is None or before.minutes + entry.minutes < 0:
            raise EngageError(
                f"{path}:{entry.line}: a negative duration with no longer entry before it to take it off; "
                "put the break after the range it interrupts"
            )
        before.minutes += entry.minutes
    entries[:] = [e for e in entries if e.minutes >= 0]
