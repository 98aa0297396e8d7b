"""The one verdict on an engagement as of a date: states, lateness and reasons every output reads."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Iterable
from fractions import Fraction
from functools import cached_property, wraps
from typing import TYPE_CHECKING, Any, TypeVar

from engage.hooktypes import SEVERITY_ORDER, Finding
from engage.judging.collisions import collision_findings
from engage.judging.history import Progress
from engage.judging.team import ConsultantVerdict, ShareVerdict, team_figures
from engage.judging.timeline import Resolved, Span, Timeline, Window, day_of, plan
from engage.judging.usage import phase_usage
from engage.judging.words import kind_text, outcome_text, state_text
from engage.language import _, current, ngettext, using
from engage.language.formats import date_text
from engage.ledger.ledger import Ledger
from engage.ledger.records import Closing
from engage.parsing import format_budget, format_days
from engage.schedule.model import Deliverable, Engagement
from engage.schedule.rules import DateRule
from engage.values import frozen

if TYPE_CHECKING:
    from engage.judging.timesheets import SheetState

AT_RISK_MARGIN = 25  # percentage points of budget used ahead of the window elapsed
BEHIND_MARGIN = 50  # percentage points of the window elapsed ahead of the budget used
DUE_SOON = dt.timedelta(days=7)
# Engagement states, worst first. "problem" is an error finding no other state covers.
STATE_ORDER = ("over", "late", "problem", "at risk", "on track", "closed")
MEETING_STATES = {
    "held": "held",
    "validated": "validated",
    "changes-requested": "changes requested",
    "postponed": "postponed",
    "cancelled": "cancelled",
}
__all__ = [
    "STATE_ORDER",
    "ConsultantVerdict",
    "DeliverableVerdict",
    "MeetingVerdict",
    "Milestone",
    "PhaseVerdict",
    "ShareVerdict",
    "Verdict",
    "judge",
]
# Error findings that restate what the verdict already judged from the same figures.
COVERED = {"phase-over-budget", "over-cap", "deliverable-late"}
_Judged = TypeVar("_Judged")


def _in_its_language(judge: Callable[[Verdict], _Judged]) -> Callable[[Verdict], _Judged]:
    """``judge`` run in the verdict's language (the one in force when it was made), so that its words
    (reasons, findings) are in that language whoever reads them first."""

    @wraps(judge)
    def judged(verdict: Verdict) -> _Judged:
        with using(verdict.language):
            return judge(verdict)

    return judged


@frozen
class DeliverableVerdict:
    """A deliverable as of a date: its state, who holds it, and the consultant's days late."""

    deliverable: Deliverable
    due: Resolved
    state: str  # not due, due soon, late, with client, review overdue, returned, accepted, replaced, waiting
    holder: str  # "consultant", "client" or "" once accepted or replaced
    deadline: dt.date | None  # the consultant's current deadline: the due date, or the resubmission's
    days_late: int  # the consultant's, counted while they hold it past its deadline
    status: str  # the latest status recorded, or "not submitted"
    since: dt.date | None  # the date of that status
    reason: str

    @property
    def key(self) -> str:
        """The deliverable's key."""
        return self.deliverable.key

    @property
    def name(self) -> str:
        """The deliverable's name."""
        return self.deliverable.name


@frozen
class MeetingVerdict:
    """A meeting as of a date: planned, held, validated, changes requested, postponed or cancelled."""

    key: str
    name: str
    kind: str
    span: Span
    state: str
    outcome: str
    outcome_date: dt.date | None
    note: str
    planned: Span  # the dates the schedule planned, before any postponement (``span`` is where it is now)

    @property
    def kind_text(self) -> str:
        """The meeting's kind as people read it, in the language in force ("atelier")."""
        return kind_text(self.kind)


@frozen
class Milestone:
    """Something still to come: a due date the consultant owes, a meeting, a deadline."""

    date: dt.date
    kind: str  # "deliverable due", a meeting's kind (retreat, workshop, validation, other), "deadline"
    name: str

    @property
    def kind_text(self) -> str:
        """The kind as people read it, in the language in force ("livrable attendu")."""
        return kind_text(self.kind)


@frozen
class PhaseVerdict:
    """A phase's budget against its window: on track, at risk or over, with the reason."""

    key: str
    name: str
    budget: Fraction
    used: Fraction
    window: Window
    state: str
    reason: str


class FindingsReadByACheck(RuntimeError):
    """A budget check read what the checks make (findings, state, reason). Not an ``EngageError``: the
    command line then names the plugin whose frame raised it, as for any fault in a plugin."""


# What makes findings: the ``engage_budget_checks`` hook, handed in by the session. Called with the
# hook's keyword arguments (``verdict`` among them), it gives every plugin's findings, checked.
ChecksSource = Callable[..., Iterable[Finding]]


class Verdict:
    """Everything judged about one engagement as of one date, computed once.

    The session makes one per engagement and date (:meth:`engage.session.Session.verdict`), with the
    timeline planned on the plugins' days off and the plugins' budget checks handed in, and hands it
    to every hook that judges. Its attributes:

    - ``engagement``, ``ledger``, ``as_of``: what was judged; a command hands in the ledger cut at
      ``as_of`` (``Ledger.until``), so records dated later count in no figure.
    - ``closing``: the close recorded on or before ``as_of``, else None; ``until`` is the day lateness
      and elapsed time stop at (``as_of``, or the close's date).
    - ``timeline``: phase windows, due dates and working days (:class:`engage.Timeline`).
    - ``progress``: the ledger's deliverable and meeting history (statuses, outcomes, moves).
    - ``deliverables``, ``meetings``, ``phases``, ``team``: a verdict on each, in schedule order.
    - ``timesheets``: each consultant's sheet per month and where its approval stands.
    - ``findings``: the budget checks' findings, worst first (never read from inside a check).
    - ``state`` and ``reason``: the engagement's one state (:data:`STATE_ORDER`) and why.
    - ``language``: the language its words are in (reasons, findings, described states), the one in
      force when it was made: a document asks for its verdict inside ``speaking(engagement)``; states,
      codes and kinds stay English ids (``state_text`` shows a state).
    - ``open_items``: what is not finished; :meth:`coming`, what falls due from ``as_of`` on (in the
      next N days); ``not_counted``, the days logged with a date after ``as_of``.
    """

    def __init__(
        self,
        engagement: Engagement,
        ledger: Ledger,
        as_of: dt.date,
        timeline: Timeline | None = None,
        checks: ChecksSource | None = None,
    ) -> None:
        self.engagement = engagement
        self.ledger = ledger
        self.as_of = as_of
        self._checks = checks
        self._checking = False
        self.language = current()
        self.closing: Closing | None = ledger.closing()
        if self.closing is not None and self.closing.date > as_of:
            self.closing = None
        # Nothing grows after the close: lateness and elapsed time stop at its date.
        self.until = min(as_of, self.closing.date) if self.closing else as_of
        self.timeline: Timeline = timeline if timeline is not None else plan(engagement)
        self.progress = Progress(ledger)

    @cached_property
    def timesheets(self) -> tuple[SheetState, ...]:
        """Each consultant's timesheet per month (and per period with a step): where its approval stands."""
        from engage.judging.timesheets import sheet_states  # only where a report asks: off status' path

        return sheet_states(self.engagement, self.ledger, self.as_of)

    @cached_property
    @_in_its_language
    def deliverables(self) -> tuple[DeliverableVerdict, ...]:
        """Each deliverable's verdict, in schedule order."""
        return tuple(self._deliverable(d) for d in self.engagement.deliverables)

    def deliverable(self, key: str) -> DeliverableVerdict:
        """One deliverable's verdict."""
        return next(d for d in self.deliverables if d.key == key)

    @cached_property
    @_in_its_language
    def meetings(self) -> tuple[MeetingVerdict, ...]:
        """Each meeting's verdict, in schedule order."""
        found = []
        for meeting in self.engagement.meetings:
            outcomes = [o for o in self.progress.outcomes(meeting.key) if o.date <= self.as_of]
            last = outcomes[-1] if outcomes else None
            found.append(
                MeetingVerdict(
                    meeting.key,
                    meeting.name,
                    meeting.kind,
                    self.timeline.meeting_span(meeting.key, self.progress),
                    MEETING_STATES[last.outcome] if last else "planned",
                    last.outcome if last else "",
                    last.date if last else None,
                    last.note if last else "",
                    self.timeline.meeting_span(meeting.key, self.progress, moves=False),
                )
            )
        return tuple(found)

    def meeting(self, key: str) -> MeetingVerdict:
        """One meeting's verdict."""
        return next(m for m in self.meetings if m.key == key)

    @cached_property
    @_in_its_language
    def phases(self) -> tuple[PhaseVerdict, ...]:
        """Each phase's verdict, in schedule order."""
        found = []
        for usage in phase_usage(self.engagement, self.ledger, until=self.as_of):
            phase, window = usage.phase, self.timeline.window(usage.phase.key)
            state, reason = self._phase_state(window, usage.used, phase.days, phase.location or "")
            found.append(PhaseVerdict(phase.key, phase.name, phase.days, usage.used, window, state, reason))
        return tuple(found)

    @cached_property
    def team(self) -> tuple[ConsultantVerdict, ...]:
        """Each consultant's figures as of the verdict's date, in schedule order; this week is the ISO
        week of that date. Names the ledger holds that the schedule does not come last."""
        monday = self.as_of - dt.timedelta(days=self.as_of.weekday())
        return self.team_in_week(monday, monday + dt.timedelta(days=6))

    def team_in_week(self, first: dt.date, last: dt.date) -> tuple[ConsultantVerdict, ...]:
        """Each consultant's figures, with ``this_week`` counted from ``first`` to ``last``."""
        cached = self._teams.get((first, last))
        if cached is None:
            cached = self._teams[(first, last)] = self._team(first, last)
        return cached

    @cached_property
    def _teams(self) -> dict[tuple[dt.date, dt.date], tuple[ConsultantVerdict, ...]]:
        return {}

    def _team(self, first: dt.date, last: dt.date) -> tuple[ConsultantVerdict, ...]:
        return team_figures(self.engagement, self.ledger, self.as_of, first, last)

    def consultant(self, key: str) -> ConsultantVerdict:
        """One consultant's figures (by key), as of the verdict's date."""
        return next(c for c in self.team if c.key == key)

    @cached_property
    @_in_its_language
    def findings(self) -> list[Finding]:
        """Every plugin's budget and schedule findings, worst first, then by date and phase order."""
        if self._checking:  # cached_property runs this again when a check reads it: say who, not recurse
            raise FindingsReadByACheck(
                "a budget check read verdict.findings (or state, reason): those are made from the checks' "
                "findings; read the verdict's phases, deliverables, meetings and team instead"
            )
        order = {phase.key: i for i, phase in enumerate(self.engagement.phases)}
        self._checking = True
        try:
            found: list[Finding] = (
                list(
                    self._checks(
                        engagement=self.engagement, ledger=self.ledger, today=self.as_of, verdict=self
                    )
                )
                if self._checks is not None
                else []
            )
        finally:
            self._checking = False
        found += collision_findings(self.engagement, self.ledger, self.progress)
        return sorted(
            found,
            key=lambda f: (
                SEVERITY_ORDER[f.severity],
                f.date or dt.date.max,
                order.get(f.phase or "", len(order)),
                f.code,
            ),
        )

    @property
    def state(self) -> str:
        """The engagement's state: the worst of its phases, deliverables, meetings and error findings."""
        return self._state_and_reason[0]

    @property
    def reason(self) -> str:
        """Why the engagement has its state, in a line: 'late: Draft Strategic Plan 3 days late'."""
        return self._state_and_reason[1]

    @cached_property
    @_in_its_language
    def open_items(self) -> list[str]:
        """What is not finished: deliverables not accepted or replaced, meetings still to happen."""
        open_item = _("{name} ({state})")
        items = [
            open_item.format(name=d.name, state=state_text(d.state))
            for d in self.deliverables
            if d.state not in ("accepted", "replaced")
        ]
        items += [
            open_item.format(name=m.name, state=state_text(m.state))
            for m in self.meetings
            if m.state in ("planned", "postponed")
        ]
        return items

    def coming(self, days: int | None = None) -> tuple[Milestone, ...]:
        """What is still to come from ``as_of`` on, soonest first: due dates the consultant owes (after
        a return, the resubmission's), meetings still planned or postponed to a date, the schedule's
        deadlines; only the next ``days`` days when given; nothing once the engagement is closed."""
        horizon = self.as_of + dt.timedelta(days=days) if days is not None else dt.date.max
        return tuple(m for m in self._coming if m.date <= horizon)

    @cached_property
    def _coming(self) -> tuple[Milestone, ...]:
        if self.closing is not None:
            return ()
        found = [
            Milestone(d.deadline, "deliverable due", d.name)
            for d in self.deliverables
            if d.holder == "consultant" and d.deadline is not None
        ]
        for meeting in self.meetings:
            if meeting.span.start is not None and meeting.state in ("planned", "postponed"):
                found.append(Milestone(day_of(meeting.span.start), meeting.kind, meeting.name))
        for deadline in self.engagement.deadlines:
            when = self.timeline.resolve(deadline.date, self.progress, due=True).day
            if when is not None:
                found.append(Milestone(when, "deadline", deadline.name))
        return tuple(sorted((m for m in found if m.date >= self.as_of), key=lambda m: (m.date, m.name)))

    @cached_property
    def not_counted(self) -> Fraction:
        """Days logged with a date after ``as_of``: in the ledger, not counted in any figure yet."""
        return sum((t.days for t in self.ledger.beyond_totals()), start=Fraction(0))

    @cached_property
    @_in_its_language
    def _state_and_reason(self) -> tuple[str, str]:
        if self.closing is not None:
            left = self.open_items
            head = _("closed on {date} ({outcome})").format(
                date=date_text(self.closing.date), outcome=outcome_text(self.closing.outcome)
            )
            apart = sum(bool(f.records) for f in self.findings)
            if apart:  # closed, but a merge holds decisions that disagree: they must not go unseen
                head += _(
                    "; records from two machines that contradict each other: {count} (see engage budget)"
                ).format(count=apart)
            return "closed", head + (_("; left open: {items}").format(items="; ".join(left)) if left else "")
        found: list[tuple[str, str]] = [(p.state, p.reason) for p in self.phases if p.state != "on track"]
        used, cap = self.ledger.days_used(), self.engagement.max_days
        if used > cap:
            over = _("over: {used} of {cap} days used, over the cap").format(
                used=format_days(used), cap=format_budget(cap)
            )
            found.append(("over", over))
        for d in self.deliverables:
            if d.state == "late":
                found.append(("late", _("late: {name} {reason}").format(name=d.name, reason=d.reason)))
            elif d.state == "review overdue":
                found.append(("at risk", _("at risk: {name} {reason}").format(name=d.name, reason=d.reason)))
        for m in self.meetings:
            dependents = [d.name for d in self.engagement.deliverables if m.key in d.depends_on]
            if m.state == "cancelled" and dependents:
                found.append(
                    (
                        "at risk",
                        _("at risk: {name} cancelled; {dependents} depend on it").format(
                            name=m.name, dependents="; ".join(dependents)
                        ),
                    )
                )
        for f in self.findings:
            if f.severity == "error" and f.code not in COVERED:  # the verdict's own figures cover those
                found.append(("problem", _("problem: {message}").format(message=f.message)))
        if not found:
            return "on track", state_text("on track")
        worst = min(STATE_ORDER.index(state) for state, _reason in found)
        reasons = list(OrderedDict.fromkeys(r for s, r in found if STATE_ORDER.index(s) == worst))
        more = (
            ngettext(" (and {count} more)", " (and {count} more)", len(reasons) - 1).format(
                count=len(reasons) - 1
            )
            if len(reasons) > 1
            else ""
        )
        return STATE_ORDER[worst], reasons[0] + more

    def _phase_state(
        self, window: Window, used: Fraction, budget: Fraction, place: str = ""
    ) -> tuple[str, str]:
        percent = float(used / budget * 100)
        working = self.timeline.working_days(window.start, window.end, place)  # at the phase's place
        done = [day for day in working if day <= self.until]
        elapsed = (
            100.0 * len(done) / len(working) if working else (100.0 if self.until >= window.end else 0.0)
        )
        figures = _("{used}% of budget used, {elapsed}% of the window elapsed").format(
            used=f"{percent:.0f}", elapsed=f"{elapsed:.0f}"
        )
        if used > budget:
            return "over", _("over: {used} of {budget} days used ({percent}%)").format(
                used=format_days(used), budget=format_budget(budget), percent=f"{percent:.0f}"
            )
        if self.closing is None:
            if percent - elapsed >= AT_RISK_MARGIN:
                return "at risk", _("at risk: {figures}").format(figures=figures)
            if elapsed - percent >= BEHIND_MARGIN:
                return "at risk", _("at risk, behind: {figures}").format(figures=figures)
        if self.until < window.start and used == 0:
            return "on track", _("on track: not started, window opens {date}").format(
                date=date_text(window.start)
            )
        return "on track", _("on track: {figures}").format(figures=figures)

    def _deliverable(self, deliverable: Deliverable) -> DeliverableVerdict:
        """Walk the deliverable's life; lateness accrues only while the consultant holds it."""
        timeline, until = self.timeline, self.until
        due = timeline.due(deliverable.key, self.progress)
        # Statuses recorded after a close still count (a final accepted late); lateness stops at it.
        history = [c for c in self.progress.history(deliverable.key) if c.date <= self.as_of]
        replaced_on = self._replaced_on(deliverable.key, until)
        # A returned deliverable that another replaces (a draft, by the final) is revised into that
        # one: its own cycle owes nothing more, and the replacement's due date carries the lateness.
        successor = next((d for d in self.engagement.deliverables if d.replaces == deliverable.key), None)
        stop = min(until, replaced_on) if replaced_on else until
        deadline, holder, late = due.day, "consultant", 0
        handed_over: dt.date | None = None
        for change in history:
            if change.status == "submitted" and holder == "consultant":
                late += _days_past(deadline, min(change.date, until))
                holder, handed_over = "client", change.date
            elif change.status == "returned" and holder == "client":
                holder = "consultant"
                deadline = (
                    None if successor else timeline.working_days_after(change.date, deliverable.revision_days)
                )
            elif change.status == "accepted":
                if holder == "consultant":  # accepted with no submission (a merged ledger): handed over then
                    late += _days_past(deadline, min(change.date, until))
                holder = ""
                break
        if holder == "consultant":
            late += _days_past(deadline, stop)
        last = history[-1] if history else None
        status, since = (last.status, last.date) if last else ("not submitted", None)
        state, reason = self._life_state(deliverable, due, holder, deadline, handed_over, replaced_on, late)
        return DeliverableVerdict(deliverable, due, state, holder, deadline, late, status, since, reason)

    def _life_state(
        self,
        deliverable: Deliverable,
        due: Resolved,
        holder: str,
        deadline: dt.date | None,
        handed_over: dt.date | None,
        replaced_on: dt.date | None,
        late: int,
    ) -> tuple[str, str]:
        until = self.until
        late_text = ngettext("{count} day late", "{count} days late", late).format(count=late)
        # Translators: the lateness after a state: "replaced on 2021-12-01; 3 days late".
        lateness = _("; {days_late}").format(days_late=late_text) if late else ""
        if replaced_on is not None:
            return "replaced", _("replaced on {date}").format(date=date_text(replaced_on)) + lateness
        if holder == "":
            return "accepted", state_text("accepted") + lateness
        if holder == "client":
            assert handed_over is not None
            held = len(self.timeline.working_days(handed_over + dt.timedelta(days=1), until))
            text = ngettext(
                "with the client for {count} working day, {allowed} allowed",
                "with the client for {count} working days, {allowed} allowed",
                held,
            ).format(count=held, allowed=deliverable.review_days)
            return ("review overdue" if held > deliverable.review_days else "with client"), text
        if deadline is None and handed_over is not None:
            successor = next(d.name for d in self.engagement.deliverables if d.replaces == deliverable.key)
            return "returned", _("returned; {successor} replaces it").format(successor=successor)
        if deadline is None:
            return "waiting", _("waiting: due {waiting}").format(waiting=due.waiting)
        if until > deadline:
            return "late", late_text
        if handed_over is not None:
            return "returned", _("returned; resubmit by {date}").format(date=date_text(deadline))
        if deadline - until <= DUE_SOON:
            return "due soon", _("due {date}").format(date=date_text(deadline))
        return "not due", _("due {date}").format(date=date_text(deadline))

    def waiting_on_client(self, day: dt.date) -> bool:
        """True when, on ``day``, every deliverable the consultant could work on was with the client.

        A deliverable not yet owed on that day (its due date waits on an event that had not
        happened, such as the final waiting for the draft's return) is not counted either way.
        """
        holders = []
        for deliverable in self.engagement.deliverables:
            history = [c for c in self.progress.history(deliverable.key) if c.date <= day]
            last = history[-1].status if history else None
            if self._replaced_on(deliverable.key, day) is not None or last == "accepted":
                continue
            if last is None and not self._owed_on(deliverable, day):
                continue
            holders.append(last == "submitted")
        return bool(holders) and all(holders)

    def _owed_on(self, deliverable: Deliverable, day: dt.date) -> bool:
        """False while the deliverable's due date waits on an event that had not happened by ``day``."""
        rule = deliverable.due
        if isinstance(rule, DateRule) and rule.ref.kind == "deliverable":
            happened = self.progress.event(rule.ref.key, rule.ref.event)
            return happened is not None and happened <= day
        return True

    def _replaced_on(self, key: str, until: dt.date) -> dt.date | None:
        for other in self.engagement.deliverables:
            if other.replaces == key:
                submitted = self.progress.event(other.key, "submitted")
                if submitted is not None and submitted <= until:
                    return submitted
        return None


def _days_past(deadline: dt.date | None, day: dt.date) -> int:
    return max(0, (day - deadline).days) if deadline is not None else 0


def judge(engagement: Engagement, ledger: Ledger, as_of: dt.date, **handed: Any) -> Verdict:
    """A verdict on ``engagement`` with ``ledger`` as of ``as_of``.

    A command asks its session (:meth:`engage.session.Session.verdict`), which makes one per
    engagement and date with the plugins' days off and checks handed in, so that every output of the
    command reads the same verdict and two reports cannot disagree. A hook that judges receives that
    verdict. ``handed`` are :class:`Verdict`'s ``timeline`` and ``checks``: without a timeline only
    weekends are days off; without checks there are no findings.
    """
    return Verdict(engagement, ledger, as_of, **handed)
