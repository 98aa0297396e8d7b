"""A CSV timesheet's rows made into ledger entry records: each distinct cell checked once."""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

from engage.errors import EngageError
from engage.importing import timesheet
from engage.language import _
from engage.ledger.ledger import new_entry_amount, new_record
from engage.parsing import parse_amount, parse_date
from engage.schedule.lookup import check_place, find_phase, resolve_consultant
from engage.schedule.model import Engagement


def timesheet_records(
    engagement: Engagement, text: str, file: Path, today: dt.date
) -> list[dict[str, object]]:
    """Ledger records for every row of a timesheet, or an error naming the first bad row.

    A timesheet repeats a few phases, dates, amounts and people over many rows:
    each distinct cell is checked once and its answer reused, so 100,000 rows
    cost little more than reading them. Every row is still checked.
    """
    from engage.output.progress_bar import steps

    headers, found = timesheet.rows(text, file, functools.partial(_check_header, file))
    column = {name: index for index, name in enumerate(headers) if name}

    def cell(cells: list[str], name: str) -> str | None:
        """A row's cell under ``name``; None when there is no such column or the row stops short."""
        index = column.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    amounts: _Answers[tuple[str | None, str | None], dict[str, str]]
    amounts = _Answers(lambda typed: new_entry_amount(*_row_amount(engagement, typed), _typed(typed)))
    phases: _Answers[str, str] = _Answers(lambda typed: find_phase(engagement, typed.strip()))
    dates: _Answers[str, str] = _Answers(lambda typed: parse_date(typed, today).isoformat())
    people: _Answers[str | None, str] = _Answers(lambda typed: resolve_consultant(engagement, typed))
    places: _Answers[str | None, dict[str, str]] = _Answers(lambda typed: _place_field(engagement, typed))
    # One moment for the whole import, and the ids drawn from the OS in one call.
    stamp = new_record("entry")
    ids = os.urandom(6 * len(found)).hex()
    records = []
    checking = _("Checking {file}").format(file=file.name)
    for index, (number, cells) in enumerate(steps(found, checking, more_than=2000)):
        try:
            amount = amounts[cell(cells, "hours"), cell(cells, "days")]
            phase = phases[cell(cells, "phase") or ""]
            date = dates[cell(cells, "date") or ""]
            consultant = people[cell(cells, "consultant")]
            place = places[cell(cells, "at")]  # an optional column, as log --at
        except EngageError as exc:
            raise EngageError(f"{file}: row {number}: {exc.message}") from None
        records.append(
            {
                "id": ids[12 * index : 12 * index + 12],
                "kind": "entry",
                "recorded_at": stamp["recorded_at"],
                "date": date,
                "phase": phase,
                **amount,
                "consultant": consultant,
                "note": timesheet.unguard(cell(cells, "note") or ""),
                **place,
            }
        )
    if not records:
        raise EngageError(_("{file}: no rows to import below the header").format(file=file))
    return records


def _check_header(file: Path, headers: list[str]) -> None:
    """Refuse a header that names no date, no phase, or neither days nor hours."""
    missing = [c for c in ("date", "phase") if c not in headers] + (
        [] if {"days", "hours"} & set(headers) else [_("days or hours")]
    )
    if missing:
        raise EngageError(
            _(
                "{file}: missing column(s) {columns}; "
                "the header row must name date, phase, days (or hours), consultant, note"
            ).format(file=file, columns=", ".join(missing))
        )


_Typed = TypeVar("_Typed")
_Answer = TypeVar("_Answer")


class _Answers(dict[_Typed, _Answer]):
    """What each distinct text typed in a column comes to, worked out the first time it is met."""

    def __init__(self, check: Callable[[_Typed], _Answer]) -> None:
        super().__init__()
        self.check = check

    def __missing__(self, typed: _Typed) -> _Answer:
        answer = self[typed] = self.check(typed)
        return answer


def _place_field(engagement: Engagement, typed: str | None) -> dict[str, str]:
    """The ``at`` field of a row's entry: the place checked, none where the row names none."""
    key = check_place(engagement, typed)
    return {"at": key} if key else {}


def _typed(typed: tuple[str | None, str | None]) -> str:
    """The cell a row's amount is read from, as typed: its days, else its hours."""
    return (typed[1] or "").strip() or (typed[0] or "").strip()


def _row_amount(engagement: Engagement, typed: tuple[str | None, str | None]) -> tuple[Fraction, str]:
    """A row's days, or hours; given both, they must agree through the schedule's hours per day.

    ``typed``: the row's hours and days cells, None where it has none.
    """
    hours_text = (typed[0] or "").strip()
    hours_typed = hours_text + "h" if hours_text[-1:].isdigit() else hours_text
    hours = parse_amount(hours_typed) if hours_text else None
    days_text = (typed[1] or "").strip()
    if not days_text and hours is None:
        raise EngageError(_("no days or hours given"))
    if not days_text:
        assert hours is not None
        return hours
    days = parse_amount(days_text)
    if hours is not None:
        as_days = days[0] if days[1] == "days" else days[0] / engagement.hours_per_day
        if hours[0] / engagement.hours_per_day != as_days:
            raise EngageError(
                _(
                    "days {days} and hours {hours} disagree at {per_day} hours a day; "
                    "give one of them, or both agreeing"
                ).format(days=days_text, hours=hours_text, per_day=engagement.hours_per_day)
            )

    return days
