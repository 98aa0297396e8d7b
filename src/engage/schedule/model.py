"""The engagement as its Terms of Reference describe it: frozen values, no derived figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from fractions import Fraction
from pathlib import Path

from engage.language import _
from engage.parsing import fold
from engage.schedule.rules import DateRule
from engage.values import frozen

MEETING_KINDS: tuple[str, ...] = ("retreat", "workshop", "validation", "other")
DELIVERABLE_STATUSES: tuple[str, ...] = ("submitted", "returned", "accepted")
MEETING_OUTCOMES: tuple[str, ...] = (
    "held",
    "validated",
    "changes-requested",
    "postponed",
    "cancelled",
)
CLOSE_OUTCOMES: tuple[str, ...] = ("completed", "terminated")
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NON_WORKING_DUE: tuple[str, ...] = ("next", "previous", "keep")
# Client review and consultant revision allowances, in working days, where the schedule gives none.
DEFAULT_REVIEW_DAYS = 10
DEFAULT_REVISION_DAYS = 5

# The key of the ToR's single, unnamed consultant, when the schedule names nobody.
UNNAMED_KEY = "consultant"

# A date in a schedule: a calendar date, a local date-time (in the engagement's
# time zone), or a rule relative to something ("5 working days after start").
When = dt.date | dt.datetime | DateRule


@frozen
class Person:
    """Someone named by the ToR: the supervisor, a consultant, an attendee."""

    name: str = ""
    role: str = ""
    email: str = ""

    @property
    def label(self) -> str:
        """The name, with the role where both are known; the role alone where no name is."""
        if self.name and self.role:
            return f"{self.name} ({self.role})"
        return self.name or self.role or self.email or _("(not named)")


@frozen
class Consultant:
    """A consultant the ToR hires: a key to log by, a role, and their own day cap if the ToR sets one.

    A schedule that names nobody has one consultant, key ``consultant``: the
    ToR's single, unnamed consultant.
    """

    key: str
    name: str = ""
    role: str = ""
    email: str = ""
    days: Fraction | None = None
    location: str | None = None

    @property
    def label(self) -> str:
        """The name, with the role where both are known."""
        return Person(self.name, self.role, self.email).label if (self.name or self.role) else self.key

    def answers_to(self, text: str) -> bool:
        """True when ``text`` is this consultant's key or name (case and spaces aside)."""
        wanted = " ".join(text.split()).casefold()
        return wanted in (self.key.casefold(), " ".join(self.name.split()).casefold())


@frozen
class Location:
    """Where work happens: its time zone, working week and public holidays.

    ``holidays`` holds country codes, each optionally with a subdivision:
    ``("BD",)``, ``("FR", "CH-GE")``. The key ``""`` is the engagement's own.
    """

    key: str
    name: str = ""
    timezone: str = ""
    working_days: tuple[int, ...] = (1, 2, 3, 4, 5)
    holidays: tuple[str, ...] = ()


@frozen
class Contact:
    """Someone besides the supervisor who receives the calendar or the status report."""

    name: str = ""
    role: str = ""
    email: str = ""
    receives: tuple[str, ...] = ()


@frozen
class Phase:
    """A stretch of work with a day budget; its window is given or planned.

    ``team`` gives the person-days of each consultant working on it, as
    (consultant key, days) pairs; ``days`` is then their sum unless the
    schedule gives the same figure. ``location`` names a ``[locations]`` key.
    """

    key: str
    name: str
    days: Fraction
    start: dt.date | DateRule | None = None
    end: dt.date | DateRule | None = None
    description: str = ""
    team: tuple[tuple[str, Fraction], ...] = ()
    location: str | None = None

    @property
    def shares(self) -> dict[str, Fraction]:
        """Each consultant's person-days in this phase, by key; empty when the phase gives no team."""
        return dict(self.team)


@frozen
class Deliverable:
    """An output the ToR asks for, due on a date or by a rule, with its review allowances.

    ``review_days`` is the client's time to comment, ``revision_days`` the
    consultant's time to resubmit after a return, both in working days.
    ``replaces`` names a deliverable whose cycle closes when this one is submitted
    (the final report replaces the draft).
    """

    key: str
    name: str
    phase: str
    due: When
    depends_on: tuple[str, ...] = ()
    description: str = ""
    review_days: int = DEFAULT_REVIEW_DAYS
    revision_days: int = DEFAULT_REVISION_DAYS
    replaces: str | None = None


@frozen
class Meeting:
    """A retreat, workshop or validation meeting; without dates it is 'to be agreed'."""

    key: str
    name: str
    kind: str
    phase: str | None = None
    start: When | None = None
    end: When | None = None
    location: str = ""
    attendees: tuple[str, ...] = ()
    description: str = ""


@frozen
class Deadline:
    """A date that matters but consumes no days, such as a proposal due date."""

    key: str
    name: str
    date: When
    description: str = ""


@frozen
class Engagement:
    """One engagement as read from its schedule file; never written back by the tool."""

    id: str
    title: str
    client: str
    timezone: str
    start: dt.date
    max_days: Fraction
    supervisor: Person
    phases: tuple[Phase, ...]
    consultants: tuple[str, ...] = ()
    hours_per_day: Fraction = Fraction(8)
    working_days: tuple[int, ...] = (1, 2, 3, 4, 5)  # ISO weekdays, Monday = 1
    holidays: str | None = None  # ISO country code for public holidays, e.g. "KE"
    holidays_subdivision: str | None = None
    deliverables: tuple[Deliverable, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    # Named dates from the [dates] table; None while "to be agreed".
    dates: dict[str, dt.date | None] = field(default_factory=dict, compare=False, hash=False)
    due_on_non_working_day: str = "next"
    # Consultants as people; empty when the schedule names nobody (see ``people``).
    team: tuple[Consultant, ...] = ()
    locations: dict[str, Location] = field(default_factory=dict, compare=False, hash=False)
    # Public holiday regions of the engagement itself: ("KE",), ("FR", "CH-GE").
    holiday_regions: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = ()
    # The contract's span, distinct from the day budget; None where the ToR gives none.
    period: tuple[dt.date, dt.date] | None = None
    intermittent: bool = False
    language: str | None = None  # the ToR's, which its documents speak ("fr", "es_MX"); None: the user's
    settings: dict[str, dict[str, object]] = field(default_factory=dict, compare=False, hash=False)
    source: Path | None = field(default=None, compare=False)

    def phase(self, key: str) -> Phase:
        """The phase with this key; raises KeyError when there is none."""
        for phase in self.phases:
            if phase.key == key:
                return phase
        raise KeyError(key)

    def deliverable(self, key: str) -> Deliverable:
        """The deliverable with this key; raises KeyError when there is none."""
        for deliverable in self.deliverables:
            if deliverable.key == key:
                return deliverable
        raise KeyError(key)

    def meeting(self, key: str) -> Meeting:
        """The meeting with this key; raises KeyError when there is none."""
        for meeting in self.meetings:
            if meeting.key == key:
                return meeting
        raise KeyError(key)

    @property
    def people(self) -> tuple[Consultant, ...]:
        """The consultants who log time: the schedule's, or the one unnamed ``consultant``."""
        return self.team or (UNNAMED,)

    def consultant_of(self, text: str) -> Consultant | None:
        """The consultant a ledger's ``consultant`` field (a key or a name) stands for.

        On a schedule that names nobody every entry is the unnamed consultant's.
        """
        if not self.team:
            return UNNAMED
        found = next((c for c in self.team if c.answers_to(text)), None)
        if found is not None:
            return found
        wanted = fold(text)  # case and accents aside: "Jose Perez" is José Pérez, if only one folds so
        alike = [c for c in self.team if wanted in (fold(c.key), fold(c.name))]
        return alike[0] if len(alike) == 1 else None

    @property
    def home(self) -> Location:
        """The engagement's own place: its time zone, working week and holidays."""
        return Location("", "", self.timezone, self.working_days, self.holiday_regions)

    def location(self, key: str | None) -> Location:
        """The location with this key; the engagement's own for None or ``""``."""
        return self.locations[key] if key else self.home

    def place_of(self, phase: str | None = None, consultant: str | None = None, at: str | None = None) -> str:
        """Where work happens, as a location key (``""`` for the engagement's own): the entry's
        ``at``, else the phase's location, else the consultant's, else the engagement's. An ``at``
        the schedule no longer has (a location renamed since) is passed over: a finding says so."""
        if at and at in self.locations:
            return at
        if phase is not None:
            found = next((p for p in self.phases if p.key == phase), None)
            if found is not None and found.location:
                return found.location
        if consultant is not None:
            person = self.consultant_of(consultant)
            if person is not None and person.location:
                return person.location
        return ""

    def plugin_settings(self, section: str) -> dict[str, object]:
        """The schedule's ``[section]`` table for a plugin (``[budget]``, ``[calendar]``)."""
        return self.settings.get(section, {})


UNNAMED = Consultant(UNNAMED_KEY)
