"""Who worked and where: the consultant an entry is logged by, and the place it was worked."""

from __future__ import annotations

import os
from collections.abc import Callable

from engage.errors import EngageError
from engage.schedule.model import UNNAMED_KEY, Engagement

CONSULTANT_VAR = "ENGAGE_CONSULTANT"


def resolve_consultant(engagement: Engagement, given: str | None) -> str:
    """Who worked, as the ledger stores it: ``--consultant``, else $ENGAGE_CONSULTANT, else the
    schedule's only consultant.

    On a schedule that names consultants, the answer is one of their keys, and
    anyone else is refused, naming who it does name; with several and none
    given, the choices are named. On a schedule that names nobody, the ToR's
    single consultant is whoever logs: the name given (so one person's entries
    can be followed across engagements), else ``consultant``; never the
    machine's login name.
    """
    name = " ".join((given or os.environ.get(CONSULTANT_VAR) or "").split())
    team = engagement.team
    if not team:
        return name or UNNAMED_KEY
    choices = ", ".join(c.key for c in team)
    if name:
        person = engagement.consultant_of(name)
        if person is None:
            source = "" if given else f" (from ${CONSULTANT_VAR})"
            raise EngageError(
                f"{name!r}{source} is not a consultant on {engagement.id}; give --consultant with one of: "
                f"{choices}"
            )
        return person.key
    if len(team) == 1:
        return team[0].key
    raise EngageError(
        f"{engagement.id} has several consultants; pass --consultant (or set ${CONSULTANT_VAR}) "
        f"with one of: {choices}"
    )


def check_place(engagement: Engagement, key: str | None) -> str:
    """The location key given to ``--at``, or an error listing the locations there are."""
    key = (key or "").strip().lower()
    if not key:
        return ""
    if key not in engagement.locations:
        known = ", ".join(engagement.locations) or "none (the schedule has no [locations] tables)"
        raise EngageError(f"unknown location {key!r}; locations of {engagement.id}: {known}")
    return key


def consultant_filter(engagement: Engagement, given: str | None) -> Callable[[str], bool] | None:
    """A test for an entry's consultant field, or None for everyone; an unknown consultant is refused."""
    if given is None:
        return None
    if not engagement.team:  # the single unnamed consultant: entries carry whatever name was logged
        wanted = " ".join(given.split()).casefold()
        return lambda logged: " ".join(logged.split()).casefold() == wanted
    person = engagement.consultant_of(given)
    if person is None:
        keys = ", ".join(c.key for c in engagement.team)
        raise EngageError(f"{given!r} is not a consultant on {engagement.id}; give one of: {keys}")
    return lambda logged: engagement.consultant_of(logged) == person
