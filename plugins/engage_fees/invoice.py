"""An invoice for what is payable and not yet invoiced: its lines, number, and Markdown or HTML text."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

from engage import EngageError, Engagement, frozen, markdown_cell
from engage_fees.account import Statement, open_fee_lines
from engage_fees.money import ZERO, money
from engage_fees.records import Invoice

LABELS = {
    "from": "From",
    "from_address": "Address",
    "from_tax_id": "Tax id",
    "to": "To",
    "to_address": "Address",
    "to_tax_id": "Tax id",
    "bank": "Bank details",
}


@frozen
class Line:
    """One invoice line: what, how many, at what price, for how much (in the contract's currency)."""

    description: str
    quantity: str
    price: str
    amount: Decimal


@frozen
class Draft:
    """An invoice ready to record and print."""

    number: str
    date: dt.date
    due: dt.date
    lines: tuple[Line, ...]
    payments: tuple[str, ...]
    entries: tuple[str, ...]
    expenses: tuple[str, ...]
    total: Decimal
    currency: str


def next_number(invoices: list[Invoice], prefix: str) -> str:
    """The next number in sequence: the prefix and one more than the count of invoices ever issued."""
    return f"{prefix}{len(invoices) + 1:03d}"


def draft(engagement: Engagement, result: Statement, day: dt.date, number: str) -> Draft:
    """The invoice of ``day``; an EngageError when nothing is payable and uninvoiced."""
    settings = result.settings
    cur, loc = settings.currency, settings.locale
    lines: list[Line] = []
    payments: list[str] = []
    entries: list[str] = []
    if settings.basis == "deliverables":
        for state in result.tranches:
            if state.state == "payable":
                t = state.tranche
                share = f"{t.percent}%" if t.percent is not None else "1"
                lines.append(Line(f"{t.name} ({t.on_text}, since {state.since})", share, "", t.amount))
                payments.append(t.key)
    else:
        for description, days, rate, amount in open_fee_lines(result, engagement):
            price = money(rate.amount, cur, loc) + ("/h" if rate.per == "hour" else "/day") if rate else ""
            count = f"{float(days):g} day" + ("" if days == 1 else "s")
            lines.append(Line(description, count, price, amount))
        entries = [e.id for e in result.open_entries]
    for expense in result.open_expenses:
        converted = result.converted(expense)
        foreign = expense.currency != cur
        quantity = money(expense.amount, expense.currency, loc) if foreign else ""
        price = f"at {expense.rate:f}" if foreign else ""
        what = f"Expense, {expense.category}, {expense.date}" + (f": {expense.note}" if expense.note else "")
        lines.append(Line(what, quantity, price, converted))
    if not lines:
        raise EngageError(
            f"nothing to invoice as of {day}: no tranche is payable and not invoiced, "
            "no work or expense is left uninvoiced (see engage fees)"
        )
    return Draft(
        number,
        day,
        day + dt.timedelta(days=settings.invoicing.terms_days),
        tuple(lines),
        tuple(payments),
        tuple(entries),
        tuple(e.id for e in result.open_expenses),
        sum((line.amount for line in lines), ZERO),
        cur,
    )


def markdown(engagement: Engagement, result: Statement, d: Draft) -> str:
    """The invoice as Markdown."""
    loc = result.settings.locale
    out = [
        f"# Invoice {markdown_cell(d.number)}",
        "",
        f"Date: {d.date}  ",
        f"Due: {d.due}  ",
        f"Engagement: {markdown_cell(engagement.title)}",
        "",
    ]
    for key, label in LABELS.items():
        value = result.settings.invoicing.details.get(key)
        if value:
            out.append(f"**{label}:** {markdown_cell(value)}  ")
    out += ["", "| Item | Quantity | Price | Amount |", "|---|---|---|---:|"]
    for line in d.lines:
        out.append(
            f"| {markdown_cell(line.description)} | {markdown_cell(line.quantity)} | "
            f"{markdown_cell(line.price)} | {money(line.amount, d.currency, loc)} |"
        )
    out += [f"| **Total** | | | **{money(d.total, d.currency, loc)}** |", ""]
    out.append(f"Payment within {result.settings.invoicing.terms_days} days, by {d.due}.")
    return "\n".join(out) + "\n"


def html_page(engagement: Engagement, result: Statement, d: Draft) -> str:
    """The invoice as a printable HTML page, every value escaped."""
    loc = result.settings.locale
    e = html.escape
    parties = "".join(
        f"<tr><th>{e(label)}</th><td>{e(result.settings.invoicing.details[key])}</td></tr>"
        for key, label in LABELS.items()
        if result.settings.invoicing.details.get(key)
    )
    rows = "".join(
        f"<tr><td>{e(line.description)}</td><td>{e(line.quantity)}</td><td>{e(line.price)}</td>"
        f'<td class="num">{e(money(line.amount, d.currency, loc))}</td></tr>'
        for line in d.lines
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice {e(d.number)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em auto; max-width: 50em; color: #222; }}
h1 {{ border-bottom: 2px solid #333; }}
table {{ border-collapse: collapse; width: 100%; margin: 1em 0; }}
th, td {{ text-align: left; padding: .3em .6em; border-bottom: 1px solid #ccc; vertical-align: top; }}
td.num, th.num {{ text-align: right; white-space: nowrap; }}
tfoot td {{ font-weight: bold; border-top: 2px solid #333; }}
</style></head>
<body>
<h1>Invoice {e(d.number)}</h1>
<p>Date: <time>{d.date}</time> · Due: <time>{d.due}</time><br>Engagement: {e(engagement.title)}</p>
<table class="parties">{parties}</table>
<table class="lines"><thead>
<tr><th>Item</th><th>Quantity</th><th>Price</th><th class="num">Amount</th></tr></thead>
<tbody>{rows}</tbody>
<tfoot>
<tr><td colspan="3">Total</td>
<td class="num" id="total">{e(money(d.total, d.currency, loc))}</td></tr></tfoot>
</table>
<p>Payment within {result.settings.invoicing.terms_days} days, by {d.due}.</p>
</body></html>
"""
