"""An invoice for what is payable and not yet invoiced: its lines, number, and Markdown or HTML text."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

from engage import (
    N_,
    EngageError,
    Engagement,
    current_language,
    date_text,
    decimal_text,
    frozen,
    label_text,
    markdown_cell,
    using,
)
from engage_fees.account import Statement, open_fee_lines
from engage_fees.catalogue import _, ngettext
from engage_fees.money import ZERO, money
from engage_fees.records import Invoice
from engage_fees.report import category_text, trigger_text

LABELS = {
    "from": N_("From"),
    "from_address": N_("Address"),
    "from_tax_id": N_("Tax id"),
    "to": N_("To"),
    "to_address": N_("Address"),
    "to_tax_id": N_("Tax id"),
    "bank": N_("Bank details"),
}


def _english() -> bool:
    return current_language().partition("_")[0] == "en"


def _time(day: dt.date) -> str:
    """A date in the HTML invoice: ``<time>2021-12-20</time>`` in English, else the language's
    words with the ISO date for programs."""
    if _english():
        return f"<time>{day}</time>"
    return f'<time datetime="{day.isoformat()}">{html.escape(date_text(day, "long"))}</time>'


def _days_text(days: object) -> str:
    """``1 day``, ``2.5 days`` (``2,5 jours``)."""
    from fractions import Fraction

    value = Fraction(str(days)) if not isinstance(days, Fraction) else days
    count = int(value) if value.denominator == 1 else 2  # a part of a day: the plural (1.5 days)
    return ngettext("{count} day", "{count} days", count).format(count=decimal_text(f"{float(value):g}"))


def _terms(result: Statement, d: Draft) -> str:
    """``Payment within 30 days, by 2022-01-19.``"""
    terms = result.settings.invoicing.terms_days
    return ngettext(
        "Payment within {count} day, by {date}.", "Payment within {count} days, by {date}.", terms
    ).format(count=terms, date=date_text(d.due, "long"))


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
                share = (
                    _("{percent}%").format(percent=decimal_text(str(t.percent)))
                    if t.percent is not None
                    else "1"
                )
                since = date_text(state.since) if state.since is not None else ""
                on = trigger_text(t, engagement)
                what = _("{name} ({on}, since {date})").format(name=t.name, on=on, date=since)
                lines.append(Line(what, share, "", t.amount))
                payments.append(t.key)
    else:
        for description, days, rate, amount in open_fee_lines(result, engagement):
            price = money(rate.amount, cur, loc) + ("/h" if rate.per == "hour" else _("/day")) if rate else ""
            lines.append(Line(description, _days_text(days), price, amount))
        entries = [e.id for e in result.open_entries]
    for expense in result.open_expenses:
        converted = result.converted(expense)
        foreign = expense.currency != cur
        quantity = money(expense.amount, expense.currency, loc) if foreign else ""
        price = _("at {rate}").format(rate=decimal_text(f"{expense.rate:f}")) if foreign else ""
        what = _("Expense, {category}, {date}").format(
            category=category_text(expense.category), date=date_text(expense.date)
        ) + (f": {expense.note}" if expense.note else "")
        lines.append(Line(what, quantity, price, converted))
    if not lines:
        with using(None):  # a message: the user's language, not the document's
            raise EngageError(
                _(
                    "nothing to invoice as of {date}: no tranche is payable and not invoiced, "
                    "no work or expense is left uninvoiced (see engage fees)"
                ).format(date=day)
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
    dated, due, about, total = (
        label_text(_("Date")),
        label_text(_("Due")),
        label_text(_("Engagement")),
        _("Total"),
    )
    out = [
        "# " + _("Invoice {number}").format(number=markdown_cell(d.number)),
        "",
        f"{dated} {date_text(d.date, 'long')}  ",
        f"{due} {date_text(d.due, 'long')}  ",
        f"{about} {markdown_cell(engagement.title)}",
        "",
    ]
    for key, label in LABELS.items():
        value = result.settings.invoicing.details.get(key)
        if value:
            out.append(f"**{label_text(_(label))}** {markdown_cell(value)}  ")
    headers = (_("Item"), _("Quantity"), _("Price"), _("Amount"))
    out += ["", "| " + " | ".join(markdown_cell(h) for h in headers) + " |", "|---|---|---|---:|"]
    for line in d.lines:
        out.append(
            f"| {markdown_cell(line.description)} | {markdown_cell(line.quantity)} | "
            f"{markdown_cell(line.price)} | {money(line.amount, d.currency, loc)} |"
        )
    out += [f"| **{total}** | | | **{money(d.total, d.currency, loc)}** |", ""]
    out.append(_terms(result, d))
    return "\n".join(out) + "\n"


def html_page(engagement: Engagement, result: Statement, d: Draft) -> str:
    """The invoice as a printable HTML page, every value escaped."""
    loc = result.settings.locale
    e = html.escape
    parties = "".join(
        f"<tr><th>{e(_(label))}</th><td>{e(result.settings.invoicing.details[key])}</td></tr>"
        for key, label in LABELS.items()
        if result.settings.invoicing.details.get(key)
    )
    rows = "".join(
        f"<tr><td>{e(line.description)}</td><td>{e(line.quantity)}</td><td>{e(line.price)}</td>"
        f'<td class="num">{e(money(line.amount, d.currency, loc))}</td></tr>'
        for line in d.lines
    )
    title = e(_("Invoice {number}").format(number=d.number))
    dated, due, about = e(label_text(_("Date"))), e(label_text(_("Due"))), e(label_text(_("Engagement")))
    item, quantity, price, amount, total = (
        e(_(w)) for w in (N_("Item"), N_("Quantity"), N_("Price"), N_("Amount"), N_("Total"))
    )
    lang = e(current_language().replace("_", "-"))
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 2em auto; max-width: 50em; color: #222; }}
h1 {{ border-bottom: 2px solid #333; }}
table {{ border-collapse: collapse; width: 100%; margin: 1em 0; }}
th, td {{ text-align: left; padding: .3em .6em; border-bottom: 1px solid #ccc; vertical-align: top; }}
td.num, th.num {{ text-align: right; white-space: nowrap; }}
tfoot td {{ font-weight: bold; border-top: 2px solid #333; }}
</style></head>
<body>
<h1>{title}</h1>
<p>{dated} {_time(d.date)} · {due} {_time(d.due)}<br>{about} {e(engagement.title)}</p>
<table class="parties">{parties}</table>
<table class="lines"><thead>
<tr><th>{item}</th><th>{quantity}</th><th>{price}</th><th class="num">{amount}</th></tr></thead>
<tbody>{rows}</tbody>
<tfoot>
<tr><td colspan="3">{total}</td>
<td class="num" id="total">{e(money(d.total, d.currency, loc))}</td></tr></tfoot>
</table>
<p>{e(_terms(result, d))}</p>
</body></html>
"""
