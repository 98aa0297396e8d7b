"""The ``engage budget`` command."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import click

from engage import (
    DATE_HELP,
    Finding,
    Session,
    date_text,
    echo,
    json_text,
    machine,
    parse_date,
    pass_session,
    severity_text,
    speaking,
    table,
)
from engage_budget.catalogue import _, ngettext

if TYPE_CHECKING:
    from engage import Verdict


@click.command()
@click.option("--as-of", "as_of", help=f"Judge the engagement as of this date: {DATE_HELP} (default today).")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option("--format", "fmt", type=click.Choice(["plain", "json"]), default="plain", show_default=True)
@pass_session
@click.pass_context
def budget(ctx: click.Context, session: Session, as_of: str | None, strict: bool, fmt: str) -> None:
    """Check the budget and the schedule: overruns, late deliverables, days that cannot fit.

    Exit status 0 when there is no error, 1 when there is (with --strict, a warning too).

    \b
    Examples:
      engage budget
      engage budget --as-of 2021-12-10 --format json
    """
    from engage import output_width, wrap

    engagement = session.engagement
    today = parse_date(as_of, session.today()) if as_of else session.today()
    ledger = session.ledger().until(today)
    if fmt == "json":  # for programs: English messages, ISO dates, decimal points
        with machine():
            found = session.verdict(engagement, ledger, today).findings
            click.echo(json_text([f.as_dict() for f in found]))
        return _exit(ctx, found, strict)
    with speaking(engagement):  # a document: in the engagement's language
        verdict = session.verdict(engagement, ledger, today)
        found = verdict.findings
        if engagement.team:
            click.echo(team_table(verdict) + "\n")
        if found:
            where = _("where")
            echo(
                table(
                    (_("severity"), _("code"), _("message"), where),
                    [
                        (
                            severity_text(f.severity),
                            f.code,
                            f.message,
                            " ".join(x for x in (f.phase, f.deliverable) if x),
                        )
                        for f in found
                    ],
                    optional=(where,),
                )
            )
            counts = Counter(f.severity for f in found)
            summary = _("{engagement} as of {date}: {counts}").format(
                engagement=engagement.id,
                date=date_text(today),
                counts=", ".join(
                    [
                        ngettext("{count} error", "{count} errors", counts["error"]).format(
                            count=counts["error"]
                        ),
                        ngettext("{count} warning", "{count} warnings", counts["warning"]).format(
                            count=counts["warning"]
                        ),
                        ngettext("{count} info", "{count} info", counts["info"]).format(count=counts["info"]),
                    ]
                ),
            )
            click.echo("\n" + "\n".join(wrap(summary, output_width())))
        else:
            click.echo(
                _("{engagement} as of {date}: no findings").format(
                    engagement=engagement.id, date=date_text(today)
                )
            )
    _exit(ctx, found, strict)


def _exit(ctx: click.Context, found: list[Finding], strict: bool) -> None:
    severities = {f.severity for f in found}
    if "error" in severities or (strict and "warning" in severities):
        ctx.exit(1)


def team_table(verdict: Verdict) -> str:
    """Each consultant's budget, used and left as of the verdict's date."""
    from engage import format_budget, format_days

    rows = [
        (
            c.key,
            c.role,
            format_budget(c.budget) if c.budget is not None else "",
            format_days(c.used),
            format_days(c.remaining) if c.remaining is not None else "",
        )
        for c in verdict.team
    ]
    return _("Team") + "\n" + table((_("key"), _("role"), _("budget"), _("used"), _("left")), rows)
