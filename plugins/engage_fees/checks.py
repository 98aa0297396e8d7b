"""Fee findings: the ceiling passed or near, tranches left uninvoiced, invoices unpaid, lump sums overrun."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from engage import Finding, Timeline, date_text, decimal_text, format_days
from engage_fees.account import Statement
from engage_fees.catalogue import _, ngettext
from engage_fees.money import money

if TYPE_CHECKING:
    from engage import Verdict


def fee_findings(verdict: Verdict, result: Statement, settled: Statement | None = None) -> Iterator[Finding]:
    """Every fee finding as of the statement's date, with a stable code.

    ``settled`` is a closed engagement's final money position (``final_statement``): a tranche it
    shows invoiced, or an invoice it shows paid, after the close is not reported as left to do."""
    final = settled or result
    still_payable = {t.tranche.key for t in final.tranches if t.state == "payable"}
    still_unpaid = {s.invoice.number for s in final.invoices if s.paid_on is None}
    settings = result.settings
    cur, loc = settings.currency, settings.locale
    today = result.as_of
    yield from result.collisions
    earned = result.totals["earned"]
    if settings.ceiling is not None:
        if earned > settings.ceiling:
            yield Finding(
                "error",
                "fees-over-ceiling",
                _("fees earned {earned} are past the ceiling {ceiling} by {over}").format(
                    earned=money(earned, cur, loc),
                    ceiling=money(settings.ceiling, cur, loc),
                    over=money(earned - settings.ceiling, cur, loc),
                ),
                date=today,
            )
        elif settings.basis == "days":
            projected = _at_pace(verdict.timeline, result, today)
            if projected is not None and projected > settings.ceiling:
                yield Finding(
                    "warning",
                    "fees-ceiling-at-pace",
                    _(
                        "at the current pace fees reach {projected} by {date}, "
                        "past the ceiling {ceiling} ({left} left)"
                    ).format(
                        projected=money(projected, cur, loc),
                        date=date_text(verdict.timeline.end),
                        ceiling=money(settings.ceiling, cur, loc),
                        left=money(settings.ceiling - earned, cur, loc),
                    ),
                    date=today,
                )
    remind = settings.invoicing.remind_after_days
    for state in result.tranches:
        if (
            state.state == "payable"
            and state.tranche.key in still_payable
            and state.since is not None
            and (today - state.since).days > remind
        ):
            yield Finding(
                "warning",
                "tranche-not-invoiced",
                ngettext(
                    "{name} ({amount}) has been payable since {date}, {count} day, and is not invoiced",
                    "{name} ({amount}) has been payable since {date}, {count} days, and is not invoiced",
                    (today - state.since).days,
                ).format(
                    name=state.tranche.name,
                    amount=money(state.tranche.amount, cur, loc),
                    date=date_text(state.since),
                    count=(today - state.since).days,
                ),
                date=state.since,
            )
    for issued in result.invoices:
        if issued.paid_on is None and issued.invoice.number in still_unpaid and today > issued.invoice.due:
            yield Finding(
                "warning",
                "invoice-overdue",
                ngettext(
                    "invoice {number} ({amount}) was due on {date} and is unpaid, {count} day past its terms",
                    "invoice {number} ({amount}) was due on {date} and is unpaid, "
                    "{count} days past its terms",
                    (today - issued.invoice.due).days,
                ).format(
                    number=issued.invoice.number,
                    amount=money(issued.invoice.total, cur, loc),
                    date=date_text(issued.invoice.due),
                    count=(today - issued.invoice.due).days,
                ),
                date=issued.invoice.due,
            )
    if settings.basis == "deliverables" and settings.total is not None:
        covered = _covered_days(result)
        if covered is not None and result.days_logged > covered:
            effective = result.lump_sum_rate
            yield Finding(
                "warning",
                "lump-sum-overrun",
                _(
                    "{days} days logged; the lump sum covers {covered} at the planned {planned}/day; "
                    "effective rate {effective}/day"
                ).format(
                    days=format_days(result.days_logged),
                    covered=decimal_text(f"{covered.normalize():f}"),
                    planned=money(result.planned_rate or Decimal(0), cur, loc),
                    effective=money(effective or Decimal(0), cur, loc),
                ),
                date=today,
            )


def _covered_days(result: Statement) -> Decimal | None:
    planned = result.planned_rate
    total = result.settings.total
    if not planned or total is None:
        return None
    return (total / planned).quantize(Decimal("0.001"))


def _at_pace(timeline: Timeline, result: Statement, today: dt.date) -> Decimal | None:
    """Fees at the end of the engagement if earning goes on as it has (None before a week has passed)."""
    start, end = timeline.start, timeline.end
    elapsed = (min(today, end) - start).days + 1
    if elapsed < 7 or today >= end:
        return None
    earned = result.totals["earned"]
    return earned + earned * Decimal((end - today).days) / Decimal(elapsed)
