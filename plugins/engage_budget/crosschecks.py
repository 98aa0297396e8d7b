"""Cross-checks between the schedule and the ledger: dates that contradict what they depend on,
overlapping windows, overbooked days and work dated where it cannot count."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from engage import (
    DayTotal,
    Engagement,
    Finding,
    Ledger,
    date_text,
    day_of,
    format_days,
    hookimpl,
    outcome_text,
    plural_count,
)
from engage_budget.catalogue import _, ngettext

if TYPE_CHECKING:
    from engage import Verdict

check = hookimpl(specname="engage_budget_checks")


def _happened(verdict: Verdict, key: str) -> tuple[str, dt.date | None]:
    """The name of a deliverable or meeting and the day it happened: submitted; or held as recorded,
    else as planned (a meeting nobody recorded is taken to have been held on its date)."""
    engagement = verdict.engagement
    if key in {m.key for m in engagement.meetings}:
        meeting = verdict.meeting(key)
        if meeting.state in ("held", "validated", "changes requested"):
            return meeting.name, meeting.outcome_date
        planned = meeting.span.start if meeting.state == "planned" else None
        return meeting.name, day_of(planned) if planned is not None else None
    return engagement.deliverable(key).name, verdict.progress.event(key, "submitted")


def _planned(verdict: Verdict, key: str) -> tuple[str, dt.date | None]:
    """The name of a deliverable or meeting and the day it is planned for (due, or its last day)."""
    engagement = verdict.engagement
    if key in {m.key for m in engagement.meetings}:
        meeting = verdict.meeting(key)
        return meeting.name, day_of(meeting.span.end) if meeting.span.end is not None else None
    found = verdict.deliverable(key)
    return found.name, found.due.day


@check
def dates_agree(
    engagement: Engagement, ledger: Ledger, today: dt.date, verdict: Verdict
) -> Iterator[Finding]:
    """A deliverable due before what it depends on, or after the engagement's last day; a status
    recorded before what it depends on happened."""
    last_day = verdict.timeline.last_phase_end
    for d in verdict.deliverables:
        where: dict[str, Any] = {"phase": d.deliverable.phase, "deliverable": d.key}  # Finding keywords
        due = d.due.day
        if due is not None and due > last_day:
            yield Finding(
                "warning",
                "due-after-end",
                _("{name}: due {due}, after the engagement's last day {last}").format(
                    name=d.name, due=date_text(due), last=date_text(last_day)
                ),
                date=due,
                **where,
            )
        submitted = verdict.progress.event(d.key, "submitted")
        for dep in d.deliverable.depends_on:
            name, planned = _planned(verdict, dep)
            if due is not None and planned is not None and due < planned:
                yield Finding(
                    "warning",
                    "due-before-dependency",
                    _("{name}: due {due}, before {other} ({planned}), which it depends on").format(
                        name=d.name, due=date_text(due), other=name, planned=date_text(planned)
                    ),
                    date=due,
                    **where,
                )
            name, happened = _happened(verdict, dep)
            if submitted is not None and (happened is None or submitted < happened):
                message = (
                    _(
                        "{name}: submitted {submitted}, but {other}, which it depends on, "
                        "happened on {happened}"
                    )
                    if happened
                    else _(
                        "{name}: submitted {submitted}, but {other}, which it depends on, "
                        "has not happened yet"
                    )
                )
                yield Finding(
                    "warning",
                    "status-before-dependency",
                    message.format(
                        name=d.name,
                        submitted=date_text(submitted),
                        other=name,
                        happened=date_text(happened) if happened else "",
                    ),
                    date=submitted,
                    **where,
                )


@check
def windows_apart(engagement: Engagement, verdict: Verdict) -> Iterator[Finding]:
    """Phase windows fixed by the schedule (not planned by engage) that overlap."""
    timeline = verdict.timeline
    fixed = [(p, timeline.window(p.key)) for p in engagement.phases if not timeline.window(p.key).planned]
    for i, (first, a) in enumerate(fixed):
        for second, b in fixed[i + 1 :]:
            if a.start <= b.end and b.start <= a.end:
                yield Finding(
                    "warning",
                    "windows-overlap",
                    _(
                        "{first} ({first_start} – {first_end}) and {second} "
                        "({second_start} – {second_end}) overlap"
                    ).format(
                        first=first.name,
                        first_start=date_text(a.start),
                        first_end=date_text(a.end),
                        second=second.name,
                        second_start=date_text(b.start),
                        second_end=date_text(b.end),
                    ),
                    phase=second.key,
                    date=max(a.start, b.start),
                )


def overbooked(totals: Sequence[DayTotal]) -> dict[tuple[str, dt.date], Fraction]:
    """Days per (consultant, date) past one day, by date: the one rule ``log`` and ``budget`` apply."""
    days: dict[tuple[str, dt.date], Fraction] = defaultdict(Fraction)
    for total in totals:
        days[(total.consultant, total.date)] += total.days
    return {key: value for key, value in sorted(days.items(), key=lambda item: item[0][1]) if value > 1}


@check
def days_that_count(
    engagement: Engagement, ledger: Ledger, today: dt.date, verdict: Verdict
) -> Iterator[Finding]:
    """One consultant booking more than a day on one date; entries dated after today (not counted
    until their date) or after the engagement was closed."""
    for (consultant, day), days in overbooked(ledger.day_totals()).items():
        who = consultant or _("the consultant")
        yield Finding(
            "warning",
            "day-overbooked",
            ngettext(
                "{who} logged {days} day on {date}; one person works at most one day a day",
                "{who} logged {days} days on {date}; one person works at most one day a day",
                plural_count(days),
            ).format(who=who, days=format_days(days), date=date_text(day)),
            date=day,
        )
    beyond = ledger.beyond_totals()
    if beyond:
        total = sum((t.days for t in beyond), start=Fraction(0))
        dates = sorted({t.date for t in beyond})
        shown = ", ".join(date_text(day) for day in dates[:5]) + (" …" if len(dates) > 5 else "")
        entries = sum(t.entries for t in beyond)
        yield Finding(
            "warning",
            "work-in-future",
            ngettext(
                "{count} entry ({days} days) dated after {date}: {dates}; not counted until their date",
                "{count} entries ({days} days) dated after {date}: {dates}; not counted until their date",
                entries,
            ).format(count=entries, days=format_days(total), date=date_text(today), dates=shown),
            date=dates[0],
        )
    closing = verdict.closing
    if closing is not None:
        after = [t for t in ledger.day_totals() if t.date > closing.date]
        if after:
            total = sum((t.days for t in after), start=Fraction(0))
            yield Finding(
                "warning",
                "work-after-close",
                _("{days} days logged after the engagement was closed on {date}: {dates}").format(
                    days=format_days(total),
                    date=date_text(closing.date),
                    dates=", ".join(date_text(day) for day in sorted({t.date for t in after})[:5]),
                ),
                date=after[0].date,
            )


@check
def left_open(engagement: Engagement, ledger: Ledger, today: dt.date, verdict: Verdict) -> Iterator[Finding]:
    """A closed engagement: what it left open (deliverables not accepted, meetings not held)."""
    if verdict.closing is not None and verdict.open_items:
        yield Finding(
            "info",
            "closed-with-open-items",
            ngettext(
                "Closed on {date} ({outcome}) with {count} item open: {items}",
                "Closed on {date} ({outcome}) with {count} items open: {items}",
                len(verdict.open_items),
            ).format(
                date=date_text(verdict.closing.date),
                outcome=outcome_text(verdict.closing.outcome),
                count=len(verdict.open_items),
                items="; ".join(verdict.open_items),
            ),
            date=verdict.closing.date,
        )


@check
def places_known(engagement: Engagement, ledger: Ledger, verdict: Verdict) -> Iterator[Finding]:
    """Entries logged at a place the schedule no longer has (a location renamed or removed)."""
    lost: dict[str, list[dt.date]] = defaultdict(list)
    for total in ledger.day_totals():
        if total.at and total.at not in engagement.locations:
            lost[total.at].extend([total.date] * total.entries)
    for place, days in lost.items():
        known = ", ".join(sorted(engagement.locations)) or _("(none: the schedule has no [locations])")
        yield Finding(
            "warning",
            "unknown-place",
            ngettext(
                "{count} entry logged at {place}, which the schedule no longer has (locations: {known}); "
                "they are judged by their phase's or consultant's place",
                "{count} entries logged at {place}, which the schedule no longer has (locations: {known}); "
                "they are judged by their phase's or consultant's place",
                len(days),
            ).format(count=len(days), place=repr(place), known=known),
            date=min(days),
        )
