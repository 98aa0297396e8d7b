"""Reading a schedule's TOML values with errors that name file, line and key path."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, NoReturn

from engage.errors import EngageError
from engage.schedule.model import When
from engage.schedule.rules import RULE_HELP, parse_rule

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
TOP_KEYS = {
    "id": "a short identifier such as 'ijm-kenya-pap-2021'",
    "title": "the assignment's title",
    "client": "the organisation that hires",
    "timezone": "an IANA time zone such as 'Africa/Nairobi'",
    "start": "the first day of the engagement, e.g. 2021-11-16",
    "max_days": "the cap on total days",
    "hours_per_day": "hours in a working day (default 8)",
    "working_days": "weekdays worked, e.g. ['mon', 'tue', 'wed', 'thu', 'fri']",
    "holidays": "a country code for public holidays, e.g. 'KE', or a list such as ['FR', 'CH-GE']",
    "holidays_subdivision": "a subdivision code for public holidays",
    "due_on_non_working_day": "'next', 'previous' or 'keep'",
    "consultants": "the consultants' names, or [[consultants]] tables with key, name, role, email, days",
    "locations": "[locations.KEY] tables with timezone, working_days and holidays",
    "contacts": "[[contacts]] tables with name, role, email and receives",
    "period": "the contract's span, e.g. { start = 2021-11-01, end = 2021-12-31 }",
    "intermittent": "true when the days are spread over the period",
    "language": 'the ToR\'s language as a BCP 47 tag, such as "fr", "es" or "fr-SN"',
    "supervisor": "a table with name, role, email",
    "dates": "a [dates] table of named dates, e.g. award = 2004-01-05 or award = 'to be agreed'",
    "deliverables_defaults": "a table with review_days and revision_days",
    "phases": "[[phases]] tables",
    "deliverables": "[[deliverables]] tables",
    "meetings": "[[meetings]] tables",
    "deadlines": "[[deadlines]] tables",
}


class Reader:
    """Validates one schedule's parsed TOML, raising errors that locate the key."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.source_text = text

    def fail(self, where: str, problem: str) -> NoReturn:
        lines = key_lines(self.source_text)  # only an error needs line numbers
        line = lines.get(where) or lines.get(re.sub(r"\[\d+\]$", "", where))
        line = line or lines.get(where.rsplit(".", 1)[0])
        at = f"{self.path}: line {line}: " if line else f"{self.path}: "
        raise EngageError(f"{at}{where}: {problem}")

    def table(self, value: object, where: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, f"must be a table, got {show(value)}")
        return value

    def known_keys(self, table: Mapping[str, Any], where: str, allowed: Collection[str]) -> None:
        for key in table:
            if key not in allowed:
                import difflib

                near = difflib.get_close_matches(key, list(allowed), n=1)
                hint = f"did you mean '{near[0]}'?" if near else "known keys: " + ", ".join(allowed)
                self.fail(join(where, key), f"unknown key; {hint}")

    def text(self, table: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
        value = table.get(key)
        hint = TOP_KEYS.get(key, "a non-empty string") if not where else "a non-empty string"
        if value is None:
            if required:
                self.fail(join(where, key), f"missing; give {hint}")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(join(where, key), f"must be {hint}, got {show(value)}")
        return value.strip()

    def key(self, table: Mapping[str, Any], where: str, seen: set[str]) -> str:
        value = self.text(table, "key", where)
        if not KEY_PATTERN.match(value):
            self.fail(
                join(where, "key"),
                f"must be lower-case letters, digits, '-', '_' or '.', got {value!r}",
            )
        if value in seen:
            self.fail(join(where, "key"), f"{value!r} is used twice; keys must be unique")
        seen.add(value)
        return value

    def number(
        self, table: Mapping[str, Any], key: str, where: str, *, most: int, default: int | None = None
    ) -> Fraction:
        value = table.get(key, default)
        path = join(where, key)
        if value is None:
            self.fail(path, "missing; it must be a positive number")
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, f"must be a positive number, got {show(value)}")
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
            self.fail(where, f"must be a date such as 2021-11-23, got {show(value)}")
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                self.fail(where, f"must be a date such as 2021-11-23, got {value!r}")
        return value

    def when(self, value: object, where: str, *, timed: bool = True) -> When:
        """A date, a local date-time (where ``timed``), or a rule such as '5 working days after start'.

        Only the rule's grammar is checked here; what it names is checked once the
        whole schedule is read (``engage.schedule.references``).
        """
        if isinstance(value, dt.datetime):
            if not timed:
                self.fail(where, f"must be {RULE_HELP}, got a time {value}")
            if value.tzinfo is not None:
                self.fail(where, "give a local time without offset; the engagement's timezone applies")
            return value
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and value.strip():
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
            try:
                return parse_rule(value)
            except ValueError as exc:
                self.fail(where, f"{exc}; give {RULE_HELP}")
        self.fail(where, f"must be {RULE_HELP}, got {show(value)}")

    def whole(self, table: Mapping[str, Any], key: str, where: str, default: int) -> int:
        """A whole number of days, zero or more (a review or revision allowance)."""
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 366:
            self.fail(
                join(where, key), f"must be a whole number of working days from 0 to 366, got {show(value)}"
            )
        return value

    def strings(self, table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(join(where, key), f"must be a list of non-empty strings, got {show(value)}")
        return tuple(v.strip() for v in value)

    def array(self, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.fail(key, f"must be an array of tables ([[{key}]]), got {show(value)}")
        return [self.table(item, f"{key}[{i}]") for i, item in enumerate(value)]


def where_in(source: Path | None, key: str) -> str:
    """``FILE: line N: `` for a key of a schedule (for plugins' errors about their settings)."""
    if source is None:
        return ""
    try:
        line = key_lines(source.read_text(encoding="utf-8")).get(key)
    except (OSError, UnicodeDecodeError):
        line = None
    return f"{source}: line {line}: " if line else f"{source}: "


def key_lines(text: str) -> dict[str, int]:
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
                lines.setdefault(join(prefix, match.group(1).strip("\"'")), number)
    return lines


def join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def show(value: object) -> str:
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


def reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)
