"""What the ledger says happened to deliverables and meetings, in the order it happened."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from engage.errors import EngageError
from engage.ledger.ledger import Ledger
from engage.ledger.records import MeetingOutcome, StatusChange
from engage.values import frozen

HELD = ("held", "validated", "changes-requested")


@frozen
class Move:
    """A meeting moved: postponed on ``date`` to ``to`` (None: to be agreed)."""

    date: dt.date
    to: dt.date | None


class Progress:
    """Deliverable histories and meeting outcomes read from a ledger, for dates and verdicts.

    Event dates used by relative rules: a deliverable's ``submitted`` is its
    first submission, ``returned`` its latest return (each return restarts the
    revision clock), ``accepted`` its acceptance.
    """

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def history(self, deliverable: str) -> list[StatusChange]:
        """A deliverable's statuses in the order they happened (date, then when recorded)."""
        return self._histories.get(deliverable, [])

    @cached_property
    def _histories(self) -> dict[str, list[StatusChange]]:
        histories: dict[str, list[StatusChange]] = {}
        for change in self.ledger.status_changes():
            histories.setdefault(change.deliverable, []).append(change)
        for changes in histories.values():
            changes.sort(key=lambda c: (c.date, c.recorded_at))
        return histories

    def event(self, deliverable: str, event: str) -> dt.date | None:
        """The date of a deliverable's first submission, latest return or acceptance."""
        dates = [c.date for c in self.history(deliverable) if c.status == event]
        if not dates:
            return None
        return dates[-1] if event == "returned" else dates[0]

    def outcomes(self, meeting: str) -> list[MeetingOutcome]:
        """A meeting's outcomes in the order they happened."""
        return sorted(self.ledger.meeting_outcomes(meeting), key=lambda o: (o.date, o.recorded_at))

    def cancelled(self, meeting: str) -> bool:
        """True when the meeting's latest outcome is a cancellation."""
        outcomes = self.outcomes(meeting)
        return bool(outcomes) and outcomes[-1].outcome == "cancelled"

    def moved(self, meeting: str) -> Move | None:
        """Where a postponement left the meeting: moved to a day, or to be agreed; None if never moved.

        A meeting held after a postponement to no date took place on the day it
        was recorded as held.
        """
        move: Move | None = None
        for outcome in self.outcomes(meeting):
            if outcome.outcome == "postponed":
                move = Move(outcome.date, outcome.to)
            elif outcome.outcome in HELD and move is not None and move.to is None:
                move = Move(move.date, outcome.date)
        return move


def check_status(history: list[StatusChange], status: str, date: dt.date, name: str) -> None:
    """Refuse a status that skips a step: the deliverable's life is
    submitted → (returned → submitted)* → accepted."""
    last = history[-1] if history else None
    if last is not None and date < last.date:
        raise EngageError(
            f"{name}: {status} on {date} is before its last status ({last.status} on {last.date}); "
            f"give a date on or after {last.date}, or void that record first"
        )
    previous = last.status if last else None
    allowed = {
        None: ("submitted",),
        "submitted": ("returned", "accepted"),
        "returned": ("submitted",),
        "accepted": (),
    }[previous]
    if status in allowed:
        return
    if previous is None:
        raise EngageError(
            f"{name}: nothing was submitted, so it cannot be {status}; record it as submitted first"
        )
    if previous == "accepted":
        raise EngageError(
            f"{name}: already accepted on {last.date if last else ''}; void that record to reopen it"
        )
    if status == "submitted":
        raise EngageError(
            f"{name}: already submitted on {last.date if last else ''} and not returned; "
            "record the client's return (--status returned) before a resubmission"
        )
    raise EngageError(
        f"{name}: was returned on {last.date if last else ''}; it must be resubmitted before it is {status}"
    )


def check_outcome(
    outcomes: list[MeetingOutcome], outcome: str, date: dt.date, to: dt.date | None, name: str
) -> None:
    """Refuse an outcome that contradicts the meeting's record: held, validated or changes requested
    end its life; cancelled ends it too; a meeting postponed to a day is held on or after it."""
    last = outcomes[-1] if outcomes else None
    if last is None:
        return
    if date < last.date:
        raise EngageError(
            f"{name}: {outcome} on {date} is before its last outcome ({last.outcome} on {last.date}); "
            f"give a date on or after {last.date}, or void that record first"
        )
    if last.outcome == "cancelled":
        raise EngageError(f"{name}: cancelled on {last.date}; void that record to reopen the meeting")
    if last.outcome in HELD and outcome not in HELD:
        raise EngageError(
            f"{name}: already {last.outcome} on {last.date}, so it cannot be {outcome}; "
            "void that record first if it was recorded by mistake"
        )
    if last.outcome == "postponed" and last.to is not None and outcome in HELD and date < last.to:
        raise EngageError(
            f"{name}: postponed to {last.to}, so it cannot be {outcome} on {date}; "
            f"give {last.to} or later, or record a new postponement"
        )
