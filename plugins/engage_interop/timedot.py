"""hledger's timedot files: a date line, then ``account  ....`` lines.

Format: hledger's manual, section "Timedot format"
(https://hledger.org/timedot.html; for hledger 1.25 as Debian ships it, ``hledger help``).
A dot is a quarter hour (spaces group them); a number is hours; a number with
a unit is ``s``, ``m``, ``h``, ``d`` (24h), ``w`` (7d), ``mo`` (30d) or ``y``
(365d); a decimal comma (``0,25``, ``1,5h``) reads as hledger reads it. Lines
starting ``#`` or ``;`` and text after ``;`` are comments, two white-space
characters (spaces or tabs) end an account name, as in hledger (one tab is part of it),
leading org-mode stars are ignored, and an account line with no amount
holds no time. ``--map`` matches the account, else a parent account, else
one of its parts (``ijm:retreat:travel`` maps as ``retreat``). A
``consultant:NAME`` tag in a line's comment (as engage writes it) names who
worked, and a ``note:"..."`` tag (a JSON string, as engage's exporter writes it)
is the entry's note.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from fractions import Fraction
from pathlib import Path

from engage import N_, EngageError, ImportedTime
from engage_interop.catalogue import _
from engage_interop.files import read_text

WHAT = N_("an hledger timedot file")
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?=\s|;|$)")
_NUMBER = re.compile(r"^(\d+(?:[.,]\d*)?|[.,]\d+)(s|m|h|d|w|mo|y)?$")  # 1. and 1, read as 1
_UNIT_HOURS = {
    None: Fraction(1),
    "s": Fraction(1, 3600),
    "m": Fraction(1, 60),
    "h": Fraction(1),
    "d": Fraction(24),
    "w": Fraction(24 * 7),
    "mo": Fraction(24 * 30),
    "y": Fraction(24 * 365),
}
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_CONSULTANT = re.compile(rf"(?:^|[\s,])consultant:\s*({_QUOTED}|[^,]+)")
_NOTE = re.compile(rf"(?:^|[\s,])note:\s*({_QUOTED})")


def amount_hours(text: str) -> Fraction | None:
    """Hours in a timedot amount (dots, a number, a number with a unit), or None if it is none."""
    squeezed = text.replace(" ", "")
    if squeezed and set(squeezed) == {"."}:
        return Fraction(len(squeezed), 4)
    match = _NUMBER.match(text.strip())
    if not match:
        return None
    return Fraction(match.group(1).replace(",", ".").rstrip(".") or "0") * _UNIT_HOURS[match.group(2)]


def read(path: Path) -> list[ImportedTime]:
    """Every account line with an amount, dated by the date line above it."""
    items: list[ImportedTime] = []
    day: dt.date | None = None
    for number, raw in enumerate(read_text(path, _(WHAT)).splitlines(), start=1):
        where = f"{path}:{number}"
        line = re.sub(r"^\*+ ", "", raw)
        body, _sep, comment = line.partition(";")
        if not body.strip() or line.lstrip().startswith("#"):
            continue
        date_match = _DATE.match(body)
        if date_match and not line[:1].isspace():
            try:
                day = dt.date(*(int(g) for g in date_match.groups()))
            except ValueError:
                raise EngageError(
                    _("{where}: {text} is not a date").format(where=where, text=repr(body.split()[0]))
                ) from None
            continue
        if day is None:
            if raw.startswith("*"):
                continue  # org-mode headlines before the first date are ignored, as hledger does
            raise EngageError(
                _("{where}: time before any date line; start with a date such as 2021-11-16").format(
                    where=where
                )
            )
        # As hledger: two white-space characters (spaces or tabs) end the account; one is part of it.
        account, sep, amount = [*re.split(r"([ \t]{2,})", body.strip(), maxsplit=1), "", ""][:3]
        if (
            not sep
            and amount_hours(re.split(r"[ \t]", account)[-1]) is not None
            and re.search(r"[ \t]", account)
        ):
            raise EngageError(
                _(
                    "{where}: {account}: put two spaces between the account and the amount (one space or "
                    "tab is read as part of the account), or hledger reads no time here"
                ).format(where=where, account=repr(account))
            )
        hours = amount_hours(amount) if sep else Fraction(0)
        if hours is None:
            raise EngageError(
                _(
                    "{where}: cannot read {amount} as time; give dots (each a quarter hour), "
                    "hours (1.5) or a number with a unit (90m, 2h)"
                ).format(where=where, amount=repr(amount.strip()))
            )
        if hours == 0:
            continue  # an account with no amount: hledger reads it as no time
        person, note = _tags(comment, where)
        parts = account.split(":")
        items.append(
            ImportedTime(
                where=where,
                hours=hours,
                day=day,
                keys=(account,),
                fallback=(*(":".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)), *reversed(parts)),
                person=person,
                note=note,
            )
        )
    return items


def _tags(comment: str, where: str) -> tuple[str, str]:
    """The ``consultant:`` and ``note:`` tags of a line's comment (quoted values decoded)."""
    masked = re.sub(_QUOTED, lambda m: '"' + " " * (len(m.group()) - 2) + '"', comment)
    found = []
    for pattern in (_CONSULTANT, _NOTE):
        match = pattern.search(masked)
        text = comment[match.start(1) : match.end(1)].strip() if match else ""
        if text.startswith('"'):
            try:
                text = str(json.loads(text))
            except ValueError:
                raise EngageError(
                    _("{where}: cannot read the quoted text {text}; give a JSON string").format(
                        where=where, text=text[:40]
                    )
                ) from None
        found.append(text)
    return found[0], found[1]
