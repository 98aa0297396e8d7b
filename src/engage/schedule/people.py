"""Reading a schedule's people and places: consultants, contacts, locations, holidays, the period."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from fractions import Fraction
from typing import Any

from engage.language import _
from engage.language.choice import decimal_text
from engage.schedule.model import WEEKDAYS, Consultant, Contact, Location, Phase
from engage.schedule.toml_values import KEY_PATTERN, Reader, email_problem, one_of, show

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
REGION = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?")
RECEIVES = ("calendar", "status")


def holiday_regions(r: Reader, value: object, where: str, subdivision: object = None) -> tuple[str, ...]:
    """``"KE"``, ``"CH-GE"`` or a list of them, as upper-case region codes."""
    if value is None:
        return ()
    listed = value if isinstance(value, list) else [value]
    regions = []
    for i, code in enumerate(listed):
        at = f"{where}[{i}]" if isinstance(value, list) else where
        if not (isinstance(code, str) and REGION.fullmatch(code.strip())):
            r.fail(
                at,
                _("must be a country code such as 'KE' or 'CH-GE' (with a subdivision), got {value}").format(
                    value=show(code)
                ),
            )
        if code.strip().upper() in regions:
            r.fail(at, twice(code))
        regions.append(code.strip().upper())
    if subdivision is not None:
        if not (isinstance(subdivision, str) and subdivision.strip()):
            r.fail(
                "holidays_subdivision",
                _("must be a subdivision code string, got {value}").format(value=show(subdivision)),
            )
        if len(regions) != 1 or "-" in regions[0]:
            r.fail("holidays_subdivision", _("give it inside holidays instead, e.g. holidays = ['CH-GE']"))
        regions = [f"{regions[0]}-{subdivision.strip()}"]
    return tuple(regions)


FULL_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def twice(value: object) -> str:
    """``'KE' is listed twice``."""
    return _("{value} is listed twice").format(value=repr(value))


def working_days(r: Reader, value: object, where: str) -> tuple[int, ...]:
    """A list of weekdays such as ['sun', 'mon'] as ISO weekday numbers."""
    if not isinstance(value, list) or not value:
        r.fail(
            where,
            _("must be a list of weekdays such as ['mon', 'tue'], got {value}").format(value=show(value)),
        )
    days: list[int] = []
    for i, name in enumerate(value):
        text = name.strip().lower() if isinstance(name, str) else ""
        short = text[:3]
        # 'mon', 'monday', or a prefix of it ('tues', 'thur'); never 'monkey'
        if short not in WEEKDAYS or not FULL_WEEKDAYS[WEEKDAYS.index(short)].startswith(text):
            r.fail(
                f"{where}[{i}]",
                _("must be a weekday such as 'mon' or 'monday', got {value}").format(value=show(name)),
            )
        iso = WEEKDAYS.index(short) + 1
        if iso in days:
            r.fail(f"{where}[{i}]", twice(name))
        days.append(iso)
    return tuple(sorted(days))


def locations(
    r: Reader,
    data: Mapping[str, Any],
    home: Location,
    check_timezone: Callable[[str, str], None],
) -> dict[str, Location]:
    """The ``[locations.KEY]`` tables; what a location leaves out is the engagement's."""
    tables = r.table(data.get("locations", {}), "locations")
    found = {}
    for key, value in tables.items():
        where = f"locations.{key}"
        if not KEY_PATTERN.match(key):
            r.fail(
                where,
                _("a location key must be lower-case letters, digits, '-', '_' or '.', got {value}").format(
                    value=repr(key)
                ),
            )
        table = r.table(value, where)
        r.known_keys(table, where, ("name", "timezone", "working_days", "holidays"))
        timezone = r.text(table, "timezone", where, required=False) or home.timezone
        check_timezone(timezone, f"{where}.timezone")
        found[key] = Location(
            key,
            r.text(table, "name", where, required=False) or key,
            timezone,
            working_days(r, table["working_days"], f"{where}.working_days")
            if "working_days" in table
            else home.working_days,
            holiday_regions(r, table["holidays"], f"{where}.holidays")
            if "holidays" in table
            else home.holidays,
        )
    return found


def _place(r: Reader, table: Mapping[str, Any], where: str, places: Collection[str]) -> str | None:
    if "location" not in table:
        return None
    key = r.text(table, "location", where)
    if key not in places:
        known = ", ".join(places) or _("none: add a [locations.KEY] table")
        r.fail(
            f"{where}.location",
            _("unknown location {key}; locations: {keys}").format(key=repr(key), keys=known),
        )
    return key


def consultants(
    r: Reader, data: Mapping[str, Any], places: Collection[str], cap: Fraction
) -> tuple[Consultant, ...]:
    """``consultants = ["Name", …]`` or ``[[consultants]]`` tables with key, name, role, email, days."""
    value = data.get("consultants", [])
    if not isinstance(value, list):
        r.fail(
            "consultants",
            _("must be a list of names or [[consultants]] tables, got {value}").format(value=show(value)),
        )
    found: list[Consultant] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        where = f"consultants[{i}]"
        if isinstance(item, str):
            if not item.strip():
                r.fail(where, _("must be a non-empty name"))
            person = Consultant(item.strip(), item.strip())
        else:
            table = r.table(item, where)
            r.known_keys(table, where, ("key", "name", "role", "email", "days", "location"))
            key = r.key(table, where, set())
            email = r.text(table, "email", where, required=False)
            if email and not EMAIL.fullmatch(email):
                r.fail(f"{where}.email", email_problem(email))
            person = Consultant(
                key,
                r.text(table, "name", where, required=False),
                r.text(table, "role", where, required=False),
                email,
                r.number(table, "days", where, most=int(cap) + 1000) if "days" in table else None,
                _place(r, table, where, places),
            )
        for word in {person.key.casefold(), person.name.casefold()} - {""}:
            if word in seen:
                r.fail(
                    where,
                    _("{name} names two consultants; keys and names must be unique").format(name=repr(word)),
                )
            seen.add(word)
        found.append(person)
    return tuple(found)


def team(
    r: Reader, table: Mapping[str, Any], where: str, people: tuple[Consultant, ...]
) -> tuple[tuple[str, Fraction], ...]:
    """A phase's ``team = { lead = 5, enum1 = 5 }``: person-days by consultant key."""
    if "team" not in table:
        return ()
    value = r.table(table["team"], f"{where}.team")
    if not value:
        r.fail(f"{where}.team", _("is empty; give person-days by consultant, e.g. { lead = 5 }"))
    keys = [c.key for c in people]
    shares = []
    for key in value:
        if key not in keys:
            known = ", ".join(keys) if people else _("none: add [[consultants]] tables with keys")
            r.fail(
                f"{where}.team.{key}",
                _("not a consultant of this schedule; consultants: {keys}").format(keys=known),
            )
        shares.append((key, r.number(value, key, f"{where}.team", most=3660)))
    return tuple(shares)


def phase_extras(
    r: Reader, table: Mapping[str, Any], where: str, people: tuple[Consultant, ...], places: Collection[str]
) -> tuple[Fraction, tuple[tuple[str, Fraction], ...], str | None]:
    """A phase's days (its team's sum where not given), team and location."""
    shares = team(r, table, where, people)
    total = sum((days for _key, days in shares), start=Fraction(0))

    days = r.number(table, "days", where, most=3660) if "days" in table or not shares else None
    if shares and days is not None and days != total:
        r.fail(
            f"{where}.days",
            _(
                "is {days} but the team's person-days add up to {total}; give one figure or make them agree"
            ).format(days=_figure(days), total=_figure(total)),
        )
    return (days if days is not None else total), shares, _place(r, table, where, places)


def check_caps(r: Reader, phases: list[Phase], people: tuple[Consultant, ...]) -> None:
    """A consultant whose shares of the phases add up to more than their own cap is refused."""
    for i, person in enumerate(people):
        if person.days is None:
            continue
        shared = sum((p.shares.get(person.key, Fraction(0)) for p in phases), start=Fraction(0))
        if shared > person.days:
            r.fail(
                f"consultants[{i}].days",
                _("{key} has {days} days but the phases give them {shared}").format(
                    key=person.key, days=_figure(person.days), shared=_figure(shared)
                ),
            )


def contacts(r: Reader, data: Mapping[str, Any]) -> tuple[Contact, ...]:
    """``[[contacts]]``: name, role, email, and what they receive (calendar, status)."""
    found = []
    for i, table in enumerate(r.array(data, "contacts")):
        where = f"contacts[{i}]"
        r.known_keys(table, where, ("name", "role", "email", "receives"))
        email = r.text(table, "email", where, required=False)
        if email and not EMAIL.fullmatch(email):
            r.fail(f"{where}.email", email_problem(email))
        receives = r.strings(table, "receives", where)
        for j, what in enumerate(receives):
            if what not in RECEIVES:
                r.fail(f"{where}.receives[{j}]", one_of(RECEIVES, what))
        if receives and not email:
            r.fail(
                f"{where}.email",
                _("missing; a contact who receives {what} needs an email address").format(what=receives[0]),
            )
        name, role = (
            r.text(table, "name", where, required=False),
            r.text(table, "role", where, required=False),
        )
        if not (name or role):
            r.fail(where, _("give at least a name or a role"))
        found.append(Contact(name, role, email, receives))
    return tuple(found)


def period(r: Reader, data: Mapping[str, Any]) -> tuple[Any, Any] | None:
    """``period = { start = …, end = … }``: the contract's span, both days included."""
    if "period" not in data:
        if data.get("intermittent"):
            r.fail("intermittent", _("give the contract's period = { start = …, end = … } too"))
        return None
    table = r.table(data["period"], "period")
    r.known_keys(table, "period", ("start", "end"))
    for key in ("start", "end"):
        if key not in table:
            r.fail(f"period.{key}", _("missing; give a date such as 2021-11-16"))
    start, end = r.date(table["start"], "period.start"), r.date(table["end"], "period.end")
    if end < start:
        r.fail("period.end", _("{end} is before the period's start {start}").format(end=end, start=start))
    return start, end


def _figure(days: Fraction) -> str:
    return str(days.numerator) if days.denominator == 1 else decimal_text(f"{float(days):g}")
