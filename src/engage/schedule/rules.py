"""Relative dates in schedules: the rule grammar ("5 working days after deliverable draft returned")."""

from __future__ import annotations

import datetime as dt
import re

from engage.language import N_, _, ngettext
from engage.values import frozen

UNITS = {
    "working day": "working days",
    "working days": "working days",
    "day": "days",
    "days": "days",
    "calendar day": "days",
    "calendar days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
}
EVENTS = ("submitted", "returned", "accepted")
TO_BE_AGREED = "to be agreed"
# The rules stay as a schedule writes them (in English, the words the parser reads).
RULE_HELP = N_(
    "a date (2021-11-23), or a rule such as 'end of phase prep', "
    "'5 working days after start', '2 weeks before meeting validation', "
    "'5 working days after deliverable draft returned' or '3 months after award' (a [dates] key)"
)

_KEY = r"[a-z0-9][a-z0-9_.-]*"
_OFFSET = re.compile(
    r"^(?P<count>\d{1,4})\s+(?P<unit>working\s+days?|calendar\s+days?|days?|weeks?|months?)\s+"
    r"(?P<direction>after|before)\s+(?P<ref>.+)$"
)
_PHASE = re.compile(rf"^(?P<edge>start|end) of phase (?P<key>{_KEY})$")
_DELIVERABLE = re.compile(rf"^deliverable (?P<key>{_KEY}) (?P<event>{'|'.join(EVENTS)})$")
_MEETING = re.compile(rf"^meeting (?P<key>{_KEY})$")
_NAMED = re.compile(rf"^(?P<key>{_KEY})$")


@frozen
class Ref:
    """What a rule counts from.

    ``kind`` is ``start`` (the engagement's first day), ``phase-start``,
    ``phase-end``, ``date`` (a key of the schedule's ``[dates]`` table),
    ``deliverable`` (with ``event``: submitted, returned or accepted) or
    ``meeting``.
    """

    kind: str
    key: str = ""
    event: str = ""

    def text(self) -> str:
        """The reference as a schedule writes it."""
        if self.kind == "start":
            return "start"
        if self.kind in ("phase-start", "phase-end"):
            return f"{self.kind.split('-')[1]} of phase {self.key}"
        if self.kind == "deliverable":
            return f"deliverable {self.key} {self.event}"
        if self.kind == "meeting":
            return f"meeting {self.key}"
        return self.key

    def words(self) -> str:
        """The reference as people read it in the language in force ("la fin de la phase draft")."""
        if self.kind == "start":
            return _("the start")
        if self.kind == "phase-start":
            return _("the start of phase {key}").format(key=self.key)
        if self.kind == "phase-end":
            return _("the end of phase {key}").format(key=self.key)
        if self.kind == "deliverable":
            said = {
                "submitted": _("deliverable {key} submitted"),
                "returned": _("deliverable {key} returned"),
                "accepted": _("deliverable {key} accepted"),
            }
            return said[self.event].format(key=self.key)
        if self.kind == "meeting":
            return _("meeting {key}").format(key=self.key)
        return self.key


@frozen
class DateRule:
    """A date written relative to something: ``count`` ``unit`` after (sign 1) or before (-1) ``ref``."""

    ref: Ref
    count: int = 0
    unit: str = "days"  # "working days", "days", "weeks" or "months"
    sign: int = 1

    @property
    def text(self) -> str:
        """The rule as a schedule writes it, normalised."""
        if self.count == 0:
            return self.ref.text()
        unit = self.unit if self.count != 1 else self.unit[:-1]
        return f"{self.count} {unit} {'after' if self.sign > 0 else 'before'} {self.ref.text()}"

    def words(self) -> str:
        """The rule as people read it in the language in force ("5 jours ouvrables après la fin de la
        phase draft"); in English, as the schedule writes it (:attr:`text`)."""
        from engage.language.formats import english

        if english():
            return self.text
        if self.count == 0:
            return self.ref.words()
        amounts = {
            "working days": ngettext("{count} working day", "{count} working days", self.count),
            "days": ngettext("{count} day", "{count} days", self.count),
            "weeks": ngettext("{count} week", "{count} weeks", self.count),
            "months": ngettext("{count} month", "{count} months", self.count),
        }
        amount = amounts[self.unit].format(count=self.count)
        said = _("{amount} after {reference}") if self.sign > 0 else _("{amount} before {reference}")
        return said.format(amount=amount, reference=self.ref.words())

    def __str__(self) -> str:
        return self.text


def rule_words(text: str) -> str:
    """A rule's text (``Resolved.rule``: as the schedule writes it) as people read it in the language
    in force; as it is in English, or where it is not a rule."""
    from engage.language.formats import english

    if english():
        return text
    try:
        return parse_rule(text).words()
    except ValueError:
        return text


def parse_rule(text: str) -> DateRule:
    """Read a rule; raises ValueError saying what is accepted."""
    original = " ".join(text.strip().split())
    words = original.lower()
    count, unit, sign = 0, "days", 1
    match = _OFFSET.match(words)
    if match:
        count = int(match.group("count"))
        unit = UNITS[" ".join(match.group("unit").split())]
        sign = 1 if match.group("direction") == "after" else -1
        words = match.group("ref")
    ref = _parse_ref(words)
    if ref.kind == "date" and ref.key not in original:  # keys are lower-case: "COB" is no key
        raise ValueError(_("cannot read {text}").format(text=repr(original)))
    return DateRule(ref, count, unit, sign)


def _parse_ref(words: str) -> Ref:
    if words in ("start", "the start"):
        return Ref("start")
    if match := _PHASE.match(words):
        return Ref(f"phase-{match.group('edge')}", match.group("key"))
    if match := _DELIVERABLE.match(words):
        return Ref("deliverable", match.group("key"), match.group("event"))
    if match := _MEETING.match(words):
        return Ref("meeting", match.group("key"))
    if words.startswith(("deliverable ", "meeting ", "start of", "end of")):
        raise ValueError(_("cannot read {text}").format(text=repr(words)))
    if match := _NAMED.match(words):
        return Ref("date", match.group("key"))
    raise ValueError(_("cannot read {text}").format(text=repr(words)))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` later (earlier if negative), clipped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    first = dt.date(year, month + 1, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - first  # the month's length
    return first.replace(day=min(day.day, last.days))


def shift_calendar(day: dt.date, rule: DateRule) -> dt.date:
    """``day`` moved by a calendar-day, week or month rule (not working days)."""
    if rule.unit == "months":
        return add_months(day, rule.sign * rule.count)
    days = rule.count * (7 if rule.unit == "weeks" else 1)
    return day + dt.timedelta(days=rule.sign * days)
