"""Commands that write or read time: ``log``, ``entries``, ``void``, ``import``."""

from __future__ import annotations

import datetime as dt
import sys
from fractions import Fraction
from pathlib import Path

import click

from engage import ledger as ledger_file
from engage import timesheet
from engage.errors import EngageError
from engage.figures import cap_summary, usage_of
from engage.ledger import Closing, Entry, Ledger, MeetingOutcome, Record, StatusChange, Void
from engage.model import Engagement
from engage.output import csv_text, json_text, table, terminal_text
from engage.parsing import DATE_HELP, format_days, parse_amount, parse_date, parse_week, plural
from engage.session import Session, pass_session
from engage.who import CONSULTANT_VAR, check_place, consultant_filter, resolve_consultant

__all__ = ["CONSULTANT_VAR", "check_place", "resolve_consultant"]  # importers read them here too

def check_phase(engagement: Engagement, key: str) -> str:
    """The phase key, or an error listing the phases there are."""
    keys = [p.key for p in engagement.phases]
    if key not in keys:
        raise EngageError(f"unknown phase {key!r}; phases of {engagement.id}: {', '.join(keys)}")
    return key


def entry_fields(amount: Fraction, unit: str) -> dict[str, str]:
    """How an amount is stored, exactly: "1.5" days, "4" hours, or "4/3" hours for 1h20m."""
    decimal = str(float(amount))
    text = decimal if Fraction(decimal) == amount else f"{amount.numerator}/{amount.denominator}"
    return {unit: text.removesuffix(".0")}


@click.command()
@click.argument("days", metavar="DAYS")
@click.option("--phase", "-p", required=True, help="The phase key (see 'engage show').")
@click.option("--date", "-d", "day", default="today", show_default=True, help=DATE_HELP + ".")
@click.option("--note", "-n", default="", help="What the time was spent on.")
@click.option(
    "--consultant",
    "-c",
    help="Who worked: a key or name from the schedule (default: $ENGAGE_CONSULTANT, else its only one).",
)
@click.option("--at", "at", help="Where the work was done: a [locations] key (default: the phase's, …).")
@pass_session
def log(
    session: Session, days: str, phase: str, day: str, note: str, consultant: str | None, at: str | None
) -> None:
    """Log time against a phase: DAYS is 1, 0.5, .25, or hours such as 4h, 30m, 1h30m.

    The entry is always recorded, even past the budget; warnings say so.

    \b
    Examples:
      engage log 1.5 --phase prep --note "desk review"
      engage log 4h --phase prep --date yesterday
    """
    engagement = session.engagement
    amount, unit = parse_amount(days)
    check_phase(engagement, phase)
    place = check_place(engagement, at)
    date = parse_date(day, session.today())
    record = ledger_file.new_record(
        "entry",
        date=date.isoformat(),
        phase=phase,
        **entry_fields(amount, unit),
        consultant=resolve_consultant(engagement, consultant),
        note=note,
        **({"at": place} if place else {}),
    )
    entry = read_record(record, engagement)
    session.validate()
    ledger = session.ledger()
    after = Ledger(ledger.path, [*ledger.records, entry], ledger.problems)
    lines, failure = session.preview(lambda: _after_log(session, engagement, entry, after))
    session.write([record])
    click.echo(f"Logged {format_days(entry.days)} days to {phase} on {date} (entry {entry.id})")
    with session.after_write(f"entry {entry.id}"):
        if failure:
            raise failure
        for line in lines or ():
            click.echo(terminal_text(line))


def read_record(record: dict[str, object], engagement: Engagement) -> Entry:
    """A new record as the ledger will read it back."""
    from engage.ledger_read import KINDS

    entry = KINDS["entry"](record, 0, engagement.hours_per_day)
    assert isinstance(entry, Entry)
    return entry


def _after_log(session: Session, engagement: Engagement, entry: Entry, ledger: Ledger) -> list[str]:
    """The phase's usage and what plugins say about a new entry."""
    lines = [usage_of(engagement, ledger, entry.phase).summary()]
    hook = session.plugin_manager.hook
    for said in hook.engage_after_log(engagement=engagement, entry=entry, ledger=ledger):
        lines.extend(said or ())
    return lines


@click.command()
@click.option("--week", "-w", help="Only this ISO week, e.g. 2021-W47.")
@click.option("--phase", "-p", help="Only this phase.")
@click.option("--consultant", "-c", help="Only this consultant's (a key or name).")
@click.option("--all", "-a", "show_all", is_flag=True, help="Include voided entries.")
@click.option(
    "--format",
    "fmt",
    default="plain",
    show_default=True,
    help="plain, json, csv, or another tracker's: timedot, taskjuggler, watson (see 'engage plugins').",
)
@pass_session
def entries(
    session: Session, week: str | None, phase: str | None, consultant: str | None, show_all: bool, fmt: str
) -> None:
    """List logged time, oldest first; voided entries only with --all.

    \b
    Examples:
      engage entries --week 2021-W46 --format csv > week46.csv
      engage entries --consultant lead
      engage entries --format timedot > engage.timedot    # for hledger
      engage entries --format watson > frames              # for Watson
    """
    engagement = session.engagement
    exporter = None
    if fmt not in ("plain", "json", "csv"):
        from engage.importing import exporters

        known = exporters(session.plugin_manager)
        exporter = known.get(fmt)
        if exporter is None or show_all:
            raise EngageError(
                f"--format {fmt!r}: give one of plain, json, csv, {', '.join(sorted(known))}"
                if exporter is None
                else f"--format {fmt} writes only entries that count; leave out --all"
            )
    if phase is not None:
        check_phase(engagement, phase)
    who = consultant_filter(engagement, consultant)
    span = parse_week(week) if week else None
    ledger = session.ledger()
    chosen = [
        e
        for e in ledger.entries(include_voided=show_all)
        if (phase is None or e.phase == phase)
        and (span is None or span[0] <= e.date <= span[1])
        and (who is None or who(e.consultant))
    ]
    if exporter is not None:
        click.echo(exporter.write(engagement, chosen), nl=False)
        return
    if fmt == "json":
        click.echo(
            json_text(
                [{**e.as_dict(), "voided": ledger.is_void(e.id)} if show_all else e.as_dict() for e in chosen]
            )
        )
        return
    headers = ["id", "date", "phase", "days", "consultant", "note"] + (["voided"] if show_all else [])
    rows = [
        [e.id, e.date, e.phase, format_days(e.days), e.consultant, e.note]
        + (["voided" if ledger.is_void(e.id) else ""] if show_all else [])
        for e in chosen
    ]
    if fmt == "csv":
        click.echo(csv_text(headers, rows), nl=False)
        return
    click.echo(table(headers, [[*row[:5], str(row[5]).replace("\n", " ⏎ "), *row[6:]] for row in rows]))
    live = [e for e in chosen if not ledger.is_void(e.id)]
    total = sum((e.days for e in live), start=Fraction(0))
    click.echo(f"{plural(len(chosen), 'entry', 'entries')}, {format_days(total)} days")
    today = session.today()
    ahead = [e for e in live if e.date > today]
    if ahead:  # counted as status and budget count them: from their date on
        days = format_days(sum((e.days for e in ahead), start=Fraction(0)))
        click.echo(
            f"{plural(len(ahead), 'entry', 'entries')} ({days} days) dated after today ({today}): "
            "not counted by status or budget until their date"
        )


@click.command()
@click.argument("record_id", metavar="ENTRY_ID")
@click.option("--reason", "-r", default="", help="Why it is voided (kept in the ledger).")
@pass_session
def void(session: Session, record_id: str, reason: str) -> None:
    """Cancel an entry (or a deliverable status, or a meeting outcome) by its id.

    Nothing is deleted: a void record is appended, so the history stays.

    \b
    Example:
      engage void 3f2a9c1b --reason "logged twice"
    """
    engagement = session.engagement
    ledger = session.ledger()
    record = ledger.find(record_id)

    def still_voidable(current: Ledger) -> None:  # under the lock: two voids of one id cannot both land
        found = current.find(record.id)
        if isinstance(found, Void):
            raise EngageError(f"{found.id} is itself a void; to restore {found.target}, log it again")
        if current.is_void(found.id):
            raise EngageError(f"{found.id} is already voided (by {current.voids[found.id].id})")

    still_voidable(ledger)
    assert not isinstance(record, Void)
    session.write([ledger_file.new_record("void", target=record.id, reason=reason)], check=still_voidable)
    click.echo(terminal_text(f"Voided {describe_record(record)}"))
    with session.after_write(f"the void of {record.id}"):
        if isinstance(record, Entry) and record.phase in {p.key for p in engagement.phases}:
            click.echo(usage_of(engagement, session.ledger(), record.phase).summary())


def describe_record(record: Record) -> str:
    """One line about a record, for confirmations."""
    if isinstance(record, Entry):
        return f"entry {record.id}: {format_days(record.days)} days on {record.phase}, {record.date}"
    if isinstance(record, StatusChange):
        return f"status {record.id}: {record.deliverable} {record.status} on {record.date}"
    if isinstance(record, Closing):
        return f"closing {record.id}: {record.outcome} on {record.date} (the engagement is open again)"
    if isinstance(record, MeetingOutcome):
        return f"outcome {record.id}: {record.meeting} {record.outcome} on {record.date}"
    from engage.plugins import get_plugin_manager, plugin_record_kinds

    for kind in plugin_record_kinds(get_plugin_manager()).values():
        if kind.describe is not None and kind.name == getattr(record, "kind", None):
            return str(kind.describe(record))
    return f"record {record.id}"


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
            from engage.importing import guess_format

            guess = guess_format(file)
            if guess:
                raise EngageError(f"{file} looks like a {guess} file; import it with --from {guess} FILE")
        text = timesheet.read_text(file, _read_bytes(file))
        records = timesheet_records(engagement, text, file, session.today())
        import_records(session, records, file, allow_duplicates)
        return
    from engage.importing import importer_named, parse_maps, parse_people, plan_import

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


def _read_bytes(file: Path) -> bytes:
    """A file's bytes, or standard input's for ``-``."""
    if str(file) == "-":
        return sys.stdin.buffer.read()
    try:
        return file.read_bytes()
    except FileNotFoundError:
        raise EngageError(f"{file}: no such file; give a CSV timesheet") from None
    except IsADirectoryError:
        raise EngageError(f"{file}: is a folder; give a CSV timesheet, or --from FORMAT") from None
    except OSError as exc:
        raise EngageError(f"{file}: cannot read: {exc.strerror or exc}") from None


def import_records(
    session: Session, records: list[dict[str, object]], source: Path | str, allow_duplicates: bool
) -> None:
    """The one write path for every import: all or none, rows already logged refused under the lock."""
    engagement = session.engagement

    def no_repeats(current: Ledger) -> None:
        if not allow_duplicates:
            _refuse_duplicates(current, records, source)

    no_repeats(session.ledger())  # say so before validating the rest; checked again under the lock
    session.write(records, check=no_repeats)
    with session.after_write(f"the import of {len(records)} entries"):
        ledger = session.ledger()
        imported = {r["id"] for r in records}
        total = sum((e.days for e in ledger.entries() if e.id in imported), start=Fraction(0))
        done = (
            f"Imported {plural(len(records), 'entry', 'entries')}, {format_days(total)} days, from {source}"
        )
        click.echo(terminal_text(done))
        click.echo(cap_summary(engagement, ledger))


def timesheet_records(
    engagement: Engagement, text: str, file: Path, today: dt.date
) -> list[dict[str, object]]:
    """Ledger records for every row of a timesheet, or an error naming the first bad row."""

    def check_header(headers: list[str]) -> None:
        missing = [c for c in ("date", "phase") if c not in headers] + (
            [] if {"days", "hours"} & set(headers) else ["days or hours"]
        )
        if missing:
            raise EngageError(
                f"{file}: missing column(s) {', '.join(missing)}; "
                "the header row must name date, phase, days (or hours), consultant, note"
            )

    _, found = timesheet.rows(text, file, check_header)
    records = []
    for number, row in found:
        try:
            amount, unit = _row_amount(engagement, row)
            phase = check_phase(engagement, (row.get("phase") or "").strip())
            date = parse_date(row.get("date") or "", today)
            consultant = resolve_consultant(engagement, row.get("consultant"))
            place = check_place(engagement, row.get("at"))  # an optional column, as log --at
        except EngageError as exc:
            raise EngageError(f"{file}: row {number}: {exc.message}") from None
        records.append(
            ledger_file.new_record(
                "entry",
                date=date.isoformat(),
                phase=phase,
                **entry_fields(amount, unit),
                consultant=consultant,
                note=timesheet.unguard(row.get("note") or ""),
                **({"at": place} if place else {}),
            )
        )
    if not records:
        raise EngageError(f"{file}: no rows to import below the header")
    return records


def _row_amount(engagement: Engagement, row: dict[str, str]) -> tuple[Fraction, str]:
    """A row's days, or hours; given both, they must agree through the schedule's hours per day."""
    hours_text = (row.get("hours") or "").strip()
    hours_typed = hours_text + "h" if hours_text[-1:].isdigit() else hours_text
    hours = parse_amount(hours_typed) if hours_text else None
    days_text = (row.get("days") or "").strip()
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
    def signature(fields: dict[str, object]) -> tuple[object, ...]:
        return tuple(fields.get(k) for k in ("date", "phase", "days", "hours", "consultant", "note"))

    logged = {
        signature(
            {
                "date": e.date.isoformat(),
                "phase": e.phase,
                **entry_fields(e.amount, e.unit),  # stored exactly as a new record would be
                "consultant": e.consultant,
                "note": e.note,
            }
        )
        for e in ledger.entries()
    }
    repeats = [r for r in records if signature(r) in logged]
    if repeats:
        raise EngageError(
            f"{file}: {len(repeats)} of {len(records)} rows are already in the ledger "
            f"(first: {repeats[0]['date']} {repeats[0]['phase']}); nothing imported. "
            "Pass --allow-duplicates if they are new work"
        )


COMMANDS = [log, entries, void, import_]
