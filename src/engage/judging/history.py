"""What the ledger says happened to deliverables and meetings, in the order it happened."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from engage.errors import EngageError
from engage.judging.words import outcome_text, state_text
from engage.language import _
from engage.language.formats import date_text
from engage.ledger.ledger import Ledger
from engage.ledger.records import MeetingOutcome, StatusChange
from engage.values import frozen

HELD = ("held", "validated", "changes-requested")


@frozen
class Move:
    """A meeting moved: postponed on ``date`` to ``to`` (None: to be agreed)."""

    date: dt.date
    to: dt.date | None


@frozen
class Contradiction:
    """Two records of a merged ledger that cannot both be true: ``kept`` counts, ``left`` does not.

    One machine checks each status and outcome against the history under the ledger's lock; two
    machines each check against their own, so a merge can hold a deliverable accepted on two dates,
    or accepted here and returned there, or a meeting validated here and cancelled there.
    """

    kept: StatusChange | MeetingOutcome
    left: StatusChange | MeetingOutcome


class Progress:
    """Deliverable histories and meeting outcomes read from a ledger, for dates and verdicts.

    Event dates used by relative rules: a deliverable's ``submitted`` is its
    first submission, ``returned`` its latest return (each return restarts the
    revision clock), ``accepted`` its acceptance.

    A merged ledger may hold records that contradict each other (see :class:`Contradiction`). The
    reading is then the same on every machine, whatever order the merge put the lines in: the
    records are walked in the order they happened (see :func:`_happened`), and one that
    the history so far contradicts is left out of every figure and named in ``contradictions``, with
    the record it contradicts, until one of the two is voided.
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
        for key, changes in histories.items():
            changes.sort(key=_happened)
            histories[key] = self._consistent_statuses(changes)
        return histories

    @cached_property
    def contradictions(self) -> list[Contradiction]:
        """Records left out because an earlier one contradicts them (statuses, then outcomes)."""
        self._histories  # noqa: B018 -- walking the histories finds them
        self._outcomes  # noqa: B018
        return sorted(self._found, key=lambda c: _happened(c.left))

    @cached_property
    def _found(self) -> list[Contradiction]:
        return []

    def _consistent_statuses(self, changes: list[StatusChange]) -> list[StatusChange]:
        """The statuses that make one life: after an acceptance nothing more, and a submission is
        answered once (a return and an acceptance of the same submission contradict each other)."""
        kept: list[StatusChange] = []
        for change in changes:
            accepted = next((c for c in kept if c.status == "accepted"), None)
            answered = kept[-1] if kept and kept[-1].status == "returned" else None
            against = accepted or (answered if change.status == "accepted" else None)
            if against is not None:
                self._found.append(Contradiction(against, change))
            else:
                kept.append(change)
        return kept

    def event(self, deliverable: str, event: str) -> dt.date | None:
        """The date of a deliverable's first submission, latest return or acceptance."""
        dates = [c.date for c in self.history(deliverable) if c.status == event]
        if not dates:
            return None
        return dates[-1] if event == "returned" else dates[0]

    def outcomes(self, meeting: str) -> list[MeetingOutcome]:
        """A meeting's outcomes in the order they happened (those a merge contradicts left out)."""
        return self._outcomes.get(meeting, [])

    @cached_property
    def _outcomes(self) -> dict[str, list[MeetingOutcome]]:
        outcomes: dict[str, list[MeetingOutcome]] = {}
        for outcome in self.ledger.meeting_outcomes():
            outcomes.setdefault(outcome.meeting, []).append(outcome)
        for key, found in outcomes.items():
            found.sort(key=_happened)
            outcomes[key] = self._consistent_outcomes(found)
        return outcomes

    def _consistent_outcomes(self, outcomes: list[MeetingOutcome]) -> list[MeetingOutcome]:
        """The outcomes that make one meeting's life: nothing after a cancellation, and once held
        (validated, changes requested) neither postponed nor cancelled."""
        kept: list[MeetingOutcome] = []
        for outcome in outcomes:
            last = kept[-1] if kept else None
            if last is not None and (
                last.outcome == "cancelled" or (last.outcome in HELD and outcome.outcome not in HELD)
            ):
                self._found.append(Contradiction(last, outcome))
            else:
                kept.append(outcome)
        return kept

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


def _happened(record: StatusChange | MeetingOutcome) -> tuple[dt.date, str, str, int]:
    """The order records happened in, the same on every machine: date, when recorded (to the
    second), then the machine that recorded them, then their order in the file. A merge keeps each
    machine's lines in their order, so two records of one second read the same after any merge;
    older records name no machine and keep the order of the file."""
    return (record.date, record.recorded_at, record.machine, record.line)


def check_status(history: list[StatusChange], status: str, date: dt.date, name: str) -> None:
    """Refuse a status that skips a step: the deliverable's life is
    submitted → (returned → submitted)* → accepted."""
    last = history[-1] if history else None
    if last is not None and date < last.date:
        raise EngageError(
            _(
                "{name}: {status} on {date} is before its last status ({last} on {last_date}); "
                "give a date on or after {last_date}, or void that record first"
            ).format(
                name=name,
                status=state_text(status),
                date=date_text(date),
                last=state_text(last.status),
                last_date=date_text(last.date),
            )
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
    if previous is None or last is None:
        raise EngageError(
            _("{name}: nothing was submitted, so it cannot be {status}; record it as submitted first").format(
                name=name, status=state_text(status)
            )
        )
    if previous == "accepted":
        raise EngageError(
            _("{name}: already accepted on {date}; void that record to reopen it").format(
                name=name, date=date_text(last.date)
            )
        )
    if status == "submitted":
        raise EngageError(
            _(
                "{name}: already submitted on {date} and not returned; "
                "record the client's return (--status returned) before a resubmission"
            ).format(name=name, date=date_text(last.date))
        )
    raise EngageError(
        _("{name}: was returned on {date}; it must be resubmitted before it is {status}").format(
            name=name, date=date_text(last.date), status=state_text(status)
        )
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
            _(
                "{name}: {outcome} on {date} is before its last outcome ({last} on {last_date}); "
                "give a date on or after {last_date}, or void that record first"
            ).format(
                name=name,
                outcome=outcome_text(outcome),
                date=date_text(date),
                last=outcome_text(last.outcome),
                last_date=date_text(last.date),
            )
        )
    if last.outcome == "cancelled":
        raise EngageError(
            _("{name}: cancelled on {date}; void that record to reopen the meeting").format(
                name=name, date=date_text(last.date)
            )
        )
    if last.outcome in HELD and outcome not in HELD:
        raise EngageError(
            _(
                "{name}: already {last} on {date}, so it cannot be {outcome}; "
                "void that record first if it was recorded by mistake"
            ).format(
                name=name,
                last=outcome_text(last.outcome),
                date=date_text(last.date),
                outcome=outcome_text(outcome),
            )
        )
    if last.outcome == "postponed" and last.to is not None and outcome in HELD and date < last.to:
        raise EngageError(
            _(
                "{name}: postponed to {to}, so it cannot be {outcome} on {date}; "
                "give {to} or later, or record a new postponement"
            ).format(name=name, to=date_text(last.to), outcome=outcome_text(outcome), date=date_text(date))
        )
