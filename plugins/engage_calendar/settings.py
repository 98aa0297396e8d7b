"""The schedule's ``[calendar]`` table, validated: reminder lead times."""

from __future__ import annotations

from engage import EngageError, Engagement

DEFAULT_REMINDER_DAYS = (2,)


def reminder_days(engagement: Engagement) -> tuple[int, ...]:
    """Days before each due date and deadline that a reminder fires (``reminder_days = [7, 2]``)."""
    table = engagement.plugin_settings("calendar")
    for key in table:
        if key != "reminder_days":
            raise EngageError(
                f"{engagement.source}: calendar.{key}: unknown key; the [calendar] table takes reminder_days"
            )
    value = table.get("reminder_days", list(DEFAULT_REMINDER_DAYS))
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 90 for v in value
    ):
        raise EngageError(
            f"{engagement.source}: calendar.reminder_days: must be a list of whole days from 0 to 90 "
            f"such as [7, 2], got {value!r}"
        )
    return tuple(sorted(set(value), reverse=True))
