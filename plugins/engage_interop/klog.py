"""klog's ``.klg`` files: dated records of ranges and durations, with ``#tags``.

Format: klog's file format specification, https://github.com/jotaen/klog/blob/main/Specification.md
A record is a date line (``2021-11-16`` or ``2021/11/16``, perhaps a should-total
such as ``(8h!)``), summary lines, then indented entries: a range (``9:00 - 12:30``,
``8:00am-9:15am``, ``<23:00 - 1:00``, ``22:00 - 0:30>``), a duration (``1h30m``,
``45m``, ``-30m``) or an open range (``9:00 - ?``), each with an optional summary.
Tags (``#home-office``, ``#ticket=42``) in the record summary apply to all its entries.
As klog reads them: entries are indented once (four, three or two spaces, or a
tab, the same in the whole record), and a line indented twice continues the
entry's summary, whatever it starts with. Open ranges are refused: the time is
not known until they are closed. klog counts a negative duration (a break) as an
entry of its own, against its own tags; engage logs no negative time, so it is
taken off the entries of the same record that carry exactly the same tags
(nearest before it first), which keeps every ``klog total --tag`` figure and every
day's total; a negative that no such entry can absorb is refused with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from engage import N_, EngageError, ImportedTime
from engage_interop.catalogue import _, ngettext
from engage_interop.files import read_text

WHAT = N_("a klog file (see https://klog.jotaen.net)")
_DATE = re.compile(r"^(\d{4})[-/](\d{2})[-/](\d{2})(?:\s+\((?P<should>[^)]*)\))?\s*$")
_TIME = r"(<)?(\d{1,2}):(\d{2})\s*(am|pm)?(>)?"
_RANGE = re.compile(rf"^{_TIME}\s*-\s*(?:{_TIME}|(\?+))(?:\s+(.*))?$", re.IGNORECASE)
_DURATION = re.compile(r"^([+-])?(?:(\d+)h)?(?:(\d+)m)?(?=\s|$)(?:\s+(.*))?$")
_TAG = re.compile(r"#([\w-]+)(?:=(\"[^\"\n]*\"|'[^'\n]*'|[\w-]*))?")
_INDENTS = ("    ", "   ", "  ", "\t")  # the order klog tries them in (klog/parser/txt/line.go)


@dataclass
class _Entry:
    line: int
    minutes: int
    summary: str
    tags: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""


def _minutes_of(groups: tuple[str | None, ...]) -> int:
    earlier, hour, minute, meridiem, later = groups
    h, m = int(hour or 0), int(minute or 0)
    if meridiem:
        if not 1 <= h <= 12:
            raise ValueError(_("hour must be 1–12 with am/pm"))
        h = h % 12 + (12 if meridiem.lower() == "pm" else 0)
    if h == 24 and m == 0 and not meridiem:  # 24:00 is 0:00 of the next day (spec 1.2)
        h, later = 0, later or (None if earlier else ">")
        earlier = None
    elif h > 23 or m > 59:
        raise ValueError(_("not a time of day"))
    return h * 60 + m + (-1440 if earlier else 0) + (1440 if later else 0)


def _tags(text: str) -> list[tuple[str, str]]:
    return [(m.group(1).lower(), (m.group(2) or "").strip("\"'")) for m in _TAG.finditer(text)]


def _entry(text: str, line: int, where: str) -> _Entry:
    match = _RANGE.match(text)
    if match:
        groups = match.groups()
        if groups[10]:
            opened = text.split("-", 1)[0].strip()
            raise EngageError(
                _("{where}: open range {opened} - ?; close it in klog, then import").format(
                    where=where, opened=opened
                )
            )
        try:
            start, end = _minutes_of(groups[0:5]), _minutes_of(groups[5:10])
        except ValueError as exc:
            raise EngageError(
                _("{where}: cannot read the range {text}: {why}").format(
                    where=where, text=repr(text), why=exc
                )
            ) from None
        if end < start:
            raise EngageError(
                _("{where}: the range {text} ends before it starts").format(where=where, text=repr(text))
            )
        summary = groups[11] or ""
        return _Entry(line, end - start, summary, _tags(summary), text.split()[0])
    match = _DURATION.match(text)
    if match and (match.group(2) or match.group(3)):
        minutes = int(match.group(2) or 0) * 60 + int(match.group(3) or 0)
        summary = match.group(4) or ""
        signed = -minutes if match.group(1) == "-" else minutes
        return _Entry(line, signed, summary, _tags(summary), text.split()[0])
    raise EngageError(
        _(
            "{where}: cannot read {text} as an entry; klog entries are ranges (9:00 - 12:30) "
            "or durations (1h30m, 45m)"
        ).format(where=where, text=repr(text))
    )


def read(path: Path) -> list[ImportedTime]:
    """Every entry of every record as time against its tags and its record's."""
    lines = read_text(path, _(WHAT)).splitlines()
    items: list[ImportedTime] = []
    number = 0
    while number < len(lines):
        raw = lines[number]
        number += 1
        if not raw.strip():
            continue
        where = f"{path}:{number}"
        date_match = _DATE.match(raw)
        if raw[0] in " \t" or not date_match:
            raise EngageError(
                _("{where}: expected a record's date (2021-11-16), got {text}").format(
                    where=where, text=repr(raw.strip())
                )
            )
        try:
            day = dt.date(int(date_match.group(1)), int(date_match.group(2)), int(date_match.group(3)))
        except ValueError:
            raise EngageError(
                _("{where}: {text} is not a date").format(where=where, text=repr(raw.strip()))
            ) from None
        block = []
        while number < len(lines) and lines[number].strip():
            number += 1
            block.append((number, lines[number - 1]))
        summary, entries = _record(block, path)
        record_tags = _tags(" ".join(summary))
        _offset_negatives(entries, record_tags, path)
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


def _record(block: list[tuple[int, str]], path: Path) -> tuple[list[str], list[_Entry]]:
    """A record's summary lines and entries, read by indentation as klog's parser reads them."""
    summary: list[str] = []
    entries: list[_Entry] = []
    style = ""
    for number, line in block:
        where = f"{path}:{number}"
        if not style:
            style = next((s for s in _INDENTS if line.startswith(s)), "")
            if not style:
                if line[:1].isspace():
                    raise EngageError(
                        _(
                            "{where}: a record summary line starts with a blank; indent entries "
                            "by two to four spaces or a tab, and summary lines not at all"
                        ).format(where=where)
                    )
                summary.append(line.strip())
                continue
        if line.startswith(style * 2) and entries:
            entries[-1].summary = " ".join(p for p in (entries[-1].summary, line.strip()) if p)
            entries[-1].tags += _tags(line)
        elif line.startswith(style) and not line[len(style) : len(style) + 1].isspace():
            entries.append(_entry(line.strip(), number, where))
        else:
            shown = (
                _("a tab")
                if style == "\t"
                else ngettext("{count} space", "{count} spaces", len(style)).format(count=len(style))
            )
            raise EngageError(
                _(
                    "{where}: {text} is not indented as this record's entries ({indent}, "
                    "or twice that to continue an entry's summary); klog reads it as an error too"
                ).format(where=where, text=repr(line.strip()[:40]), indent=shown)
            )
    return summary, entries


def _offset_negatives(entries: list[_Entry], record_tags: list[tuple[str, str]], path: Path) -> None:
    """Take each negative duration off the entries of its record with exactly its tags.

    klog counts the negative as an entry of its own: ``klog total --tag T`` sums it with
    every entry tagged T. Taking it off entries with the same tags (and only those)
    leaves every such total, and the day's, as klog gives them.
    """

    def tag_set(entry: _Entry) -> frozenset[tuple[str, str]]:
        return frozenset(entry.tags + record_tags)

    for index, negative in enumerate(entries):
        if negative.minutes >= 0:
            continue
        tags = tag_set(negative)
        before = [e for e in reversed(entries[:index]) if e.minutes > 0 and tag_set(e) == tags]
        after = [e for e in entries[index + 1 :] if e.minutes > 0 and tag_set(e) == tags]
        left = -negative.minutes
        if sum(e.minutes for e in before + after) < left:
            shown = " ".join(sorted(f"#{t}={v}" if v else f"#{t}" for t, v in tags)) or _("no tags")
            raise EngageError(
                _(
                    "{where}: {text} ({tags}) is taken off the day in klog, but the "
                    "record has no entry with the same tags long enough to take it from, and engage logs "
                    "no negative time; give the break the tags of the entry it interrupts, or shorten that "
                    "entry"
                ).format(where=f"{path}:{negative.line}", text=negative.text, tags=shown)
            )
        for entry in before + after:
            taken = min(entry.minutes, left)
            if taken:
                entry.minutes -= taken
                less = f"(less {negative.text}" + (f": {negative.summary})" if negative.summary else ")")
                entry.summary = f"{entry.summary} {less}".strip()
            left -= taken
        negative.minutes = 0
    entries[:] = [e for e in entries if not e.text.startswith("-")]  # each is now in the entries above
