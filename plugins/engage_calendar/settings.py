"""The schedule's ``[calendar]`` table, validated: reminders, default duration, organizer."""

from __future__ import annotations

import datetime as dt
import re

from engage import EngageError, Engagement, find_setting, frozen
from engage_calendar.catalogue import _

DEFAULT_REMINDER_DAYS = (2,)
KEYS = ("reminder_days", "reminder_time", "default_duration", "organizer")
EMAIL = re.compile(r"[^@\s,<>]+@[^@\s,<>]+\.[^@\s,<>]+")


@frozen
class Settings:
    """How events are rendered: reminders, the length of timed events without an end, the organizer."""

    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS
    reminder_time: dt.time = dt.time(9, 0)
    default_duration: dt.timedelta = dt.timedelta(minutes=30)
    organizer: str = ""

    @property
    def context(self) -> str:
        """Everything here that changes how an event looks, for the revision fingerprint."""
        return f"{self.reminder_days}|{self.reminder_time}|{self.default_duration}|{self.organizer}"


def settings(engagement: Engagement) -> Settings:
    """The ``[calendar]`` table as Settings; the organizer is ENGAGE_MAIL_FROM, else ``organizer``."""
    table = engagement.plugin_settings("calendar")
    where = f"{engagement.source}: calendar"
    for key in table:
        if key not in KEYS:
            raise EngageError(
                _("{where}.{key}: unknown key; the [calendar] table takes {keys}").format(
                    where=where, key=key, keys=", ".join(KEYS)
                )
            )
    return Settings(
        reminder_days=reminder_days(engagement),
        reminder_time=_time(table.get("reminder_time", "09:00"), where),
        default_duration=_duration(table.get("default_duration", 30), where),
        organizer=organizer(engagement),
    )


def reminder_days(engagement: Engagement) -> tuple[int, ...]:
    """Days before each due date and deadline that a reminder fires (``reminder_days = [7, 2]``)."""
    value = engagement.plugin_settings("calendar").get("reminder_days", list(DEFAULT_REMINDER_DAYS))
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 90 for v in value
    ):
        raise EngageError(
            _(
                "{source}: calendar.reminder_days: must be a list of whole days from 0 to 90 such as "
                "[7, 2], got {value}"
            ).format(source=engagement.source, value=repr(value))
        )
    return tuple(sorted(set(value), reverse=True))


def organizer(engagement: Engagement) -> str:
    """The address invitations come from: the ``mail.from`` setting (ENGAGE_MAIL_FROM, else the local
    or the user's config file), else the schedule's ``[calendar] organizer``; may be ''."""
    found = find_setting("mail.from")
    value = found.value.strip() if found else ""
    source = "ENGAGE_MAIL_FROM"
    if found and not found.source.startswith("env"):
        source = f"mail.from ({found.source})"
    if not value:
        value = engagement.plugin_settings("calendar").get("organizer", "")  # type: ignore[assignment]
        source = f"{engagement.source}: calendar.organizer"
    if not isinstance(value, str) or (value and not EMAIL.fullmatch(value.strip())):
        raise EngageError(
            _("{source}: must be an email address such as you@example.org, got {value}").format(
                source=source, value=repr(value)
            )
        )
    return value.strip()


def _time(value: object, where: str) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(tzinfo=None)
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d\d", value.strip()):
        hours, minutes = map(int, value.strip().split(":"))
        if hours < 24 and minutes < 60:
            return dt.time(hours, minutes)
    raise EngageError(
        _('{where}.reminder_time: must be a time of day such as "09:00", got {value}').format(
            where=where, value=repr(value)
        )
    )


def _duration(value: object, where: str) -> dt.timedelta:
    """Minutes as a number (30), or a text such as "45m", "1h", "1h30m"."""
    minutes: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        minutes = value
    elif isinstance(value, str):
        match = re.fullmatch(r"\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*", value.lower())
        if match and any(match.groups()):
            minutes = int(match[1] or 0) * 60 + int(match[2] or 0)
    if minutes is None or not 1 <= minutes <= 24 * 60:
        raise EngageError(
            _(
                '{where}.default_duration: must be minutes from 1 to 1440 such as 30 or "1h30m", got {value}'
            ).format(where=where, value=repr(value))
        )
    return dt.timedelta(minutes=minutes)
