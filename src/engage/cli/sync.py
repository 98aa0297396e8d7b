"""``engage sync`` and ``engage sync init``: one ledger for a team, over git."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from engage.language import _
from engage.output.formats import terminal_text
from engage.session import Session, pass_session, warn

if TYPE_CHECKING:
    from engage.sync.run import Outcome, Plan


@click.group(invoke_without_command=True)
@pass_session
@click.pass_context
def sync(ctx: click.Context, session: Session) -> None:
    """Share this engagement's ledger with the team: commit, fetch, merge, push.

    The engagement's folder is (or is inside) a git repository, set up once
    with 'engage sync init'. What you recorded is committed with a message
    saying what ("ann: 1.5 days, draft submitted"); the others' records are
    merged in, each once (the ledger never conflicts); then it is pushed.
    Offline, it commits here and pushes next time.

    \b
    Examples:
      engage sync init git@github.com:org/geo-lima.git
      engage sync
    """
    if ctx.invoked_subcommand is None:
        from engage.sync.run import sync as run

        _report(run(_plan(session)))


@sync.command("init")
@click.argument("remote", required=False)
@pass_session
def init(session: Session, remote: str | None) -> None:
    """Make the engagement's folder a shared repository, with engage's ledger merge.

    Sets up git's merge driver for ledgers (each record once, never a conflict),
    a .gitattributes naming it and a .gitignore for locks, commits, and pushes to
    REMOTE when given: a repository on any git host, or a bare repository on a
    file server ('git init --bare //server/share/geo.git').

    \b
    Example:
      engage sync init git@github.com:org/geo-lima.git
    """
    from engage.sync.run import init as run

    plan = _plan(session)
    outcome = run(plan, remote)
    _report(outcome)
    from engage.sync.git import repository_of

    root = repository_of(plan.schedule.parent) or plan.schedule.parent
    inside = plan.schedule.parent.resolve().relative_to(root.resolve()).as_posix()
    folder = _("the clone") + ("" if inside == "." else f"/{inside}")
    click.echo(
        _("Teammates join with: git clone {remote}, then engage sync in {folder}").format(
            remote=remote or "REMOTE", folder=folder
        )
    )


def _plan(session: Session) -> Plan:
    from engage.settings.lookup import setting
    from engage.sync.run import Plan

    engagement = session.engagement
    person = _person(session)
    email = setting("user.email") or f"{person.replace(' ', '.')}@engage.invalid"
    return Plan(
        schedule=session.schedule_path,
        ledger=session.ledger_path,
        hours_per_day=engagement.hours_per_day,
        person=person,
        email=email,
        say=click.echo,
    )


def _person(session: Session) -> str:
    """Who is syncing, as their records name them (``by``); "someone" when nobody is known."""
    from engage.schedule.lookup import acting_consultant

    return acting_consultant(session.engagement) or "someone"


def _report(outcome: Outcome) -> None:
    for who, what in outcome.sent.items():
        click.echo(terminal_text(_("Committed: {who}: {what}").format(who=who, what=what)))
    for who, what in outcome.received.items():
        click.echo(terminal_text(_("From {who}: {what}").format(who=who, what=what)))
    if outcome.merged:
        merged = ", ".join(outcome.merged)
        said = _("Merged from {remote}: {merged}").format(remote=outcome.remote, merged=merged)
        click.echo(terminal_text(said))
    if not outcome.remote:
        if not outcome.sent:
            click.echo(_("Nothing new to commit"))
        warn(_("no remote: committed here only; add one with engage sync init REMOTE"))
    elif outcome.offline:
        warn(
            terminal_text(
                _(
                    "{remote} cannot be reached ({reason}); what is committed here is pushed "
                    "by the next engage sync"
                ).format(remote=outcome.remote, reason=outcome.offline)
            )
        )
    elif outcome.pushed:
        click.echo(_("Pushed to {remote}").format(remote=outcome.remote))
    elif not (outcome.sent or outcome.received or outcome.merged):
        click.echo(_("Up to date with {remote}").format(remote=outcome.remote))


COMMANDS = [sync]
