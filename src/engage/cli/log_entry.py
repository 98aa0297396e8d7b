"""What ``engage log`` does once its arguments are parsed: shared by its click command and its quick path."""

from __future__ import annotations

from fractions import Fraction

from engage.judging.usage import usage_of
from engage.language import _, npgettext, pgettext
from engage.ledger import ledger as ledger_file
from engage.ledger.ledger import Ledger
from engage.ledger.records import Entry
from engage.output.colour import write
from engage.output.formats import terminal_text
from engage.parsing import decimal_comma, format_days, format_hours, parse_amount, parse_date, today_in
from engage.schedule.lookup import check_place, find_phase, resolve_consultant
from engage.schedule.model import Engagement
from engage.session import Session, warn

WARNING_PREFIX = "warning: "


def log_time(
    session: Session, days: str, phase: str, day: str, note: str, consultant: str | None, at: str | None
) -> None:
    """Validate, write one entry, then say what it did and what plugins say about it."""
    engagement = session.engagement
    amount, unit = parse_amount(days, decimal_comma())  # typed by a person: in their locale's habits
    phase = find_phase(engagement, phase)
    place = check_place(engagement, at)
    who = resolve_consultant(engagement, consultant)
    # "today" where the work was done: a consultant at home in Geneva has not yet reached Dhaka's date.
    zone = engagement.location(engagement.place_of(phase, who, place)).timezone or engagement.timezone
    date = parse_date(day, today_in(zone))
    record = ledger_file.new_record(
        "entry",
        date=date.isoformat(),
        phase=phase,
        **ledger_file.new_entry_amount(amount, unit, days),
        consultant=who,
        note=note,
        **({"at": place} if place else {}),
    )
    entry = read_record(record, engagement)
    session.validate()
    ledger = session.ledger()
    after = ledger.plus(entry)
    lines, failure = session.preview(lambda: _after_log(session, engagement, entry, after))
    session.write([record])
    days_text = days_count(entry.days)
    typed = f"{format_hours(entry.amount)} ({days_text})" if entry.unit == "hours" else days_text
    write(
        _("Logged {amount} to {phase} on {date} (entry {id})").format(
            amount=typed, phase=phase, date=date, id=entry.id
        )
    )
    with session.after_write(_("entry {id}").format(id=entry.id)):
        if failure:
            raise failure
        for line in lines or ():
            if line.startswith(WARNING_PREFIX):  # every warning on stderr, in one form
                warn(line.removeprefix(WARNING_PREFIX))
            else:
                write(terminal_text(line))


def days_count(days: Fraction) -> str:
    """``1.5 days``, ``1,5 jour``, ``1,5 días``: a number of days in the language in force.

    English writes "days" after every figure (``1.0 days``); French takes the singular below two
    (``0,5 jour``, ``1,5 jour``), Spanish only for one exactly (``1,0 día``, ``1,5 días``).
    """
    figure = format_days(days)
    if days != int(days) and days < 2:
        # Translators: a fraction of a day below two (0.5, 1.5): French "{days} jour", Spanish "{days} días".
        return pgettext("days below two", "{days} days").format(days=figure)
    # Translators: English writes "days" after every figure, 1.0 included; the others by their rule.
    return npgettext("days", "{days} days", "{days} days", int(days)).format(days=figure)


def read_record(record: dict[str, object], engagement: Engagement) -> Entry:
    """A new record as the ledger will read it back."""
    from engage.ledger.kinds import KINDS

    entry = KINDS["entry"](record, 0, engagement.hours_per_day)
    assert isinstance(entry, Entry)
    return entry


def _after_log(session: Session, engagement: Engagement, entry: Entry, ledger: Ledger) -> list[str]:
    """The phase's usage and what plugins say about a new entry."""
    lines = [usage_of(engagement, ledger, entry.phase).summary()]
    hook = session.plugin_manager.hook
    timeline = session.timeline(engagement)
    for said in hook.engage_after_log(engagement=engagement, entry=entry, ledger=ledger, timeline=timeline):
        lines.extend(said or ())
    return lines
