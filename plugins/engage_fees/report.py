"""``engage fees`` output: the statement as tables (plain, Markdown, HTML) or JSON with exact amounts."""

from __future__ import annotations

import html
from collections.abc import Callable
from decimal import Decimal

from engage import Engagement, Section, format_days, json_text, markdown_cell, table
from engage_fees.account import Statement
from engage_fees.money import money, round_money

STYLE = (
    "body{font-family:sans-serif;margin:2em auto;max-width:50em;color:#222}"
    "table{border-collapse:collapse;margin:.5em 0 1.5em}"
    "th,td{text-align:left;padding:.25em .8em;border-bottom:1px solid #ccc}"
    "td:last-child{text-align:right;white-space:nowrap}"
)
TOTALS = ("earned", "payable", "invoiced", "paid", "outstanding", "expenses", "left")
TOTAL_LABELS = {"left": "left under the ceiling"}


def tranche_state(state: str, since: object, invoice: str | None, waiting: str) -> str:
    """``payable since 2021-12-02``, ``invoiced INV-001``, ``paid on …``, ``not due (waits for …)``."""
    if state == "payable":
        return f"payable since {since}"
    if state == "invoiced":
        return f"invoiced {invoice}"
    if state == "paid":
        return f"paid on {since} ({invoice})"
    return f"due on {since}" if since else "not due"  # the "on" column says what it waits for


def sections(engagement: Engagement, result: Statement) -> list[Section]:
    """The statement as titled tables of plain values."""
    cur, loc = result.currency, result.settings.locale

    def m(amount: Decimal) -> str:
        return money(amount, cur, loc)

    out = [_consultants(result, m)]
    if result.tranches:
        out.append(_payments(result, m))
    by_category = result.expenses_by_category()
    if by_category:
        out.append(_expenses(by_category, m))
    if result.invoices:
        out.append(_invoices(result, m))
    out.append(_totals(result, m))
    if result.collisions:
        out.append(_collisions(result))
    return out


def _collisions(result: Statement) -> Section:
    """Invoices and payments a merge holds twice: what is not counted, and why."""
    return Section(
        "Recorded twice on two machines (not counted)",
        ("record", "counted instead", "what"),
        tuple((c.records[-1], c.records[0], c.message) for c in result.collisions),
    )


def _consultants(result: Statement, m: Callable[[Decimal], str]) -> Section:
    """Each consultant's days, rate and what they earned (or would, at that rate)."""
    return Section(
        "Consultants",
        ("consultant", "days", "rate", "earned" if result.settings.basis == "days" else "at that rate"),
        tuple(
            (c.key, format_days(c.days), str(c.rate) if c.rate else "no rate", m(c.earned))
            for c in result.consultants
        ),
    )


def _payments(result: Statement, m: Callable[[Decimal], str]) -> Section:
    """Each tranche: its amount, what it is due on and where it stands."""
    return Section(
        "Payments",
        ("payment", "amount", "on", "state"),
        tuple(
            (
                t.tranche.name,
                m(t.tranche.amount),
                t.tranche.on_text,
                tranche_state(t.state, t.since, t.invoice, t.waiting),
            )
            for t in result.tranches
        ),
    )


def _expenses(by_category: dict[str, Decimal], m: Callable[[Decimal], str]) -> Section:
    """What was spent in each category, in the contract's currency."""
    return Section(
        "Expenses", ("category", "amount"), tuple((k, m(v)) for k, v in sorted(by_category.items()))
    )


def _invoices(result: Statement, m: Callable[[Decimal], str]) -> Section:
    """Each invoice issued, with when it is due and when it was paid."""
    return Section(
        "Invoices",
        ("number", "date", "amount", "due", "paid"),
        tuple(
            (s.invoice.number, s.invoice.date, m(s.invoice.total), s.invoice.due, s.paid_on or "")
            for s in result.invoices
        ),
    )


def _totals(result: Statement, m: Callable[[Decimal], str]) -> Section:
    """The totals, under the lump sum and the ceiling where the contract has them."""
    rows: list[tuple[str, str]] = [(TOTAL_LABELS.get(k, k), m(v)) for k, v in result.totals.items()]
    if result.settings.ceiling is not None:
        rows.insert(0, ("ceiling", m(result.settings.ceiling)))
    if result.settings.basis == "deliverables" and result.settings.total is not None:
        rows.insert(0, ("lump sum", m(result.settings.total)))
        if result.effective_rate is not None:
            planned = result.planned_rate
            rows.append(
                (
                    "effective day rate",
                    m(result.effective_rate) + (f" (planned {m(planned)})" if planned else ""),
                )
            )
    return Section("Totals", ("", result.currency), tuple(rows))


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
                "earned": exact(c.earned),
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
        return json_text(as_json(result)) + "\n"
    title = f"Fees of {engagement.title}\nas of {result.as_of}, paid by {result.settings.basis}"
    parts = sections(engagement, result)
    if fmt == "html":
        e = html.escape
        body = "".join(
            f"<h2>{e(s.title)}</h2><table><tr>{''.join(f'<th>{e(str(h))}</th>' for h in s.headers)}</tr>"
            + "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>" for row in s.rows)
            + "</table>"
            for s in parts
        )
        heading, _, when = title.partition("\n")
        return (
            f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{e(heading)}</title>'
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
