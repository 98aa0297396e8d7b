"""Each consultant's figures as of a date: budget, used, this week, remaining, and their share of
each phase. The verdict (``engage.judging.verdict``) computes them once; every output reads them there."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING

from engage.ledger.ledger import Ledger
from engage.schedule.model import UNNAMED_KEY, Consultant, Engagement
from engage.values import frozen

if TYPE_CHECKING:
    pass


@frozen
class ShareVerdict:
    """One consultant's part of one phase: their person-days (None where the phase gives no team)
    and what they used."""

    phase: str
    share: Fraction | None
    used: Fraction

    @property
    def over(self) -> Fraction:
        """Days past their share; 0 when within it or when the phase gives no shares."""
        return max(Fraction(0), self.used - self.share) if self.share is not None else Fraction(0)


@frozen
class ConsultantVerdict:
    """One consultant's days: their budget (their cap, else their phase shares, else the engagement's
    cap for a single consultant), used, this week and remaining, and each phase's part.

    ``named`` is False for a name the ledger holds that the schedule does not name.
    """

    key: str
    name: str
    role: str
    email: str
    budget: Fraction | None
    used: Fraction
    this_week: Fraction
    phases: tuple[ShareVerdict, ...]
    named: bool = True

    @property
    def remaining(self) -> Fraction | None:
        """Days left of their budget (negative once over); None without a budget."""
        return None if self.budget is None else self.budget - self.used

    @property
    def label(self) -> str:
        """The name with the role, or the key."""
        return Consultant(self.key, self.name, self.role).label


def team_figures(
    engagement: Engagement, ledger: Ledger, as_of: dt.date, first: dt.date, last: dt.date
) -> tuple[ConsultantVerdict, ...]:
    """Each consultant's figures up to ``as_of``, this week being ``first`` to ``last``; the
    schedule's consultants in order, then names the ledger holds that the schedule does not."""
    used = ledger.used_by_consultant(end=as_of)
    week = ledger.used_by_consultant(start=first, end=min(last, as_of))
    if not engagement.team:
        return _unnamed(engagement, used, week)
    people = engagement.people
    totals: dict[str, dict[str, Fraction]] = {c.key: {} for c in people}
    weekly: dict[str, Fraction] = {c.key: Fraction(0) for c in people}
    strangers: dict[str, str] = {}
    for (logged, phase), days in used.items():
        person = engagement.consultant_of(logged)
        key = person.key if person is not None else strangers.setdefault(logged.casefold(), logged)
        totals.setdefault(key, {})
        totals[key][phase] = totals[key].get(phase, Fraction(0)) + days
    for (logged, _), days in week.items():
        person = engagement.consultant_of(logged)
        key = person.key if person is not None else strangers[logged.casefold()]
        weekly[key] = weekly.get(key, Fraction(0)) + days
    found = []
    for person in people:
        # A phase that gives a team gives everyone left out of it a share of nothing.
        shares = [p.shares.get(person.key, Fraction(0) if p.shares else None) for p in engagement.phases]
        given = [s for s in shares if s is not None]
        if person.days is not None:
            budget: Fraction | None = person.days
        elif given:
            budget = sum(given, start=Fraction(0))
        else:
            budget = engagement.max_days if len(people) == 1 else None
        parts = tuple(
            ShareVerdict(p.key, share, totals[person.key].get(p.key, Fraction(0)))
            for p, share in zip(engagement.phases, shares, strict=True)
        )
        found.append(
            ConsultantVerdict(
                person.key,
                person.name,
                person.role,
                person.email,
                budget,
                sum(totals[person.key].values(), start=Fraction(0)),
                weekly[person.key],
                parts,
            )
        )
    for logged in strangers.values():
        phases = tuple(ShareVerdict(k, None, d) for k, d in totals[logged].items())
        total = sum(totals[logged].values(), start=Fraction(0))
        this_week = weekly.get(logged, Fraction(0))
        found.append(ConsultantVerdict(logged, logged, "", "", None, total, this_week, phases, False))
    return tuple(found)


def _unnamed(
    engagement: Engagement, used: dict[tuple[str, str], Fraction], week: dict[tuple[str, str], Fraction]
) -> tuple[ConsultantVerdict, ...]:
    """A schedule that names nobody: one row per name logged by (whoever set ENGAGE_CONSULTANT or
    --consultant), ``consultant`` where none was; the cap is theirs when only one name logged."""
    names: dict[str, str] = {}
    totals: dict[str, dict[str, Fraction]] = {}
    weekly: dict[str, Fraction] = {}
    for (logged, phase), days in used.items():
        key = names.setdefault(_norm(logged), " ".join(logged.split()) or UNNAMED_KEY)
        totals.setdefault(key, {})
        totals[key][phase] = totals[key].get(phase, Fraction(0)) + days
    for (logged, _), days in week.items():
        key = names[_norm(logged)]
        weekly[key] = weekly.get(key, Fraction(0)) + days
    if not totals:
        totals[UNNAMED_KEY] = {}
    budget = engagement.max_days if len(totals) == 1 else None
    return tuple(
        ConsultantVerdict(
            key,
            key,
            "",
            "",
            budget,
            sum(parts.values(), start=Fraction(0)),
            weekly.get(key, Fraction(0)),
            tuple(ShareVerdict(p.key, None, parts.get(p.key, Fraction(0))) for p in engagement.phases),
        )
        for key, parts in totals.items()
    )


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()
