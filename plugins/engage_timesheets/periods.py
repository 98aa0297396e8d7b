"""The period a timesheet covers, as typed: ``--month``, ``--week``, ``--from``/``--to``, else last month."""

from __future__ import annotations

import datetime as dt

from engage import EngageError, parse_date, parse_month, parse_week
from engage_timesheets.catalogue import _

MOST_DAYS = 366  # one sheet covers at most a year


def chosen_period(
    month: str | None, week: str | None, since: str | None, until: str | None, today: dt.date
) -> tuple[dt.date, dt.date]:
    """The first and last days of the sheet: one of --month, --week or --from/--to; else the last full
    month before ``today``."""
    given = [name for name, value in (("--month", month), ("--week", week)) if value]
    if since or until:
        given.append("--from/--to")
    if len(given) > 1:
        raise EngageError(_("give one period, not {periods}").format(periods=_(" and ").join(given)))
    if month:
        return parse_month(month)
    if week:
        return parse_week(week)
    if since or until:
        if not (since and until):
            raise EngageError(_("give both --from and --to (or --month M, or --week W)"))
        first, last = parse_date(since, today), parse_date(until, today)
        if last < first:
            raise EngageError(
                _("--to {last} comes before --from {first}; give --from first").format(last=last, first=first)
            )
        if (last - first).days >= MOST_DAYS:
            raise EngageError(
                _("{first} to {last} is over a year; give a month, a week or a shorter span").format(
                    first=first, last=last
                )
            )
        return first, last
    this_month = today.replace(day=1)
    return parse_month(f"{(this_month - dt.timedelta(days=1)):%Y-%m}")
