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

from engage import N_, Finding
from engage_fees.catalogue import _
from engage_fees.records import Invoice, Paid


def _named(record: Invoice | Paid) -> str:
    if isinstance(record, Invoice):
        what = _("invoice {number} of {date} (record {id}").format(
            number=record.number, date=record.date, id=record.id
        )
    else:
        what = _("payment of {number} of {date} (record {id}").format(
            number=record.invoice, date=record.date, id=record.id
        )
    return what + (_(", by {name}").format(name=record.by) if record.by else "") + ")"


KIND_WORDS = {"payment": N_("payment"), "entry": N_("entry"), "expense": N_("expense")}


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
        why = _("with one number")
        if clash is None:
            held = [holders[c] for c in covered if c in holders]
            if held:
                clash = held[0]
                shared = [k for kind, k in covered if holders.get((kind, k)) is clash]
                kinds = sorted({kind for kind, k in covered if holders.get((kind, k)) is clash})
                more = ", ..." if len(shared) > 3 else ""
                why = _("both invoicing the same {kinds} ({ids})").format(
                    kinds=_(" and ").join(_(KIND_WORDS[kind]) for kind in kinds),
                    ids=", ".join(shared[:3]) + more,
                )
        if clash is not None:
            found.append(
                Finding(
                    "error",
                    "invoice-collision",
                    _(
                        "{first} and {second} were recorded apart on two machines, {why}; counted: the one "
                        "recorded first, {kept}, not {left} ({amount} {currency}); "
                        "void the wrong one: engage void {left} (or engage void {kept}), then "
                        "invoice again what is still owed"
                    ).format(
                        first=_named(clash),
                        second=_named(invoice),
                        why=why,
                        kept=clash.id,
                        left=invoice.id,
                        amount=invoice.total,
                        currency=invoice.currency,
                    ),
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
                _(
                    "{first} and {second} were recorded apart on two machines: one invoice paid twice; "
                    "counted: the payment of {date} ({kept}), once; void the other: engage void {left}"
                ).format(
                    first=_named(first), second=_named(paid), date=first.date, kept=first.id, left=paid.id
                ),
                date=paid.date,
                records=(first.id, paid.id),
            )
        )
    return counted, found
