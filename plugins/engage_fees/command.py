"""The ``engage fees``, ``expense``, ``invoice`` and ``paid`` commands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from engage import (
    DATE_HELP,
    EngageError,
    Engagement,
    Ledger,
    Session,
    decimal_comma,
    machine,
    new_record,
    parse_date,
    pass_session,
    remove_file,
    speaking,
    warn,
)
from engage_fees.catalogue import _
from engage_fees.records import CATEGORIES, Invoice, Paid
from engage_fees.settings import FeeSettings, fees_of

if TYPE_CHECKING:
    from engage_fees.account import Statement
    from engage_fees.invoice import Draft


MOST = Decimal("1e12")  # what parse_money takes: an expense, converted, stays under it


def settings_or_fail(engagement: Engagement) -> FeeSettings:
    """The schedule's fees, or an error saying how to add them."""
    settings = fees_of(engagement)
    if settings is None:
        raise EngageError(
            _(
                "{file}: no [fees] table; add one with currency, basis and rate or total "
                "(see schedules/template.toml)"
            ).format(file=engagement.source)
        )
    return settings


def _not_after_today(session: Session, day: str, advice: str) -> dt.date:
    """The date given with --date, or an error ending in ``advice`` when it is after today."""
    date = parse_date(day, session.today())
    if date > session.today():
        raise EngageError(_("--date {date} is in the future; {advice}").format(date=date, advice=advice))
    return date


@click.command()
@click.option("--as-of", "as_of", help=f"Figures as of this date: {DATE_HELP} (default today).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["plain", "markdown", "json", "html"]),
    default="plain",
    show_default=True,
)
@pass_session
def fees(session: Session, as_of: str | None, fmt: str) -> None:
    """What is earned, payable, invoiced and paid; tranches, expenses and the ceiling.

    \b
    Examples:
      engage fees
      engage fees --as-of 2021-12-31 --format json
    """
    from engage_fees.account import statement
    from engage_fees.report import render

    engagement = session.engagement
    settings = settings_or_fail(engagement)
    today = parse_date(as_of, session.today()) if as_of else session.today()
    result = statement(session.verdict(engagement, session.ledger().until(today), today), settings)
    with machine() if fmt == "json" else speaking(engagement):
        text = render(engagement, result, fmt)
    click.echo(text, nl=False)


@click.command()
@click.argument("amount")
@click.option("--currency", help="ISO 4217 code of the amount (default: the contract's currency).")
@click.option("--rate", "fx", help="Contract currency per unit of --currency (0.0078 for KES to USD).")
@click.option("--category", required=True, type=click.Choice(CATEGORIES, case_sensitive=False))
@click.option("--date", "-d", "day", default="today", show_default=True, help=DATE_HELP + ".")
@click.option("--note", "-n", default="", help="What it was for.")
@click.option(
    "--receipt", type=click.Path(path_type=Path), help="The receipt's file: kept by path and SHA-256."
)
@pass_session
def expense(
    session: Session,
    amount: str,
    currency: str | None,
    fx: str | None,
    category: str,
    day: str,
    note: str,
    receipt: Path | None,
) -> None:
    """Record a reimbursable expense (per diem, travel, accommodation, other).

    An amount in another currency needs --rate, the contract currency per
    unit; it is converted at that rate, kept with the expense. A receipt is
    never copied: its path and SHA-256 are recorded.

    \b
    Examples:
      engage expense 120 --category travel --note "taxi to the retreat"
      engage expense 9500 --currency KES --rate 0.0078 --category per-diem
    """
    from engage_fees.money import converted, from_babel_only, minor_digits

    from_babel_only()  # what is recorded rests on babel, not on the cache folder
    settings = settings_or_fail(session.engagement)
    value = _more_than_zero(amount, "AMOUNT:", "AMOUNT:")
    code = _currency_code(settings, currency)
    rate = _rate_to_contract(settings, code, fx)
    if value * rate >= MOST:  # each is plausible alone; together they can make 10^24
        raise EngageError(
            _(
                "AMOUNT: {amount} {code} at --rate {rate} is {total} {currency}, more than "
                "an expense can be (under 10^12); check the amount and the rate"
            ).format(
                amount=amount, code=code, rate=rate, total=f"{value * rate:.3g}", currency=settings.currency
            )
        )
    if converted(value, rate, settings.currency) == 0:
        smallest = Decimal(1).scaleb(-minor_digits(settings.currency))
        raise EngageError(
            _(
                "AMOUNT: {amount} {code} rounds to nothing in {currency}, whose smallest amount is "
                "{smallest}; give the real amount"
            ).format(amount=amount, code=code, currency=settings.currency, smallest=smallest)
        )
    date = _not_after_today(session, day, _("an expense records what was spent, today or earlier"))
    fields: dict[str, object] = {
        "date": date.isoformat(),
        "amount": str(value),
        "currency": code,
        "rate": f"{rate:f}",  # never 1E-7: the record is read back as typed
        "category": category.lower(),
        "note": note,
    }
    if receipt is not None:
        from engage_fees.receipts import receipt_fields

        fields |= receipt_fields(receipt)
    record = new_record("fees.expense", **fields)
    from engage_fees.money import money  # the reply is made before the write: nothing fails after it

    shown = money(converted(value, rate, settings.currency), settings.currency, settings.locale)
    extra = (
        " " + _("({amount} at {rate})").format(amount=money(value, code, settings.locale), rate=f"{rate:f}")
        if code != settings.currency
        else ""
    )
    session.write([record])
    click.echo(
        _("Expense {id}: {amount}{extra}, {category} on {date}").format(
            id=record["id"], amount=shown, extra=extra, category=category.lower(), date=date
        )
    )


def _more_than_zero(text: str, unreadable: str, zero: str, rate: bool = False) -> Decimal:
    """An amount (or with ``rate`` an exchange rate) typed on the command line, in the user's
    locale's habits (``decimal_comma``); the errors start with ``unreadable`` when it is not a
    number and with ``zero`` when it is 0 or less, as AMOUNT and --rate each word them."""
    from engage_fees.money import parse_money, parse_rate

    try:
        value = (parse_rate if rate else parse_money)(text, decimal_comma())
    except ValueError as exc:
        raise EngageError(f"{unreadable} {exc}") from None
    if value <= 0:
        raise EngageError(_("{what} {text} must be more than 0").format(what=zero, text=repr(text)))
    return value


def _currency_code(settings: FeeSettings, currency: str | None) -> str:
    """The expense's ISO 4217 code: --currency, else the contract's."""
    from engage_fees.money import currency_problem

    code = (currency or settings.currency).strip().upper()
    problem = currency_problem(code)
    if problem is not None:
        raise EngageError(
            _("--currency {text}: {code} is {problem}; give the code of the money paid").format(
                text=repr(currency), code=code, problem=problem
            )
        )
    return code


def _rate_to_contract(settings: FeeSettings, code: str, fx: str | None) -> Decimal:
    """The contract currency per unit of ``code``: 1 for the contract's own, else --rate, which an
    amount in another currency must give."""
    if code == settings.currency:
        if fx is not None and fx.strip() not in ("1", "1.0", "1,0"):
            raise EngageError(
                _("--rate is for an amount in another currency; this one is in {code}").format(code=code)
            )
        return Decimal(1)
    if fx is None:
        raise EngageError(
            _("an amount in {code} needs --rate, the {currency} per {code} (such as --rate 0.0078)").format(
                code=code, currency=settings.currency
            )
        )
    return _more_than_zero(fx, "--rate:", "--rate", rate=True)


@click.command()
@click.option("--date", "-d", "day", default="today", show_default=True, help=DATE_HELP + ".")
@click.option("--number", help="The invoice number (default: the prefix and the next in sequence).")
@click.option(
    "--format", "fmt", type=click.Choice(["markdown", "html"]), default=None, help="Default: from -o."
)
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="The file to write.")
@pass_session
def invoice(session: Session, day: str, number: str | None, fmt: str | None, output: Path) -> None:
    """Invoice what is payable and not yet invoiced; record it so nothing is invoiced twice.

    \b
    Examples:
      engage invoice -o invoice.html
      engage invoice --date 2021-12-20 --format markdown -o INV-001.md
    """
    from engage_fees.account import statement
    from engage_fees.invoice import draft, html_page, markdown
    from engage_fees.money import from_babel_only, money

    from_babel_only()  # what is recorded and printed rests on babel, not on the cache folder
    engagement = session.engagement
    settings = settings_or_fail(engagement)
    date = _not_after_today(session, day, _("date an invoice today or earlier"))
    ledger = session.ledger()
    if _finished_interrupted(ledger, output, settings):
        return
    fmt = _invoice_format(output, fmt, ledger)
    render = html_page if fmt == "html" else markdown

    def decide(current: Ledger) -> tuple[str, Draft, str]:
        """The number, the draft and the document a run would issue on ``current``."""
        chosen = _invoice_number(current, number, settings.invoicing.prefix)
        result = statement(session.verdict(engagement, current.until(date), date), settings)
        with speaking(engagement):  # the client reads it: in the engagement's language
            made = draft(engagement, result, date, chosen)
            return chosen, made, render(engagement, result, made)

    chosen, made, text = decide(ledger)
    _not_invoiced(chosen, made)(ledger)
    record = _invoice_record(date, chosen, made, output, text)

    def decided_again(current: Ledger) -> str | None:
        """Under the lock: without --number, what a re-run would issue now (another number, less
        on it, or "nothing to invoice") when another invoice landed since; None when unchanged."""
        nonlocal chosen, made, text
        if number is not None:  # a number given is checked as given: used, it is refused
            return None
        again = decide(current)
        if again[2] == text:
            return None
        chosen, made, text = again
        fresh = _invoice_record(date, chosen, made, output, text)
        record.update({k: v for k, v in fresh.items() if k not in ("id", "recorded_at")})
        return text

    def not_invoiced(current: Ledger) -> None:
        _not_invoiced(chosen, made)(current)

    written = _write_invoice(session, output, text, record, not_invoiced, decided_again)
    total = money(made.total, made.currency, settings.locale)
    click.echo(
        _("Invoice {number}: {total}, due {due}, written to {file} (record {id})").format(
            number=chosen, total=total, due=made.due, file=written, id=record["id"]
        )
    )
    with session.after_write(_("invoice {number}").format(number=chosen)):
        after = statement(session.verdict(engagement, session.ledger().until(date), date), settings)
        _warn_past_ceiling(after, settings, made.currency)


def _finished_interrupted(ledger: Ledger, output: Path, settings: FeeSettings) -> bool:
    """Put in place the documents of invoices an interrupted run recorded (see issuing.py); True
    when ``output`` was one of them, which is then all this run had to do."""
    from engage_fees.issuing import PUT_IN_PLACE, finish_interrupted
    from engage_fees.money import money

    this = False
    for issued, document, what in finish_interrupted([r for r in ledger.records if isinstance(r, Invoice)]):
        if what == PUT_IN_PLACE and _same_file(document, output):
            total = money(issued.total, issued.currency, settings.locale)
            click.echo(
                _(
                    "Invoice {number}: {total}, due {due}, written to {file} "
                    "(record {id}, recorded by an interrupted run; nothing new was invoiced)"
                ).format(number=issued.number, total=total, due=issued.due, file=output, id=issued.id)
            )
            this = True
        else:
            warn(
                _(
                    "invoice {number} (record {id}) was recorded by an interrupted run; "
                    "its document {what} at {file}"
                ).format(
                    number=issued.number,
                    id=issued.id,
                    what=_("put in place") if what == PUT_IN_PLACE else what,
                    file=document,
                )
            )
    return this


def _same_file(recorded: Path, output: Path) -> bool:
    return recorded == output.resolve()


def _invoice_format(output: Path, fmt: str | None, ledger: Ledger) -> str:
    """The format to write the invoice in (--format, else from -o's suffix), once -o is known to
    name a new file in an existing folder."""
    suffix = output.suffix.lower()
    if suffix not in (".md", ".markdown", ".html", ".htm", ".txt"):
        raise EngageError(
            _("-o {file}: an invoice is written as Markdown (.md) or HTML (.html); name it so").format(
                file=output
            )
        )
    fmt = fmt or ("html" if suffix in (".html", ".htm") else "markdown")
    if output.is_dir() or not output.absolute().parent.is_dir():
        raise EngageError(_("-o {file}: give a file in an existing folder").format(file=output))
    if output.exists() or output.is_symlink():  # an invoice sent is a document of record: never overwritten
        issued = [
            r
            for r in ledger.records
            if isinstance(r, Invoice) and r.document and _same_file(Path(r.document), output)
        ]
        what = (
            _(": it is invoice {number} (record {id})").format(number=issued[-1].number, id=issued[-1].id)
            if issued
            else ""
        )
        raise EngageError(
            _("-o {file} already exists{what}; give a new file for this invoice").format(
                file=output, what=what
            )
        )
    return fmt


def _invoice_number(ledger: Ledger, number: str | None, prefix: str) -> str:
    """--number as typed (letters, digits and - / . _), else the prefix and the next in sequence."""
    from engage_fees.invoice import next_number
    from engage_fees.settings import NUMBER

    every = [r for r in ledger.records if isinstance(r, Invoice)]  # voided ones too: numbers are not reused
    if number is not None and not NUMBER.fullmatch(number.strip()):
        raise EngageError(
            _("--number {text}: give letters, digits and - / . _ (such as INV-2021-007)").format(
                text=repr(number)
            )
        )
    chosen = number.strip() if number else next_number(every, prefix)
    if not chosen:
        raise EngageError(_("--number must not be empty"))
    return chosen


def _not_invoiced(chosen: str, made: Draft) -> Callable[[Ledger], None]:
    """The check that the invoice's number is unused and nothing on it is on a live invoice already;
    run once before the write and again under the lock, so two invoices cannot cover one thing."""

    def not_invoiced(current: Ledger) -> None:
        taken = [
            r for r in current.records if isinstance(r, Invoice) and r.number.casefold() == chosen.casefold()
        ]
        if taken:
            raise EngageError(
                _("invoice number {number} is already used (record {id}); give another").format(
                    number=chosen, id=taken[0].id
                )
            )
        for issued in current.live(Invoice):
            both = (
                set(issued.payments) & set(made.payments)
                or set(issued.entries) & set(made.entries)
                or set(issued.expenses) & set(made.expenses)
            )
            if both:
                raise EngageError(
                    _(
                        "already invoiced on {number} ({ids}); "
                        "nothing was invoiced twice (void that invoice to issue it again)"
                    ).format(number=issued.number, ids=", ".join(sorted(both)[:3]))
                )

    return not_invoiced


def _invoice_record(date: dt.date, chosen: str, made: Draft, output: Path, text: str) -> dict[str, object]:
    """The ledger record of the invoice: its number, total, what it covers, and its document."""
    import hashlib

    return new_record(
        "fees.invoice",
        date=date.isoformat(),
        number=chosen,
        total=str(made.total),
        currency=made.currency,
        payments=list(made.payments),
        entries=list(made.entries),
        expenses=list(made.expenses),
        due=made.due.isoformat(),
        document=str(output.resolve()),
        document_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def _write_invoice(
    session: Session,
    output: Path,
    text: str,
    record: dict[str, object],
    check: Callable[[Ledger], None],
    decided_again: Callable[[Ledger], str | None],
) -> Path:
    """Write the invoice's document to a temporary, its record to the ledger, then the document
    into place: both land or neither, and a kill between them is finished by the next run.
    Under the lock, ``decided_again`` may change the invoice (updating ``record`` and returning
    the new document), as a re-run would. Returns where the document is: ``output``, or its
    temporary when it could not be moved."""
    from engage_fees.issuing import put_in_place, sweep_abandoned, write_temporary

    temporary = write_temporary(output, str(record["id"]), text)
    folder = output.absolute().parent

    def checked(current: Ledger) -> None:  # under the lock
        sweep_abandoned(folder, {r.id for r in current.records if isinstance(r, Invoice)})
        again = decided_again(current)
        if again is not None:  # the same temporary's name, its new bytes, before the record names them
            remove_file(temporary)
            write_temporary(output, str(record["id"]), again)
        check(current)

    try:
        session.write([record], check=checked)
    except EngageError:  # refused or not written: nothing was recorded
        remove_file(temporary)
        raise
    # Any other interruption leaves the temporary: removed later if its record never landed,
    # put in place if it did.
    try:
        put_in_place(temporary, output, str(record["document_sha256"]))
    except OSError as exc:
        warn(
            _(
                "invoice {number} is recorded (record {id}), but its document could not "
                "be put at {file}: {problem}; it waits at {temporary}, which the next "
                "engage invoice puts in place"
            ).format(
                number=record["number"],
                id=record["id"],
                file=output,
                problem=exc.strerror or exc,
                temporary=temporary,
            )
        )
        return temporary
    return output


def _warn_past_ceiling(after: Statement, settings: FeeSettings, currency: str) -> None:
    """A warning when all invoiced, this invoice included, goes past the contract's ceiling."""
    from engage_fees.money import money

    ceiling = settings.ceiling
    invoiced = sum((s.invoice.total for s in after.invoices), Decimal(0))
    if ceiling is not None and invoiced > ceiling:
        over = money(invoiced - ceiling, currency, settings.locale)
        warn(
            _("invoiced {amount} is {over} past the ceiling").format(
                amount=money(invoiced, currency, settings.locale), over=over
            )
        )


@click.command()
@click.argument("number")
@click.option("--date", "-d", "day", default="today", show_default=True, help=DATE_HELP + ".")
@pass_session
def paid(session: Session, number: str, day: str) -> None:
    """Record that an invoice was paid.

    \b
    Example:
      engage paid INV-001 --date 2022-01-15
    """
    engagement = session.engagement
    settings_or_fail(engagement)
    date = _not_after_today(session, day, _("record a payment once it has arrived"))
    number = next(  # as issued, whatever the case and spacing typed
        (
            i.number
            for i in session.ledger().live(Invoice)
            if i.number.casefold() == number.strip().casefold()
        ),
        number.strip(),
    )

    def payable(current: Ledger) -> None:
        found = [i for i in current.live(Invoice) if i.number == number]
        if not found:
            known = ", ".join(i.number for i in current.live(Invoice)) or _("none yet")
            raise EngageError(
                _("no invoice numbered {text}; invoices: {numbers}").format(text=repr(number), numbers=known)
            )
        if date < found[0].date:
            raise EngageError(
                _("invoice {number} is dated {date}; it cannot be paid on {day}").format(
                    number=number, date=found[0].date, day=date
                )
            )
        done = [p for p in current.live(Paid) if p.invoice == number]
        if done:
            raise EngageError(
                _("invoice {number} is already recorded as paid on {date}").format(
                    number=number, date=done[0].date
                )
            )

    payable(session.ledger())
    record = new_record("fees.paid", date=date.isoformat(), invoice=number)
    session.write([record], check=payable)
    click.echo(
        _("Invoice {number} paid on {date} (record {id})").format(number=number, date=date, id=record["id"])
    )
