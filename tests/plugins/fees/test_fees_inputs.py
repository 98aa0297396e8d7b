"""What the fees commands refuse, in one line with nothing written: amounts in other digits or too
large, currencies that are not money, a bad locale or invoice prefix in the schedule, receipts that
are not regular files or are too big."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Seed, one_line_error
from helpers.processes import engage_env

ENGAGE = str(Path(sys.executable).with_name("engage"))

# --- amounts --------------------------------------------------------------------------------

BAD_AMOUNTS = [
    ("١٢٣", "ASCII digits"),  # Arabic-Indic 123: Decimal() reads it
    ("１２３", "ASCII digits"),  # fullwidth
    ("१२", "ASCII digits"),  # Devanagari
    ("1e400", "not an amount"),
    ("9" * 400, "not a plausible amount"),
    ("Infinity", "not an amount"),
    ("NaN", "not an amount"),
]


@pytest.mark.parametrize(("amount", "said"), BAD_AMOUNTS)
def test_an_expense_amount_in_other_digits_or_too_large_is_one_line(
    ijm: Seed, amount: str, said: str
) -> None:
    line = one_line_error(
        ijm.run("expense", amount, "--category", "travel", "-d", "2021-11-17"), "AMOUNT", said
    )
    assert len(line) < 300  # a 400-digit amount is not echoed whole
    assert not ijm.ledger.exists()


def test_a_rate_in_other_digits_is_refused(ijm: Seed) -> None:
    one_line_error(
        ijm.run("expense", "10", "--currency", "USD", "--rate", "٣", "--category", "travel"),
        "--rate",
        "ASCII",
    )
    assert not ijm.ledger.exists()


@pytest.mark.parametrize("amount", ["١", "١.٥", "٣h", "１", "1h٣٠m", "٢:٣٠", "9" * 5000, "9" * 5000 + "h"])
def test_log_takes_ascii_digits_only(ijm: Seed, amount: str) -> None:
    line = one_line_error(ijm.run("log", amount, "-p", "prep", "-d", "2021-11-17"))
    assert "time spent" in line or "ASCII" in line, line
    assert len(line) < 400
    assert not ijm.ledger.exists()


def test_log_still_takes_what_it_took(ijm: Seed) -> None:
    for amount in ("1", "0.5", ".25", "4h", "30m", "1h30m", "1:30"):
        assert ijm.run("log", amount, "-p", "prep", "-d", "2021-11-17").exit_code == 0, amount
    assert len(ijm.ledger.read_text().splitlines()) >= 7


# --- currencies -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["XXX", "XTS", "XAU", "XAG", "XPD", "XPT", "XDR", "XSU", "XUA", "XBA", "CHE", "USN"]
)
def test_a_code_that_is_not_money_is_refused(ijm: Seed, code: str) -> None:
    one_line_error(
        ijm.run("expense", "10", "--currency", code, "--rate", "1", "--category", "travel"), code, "not money"
    )
    assert not ijm.ledger.exists()
    ijm.rewrite('currency = "KES"', f'currency = "{code}"')
    line = one_line_error(ijm.run("fees"), str(ijm.path), "line 164", "fees.currency", code)
    assert "not money" in line


@pytest.mark.parametrize("code", ["XOF", "XAF", "XCD", "XPF", "USD", "CHF"])
def test_real_currencies_starting_with_x_keep_working(ijm: Seed, code: str) -> None:
    done = ijm.run(
        "expense", "10", "--currency", code, "--rate", "2", "--category", "travel", "-d", "2021-11-17"
    )
    assert done.exit_code == 0, done.stderr
    assert f'"currency": "{code}"' in ijm.ledger.read_text()


# --- locale ---------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["xx_YY", "../../etc", "", "en_US.UTF-8\n"])
def test_a_bad_locale_is_a_schedule_error_with_file_and_line(ijm: Seed, locale: str) -> None:
    ijm.rewrite('currency = "KES"', f'currency = "KES"\nlocale = {locale!r}'.replace("'", '"'))
    for command in (("fees",), ("expense", "10", "--category", "travel")):
        line = one_line_error(ijm.run(*command), str(ijm.path), "line 165", "fees.locale")
        assert "plugin" not in line and "locale such as" in line
    assert not ijm.ledger.exists()


def test_a_good_locale_formats_amounts(ijm: Seed) -> None:
    ijm.rewrite('currency = "KES"', 'currency = "KES"\nlocale = "fr_FR"')
    done = ijm.run("expense", "1500", "--category", "travel", "-d", "2021-11-17")
    assert done.exit_code == 0, done.stderr
    assert "1\u202f500,00" in done.stdout


# --- the invoice prefix ---------------------------------------------------------------------

HOSTILE_PREFIXES = [
    "IJM-\x1b[31m",
    "../../x-",
    "/x-",
    "<script>-",
    "IJM\n-",
    "IJM- ",
    "a\\b",
    "x" * 60,
    "\u202e-",
]


@pytest.mark.parametrize("prefix", HOSTILE_PREFIXES)
def test_a_hostile_invoice_prefix_is_a_schedule_error(ijm: Seed, tmp_path: Path, prefix: str) -> None:
    escaped = prefix.replace("\\", "\\\\").replace("\n", "\\n").replace("\x1b", "\\u001b")
    ijm.rewrite('prefix = "IJM-"', f'prefix = "{escaped}"')
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-17").exit_code == 0
    size = ijm.ledger.stat().st_size
    line = one_line_error(
        ijm.run("invoice", "-d", "2021-11-30", "-o", str(tmp_path / "inv.html")),
        str(ijm.path),
        "line 174",
        "fees.invoicing.prefix",
        "letters, digits",
    )
    assert "\x1b" not in line and "<script>" not in line.split("got")[0]
    assert ijm.ledger.stat().st_size == size and list(tmp_path.glob("*inv*")) == []


def test_a_plain_prefix_still_numbers_invoices(ijm: Seed, tmp_path: Path) -> None:
    ijm.rewrite('prefix = "IJM-"', 'prefix = "IJM/2021.A_"')
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-17").exit_code == 0
    done = ijm.run("invoice", "-d", "2021-11-30", "-o", str(tmp_path / "inv.md"))
    assert done.exit_code == 0, done.stderr
    assert "Invoice IJM/2021.A_001" in done.stdout


# --- receipts -------------------------------------------------------------------------------


def _expense_with_receipt(seed: Seed, receipt: str) -> subprocess.CompletedProcess[str]:
    """The installed engage, with a timeout: a receipt that hangs fails the test, not the suite."""
    env = {**engage_env(), "ENGAGE_CACHE_DIR": os.environ["ENGAGE_CACHE_DIR"]}
    command = [ENGAGE, "-s", str(seed.path), "expense", "10", "--category", "travel", "--receipt", receipt]
    try:
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"expense --receipt {receipt} hung")


def _one_line(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_as_receipt_is_refused_at_once(ijm: Seed) -> None:
    _one_line(_expense_with_receipt(ijm, "/dev/zero"), "--receipt /dev/zero", "not a regular file")
    assert not ijm.ledger.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_as_receipt_is_refused_without_waiting(ijm: Seed, tmp_path: Path) -> None:
    fifo = tmp_path / "receipt.pdf"
    os.mkfifo(fifo)
    done = _expense_with_receipt(ijm, str(fifo))
    _one_line(done, f"--receipt {fifo}", "not a regular file")
    assert not ijm.ledger.exists()


def test_folders_and_missing_receipts_are_one_line(ijm: Seed, tmp_path: Path) -> None:
    one_line_error(
        ijm.run("expense", "10", "--category", "travel", "--receipt", str(tmp_path)), "not a regular file"
    )
    one_line_error(
        ijm.run("expense", "10", "--category", "travel", "--receipt", str(tmp_path / "none.pdf")),
        "cannot read",
    )
    assert not ijm.ledger.exists()


def test_a_receipt_past_the_size_limit_is_refused(ijm: Seed, tmp_path: Path) -> None:
    big = tmp_path / "scan.pdf"
    with big.open("wb") as handle:  # sparse: 51 MB that takes no room
        handle.truncate(51 * 1024 * 1024)
    one_line_error(
        ijm.run("expense", "10", "--category", "travel", "--receipt", str(big)),
        "--receipt",
        "50 MB",
        "larger",
    )
    assert not ijm.ledger.exists()


def test_a_regular_receipt_is_hashed(ijm: Seed, tmp_path: Path) -> None:
    import hashlib

    receipt = tmp_path / "taxi.pdf"
    receipt.write_bytes(b"%PDF" * 100_000)
    done = ijm.run("expense", "10", "--category", "travel", "-d", "2021-11-17", "--receipt", str(receipt))
    assert done.exit_code == 0, done.stderr
    assert hashlib.sha256(receipt.read_bytes()).hexdigest() in ijm.ledger.read_text()


def test_an_expense_whose_conversion_overflows_is_one_line(ijm: Seed) -> None:
    done = ijm.run(
        "expense", "999,999,999,999.99", "--currency", "USD", "--rate", "999999999999", "--category", "travel"
    )
    one_line_error(done, "AMOUNT", "more than an expense can be", "check the amount and the rate")
    assert not ijm.ledger.exists()


# --- underscores and amounts too fine -------------------------------------------------------------

GRAMMAR = "write it like 1500, 1500.50 or 1,500.50"


@pytest.mark.parametrize("amount", ["1__0", "_1", "1_", "1_0", "1_000.50", "1,000_000"])
def test_an_underscore_in_an_amount_is_refused(ijm: Seed, amount: str) -> None:
    line = one_line_error(
        ijm.run("expense", "--category", "other", "-d", "2021-11-17", "--", amount), "AMOUNT", repr(amount)
    )
    assert GRAMMAR in line and "underscore" in line, line
    assert not ijm.ledger.exists()


def test_an_underscore_in_a_rate_is_refused(ijm: Seed) -> None:
    done = ijm.run("expense", "10", "--currency", "USD", "--rate", "1_000", "--category", "travel")
    line = one_line_error(done, "--rate", "'1_000'")
    assert GRAMMAR in line and "underscore" in line, line
    assert not ijm.ledger.exists()


def test_an_underscore_in_a_schedule_amount_is_a_schedule_error(ijm: Seed) -> None:
    ijm.rewrite("ceiling = 900000", 'ceiling = "900_000"')
    line = one_line_error(ijm.run("fees"), str(ijm.path), "fees.ceiling", "'900_000'", "line 167")
    assert GRAMMAR in line, line


def test_an_amount_finer_than_engage_keeps_says_so(ijm: Seed) -> None:
    done = ijm.run("expense", "0.0000001", "--category", "travel", "-d", "2021-11-17")
    line = one_line_error(done, "'0.0000001'", "6 decimals", "0.000001")
    assert "999,999" not in line and "at most" in line, line
    assert not ijm.ledger.exists()


def test_a_rate_finer_than_twelve_significant_digits_says_so(ijm: Seed) -> None:
    """A rate is kept to 12 significant digits (XOF to EUR is 0.00152449...), not to 6 decimals."""
    for typed in ("0.00152449321515", "0.001524493215150"):  # 12 digits, then 12 and a trailing zero
        done = ijm.run("expense", "10", "--currency", "USD", "--rate", typed, "--category", "travel")
        assert done.exit_code == 0, done.stderr
    done = ijm.run(
        "expense", "10", "--currency", "USD", "--rate", "0.001524493215151", "--category", "travel"
    )
    line = one_line_error(
        done, "--rate", "'0.001524493215151'", "12 significant digits", "write 0.00152449321515"
    )
    assert "999,999" not in line, line


def test_an_amount_under_the_currencys_smallest_says_which_that_is(ijm: Seed) -> None:
    done = ijm.run("expense", "0.001", "--category", "travel", "-d", "2021-11-17")
    line = one_line_error(done, "AMOUNT", "0.001", "rounds to nothing in KES", "0.01")
    assert "999,999" not in line, line
    assert not ijm.ledger.exists()


def test_plain_amounts_and_rates_still_go_in(ijm: Seed) -> None:
    for amount in ("10", "1,000", "1,000.50", ".5", "0.01"):
        done = ijm.run("expense", amount, "--category", "other", "-d", "2021-11-17")
        assert done.exit_code == 0, (amount, done.stderr)
    done = ijm.run("expense", "10", "--currency", "USD", "--rate", "0.000001", "--category", "other")
    assert "rounds to nothing" in done.stderr  # 10 USD at 0.000001 is less than a cent


# --- BCP 47 locale tags ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "shown"),
    [("de-DE", "2.250,00\xa0$"), ("en-US", "$2,250.00"), ("fr-FR", "2\u202f250,00\xa0$US")],
)
def test_a_hyphenated_locale_is_read_as_babel_reads_it(
    geo: Seed, tmp_path: Path, locale: str, shown: str
) -> None:
    geo.rewrite('currency = "USD"', f'currency = "USD"\nlocale = "{locale}"')
    geo_done = [
        geo.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04"),
        geo.run("deliver", "draft", "--status", "accepted", "-d", "2004-03-08"),
    ]
    assert all(done.exit_code == 0 for done in geo_done), [done.stderr for done in geo_done]
    for command in (("fees",), ("show",), ("budget",)):
        done = geo.run(*command)
        assert done.exit_code in (0, 1) and "plugin" not in done.stderr and "Traceback" not in done.stderr, (
            command,
            done.stderr,
        )
        assert "expected only letters" not in done.output + done.stderr
    assert shown in geo.run("fees").stdout
    output = tmp_path / "inv.md"
    done = geo.run("invoice", "-d", "2004-03-09", "-o", str(output))
    assert done.exit_code == 0, done.stderr
    assert shown in done.stdout and shown in output.read_text(encoding="utf-8")


@pytest.mark.parametrize("locale", ["de-DE-x-", "en-GB-oed", "xx-YY", "-de", "de--DE"])
def test_a_bad_hyphenated_locale_is_a_schedule_error_with_file_and_line(ijm: Seed, locale: str) -> None:
    ijm.rewrite('currency = "KES"', f'currency = "KES"\nlocale = "{locale}"')
    for command in (("fees",), ("show",), ("budget",), ("expense", "10", "--category", "travel")):
        line = one_line_error(ijm.run(*command), str(ijm.path), "line 165", "fees.locale")
        assert "plugin" not in line and "locale such as" in line and "de-DE" in line, line
    assert not ijm.ledger.exists()
