"""A report as titled tables (Sections) of plain values, shared by the text, HTML and CSV formats.

Each table is made in the language in force: the engagement's for its own tables (the caller is
inside ``speaking``), the user's (or ``--lang``'s) for a portfolio's summary (``voices.shared``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from engage import (
    Section,
    Span,
    current_language,
    date_text,
    format_budget,
    format_days,
    kind_text,
    outcome_text,
    state_text,
)
from engage_status.catalogue import _
from engage_status.report import Report, state_rank


def header_lines(report: Report) -> list[tuple[str, str]]:
    """The report's heading facts, as (label, value)."""
    engagement = report.engagement
    week = report.week
    used = _("{used} of {cap} ({this_week} this week)").format(
        used=format_days(report.used),
        cap=format_budget(engagement.max_days),
        this_week=format_days(report.this_week),
    )
    if report.not_counted:
        used += _("; {days} more dated after {date}, not counted yet").format(
            days=format_days(report.not_counted), date=date_text(report.as_of)
        )
    return [
        (_("Client"), engagement.client),
        (
            _("Consultants"),
            _("{names} (see Team)").format(names=", ".join(c.key for c in engagement.team))
            if len(engagement.team) > 1
            else ", ".join(engagement.consultants) or _("(not named)"),
        ),
        (_("Supervisor"), engagement.supervisor.label),
        (
            _("Week"),
            _("{week} ({start} – {end}), as of {date}").format(
                week=week.label,
                start=date_text(week.start),
                end=date_text(week.end),
                date=date_text(report.as_of),
            ),
        ),
        (_("Days used"), used),
        (_("State"), report.reason),
        *([(_("Recorded"), recorders)] if (recorders := recorded_by(report)) else []),
    ]


def recorded_by(report: Report) -> str:
    """Who recorded the week's entries, for a team (several consultants, or entries one person
    recorded for another): "Ann 3 (1 for Ben), Ben 2"; "" when there is nothing to tell."""
    counts: dict[str, list[int]] = {}  # who recorded -> [entries, of them for someone else]
    for entry in report.entries:
        if entry.by:
            mine = counts.setdefault(entry.by, [0, 0])
            mine[0] += 1
            mine[1] += entry.by != entry.consultant
    if len(report.engagement.team) < 2 or not counts:
        return ""
    parts = []
    for who, (made, others) in sorted(counts.items()):
        names = sorted({e.consultant for e in report.entries if e.by == who and e.consultant != who})
        part = f"{who} {made}"
        if others:
            part += " " + _("({count} for {names})").format(count=others, names=", ".join(names))
        parts.append(part)
    # Translators: {counts} is "Ann 3 (1 for Ben), Ben 2": who recorded how many of the week's entries.
    return _("{counts} entries this week").format(counts=", ".join(parts))


def percent_text(percent: float) -> str:
    """A share used, rounded: ``45%`` (``45 %`` in French)."""
    return _("{percent}%").format(percent=f"{percent:.0f}")


def span_text(start: object, end: object) -> str:
    """Two dates, first and last: ``2021-11-01 – 2021-11-12``."""
    return f"{_day(start)} – {_day(end)}"


def _day(value: object) -> str:
    return date_text(value) if isinstance(value, dt.date) else str(value)


def when_text(span: Span) -> str:
    """A meeting's dates for a table, as the language in force writes them (``8 mars 2004``); English
    writes them as engage always has (``Span.text``: ``2004-03-08``), as does a span still to be agreed."""
    start, end = span.start, span.end
    if start is None or end is None or current_language().partition("_")[0] == "en":
        return span.text()
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        if start == end:
            return f"{date_text(start.date())} {start:%H:%M}"
        if start.date() == end.date():
            return f"{date_text(start.date())} {start:%H:%M}–{end:%H:%M}"
        return f"{date_text(start.date())} {start:%H:%M} – {date_text(end.date())} {end:%H:%M}"
    first, last = _date_of(start), _date_of(end)
    return date_text(first) if first == last else f"{date_text(first)} – {date_text(last)}"


def _date_of(value: object) -> dt.date:
    assert isinstance(value, dt.date)
    return value.date() if isinstance(value, dt.datetime) else value


def status_text(status: str) -> str:
    """A deliverable's status or a meeting's outcome as recorded (``submitted``, ``changes-requested``),
    in the language in force; English writes it as recorded."""
    if status == "changes-requested":
        return outcome_text(status)
    return state_text(status) if status else status


def _phase_table(report: Report) -> Section:
    """Each phase's budget, days used, window and state."""
    remaining, this_week, percent = _("remaining"), _("this week"), _("% used")
    return Section(
        _("Phases"),
        (
            _("key"),
            _("phase"),
            _("budget"),
            _("used"),
            this_week,
            remaining,
            percent,
            _("window"),
            _("state"),
        ),
        tuple(
            (
                p.key,
                p.name,
                format_budget(p.budget),
                format_days(p.used),
                format_days(p.this_week),
                format_days(p.remaining),
                percent_text(p.percent),
                span_text(p.start, p.end),
                p.reason,
            )
            for p in report.phases
        ),
        optional=(remaining, this_week, percent),
    )


def _team_table(report: Report) -> Section:
    """Each consultant's budget, days used and left."""
    remaining, this_week, role = _("remaining"), _("this week"), _("role")
    return Section(
        _("Team"),
        (_("key"), _("consultant"), role, _("budget"), _("used"), this_week, remaining),
        tuple(
            (
                c.key,
                c.name if c.named else _("{name} (not in the schedule)").format(name=c.name),
                c.role,
                format_budget(c.budget) if c.budget is not None else "",
                format_days(c.used),
                format_days(c.this_week),
                format_days(c.remaining) if c.remaining is not None else "",
            )
            for c in report.team
        ),
        optional=(remaining, this_week, role),
    )


def _deliverable_table(report: Report) -> Section:
    """Each deliverable's due date, state and why."""
    last_status = _("last status")
    return Section(
        _("Deliverables"),
        (_("key"), _("deliverable"), _("due"), _("state"), last_status, _("days late"), _("why")),
        tuple(
            (
                d.key,
                d.name,
                date_text(d.due.day) if d.due.day else state_text("waiting"),
                state_text(d.state),
                _("{status} {date}").format(status=status_text(d.status), date=date_text(d.since))
                if d.since
                else status_text(d.status),
                d.days_late or "",
                d.reason,
            )
            for d in report.deliverables
        ),
        optional=(last_status,),
    )


def report_tables(report: Report) -> list[Section]:
    """Phases, deliverables, milestones, the week's entries, then plugin sections."""
    kind = _("kind")
    tables = [
        _phase_table(report),
        _team_table(report),
        _deliverable_table(report),
        Section(
            _("Meetings"),
            (_("key"), _("meeting"), kind, _("when"), _("state"), _("note")),
            tuple(
                (m.key, m.name, kind_text(m.kind), when_text(m.span), state_text(m.state), m.note)
                for m in report.meetings
            ),
            note="" if report.meetings else _("No meetings in this schedule."),
            optional=(kind,),
        ),
        Section(
            _("Next two weeks"),
            (_("date"), kind, _("milestone or meeting")),
            tuple((date_text(m.date), kind_text(m.kind), m.name) for m in report.milestones),
            note="" if report.milestones else _("Nothing due in the next two weeks."),
        ),
        Section(
            _("Entries in {week}").format(week=report.week.label),
            (_("date"), _("consultant"), _("phase"), _("days"), _("note")),
            _entry_rows(report),
            note="" if report.entries else _("No time logged this week."),
        ),
    ]
    tables += [
        Section(s.title, tuple(s.headers), tuple(tuple(r) for r in s.rows), s.note, tuple(s.optional))
        for s in report.sections
    ]
    return tables


def _entry_rows(report: Report) -> tuple[tuple[str, str, str, str, str], ...]:
    """The week's entries as table rows; dates and amounts repeat, so each is written out once."""
    dates: dict[int, str] = {}  # by identity: equal values read from the ledger are mostly one object
    days: dict[int, str] = {}
    rows = []
    for e in report.entries:
        date = dates.get(id(e.date)) or dates.setdefault(id(e.date), date_text(e.date))
        amount = days.get(id(e.days)) or days.setdefault(id(e.days), format_days(e.days))
        rows.append((date, e.consultant, e.phase, amount, e.note))
    return tuple(rows)


def portfolio_tables(reports: Sequence[Report]) -> list[Section]:
    """The summary a portfolio report starts with: live engagements, worst first, then closed ones.

    In the language in force (``voices.shared``): each row's reason and what is left open are
    judged in it (``Report.summary``)."""
    live = sorted((r for r in reports if r.closed is None), key=lambda r: state_rank(r.state))
    closed = [r for r in reports if r.closed is not None]
    extra = list(dict.fromkeys(title for r in live for title, _cell in r.columns))  # plugins', in order
    days_used, client, this_week = _("days used / cap"), _("client"), _("this week")
    tables = [
        Section(
            _("Portfolio"),
            (_("engagement"), client, days_used, this_week, _("next milestone"), *extra, _("state")),
            tuple(
                (
                    r.engagement.title,
                    r.engagement.client,
                    f"{format_days(r.used)} / {format_budget(r.engagement.max_days)}",
                    format_days(r.this_week),
                    f"{date_text(r.next_milestone.date)} {r.next_milestone.name}"
                    if r.next_milestone
                    else _("none ahead"),
                    *(dict(r.columns).get(title, "") for title in extra),
                    r.summary.reason,
                )
                for r in live
            ),
            note="" if live else _("No live engagements."),
            optional=(client, this_week),
        )
    ]
    if closed:
        tables.append(
            Section(
                _("Closed engagements"),
                (_("engagement"), _("closed"), days_used, _("left open")),
                tuple(
                    (
                        r.engagement.title,
                        date_text(r.closed) if r.closed else "",
                        f"{format_days(r.used)} / {format_budget(r.engagement.max_days)}",
                        "; ".join(r.summary.left_open) or _("nothing"),
                    )
                    for r in closed
                ),
            )
        )
    return tables
