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
    current_language,
    date_text,
    day_of,
    decimal_text,
    format_budget,
    format_days,
    hookimpl,
    phase_usage,
    plural_count,
    state_text,
    weekday_text,
)
from engage_budget.catalogue import _, ngettext
from engage_budget.settings import settings_of
from engage_budget.team import Shortfall, shortfalls

if TYPE_CHECKING:
    from engage import DeliverableVerdict, Verdict

check = hookimpl(specname="engage_budget_checks")
BURN_WINDOW = dt.timedelta(days=14)


def _percent(used: Fraction, budget: Fraction) -> str:
    return f"{float(used / budget * 100):.0f}"


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
                _("{phase}: {used} of {budget} days used — {over} over budget").format(
                    phase=phase.name,
                    used=format_days(usage.used),
                    budget=format_budget(phase.days),
                    over=format_days(-usage.left),
                ),
                phase=phase.key,
            )
        elif usage.used >= settings.threshold(phase.days) and not done:
            yield Finding(
                "warning",
                "phase-near-budget",
                _("{phase}: {used} of {budget} days used ({percent}%), {left} left").format(
                    phase=phase.name,
                    used=format_days(usage.used),
                    budget=format_budget(phase.days),
                    percent=_percent(usage.used, phase.days),
                    left=format_days(usage.left),
                ),
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
            _("Engagement: {used} of {cap} days used — {over} over the cap").format(
                used=format_days(used), cap=format_budget(cap), over=format_days(used - cap)
            ),
        )
    elif used >= settings_of(engagement).threshold(cap):
        yield Finding(
            "warning",
            "near-cap",
            _("Engagement: {used} of {cap} days used ({percent}%)").format(
                used=format_days(used), cap=format_budget(cap), percent=_percent(used, cap)
            ),
        )
    budgets = sum((p.days for p in engagement.phases), start=Fraction(0))
    if budgets != cap:
        yield Finding(
            "warning",
            "budgets-differ-from-cap",
            _("Phase budgets add up to {budgets} days but the cap is {cap}").format(
                budgets=format_budget(budgets), cap=format_budget(cap)
            ),
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
            _("{day} ({holiday})").format(day=_short_day(day), holiday=timeline.holiday(day, place))
            for day in _days(window.start, window.end)
            if timeline.holiday(day, place) and day.isoweekday() in week
        ]
        holidays = _("; holidays: {days}").format(days=", ".join(off)) if off else ""
        squeezed = [
            d.name for d in verdict.deliverables if d.deliverable.phase == key and d.holder == "consultant"
        ]
        names = (
            ngettext(
                "; it squeezes {count} deliverable: {names}",
                "; it squeezes {count} deliverables: {names}",
                len(squeezed),
            ).format(count=len(squeezed), names="; ".join(squeezed))
            if squeezed
            else ""
        )
        start, end = date_text(window.start), date_text(window.end)
        if short[0].who:
            head = _("{phase}: its window {start} – {end} is too short: {shortfalls}").format(
                phase=phase.name, start=start, end=end, shortfalls="; ".join(s.text() for s in short)
            )
        else:
            head = ngettext(
                # Translators: English says "working days" whatever the count; say it as your language does.
                "{phase}: {days} days budgeted but its window {start} – {end} has only {count} working days",
                "{phase}: {days} days budgeted but its window {start} – {end} has only {count} working days",
                short[0].working,
            ).format(
                phase=phase.name, days=format_budget(phase.days), start=start, end=end, count=short[0].working
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
                _("returned on {date}, resubmission due {due}").format(
                    date=_date(d.since), due=_date(d.deadline)
                )
                if d.status == "returned"
                else _("due {due}, {status}").format(due=_date(d.deadline), status=state_text(d.status))
            )
            yield Finding(
                "error",
                "deliverable-late",
                _("{name}: {reason} ({what})").format(name=d.name, reason=d.reason, what=what),
                date=d.deadline,
                **where,
            )
        elif d.state == "review overdue":
            yield Finding(
                "warning",
                "review-overdue",
                _("{name}: {reason} (submitted {date}); the client holds it").format(
                    name=d.name, reason=d.reason, date=_date(d.since)
                ),
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
                left = max(Fraction(0), left - _days_after(verdict, d, place))
                if left > available:
                    figures = {
                        "name": d.name,
                        "days": format_days(left),
                        "phase": deliverable.phase,
                        "who": who,
                        "count": available,
                        "due": date_text(d.due.day),
                    }
                    message = (
                        ngettext(
                            "{name}: {days} days of {phase} work left by {who} but only {count} working day "
                            "until it is due on {due}",
                            "{name}: {days} days of {phase} work left by {who} but only {count} working days "
                            "until it is due on {due}",
                            available,
                        )
                        if who
                        else ngettext(
                            "{name}: {days} days of {phase} work left but only {count} working day "
                            "until it is due on {due}",
                            "{name}: {days} days of {phase} work left but only {count} working days "
                            "until it is due on {due}",
                            available,
                        )
                    )
                    yield Finding(
                        "warning",
                        "deliverable-cannot-fit",
                        message.format(**figures),
                        date=d.due.day,
                        **where,
                    )


def _days_after(verdict: Verdict, before: DeliverableVerdict, place: str) -> int:
    """The working days at ``place`` that the phase of ``before`` still has after it is due, for the
    phase's later deliverables (a final in the draft's phase): until the phase's window ends or the
    latest of their known due dates. 0 when no deliverable of the phase is still to do after
    it: the phase's work left is then all before it."""
    due = before.due.day
    assert due is not None
    later = [
        d
        for d in verdict.deliverables
        if d.deliverable.phase == before.deliverable.phase
        and d.key != before.key
        and d.state not in ("accepted", "replaced")
        and (d.due.day is None or d.due.day > due)  # unknown: it waits, as a final for the draft's return
    ]
    if not later:
        return 0
    window = verdict.timeline.window(before.deliverable.phase)
    until = max([window.end, *(d.due.day for d in later if d.due.day is not None)])
    return len(verdict.timeline.working_days(due + dt.timedelta(days=1), until, place))


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
                _(
                    "{days} days on {date} logged to {phase}, which the schedule does not have "
                    "(entry {id}); void it and log it to one of: {phases}"
                ).format(
                    days=format_days(entry.days),
                    date=date_text(day),
                    phase=repr(phase),
                    id=entry.id,
                    phases=phases,
                ),
                phase=phase,
                date=day,
            )


def _off_day_findings(
    engagement: Engagement, timeline: Timeline, off_days: dict[tuple[str, dt.date, str], Fraction]
) -> Iterator[Finding]:
    """One finding per weekend day or holiday worked, naming it and the place."""
    for (code, day, place), days in off_days.items():
        figures = {"days": format_days(days), "place": engagement.location(place).name if place else ""}
        if code == "work-on-weekend":
            figures["day"] = f"{weekday_text(day)} {date_text(day)}"
            message = (
                ngettext(
                    "{days} day logged on {day}, a weekend in {place}",
                    "{days} days logged on {day}, a weekend in {place}",
                    plural_count(days),
                )
                if place
                else ngettext(
                    "{days} day logged on {day}, a weekend",
                    "{days} days logged on {day}, a weekend",
                    plural_count(days),
                )
            )
        else:
            figures["day"] = f"{weekday_text(day, 'EEE')} {date_text(day)}"
            figures["holiday"] = timeline.holiday(day, place) or ""
            message = (
                ngettext(
                    "{days} day logged on {day}, {holiday} in {place}",
                    "{days} days logged on {day}, {holiday} in {place}",
                    plural_count(days),
                )
                if place
                else ngettext(
                    "{days} day logged on {day}, {holiday}",
                    "{days} days logged on {day}, {holiday}",
                    plural_count(days),
                )
            )
        yield Finding("warning", code, message.format(**figures), date=day)


def _outside_findings(
    engagement: Engagement, timeline: Timeline, outside: Mapping[str, Mapping[dt.date, Fraction]]
) -> Iterator[Finding]:
    """One finding for the work outside the engagement, one per phase for the work outside its window."""
    for phase, by_date in outside.items():
        total = format_days(sum(by_date.values(), start=Fraction(0)))
        dates = _listing(sorted(by_date))
        if not phase:
            message = (
                _("{days} days logged outside the contract period ({start} – {end}): {dates}")
                if engagement.period
                else _("{days} days logged outside the engagement ({start} – {end}): {dates}")
            )
            yield Finding(
                "warning",
                "work-outside-period" if engagement.period else "work-outside-engagement",
                message.format(
                    days=total, start=date_text(timeline.start), end=date_text(timeline.end), dates=dates
                ),
                date=min(by_date),
            )
            continue
        window = timeline.windows[phase]
        yield Finding(
            "info",
            "work-outside-phase",
            _("{days} days of {phase} logged outside its window {start} – {end}: {dates}").format(
                days=total,
                phase=engagement.phase(phase).name,
                start=date_text(window.start),
                end=date_text(window.end),
                dates=dates,
            ),
            phase=phase,
            date=min(by_date),
        )


def _listing(days: list[dt.date], most: int = 5) -> str:
    shown = ", ".join(date_text(day) for day in days[:most])
    rest = len(days) - most
    more = ngettext(" and {count} more day", " and {count} more days", rest).format(count=rest)
    return shown + (more if rest > 0 else "")


def _date(day: dt.date | None) -> str:
    """A date for people, or "None" where there is none (as the English always said)."""
    return date_text(day) if day is not None else str(day)


def _short_day(day: dt.date) -> str:
    """A day in a list of holidays: 'Mon 01 Nov' in English, 'lun. 1 nov.' in French."""
    if current_language().partition("_")[0] == "en":
        return f"{day:%a %d %b}"
    return f"{weekday_text(day, 'EEE')} {date_text(day, 'd MMM')}"


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
                _(
                    "{phase}: at the last two weeks' pace ({pace} days per working day) its {left} days left "
                    "run out on {date}, before the phase ends on {end}"
                ).format(
                    phase=usage.phase.name,
                    pace=decimal_text(f"{float(pace):.2f}"),
                    left=format_days(usage.left),
                    date=date_text(runs_out),
                    end=date_text(window.end),
                ),
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
            ngettext(
                "{count} working day between {start} and {end} with nothing logged: {days}",
                "{count} working days between {start} and {end} with nothing logged: {days}",
                len(empty),
            ).format(count=len(empty), start=date_text(timeline.start), end=date_text(end), days=shown),
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
                        _("{name} depends on {meeting}, which was cancelled on {date}").format(
                            name=d.name, meeting=meeting.name, date=_date(meeting.outcome_date)
                        ),
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
                _("{meeting} ({start} – {end}) falls outside its phase's window {first} – {last}").format(
                    meeting=meeting.name,
                    start=date_text(start),
                    end=date_text(end),
                    first=date_text(window.start),
                    last=date_text(window.end),
                ),
                phase=phase,
                date=start,
            )


def _days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)
