"""Read a TOML schedule into an Engagement, with errors that name file, line and key path."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomli  # tomllib's upstream, compiled: parses a schedule 3x faster (benchmarks/run.py)

from engage.errors import EngageError
from engage.language import _
from engage.schedule import items, people
from engage.schedule.model import NON_WORKING_DUE, WEEKDAYS, Consultant, Engagement, Location, Person, Phase
from engage.schedule.references import check_dependencies, check_rules
from engage.schedule.rules import DateRule
from engage.schedule.toml_values import (
    KEY_PATTERN,
    TOP_KEYS,
    Reader,
    email_problem,
    key_problem,
    one_of,
    reason,
    show,
    where_in,
)

if TYPE_CHECKING:
    from engage.schedule.model import Deadline, Deliverable, Meeting

__all__ = ["load_schedule", "where_in"]  # where_in: for plugins' errors about their settings


def load_schedule(
    path: str | Path, plugin_sections: Collection[str] = (), *, content: bytes | None = None
) -> Engagement:
    """Read and validate a schedule file.

    :param path: the TOML schedule.
    :param plugin_sections: names of top-level tables that plugins read
        (``[budget]``, ``[calendar]``); any other unknown table is an error.
    :param content: the file's bytes, when the caller has read them already.
    :raises EngageError: naming the file, line and key path of the first problem.
    """
    path = Path(path)
    try:
        text = (path.read_bytes() if content is None else content).decode("utf-8-sig")
    except FileNotFoundError:
        raise EngageError(
            _("{path}: no such schedule file; give an existing .toml file").format(path=path)
        ) from None
    except IsADirectoryError:
        raise EngageError(_("{path}: is a folder; give a schedule .toml file").format(path=path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EngageError(
            _("{path}: cannot read schedule: {reason}").format(path=path, reason=reason(exc))
        ) from None
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        detail = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", detail)
        if match:
            detail = detail[: match.start()].strip()
            invalid = _("invalid TOML: {detail}").format(detail=detail)
            raise EngageError(f"{path}: line {match.group(1)}: {invalid}") from None
        invalid = _("invalid TOML: {detail}").format(detail=detail)
        if "end of document" in detail:  # an unclosed string or table: it runs to the last line
            end = text.count("\n") + (not text.endswith("\n"))
            raise EngageError(f"{path}: line {end}: {invalid}") from None
        raise EngageError(f"{path}: {invalid}") from None
    return _build(Reader(path, text), data, set(plugin_sections))


def _build(r: Reader, data: Mapping[str, Any], plugin_sections: set[str]) -> Engagement:
    settings = _plugin_settings(r, data, plugin_sections)
    ident = r.text(data, "id", "")
    if not KEY_PATTERN.match(ident):
        r.fail("id", key_problem(ident))
    timezone = r.text(data, "timezone", "")
    _check_timezone(r, timezone)
    if "start" not in data:
        r.fail("start", _("missing; give the first day of the engagement, e.g. 2021-11-16"))
    start = r.date(data["start"], "start")
    max_days = r.number(data, "max_days", "", most=3660)
    hours_per_day = r.number(data, "hours_per_day", "", most=24, default=8)
    home = _home(r, data, timezone)
    places = people.locations(r, data, home, lambda name, where: _check_timezone(r, name, where))
    team = people.consultants(r, data, places, max_days)
    period = people.period(r, data)
    intermittent = data.get("intermittent", False)
    if not isinstance(intermittent, bool):
        r.fail("intermittent", _("must be true or false, got {value}").format(value=show(intermittent)))
    supervisor = _supervisor(r, data)
    language = _language(r, data)
    due_rule = data.get("due_on_non_working_day", "next")
    if due_rule not in NON_WORKING_DUE:
        r.fail("due_on_non_working_day", one_of(NON_WORKING_DUE, due_rule))
    dates, phases, meetings, deliverables, deadlines = _plan(r, data, team, set(places))
    country, _dash, subdivision = home.holidays[0].partition("-") if home.holidays else ("", "", "")

    return Engagement(
        id=ident,
        title=r.text(data, "title", ""),
        client=r.text(data, "client", ""),
        timezone=timezone,
        start=start,
        max_days=max_days,
        hours_per_day=hours_per_day,
        working_days=home.working_days,
        holidays=country or None,
        holidays_subdivision=subdivision or None,
        holiday_regions=home.holidays,
        consultants=tuple(c.name or c.key for c in team),
        team=team,
        locations=places,
        contacts=people.contacts(r, data),
        period=period,
        intermittent=intermittent,
        language=language,
        supervisor=supervisor,
        phases=tuple(phases),
        deliverables=tuple(deliverables),
        meetings=tuple(meetings),
        deadlines=tuple(deadlines),
        dates=dates,
        due_on_non_working_day=due_rule,
        settings=settings,
        source=r.path,
    )


def _language(r: Reader, data: Mapping[str, Any]) -> str | None:
    """The ToR's language, ``language = "fr"``: a BCP 47 tag engage has words in."""
    if "language" not in data:
        return None
    from engage.language import normalise, speaks, spoken
    from engage.language.choice import shown_tag

    written = data["language"]
    name = normalise(written) if isinstance(written, str) else None
    if name is None:
        r.fail(
            "language",
            _('must be a language tag such as "fr", "es" or "fr-SN", got {value}').format(
                value=shown_tag(written) if isinstance(written, str) else show(written)
            ),
        )
    if not speaks(name):
        r.fail(
            "language",
            _("engage has no words in {tag}; it speaks {languages}").format(
                tag=shown_tag(written), languages=", ".join(spoken())
            ),
        )
    return name


def _plugin_settings(
    r: Reader, data: Mapping[str, Any], plugin_sections: set[str]
) -> dict[str, dict[str, object]]:
    """The tables plugins read, by name; any other key engage does not know is refused."""
    settings: dict[str, dict[str, object]] = {}
    for key, value in data.items():
        if key in TOP_KEYS:
            continue
        if isinstance(value, dict) and key in plugin_sections:
            settings[key] = value
            continue
        if isinstance(value, dict):
            known = ", ".join(sorted(plugin_sections)) or _("none loaded")
            r.fail(key, _("unknown table; plugin settings tables: {tables}").format(tables=known))
        import difflib

        near = difflib.get_close_matches(key, list(TOP_KEYS), n=1)
        r.fail(key, _("unknown key; did you mean '{key}'?").format(key=near[0]) if near else _("unknown key"))
    return settings


def _home(r: Reader, data: Mapping[str, Any], timezone: str) -> Location:
    """The engagement's own place: its time zone, working week and holiday regions."""
    working_days = people.working_days(r, data.get("working_days", list(WEEKDAYS[:5])), "working_days")
    regions = people.holiday_regions(r, data.get("holidays"), "holidays", data.get("holidays_subdivision"))
    return Location("", "", timezone, working_days, regions)


def _supervisor(r: Reader, data: Mapping[str, Any]) -> Person:
    """The ``[supervisor]`` table: a name or a role at least, and an email address if any."""
    table = (
        r.table(data.get("supervisor"), "supervisor")
        if "supervisor" in data
        else r.fail("supervisor", _("missing; give a [supervisor] table with name, role and email"))
    )
    r.known_keys(table, "supervisor", ("name", "role", "email"))
    supervisor = Person(
        name=r.text(table, "name", "supervisor", required=False),
        role=r.text(table, "role", "supervisor", required=False),
        email=r.text(table, "email", "supervisor", required=False),
    )
    if not (supervisor.name or supervisor.role):
        r.fail("supervisor", _("give at least a name or a role"))
    if supervisor.email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", supervisor.email):
        r.fail("supervisor.email", email_problem(supervisor.email))
    return supervisor


def _plan(
    r: Reader, data: Mapping[str, Any], team: tuple[Consultant, ...], places: set[str]
) -> tuple[dict[str, dt.date | None], list[Phase], list[Meeting], list[Deliverable], list[Deadline]]:
    """Named dates, phases, meetings, deliverables and deadlines, every reference among them checked.

    Meetings, deliverables and deadlines share one set of keys: no two of them may have the same key.
    """
    dates = items.named_dates(r, data)
    phases = _phases(r, data, team, places)
    people.check_caps(r, phases, team)
    phase_keys = [p.key for p in phases]
    item_keys: set[str] = set()
    meetings = items.meetings(r, data, phase_keys, item_keys)
    deliverables = items.deliverables(r, data, phase_keys, item_keys, {m.key for m in meetings})
    deadlines = items.deadlines(r, data, item_keys)
    check_dependencies(r, deliverables)
    check_rules(r, phases, deliverables, meetings, deadlines, dict(dates))
    return dates, phases, meetings, deliverables, deadlines


def _phases(
    r: Reader, data: Mapping[str, Any], team: tuple[Consultant, ...], places: set[str]
) -> list[Phase]:
    tables = r.array(data, "phases")
    if not tables:
        r.fail("phases", _("missing; give at least one [[phases]] table with key, name and days"))
    seen: set[str] = set()
    phases = []
    for i, table in enumerate(tables):
        where = f"phases[{i}]"
        r.known_keys(table, where, ("key", "name", "days", "start", "end", "description", "team", "location"))
        days, shares, location = people.phase_extras(r, table, where, team, places)
        start = _phase_date(r, table, "start", where)
        end = _phase_date(r, table, "end", where)
        items.check_order(r, where, start, end, "phase")  # never a moment: see _phase_date
        phases.append(
            Phase(
                key=r.key(table, where, seen),
                name=r.text(table, "name", where),
                days=days,
                start=start,
                end=end,
                description=r.text(table, "description", where, required=False),
                team=shares,
                location=location,
            )
        )
    return phases


def _phase_date(r: Reader, table: Mapping[str, Any], key: str, where: str) -> dt.date | DateRule | None:
    if key not in table:
        return None
    value = r.when(table[key], f"{where}.{key}", timed=False)
    assert not isinstance(value, dt.datetime)
    return value


def _check_timezone(r: Reader, name: str, where: str = "timezone") -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        r.fail(
            where,
            _("unknown time zone {name}; give an IANA name such as 'Africa/Nairobi'").format(name=repr(name)),
        )
