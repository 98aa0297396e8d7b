"""Timewarrior's ``timew export``: a JSON array of intervals with start, end, tags, annotation.

Format: https://timewarrior.net/docs/api/ (times are UTC, written 20160427T080000Z).
An interval still open (no ``end``) is refused: stop it first. An interval that
crosses midnight is split at the engagement's midnight, as ``timew summary``
splits it at the local one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from engage import N_, EngageError, ImportedTime
from engage_interop.catalogue import _
from engage_interop.days import placeable, span
from engage_interop.files import read_json_array

WHAT = N_("the output of 'timew export'")


def _instant(text: object) -> dt.datetime:
    if not isinstance(text, str):
        raise ValueError("missing")
    instant = dt.datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    if not placeable(instant):
        raise ValueError("out of range")
    return instant


def read(path: Path) -> list[ImportedTime]:
    """Every closed interval as time against its tags, one item per day it covers."""
    imported = []
    what = _(WHAT)
    for where, interval in read_json_array(path, what, _("interval"), _("intervals")):
        if not isinstance(interval, dict):
            raise EngageError(
                _("{where}: not an interval object; give {what}").format(where=where, what=what)
            )
        if "end" not in interval:
            raise EngageError(
                _("{where}: still open (no end); stop it with 'timew stop', then export again").format(
                    where=where
                )
            )
        try:
            start, end = _instant(interval.get("start")), _instant(interval["end"])
        except ValueError:
            raise EngageError(
                _(
                    "{where}: start and end must be UTC times dated 1970 to 2100 (the dates engage keeps), "
                    "such as 20211116T093000Z, got {start} and {end}"
                ).format(
                    where=where,
                    start=repr(str(interval.get("start"))[:40]),
                    end=repr(str(interval["end"])[:40]),
                )
            ) from None
        tags = interval.get("tags") or []
        annotation = interval.get("annotation") or ""
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise EngageError(_("{where}: tags must be a list of text").format(where=where))
        if end < start:
            raise EngageError(_("{where}: ends before it starts").format(where=where))
        imported.append(
            span(
                f"{where} ({start:%Y-%m-%dT%H:%MZ} {' '.join(tags)})",
                start,
                end,
                ref=f"{interval['start']}",  # timew keeps intervals from overlapping: the start names one
                keys=tuple(tags),
                note=str(annotation),
            )
        )
    return imported
