"""The ``import`` command: a CSV timesheet or another tracker's file, written all or none."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from engage.errors import EngageError
from engage.importing import timesheet
from engage.importing.batch import days_in, refuse_duplicates
from engage.importing.files import read_file
from engage.importing.timesheet_rows import timesheet_records
from engage.judging.usage import cap_line
from engage.ledger.ledger import Ledger
from engage.output.formats import terminal_text
from engage.parsing import format_days, plural
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
            refuse_duplicates(current, records, source)

    no_repeats(session.ledger())  # say so before validating the rest; checked again under the lock
    session.write(records, check=no_repeats)
    with session.after_write(f"the import of {plural(len(records), 'entry', 'entries')}"):
        # The ledger as it stood under the lock, plus what was just written after it: the
        # figures of a full re-read, without reading every new record back.
        total = days_in(records, engagement.hours_per_day)
        done = (
            f"Imported {plural(len(records), 'entry', 'entries')}, {format_days(total)} days, from {source}"
        )
        click.echo(terminal_text(done))
        click.echo(cap_line(engagement, under_lock[0].days_used() + total))


COMMANDS = [import_]
