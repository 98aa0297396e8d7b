"""Fees: day rates, payment tranches tied to accepted deliverables, expenses and invoices.

A built-in plugin written on the public hook contract, as a third party would
write one. It reads the schedule's ``[fees]`` tables (see
:mod:`engage_fees.settings`), stores expenses, invoices and payments in the
ledger as record kinds of its own (``engage_record_kinds``), adds the
``fees``, ``expense``, ``invoice`` and ``paid`` commands, fee findings to
``engage budget``, a Fees section to the status report, and invoiced /
ceiling to the portfolio summary.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from engage import Engagement, Finding, Ledger, RecordKind, Section, hookimpl

if TYPE_CHECKING:
    from decimal import Decimal

    import click  # only for the annotation: commands import it when they are added

    from engage import TimesheetLayout, Verdict

__version__ = "0.1.0"


@hookimpl
def engage_register_commands(cli: click.Group) -> None:
    from engage_fees.command import expense, fees, invoice, paid

    for command in (fees, expense, invoice, paid):
        cli.add_command(command)


@hookimpl
def engage_record_kinds() -> Iterable[RecordKind]:
    from engage_fees.records import KINDS

    return KINDS


@hookimpl
def engage_budget_checks(engagement: Engagement, verdict: Verdict) -> list[Finding] | None:
    from engage_fees.account import final_statement, statement
    from engage_fees.checks import fee_findings
    from engage_fees.settings import fees_of

    settings = fees_of(engagement)
    if settings is None:
        return None
    return list(fee_findings(verdict, statement(verdict, settings), final_statement(verdict, settings)))


@hookimpl
def engage_portfolio_columns(engagement: Engagement, verdict: Verdict) -> dict[str, object] | None:
    """Invoiced against the ceiling (or the lump sum) in the portfolio summary."""
    from engage_fees.account import statement
    from engage_fees.catalogue import _
    from engage_fees.money import money
    from engage_fees.settings import fees_of

    settings = fees_of(engagement)
    if settings is None:
        return None
    result = statement(verdict, settings)
    cap = settings.ceiling or settings.total
    invoiced = money(result.totals["invoiced"], settings.currency, settings.locale)
    limit = money(cap, settings.currency, settings.locale) if cap else "-"
    return {_("invoiced / ceiling"): f"{invoiced} / {limit}"}


@hookimpl
def engage_status_sections(engagement: Engagement, verdict: Verdict, command: str) -> list[Section] | None:
    """The fees as of the report's date; in the close-out report of a closed engagement, its final
    money position (what was invoiced and paid after the close included)."""
    from engage import date_text
    from engage_fees.account import final_statement, statement
    from engage_fees.catalogue import _
    from engage_fees.money import money
    from engage_fees.report import payments_section, totals_section
    from engage_fees.settings import fees_of

    settings = fees_of(engagement)
    if settings is None:
        return None
    result = final_statement(verdict, settings) if command == "report" else statement(verdict, settings)

    def m(amount: Decimal) -> str:
        return money(amount, result.currency, settings.locale)

    rows: list[tuple[object, ...]] = list(totals_section(result, m).rows)
    if result.tranches:
        rows += [
            (_("payment: {name}").format(name=row[0]), f"{row[1]}, {row[3]}")
            for row in payments_section(result, m, engagement).rows
        ]
    note = ""
    if result.later and verdict.closing is not None:
        note = _(
            "The final money position: invoices, payments and expenses recorded after the close "
            "on {date} are counted, up to {last}."
        ).format(date=date_text(verdict.closing.date), last=date_text(result.later[-1]))
    return [Section(_("Fees"), ("", result.currency), tuple(rows), note=note)]


@hookimpl
def engage_void_blockers(ledger: Ledger, record: object) -> Iterator[str]:
    """An invoice covers what it bills, and a payment settles an invoice: void those first."""
    from engage_fees.catalogue import _
    from engage_fees.records import Invoice, Paid

    ident = getattr(record, "id", None)
    for invoice in ledger.live(Invoice):
        if ident in invoice.entries or ident in invoice.expenses:
            yield _("invoice {number} (record {id}) bills it; void that invoice first").format(
                number=invoice.number, id=invoice.id
            )
    # Two invoices with one number (issued on two machines, then merged): the payment settles the
    # one kept, so the other may go.
    twin = isinstance(record, Invoice) and any(
        i.number == record.number and i.id != record.id for i in ledger.live(Invoice)
    )
    if isinstance(record, Invoice) and not twin:
        for payment in ledger.live(Paid):
            if payment.invoice == record.number:
                yield _("invoice {number} is recorded as paid (record {id}); void the payment first").format(
                    number=record.number, id=payment.id
                )


@hookimpl(trylast=True)
def engage_timesheet_layouts() -> list[TimesheetLayout]:
    """UNDP's Certification of Payment, which states the fee (trylast: a plugin's ``undp`` replaces it)."""
    from engage_fees.certification import LAYOUT

    return [LAYOUT]
