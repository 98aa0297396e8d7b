"""Read a TOML schedule into an Engagement, with errors that name file, line and key path."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Collection, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, NoReturn

import tomli  # tomllib's upstream, compiled: parses a schedule 3x faster (benchmarks/run.py)

from engage.errors import EngageError
from engage.model import (
    MEETING_KINDS,
    WEEKDAYS,
    Deadline,
    Deliverable,
    Engagement,
    Meeting,
    Person,
    Phase,
    When,
)

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
PHASE_REF = re.compile(r"^(start|end) of phase ([a-z0-9][a-z0-9_.-]*)$")
TOP_KEYS = {
    "id": "a short identifier such as 'ijm-kenya-pap-2021'",
    "title": "the assignment's title",
    "client": "the organisation that hires",
    "timezone": "an IANA time zone such as 'Africa/Nairobi'",
    "start": "the first day of the engagement, e.g. 2021-11-16",
    "max_days": "the cap on total days",
    "hours_per_day": "hours in a working day (default 8)",
    "working_days": "weekdays worked, e.g. ['mon', 'tue', 'wed', 'thu', 'fri']",
    "holidays": "a country code for public holidays, e.g. 'KE'",
    "holidays_subdivision": "a subdivision code for public holidays",
    "consultants": "the consultants' names",
    "supervisor": "a table with name, role, email",
    "phases": "[[phases]] tables",
    "deliverables": "[[deliverables]] tables",
    "meetings": "[[meetings]] tables",
    "deadlines": "[[deadlines]] tables",
}


class _Reader:
    """Validates one schedule's parsed TOML, raising errors that locate the key."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.source_text = text

    def fail(self, where: str, problem: str) -> NoReturn:
        lines = _key_lines(self.source_text)  # only an error needs line numbers
        line = lines.get(where) or lines.get(re.sub(r"\[\d+\]$", "", where))
        line = line or lines.get(where.rsplit(".", 1)[0])
        at = f"{self.path}: line {line}: " if line else f"{self.path}: "
        raise EngageError(f"{at}{where}: {problem}")

    def table(self, value: object, where: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, f"must be a table, got {_show(value)}")
        return value

    def known_keys(self, table: Mapping[str, Any], where: str, allowed: Collection[str]) -> None:
        for key in table:
            if key not in allowed:
                near = difflib.get_close_matches(key, list(allowed), n=1)
                hint = f"did you mean '{near[0]}'?" if near else "known keys: " + ", ".join(allowed)
                self.fail(_join(where, key), f"unknown key; {hint}")

    def text(self, table: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
        value = table.get(key)
        hint = TOP_KEYS.get(key, "a non-empty string") if not where else "a non-empty string"
        if value is None:
            if required:
                self.fail(_join(where, key), f"missing; give {hint}")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(_join(where, key), f"must be {hint}, got {_show(value)}")
        return value.strip()

    def key(self, table: Mapping[str, Any], where: str, seen: set[str]) -> str:
        value = self.text(table, "key", where)
        if not KEY_PATTERN.match(value):
            self.fail(
                _join(where, "key"),
                f"must be lower-case letters, digits, '-', '_' or '.', got {value!r}",
            )
        if value in seen:
            self.fail(_join(where, "key"), f"{value!r} is used twice; keys must be unique")
        seen.add(value)
        return value

    def number(
        self, table: Mapping[str, Any], key: str, where: str, *, most: int, default: int | None = None
    ) -> Fraction:
        value = table.get(key, default)
        path = _join(where, key)
        if value is None:
            self.fail(path, "missing; it must be a positive number")
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"must be a positive number, got {_show(value)}")
        if value != value or value in (float("inf"), float("-inf")):
            self.fail(path, f"must be a positive number, got {value}")
        amount = Fraction(str(value))
        if amount <= 0:
            self.fail(path, f"must be a positive number, got {value}")
        if amount > most:
            self.fail(path, f"must be at most {most}, got {value}")
        return amount

    def date(self, value: object, where: str) -> dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
            self.fail(where, f"must be a date such as 2021-11-23, got {_show(value)}")
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                self.fail(where, f"must be a date such as 2021-11-23, got {value!r}")
        return value

    def when(self, value: object, where: str, phases: Collection[str]) -> When:
        """A date, a local date-time, or 'start of phase X' / 'end of phase X'."""
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                self.fail(where, "give a local time without offset; the engagement's timezone applies")
            return value
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            match = PHASE_REF.match(value.strip())
            if match:
                if match.group(2) not in phases:
                    self.fail(where, f"names unknown phase {match.group(2)!r}; phases: {', '.join(phases)}")
                return value.strip()
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(
            where,
            "must be a date (2021-11-23), a local time (2021-11-23T09:00:00) "
            f"or 'end of phase KEY', got {_show(value)}",
        )

    def strings(self, table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(_join(where, key), f"must be a list of non-empty strings, got {_show(value)}")
        return tuple(v.strip() for v in value)

    def array(self, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.fail(key, f"must be an array of tables ([[{key}]]), got {_show(value)}")
        return [self.table(item, f"{key}[{i}]") for i, item in enumerate(value)]


def load_schedule(path: str | Path, plugin_sections: Collection[str] = ()) -> Engagement:
    """Read and validate a schedule file.

    :param path: the TOML schedule.
    :param plugin_sections: names of top-level tables that plugins read
        (``[budget]``, ``[calendar]``); any other unknown table is an error.
    :raises EngageError: naming the file, line and key path of the first problem.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise EngageError(f"{path}: no such schedule file; give an existing .toml file") from None
    except IsADirectoryError:
        raise EngageError(f"{path}: is a folder; give a schedule .toml file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EngageError(f"{path}: cannot read schedule: {_reason(exc)}") from None
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        detail = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", detail)
        if match:
            detail = detail[: match.start()].strip()
            raise EngageError(f"{path}: line {match.group(1)}: invalid TOML: {detail}") from None
        if "end of document" in detail:  # an unclosed string or table: it runs to the last line
            end = text.count("\n") + (not text.endswith("\n"))
            raise EngageError(f"{path}: line {end}: invalid TOML: {detail}") from None
        raise EngageError(f"{path}: invalid TOML: {detail}") from None
    return _build(_Reader(path, text), data, set(plugin_sections))


def _build(r: _Reader, data: Mapping[str, Any], plugin_sections: set[str]) -> Engagement:
    settings: dict[str, dict[str, object]] = {}
    for key, value in data.items():
        if key in TOP_KEYS:
            continue
        if isinstance(value, dict) and key in plugin_sections:
            settings[key] = value
            continue
        if isinstance(value, dict):
            known = ", ".join(sorted(plugin_sections)) or "none loaded"
            r.fail(key, f"unknown table; plugin settings tables: {known}")
        near = difflib.get_close_matches(key, list(TOP_KEYS), n=1)
        r.fail(key, f"unknown key; did you mean '{near[0]}'?" if near else "unknown key")

    ident = r.text(data, "id", "")
    if not KEY_PATTERN.match(ident):
        r.fail("id", f"must be lower-case letters, digits, '-', '_' or '.', got {ident!r}")
    timezone = r.text(data, "timezone", "")
    _check_timezone(r, timezone)
    start = (
        r.date(data.get("start"), "start")
        if "start" in data
        else r.fail("start", "missing; give the first day of the engagement, e.g. 2021-11-16")
    )
    max_days = r.number(data, "max_days", "", most=3660)
    hours_per_day = r.number(data, "hours_per_day", "", most=24, default=8)
    working_days = _working_days(r, data.get("working_days", list(WEEKDAYS[:5])))
    holidays = data.get("holidays")
    if holidays is not None and not (isinstance(holidays, str) and re.fullmatch(r"[A-Za-z]{2,3}", holidays)):
        r.fail("holidays", f"must be a country code such as 'KE', got {_show(holidays)}")
    subdivision = data.get("holidays_subdivision")
    if subdivision is not None and not (isinstance(subdivision, str) and subdivision.strip()):
        r.fail("holidays_subdivision", f"must be a subdivision code string, got {_show(subdivision)}")

    supervisor_table = (
        r.table(data.get("supervisor"), "supervisor")
        if "supervisor" in data
        else r.fail("supervisor", "missing; give a [supervisor] table with name, role and email")
    )
    r.known_keys(supervisor_table, "supervisor", ("name", "role", "email"))
    supervisor = Person(
        name=r.text(supervisor_table, "name", "supervisor", required=False),
        role=r.text(supervisor_table, "role", "supervisor", required=False),
        email=r.text(supervisor_table, "email", "supervisor", required=False),
    )
    if not (supervisor.name or supervisor.role):
        r.fail("supervisor", "give at least a name or a role")
    if supervisor.email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", supervisor.email):
        r.fail("supervisor.email", f"must be an email address, got {supervisor.email!r}")

    phases = _phases(r, data, max_days)
    phase_keys = [p.key for p in phases]
    item_keys: set[str] = set()
    meetings = _meetings(r, data, phase_keys, item_keys)
    deliverables = _deliverables(r, data, phase_keys, item_keys, {m.key for m in meetings})
    deadlines = _deadlines(r, data, item_keys)

    return Engagement(
        id=ident,
        title=r.text(data, "title", ""),
        client=r.text(data, "client", ""),
        timezone=timezone,
        start=start,
        max_days=max_days,
        hours_per_day=hours_per_day,
        working_days=working_days,
        holidays=holidays.upper() if isinstance(holidays, str) else None,
        holidays_subdivision=subdivision.strip() if isinstance(subdivision, str) else None,
        consultants=r.strings(data, "consultants", ""),
        supervisor=supervisor,
        phases=tuple(phases),
        deliverables=tuple(deliverables),
        meetings=tuple(meetings),
        deadlines=tuple(deadlines),
        settings=settings,
        source=r.path,
    )


def _phases(r: _Reader, data: Mapping[str, Any], max_days: Fraction) -> list[Phase]:
    tables = r.array(data, "phases")
    if not tables:
        r.fail("phases", "missing; give at least one [[phases]] table with key, name and days")
    seen: set[str] = set()
    phases = []
    for i, table in enumerate(tables):
        where = f"phases[{i}]"
        r.known_keys(table, where, ("key", "name", "days", "start", "end", "description"))
        start = r.date(table["start"], f"{where}.start") if "start" in table else None
        end = r.date(table["end"], f"{where}.end") if "end" in table else None
        if start and end and end < start:
            r.fail(f"{where}.end", f"{end} is before the phase's start {start}")
        phases.append(
            Phase(
                key=r.key(table, where, seen),
                name=r.text(table, "name", where),
                days=r.number(table, "days", where, most=int(max_days) + 1000),
                start=start,
                end=end,
                description=r.text(table, "description", where, required=False),
            )
        )
    return phases


def _meetings(r: _Reader, data: Mapping[str, Any], phase_keys: list[str], seen: set[str]) -> list[Meeting]:
    meetings = []
    for i, table in enumerate(r.array(data, "meetings")):
        where = f"meetings[{i}]"
        r.known_keys(
            table,
            where,
            ("key", "name", "kind", "phase", "start", "end", "location", "attendees", "description"),
        )
        kind = table.get("kind", "other")
        if kind not in MEETING_KINDS:
            r.fail(f"{where}.kind", f"must be one of {', '.join(MEETING_KINDS)}, got {_show(kind)}")
        phase = _phase_ref(r, table, where, phase_keys, required=False)
        start = r.when(table["start"], f"{where}.start", phase_keys) if "start" in table else None
        end = r.when(table["end"], f"{where}.end", phase_keys) if "end" in table else None
        if end is not None and start is None:
            r.fail(f"{where}.start", "missing; a meeting with an end needs a start")
        if (
            isinstance(start, dt.date)
            and isinstance(end, dt.date)
            and isinstance(start, dt.datetime) == isinstance(end, dt.datetime)
            and end < start
        ):
            r.fail(f"{where}.end", f"{end} is before the meeting's start {start}")
        meetings.append(
            Meeting(
                key=r.key(table, where, seen),
                name=r.text(table, "name", where),
                kind=kind,
                phase=phase,
                start=start,
                end=end,
                location=r.text(table, "location", where, required=False),
                attendees=r.strings(table, "attendees", where),
                description=r.text(table, "description", where, required=False),
            )
        )
    return meetings


def _deliverables(
    r: _Reader,
    data: Mapping[str, Any],
    phase_keys: list[str],
    seen: set[str],
    meeting_keys: set[str],
) -> list[Deliverable]:
    tables = r.array(data, "deliverables")
    all_keys = {str(t.get("key")) for t in tables} | meeting_keys
    deliverables = []
    for i, table in enumerate(tables):
        where = f"deliverables[{i}]"
        r.known_keys(table, where, ("key", "name", "phase", "due", "depends_on", "description"))
        key = r.key(table, where, seen)
        phase = _phase_ref(r, table, where, phase_keys, required=True)
        assert phase is not None
        if "due" not in table:
            r.fail(f"{where}.due", f"missing; give a date or 'end of phase {phase}'")
        depends_on = r.strings(table, "depends_on", where)
        for j, dep in enumerate(depends_on):
            if dep == key:
                r.fail(f"{where}.depends_on[{j}]", "a deliverable cannot depend on itself")
            if dep not in all_keys:
                r.fail(
                    f"{where}.depends_on[{j}]",
                    f"unknown deliverable or meeting {dep!r}; known: {', '.join(sorted(all_keys))}",
                )
        deliverables.append(
            Deliverable(
                key=key,
                name=r.text(table, "name", where),
                phase=phase,
                due=r.when(table["due"], f"{where}.due", phase_keys),
                depends_on=depends_on,
                description=r.text(table, "description", where, required=False),
            )
        )
    _check_cycles(r, deliverables)
    return deliverables


def _deadlines(r: _Reader, data: Mapping[str, Any], seen: set[str]) -> list[Deadline]:
    deadlines = []
    for i, table in enumerate(r.array(data, "deadlines")):
        where = f"deadlines[{i}]"
        r.known_keys(table, where, ("key", "name", "date", "description"))
        value = table.get("date")
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            r.fail(f"{where}.date", "give a local time without offset; the engagement's timezone applies")
        if not isinstance(value, dt.date):
            r.fail(f"{where}.date", f"must be a date or a local time, got {_show(value)}")
        deadlines.append(
            Deadline(
                key=r.key(table, where, seen),
                name=r.text(table, "name", where),
                date=value,
                description=r.text(table, "description", where, required=False),
            )
        )
    return deadlines


def _phase_ref(
    r: _Reader, table: Mapping[str, Any], where: str, phase_keys: list[str], *, required: bool
) -> str | None:
    value = table.get("phase")
    if value is None and not required:
        return None
    if value not in phase_keys:
        r.fail(f"{where}.phase", f"must be one of the phases {', '.join(phase_keys)}, got {_show(value)}")
    return str(value)


def _check_cycles(r: _Reader, deliverables: list[Deliverable]) -> None:
    graph = {d.key: d.depends_on for d in deliverables}

    def visit(key: str, trail: tuple[str, ...]) -> None:
        for dep in graph.get(key, ()):
            if dep in trail:
                index = next(i for i, d in enumerate(deliverables) if d.key == key)
                cycle = " -> ".join((*trail[trail.index(dep) :], dep))
                r.fail(f"deliverables[{index}].depends_on", f"dependencies form a cycle: {cycle}")
            visit(dep, (*trail, dep))

    for deliverable in deliverables:
        visit(deliverable.key, (deliverable.key,))


def _working_days(r: _Reader, value: object) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        r.fail("working_days", f"must be a list of weekdays such as ['mon', 'tue'], got {_show(value)}")
    days = []
    for i, name in enumerate(value):
        short = name.strip().lower()[:3] if isinstance(name, str) else None
        if short not in WEEKDAYS or (isinstance(name, str) and len(name.strip()) < 3):
            r.fail(f"working_days[{i}]", f"must be a weekday such as 'mon', got {_show(name)}")
        iso = WEEKDAYS.index(short) + 1
        if iso in days:
            r.fail(f"working_days[{i}]", f"{name!r} is listed twice")
        days.append(iso)
    return tuple(sorted(days))


def _check_timezone(r: _Reader, name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        r.fail("timezone", f"unknown time zone {name!r}; give an IANA name such as 'Africa/Nairobi'")


def where_in(source: Path | None, key: str) -> str:
    """``FILE: line N: `` for a key of a schedule (for plugins' errors about their settings)."""
    if source is None:
        return ""
    try:
        line = _key_lines(source.read_text(encoding="utf-8")).get(key)
    except (OSError, UnicodeDecodeError):
        line = None
    return f"{source}: line {line}: " if line else f"{source}: "


def _key_lines(text: str) -> dict[str, int]:
    """Map key paths (``phases[2].days``) to the line that sets them.

    tomllib reports lines only for syntax errors; this light scan of headers
    and ``key =`` lines lets validation errors point at a line too.
    """
    lines: dict[str, int] = {}
    counts: dict[str, int] = {}
    prefix = ""
    assign: Callable[[str], re.Match[str] | None] = re.compile(r"^\s*([A-Za-z0-9_\-\"']+)\s*=").match
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        array = re.match(r"^\[\[\s*([^\]]+?)\s*\]\]", stripped)
        table = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
        if array:
            name = array.group(1)
            counts[name] = counts.get(name, -1) + 1
            prefix = f"{name}[{counts[name]}]"
            lines.setdefault(prefix, number)
        elif table:
            prefix = table.group(1)
            lines.setdefault(prefix, number)
        else:
            match = assign(line)
            if match:
                lines.setdefault(_join(prefix, match.group(1).strip("\"'")), number)
    return lines


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _show(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    return str(value)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)
