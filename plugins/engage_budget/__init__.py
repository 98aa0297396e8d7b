"""Budget and schedule checks: ``engage budget``, warnings after ``log``, findings in status reports."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import TYPE_CHECKING

from engage import (
    Engagement,
    Entry,
    Ledger,
    Section,
    Timeline,
    format_budget,
    format_days,
    hookimpl,
    plural_count,
    severity_text,
    usage_of,
    weekday_text,
)
from engage_budget.catalogue import _, ngettext
from engage_budget.checks import (
    burn_rate,
    deliverables_on_time,
    engagement_cap,
    forgotten_days,
    meetings_in_their_phase,
    phase_budgets,
    windows_hold_their_budgets,
    work_on_the_right_days,
)
from engage_budget.crosschecks import (
    dates_agree,
    days_that_count,
    left_open,
    overbooked,
    places_known,
    windows_apart,
)
from engage_budget.settings import settings_of
from engage_budget.team import consultant_shares, period_holds_the_days

if TYPE_CHECKING:
    import click  # only for the annotation: commands import it when they are added

    from engage import Verdict

__version__ = "0.1.0"
__all__ = [
    "burn_rate",
    "consultant_shares",
    "dates_agree",
    "days_that_count",
    "deliverables_on_time",
    "engagement_cap",
    "forgotten_days",
    "left_open",
    "meetings_in_their_phase",
    "period_holds_the_days",
    "phase_budgets",
    "places_known",
    "windows_apart",
    "windows_hold_their_budgets",
    "work_on_the_right_days",
]


@hookimpl
def engage_register_commands(cli: click.Group) -> None:
    from engage_budget.command import budget

    cli.add_command(budget)


# engage prints each line that starts so as a warning: the prefix stays English, the words follow. Their
# dates stay ISO, as the user typed them and as log's own line says them (and log loads no locale data).
WARNING = "warning: "


@hookimpl
def engage_after_log(
    engagement: Engagement, entry: Entry, ledger: Ledger, timeline: Timeline
) -> Iterator[str]:
    """Warn the consultant at once: the phase past its threshold or over, a weekend or holiday."""
    if entry.phase not in {p.key for p in engagement.phases}:
        yield WARNING + _("{phase} is not a phase of this engagement").format(phase=repr(entry.phase))
        return
    usage = usage_of(engagement, ledger, entry.phase)
    settings = settings_of(engagement)
    if usage.used > usage.phase.days:
        yield WARNING + _("{phase} is over budget by {days} days").format(
            phase=usage.phase.name, days=format_days(-usage.left)
        )
    elif usage.used >= settings.threshold(usage.phase.days) > usage.used - entry.days:  # just crossed
        yield WARNING + _("{phase} has passed {share}% of its budget ({percent}% used)").format(
            phase=usage.phase.name,
            share=f"{settings.warn_at * 100:.0f}",
            percent=f"{float(usage.percent):.0f}",
        )
    place = engagement.place_of(entry.phase, entry.consultant, entry.at)
    where = engagement.location(place).name if place else ""
    if entry.date.isoweekday() not in engagement.location(place).working_days:
        weekday = weekday_text(entry.date)
        yield WARNING + (
            _("{date} is a {weekday}, not a working day in {place}").format(
                date=entry.date, weekday=weekday, place=where
            )
            if where
            else _("{date} is a {weekday}, not a working day").format(date=entry.date, weekday=weekday)
        )
    else:
        holiday = timeline.holiday(entry.date, place)
        if holiday:
            yield WARNING + (
                _("{date} is a public holiday in {place} ({holiday})").format(
                    date=entry.date, place=where, holiday=holiday
                )
                if where
                else _("{date} is a public holiday ({holiday})").format(date=entry.date, holiday=holiday)
            )
    yield from _dates_of(timeline, entry, ledger)
    yield from _share_of(engagement, entry, ledger)


def _share_of(engagement: Engagement, entry: Entry, ledger: Ledger) -> Iterator[str]:
    """The consultant past their share of the phase or their own cap, as the entry makes them."""
    person = engagement.consultant_of(entry.consultant) if engagement.team else None
    if person is None:
        return
    used = ledger.used_by_consultant()
    mine = [(phase, days) for (who, phase), days in used.items() if engagement.consultant_of(who) == person]
    share = engagement.phase(entry.phase).shares.get(person.key)
    in_phase = sum((days for phase, days in mine if phase == entry.phase), start=Fraction(0))
    if share is not None and in_phase > share:
        yield WARNING + _("{who} has used {used} of their {share} person-days on {phase}").format(
            who=person.key,
            used=format_days(in_phase),
            share=format_budget(share),
            phase=engagement.phase(entry.phase).name,
        )
    total = sum((days for _phase, days in mine), start=Fraction(0))
    if person.days is not None and total > person.days:
        yield WARNING + _("{who} has used {used} of their {cap} days").format(
            who=person.key, used=format_days(total), cap=format_budget(person.days)
        )


def _dates_of(timeline: Timeline, entry: Entry, ledger: Ledger) -> Iterator[str]:
    """The entry's date outside the engagement or its phase's window, in the future, or a full day."""
    from engage import today_in

    engagement = timeline.engagement
    closing = ledger.closing()
    if entry.date > today_in(engagement.timezone):
        yield WARNING + _("{date} is in the future; it counts from that date").format(date=entry.date)
    if entry.date < timeline.start or entry.date > timeline.end:
        yield WARNING + _("{date} is outside the engagement ({start} – {end})").format(
            date=entry.date, start=timeline.start, end=timeline.end
        )
    elif closing is None and entry.date not in timeline.window(entry.phase):
        window = timeline.window(entry.phase)
        yield WARNING + _("{date} is outside {phase}'s window ({start} – {end})").format(
            date=entry.date,
            phase=engagement.phase(entry.phase).name,
            start=window.start,
            end=window.end,
        )
    same_day = [t for t in ledger.day_totals() if t.date == entry.date and t.consultant == entry.consultant]
    total = overbooked(same_day).get((entry.consultant, entry.date))
    if total is not None:
        who = entry.consultant or _("the consultant")
        said = ngettext(
            "{days} day logged on {date} by {who}, more than one day",
            "{days} days logged on {date} by {who}, more than one day",
            plural_count(total),
        )
        yield WARNING + said.format(days=format_days(total), date=entry.date, who=who)


@hookimpl
def engage_status_sections(verdict: Verdict) -> list[Section]:
    """The budget findings as of the report's date, as a section of the status report."""
    found = verdict.findings
    return [
        Section(
            title=_("Findings"),
            headers=(_("severity"), _("code"), _("message")),
            rows=tuple((severity_text(f.severity), f.code, f.message) for f in found),
            note="" if found else _("No findings: budget and schedule are in order."),
        )
    ]
