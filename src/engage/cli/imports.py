"""The ``import`` command: a CSV timesheet or another tracker's file, written all or none."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from engage.cli.log_entry import check_phase
from engage.errors import EngageError
from engage.importing import timesheet
from engage.importing.files import read_file
from engage.judging.usage import cap_line
from engage.ledger import ledger as ledger_file
from engage.ledger.ledger import Ledger, entry_fields
from engage.output.formats import terminal_text
from engage.parsing import format_days, parse_amount, parse_date, plural
from engage.schedule.model import Engagement
from engage.schedule.who import check_place, resolve_consultant
from engage.session import Session, pass_session

F = TypeVar("F", bound=Callable[..., None])


def _bulk(command: F) -> F:
    """Run ``command`` with the cycle collector paused: an import makes 100,000s of objects and no
    cycles, and the collector would only rescan them, again and again, as they pile up."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        paused = gc.isenabled()
        gc.disable()
        try:
            command(*args, **kwargs)
        finally:
            if paused:
                gc.enable()

    return cast(F, run)


@click.command(name="import")
@click.argument("file", type=click.Path(allow_dash=True, path_type=Path))  # a folder: Watson's
@click.option("--allow-duplicates", is_flag=True, help="Import rows identical to entries already logged.")
@click.option(
    "--from",
    "source_format",
    metavar="FORMAT",
    help="Another tracker's file: watson, timewarrior, klog, timedot, toggl, harvest (see 'engage plugins').",
)
@click.option(
    "--map", "maps", multiple=True, metavar="SOURCE=PHASE", help="With --from: a project/tag to a phase."
)
@click.option(
    "--consultant", "-c", "people", multiple=True, metavar="[PERSON=]KEY", help="With --from: who worked."
)
@click.option("--tz", metavar="ZONE", help="With --from: zone of clock times written without one.")
@pass_session
@_bulk
def import_(
    session: Session,
    file: Path,
    allow_duplicates: bool,
    source_format: str | None,
    maps: tuple[str, ...],
    people: tuple[str, ...],
    tz: str | None,
) -> None:
    """Import a timesheet CSV with columns date, phase, days (or hours), consultant, note,
    or with --from, another time tracker's file.

    Every row is checked first: one bad row and nothing is written. The rows
    land whole or not at all, even if engage is killed part way: run it again.
    FILE may be - for standard input. UTF-8, with or without a byte-order mark.
    With --from, items already imported are left out, so importing a file
    again adds only what is new.

    \b
    Examples:
      engage import timesheet.csv
      engage import --from watson frames --map ijm+desk=prep --map ijm=writeup
      engage import --from timewarrior timew.json --map interviews=prep
    """
    engagement = session.engagement
    if source_format is None:
        if maps or people or tz:
            raise EngageError(
                "--map, --consultant and --tz go with --from FORMAT; a CSV timesheet names phases"
            )
        if str(file) != "-":
            from engage.importing.items import guess_format

            guess = guess_format(file)
            if guess:
                raise EngageError(f"{file} looks like a {guess} file; import it with --from {guess} FILE")
        text = timesheet.read_text(file, read_file(file, "a CSV timesheet, or --from FORMAT"))
        records = timesheet_records(engagement, text, file, session.today())
        import_records(session, records, file, allow_duplicates)
        return
    from engage.importing.items import importer_named, parse_maps, parse_people, plan_import

    importer = importer_named(session.plugin_manager, source_format)
    mapping, default = parse_maps(engagement, maps), parse_people(engagement, people)
    plan = plan_import(engagement, importer, file, session.ledger_path, mapping, *default, tz)
    for where in plan.skipped_empty:
        click.echo(f"engage: warning: {where}: no time in it; not imported", err=True)
    if not plan.records:
        click.echo(f"Nothing new in {file}: its {plan.already} entries are already in the ledger")
        return
    import_records(session, plan.records, file, allow_duplicates)
    already = f"; {plan.already} already imported, left out" if plan.already else ""
    click.echo(f"That is {plan.hours_text()} as {importer.name} counts them{already}")


def import_records(
    session: Session, records: list[dict[str, object]], source: Path | str, allow_duplicates: bool
) -> None:
    """The one write path for every import: all or none, rows already logged refused under the lock."""
    engagement = session.engagement
    under_lock: list[Ledger] = []

    def no_repeats(current: Ledger) -> None:
        under_lock[:] = [current]
        if not allow_duplicates:
            _refuse_duplicates(current, records, source)

    no_repeats(session.ledger())  # say so before validating the rest; checked again under the lock
    session.write(records, check=no_repeats)
    with session.after_write(f"the import of {plural(len(records), 'entry', 'entries')}"):
        # The ledger as it stood under the lock, plus what was just written after it: the
        # figures of a full re-read, without reading every new record back.
        total = _days_in(records, engagement.hours_per_day)
        done = (
            f"Imported {plural(len(records), 'entry', 'entries')}, {format_days(total)} days, from {source}"
        )
        click.echo(terminal_text(done))
        click.echo(cap_line(engagement, under_lock[0].days_used() + total))


def _days_in(records: list[dict[str, object]], hours_per_day: Fraction) -> Fraction:
    """Days in new entry records, as the ledger will count them (hours through hours per day)."""
    amounts: dict[tuple[str, str], int] = {}
    for record in records:
        unit = "days" if "days" in record else "hours"
        key = (unit, str(record[unit]))
        amounts[key] = amounts.get(key, 0) + 1
    total = Fraction(0)
    for (unit, text), count in amounts.items():
        value = Fraction(text) * count
        total += value if unit == "days" else value / hours_per_day
    return total


def timesheet_records(
    engagement: Engagement, text: str, file: Path, today: dt.date
) -> list[dict[str, object]]:
    """Ledger records for every row of a timesheet, or an error naming the first bad row.

    A timesheet repeats a few phases, dates, amounts and people over many rows:
    each distinct cell is checked once and its answer reused, so 100,000 rows
    cost little more than reading them. Every row is still checked.
    """
    from engage.output.progress_bar import steps

    headers, found = timesheet.rows(text, file, functools.partial(_check_header, file))
    column = {name: index for index, name in enumerate(headers) if name}

    def cell(cells: list[str], name: str) -> str | None:
        """A row's cell under ``name``; None when there is no such column or the row stops short."""
        index = column.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    amounts: _Answers[tuple[str | None, str | None], dict[str, str]]
    amounts = _Answers(lambda typed: entry_fields(*_row_amount(engagement, typed)))
    phases: _Answers[str, str] = _Answers(lambda typed: check_phase(engagement, typed.strip()))
    dates: _Answers[str, str] = _Answers(lambda typed: parse_date(typed, today).isoformat())
    people: _Answers[str | None, str] = _Answers(lambda typed: resolve_consultant(engagement, typed))
    places: _Answers[str | None, dict[str, str]] = _Answers(lambda typed: _place_field(engagement, typed))
    # One moment for the whole import, and the ids drawn from the OS in one call.
    stamp = ledger_file.new_record("entry")
    ids = os.urandom(6 * len(found)).hex()
    records = []
    for index, (number, cells) in enumerate(steps(found, f"Checking {file.name}", more_than=2000)):
        try:
            amount = amounts[cell(cells, "hours"), cell(cells, "days")]
            phase = phases[cell(cells, "phase") or ""]
            date = dates[cell(cells, "date") or ""]
            consultant = people[cell(cells, "consultant")]
            place = places[cell(cells, "at")]  # an optional column, as log --at
        except EngageError as exc:
            raise EngageError(f"{file}: row {number}: {exc.message}") from None
        records.append(
            {
                "id": ids[12 * index : 12 * index + 12],
                "kind": "entry",
                "recorded_at": stamp["recorded_at"],
                "date": date,
                "phase": phase,
                **amount,
                "consultant": consultant,
                "note": timesheet.unguard(cell(cells, "note") or ""),
                **place,
            }
        )
    if not records:
        raise EngageError(f"{file}: no rows to import below the header")
    return records


def _check_header(file: Path, headers: list[str]) -> None:
    """Refuse a header that names no date, no phase, or neither days nor hours."""
    missing = [c for c in ("date", "phase") if c not in headers] + (
        [] if {"days", "hours"} & set(headers) else ["days or hours"]
    )
    if missing:
        raise EngageError(
            f"{file}: missing column(s) {', '.join(missing)}; "
            "the header row must name date, phase, days (or hours), consultant, note"
        )


_Typed = TypeVar("_Typed")
_Answer = TypeVar("_Answer")


class _Answers(dict[_Typed, _Answer]):
    """What each distinct text typed in a column comes to, worked out the first time it is met."""

    def __init__(self, check: Callable[[_Typed], _Answer]) -> None:
        super().__init__()
        self.check = check

    def __missing__(self, typed: _Typed) -> _Answer:
        answer = self[typed] = self.check(typed)
        return answer


def _place_field(engagement: Engagement, typed: str | None) -> dict[str, str]:
    """The ``at`` field of a row's entry: the place checked, none where the row names none."""
    key = check_place(engagement, typed)
    return {"at": key} if key else {}


def _row_amount(engagement: Engagement, typed: tuple[str | None, str | None]) -> tuple[Fraction, str]:
    """A row's days, or hours; given both, they must agree through the schedule's hours per day.

    ``typed``: the row's hours and days cells, None where it has none.
    """
    hours_text = (typed[0] or "").strip()
    hours_typed = hours_text + "h" if hours_text[-1:].isdigit() else hours_text
    hours = parse_amount(hours_typed) if hours_text else None
    days_text = (typed[1] or "").strip()
    if not days_text and hours is None:
        raise EngageError("no days or hours given")
    if not days_text:
        assert hours is not None
        return hours
    days = parse_amount(days_text)
    if hours is not None:
        as_days = days[0] if days[1] == "days" else days[0] / engagement.hours_per_day
        if hours[0] / engagement.hours_per_day != as_days:
            raise EngageError(
                f"days {days_text} and hours {hours_text} disagree at "
                f"{engagement.hours_per_day} hours a day; give one of them, or both agreeing"
            )
    return days


def _refuse_duplicates(ledger: Ledger, records: list[dict[str, object]], file: Path | str) -> None:
    def signature(r: dict[str, object]) -> tuple[object, ...]:
        get = r.get
        return (get("date"), get("phase"), get("days"), get("hours"), get("consultant"), get("note"))

    stored: dict[tuple[int, str], tuple[str | None, str | None]] = {}

    def stored_as(amount: Fraction, unit: str) -> tuple[str | None, str | None]:
        """(days, hours) exactly as a new record would store the amount; a few amounts recur.

        Keyed by the Fraction object: the reader shares one object among equal
        amounts, and every entry (so every key's object) is alive meanwhile.
        """
        key = (id(amount), unit)
        if key not in stored:
            fields = entry_fields(amount, unit)
            stored[key] = (fields.get("days"), fields.get("hours"))
        return stored[key]

    logged = {
        (e.date.isoformat(), e.phase, *stored_as(e.amount, e.unit), e.consultant, e.note)
        for e in ledger.entries()
    }
    repeats = [r for r in records if signature(r) in logged] if logged else []
    if repeats:
        raise EngageError(
            f"{file}: {len(repeats)} of {plural(len(records), 'row')} "
            f"{'is' if len(repeats) == 1 else 'are'} already in the ledger "
            f"(first: {repeats[0]['date']} {repeats[0]['phase']}); nothing imported. "
            "Pass --allow-duplicates if they are new work"
        )


COMMANDS = [import_]
