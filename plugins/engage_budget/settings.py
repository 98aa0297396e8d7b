"""The schedule's ``[budget]`` table, validated: warning thresholds."""

from __future__ import annotations

from fractions import Fraction

from engage import EngageError, Engagement, frozen
from engage_budget.catalogue import _

DEFAULT_WARN_AT = 0.8


@frozen
class BudgetSettings:
    """How early to warn: the share of a budget (and of the cap) that raises a warning."""

    warn_at: float = DEFAULT_WARN_AT

    def threshold(self, budget: Fraction) -> Fraction:
        """The days of a budget past which a warning is due (exact: 0.8 of 7 is 28/5)."""
        return budget * Fraction(str(self.warn_at))


def settings_of(engagement: Engagement) -> BudgetSettings:
    """Read ``[budget]``; an unknown key or a bad value is an error naming the file and key."""
    table = engagement.plugin_settings("budget")
    for key in table:
        if key != "warn_at":
            raise EngageError(
                _("{source}: budget.{key}: unknown key; the [budget] table takes warn_at").format(
                    source=engagement.source, key=key
                )
            )
    value = table.get("warn_at", DEFAULT_WARN_AT)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise EngageError(
            _("{source}: budget.warn_at: must be a share between 0 and 1 such as 0.8, got {value}").format(
                source=engagement.source, value=repr(value)
            )
        )
    return BudgetSettings(warn_at=float(value))
