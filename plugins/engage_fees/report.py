"""``engage fees`` output: the statement as tables (plain, Markdown, HTML) or JSON with exact amounts."""

from __future__ import annotations

import html
from collections.abc import Callable
from decimal import Decimal

from engage import (
    N_,
    Engagement,
    Section,
    current_language,
    date_text,
    decimal_text,
    format_days,
    json_text,
    markdown_cell,
    table,
)
from engage_fees.account import Statement
from engage_fees.catalogue import _, ngettext, pgettext
from engage_fees.money import money, round_money
from engage_fees.settings import Rate, Tranche

STYLE = (
    "body{font-family:sans-serif;margin:2em auto;max-width:50em;color:#222}"
    "table{border-collapse:collapse;margin:.5em 0 1.5em}"
    "th,td{text-align:left;padding:.25em .8em;border-bottom:1px solid #ccc}"
    "td:last-child{text-align:right;white-space:nowrap}"
)
TOTALS = ("earned", "payable", "invoiced", "paid", "outstanding", "expenses", "left")
# The statement's totals (keys for programs) as people read them.
TOTAL_LABELS = {
    "earned": N_("earned"),
    "payable": N_("payable"),
    "invoiced": N_("invoiced"),
    "paid": N_("paid"),
    "outstanding": N_("outstanding"),
    "expenses": N_("expenses"),
    "left": N_("left under the ceiling"),
}
BASES = {"deliverables": N_("deliverables"), "days": N_("days")}
CATEGORY_WORDS = {
    "per-diem": N_("per diem"),
    "travel": N_("travel"),
    "accommodation": N_("accommodation"),
    "other": N_("other"),
}


def category_text(category: str) -> str:
    """An expense's category (``per-diem``, kept as recorded) as people read it; English as recorded."""
    found = CATEGORY_WORDS.get(category)
    return _(found) if found is not None and current_language().partition("_")[0] != "en" else category


def total_label(key: str) -> str:
    """A total's label (``earned``, ``left under the ceiling``) in the language in force."""
    return _(TOTAL_LABELS[key]) if key in TOTAL_LABELS else key


def rate_text(rate: Rate) -> str:
    """A rate for people: ``650/day``, ``75.5/h`` (``650/jour``, ``75,5/h`` in French)."""
    return decimal_text(str(rate.amount)) + ("/h" if rate.per == "hour" else _("/day"))


def day_text(day: object) -> str:
    """A date as people read it in the language in force (ISO in English); anything else as it is."""
    import datetime as dt

    return date_text(day) if isinstance(day, dt.date) else str(day)


def trigger_text(tranche: Tranche, engagement: Engagement) -> str:
    """When a tranche falls due, as people read it: the schedule's words in English
    (``deliverable draft accepted``), else the language's (``aceptación de Draft report``)."""
    import datetime as dt

    on = tranche.on
    if current_language().partition("_")[0] == "en":
        return tranche.on_text
    if isinstance(on, dt.date):
        return date_text(on)
    ref = on.ref

    def name(items: object) -> str:
        found = next((x for x in items if getattr(x, "key", None) == ref.key), None)  # type: ignore[attr-defined]
        return str(getattr(found, "name", "") or ref.key)

    if ref.kind == "deliverable":
        what = name(engagement.deliverables)
        event = {
            "submitted": _("{name} submitted"),
            "returned": _("{name} returned"),
            "accepted": _("{name} accepted"),
        }.get(ref.event, "{name} " + ref.event)
        said = event.format(name=what)
    elif ref.kind == "meeting":
        said = _("meeting {name}").format(name=name(engagement.meetings))
    elif ref.kind == "phase-start":
        said = _("start of {name}").format(name=name(engagement.phases))
    elif ref.kind == "phase-end":
        said = _("end of {name}").format(name=name(engagement.phases))
    elif ref.kind == "start":
        said = _("the start of the engagement")
    else:
        said = ref.key
    if on.count == 0:
        return said
    if on.unit == "working days":
        delay = ngettext("{count} working day", "{count} working days", on.count)
    elif on.unit == "weeks":
        delay = ngettext("{count} week", "{count} weeks", on.count)
    elif on.unit == "months":
        delay = ngettext("{count} month", "{count} months", on.count)
    else:
        delay = ngettext("{count} day", "{count} days", on.count)
    delay = delay.format(count=on.count)
    if on.sign > 0:
        return _("{delay} after {what}").format(delay=delay, what=said)
    return _("{delay} before {what}").format(delay=delay, what=said)


def tranche_state(state: str, since: object, invoice: str | None, waiting: str) -> str:
    """``payable since 2021-12-02``, ``invoiced INV-001``, ``paid on …``, ``not due (waits for …)``."""
    if state == "payable":
        return _("payable since {date}").format(date=day_text(since))
    if state == "invoiced":
        return _("invoiced {number}").format(number=invoice)
    if state == "paid":
        return _("paid on {date} ({number})").format(date=day_text(since), number=invoice)
    # the "on" column says what it waits for
    return _("due on {date}").format(date=day_text(since)) if since else _("not due")


def sections(engagement: Engagement, result: Statement) -> list[Section]:
    """The statement as titled tables of plain values."""
    cur, loc = result.currency, result.settings.locale

    def m(amount: Decimal) -> str:
        return money(amount, cur, loc)

    out = [consultants_section(result, m)]
    if result.tranches:
        out.append(payments_section(result, m, engagement))
    by_category = result.expenses_by_category()
    if by_category:
        out.append(_expenses(by_category, m))
    if result.invoices:
        out.append(_invoices(result, m))
    out.append(totals_section(result, m))
    if result.collisions:
        out.append(_collisions(result))
    return out


def _collisions(result: Statement) -> Section:
    """Invoices and payments a merge holds twice: what is not counted, and why."""
    return Section(
        _("Recorded twice on two machines (not counted)"),
        (_("record"), _("counted instead"), _("what")),
        tuple((c.records[-1], c.records[0], c.message) for c in result.collisions),
    )


def consultants_section(result: Statement, m: Callable[[Decimal], str]) -> Section:
    """Each consultant's days, rate and what they earned (or would, at that rate).

    A lump sum with no day rate pays for deliverables, not days: its consultants' days are shown
    with what that means for them, never as a rate of zero earning nothing."""
    lump_sum = result.settings.basis == "deliverables"
    if lump_sum and not any(c.rate for c in result.consultants):
        by_lump_sum = _("by the lump sum, not by the day")
        return Section(
            _("Consultants"),
            (_("consultant"), _("days"), _("paid")),
            tuple((c.key, format_days(c.days), by_lump_sum) for c in result.consultants),
        )
    return Section(
        _("Consultants"),
        (
            _("consultant"),
            _("days"),
            _("rate"),
            _("earned") if result.settings.basis == "days" else _("at that rate"),
        ),
        tuple(
            (
                c.key,
                format_days(c.days),
                rate_text(c.rate) if c.rate else _("no rate"),
                "" if lump_sum and not c.rate else m(c.earned),
            )
            for c in result.consultants
        ),
    )


def payments_section(result: Statement, m: Callable[[Decimal], str], engagement: Engagement) -> Section:
    """Each tranche: its amount, what it is due on and where it stands."""
    return Section(
        _("Payments"),
        (_("payment"), _("amount"), pgettext("a payment falls due", "on"), _("state")),
        tuple(
            (
                t.tranche.name,
                m(t.tranche.amount),
                trigger_text(t.tranche, engagement),
                tranche_state(t.state, t.since, t.invoice, t.waiting),
            )
            for t in result.tranches
        ),
    )


def _expenses(by_category: dict[str, Decimal], m: Callable[[Decimal], str]) -> Section:
    """What was spent in each category, in the contract's currency."""
    return Section(
        _("Expenses"),
        (_("category"), _("amount")),
        tuple((category_text(k), m(v)) for k, v in sorted(by_category.items())),
    )


def _invoices(result: Statement, m: Callable[[Decimal], str]) -> Section:
    """Each invoice issued, with when it is due and when it was paid."""
    return Section(
        _("Invoices"),
        (_("number"), _("date"), _("amount"), _("due"), _("paid")),
        tuple(
            (
                s.invoice.number,
                day_text(s.invoice.date),
                m(s.invoice.total),
                day_text(s.invoice.due),
                day_text(s.paid_on) if s.paid_on else "",
            )
            for s in result.invoices
        ),
    )


def totals_section(result: Statement, m: Callable[[Decimal], str]) -> Section:
    """The totals, under the lump sum and the ceiling where the contract has them."""
    rows: list[tuple[str, str]] = [(total_label(k), m(v)) for k, v in result.totals.items()]
    if result.settings.ceiling is not None:
        rows.insert(0, (_("ceiling"), m(result.settings.ceiling)))
    if result.settings.basis == "deliverables" and result.settings.total is not None:
        rows.insert(0, (_("lump sum"), m(result.settings.total)))
        if result.effective_rate is not None:
            planned = result.planned_rate
            rows.append(
                (
                    _("effective day rate"),
                    m(result.effective_rate)
                    + (" " + _("(planned {amount})").format(amount=m(planned)) if planned else ""),
                )
            )
    return Section(_("Totals"), ("", result.currency), tuple(rows))


def as_json(result: Statement) -> dict[str, object]:
    """The JSON shape of ``engage fees --format json``: amounts as strings of exact decimals."""
    totals = result.totals
    cur = result.currency

    def exact(amount: Decimal | None) -> str | None:
        return None if amount is None else str(round_money(amount, cur))

    return {
        "as_of": result.as_of.isoformat(),
        "currency": result.currency,
        "basis": result.settings.basis,
        "ceiling": exact(result.settings.ceiling),
        "total": exact(result.settings.total),
        **{k: exact(totals[k]) for k in ("earned", "payable", "invoiced", "paid", "outstanding", "expenses")},
        "left": exact(totals.get("left")),
        "payments": [
            {
                "key": t.tranche.key,
                "name": t.tranche.name,
                "amount": exact(t.tranche.amount),
                "on": t.tranche.on_text,
                "state": t.state,
                "since": t.since.isoformat() if t.since else None,
                "invoice": t.invoice,
            }
            for t in result.tranches
        ],
        "consultants": [
            {
                "key": c.key,
                "days": float(c.days),
                "rate": str(c.rate) if c.rate else None,
                # a lump sum pays no consultant by the day: nothing earned at a rate they do not have
                "earned": None if result.settings.basis == "deliverables" and not c.rate else exact(c.earned),
            }
            for c in result.consultants
        ],
        "expenses_by_category": {k: exact(v) for k, v in sorted(result.expenses_by_category().items())},
        "invoices": [
            {
                "number": s.invoice.number,
                "date": s.invoice.date.isoformat(),
                "total": exact(s.invoice.total),
                "due": s.invoice.due.isoformat(),
                "paid_on": s.paid_on.isoformat() if s.paid_on else None,
            }
            for s in result.invoices
        ],
        "effective_rate": exact(result.effective_rate),
        "planned_rate": exact(result.planned_rate),
        "collisions": [c.as_dict() for c in result.collisions],
    }


def render(engagement: Engagement, result: Statement, fmt: str) -> str:
    """The statement in one of plain, markdown, json or html."""
    if fmt == "json":
        from engage import machine

        with machine():
            return json_text(as_json(result)) + "\n"
    basis = result.settings.basis
    title = (
        _("Fees of {title}").format(title=engagement.title)
        + "\n"
        + _("as of {date}, paid by {basis}").format(
            date=date_text(result.as_of), basis=_(BASES[basis]) if basis in BASES else basis
        )
    )
    parts = sections(engagement, result)
    if fmt == "html":
        e = html.escape
        body = "".join(
            f"<h2>{e(s.title)}</h2><table><tr>{''.join(f'<th>{e(str(h))}</th>' for h in s.headers)}</tr>"
            + "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>" for row in s.rows)
            + "</table>"
            for s in parts
        )
        lang = current_language().replace("_", "-")
        heading, _nl, when = title.partition("\n")
        return (
            f'<!DOCTYPE html>\n<html lang="{e(lang)}"><head><meta charset="utf-8"><title>{e(heading)}</title>'
            f"<style>{STYLE}</style></head>"
            f"<body><h1>{e(heading)}</h1><p>{e(when)}</p>{body}</body></html>\n"
        )
    fmt_name = "github" if fmt == "markdown" else "simple"
    if fmt == "markdown":
        head = "# " + markdown_cell(title).replace("<br>", "  \n")
    else:  # the title wraps to the terminal, as every plain table does
        from engage import output_width, wrap

        head = "\n".join(part for line in title.splitlines() for part in wrap(line, output_width()))
    chunks = [head]
    for s in parts:
        heading = f"## {markdown_cell(s.title)}" if fmt == "markdown" else s.title
        chunks.append(f"{heading}\n\n{table(s.headers, s.rows, fmt_name)}")
    return "\n\n".join(chunks) + "\n"
