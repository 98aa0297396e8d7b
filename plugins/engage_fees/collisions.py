"""Invoices and payments two machines recorded apart, found after a merge and counted once.

Each laptop numbers its invoices and checks what they cover under its own ledger's lock; offline in
the field, two consultants can each issue ``GEO-001``, invoice the same tranche, the same days or
the same expenses, or record the same payment. After a merge (``engage sync``) the union holds both.

Detection, not a numbering that cannot collide: a number reserved at sync time needs the network,
and engage invoices offline; a number per issuer (``GEO-ann-001``) changes what the client and their
accounts see, where one unbroken series per contract is the norm, and would not stop the same
tranche or days being invoiced twice anyway. So the figures count the invoice recorded first
(``recorded_at``, then id) and leave the other out, and an error finding names both and the way out.
"""

from __future__ import annotations

from collections.abc import Sequence

from engage import Finding
from engage_fees.records import Invoice, Paid

MERGED = "recorded apart on two machines"


def _named(record: Invoice | Paid) -> str:
    who = f", by {record.by}" if record.by else ""
    what = f"invoice {record.number}" if isinstance(record, Invoice) else f"payment of {record.invoice}"
    return f"{what} of {record.date} (record {record.id}{who})"


def _first(record: Invoice | Paid) -> tuple[str, str]:
    return (record.recorded_at, record.id)


def counted_invoices(invoices: Sequence[Invoice]) -> tuple[list[Invoice], list[Finding]]:
    """The invoices the figures count, in ledger order, and a finding for each one left out: one
    with a number, a tranche, entries or expenses an invoice recorded before it already holds."""
    numbers: dict[str, Invoice] = {}
    holders: dict[tuple[str, str], Invoice] = {}  # ("payment" | "entry" | "expense", id) -> invoice
    kept: set[str] = set()
    found: list[Finding] = []
    for invoice in sorted(invoices, key=_first):
        covered = [
            *(("payment", k) for k in invoice.payments),
            *(("entry", k) for k in invoice.entries),
            *(("expense", k) for k in invoice.expenses),
        ]
        clash = numbers.get(invoice.number)
        why = "with one number"
        if clash is None:
            held = [holders[c] for c in covered if c in holders]
            if held:
                clash = held[0]
                shared = [k for kind, k in covered if holders.get((kind, k)) is clash]
                kinds = sorted({kind for kind, k in covered if holders.get((kind, k)) is clash})
                more = ", ..." if len(shared) > 3 else ""
                why = f"both invoicing the same {' and '.join(kinds)} ({', '.join(shared[:3])}{more})"
        if clash is not None:
            found.append(
                Finding(
                    "error",
                    "invoice-collision",
                    f"{_named(clash)} and {_named(invoice)} were {MERGED}, {why}; counted: the one "
                    f"recorded first, {clash.id}, not {invoice.id} ({invoice.total} {invoice.currency}); "
                    f"void the wrong one: engage void {invoice.id} (or engage void {clash.id}), then "
                    "invoice again what is still owed",
                    date=invoice.date,
                    records=(clash.id, invoice.id),
                )
            )
            continue
        kept.add(invoice.id)
        numbers[invoice.number] = invoice
        for item in covered:
            holders[item] = invoice
    return [i for i in invoices if i.id in kept], found


def counted_payments(payments: Sequence[Paid]) -> tuple[dict[str, Paid], list[Finding]]:
    """The payment counted for each invoice number (the one recorded first), and a finding for
    each other payment of the same invoice."""
    counted: dict[str, Paid] = {}
    found: list[Finding] = []
    for paid in sorted(payments, key=_first):
        first = counted.get(paid.invoice)
        if first is None:
            counted[paid.invoice] = paid
            continue
        found.append(
            Finding(
                "error",
                "payment-collision",
                f"{_named(first)} and {_named(paid)} were {MERGED}: one invoice paid twice; counted: "
                f"the payment of {first.date} ({first.id}), once; void the other: engage void {paid.id}",
                date=paid.date,
                records=(first.id, paid.id),
            )
        )
    return counted, found
