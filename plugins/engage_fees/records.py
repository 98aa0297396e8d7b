"""The ledger records the fees plugin stores: expenses, invoices and payments, each strictly read.

They are registered with the core through ``engage_record_kinds``, so the
strict reader validates them like its own records and ``engage void`` can
cancel them. Amounts are written as text of exact decimals.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, ClassVar

from engage import RecordKind, date_field, frozen, text_field, texts_field
from engage_fees.catalogue import _
from engage_fees.money import parse_money, parse_rate

CATEGORIES = ("per-diem", "travel", "accommodation", "other")
_CODE = re.compile(r"[A-Z]{3}\Z")
_HEX = re.compile(r"[0-9a-f]{64}\Z")


@frozen
class Expense:
    """A reimbursable cost: ``amount`` in ``currency``, converted at ``rate`` into the contract's."""

    kind: ClassVar[str] = "fees.expense"
    id: str
    date: dt.date
    amount: Decimal
    currency: str
    rate: Decimal
    category: str
    note: str
    receipt: str
    receipt_sha256: str
    recorded_at: str
    line: int = 0


@frozen
class Invoice:
    """An invoice issued: its number, total, and what it covers (tranches, entries, expenses)."""

    kind: ClassVar[str] = "fees.invoice"
    id: str
    date: dt.date
    number: str
    total: Decimal
    currency: str
    payments: tuple[str, ...]
    entries: tuple[str, ...]
    expenses: tuple[str, ...]
    due: dt.date
    recorded_at: str
    line: int = 0
    document: str = ""  # its document: full path and SHA-256 (older invoices have neither)
    document_sha256: str = ""
    by: str = ""  # who recorded it, where the record says (engage's ``by``)


@frozen
class Paid:
    """An invoice was paid on ``date``."""

    kind: ClassVar[str] = "fees.paid"
    id: str
    date: dt.date
    invoice: str
    recorded_at: str
    line: int = 0
    by: str = ""  # who recorded it, where the record says


def _money(data: dict[str, Any], key: str, positive: bool = True) -> Decimal:
    value = (parse_rate if key == "rate" else parse_money)(text_field(data, key, required=True))
    if positive and value <= 0:
        raise ValueError(_("{key} must be more than 0").format(key=key))
    return value


def _code(data: dict[str, Any]) -> str:
    code = text_field(data, "currency", required=True)
    if not _CODE.match(code):
        raise ValueError(_("currency {text} is not an ISO 4217 code").format(text=repr(code)))
    return code


def read_expense(data: dict[str, Any], line: int) -> Expense:
    """An expense line, every field checked."""
    category = text_field(data, "category", required=True)
    if category not in CATEGORIES:
        raise ValueError(
            _("category {text} is not one of {categories}").format(
                text=repr(category), categories=", ".join(CATEGORIES)
            )
        )
    sha = text_field(data, "receipt_sha256")
    if sha and not _HEX.match(sha):
        raise ValueError(_("{key} must be 64 hex digits").format(key="receipt_sha256"))
    return Expense(
        data["id"],
        date_field(data),
        _money(data, "amount"),
        _code(data),
        _money(data, "rate"),
        category,
        text_field(data, "note"),
        text_field(data, "receipt"),
        sha,
        data["recorded_at"],
        line,
    )


def read_invoice(data: dict[str, Any], line: int) -> Invoice:
    """An invoice line, every field checked."""
    sha = text_field(data, "document_sha256")
    if sha and not _HEX.match(sha):
        raise ValueError(_("{key} must be 64 hex digits").format(key="document_sha256"))
    return Invoice(
        data["id"],
        date_field(data),
        text_field(data, "number", required=True),
        _money(data, "total", positive=False),
        _code(data),
        texts_field(data, "payments", empty=False),
        texts_field(data, "entries", empty=False),
        texts_field(data, "expenses", empty=False),
        date_field(data, "due"),
        data["recorded_at"],
        line,
        text_field(data, "document"),
        sha,
        text_field(data, "by"),
    )


def read_paid(data: dict[str, Any], line: int) -> Paid:
    """A payment line, every field checked."""
    return Paid(
        data["id"],
        date_field(data),
        text_field(data, "invoice", required=True),
        data["recorded_at"],
        line,
        text_field(data, "by"),
    )


def describe(record: Expense | Invoice | Paid) -> str:
    """One line for ``engage void``."""
    if isinstance(record, Expense):
        return _("expense {id}: {amount} {currency} {category} on {date}").format(
            id=record.id,
            amount=record.amount,
            currency=record.currency,
            category=record.category,
            date=record.date,
        )
    if isinstance(record, Invoice):
        return _("invoice {id}: {number} of {date} ({total} {currency})").format(
            id=record.id, number=record.number, date=record.date, total=record.total, currency=record.currency
        )
    return _("payment {id}: invoice {number} paid on {date}").format(
        id=record.id, number=record.invoice, date=record.date
    )


KINDS = (
    RecordKind(Expense.kind, read_expense, describe),
    RecordKind(Invoice.kind, read_invoice, describe, after_close=True),
    RecordKind(Paid.kind, read_paid, describe, after_close=True),
)
