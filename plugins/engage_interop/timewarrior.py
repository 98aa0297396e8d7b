"""Timewarrior's ``timew export``: a JSON array of intervals with start, end, tags, annotation.

Format: https://timewarrior.net/docs/api/ (times are UTC, written 20160427T080000Z).
An interval still open (no ``end``) is refused: stop it first.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

from engage import EngageError, ImportedTime
from engage_interop.files import read_json_array

WHAT = "the output of 'timew export'"


def _instant(text: object) -> dt.datetime:
    if not isinstance(text, str):
        raise ValueError("missing")
    return dt.datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def read(path: Path) -> list[ImportedTime]:
    """Every closed interval as time against its tags."""
    imported = []
    for where, interval in read_json_array(path, WHAT, "interval"):
        if not isinstance(interval, dict):
            raise EngageError(f"{where}: not an interval object; give {WHAT}")
        if "end" not in interval:
            raise EngageError(f"{where}: still open (no end); stop it with 'timew stop', then export again")
        try:
            start, end = _instant(interval.get("start")), _instant(interval["end"])
        except ValueError:
            raise EngageError(
                f"{where}: start and end must be UTC times such as 20211116T093000Z, got "
                f"{interval.get('start')!r} and {interval.get('end')!r}"
            ) from None
        tags = interval.get("tags") or []
        annotation = interval.get("annotation") or ""
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise EngageError(f"{where}: tags must be a list of text")
        if end < start:
            raise EngageError(f"{where}: ends before it starts")
        imported.append(
            ImportedTime(
                where=f"{where} ({start:%Y-%m-%dT%H:%MZ} {' '.join(tags)})",
                hours=Fraction(int((end - start).total_seconds()), 3600),
                start=start,
                keys=tuple(tags),
                note=str(annotation),
                ref=f"{interval['start']}",  # timew keeps intervals from overlapping: the start names one
            )
        )
    return imported
