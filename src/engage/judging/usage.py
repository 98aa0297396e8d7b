"""Figures derived from the ledger each time they are needed: days used, left, percent burned."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from engage.language import _
from engage.ledger.ledger import Ledger
from engage.parsing import format_budget, format_days
from engage.schedule.model import Engagement, Phase
from engage.values import frozen


@frozen
class PhaseUsage:
    """How much of a phase's day budget is used."""

    phase: Phase
    used: Fraction

    @property
    def left(self) -> Fraction:
        """Days left in the budget; negative once the phase overruns."""
        return self.phase.days - self.used

    @property
    def percent(self) -> float:
        """Percent of the budget used."""
        return float(self.used / self.phase.days * 100)

    def summary(self) -> str:
        """'Preparation: 2.0 of 7 days used, 5.0 left' (or 'over by')."""
        figures = {
            "phase": self.phase.name,
            "used": format_days(self.used),
            "budget": format_budget(self.phase.days),
        }
        if self.left < 0:
            return _("{phase}: {used} of {budget} days used, {over} over budget").format(
                **figures, over=format_days(-self.left)
            )
        return _("{phase}: {used} of {budget} days used, {left} left").format(
            **figures, left=format_days(self.left)
        )


def phase_usage(engagement: Engagement, ledger: Ledger, until: dt.date | None = None) -> list[PhaseUsage]:
    """Each phase's usage, in schedule order, counting entries up to ``until`` if given."""
    used = ledger.used_by_phase(until)
    return [PhaseUsage(phase, used.get(phase.key, Fraction(0))) for phase in engagement.phases]


def usage_of(engagement: Engagement, ledger: Ledger, phase_key: str) -> PhaseUsage:
    """One phase's usage."""
    return PhaseUsage(engagement.phase(phase_key), ledger.used_by_phase().get(phase_key, Fraction(0)))


def cap_line(engagement: Engagement, used: Fraction) -> str:
    """'Engagement: 9.0 of 20 days used, 11.0 left', for ``used`` days."""
    left = engagement.max_days - used
    figures = {"used": format_days(used), "cap": format_budget(engagement.max_days)}
    if left < 0:
        return _("Engagement: {used} of {cap} days used, {over} over the cap").format(
            **figures, over=format_days(-left)
        )
    return _("Engagement: {used} of {cap} days used, {left} left").format(**figures, left=format_days(left))
