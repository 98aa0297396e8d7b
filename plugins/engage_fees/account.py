"""What an engagement has earned, can invoice, has invoiced and has been paid, as of a date.

Everything the fees command, the invoice, the findings and the status
section show is computed here, once, from the schedule's ``[fees]`` and the
ledger (time entries, deliverable statuses, and the plugin's own records).
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from engage import Engagement, Entry, Finding, Ledger, frozen
from engage_fees.collisions import counted_invoices, counted_payments
from engage_fees.money import ZERO, converted, decimal_of, round_money
from engage_fees.records import Expense, Invoice, Paid
from engage_fees.settings import FeeSettings, Rate, Tranche

if TYPE_CHECKING:
    from engage import Verdict

UNNAMED = "consultant"  # the ToR's single, unnamed consultant


@frozen
class TrancheState:
    """A tranche as of a date: ``not due``, ``payable`` (since), ``invoiced`` (number) or ``paid`` (on)."""

    tranche: Tranche
    state: str
    since: dt.date | None
    invoice: str | None
    waiting: str  # what a tranche not yet due waits for


@frozen
class ConsultantFees:
    """Days one consultant logged, their rate, and what that earned (``None`` rate: none set)."""

    key: str
    days: Fraction
    rate: Rate | None
    earned: Decimal


@frozen
class InvoiceState:
    """An invoice with whether, and when, it was paid."""

    invoice: Invoice
    paid_on: dt.date | None


@dataclass
class Statement:
    """The fees of one engagement as of ``as_of``."""

    settings: FeeSettings
    as_of: dt.date
    consultants: list[ConsultantFees]
    tranches: list[TrancheState]
    expenses: list[Expense]
    invoices: list[InvoiceState]
    ledger: Ledger  # cut at ``as_of``
    covered_entries: frozenset[str]  # entries an invoice covers
    open_expenses: list[Expense]
    days_logged: Fraction
    planned_days: Fraction
    totals: dict[str, Decimal] = field(default_factory=dict)
    # Invoices and payments a merge holds twice, left out of every figure (see engage_fees.collisions).
    collisions: list[Finding] = field(default_factory=list)
    # The dates of invoices, payments and expenses counted though recorded after ``as_of`` (a closed
    # engagement's final position: :func:`final_statement`); empty in a statement as of a date.
    later: tuple[dt.date, ...] = ()

    @property
    def currency(self) -> str:
        """The contract's currency."""
        return self.settings.currency

    def converted(self, expense: Expense) -> Decimal:
        """An expense in the contract's currency, at the rate recorded with it."""
        return converted(expense.amount, expense.rate, self.currency)

    @property
    def open_entries(self) -> list[Entry]:
        """Live entries no invoice covers yet (a days contract invoices them)."""
        return [e for e in self.ledger.entries() if e.id not in self.covered_entries]

    def open_days(self) -> dict[tuple[str, str], Fraction]:
        """Days no invoice covers yet, per (consultant, month): from the sums per day while no
        invoice covers entries, entry by entry once one does."""
        grouped: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
        if self.covered_entries:
            for entry in self.open_entries:
                grouped[(entry.consultant or UNNAMED, f"{entry.date:%Y-%m}")] += entry.days
        else:
            for total in self.ledger.day_totals():
                grouped[(total.consultant or UNNAMED, f"{total.date:%Y-%m}")] += total.days
        return grouped

    def expenses_by_category(self) -> dict[str, Decimal]:
        """Expenses in the contract's currency, by category."""
        sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for expense in self.expenses:
            sums[expense.category] += self.converted(expense)
        return dict(sums)

    @property
    def effective_rate(self) -> Decimal | None:
        """What a day has really been paid so far: earned so far over the days logged so far (None
        before any day, or without a lump sum). The whole lump sum over the days logged would say a
        tranche not yet earned was paid for days already worked."""
        if self.settings.total is None or not self.days_logged:
            return None
        return round_money(self.totals["earned"] / decimal_of(self.days_logged), self.currency)

    @property
    def lump_sum_rate(self) -> Decimal | None:
        """The whole lump sum over the days logged: the most a day can be paid once every tranche is
        earned (what a lump sum overrun costs a day; None before any day)."""
        total = self.settings.total
        if total is None or not self.days_logged:
            return None
        return round_money(total / decimal_of(self.days_logged), self.currency)

    @property
    def planned_rate(self) -> Decimal | None:
        """The lump sum over the planned days (the schedule's cap), or the [fees] rate when set."""
        if self.settings.rate is not None:
            return self.settings.rate.amount
        if self.settings.total is None or not self.planned_days:
            return None
        return round_money(self.settings.total / decimal_of(self.planned_days), self.currency)


def earned_for(days: Fraction, rate: Rate | None, engagement: Engagement, currency: str) -> Decimal:
    """Days at a rate, rounded once to the minor unit."""
    if rate is None:
        return ZERO
    return round_money(decimal_of(days) * rate.per_day(engagement.hours_per_day), currency)


_computed: weakref.WeakKeyDictionary[Verdict, Statement] = weakref.WeakKeyDictionary()
_settled: weakref.WeakKeyDictionary[Verdict, Statement] = weakref.WeakKeyDictionary()


def statement(verdict: Verdict, settings: FeeSettings) -> Statement:
    """The fees as of the verdict's date (records dated later are left out).

    Computed once per verdict: the status report asks for the same figures for its section, its
    findings and the portfolio, and the session hands each the same verdict.
    """
    known = _computed.get(verdict)
    if known is None:
        known = _computed[verdict] = _statement(verdict, settings)
    return known


def final_statement(verdict: Verdict, settings: FeeSettings) -> Statement:
    """The final money position of a closed engagement: days, deliverables and tranches' triggers as
    of the verdict's date, with every invoice, payment and expense the ledger holds, those recorded
    after the close included (a closed engagement is invoiced and paid after it ends). An engagement
    not closed as of the verdict's date: :func:`statement`."""
    if verdict.closing is None:
        return statement(verdict, settings)
    known = _settled.get(verdict)
    if known is None:
        known = _settled[verdict] = _statement(verdict, settings, settled=True)
    return known


def _statement(verdict: Verdict, settings: FeeSettings, settled: bool = False) -> Statement:
    engagement, as_of = verdict.engagement, verdict.as_of
    ledger = verdict.ledger.until(as_of)
    money = ledger.uncut() if settled else ledger  # where invoices, payments and expenses are read
    invoices, collisions = counted_invoices(money.live(Invoice))
    payments, paid_twice = counted_payments(money.live(Paid))
    paid = {number: p.date for number, p in payments.items()}
    states = [InvoiceState(i, paid.get(i.number)) for i in invoices]
    covered_payments = {key: s for s in states for key in s.invoice.payments}
    covered_entries = {e for s in states for e in s.invoice.entries}
    covered_expenses = {e for s in states for e in s.invoice.expenses}

    days: dict[str, Fraction] = defaultdict(Fraction)
    for (consultant, _), used in ledger.used_by_consultant().items():
        days[consultant or UNNAMED] += used
    consultants = [
        ConsultantFees(
            key,
            total,
            settings.rate_of(key, engagement),
            earned_for(total, settings.rate_of(key, engagement), engagement, settings.currency),
        )
        for key, total in sorted(days.items())
    ]

    tranches = []
    for tranche in settings.tranches:
        resolved = verdict.timeline.resolve(tranche.on, verdict.progress)
        held = covered_payments.get(tranche.key)
        if held is not None and held.paid_on is not None:
            tranches.append(TrancheState(tranche, "paid", held.paid_on, held.invoice.number, ""))
        elif held is not None:
            tranches.append(TrancheState(tranche, "invoiced", held.invoice.date, held.invoice.number, ""))
        elif resolved.day is not None and resolved.day <= as_of:
            tranches.append(TrancheState(tranche, "payable", resolved.day, None, ""))
        else:
            waiting = resolved.waiting or (f"due on {resolved.day}" if resolved.day else "")
            tranches.append(TrancheState(tranche, "not due", resolved.day, None, waiting))

    expenses = money.live(Expense)
    result = Statement(
        settings,
        as_of,
        consultants,
        tranches,
        expenses,
        states,
        ledger,
        frozenset(covered_entries),
        [e for e in expenses if e.id not in covered_expenses],
        sum(days.values(), Fraction(0)),
        engagement.max_days,
    )
    recorded = [r.date for r in invoices] + [p.date for p in payments.values()] + [e.date for e in expenses]
    result.later = tuple(sorted({day for day in recorded if day > as_of}))
    result.totals = _totals(result, engagement)
    result.collisions = collisions + paid_twice
    return result


def open_fee_lines(
    result: Statement, engagement: Engagement
) -> list[tuple[str, Fraction, Rate | None, Decimal]]:
    """A days contract's uninvoiced work: (consultant and month, days, rate, amount), one line each."""
    lines = []
    for (who, month), total in sorted(result.open_days().items()):
        rate = result.settings.rate_of(who, engagement)
        lines.append(
            (
                f"{name_of(engagement, who)}, {_month(month)}",
                total,
                rate,
                earned_for(total, rate, engagement, result.currency),
            )
        )
    return lines


def _month(month: str) -> str:
    """A month of work (``2021-11``) on an invoice line: as it is in English, else in words
    (``novembre 2021``)."""
    from engage import current_language, month_text

    if current_language().partition("_")[0] == "en":
        return month
    year, _, number = month.partition("-")
    return month_text(dt.date(int(year), int(number), 1))


def name_of(engagement: Engagement, consultant: str) -> str:
    """A consultant's name for people (a keyed consultant's name, with the role), else as logged."""
    finder = getattr(engagement, "consultant_of", None)
    found = finder(consultant) if finder is not None else None
    label = getattr(found, "label", "") if found is not None else ""
    return str(label) if label and getattr(found, "key", "") == consultant else consultant


def _totals(result: Statement, engagement: Engagement) -> dict[str, Decimal]:
    settings = result.settings
    if settings.basis == "days":
        earned = sum((c.earned for c in result.consultants), ZERO)
        payable = sum((line[3] for line in open_fee_lines(result, engagement)), ZERO)
    else:
        earned = sum((t.tranche.amount for t in result.tranches if t.state != "not due"), ZERO)
        payable = sum((t.tranche.amount for t in result.tranches if t.state == "payable"), ZERO)
    payable += sum((result.converted(e) for e in result.open_expenses), ZERO)
    invoiced = sum((s.invoice.total for s in result.invoices), ZERO)
    paid = sum((s.invoice.total for s in result.invoices if s.paid_on is not None), ZERO)
    totals = {
        "earned": earned,
        "payable": payable,
        "invoiced": invoiced,
        "paid": paid,
        "outstanding": invoiced - paid,
        "expenses": sum((result.converted(e) for e in result.expenses), ZERO),
    }
    if settings.ceiling is not None:
        totals["left"] = settings.ceiling - earned
    return totals
