"""A donor's view of an engagement: a quarterly report, a weekly mail, a status section and a budget rule.

Written on engage's public API alone (everything is imported from ``engage``), as any plugin can be.
Its words are in its own catalogue (:mod:`engage_donor_report.catalogue`, ``locale/``), French and
Spanish; its documents speak their engagement's language, its CSV is written for machines.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import click

from engage import (
    EngageError,
    Finding,
    Section,
    Session,
    Verdict,
    Week,
    csv_text,
    date_text,
    decimal_text,
    format_budget,
    format_days,
    hookimpl,
    machine,
    parse_date,
    pass_session,
    speaking,
    state_text,
    table,
    wrap,
)
from engage_donor_report.catalogue import _, kind_text, ngettext

__version__ = "0.2.0"
MAIL_WIDTH = 78
NOTICE_DAYS = 5  # the donor wants to hear of a deliverable due within this many working days


def quarter_of(day: dt.date) -> tuple[str, dt.date, dt.date]:
    """The calendar quarter holding ``day``: its label (2021-Q4; T4 2021 in French), first and last day."""
    index = (day.month - 1) // 3
    first = dt.date(day.year, 3 * index + 1, 1)
    after = dt.date(day.year + (index == 3), (3 * index + 3) % 12 + 1, 1)
    # Translators: a calendar quarter as a report's heading shows it (the input stays 2021-Q4).
    label = _("{year}-Q{quarter}").format(year=day.year, quarter=index + 1)
    return label, first, after - dt.timedelta(days=1)


def parse_quarter(text: str) -> tuple[str, dt.date, dt.date]:
    """Read ``2021-Q4`` (or ``2021q4``)."""
    match = re.fullmatch(r"\s*(\d{4})-?[Qq]([1-4])\s*", text)
    if not match:
        raise EngageError(_("cannot read {text!r} as a quarter; give one such as 2021-Q4").format(text=text))
    return quarter_of(dt.date(int(match.group(1)), 3 * int(match.group(2)) - 2, 1))


def donor_summary(verdict: Verdict, day: dt.date) -> Section:
    """Days per phase in the quarter of ``day`` and to date, and the deliverables accepted in it,
    as the verdict gives them (the states every engage report gives)."""
    label, first, last = quarter_of(day)
    ledger = verdict.ledger
    rows: list[tuple[object, ...]] = []
    for phase in verdict.engagement.phases:
        in_quarter = ledger.days_used(phase.key, first, last)
        to_date = ledger.days_used(phase.key, end=last)
        rows.append((phase.name, float(in_quarter), float(to_date), float(phase.days)))
    accepted = [
        f"{d.name} ({date_text(d.since)})"
        for d in verdict.deliverables
        if d.state == "accepted" and d.since and first <= d.since <= last
    ]
    note = _("Accepted this quarter: {deliverables}").format(
        deliverables="; ".join(accepted) if accepted else _("none")
    )
    headers = (_("phase"), _("days this quarter"), _("days to date"), _("budget"))
    return Section(_("Donor summary {quarter}").format(quarter=label), headers, tuple(rows), note)


@click.command("donor-report")
@click.option("--quarter", "-q", help="A calendar quarter such as 2021-Q4 (default: this quarter).")
@click.option("--format", "fmt", type=click.Choice(["plain", "csv"]), default="plain", show_default=True)
@pass_session
def donor_report(session: Session, quarter: str | None, fmt: str) -> None:
    """Days per phase in a quarter and to date, and deliverables accepted, as donors ask for them.

    \b
    Example:
      engage donor-report --quarter 2021-Q4 --format csv
    """
    engagement = session.engagement
    day = parse_quarter(quarter)[2] if quarter else session.today()
    as_of = min(day, session.today())
    verdict = session.verdict(engagement, session.ledger().until(as_of), as_of)
    if fmt == "csv":  # for machines: English headers, decimal points, whatever the engagement's language
        with machine():
            section = donor_summary(verdict, day)
            click.echo(csv_text(section.headers, section.rows), nl=False)
        return
    with speaking(engagement):  # a document: in the engagement's language (--lang, else its schedule's)
        section = donor_summary(verdict, day)
        rows = [(name, *(decimal_text(str(value)) for value in days)) for name, *days in section.rows]
        click.echo(f"{engagement.title}\n{section.title}")
        click.echo(table(section.headers, rows))
        click.echo(section.note)


def weekly_mail_text(verdict: Verdict, days: int) -> str:
    """The mail: the engagement's state and why, days used, what is coming, what is not counted yet."""
    engagement = verdict.engagement
    week = Week.of(verdict.as_of)
    used, cap = verdict.ledger.days_used(), engagement.max_days
    name = engagement.supervisor.name
    body = [
        _("Dear {name},").format(name=name) if name else _("Dear supervisor,"),
        "",
        _("As of {date}: {reason}.").format(date=date_text(verdict.as_of), reason=verdict.reason),
        _("Days used: {used} of {budget}.").format(used=format_days(used), budget=format_budget(cap)),
        "",
        ngettext("Coming in the next {count} day:", "Coming in the next {count} days:", days).format(
            count=days
        ),
    ]
    coming = verdict.coming(days)
    body += [f"- {date_text(m.date)}  {m.name} ({kind_text(m.kind)})" for m in coming] or [
        "- " + _("nothing")
    ]
    if verdict.not_counted:
        later = _("{days} days are logged with later dates, not counted yet.")
        body += ["", later.format(days=format_days(verdict.not_counted))]
    # Mail clients wrap at 78 columns: so does the body, items indented under their dash.
    wrapped = [piece for line in body for piece in wrap(line, MAIL_WIDTH, 2 if line.startswith("- ") else 0)]
    subject = _("Subject: {title}: week {week}, {state}").format(
        title=engagement.title, week=week.label, state=state_text(verdict.state)
    )
    return "\n".join([subject, "", *wrapped]) + "\n"


@click.command("weekly-mail")
@click.option(
    "--as-of",
    "as_of",
    help="The mail's date: an ISO date (2021-11-16), 31/12/2021 (day first, when the day is past 12), "
    "'today', 'yesterday', 'tomorrow', -2 (two days ago), a weekday such as 'mon' or 'last fri'.",
)
@click.option("--days", type=click.IntRange(1, 366), default=14, show_default=True, help="How far ahead.")
@pass_session
def weekly_mail(session: Session, as_of: str | None, days: int) -> None:
    """A weekly mail to the supervisor: state, days used, what is coming, ready to paste.

    \b
    Example:
      engage weekly-mail --as-of 2021-11-26
    """
    engagement = session.engagement
    today = parse_date(as_of, session.today()) if as_of else session.today()
    verdict = session.verdict(engagement, session.ledger().until(today), today)
    with speaking(engagement):  # the mail is the engagement's: in its language
        click.echo(weekly_mail_text(verdict, days), nl=False)


@hookimpl
def engage_register_commands(cli: click.Group) -> None:
    cli.add_command(donor_report)
    cli.add_command(weekly_mail)


@hookimpl
def engage_status_sections(verdict: Verdict, week: Week) -> list[Section]:
    return [donor_summary(verdict, week.end)]


@hookimpl
def engage_budget_checks(verdict: Verdict) -> Iterator[Finding]:
    """The donor's rule: a deliverable the consultant holds, due within five working days, is told.

    Its words are in the language in force when engage calls it: a status report's, in its
    engagement's language."""
    for deliverable in verdict.deliverables:
        due = deliverable.deadline
        if deliverable.holder != "consultant" or due is None or due < verdict.as_of:
            continue
        left = len(verdict.timeline.working_days(verdict.as_of, due))
        if left <= NOTICE_DAYS:
            yield Finding(
                "info",
                "donor-notice",
                ngettext(
                    "{name}: due {date}, {count} working day from today; tell the donor",
                    "{name}: due {date}, {count} working days from today; tell the donor",
                    left,
                ).format(name=deliverable.name, date=date_text(due), count=left),
                deliverable=deliverable.key,
                date=due,
            )
