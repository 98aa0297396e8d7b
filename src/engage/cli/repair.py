"""``engage repair``: seal off what an interrupted write left, and list what only a person can fix."""

from __future__ import annotations

import click

from engage.language import _
from engage.ledger.ledger import Ledger
from engage.ledger.writer import seal
from engage.output.formats import terminal_text
from engage.session import Session, pass_session, refuse_foreign


@click.command()
@pass_session
def repair(session: Session) -> None:
    """Seal an interrupted import or an unfinished last line, so they are no longer reported.

    Nothing is deleted or rewritten: a seal record is appended naming what an
    interrupted write left, which never counted. An import that was
    interrupted can then be run again; it lands whole. Other damaged lines
    (hand edits, merge conflicts) are listed for a person to fix.

    \b
    Example:
      engage repair
    """
    engagement = session.engagement
    path = session.ledger_path
    kinds = session.record_kinds
    refuse_foreign(path, Ledger.read(path, engagement.hours_per_day, kinds).engagements, engagement)
    sealed = seal(path, engagement.hours_per_day, kinds)
    for problem in sealed:
        where = f"{problem.line}-{problem.last_line}" if problem.last_line else str(problem.line)
        said = _("Sealed {path}:{where}: what an interrupted write left (never counted)")
        click.echo(terminal_text(said.format(path=path, where=where)))
    if not sealed:
        click.echo(terminal_text(_("Nothing to seal in {path}").format(path=path)))
    left = Ledger.read(path, engagement.hours_per_day, kinds).problems
    for problem in left:
        click.echo(terminal_text(_("Left for a person to fix: {problem}").format(problem=problem)))


COMMANDS = [repair]
