"""``engage timesheet``: the chosen consultants' sheets for a period, in a layout, in a format."""

from __future__ import annotations

import datetime as dt
import sys

from engage import (
    Consultant,
    EngageError,
    Engagement,
    Ledger,
    Session,
    SheetState,
    TimesheetDocument,
    TimesheetLayout,
    TimesheetRequest,
    chosen_format,
    layout_problem,
    machine,
    replay_sheets,
    resolve_consultant,
    sheet_entries,
    sheet_owner,
    speaking,
)
from engage_timesheets.catalogue import _
from engage_timesheets.periods import chosen_period
from engage_timesheets.settings import TimesheetSettings, settings_of, signers_file
from engage_timesheets.trust import signature_texts

FORMATS = ("plain", "markdown", "csv", "json", "xlsx", "html", "pdf")


def layouts(session: Session) -> dict[str, TimesheetLayout]:
    """Every layout the plugins offer, by name: the first of a name wins (the built-ins come last)."""
    found: dict[str, TimesheetLayout] = {}
    for layout in session.collect("engage_timesheet_layouts", layout_problem):
        found.setdefault(layout.name, layout)
    return found


def configured(session: Session) -> tuple[TimesheetSettings, dict[str, TimesheetLayout]]:
    """The ``[timesheets]`` table, checked against the keys of every layout offered, and the layouts."""
    offered = layouts(session)
    keys = tuple(key for each in offered.values() for key in each.keys)
    return settings_of(session.engagement, keys), offered


def show(
    session: Session,
    month: str | None,
    week: str | None,
    since: str | None,
    until: str | None,
    consultant: str | None,
    layout: str | None,
    fmt: str | None,
    output: str | None,
    everyone: bool,
) -> None:
    """Render the chosen sheets; every bad input is refused before anything is written."""
    engagement = session.engagement
    today = session.today(engagement)
    start, end = chosen_period(month, week, since, until, today)
    settings, offered = configured(session)
    chosen = chosen_layout(offered, settings, layout, str(engagement.source))
    fmt = chosen_format(fmt, output, FORMATS)
    if fmt == "pdf" and not output and sys.stdout.isatty():
        raise EngageError(
            _("--format pdf is binary: give -o FILE.pdf, or pipe it (engage timesheet --format pdf | lp)")
        )
    if fmt == "xlsx" and not output:
        raise EngageError(_("--format xlsx writes a workbook: give -o FILE.xlsx"))
    if everyone and consultant:
        raise EngageError(_("give --all or --consultant, not both"))
    ledger = session.ledger()
    people = everyone_on(engagement, ledger, start, end) if everyone else [chosen_one(engagement, consultant)]
    from engage_timesheets.formats import write

    # A sheet is a document: in the engagement's language, but CSV and JSON are for programs.
    with machine() if fmt in ("csv", "json") else speaking(engagement):
        documents = render_sheets(session, ledger, people, start, end, chosen, settings)
        names = [person.name or person.key for person in people]
        write(documents, fmt, output, names)


def chosen_layout(
    offered: dict[str, TimesheetLayout], settings: TimesheetSettings, given: str | None, where: str
) -> TimesheetLayout:
    """``--layout``, else the table's ``layout``; an unknown one is one line naming those there are."""
    name = (given or settings.layout).strip().lower()
    chosen = offered.get(name)
    if chosen is None:
        named = "--layout" if given else f"{where}: timesheets.layout"
        raise EngageError(
            _("{where}: unknown layout {name}; the layouts: {layouts}").format(
                where=named, name=repr(name), layouts=", ".join(sorted(offered))
            )
        )
    return chosen


def render_sheets(
    session: Session,
    ledger: Ledger,
    people: list[Consultant],
    start: dt.date,
    end: dt.date,
    chosen: TimesheetLayout,
    settings: TimesheetSettings,
) -> list[TimesheetDocument]:
    """Each person's sheet for ``start``..``end`` in the layout, as the ledger stands."""
    engagement = session.engagement
    verdict = session.verdict(engagement, ledger, session.today(engagement))
    states = replay_sheets(ledger)
    signers = signers_file(engagement, settings)
    documents = []
    for person in people:
        state = states.get((person.key, start, end)) or SheetState(person.key, start, end)
        entries = tuple(sheet_entries(engagement, ledger, person.key, start, end))
        if not engagement.team:  # the ToR's one consultant, one sheet: named as they logged
            names = sorted({" ".join(e.consultant.split()) for e in entries} - {""})
            if names:
                name = (
                    names[0]
                    if len(names) == 1
                    else _("the consultant (logged as {names})").format(names=", ".join(names))
                )
                person = Consultant(person.key, name=name)
        texts, trusted = signature_texts(engagement, settings, state, signers)
        request = TimesheetRequest(
            engagement=engagement,
            verdict=verdict,
            consultant=person,
            start=start,
            end=end,
            entries=entries,
            state=state,
            settings=settings.table or {},
            unit=chosen.unit,
            signatures=texts,
            trusted=trusted,
        )
        documents.append(chosen.render(request))
    return documents


def chosen_one(engagement: Engagement, given: str | None) -> Consultant:
    """``--consultant``, else who ``engage log`` logs as; several consultants and none named is an
    error naming them (``resolve_consultant`` says so)."""
    key = sheet_owner(engagement, resolve_consultant(engagement, given))
    return person_of(engagement, key)


def person_of(engagement: Engagement, key: str) -> Consultant:
    """The schedule's consultant of this key; on a schedule with no team, one made of the name."""
    person = engagement.consultant_of(key) if engagement.team else None
    if person is not None:
        return person
    return Consultant(key, name="" if key == "consultant" else key)


def everyone_on(engagement: Engagement, ledger: Ledger, start: dt.date, end: dt.date) -> list[Consultant]:
    """``--all``: the team, in the schedule's order; with no team, everyone who logged in the period."""
    if engagement.team:
        return list(engagement.team)
    names = sorted({sheet_owner(engagement, e.consultant) for e in ledger.entries(start=start, end=end)})
    return [person_of(engagement, name) for name in names] or [chosen_one(engagement, None)]
