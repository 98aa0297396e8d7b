"""The ``import`` command: a CSV timesheet or another tracker's file, written all or none."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from engage.cli.log_entry import days_count
from engage.errors import EngageError
from engage.importing import timesheet
from engage.importing.batch import days_in, refuse_duplicates
from engage.importing.files import read_file
from engage.importing.timesheet_rows import timesheet_records
from engage.judging.usage import cap_line
from engage.language import _, ngettext
from engage.ledger.ledger import Ledger
from engage.output.formats import terminal_text
from engage.session import Session, pass_session, warn

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
@click.option(
    "--allow-duplicates",
    is_flag=True,
    help="Import rows identical to entries already logged (new work that looks the same). "
    "With --from, an item already imported from the tracker is still left out: never imported twice.",
)
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
    again adds only what is new; which are new is decided under the ledger's
    lock, so imports run at once add each item once, --allow-duplicates or not.

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
                _("--map, --consultant and --tz go with --from FORMAT; a CSV timesheet names phases")
            )
        if str(file) != "-":
            from engage.importing.items import guess_format

            guess = guess_format(file)
            if guess:
                raise EngageError(
                    _("{file} looks like a {format} file; import it with --from {format} FILE").format(
                        file=file, format=guess
                    )
                )
        text = timesheet.read_text(file, read_file(file, _("a CSV timesheet, or --from FORMAT")))
        records = timesheet_records(engagement, text, file, session.today())
        import_records(session, records, file, allow_duplicates)
        return
    from engage.importing.items import hours_text, importer_named, parse_maps, parse_people, plan_import

    importer = importer_named(session.plugin_manager, source_format)
    mapping, default = parse_maps(engagement, maps), parse_people(engagement, people)
    plan = plan_import(engagement, importer, file, mapping, *default, tz)
    for where in plan.skipped_empty:
        warn(_("{where}: no time in it; not imported").format(where=where))
    written, already = import_records(session, plan.records, file, allow_duplicates, plan.new_in)
    if not written:
        if already:
            said = ngettext(
                "Nothing new in {file}: {count} entry from it is already in the ledger",
                "Nothing new in {file}: {count} entries from it are already in the ledger",
                already,
            )
            click.echo(said.format(file=file, count=already))
        else:
            click.echo(_("Nothing new in {file}: none of its items holds any time").format(file=file))
        return
    left_out = _("; {count} already imported, left out").format(count=already) if already else ""
    click.echo(
        _("That is {hours} as {tracker} counts them{left_out}").format(
            hours=hours_text(written), tracker=importer.name, left_out=left_out
        )
    )


New = Callable[[Ledger], tuple[list[dict[str, object]], int]]


def import_records(
    session: Session,
    records: list[dict[str, object]],
    source: Path | str,
    allow_duplicates: bool,
    new_in: New | None = None,
) -> tuple[list[dict[str, object]], int]:
    """The one write path for every import: all or none, decided under the lock; returns what it
    wrote and how many records it left out as already imported.

    ``new_in`` (another tracker's items: :meth:`ImportPlan.new_in`) says which
    of ``records`` the ledger does not count yet; it is asked under the lock,
    with the ledger as it stands there, so an import killed before its commit
    lands whole when run again and imports run at once add each item once.
    Rows identical to entries already logged are refused unless
    ``allow_duplicates``; the source check is made all the same.
    """
    engagement = session.engagement
    under_lock: list[Ledger] = []
    chosen = list(records)  # the very list the writer writes: narrowed under the lock, in place
    already = [0]

    def check(current: Ledger) -> None:
        under_lock[:] = [current]
        if new_in is not None:
            chosen[:], already[0] = new_in(current)
        if not allow_duplicates and chosen:
            refuse_duplicates(current, chosen, source)

    check(session.ledger())  # say so before taking the lock; decided again under it
    if not chosen:
        return [], already[0]
    session.write(chosen, check=check)
    if not chosen:  # another import added them meanwhile
        return [], already[0]
    records = chosen
    count = len(records)
    what = ngettext("the import of {count} entry", "the import of {count} entries", count).format(count=count)
    with session.after_write(what):
        # The ledger as it stood under the lock, plus what was just written after it: the
        # figures of a full re-read, without reading every new record back.
        total = days_in(records, engagement.hours_per_day)
        done = ngettext(
            "Imported {count} entry, {days}, from {source}",
            "Imported {count} entries, {days}, from {source}",
            count,
        ).format(count=count, days=days_count(total), source=source)
        click.echo(terminal_text(done))
        click.echo(cap_line(engagement, under_lock[0].days_used() + total))
    return records, already[0]


COMMANDS = [import_]
