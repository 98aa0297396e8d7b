"""Reading a schedule's TOML values with errors that name file, line and key path."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, NoReturn

from engage.errors import EngageError
from engage.language import N_, _
from engage.schedule.model import When
from engage.schedule.rules import RULE_HELP, parse_rule

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
NON_EMPTY = N_("a non-empty string")

TOP_KEYS = {
    "id": N_("a short identifier such as 'ijm-kenya-pap-2021'"),
    "title": N_("the assignment's title"),
    "client": N_("the organisation that hires"),
    "timezone": N_("an IANA time zone such as 'Africa/Nairobi'"),
    "start": N_("the first day of the engagement, e.g. 2021-11-16"),
    "max_days": N_("the cap on total days"),
    "hours_per_day": N_("hours in a working day (default 8)"),
    "working_days": N_("weekdays worked, e.g. ['mon', 'tue', 'wed', 'thu', 'fri']"),
    "holidays": N_("a country code for public holidays, e.g. 'KE', or a list such as ['FR', 'CH-GE']"),
    "holidays_subdivision": N_("a subdivision code for public holidays"),
    "due_on_non_working_day": N_("'next', 'previous' or 'keep'"),
    "consultants": N_("the consultants' names, or [[consultants]] tables with key, name, role, email, days"),
    "locations": N_("[locations.KEY] tables with timezone, working_days and holidays"),
    "contacts": N_("[[contacts]] tables with name, role, email and receives"),
    "period": N_("the contract's span, e.g. { start = 2021-11-01, end = 2021-12-31 }"),
    "intermittent": N_("true when the days are spread over the period"),
    "language": N_('the ToR\'s language as a BCP 47 tag, such as "fr", "es" or "fr-SN"'),
    "supervisor": N_("a table with name, role, email"),
    "dates": N_("a [dates] table of named dates, e.g. award = 2004-01-05 or award = 'to be agreed'"),
    "deliverables_defaults": N_("a table with review_days and revision_days"),
    "phases": N_("[[phases]] tables"),
    "deliverables": N_("[[deliverables]] tables"),
    "meetings": N_("[[meetings]] tables"),
    "deadlines": N_("[[deadlines]] tables"),
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
            self.fail(where, _("must be a table, got {value}").format(value=show(value)))
        return value

    def known_keys(self, table: Mapping[str, Any], where: str, allowed: Collection[str]) -> None:
        for key in table:
            if key not in allowed:
                import difflib

                near = difflib.get_close_matches(key, list(allowed), n=1)
                if near:
                    problem = _("unknown key; did you mean '{key}'?").format(key=near[0])
                else:
                    problem = _("unknown key; known keys: {keys}").format(keys=", ".join(allowed))
                self.fail(join(where, key), problem)

    def text(self, table: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
        value = table.get(key)
        hint = _(TOP_KEYS.get(key, NON_EMPTY) if not where else NON_EMPTY)
        if value is None:
            if required:
                self.fail(join(where, key), _("missing; give {hint}").format(hint=hint))
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(join(where, key), _("must be {hint}, got {value}").format(hint=hint, value=show(value)))
        return value.strip()

    def key(self, table: Mapping[str, Any], where: str, seen: set[str]) -> str:
        value = self.text(table, "key", where)
        if not KEY_PATTERN.match(value):
            self.fail(join(where, "key"), key_problem(value))
        if value in seen:
            self.fail(
                join(where, "key"), _("{key} is used twice; keys must be unique").format(key=repr(value))
            )
        seen.add(value)
        return value

    def number(
        self, table: Mapping[str, Any], key: str, where: str, *, most: int, default: int | None = None
    ) -> Fraction:
        value = table.get(key, default)
        path = join(where, key)
        if value is None:
            self.fail(path, _("missing; it must be a positive number"))
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, _("must be a positive number, got {value}").format(value=show(value)))
        if value != value or value in (float("inf"), float("-inf")):
            self.fail(path, _("must be a positive number, got {value}").format(value=value))
        amount = Fraction(str(value))
        if amount <= 0:
            self.fail(path, _("must be a positive number, got {value}").format(value=value))
        if amount > most:
            self.fail(path, _("must be at most {most}, got {value}").format(most=most, value=value))
        return amount

    def date(self, value: object, where: str) -> dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
            self.fail(where, _("must be a date such as 2021-11-23, got {value}").format(value=show(value)))
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                self.fail(
                    where, _("must be a date such as 2021-11-23, got {value}").format(value=repr(value))
                )
        return value

    def when(self, value: object, where: str, *, timed: bool = True) -> When:
        """A date, a local date-time (where ``timed``), or a rule such as '5 working days after start'.

        Only the rule's grammar is checked here; what it names is checked once the
        whole schedule is read (``engage.schedule.references``).
        """
        if isinstance(value, dt.datetime):
            if not timed:
                self.fail(
                    where, _("must be {hint}, got a time {value}").format(hint=_(RULE_HELP), value=value)
                )
            if value.tzinfo is not None:
                self.fail(where, _("give a local time without offset; the engagement's timezone applies"))
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
                self.fail(where, _("{problem}; give {hint}").format(problem=exc, hint=_(RULE_HELP)))
        self.fail(where, _("must be {hint}, got {value}").format(hint=_(RULE_HELP), value=show(value)))

    def whole(self, table: Mapping[str, Any], key: str, where: str, default: int) -> int:
        """A whole number of days, zero or more (a review or revision allowance)."""
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 366:
            self.fail(
                join(where, key),
                _("must be a whole number of working days from 0 to 366, got {value}").format(
                    value=show(value)
                ),
            )
        return value

    def strings(self, table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(
                join(where, key),
                _("must be a list of non-empty strings, got {value}").format(value=show(value)),
            )
        return tuple(v.strip() for v in value)

    def array(self, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.fail(
                key,
                _("must be an array of tables ([[{key}]]), got {value}").format(key=key, value=show(value)),
            )
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


def one_of(choices: Collection[str], value: object) -> str:
    """``must be one of a, b, c, got 'x'``."""
    return _("must be one of {choices}, got {value}").format(choices=", ".join(choices), value=show(value))


def email_problem(value: str) -> str:
    """``must be an email address, got 'x'``."""
    return _("must be an email address, got {value}").format(value=repr(value))


def key_problem(value: str) -> str:
    """What is wrong with a key that is not lower-case letters, digits, '-', '_' or '.'."""
    return _("must be lower-case letters, digits, '-', '_' or '.', got {value}").format(value=repr(value))


def show(value: object) -> str:
    """A TOML value as an error names it: ``'x'``, ``nothing``, ``a table``, ``true (a boolean)``."""
    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return _("{value} (a boolean)").format(value=str(value).lower())
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return _("a table")
    if isinstance(value, list):
        return _("a list") if value else _("an empty list")
    return str(value)


def reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)
