"""Exact money: Decimal amounts rounded to the currency's minor unit (ROUND_HALF_UP), shares that add up.

The one rounding rule: an amount is rounded to the currency's minor unit
(CLDR's digits: 2 for EUR and USD, 0 for UGX and JPY), halves away from zero
(``ROUND_HALF_UP``). A total split in shares gives every share but the last
its rounded part; the last takes the remainder, so the parts add up exactly.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

ZERO = Decimal(0)


@lru_cache(maxsize=64)
def minor_digits(currency: str) -> int:
    """Digits after the decimal point in the currency's minor unit (CLDR, through babel)."""
    from babel.numbers import get_currency_precision

    return int(get_currency_precision(currency))


@lru_cache(maxsize=64)
def known_currency(code: str) -> bool:
    """True for an ISO 4217 code babel knows (``KES``, ``USD``)."""
    from babel.numbers import get_currency_name

    return len(code) == 3 and code.isupper() and get_currency_name(code, locale="en") != code


def round_money(amount: Decimal | Fraction | int, currency: str) -> Decimal:
    """``amount`` rounded to the currency's minor unit, halves away from zero."""
    if isinstance(amount, Fraction):
        amount = Decimal(amount.numerator) / Decimal(amount.denominator)  # 28 significant digits
    quantum = Decimal(1).scaleb(-minor_digits(currency))
    return Decimal(amount).quantize(quantum, rounding=ROUND_HALF_UP)


def split(total: Decimal, shares: list[Decimal], currency: str) -> list[Decimal]:
    """``total`` in parts proportional to ``shares``; the last part takes the remainder."""
    whole = sum(shares, ZERO)
    parts = [round_money(total * share / whole, currency) for share in shares[:-1]]
    return [*parts, total - sum(parts, ZERO)]


_AMOUNT = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?|\.\d+")


def parse_money(text: str) -> Decimal:
    """A plain decimal amount ("1500", "1500.50", "1,500.50"); raises ValueError otherwise.

    A comma is read only as a thousands separator (1,500.50). A decimal comma ("1,5", "12,50")
    is refused rather than guessed: read as grouping, it would multiply the amount.
    """
    cleaned = text.strip().replace("_", "")
    if not _AMOUNT.fullmatch(cleaned):
        hint = " (a decimal point, not a comma: 12.50)" if "," in cleaned else ""
        raise ValueError(f"{text!r} is not an amount{hint}; write it like 1500, 1500.50 or 1,500.50")
    value = Decimal(cleaned.replace(",", ""))
    if not value.is_finite() or value.as_tuple().exponent < -6 or abs(value) >= Decimal("1e12"):  # type: ignore[operator]
        raise ValueError(f"{text!r} is not a plausible amount")
    return value


@lru_cache(maxsize=4096)  # a portfolio formats the same few amounts (0.00, the ceilings) many times
def money(amount: Decimal, currency: str, locale: str = "en") -> str:
    """An amount for people, with the currency's symbol and grouping (babel): ``$1,500.00``, ``UGX 1,500``."""
    from babel.numbers import format_currency

    return str(format_currency(amount, currency, locale=locale))
