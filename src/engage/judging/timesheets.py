"""Timesheets: a consultant's sheet for a period, the steps of its approval, and the lock an approval puts.

A sheet is the live entries one consultant logged from ``start`` to ``end``. Its approval is a
history of ledger records (:class:`engage.ledger.records.TimesheetAction`): submitted, then approved
or rejected, reopened. The history is replayed here, in one order every machine agrees on (when each
step was recorded, then on which machine, then its id), so a merged ledger reads the same on every
clone; a step the state it meets does not allow (approved on one laptop and rejected on another,
before either synced) is kept aside as a contradiction, not counted.

An approved sheet locks its days: nothing may be logged into it, voided from it or imported into it
until it is reopened (:func:`refuse_in_approved`), and its ``digest`` says whether the ledger still
holds the sheet that was approved (:func:`sheet_digest`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping

from engage.errors import EngageError
from engage.judging.words import state_text
from engage.language import _, ngettext
from engage.language.formats import date_text
from engage.ledger.ledger import Ledger
from engage.ledger.records import Entry, TimesheetAction
from engage.parsing import month_end, period_name
from engage.schedule.model import UNNAMED_KEY, Engagement
from engage.values import frozen

NOT_SUBMITTED, SUBMITTED, APPROVED, REJECTED, REOPENED = (
    "not submitted",
    "submitted",
    "approved",
    "rejected",
    "reopened",
)
SUPERVISOR = "supervisor"  # the key the supervisor acts under (``--as supervisor``)

# From each state, the steps it allows and the state each leads to.
_NEXT: dict[str, dict[str, str]] = {
    NOT_SUBMITTED: {"submit": SUBMITTED},
    REOPENED: {"submit": SUBMITTED},
    REJECTED: {"submit": SUBMITTED},
    SUBMITTED: {"submit": SUBMITTED, "approve": APPROVED, "reject": REJECTED, "reopen": REOPENED},
    APPROVED: {"reopen": REOPENED},
}


@frozen
class SheetState:
    """Where one consultant's sheet for ``start``..``end`` stands.

    ``steps``: the counted history, oldest first; ``contradictions``: steps recorded apart on two
    machines that the history did not allow (an approval and a rejection of one submission), not
    counted. ``submitted``: the submission counted now (None once reopened or never submitted);
    ``approved``: the approval in force, else None.
    """

    consultant: str
    start: dt.date
    end: dt.date
    state: str = NOT_SUBMITTED
    steps: tuple[TimesheetAction, ...] = ()
    contradictions: tuple[TimesheetAction, ...] = ()

    @property
    def last(self) -> TimesheetAction | None:
        """The latest counted step, else None."""
        return self.steps[-1] if self.steps else None

    @property
    def submitted(self) -> TimesheetAction | None:
        """The submission the state rests on: the latest, unless reopened or rejected since."""
        last = self.last
        if last is None or self.state in (NOT_SUBMITTED, REOPENED):
            return None
        return next((s for s in reversed(self.steps) if s.action == "submit"), None)

    @property
    def approved(self) -> TimesheetAction | None:
        """The approval in force, else None."""
        return self.last if self.state == APPROVED else None

    @property
    def period(self) -> str:
        """The period as people name it: ``2026-11`` for a calendar month, else ``D to D``."""
        return period_name(self.start, self.end)

    @property
    def options(self) -> str:
        """The period as the command line names it: ``--month 2026-11``, else ``--from D --to D``."""
        name = self.period
        return f"--month {name}" if " " not in name else f"--from {self.start} --to {self.end}"

    def describe(self, engagement: Engagement, as_of: dt.date) -> str:
        """One line: "not submitted", "submitted 3 days ago", "approved by Marie Dupont on D",
        "rejected by X on D: reason", "reopened by X on D: reason"."""
        last = self.last
        if last is None or self.state == NOT_SUBMITTED:
            return state_text(NOT_SUBMITTED)
        who = person_name(engagement, last.actor)
        when = date_text(last.date)
        if self.state == SUBMITTED:
            days = (as_of - last.date).days
            if days <= 0:
                return _("submitted today ({date})").format(date=when)
            return ngettext(
                "submitted {count} day ago ({date})", "submitted {count} days ago ({date})", days
            ).format(count=days, date=when)
        state = state_text(self.state)
        said = (
            _("{state} by {who} on {date}").format(state=state, who=who, date=when)
            if who
            else _("{state} on {date}").format(state=state, date=when)
        )
        if self.state == APPROVED:  # whether a signature holds is for whoever can check it to say
            return said
        return _("{said}: {reason}").format(said=said, reason=last.reason) if last.reason else said


def person_name(engagement: Engagement, key: str) -> str:
    """The name a step's ``actor`` names: the supervisor's ("the supervisor" where the ToR names none),
    a consultant's, else the key as recorded."""
    if key == SUPERVISOR:
        return engagement.supervisor.name or _("the supervisor")
    if key == UNNAMED_KEY and not engagement.team:
        return _("the consultant")
    person = engagement.consultant_of(key) if key else None
    return (person.name or person.key) if person is not None else key


def sheet_owner(engagement: Engagement, logged: str) -> str:
    """The consultant whose sheet an entry's ``consultant`` falls on: a team member's key (by key or
    name), else the name as logged (white space folded). A schedule that names no team has one
    consultant, and one sheet: every entry is on it, under ``consultant``, whatever name it was
    logged under (a lock cannot be passed by spelling a name another way)."""
    if not engagement.team:
        return UNNAMED_KEY
    person = engagement.consultant_of(logged) if logged else None
    if person is not None:
        return person.key
    if not logged and len(engagement.team) == 1:
        return engagement.team[0].key
    return " ".join(logged.split()) or UNNAMED_KEY


def sheet_entries(
    engagement: Engagement, ledger: Ledger, consultant: str, start: dt.date, end: dt.date
) -> list[Entry]:
    """The live entries on ``consultant``'s sheet from ``start`` to ``end``, by date then id."""
    found = [
        e for e in ledger.entries(start=start, end=end) if sheet_owner(engagement, e.consultant) == consultant
    ]
    return sorted(found, key=lambda e: (e.date, e.id))


def _line(entry: Entry) -> str:
    return (
        f"{entry.id}\t{entry.date}\t{entry.phase}\t{entry.amount}\t{entry.unit}\t{entry.at}\t{entry.note}\n"
    )


def sheet_digest(entries: Iterable[Entry]) -> str:
    """What a sheet holds, as ``sha256:HEX`` over each entry's id, date, phase, amount as typed, place
    and note: the same entries give the same digest on every machine, any change another."""
    text = "".join(_line(e) for e in sorted(entries, key=lambda e: (e.date, e.id)))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def sheet_items(entries: Iterable[Entry]) -> tuple[str, ...]:
    """Each entry as ``ID:HASH`` (16 hex digits of the hash of what :func:`sheet_digest` reads of it),
    so a step can later name the entries added, removed or changed since."""
    return tuple(
        f"{e.id}:{hashlib.sha256(_line(e).encode('utf-8')).hexdigest()[:16]}"
        for e in sorted(entries, key=lambda e: (e.date, e.id))
    )


def step_holds(step: TimesheetAction, entries: Iterable[Entry]) -> bool:
    """Whether the sheet's ``entries`` are still those ``step`` certified (its digest); a step with no
    digest (engage always writes one) certifies nothing, and holds nothing. The one answer the verify
    command, the sheet's flags, the status report and the findings all give."""
    return bool(step.digest) and step.digest == sheet_digest(entries)


def changes_since(step: TimesheetAction, entries: Iterable[Entry]) -> tuple[list[str], list[str], list[str]]:
    """The entry ids added to, removed from and changed on the sheet since ``step``, each sorted."""
    then = dict(item.split(":", 1) for item in step.items if ":" in item)
    now = dict(item.split(":", 1) for item in sheet_items(entries))
    added = sorted(set(now) - set(then))
    removed = sorted(set(then) - set(now))
    changed = sorted(i for i in set(now) & set(then) if now[i] != then[i])
    return added, removed, changed


def steps_of(ledger: Ledger) -> list[TimesheetAction]:
    """Every timesheet step the ledger holds, in the one order every clone agrees on: when each was
    recorded, then on which machine, then its place in the file (one machine's records keep their
    order through every merge)."""
    found = ledger.every(TimesheetAction)  # a void cannot undo a step: reopen is the way back
    return sorted(found, key=lambda s: (s.recorded_at, s.machine, s.line))


def replay_sheets(ledger: Ledger) -> dict[tuple[str, dt.date, dt.date], SheetState]:
    """Each sheet that has a step, by (consultant, start, end): its state after its history.

    Each step names the step it was taken after (``follows``), so the history is a chain whatever
    the clocks of the laptops said. Two steps taken after the same one on two machines before they
    synced (an approval here, a rejection there; a resubmission the approver had not seen) are both
    in the merged ledger: the one recorded first is counted, the other kept as a contradiction.
    """
    by_sheet: dict[tuple[str, dt.date, dt.date], list[TimesheetAction]] = {}
    for step in steps_of(ledger):
        by_sheet.setdefault((step.consultant, step.start, step.end), []).append(step)
    states = {}
    for key, steps in by_sheet.items():
        state = SheetState(*key)
        counted: set[str] = set()
        following = ""
        while True:
            nxt = next((s for s in steps if s.follows == following and step_allowed(state, s.action)), None)
            if nxt is None:
                break
            counted.add(nxt.id)
            state = _with(state, state=_NEXT[state.state][nxt.action], steps=(*state.steps, nxt))
            following = nxt.id
        left = tuple(s for s in steps if s.id not in counted)
        states[key] = _with(state, contradictions=left)
    return states


def _with(sheet: SheetState, **changes: object) -> SheetState:
    fields = {
        "consultant": sheet.consultant,
        "start": sheet.start,
        "end": sheet.end,
        "state": sheet.state,
        "steps": sheet.steps,
        "contradictions": sheet.contradictions,
    }
    fields.update(changes)
    return SheetState(**fields)  # type: ignore[arg-type]


def step_allowed(state: SheetState, action: str) -> bool:
    """True when ``action`` may follow where ``state`` stands."""
    return action in _NEXT[state.state]


def covering(
    states: Mapping[tuple[str, dt.date, dt.date], SheetState], consultant: str, day: dt.date
) -> SheetState | None:
    """The approved sheet of ``consultant`` whose period holds ``day``, else None."""
    for (who, start, end), state in states.items():
        if who == consultant and start <= day <= end and state.state == APPROVED:
            return state
    return None


def overlapping_sheet(
    states: Mapping[tuple[str, dt.date, dt.date], SheetState], consultant: str, start: dt.date, end: dt.date
) -> SheetState | None:
    """Another sheet of ``consultant`` with a step in force whose period overlaps ``start``..``end``."""
    for (who, first, last), state in states.items():
        if (
            who == consultant
            and (first, last) != (start, end)
            and first <= end
            and start <= last
            and state.state in (SUBMITTED, APPROVED)
        ):
            return state
    return None


def refuse_in_approved(engagement: Engagement, ledger: Ledger, records: list[dict[str, object]]) -> None:
    """Refuse ``records`` that would change an approved sheet: time dated in its period, a void of an
    entry on it. Called under the ledger's lock by every write (``log``, ``void``, ``import``)."""
    states = replay_sheets(ledger)
    if not any(s.state == APPROVED for s in states.values()):
        return
    for record in records:
        kind = record.get("kind")
        if kind == "entry":
            day, logged = str(record.get("date", "")), str(record.get("consultant", ""))
            target_id = ""
        elif kind == "void":
            target = next((r for r in ledger.records if r.id == record.get("target")), None)
            if not isinstance(target, Entry):
                continue
            day, logged = target.date.isoformat(), target.consultant
            target_id = target.id
        else:
            continue
        try:
            date = dt.date.fromisoformat(day)
        except ValueError:
            continue  # the record's own reader refuses it
        state = covering(states, sheet_owner(engagement, logged), date)
        if state is not None:
            approval = state.last
            assert approval is not None
            who = person_name(engagement, approval.actor) or _("someone")
            what = (
                _("entry {id} (dated {date})").format(id=target_id, date=date_text(date))
                if target_id
                else _("time dated {date}").format(date=date_text(date))
            )
            raise EngageError(
                _(
                    "{consultant}'s timesheet {period} was approved by {who} on {date} (record {id}); "
                    "{what} cannot change it: to change it, the approver runs "
                    "'engage timesheet reopen {options} --consultant {consultant} --reason TEXT'; "
                    "nothing written"
                ).format(
                    consultant=state.consultant,
                    period=state.period,
                    who=who,
                    date=date_text(approval.date),
                    id=approval.id,
                    what=what,
                    options=state.options,
                )
            )


def months_between(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar months from ``first``'s to ``last``'s, each as (first day, last day)."""
    found = []
    day = first.replace(day=1)
    while day <= last:
        end = month_end(day)
        found.append((day, end))
        day = end + dt.timedelta(days=1)
    return found


def sheet_states(engagement: Engagement, ledger: Ledger, as_of: dt.date) -> tuple[SheetState, ...]:
    """Each consultant's sheet per month, as of ``as_of``: every month that ended by then in which they
    logged time, and every period with a step; by consultant (team order), then period."""
    states = replay_sheets(ledger)
    logged: dict[str, set[tuple[dt.date, dt.date]]] = {}
    for entry in ledger.entries(end=as_of):
        month = (entry.date.replace(day=1), month_end(entry.date))
        if month[1] < as_of:
            logged.setdefault(sheet_owner(engagement, entry.consultant), set()).add(month)
    for who, start, end in states:
        logged.setdefault(who, set()).add((start, end))
    order = {person.key: i for i, person in enumerate(engagement.team)}
    found = [
        states.get((who, start, end)) or SheetState(who, start, end)
        for who, periods in logged.items()
        for start, end in periods
    ]
    found.sort(key=lambda s: (order.get(s.consultant, len(order)), s.consultant, s.start, s.end))
    return tuple(found)
