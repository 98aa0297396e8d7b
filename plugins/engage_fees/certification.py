"""The ``undp`` timesheet layout: UNDP's Certification of Payment for an individual contractor.

It lives in the fees plugin because it states the fee: the days worked at the consultant's rate
(``basis = "days"``), or the tranches that fall due in the period (``basis = "deliverables"``).
It also states the contract number (``[timesheets] contract_number``), the dates worked, the
countries visited (those of the places worked other than the consultant's home base: a location's
holiday regions are ISO country codes), the days worked, whether the final report is accepted
(``[timesheets] final_report``, a deliverable's key; default ``final``, else the last deliverable),
the bank details (``[fees.invoicing] bank``), and signature lines for the consultant, the supervisor
and the certifying officer (``[timesheets] certifying_officer``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from engage import (
    N_,
    EngageError,
    Money,
    SignatureLine,
    TimesheetDocument,
    TimesheetLayout,
    TimesheetRequest,
    TimesheetTable,
    babel_locale,
    date_text,
    period_name,
    person_name,
    state_text,
)
from engage_fees.account import earned_for
from engage_fees.catalogue import _
from engage_fees.money import ZERO, money
from engage_fees.report import trigger_text
from engage_fees.settings import FeeSettings, fees_of

KEYS = ("contract_number", "certifying_officer", "final_report")


def render(request: TimesheetRequest) -> TimesheetDocument:
    engagement, person = request.engagement, request.consultant
    settings = fees_of(engagement)
    days = sum((e.days for e in request.entries), Fraction(0))
    fee_rows, total = fees(request, settings, days)
    lines = [
        (e.date, phase_name(request, e.phase), place_name(request, e.phase, e.at), e.days)
        for e in request.entries
    ]
    approval = request.state.approved
    supervisor = (
        person_name(engagement, approval.actor)
        if approval is not None and approval.actor not in ("", "supervisor")
        else engagement.supervisor.name or engagement.supervisor.role
    )
    bank = settings.invoicing.details.get("bank", "") if settings is not None else ""
    return TimesheetDocument(
        title=_("Certification of Payment {period}: {name}").format(
            period=period_name(request.start, request.end), name=person.name or person.key
        ),
        fields=(
            (
                _("Contract number"),
                text_key(request, "contract_number") or _("(not given: [timesheets] contract_number)"),
            ),
            (_("Name of individual contractor"), person.name or person.key),
            (_("Assignment"), engagement.title),
            (_("Client"), engagement.client),
            (
                _("Period"),
                _("{start} to {end}").format(start=date_text(request.start), end=date_text(request.end)),
            ),
            (_("Dates worked"), dates_worked([e.date for e in request.entries]) or _("none")),
            (
                _("Countries visited"),
                ", ".join(countries_visited(request)) or _("none (worked from the home base)"),
            ),
            (_("Days worked"), days),
            (_("Total amount payable"), total),
            (_("Final report"), final_report(request)),
            (_("Bank details"), bank or _("(not given: [fees.invoicing] bank)")),
        ),
        tables=(
            TimesheetTable(
                _("Fee"), (_("Item"), _("Days"), _("Amount")), fee_rows, (_("Total"), days, total)
            ),
            TimesheetTable(
                _("Days worked"),
                (_("Date"), _("Activity"), _("Place"), _("Days")),
                tuple(lines),
                (_("Total"), "", "", days),
            ),
        ),
        signatures=(
            SignatureLine(
                _("Individual contractor"), person.name or person.key, request.ledger_says("submit")
            ),
            SignatureLine(_("Supervisor"), supervisor, request.ledger_says("approve")),
            SignatureLine(_("Certifying officer"), text_key(request, "certifying_officer")),
        ),
    )


def fees(
    request: TimesheetRequest, settings: FeeSettings | None, days: Fraction
) -> tuple[tuple[tuple[object, ...], ...], object]:
    """The fee's lines and total: days at the rate, or the tranches due in the period."""
    if settings is None:
        return ((_("no [fees] table in the schedule: no fee stated"), days, ""),), ""
    engagement, currency = request.engagement, settings.currency

    def cell(amount: Decimal) -> Money:
        return Money(amount, currency, money(amount, currency, settings.locale))

    if settings.basis == "days":
        rate = settings.rate_of(request.consultant.key, engagement)
        amount = earned_for(days, rate, engagement, currency)
        per_day = cell(rate.per_day(engagement.hours_per_day)) if rate is not None else None
        item = (
            _("Days worked at {rate} a day").format(rate=per_day)
            if per_day is not None
            else _("Days worked (no rate in [fees])")
        )
        return ((item, days, cell(amount)),), cell(amount)
    verdict = request.verdict
    rows: list[tuple[object, ...]] = []
    total = ZERO
    for tranche in settings.tranches:
        due = verdict.timeline.resolve(tranche.on, verdict.progress).day
        if due is not None and request.start <= due <= request.end:
            what = f"{tranche.name} ({trigger_text(tranche, engagement)}, {date_text(due)})"
            rows.append((what, "", cell(tranche.amount)))
            total += tranche.amount
    if not rows:
        rows.append((_("no tranche falls due in the period"), "", cell(ZERO)))
    return tuple(rows), cell(total)


def final_report(request: TimesheetRequest) -> str:
    """ "accepted on D" or "not accepted (its state)", for the final report."""
    deliverables = request.verdict.deliverables
    if not deliverables:
        return _("no deliverable in the schedule")
    key = text_key(request, "final_report")
    found = next((d for d in deliverables if d.key == (key or "final")), None)
    if found is None and key:
        keys = ", ".join(d.key for d in deliverables)
        raise EngageError(
            _("{file}: timesheets.final_report: {text} is no deliverable; give one of: {keys}").format(
                file=request.engagement.source, text=repr(key), keys=keys
            )
        )
    found = found or deliverables[-1]
    if found.state == "accepted":
        return _("accepted ({name}, {date})").format(
            name=found.name, date=date_text(found.since) if found.since else found.since
        )
    return _("not accepted ({name}: {state})").format(name=found.name, state=state_text(found.state))


def countries_visited(request: TimesheetRequest) -> list[str]:
    """The countries of the places worked other than the consultant's home base, by name."""
    engagement = request.engagement
    home = request.consultant.location or ""
    codes: list[str] = []
    for entry in request.entries:
        place = engagement.place_of(entry.phase, request.consultant.key, entry.at)
        if place == home:
            continue
        for region in engagement.location(place).holidays:
            code = region.split("-")[0].upper()
            if code not in codes:
                codes.append(code)
    names = babel_locale().territories
    return [str(names.get(code, code)) for code in codes]


def dates_worked(days: list[dt.date]) -> str:
    """The dates as runs: "2017-06-01, 2017-06-04 to 2017-06-06"."""
    runs: list[list[dt.date]] = []
    for day in sorted(set(days)):
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        date_text(r[0])
        if len(r) == 1
        else _("{start} to {end}").format(start=date_text(r[0]), end=date_text(r[-1]))
        for r in runs
    )


def phase_name(request: TimesheetRequest, key: str) -> str:
    found = next((p for p in request.engagement.phases if p.key == key), None)
    return found.name if found is not None else key


def place_name(request: TimesheetRequest, phase: str, at: str) -> str:
    engagement = request.engagement
    place = engagement.place_of(phase, request.consultant.key, at)
    return engagement.location(place).name or place or _("the engagement's own place")


def text_key(request: TimesheetRequest, key: str) -> str:
    value = request.settings.get(key, "")
    if not isinstance(value, str):
        raise EngageError(f"{request.engagement.source}: timesheets.{key}: must be text, got {value!r}")
    return value.strip()


LAYOUT = TimesheetLayout(
    "undp",
    N_("UNDP Certification of Payment: the fee, dates, countries and days worked"),
    render,
    KEYS,
    "days",
)
