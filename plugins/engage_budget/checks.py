"""The built-in budget and schedule checks, each its own implementation of ``engage_budget_checks``."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from engage import (
    Engagement,
    Finding,
    Ledger,
    Timeline,
    day_of,
    format_budget,
    format_days,
    hookimpl,
    phase_usage,
    plural,
)
from engage_budget.settings import settings_of
from engage_budget.team import Shortfall, shortfalls

if TYPE_CHECKING:
    from engage import Verdict

check = hookimpl(specname="engage_budget_checks")
BURN_WINDOW = dt.timedelta(days=14)


def _percent(used: Fraction, budget: Fraction) -> str:
    return f"{float(used / budget * 100):.0f}%"


@check
def phase_budgets(
    engagement: Engagement, ledger: Ledger, today: dt.date, verdict: Verdict
) -> Iterator[Finding]:
    """A phase over its budget (error), or past the warning threshold (warning) unless it is done:
    its window is over and its deliverables accepted."""
    settings = settings_of(engagement)
    for usage in phase_usage(engagement, ledger):
        phase = usage.phase
        done = verdict.timeline.window(phase.key).end < verdict.until and all(
            d.state in ("accepted", "replaced")
            for d in verdict.deliverables
            if d.deliverable.phase == phase.key
        )
        if usage.used > phase.days:
            yield Finding(
                "error",
                "phase-over-budget",
                f"{phase.name}: {format_days(usage.used)} of {format_budget(phase.days)} days used — "
                f"{format_days(-usage.left)} over budget",
                phase=phase.key,
            )
        elif usage.used >= settings.threshold(phase.days) and not done:
            yield Finding(
                "warning",
                "phase-near-budget",
                f"{phase.name}: {format_days(usage.used)} of {format_budget(phase.days)} days used "
                f"({_percent(usage.used, phase.days)}), {format_days(usage.left)} left",
                phase=phase.key,
            )


@check
def engagement_cap(engagement: Engagement, ledger: Ledger, verdict: Verdict) -> Iterator[Finding]:
    """The engagement over its cap (error) or near it (warning); phase budgets that miss the cap."""
    used, cap = ledger.days_used(), engagement.max_days
    if used > cap:
        yield Finding(
            "error",
            "over-cap",
            f"Engagement: {format_days(used)} of {format_budget(cap)} days used — "
            f"{format_days(used - cap)} over the cap",
        )
    elif used >= settings_of(engagement).threshold(cap):
        yield Finding(
            "warning",
            "near-cap",
            f"Engagement: {format_days(used)} of {format_budget(cap)} days used ({_percent(used, cap)})",
        )
    budgets = sum((p.days for p in engagement.phases), start=Fraction(0))
    if budgets != cap:
        yield Finding(
            "warning",
            "budgets-differ-from-cap",
            f"Phase budgets add up to {format_budget(budgets)} days but the cap is {format_budget(cap)}",
        )


def short_windows(timeline: Timeline) -> dict[str, list[Shortfall]]:
    """Phases whose window has fewer working days than their budget (or, for a phase with a team,
    than one consultant's share, counted at that consultant's place), with who falls short."""
    found = {}
    for phase in timeline.engagement.phases:
        short = shortfalls(timeline, phase.key)
        if short:
            found[phase.key] = short
    return found


@check
def windows_hold_their_budgets(
    engagement: Engagement, ledger: Ledger, today: dt.date, verdict: Verdict
) -> Iterator[Finding]:
    """A phase whose window has fewer working days than its budget, naming the deliverables it squeezes."""
    timeline = verdict.timeline
    for key, short in short_windows(verdict.timeline).items():
        phase, window = engagement.phase(key), timeline.window(key)
        place = phase.location or ""
        week = engagement.location(place).working_days
        off = [
            f"{day:%a %d %b} ({timeline.holiday(day, place)})"
            for day in _days(window.start, window.end)
            if timeline.holiday(day, place) and day.isoweekday() in week
        ]
        holidays = f"; holidays: {', '.join(off)}" if off else ""
        squeezed = [
            d.name for d in verdict.deliverables if d.deliverable.phase == key and d.holder == "consultant"
        ]
        names = (
            f"; it squeezes {len(squeezed)} deliverable{'s' if len(squeezed) != 1 else ''}: "
            + "; ".join(squeezed)
            if squeezed
            else ""
        )
        if short[0].who:
            head = f"{phase.name}: its window {window.start} – {window.end} is too short: " + "; ".join(
                s.text() for s in short
            )
        else:
            head = (
                f"{phase.name}: {format_budget(phase.days)} days budgeted but its window "
                f"{window.start} – {window.end} has only {short[0].working} working days"
            )
        yield Finding("warning", "window-too-short", f"{head}{holidays}{names}", phase=key, date=window.start)


@check
def deliverables_on_time(
    engagement: Engagement, ledger: Ledger, today: dt.date, verdict: Verdict
) -> Iterator[Finding]:
    """The verdict's late deliverables (error) and overdue reviews (warning); a deliverable whose
    remaining work cannot fit before it is due (unless its whole phase window is too short)."""
    timeline = verdict.timeline
    usage = {u.phase.key: u for u in phase_usage(engagement, ledger)}
    squeezed = short_windows(verdict.timeline)
    for d in verdict.deliverables:
        deliverable = d.deliverable
        where: dict[str, Any] = {"phase": deliverable.phase, "deliverable": d.key}  # Finding keywords
        if d.state == "late":
            what = (
                f"returned on {d.since}, resubmission due {d.deadline}"
                if d.status == "returned"
                else (f"due {d.deadline}, {d.status}")
            )
            yield Finding(
                "error", "deliverable-late", f"{d.name}: {d.reason} ({what})", date=d.deadline, **where
            )
        elif d.state == "review overdue":
            yield Finding(
                "warning",
                "review-overdue",
                f"{d.name}: {d.reason} (submitted {d.since}); the client holds it",
                date=d.since,
                **where,
            )
        elif (
            d.state in ("not due", "due soon") and d.due.day is not None and deliverable.phase not in squeezed
        ):
            window = timeline.window(deliverable.phase)
            begin = max(verdict.until, window.start)
            for who, left, place in _work_left(engagement, verdict, usage[deliverable.phase].left, d.key):
                available = len(timeline.working_days(begin, d.due.day, place))
                if left > available:
                    by = f" by {who}" if who else ""
                    yield Finding(
                        "warning",
                        "deliverable-cannot-fit",
                        f"{d.name}: {format_days(left)} days of {deliverable.phase} work left{by} but only "
                        f"{plural(available, 'working day')} until it is due on {d.due.day}",
                        date=d.due.day,
                        **where,
                    )


def _work_left(
    engagement: Engagement, verdict: Verdict, phase_left: Fraction, deliverable: str
) -> list[tuple[str, Fraction, str]]:
    """Work left before a deliverable, as (who, days, place): the phase's as a whole, or each
    consultant's share left where the phase gives a team (they work side by side)."""
    phase = engagement.phase(engagement.deliverable(deliverable).phase)
    if not phase.team:
        return [("", max(Fraction(0), phase_left), phase.location or "")]
    found = []
    for person in verdict.team:
        part = next((p for p in person.phases if p.phase == phase.key and p.share is not None), None)
        if part is not None and part.share is not None:
            left = max(Fraction(0), part.share - part.used)
            found.append((person.key, left, engagement.place_of(phase.key, person.key)))
    return found


def _placed_days(engagement: Engagement, ledger: Ledger) -> dict[tuple[str, str, dt.date], Fraction]:
    """Days per (place, phase, date): where each entry was worked (entry, phase, consultant, the
    engagement), from the sums per day (by place only when the schedule has locations)."""
    if not engagement.locations:
        return {("", phase, day): days for (phase, day), days in ledger.daily.items()}
    placed: dict[tuple[str, str, dt.date], Fraction] = defaultdict(Fraction)
    for t in ledger.day_totals():
        placed[(engagement.place_of(t.phase, t.consultant, t.at), t.phase, t.date)] += t.days
    return placed


@check
def work_on_the_right_days(engagement: Engagement, ledger: Ledger, verdict: Verdict) -> Iterator[Finding]:
    """Work on a weekend or holiday (one finding a day, naming it); outside the engagement or its
    phase's window (one finding each, listing the days); on a phase the schedule does not have."""
    wrong = _wrong_days(engagement, ledger, verdict.timeline)
    yield from _unknown_phase_findings(ledger, verdict.timeline, wrong.unknown_phase)
    yield from _off_day_findings(engagement, verdict.timeline, wrong.off_days)
    yield from _outside_findings(engagement, verdict.timeline, wrong.outside)


@dataclass
class _WrongDays:
    """Logged work on the wrong days, by what is wrong with it."""

    # (phase, date) of work on a phase the schedule does not have, by date: an ordered set.
    unknown_phase: dict[tuple[str, dt.date], None] = field(default_factory=dict)
    # Days worked per (code, date, place), the code saying whether a weekend or a holiday.
    off_days: defaultdict[tuple[str, dt.date, str], Fraction] = field(
        default_factory=lambda: defaultdict(Fraction)
    )
    # Days worked per date outside a phase's window, or outside the engagement under "".
    outside: defaultdict[str, defaultdict[dt.date, Fraction]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Fraction))
    )


def _wrong_days(engagement: Engagement, ledger: Ledger, timeline: Timeline) -> _WrongDays:
    """Each day's work, where it was worked, sorted by date into what is wrong with it."""
    windows = timeline.windows
    first, last = timeline.start, timeline.end
    wrong = _WrongDays()
    for (place, phase, day), days in sorted(_placed_days(engagement, ledger).items(), key=lambda i: i[0][2]):
        if phase not in windows:
            wrong.unknown_phase[(phase, day)] = None  # once, though worked in more than one place
            continue
        if day.isoweekday() not in engagement.location(place).working_days:
            wrong.off_days[("work-on-weekend", day, place)] += days
        elif timeline.holiday(day, place):
            wrong.off_days[("work-on-holiday", day, place)] += days
        if not first <= day <= last:
            wrong.outside[""][day] += days
        elif day not in windows[phase]:
            wrong.outside[phase][day] += days
    return wrong


def _unknown_phase_findings(
    ledger: Ledger, timeline: Timeline, unknown_phase: Iterable[tuple[str, dt.date]]
) -> Iterator[Finding]:
    """One finding per entry logged to a phase the schedule does not have."""
    phases = ", ".join(timeline.windows)
    for phase, day in unknown_phase:
        for entry in (e for e in ledger.entries(start=day, end=day) if e.phase == phase):
            yield Finding(
                "warning",
                "unknown-phase",
                f"{format_days(entry.days)} days on {day} logged to {phase!r}, which the schedule "
                f"does not have (entry {entry.id}); void it and log it to one of: {phases}",
                phase=phase,
                date=day,
            )


def _off_day_findings(
    engagement: Engagement, timeline: Timeline, off_days: dict[tuple[str, dt.date, str], Fraction]
) -> Iterator[Finding]:
    """One finding per weekend day or holiday worked, naming it and the place."""
    for (code, day, place), days in off_days.items():
        where = f" in {engagement.location(place).name}" if place else ""
        if code == "work-on-weekend":
            message = f"{format_days(days)} days logged on {day:%A} {day}, a weekend{where}"
        else:
            holiday = timeline.holiday(day, place)
            message = f"{format_days(days)} days logged on {day:%a} {day}, {holiday}{where}"
        yield Finding("warning", code, message, date=day)


def _outside_findings(
    engagement: Engagement, timeline: Timeline, outside: Mapping[str, Mapping[dt.date, Fraction]]
) -> Iterator[Finding]:
    """One finding for the work outside the engagement, one per phase for the work outside its window."""
    for phase, by_date in outside.items():
        total = format_days(sum(by_date.values(), start=Fraction(0)))
        dates = _listing(sorted(by_date))
        if not phase:
            span = "the contract period" if engagement.period else "the engagement"
            yield Finding(
                "warning",
                "work-outside-period" if engagement.period else "work-outside-engagement",
                f"{total} days logged outside {span} ({timeline.start} – {timeline.end}): {dates}",
                date=min(by_date),
            )
            continue
        window = timeline.windows[phase]
        yield Finding(
            "info",
            "work-outside-phase",
            f"{total} days of {engagement.phase(phase).name} logged outside its window "
            f"{window.start} – {window.end}: {dates}",
            phase=phase,
            date=min(by_date),
        )


def _listing(days: list[dt.date], most: int = 5) -> str:
    shown = ", ".join(str(day) for day in days[:most])
    rest = len(days) - most
    return shown + (f" and {rest} more day{'s' if rest != 1 else ''}" if rest > 0 else "")


@check
def burn_rate(engagement: Engagement, ledger: Ledger, today: dt.date, verdict: Verdict) -> Iterator[Finding]:
    """At the pace of the last two weeks, a phase that will run out of days before its window ends.

    The pace is the phase's own: days logged to it in the last two weeks over
    the working days of those two weeks that fall inside its window. Quiet once the
    engagement is closed: nothing runs out after the end.
    """
    if verdict.closing is not None:
        return
    timeline = verdict.timeline
    for usage in phase_usage(engagement, ledger, until=today):
        window = timeline.window(usage.phase.key)
        if not window.start <= today < window.end or usage.left <= 0:
            continue
        since = max(window.start, today - BURN_WINDOW + dt.timedelta(days=1))
        recent = ledger.days_used(phase=usage.phase.key, start=since, end=today)
        place = usage.phase.location or ""
        elapsed = len(timeline.working_days(since, today, place))
        if recent <= 0 or elapsed == 0:
            continue
        pace = recent / elapsed
        days_left = math.ceil(usage.left / pace)
        runs_out = timeline.add_working_days(today + dt.timedelta(days=1), days_left, place)
        if runs_out < window.end:
            yield Finding(
                "warning",
                "burn-rate",
                f"{usage.phase.name}: at the last two weeks' pace ({float(pace):.2f} days per working day) "
                f"its {format_days(usage.left)} days left run out on {runs_out}, "
                f"before the phase ends on {window.end}",
                phase=usage.phase.key,
                date=runs_out,
            )


@check
def forgotten_days(
    engagement: Engagement, ledger: Ledger, today: dt.date, verdict: Verdict
) -> Iterator[Finding]:
    """Working days in the elapsed part of the engagement with nothing logged, leaving out days on
    which every open deliverable was with the client (the consultant was waiting on comments).
    Quiet on an intermittent engagement: its days are spread, and gaps are the plan."""
    if engagement.intermittent:
        return
    timeline = verdict.timeline
    end = min(verdict.until - dt.timedelta(days=1), timeline.end)
    if end < timeline.start:
        return
    logged = {day for _, day in ledger.daily}
    empty = [
        day
        for day in timeline.working_days(timeline.start, end)
        if day not in logged and not verdict.waiting_on_client(day)
    ]
    if empty:
        shown = _listing(empty)
        yield Finding(
            "info",
            "nothing-logged",
            f"{len(empty)} working day{'s' if len(empty) != 1 else ''} between {timeline.start} and {end} "
            f"with nothing logged: {shown}",
            date=empty[0],
        )


@check
def meetings_in_their_phase(
    engagement: Engagement, ledger: Ledger, today: dt.date, verdict: Verdict
) -> Iterator[Finding]:
    """A meeting dated outside the phase it belongs to; a cancelled meeting that deliverables depend on."""
    for meeting in verdict.meetings:
        phase = engagement.meeting(meeting.key).phase
        span = meeting.span
        if meeting.state == "cancelled":
            for d in engagement.deliverables:
                if meeting.key in d.depends_on:
                    yield Finding(
                        "warning",
                        "meeting-cancelled",
                        f"{d.name} depends on {meeting.name}, which was cancelled on {meeting.outcome_date}",
                        phase=d.phase,
                        deliverable=d.key,
                        date=meeting.outcome_date,
                    )
            continue
        if span.start is None or span.end is None or phase is None:
            continue
        window = verdict.timeline.window(phase)
        start, end = day_of(span.start), day_of(span.end)
        if start not in window or end not in window:
            yield Finding(
                "warning",
                "meeting-outside-phase",
                f"{meeting.name} ({start} – {end}) falls outside "
                f"its phase's window {window.start} – {window.end}",
                phase=phase,
                date=start,
            )


def _days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)
