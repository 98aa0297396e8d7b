"""Checks of a team and its places: each consultant's share and cap, the working days each has,
and an intermittent engagement's days against the period left."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from fractions import Fraction
from typing import TYPE_CHECKING

from engage import (
    Engagement,
    Finding,
    Ledger,
    Timeline,
    date_text,
    format_budget,
    format_days,
    frozen,
    hookimpl,
)
from engage_budget.catalogue import _, ngettext

if TYPE_CHECKING:
    from engage import Verdict

check = hookimpl(specname="engage_budget_checks")


@frozen
class Shortfall:
    """Someone (a consultant, or the phase as a whole where it gives no team) with more days than
    the working days they have in the phase's window."""

    who: str  # a consultant's label, or "" for the phase's budget
    days: Fraction
    working: int
    place: str  # the location's name, "" for the engagement's own

    def text(self) -> str:
        """'enum1 has 6 person-days but 5 working days in Dhaka'."""
        figures = {
            "who": self.who,
            "days": format_budget(self.days),
            "count": self.working,
            "place": self.place,
        }
        # Translators: English says "working days" whatever the count; say it as your language does.
        if self.place:
            return ngettext(
                "{who} has {days} person-days but {count} working days in {place}",
                "{who} has {days} person-days but {count} working days in {place}",
                self.working,
            ).format(**figures)
        return ngettext(
            "{who} has {days} person-days but {count} working days",
            "{who} has {days} person-days but {count} working days",
            self.working,
        ).format(**figures)


def shortfalls(timeline: Timeline, phase_key: str) -> list[Shortfall]:
    """Who cannot fit their days in the phase's window: each consultant with a share, by the
    working days of their place; the phase's whole budget where it gives no team."""
    engagement = timeline.engagement
    phase, window = engagement.phase(phase_key), timeline.window(phase_key)
    found = []
    if not phase.team:
        place = phase.location or ""
        working = len(timeline.working_days(window.start, window.end, place))
        if working < phase.days:
            found.append(Shortfall("", phase.days, working, _place_name(engagement, place)))
        return found
    for key, share in phase.team:
        place = engagement.place_of(phase.key, key)
        working = len(timeline.working_days(window.start, window.end, place))
        if working < share:
            person = engagement.consultant_of(key)
            label = person.key if person is not None else key
            found.append(Shortfall(label, share, working, _place_name(engagement, place)))
    return found


def _place_name(engagement: Engagement, place: str) -> str:
    return engagement.location(place).name if place else ""


@check
def consultant_shares(
    engagement: Engagement, ledger: Ledger, today: dt.date, verdict: Verdict
) -> Iterator[Finding]:
    """A consultant over their share of a phase or over their own cap (errors), even where the
    phase and the engagement are within budget; time logged by someone the schedule does not name."""
    names = {p.key: p.name for p in engagement.phases}
    for person in verdict.team:
        if not person.named:
            yield Finding(
                "warning",
                "consultant-not-named",
                _(
                    "{days} days logged by {who}, whom the schedule does not name; "
                    "void those entries and log them by one of: {team}"
                ).format(
                    days=format_days(person.used),
                    who=repr(person.key),
                    team=", ".join(c.key for c in engagement.team),
                ),
            )
            continue
        for part in person.phases:
            if part.over > 0 and part.share is not None:
                yield Finding(
                    "error",
                    "consultant-over-share",
                    _(
                        "{phase}: {who} used {used} of their {share} person-days — {over} over their share"
                    ).format(
                        phase=names[part.phase],
                        who=person.key,
                        used=format_days(part.used),
                        share=format_budget(part.share),
                        over=format_days(part.over),
                    ),
                    phase=part.phase,
                )
        cap = engagement.consultant_of(person.key)
        if cap is not None and cap.days is not None and person.used > cap.days:
            yield Finding(
                "error",
                "consultant-over-cap",
                _("{who}: {used} of their {cap} days used — {over} over their cap").format(
                    who=person.key,
                    used=format_days(person.used),
                    cap=format_budget(cap.days),
                    over=format_days(person.used - cap.days),
                ),
            )


@check
def period_holds_the_days(
    engagement: Engagement, ledger: Ledger, today: dt.date, verdict: Verdict
) -> Iterator[Finding]:
    """An intermittent engagement whose days left no longer fit in the working days left in its
    period; phase windows outside it (work outside it: ``work_on_the_right_days``)."""
    if engagement.period is None:
        return
    first, last = engagement.period
    timeline = verdict.timeline
    for phase in engagement.phases:
        window = timeline.window(phase.key)
        if window.start < first or window.end > last:
            yield Finding(
                "warning",
                "window-outside-period",
                _("{phase}: its window {start} – {end} leaves the contract period ({first} – {last})").format(
                    phase=phase.name,
                    start=date_text(window.start),
                    end=date_text(window.end),
                    first=date_text(first),
                    last=date_text(last),
                ),
                phase=phase.key,
                date=window.start,
            )
    if not engagement.intermittent or verdict.closing is not None:
        return
    start = max(first, verdict.until + dt.timedelta(days=1))
    if engagement.team:  # the team works side by side: each member's days against their own time
        owed = [
            (c.key, c.remaining, engagement.place_of(consultant=c.key))
            for c in verdict.team
            if c.named and c.remaining is not None
        ]
    else:
        owed = [("", engagement.max_days - ledger.days_used(end=verdict.until), "")]
    for who, left, place in owed:
        working = len(timeline.working_days(start, last, place)) if start <= last else 0
        if left > working:
            figures = {
                "days": format_days(left),
                "count": working,
                "place": engagement.location(place).name if place else "",
                "end": date_text(last),
            }
            # Translators: English says "working days" whatever the count; say it as your language does.
            message = (
                ngettext(
                    "{days} days left but only {count} working days ({place}) left in the period (to {end}); "
                    "agree an extension or fewer days with the supervisor",
                    "{days} days left but only {count} working days ({place}) left in the period (to {end}); "
                    "agree an extension or fewer days with the supervisor",
                    working,
                )
                if place
                else ngettext(
                    "{days} days left but only {count} working days left in the period (to {end}); "
                    "agree an extension or fewer days with the supervisor",
                    "{days} days left but only {count} working days left in the period (to {end}); "
                    "agree an extension or fewer days with the supervisor",
                    working,
                )
            ).format(**figures)
            yield Finding(
                "warning",
                "days-no-longer-fit",
                _("{who}: {message}").format(who=who, message=message) if who else message,
                date=verdict.until,
            )
