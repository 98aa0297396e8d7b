"""Exact money: Decimal amounts rounded to the currency's minor unit (ROUND_HALF_UP), shares that add up.

The one rounding rule: an amount is rounded to the currency's minor unit
(CLDR's digits: 2 for EUR and USD, 0 for UGX and JPY), halves away from zero
(``ROUND_HALF_UP``). A total split in shares gives every share but the last
its rounded part; the last takes the remainder, so the parts add up exactly.
"""

from __future__ import annotations

import atexit
import json
import os
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from engage_fees.catalogue import _

ZERO = Decimal(0)


# ISO 4217 codes that do not denote money a consultant is paid in: test and "no currency" codes,
# precious metals, units of account and bond-market units, and funds (a currency's next-day or
# inflation-indexed twin). The CFA and CFP francs (XOF, XAF, XPF) and the East Caribbean dollar (XCD)
# are real currencies and are not here.
NOT_MONEY = frozenset(
    {"XXX", "XTS", "XAU", "XAG", "XPD", "XPT", "XDR", "XSU", "XUA", "XBA", "XBB", "XBC", "XBD", "XFO", "XFU"}
    | {"BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "USS", "UYI", "UYW"}
)
_CODE = re.compile(r"[A-Z]{3}", re.ASCII)
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8}){0,3}", re.ASCII)


@lru_cache(maxsize=64)
def minor_digits(currency: str) -> int:
    """Digits after the decimal point in the currency's minor unit (CLDR, through babel)."""
    said = _asked(f"digits {currency}", lambda: str(_babel().get_currency_precision(currency)))
    if not (said.isascii() and said.isdigit() and int(said) <= 4):  # CLDR's most is 4 (CLF, UYW)
        raise ValueError(
            _("babel gave {text} digits for {currency}").format(text=repr(said), currency=currency)
        )
    return int(said)


def currency_problem(code: str) -> str | None:
    """What is wrong with ``code`` as the currency of an amount, or None when it is money."""
    if not _CODE.fullmatch(code) or (code not in NOT_MONEY and not known_currency(code)):
        return _("not an ISO 4217 code such as KES or USD")
    if code in NOT_MONEY:
        return _("an ISO 4217 code that is not money (a test code, a metal, a unit of account or a fund)")
    return None


@lru_cache(maxsize=64)
def known_currency(code: str) -> bool:
    """True for an ISO 4217 code of money that babel knows (``KES``, ``USD``, ``XOF``; not ``XXX``)."""
    if not _CODE.fullmatch(code) or code in NOT_MONEY:
        return False
    known = _asked(
        f"known {code}", lambda: "yes" if _babel().get_currency_name(code, locale="en") != code else "no"
    )
    return known == "yes"


def locale_name(name: str) -> str | None:
    """The babel name (``de_DE``, ``zh_Hant_TW``) of a locale written as a POSIX name (``de_DE``,
    ``de_de``) or a BCP 47 tag (``de-DE``, ``zh-Hant-TW``); None when babel cannot format amounts in it."""
    if not _LOCALE.fullmatch(name):
        return None
    language, *rest = re.split(r"[-_]", name)
    parts = [language.lower()]
    for part in rest:
        parts.append(part.title() if len(part) == 4 and part.isalpha() else part.upper())
    canonical = "_".join(parts)
    return canonical if known_locale(canonical) else None


@lru_cache(maxsize=16)
def known_locale(name: str) -> bool:
    """True for a locale babel can format amounts in, as named (``en``, ``fr_FR``, ``sw_KE``)."""
    if not _LOCALE.fullmatch(name):
        return False

    def ask() -> str:
        from babel import Locale, UnknownLocaleError

        try:
            Locale.parse(name)
            _babel().format_currency(Decimal(1), "USD", locale=name)
        except (UnknownLocaleError, ValueError, TypeError, LookupError):
            return "no"
        return "yes"

    return _asked(f"locale {name}", ask) == "yes"


def decimal_of(value: Fraction) -> Decimal:
    """A fraction (days, hours per day) as a Decimal, to 28 significant digits."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def round_money(amount: Decimal | Fraction | int, currency: str) -> Decimal:
    """``amount`` rounded to the currency's minor unit, halves away from zero."""
    if isinstance(amount, Fraction):
        amount = decimal_of(amount)
    quantum = Decimal(1).scaleb(-minor_digits(currency))
    return Decimal(amount).quantize(quantum, rounding=ROUND_HALF_UP)


def split(total: Decimal, shares: list[Decimal], currency: str) -> list[Decimal]:
    """``total`` in parts proportional to ``shares``; the last part takes the remainder."""
    whole = sum(shares, ZERO)
    parts = [round_money(total * share / whole, currency) for share in shares[:-1]]
    return [*parts, total - sum(parts, ZERO)]


_AMOUNT = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?|\.\d+", re.ASCII)
_SPACE_GROUPED = re.compile(r"\d{1,3}( \d{3})+(,\d+)?", re.ASCII)  # 1 500,50, under a decimal comma
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})  # the no-break spaces French groups with
MAX_AMOUNT_CHARS = 40  # 1e12 with grouping and six decimals fits: longer is not an amount
MOST_DECIMALS = 6
RATE_DIGITS = 12  # an exchange rate's significant digits: XOF to EUR is 1/655.957 = 0.00152449...
SMALLEST = Decimal(1).scaleb(-MOST_DECIMALS)  # 0.000001
LARGEST = "999,999,999,999.999999"


# Under a decimal-comma locale, an amount such as "1,500" or "12,345": as the locale reads it a decimal
# comma with three decimals, which no currency's cents need; as an English amount pasted in, thousands.
_ENGLISH_GROUPED = re.compile(r"[1-9]\d{0,2},\d{3}")


def parse_money(text: str, habit: str = "") -> Decimal:
    """A plain decimal amount ("1500", "1500.50", "1,500.50"); raises ValueError otherwise.

    A comma is read only as a thousands separator (1,500.50). A decimal comma ("1,5", "12,50")
    is refused rather than guessed: read as grouping, it would multiply the amount. An underscore
    (which Decimal() skips: "1__0" is 10) is refused too: an amount is written in 0-9, "," and ".".

    ``habit`` names a decimal-comma locale (``engage.decimal_comma()``), for an amount a person
    typed on the command line, never for a schedule or a record: then the comma is the decimal
    separator ("1500,50", "1 500,50" grouped with spaces), and a point is read only where it cannot
    group thousands (``engage.read_decimal_comma``): "1.500" and "1.500,00" are refused as ambiguous,
    and so are "1,500" and "12,345", which an amount pasted from English writes for thousands.
    """
    if habit and _ENGLISH_GROUPED.fullmatch(text.strip()):
        whole, _comma, decimals = text.strip().partition(",")
        raise ValueError(
            _(
                "{shown} is ambiguous under {habit}: a comma is the decimal separator here, but an "
                "amount pasted from English groups thousands with one; write {grouped} or {decimal}"
            ).format(
                shown=repr(text),
                habit=habit,
                grouped=whole + decimals,
                decimal=f"{whole},{decimals.rstrip('0')}".rstrip(","),
            )
        )
    value, shown = _read(text, habit)
    if value.as_tuple().exponent < -MOST_DECIMALS:  # type: ignore[operator]
        raise ValueError(
            _(
                "{shown} is finer than engage keeps: at most {most} decimals, the smallest amount "
                "being {smallest}; write {rounded} or a larger amount"
            ).format(
                shown=shown,
                most=MOST_DECIMALS,
                smallest=SMALLEST,
                rounded=value.quantize(SMALLEST, rounding=ROUND_HALF_UP),
            )
        )
    return _plausible(value, shown)


def parse_rate(text: str, habit: str = "") -> Decimal:
    """An exchange rate, as :func:`parse_money` reads an amount but to 12 significant digits rather
    than 6 decimals: 0.00152449 (XOF to EUR), 0.000152449315. What it converts is rounded to the
    currency's minor unit, as any amount (:func:`converted`)."""
    value, shown = _read(text, habit)
    digits = len(value.normalize().as_tuple().digits)
    if value and digits > RATE_DIGITS:
        raise ValueError(
            _(
                "{shown} is finer than engage keeps: a rate has at most {digits} significant digits; "
                "write {rounded}"
            ).format(shown=shown, digits=RATE_DIGITS, rounded=f"{_significant(value, RATE_DIGITS):f}")
        )
    return _plausible(value, shown)


def _significant(value: Decimal, digits: int) -> Decimal:
    """``value`` rounded (halves up) to ``digits`` significant digits."""
    return value.quantize(Decimal(1).scaleb(value.adjusted() - digits + 1), rounding=ROUND_HALF_UP)


def _read(text: str, habit: str) -> tuple[Decimal, str]:
    """An amount's value before its precision is checked, and the text as errors show it."""
    cleaned = text.strip()
    shown = repr(text) if len(text) <= MAX_AMOUNT_CHARS else repr(text[:MAX_AMOUNT_CHARS]) + "…"
    grammar = (
        _("write it like 1500, 1500,50 or 1 500,50")
        if habit
        else _("write it like 1500, 1500.50 or 1,500.50")
    )
    if habit:
        cleaned = cleaned.translate(_SPACES)
    if not cleaned.isascii():  # Decimal() reads ١٢٣ and １２３ as 123: an amount is written in 0-9
        raise ValueError(
            _("{shown} is not an amount in ASCII digits; {grammar}").format(shown=shown, grammar=grammar)
        )
    if len(cleaned) > MAX_AMOUNT_CHARS:
        raise ValueError(
            _("{shown} is not a plausible amount; write at most {largest}, to {most} decimals").format(
                shown=shown, largest=LARGEST, most=MOST_DECIMALS
            )
        )
    if habit:
        cleaned = _from_decimal_comma(cleaned, shown, habit, grammar)
    if not _AMOUNT.fullmatch(cleaned):
        if habit:
            hint = ""
        elif "_" in cleaned:
            hint = " " + _("(no underscores: group thousands with commas, 1,000)")
        elif "," in cleaned:
            hint = " " + _("(a decimal point, not a comma: 12.50)")
        else:
            hint = ""
        raise ValueError(
            _("{shown} is not an amount{hint}; {grammar}").format(shown=shown, hint=hint, grammar=grammar)
        )
    return Decimal(cleaned.replace(",", "")), shown


def _plausible(value: Decimal, shown: str) -> Decimal:
    if abs(value) >= Decimal("1e12"):
        raise ValueError(
            _("{shown} is not a plausible amount; write at most {largest}").format(
                shown=shown, largest=LARGEST
            )
        )
    return value


def _from_decimal_comma(cleaned: str, shown: str, habit: str, grammar: str) -> str:
    """An amount typed under a decimal-comma locale, with a decimal point and no grouping."""
    from engage import EngageError, read_decimal_comma

    if " " in cleaned:
        if not _SPACE_GROUPED.fullmatch(cleaned):
            raise ValueError(_("{shown} is not an amount; {grammar}").format(shown=shown, grammar=grammar))
        cleaned = cleaned.replace(" ", "")
    try:
        pointed = read_decimal_comma(cleaned, habit)
    except EngageError as exc:
        raise ValueError(str(exc)) from None
    if "," in pointed or "_" in pointed:
        raise ValueError(_("{shown} is not an amount; {grammar}").format(shown=shown, grammar=grammar))
    return pointed


def converted(amount: Decimal, rate: Decimal, currency: str) -> Decimal:
    """``amount`` at ``rate``, in ``currency``, rounded to its minor unit: the product is taken
    exactly (an amount's 18 digits by a rate's 12 are more than Decimal's 28), then rounded once."""
    from decimal import localcontext

    with localcontext(prec=64):
        return round_money(amount * rate, currency)


def money(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """An amount for people, with the currency's symbol and grouping (babel): ``$1,500.00``, ``UGX 1,500``
    in English, ``6 000,00 €`` in French; ``locale`` (``[fees] locale``) overrides the language in force."""
    return _money(amount, currency, locale or language_locale())


def language_locale() -> str:
    """The babel locale of the language in force (``fr_SN``, ``es``); ``en`` for every English."""
    from engage import current_language

    language = current_language()
    if language.partition("_")[0] == "en":
        return "en"
    return locale_name(language) or locale_name(language.partition("_")[0]) or "en"


@lru_cache(maxsize=4096)  # a portfolio formats the same few amounts (0.00, the ceilings) many times
def _money(amount: Decimal, currency: str, locale: str) -> str:
    return _asked(
        f"{amount} {currency} {locale}",
        lambda: str(_babel().format_currency(amount, currency, locale=locale)),
    )


money.cache_clear = _money.cache_clear  # type: ignore[attr-defined]


def _babel() -> ModuleType:
    import babel.numbers

    return babel.numbers


def _asked(key: str, ask: Callable[[], str]) -> str:
    """What babel said of ``key`` in an earlier run, else what it says now (then kept)."""
    known = None if _babel_only else _remembered(key)
    return known if known is not None else _remember(key, ask())


def from_babel_only() -> None:
    """Take every figure and text from babel itself from now on, never from the memo.

    For the commands that write money into the ledger or an invoice (``expense``, ``invoice``):
    what they record must not rest on a file in the cache folder, checked or not. They pay for
    babel's locale data (~40 ms); the reports, which write nothing, keep the memo.
    """
    global _babel_only
    _babel_only = True
    for memoised in (minor_digits, known_currency, known_locale, _money):
        memoised.cache_clear()


# What babel said, kept between runs: loading its locale data costs a status report ~40 ms, and a
# report shows the same amounts run after run, while reading and checking the memo costs well under
# 1 ms. The file is sealed (engage.write_checked) under its key, the installed babel (an upgrade asks
# again); one that does not match, holds what babel cannot have said, or lies in a folder others can
# write, is never believed and is rebuilt.
_said: dict[str, str] | None = None
_babel_only = False
_unsaved = False
MEMORY = 2048  # amounts kept; the oldest half is forgotten past this
_FORMAT = "engage-money-memo/3"


def _remembered(key: str) -> str | None:
    global _said
    if _said is None:
        from engage import read_checked

        held = read_checked(_memory_path(), _memory_key().encode("utf-8", "surrogateescape"))
        try:
            _said = _checked(json.loads(bytes(held))) if held is not None else {}
        except (ValueError, UnicodeDecodeError, RecursionError):
            _said = {}
        if held is None or not _said:
            _remember_later()  # missing, damaged or altered: replaced, never believed
    return _said.get(key)


def _checked(loaded: object) -> dict[str, str]:
    """The memo's entries, if they are what babel can have said (its checksum is checked on reading)."""
    if not isinstance(loaded, dict) or loaded.get("format") != _FORMAT:
        raise ValueError("not a money memo")
    said = loaded.get("said")
    if not isinstance(said, dict) or not all(isinstance(v, str) for v in said.values()):
        raise ValueError("a money memo without its entries")
    for key, value in said.items():  # what babel can say: digits 0 to 4, yes or no
        if key.startswith("digits ") and value not in ("0", "1", "2", "3", "4"):
            raise ValueError(f"a money memo with {value!r} digits")
        if key.startswith(("known ", "locale ")) and value not in ("yes", "no"):
            raise ValueError(f"a money memo with {value!r} for {key}")
    return said


def _remember(key: str, value: str) -> str:
    if _said is None:  # asked of babel only: the memo is still read (and checked), to add to it
        _remembered(key)
    assert _said is not None
    _said[key] = value
    if len(_said) > MEMORY:
        for old in list(_said)[: MEMORY // 2]:
            del _said[old]
    _remember_later()
    return value


def _remember_later() -> None:
    global _unsaved
    if not _unsaved:
        _unsaved = True
        atexit.register(_save)


def _save() -> None:
    from engage import write_checked

    memo = json.dumps({"format": _FORMAT, "said": dict(_said or {})}).encode("utf-8")
    # Not written (a full disk, a folder others can write): only slower next time.
    write_checked(_memory_path(), memo, _memory_key().encode("utf-8", "surrogateescape"))


@lru_cache(maxsize=1)
def _memory_key() -> str:
    """What the memo is of: the installed babel (its path and when it was installed)."""
    from importlib.util import find_spec

    spec = find_spec("babel")
    origin = spec.origin if spec and spec.origin else ""
    try:
        return f"{origin}:{os.stat(origin).st_mtime_ns}"
    except OSError:
        return origin


@lru_cache(maxsize=1)
def _memory_path() -> Path:
    import hashlib

    from engage import cache_dir

    return cache_dir() / f"money-{hashlib.sha256(_memory_key().encode()).hexdigest()[:16]}.json"
