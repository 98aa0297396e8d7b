"""Budget and schedule checks: ``engage budget``, warnings after ``log``, findings in status reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import click
import pluggy

from engage import Engagement, Entry, Finding, Ledger, Section, Week, hookimpl
from engage.figures import usage_of
from engage.hooktypes import SEVERITY_ORDER
from engage.parsing import format_days
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
from engage_budget.settings import settings_of

__version__ = "0.1.0"
__all__ = [
    "burn_rate",
    "deliverables_on_time",
    "engagement_cap",
    "findings",
    "forgotten_days",
    "meetings_in_their_phase",
    "phase_budgets",
    "windows_hold_their_budgets",
    "work_on_the_right_days",
]


def findings(
    pm: pluggy.PluginManager, engagement: Engagement, ledger: Ledger, today: dt.date
) -> list[Finding]:
    """Every plugin's findings, worst first, then by date and phase order."""
    order = {phase.key: i for i, phase in enumerate(engagement.phases)}
    results = pm.hook.engage_budget_checks(engagement=engagement, ledger=ledger, today=today)
    found = [finding for result in results for finding in (result or ())]
    return sorted(
        found,
        key=lambda f: (
            SEVERITY_ORDER[f.severity],
            f.date or dt.date.max,
            order.get(f.phase or "", len(order)),
            f.code,
        ),
    )


@hookimpl
def engage_register_commands(cli: click.Group) -> None:
    from engage_budget.command import budget

    cli.add_command(budget)


@hookimpl
def engage_after_log(engagement: Engagement, entry: Entry, ledger: Ledger) -> Iterator[str]:
    """Warn the consultant at once: the phase past its threshold or over, a weekend or holiday."""
    if entry.phase not in {p.key for p in engagement.phases}:
        yield f"warning: {entry.phase!r} is not a phase of this engagement"
        return
    usage = usage_of(engagement, ledger, entry.phase)
    settings = settings_of(engagement)
    if usage.used > usage.phase.days:
        yield f"warning: {usage.phase.name} is over budget by {format_days(-usage.left)} days"
    elif usage.used >= settings.threshold(usage.phase.days) > usage.used - entry.days:  # just crossed
        yield (
            f"warning: {usage.phase.name} has passed {settings.warn_at:.0%} of its budget "
            f"({float(usage.percent):.0f}% used)"
        )
    if entry.date.isoweekday() not in engagement.working_days:
        yield f"warning: {entry.date} is a {entry.date:%A}, not a working day"
    else:
        holiday = engagement.timeline.holiday(entry.date)
        if holiday:
            yield f"warning: {entry.date} is a public holiday ({holiday})"


@hookimpl
def engage_status_sections(
    engagement: Engagement, ledger: Ledger, week: Week, today: dt.date
) -> list[Section]:
    """The budget findings as of the report's date, as a section of the status report."""
    from engage.plugins import get_plugin_manager

    found = findings(get_plugin_manager(), engagement, ledger, today)
    return [
        Section(
            title="Findings",
            headers=("severity", "code", "message"),
            rows=tuple((f.severity, f.code, f.message) for f in found),
            note="" if found else "No findings: budget and schedule are in order.",
        )
    ]
