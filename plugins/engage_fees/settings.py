"""The schedule's ``[fees]`` tables, validated: currency, basis, ceiling, rates, tranches, invoicing.

The plugin owns its keys under its own table, as ``[budget]`` and ``[calendar]``
do, so the core's ``[[consultants]]`` stay free of fee keys::

    [fees]
    currency = "USD"
    basis = "deliverables"          # or "days"
    total = 12000                   # the lump sum (deliverables basis)
    ceiling = 12000                 # the contract's maximum
    rate = 600                      # default day rate; "75/h" for an hourly one

    [fees.rates]                    # per consultant, by key or name
    lead = 650

    [[fees.payments]]
    key = "first"
    name = "First instalment"
    percent = 50                    # or amount = 6000
    on = "deliverable draft accepted"

    [fees.invoicing]
    from = "A. Consultant, Nairobi"
    to = "IJM Kenya"
    terms_days = 30
    prefix = "INV-"
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from engage import DateRule, EngageError, Engagement, frozen, key_lines, parse_rule
from engage_fees.catalogue import _
from engage_fees.money import (
    ZERO,
    currency_problem,
    decimal_of,
    locale_name,
    minor_digits,
    parse_money,
    round_money,
    split,
)

BASES = ("deliverables", "days")
# An invoice number, as --number takes it: letters, digits and - / . _, at most 40 characters. The
# prefix is its start, so leaves room for the sequence (001): no control characters, no HTML, no
# path that climbs (a number starts with a letter or a digit).
NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]{0,39}", re.ASCII)
PREFIX_MAX = 32
PREFIX = re.compile(rf"(?:[A-Za-z0-9][A-Za-z0-9/._-]{{0,{PREFIX_MAX - 1}}})?", re.ASCII)
INVOICING_KEYS = (
    "from",
    "from_address",
    "from_tax_id",
    "to",
    "to_address",
    "to_tax_id",
    "bank",
    "terms_days",
    "prefix",
    "remind_after_days",
)


@frozen
class Rate:
    """A consultant's rate: per day, or per hour (``"60/h"``), in the contract's currency."""

    amount: Decimal
    per: str = "day"  # "day" or "hour"

    def per_day(self, hours_per_day: Fraction) -> Decimal:
        """The rate for one day of work."""
        if self.per == "day":
            return self.amount
        return self.amount * decimal_of(hours_per_day)

    def __str__(self) -> str:
        return f"{self.amount}/{'h' if self.per == 'hour' else 'day'}"


@frozen
class Tranche:
    """One payment: a share or an amount of the total, due when its trigger happens."""

    key: str
    name: str
    amount: Decimal
    on: dt.date | DateRule
    on_text: str
    percent: Decimal | None = None


@frozen
class Invoicing:
    """Who invoices whom, and on what terms."""

    details: dict[str, str] = field(default_factory=dict)
    terms_days: int = 30
    prefix: str = "INV-"
    remind_after_days: int = 14


@frozen
class FeeSettings:
    """The ``[fees]`` tables of one schedule."""

    currency: str
    basis: str
    ceiling: Decimal | None
    total: Decimal | None
    rate: Rate | None
    rates: dict[str, Rate]
    tranches: tuple[Tranche, ...]
    invoicing: Invoicing
    locale: str | None = None  # [fees] locale, an override; None: the language in force's

    def rate_of(self, consultant: str, engagement: Engagement | None = None) -> Rate | None:
        """The consultant's rate (by key or name, case-insensitive), else the default one."""
        wanted = {" ".join(consultant.split()).casefold()} | _aliases(engagement, consultant)
        for name, rate in self.rates.items():
            if " ".join(name.split()).casefold() in wanted:
                return rate
        return self.rate


def _aliases(engagement: Engagement | None, consultant: str) -> set[str]:
    """The key and name of a keyed consultant (schedules with ``[[consultants]]`` tables), folded."""
    finder = getattr(engagement, "consultant_of", None)
    found = finder(consultant) if finder is not None else None
    if found is None:
        return set()
    return {" ".join(str(getattr(found, a, "")).split()).casefold() for a in ("key", "name")} - {""}


def _known_consultants(engagement: Engagement) -> list[str]:
    """Who the schedule names: keys and names of ``[[consultants]]``, or the list of names."""
    team = getattr(engagement, "team", None)
    if team:
        return [x for c in team for x in (c.key, c.name) if x]
    return [c for c in engagement.consultants if c]


class _Where:
    """Errors naming the file, the line that sets a key (or its nearest table) and the key path."""

    def __init__(self, engagement: Engagement) -> None:
        self.source = engagement.source

    def fail(self, key: str, problem: str) -> EngageError:
        if self.source is None:
            return EngageError(f"{key}: {problem}")
        try:
            lines = key_lines(self.source.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            lines = {}
        path = key
        while path and path not in lines and f"{path}[0]" not in lines:
            path = path.rpartition(".")[0]
        line = lines.get(path) or lines.get(f"{path}[0]")
        where = _("{file}: line {line}: ").format(file=self.source, line=line) if line else f"{self.source}: "
        return EngageError(f"{where}{key}: {problem}")


def fees_of(engagement: Engagement) -> FeeSettings | None:
    """Read ``[fees]``; None when the schedule has none. A bad key is an error naming file, line and key."""
    table = engagement.plugin_settings("fees")
    if not table:
        return None
    w = _Where(engagement)
    allowed = ("currency", "basis", "ceiling", "total", "rate", "rates", "payments", "invoicing", "locale")
    for key in table:
        if key not in allowed:
            raise w.fail(f"fees.{key}", _("unknown key; [fees] takes {keys}").format(keys=", ".join(allowed)))
    given = table.get("currency")
    problem = currency_problem(given) if isinstance(given, str) else _("not text")
    if problem is not None or not isinstance(given, str):
        raise w.fail(
            "fees.currency",
            _('{text} is {problem}; give the ISO 4217 code of money such as "USD" or "KES"').format(
                text=repr(given), problem=problem
            ),
        )
    currency = given
    basis = table.get("basis", "deliverables")
    if basis not in BASES:
        raise w.fail("fees.basis", _('must be "deliverables" or "days", got {text}').format(text=repr(basis)))
    ceiling = _amount(w, table, "ceiling", "fees", currency)
    total = _amount(w, table, "total", "fees", currency)
    rate = _rate(w, table["rate"], "fees.rate") if "rate" in table else None
    rates_table = table.get("rates", {})
    if not isinstance(rates_table, dict):
        raise w.fail("fees.rates", _("must be a table: [fees.rates] with lines such as lead = 650"))
    rates = {str(k): _rate(w, v, f"fees.rates.{k}") for k, v in rates_table.items()}
    known = _known_consultants(engagement)
    folded = {" ".join(k.split()).casefold() for k in known}
    for name in rates:
        if known and " ".join(name.split()).casefold() not in folded:
            raise w.fail(
                f"fees.rates.{name}",
                _("no consultant {name} in this schedule; it names {names}").format(
                    name=repr(name), names=", ".join(known)
                ),
            )
    tranches = _tranches(w, engagement, table.get("payments", []), total, currency)
    if basis == "days" and rate is None and not rates:
        raise w.fail("fees.rate", _("a days contract needs a day rate: rate = 600, or [fees.rates]"))
    if ceiling is not None and total is not None and total > ceiling:
        raise w.fail(
            "fees.total",
            _("the lump sum {total} is above the ceiling {ceiling}").format(total=total, ceiling=ceiling),
        )
    written = table.get("locale")
    locale = locale_name(written) if isinstance(written, str) else None
    if locale is None and written is not None:
        raise w.fail(
            "fees.locale",
            _('must be a locale such as "en", "fr_FR" or "de-DE" that babel knows, got {text}').format(
                text=repr(written)
            ),
        )
    return FeeSettings(
        currency,
        str(basis),
        ceiling,
        total,
        rate,
        rates,
        tranches,
        _invoicing(w, table.get("invoicing", {})),
        locale,
    )


def _amount(
    w: _Where, table: dict[str, Any], key: str, where: str, currency: str | None = None
) -> Decimal | None:
    """An amount of money (in ``currency``: no finer than its minor unit), or a percentage."""
    if key not in table:
        return None
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise w.fail(
            f"{where}.{key}",
            _('must be an amount such as 12000 or "12000.50", got {text}').format(text=repr(value)),
        )
    try:
        amount = parse_money(str(value))
    except ValueError as exc:
        raise w.fail(f"{where}.{key}", str(exc)) from None
    if amount <= 0:
        raise w.fail(f"{where}.{key}", _("must be more than 0, got {text}").format(text=repr(value)))
    if currency is not None and round_money(amount, currency) != amount:
        raise w.fail(
            f"{where}.{key}",
            _(
                "{value} has more decimals than {currency} has (its smallest unit: {smallest}); "
                "write {rounded}?"
            ).format(
                value=value,
                currency=currency,
                smallest=Decimal(1).scaleb(-minor_digits(currency)),
                rounded=round_money(amount, currency),
            ),
        )
    return amount


def _rate(w: _Where, value: object, key: str) -> Rate:
    per = "day"
    text = str(value).strip() if isinstance(value, int | float | str) and not isinstance(value, bool) else ""
    if text.lower().endswith(("/h", "/hour")):
        per, text = "hour", text.rsplit("/", 1)[0]
    elif text.lower().endswith(("/d", "/day")):
        text = text.rsplit("/", 1)[0]
    try:
        amount = parse_money(text)
    except ValueError:
        amount = Decimal(0)
    if amount <= 0:
        raise w.fail(
            key,
            _('must be a day rate such as 650, or an hourly one such as "60/h", got {text}').format(
                text=repr(value)
            ),
        )
    return Rate(amount, per)


def _known_ref(w: _Where, engagement: Engagement, rule: DateRule, key: str) -> None:
    ref = rule.ref
    known = {
        "deliverable": [d.key for d in engagement.deliverables],
        "meeting": [m.key for m in engagement.meetings],
        "phase-start": [p.key for p in engagement.phases],
        "phase-end": [p.key for p in engagement.phases],
        "date": list(engagement.dates),
    }.get(ref.kind)
    if known is not None and ref.key not in known:
        what = ref.kind.split("-")[0] if ref.kind != "date" else "[dates] key"
        raise w.fail(
            key,
            _("no {what} {key} in this schedule; known: {keys}").format(
                what=what, key=repr(ref.key), keys=", ".join(known) or _("none")
            ),
        )


# One checked [[fees.payments]] table: key, name, percent, amount, when it is due and that as written.
_Payment = tuple[str, str, Decimal | None, Decimal | None, dt.date | DateRule, str]


def _tranches(
    w: _Where, engagement: Engagement, payments: object, total: Decimal | None, currency: str
) -> tuple[Tranche, ...]:
    """The ``[[fees.payments]]`` tables as tranches, each checked, with its amount of money."""
    if not isinstance(payments, list):
        raise w.fail("fees.payments", _("must be an array of tables: [[fees.payments]]"))
    if not payments:
        return ()
    seen: set[str] = set()
    raw = [
        _payment(w, engagement, f"fees.payments[{i}]", payment, seen, currency)
        for i, payment in enumerate(payments)
    ]
    amounts = _payment_amounts(w, raw, total, currency)
    return tuple(
        Tranche(key, name, amount, on, on_text, percent)
        for (key, name, percent, _, on, on_text), amount in zip(raw, amounts, strict=True)
    )


def _payment(
    w: _Where, engagement: Engagement, where: str, payment: object, seen: set[str], currency: str
) -> _Payment:
    """One payment's table, every key checked; its key is added to ``seen``, the keys used so far."""
    if not isinstance(payment, dict):
        raise w.fail(where, _("must be a table with key, name, percent or amount, and on"))
    for key in payment:
        if key not in ("key", "name", "percent", "amount", "on"):
            raise w.fail(f"{where}.{key}", _("unknown key; a payment takes key, name, percent or amount, on"))
    key = payment.get("key")
    if not isinstance(key, str) or not key or key in seen:
        raise w.fail(
            f"{where}.key", _('must be a key used once, such as "first", got {text}').format(text=repr(key))
        )
    seen.add(key)
    name = payment.get("name", key)
    if ("percent" in payment) == ("amount" in payment):
        raise w.fail(where, _("give percent (50) or amount (6000), one of the two"))
    percent = _amount(w, payment, "percent", where)
    amount = _amount(w, payment, "amount", where, currency)
    on: Any = payment.get("on")  # a date or text; _trigger refuses anything else
    trigger = _trigger(w, engagement, on, f"{where}.on")
    return (key, str(name), percent, amount, trigger, on if isinstance(on, str) else on.isoformat())


def _trigger(w: _Where, engagement: Engagement, on: object, key: str) -> dt.date | DateRule:
    """When a payment is due: a date, or an event of this schedule (``deliverable draft accepted``)."""
    if isinstance(on, dt.date) and not isinstance(on, dt.datetime):
        return on
    if not isinstance(on, str):
        raise w.fail(key, _('must say when it is due: a date or "deliverable KEY accepted"'))
    try:
        trigger = parse_rule(on)
    except ValueError as exc:
        raise w.fail(
            key,
            _(
                '{problem}; write a date or an event such as "deliverable draft accepted", '
                '"meeting validation" or "30 days after deliverable final accepted"'
            ).format(problem=exc),
        ) from None
    _known_ref(w, engagement, trigger, key)
    return trigger


def _payment_amounts(w: _Where, raw: list[_Payment], total: Decimal | None, currency: str) -> list[Decimal]:
    """Each payment's amount: its share of the lump sum when all are in percent (adding up to 100),
    else as given (adding up to the lump sum, when there is one)."""
    percents = [r[2] for r in raw]
    if all(p is not None for p in percents):
        whole = sum((p for p in percents if p is not None), ZERO)
        if whole != 100:
            raise w.fail("fees.payments", _("the percentages add up to {whole}, not 100").format(whole=whole))
        if total is None:
            raise w.fail("fees.total", _("payments in percent need the lump sum: total = 12000"))
        return split(total, [p for p in percents if p is not None], currency)
    if all(p is None for p in percents):
        amounts = [r[3] for r in raw if r[3] is not None]
        if total is not None and sum(amounts, ZERO) != total:
            raise w.fail(
                "fees.payments",
                _("the amounts add up to {sum}, not the total {total}").format(
                    sum=sum(amounts, ZERO), total=total
                ),
            )
        return amounts
    raise w.fail("fees.payments", _("give every payment a percent, or every one an amount, not a mix"))


def _invoicing(w: _Where, table: object) -> Invoicing:
    if not isinstance(table, dict):
        raise w.fail("fees.invoicing", _("must be a table: [fees.invoicing]"))
    details: dict[str, str] = {}
    for key, value in table.items():
        if key not in INVOICING_KEYS:
            raise w.fail(
                f"fees.invoicing.{key}",
                _("unknown key; [fees.invoicing] takes {keys}").format(keys=", ".join(INVOICING_KEYS)),
            )
        if key in ("terms_days", "remind_after_days"):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 365:
                raise w.fail(
                    f"fees.invoicing.{key}",
                    _("must be a number of days such as 30, got {text}").format(text=repr(value)),
                )
        elif not isinstance(value, str):
            raise w.fail(f"fees.invoicing.{key}", _("must be text, got {text}").format(text=repr(value)))
        else:
            details[key] = value
    prefix = str(table.get("prefix", "INV-"))
    if not PREFIX.fullmatch(prefix):
        raise w.fail(
            "fees.invoicing.prefix",
            _(
                "an invoice number's start: give letters, digits and - / . _, starting with a letter or "
                'digit, at most {most} (such as "INV-"), got {text}'
            ).format(most=PREFIX_MAX, text=repr(prefix[: PREFIX_MAX + 1])),
        )
    return Invoicing(
        {k: v for k, v in details.items() if k != "prefix"},
        int(table.get("terms_days", 30)),
        prefix,
        int(table.get("remind_after_days", 14)),
    )
