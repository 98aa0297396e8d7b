"""The fees plugin: exact money, tranches tied to accepted deliverables, expenses, invoices, the ceiling."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.ledger.ledger import Ledger
from engage.session import Session
from engage_fees.money import money, round_money, split
from helpers import SCHEDULES, Seed, copy_seed, one_line_error

ETF = SCHEDULES / "tors" / "etf-expert-assignment.toml"
ENGAGE = str(Path(sys.executable).with_name("engage"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def fees_json(seed: Seed, as_of: str) -> dict:
    result = seed.run("fees", "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def etf(tmp_path: Path) -> Seed:
    target = tmp_path / ETF.name
    shutil.copy(ETF, target)
    return Seed("etf", target)


# --- exact money -------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    total=st.integers(min_value=1, max_value=10**9),
    shares=st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=7),
    currency=st.sampled_from(["USD", "UGX", "JPY", "KWD", "EUR"]),
)
def test_parts_always_add_up_to_the_total_each_in_the_minor_unit(
    total: int, shares: list[int], currency: str
) -> None:
    digits = {"USD": 2, "UGX": 0, "JPY": 0, "KWD": 3, "EUR": 2}[currency]
    amount = Decimal(total).scaleb(-digits)
    parts = split(amount, [Decimal(s) for s in shares], currency)
    assert sum(parts) == amount
    assert all(p.as_tuple().exponent >= -digits for p in parts)
    exact = [amount * s / sum(shares) for s in shares]
    assert all(abs(p - e) < Decimal(len(shares)).scaleb(-digits) for p, e in zip(parts, exact, strict=True))


def test_thirds_add_up_exactly_the_last_share_taking_the_remainder() -> None:
    assert split(Decimal(100), [Decimal(1)] * 3, "USD") == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    assert split(Decimal(1_000_000), [Decimal(1)] * 3, "UGX") == [
        Decimal(333333),
        Decimal(333333),
        Decimal(333334),
    ]
    assert sum(split(Decimal("0.10"), [Decimal(1)] * 3, "EUR")) == Decimal("0.10")


def test_one_rounding_rule_half_up_to_the_minor_unit() -> None:
    assert round_money(Decimal("0.125"), "USD") == Decimal("0.13")
    assert round_money(Decimal("2.5"), "UGX") == Decimal(3)  # UGX has no minor unit
    assert round_money(Decimal("-0.125"), "USD") == Decimal("-0.13")  # halves away from zero
    assert money(Decimal(1_000_000), "UGX") == "UGX1,000,000"  # babel: grouping, no decimals
    assert money(Decimal("1234.5"), "USD") == "$1,234.50"


def test_tranches_in_thirds_of_a_ugx_total(geo: Seed) -> None:
    geo.rewrite('currency = "USD"', 'currency = "UGX"')
    geo.rewrite("total = 4500\nceiling = 4500", "total = 1000000\nceiling = 1000000")
    text = geo.text()
    start = text.index("[[fees.payments]]")
    end = text.index("[fees.invoicing]")
    thirds = "".join(
        f'[[fees.payments]]\nkey = "p{n}"\npercent = {p}\non = "deliverable draft accepted"\n\n'
        for n, p in enumerate(("33.33", "33.33", "33.34"))
    )
    geo.path.write_text(text[:start] + thirds + text[end:], encoding="utf-8")
    data = fees_json(geo, "2004-03-02")
    amounts = [p["amount"] for p in data["payments"]]
    assert amounts == ["333300", "333300", "333400"]
    assert sum(Decimal(a) for a in amounts) == Decimal(data["total"]) == Decimal(1_000_000)


def test_percentages_that_do_not_add_up_are_a_schedule_error_naming_file_line_and_key(geo: Seed) -> None:
    geo.rewrite("percent = 50\n", "percent = 40\n")
    line = one_line_error(geo.run("fees"), "fees.payments", "add up to 90, not 100", str(geo.path))
    number = geo.text().splitlines().index("[[fees.payments]]") + 1
    assert f"line {number}:" in line
    assert not geo.ledger.exists()


def test_a_trigger_naming_no_deliverable_is_refused(geo: Seed) -> None:
    geo.rewrite('on = "deliverable final accepted"', 'on = "deliverable fnal accepted"')
    one_line_error(geo.run("fees"), "fees.payments[1].on", "no deliverable 'fnal'", "known: draft, final")


# --- tranches and deliverables -----------------------------------------------------------


def test_a_tranche_is_payable_once_its_deliverable_is_accepted_and_not_before(geo: Seed) -> None:
    assert geo.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04").exit_code == 0
    first = fees_json(geo, "2004-03-05")["payments"][0]
    assert (first["state"], first["since"]) == ("not due", None)  # submitted is not accepted
    assert geo.run("deliver", "draft", "--status", "accepted", "-d", "2004-03-08").exit_code == 0
    before = fees_json(geo, "2004-03-07")
    assert before["payments"][0]["state"] == "not due" and before["payable"] == "0.00"
    after = fees_json(geo, "2004-03-08")
    assert after["payments"][0] | {"name": ""} == {
        "key": "first",
        "name": "",
        "amount": "2250.00",
        "on": "deliverable draft accepted",
        "state": "payable",
        "since": "2004-03-08",
        "invoice": None,
    }
    assert after["payments"][1]["state"] == "not due"
    assert (after["earned"], after["payable"], after["left"]) == ("2250.00", "2250.00", "2250.00")
    plain = geo.run("fees", "--as-of", "2004-03-08").stdout
    assert "payable since 2004-03-08" in plain and "$2,250.00" in plain


def test_invoice_paid_and_overdue(geo: Seed, tmp_path: Path) -> None:
    geo.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04")
    geo.run("deliver", "draft", "--status", "accepted", "-d", "2004-03-08")
    made = geo.run("invoice", "-d", "2004-03-09", "-o", str(tmp_path / "inv.md"))
    assert made.exit_code == 0, made.stderr
    assert "GEO-001" in made.stdout and "$2,250.00" in made.stdout
    text = (tmp_path / "inv.md").read_text()
    assert text.startswith("# Invoice GEO-001") and "GEA Group, Lima" in text
    assert fees_json(geo, "2004-03-10")["payments"][0]["state"] == "invoiced"
    overdue = json.loads(geo.run("budget", "--as-of", "2004-04-20", "--format", "json").stdout)
    assert [f["code"] for f in overdue if f["code"] == "invoice-overdue"] == ["invoice-overdue"]
    one_line_error(geo.run("paid", "GEO-009", "-d", "2004-04-01"), "no invoice numbered 'GEO-009'", "GEO-001")
    assert geo.run("paid", " geo-001", "-d", "2004-04-01").exit_code == 0  # as a tired user types it
    one_line_error(geo.run("paid", "GEO-001", "-d", "2004-04-02"), "already recorded as paid on 2004-04-01")
    data = fees_json(geo, "2004-04-20")
    assert data["payments"][0]["state"] == "paid" and data["paid"] == "2250.00"
    assert data["outstanding"] == "0.00"
    later = json.loads(geo.run("budget", "--as-of", "2004-04-20", "--format", "json").stdout)
    assert "invoice-overdue" not in {f["code"] for f in later}


def test_a_payable_tranche_left_uninvoiced_is_a_finding(geo: Seed) -> None:
    geo.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04")
    geo.run("deliver", "draft", "--status", "accepted", "-d", "2004-03-08")

    def codes(day: str) -> set[str]:
        found = json.loads(geo.run("budget", "--as-of", day, "--format", "json").stdout)
        return {f["code"] for f in found}

    assert "tranche-not-invoiced" not in codes("2004-03-20")
    assert "tranche-not-invoiced" in codes("2004-03-25")  # more than 14 days


# --- invoicing twice ---------------------------------------------------------------------


def test_invoicing_twice_is_refused_and_nothing_is_written(geo: Seed, tmp_path: Path) -> None:
    geo.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04")
    geo.run("deliver", "draft", "--status", "accepted", "-d", "2004-03-08")
    assert geo.run("invoice", "-d", "2004-03-09", "-o", str(tmp_path / "a.html")).exit_code == 0
    size = geo.ledger.stat().st_size
    one_line_error(
        geo.run("invoice", "-d", "2004-03-10", "-o", str(tmp_path / "b.html")), "nothing to invoice"
    )
    assert geo.ledger.stat().st_size == size and not (tmp_path / "b.html").exists()
    one_line_error(
        geo.run("invoice", "-d", "2004-03-10", "--number", "GEO-001", "-o", str(tmp_path / "c.html")),
        "nothing to invoice",
    )
    before = (tmp_path / "a.html").read_bytes()
    one_line_error(geo.run("invoice", "-d", "2004-03-10", "-o", str(tmp_path / "a.html")), "already exists")
    assert (tmp_path / "a.html").read_bytes() == before and geo.ledger.stat().st_size == size


def test_two_invoices_at_once_invoice_the_tranche_once(tmp_path: Path) -> None:
    seed = copy_seed("geo", tmp_path)
    env = {"PATH": str(Path(ENGAGE).parent) + ":/usr/bin:/bin", "ENGAGE_CONSULTANT": "Test Consultant"}
    env["ENGAGE_CACHE_DIR"] = str(tmp_path / "cache")
    base = [ENGAGE, "-s", str(seed.path)]
    for status, day in (("submitted", "2004-03-04"), ("accepted", "2004-03-08")):
        subprocess.run([*base, "deliver", "draft", "--status", status, "-d", day], check=True, env=env)
    procs = [
        subprocess.Popen(
            [*base, "invoice", "-d", "2004-03-09", "--number", f"N-{n}", "-o", str(tmp_path / f"{n}.md")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(4)
    ]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    assert sorted(code for code, _ in results) == [0, 2, 2, 2], results
    for code, err in results:
        if code == 2:
            assert "already invoiced" in err or "nothing to invoice" in err, err
    ledger = Ledger.read(seed.ledger, 8, Session().record_kinds)  # the plugins' record kinds
    invoices = [r for r in ledger.records if getattr(r, "kind", "") == "fees.invoice"]
    assert len(invoices) == 1 and invoices[0].payments == ("first",)
    # A refused invoice leaves no document behind, even one refused under the lock after writing it.
    assert [f.name for f in tmp_path.glob("*.md")] == [f"{invoices[0].number.split('-')[1]}.md"]


# --- expenses ----------------------------------------------------------------------------


def test_an_expense_in_another_currency_is_converted_at_its_recorded_rate(ijm: Seed, tmp_path: Path) -> None:
    receipt = tmp_path / "taxi.pdf"
    receipt.write_bytes(b"%PDF receipt")
    ijm.rewrite('currency = "KES"', 'currency = "USD"')
    ijm.rewrite("rate = 45000 ", "rate = 350 ")
    ijm.rewrite("ceiling = 900000 ", "ceiling = 7000 ")
    one_line_error(ijm.run("expense", "9500", "--currency", "KES", "--category", "travel"), "needs --rate")
    assert not ijm.ledger.exists()
    done = ijm.run(
        "expense", "9500", "--currency", "kes", "--rate", "0.0078", "--category", "per-diem",
        "-d", "2021-11-24", "--note", "retreat", "--receipt", str(receipt),
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert "$74.10" in done.stdout and "KES" in done.stdout  # 9500 × 0.0078 = 74.1
    record = json.loads(ijm.ledger.read_text().splitlines()[-1])
    assert record["receipt"] == str(receipt.resolve()) and len(record["receipt_sha256"]) == 64
    assert record["amount"] == "9500" and record["rate"] == "0.0078" and record["currency"] == "KES"
    ijm.run("expense", "120.5", "--category", "travel", "-d", "2021-11-25")
    data = fees_json(ijm, "2021-11-30")
    assert data["expenses"] == "194.60" and data["expenses_by_category"] == {
        "per-diem": "74.10",
        "travel": "120.50",
    }
    # voidable like any record
    voided = ijm.run("void", record["id"], "--reason", "paid by the client")
    assert voided.exit_code == 0 and "expense" in voided.stdout
    assert fees_json(ijm, "2021-11-30")["expenses"] == "120.50"


def test_bad_expense_input_writes_nothing(ijm: Seed) -> None:
    one_line_error(ijm.run("expense", "ten", "--category", "travel"), "AMOUNT", "not an amount")
    one_line_error(ijm.run("expense", "0", "--category", "travel"), "AMOUNT", "more than 0")
    one_line_error(
        ijm.run("expense", "5", "--currency", "XYZ", "--rate", "1", "--category", "travel"), "ISO 4217"
    )
    assert not ijm.ledger.exists()


def test_a_damaged_fees_record_is_reported_not_dropped(ijm: Seed) -> None:
    ijm.run("expense", "100", "--category", "travel", "-d", "2021-11-24")
    line = json.loads(ijm.ledger.read_text())
    line |= {"id": "abcdef123456", "category": "champagne"}
    with ijm.ledger.open("a") as handle:
        handle.write(json.dumps(line) + "\n")
    result = ijm.run("fees", "--as-of", "2021-11-30", "--format", "json")
    assert "category 'champagne' is not one of" in result.stderr
    assert json.loads(result.stdout)["expenses"] == "100.00"


# --- a days contract and its ceiling -----------------------------------------------------


def test_days_times_rates_and_the_ceiling_finding(tmp_path: Path) -> None:
    seed = etf(tmp_path)
    for day in ("2025-03-03", "2025-03-04", "2025-03-05"):
        assert seed.run("log", "1", "-p", "desk", "-d", day, "-c", "Lead expert").exit_code == 0
    seed.run("log", "6h", "-p", "desk", "-d", "2025-03-05", "-c", "National expert")
    data = fees_json(seed, "2025-03-05")
    assert data["consultants"] == [
        {"key": "Lead expert", "days": 3.0, "rate": "650/day", "earned": "1950.00"},
        {"key": "National expert", "days": 0.75, "rate": "45/h", "earned": "270.00"},
    ]
    assert (data["earned"], data["left"], data["payable"]) == ("2220.00", "6780.00", "2220.00")
    for day in range(6, 21):
        seed.run("log", "1", "-p", "mission", "-d", f"2025-03-{day:02d}", "-c", "Lead expert")
    found = json.loads(seed.run("budget", "--as-of", "2025-03-21", "--format", "json").stdout)
    over = [f for f in found if f["code"] == "fees-over-ceiling"]
    assert len(over) == 1 and over[0]["severity"] == "error"
    assert "€11,970.00" in over[0]["message"] and "€9,000.00" in over[0]["message"]


def test_the_ceiling_at_the_current_pace_is_a_warning(tmp_path: Path) -> None:
    seed = etf(tmp_path)
    for day in range(3, 8):
        seed.run("log", "1", "-p", "desk", "-d", f"2025-03-{day:02d}", "-c", "Lead expert")
        seed.run("log", "1", "-p", "desk", "-d", f"2025-03-{day:02d}", "-c", "National expert")
    found = json.loads(seed.run("budget", "--as-of", "2025-03-10", "--format", "json").stdout)
    assert "fees-ceiling-at-pace" in {f["code"] for f in found}


# --- the invoice as HTML, parsed and looked at --------------------------------------------


class Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.total = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th"):
            self._in = dict(attrs).get("id") or "cell"
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.cells[-1] += data
            if self._in == "total":
                self.total += data


def test_days_invoice_as_html_parsed_and_rendered(tmp_path: Path) -> None:
    seed = etf(tmp_path)
    seed.rewrite('to = "European Training Foundation"', 'to = "ETF <Turin> & Co"')
    for day in ("2025-03-03", "2025-03-04"):
        seed.run("log", "1", "-p", "desk", "-d", day, "-c", "Lead expert")
    seed.run("log", "8h", "-p", "mission", "-d", "2025-04-01", "-c", "National expert")
    seed.run("expense", "150", "--category", "per-diem", "-d", "2025-04-01", "--note", "one night away")
    page = tmp_path / "invoice.html"
    made = seed.run("invoice", "-d", "2025-04-02", "-o", str(page))
    assert made.exit_code == 0, made.stderr
    parser = Cells()
    parser.feed(page.read_text())
    assert parser.total == "€1,810.00"  # 2 × 650 + 8h × 45 + 150
    assert "ETF <Turin> & Co" in parser.cells  # escaped in the page, read back whole
    assert "Lead expert, 2025-03" in parser.cells and "National expert, 2025-04" in parser.cells
    assert "€1,300.00" in parser.cells and "€360.00" in parser.cells and "€150.00" in parser.cells
    statement = Cells()
    statement.feed(seed.run("fees", "--as-of", "2025-04-02", "--format", "html").stdout)
    assert statement.cells[statement.cells.index("invoiced") :][:2] == ["invoiced", "€1,810.00"]
    again = fees_json(seed, "2025-04-02")
    assert again["payable"] == "0.00" and again["invoiced"] == "1810.00"
    seed.run("log", "1", "-p", "mission", "-d", "2025-04-02", "-c", "Lead expert")
    second = seed.run("invoice", "-d", "2025-04-03", "--format", "markdown", "-o", str(tmp_path / "2.md"))
    assert "ETF-002" in second.stdout and "€650.00" in second.stdout  # only the new day
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed here (.ci/run installs Debian's chromium)")
    shot = tmp_path / "invoice.png"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=900,900", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


# --- everywhere else ---------------------------------------------------------------------


def test_both_seeds_carry_fees_marked_as_assumptions(seed: Seed) -> None:
    text = seed.text()
    fees = text[text.index("[fees]") - 400 :]
    assert "ASSUMPTION" in fees
    data = fees_json(seed, "2023-12-01")
    assert data["currency"] == "KES" and data["ceiling"] is not None


def test_status_gains_a_fees_section(geo: Seed) -> None:
    geo.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04")
    geo.run("deliver", "draft", "--status", "accepted", "-d", "2004-03-08")
    data = json.loads(geo.run("status", "--as-of", "2004-03-09", "--format", "json").stdout)
    text = json.dumps(data)
    assert "Fees" in text and "payable since 2004-03-08" in text


def test_a_rate_for_someone_the_schedule_does_not_name_is_refused(tmp_path: Path) -> None:
    seed = etf(tmp_path)
    seed.rewrite('"Lead expert" = 650', '"Lead expret" = 650')
    one_line_error(seed.run("fees"), "fees.rates.Lead expret", "no consultant 'Lead expret'", "Lead expert")


def test_the_portfolio_summary_shows_invoiced_against_the_ceiling(
    geo: Seed, ijm: Seed, tmp_path: Path
) -> None:
    geo.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04")
    geo.run("deliver", "draft", "--status", "accepted", "-d", "2004-03-08")
    geo.run("invoice", "-d", "2004-03-09", "-o", str(tmp_path / "i.md"))
    text = geo.run("status", str(geo.path), str(ijm.path), "--as-of", "2004-03-10").stdout
    summary = text.split("\n\n\n")[0] if "\n\n\n" in text else text[:3000]
    assert "invoiced / ceiling" in summary
    assert "$2,250.00 / $4,500.00" in summary and "KES0.00 / KES900,000.00" in summary


def test_days_beyond_what_the_lump_sum_covers_give_the_effective_rate(geo: Seed) -> None:
    for day in range(1, 12):  # 11 days; USD 4,500 at the planned USD 450 a day covers 10
        geo.run("log", "1", "-p", "draft", "-d", f"2004-03-{day:02d}")
    found = json.loads(geo.run("budget", "--as-of", "2004-03-12", "--format", "json").stdout)
    overrun = [f for f in found if f["code"] == "lump-sum-overrun"]
    assert len(overrun) == 1
    assert "11.0 days logged" in overrun[0]["message"] and "covers 10" in overrun[0]["message"]
    assert "effective rate $409.09/day" in overrun[0]["message"]  # 4500 / 11, rounded half up
    # fees' effective day rate is what was earned so far over the days: no deliverable is accepted yet,
    # so nothing (it was the whole lump sum over the days, $409.09, before issue 28)
    assert fees_json(geo, "2004-03-12")["effective_rate"] == "0.00"


def test_keyed_consultants_take_their_rate_by_key_or_by_name(tmp_path: Path) -> None:
    target = tmp_path / "undp.toml"
    shutil.copy(SCHEDULES / "tors" / "undp-srepgen-midterm-review.toml", target)
    with target.open("a", encoding="utf-8") as handle:
        handle.write('\n[fees]\ncurrency = "USD"\nbasis = "days"\nrate = 100\nceiling = 20000\n')
        handle.write('\n[fees.rates]\nlead = 650\n"National Consultant" = 400\n')
    seed = Seed("undp", target)
    for who, day in (("lead", "2017-06-01"), ("National Consultant", "2017-06-01"), ("field1", "2017-06-02")):
        assert seed.run("log", "1", "-p", "inception", "-d", day, "-c", who).exit_code == 0
    rates = {c["key"]: (c["rate"], c["earned"]) for c in fees_json(seed, "2017-06-05")["consultants"]}
    assert rates == {
        "lead": ("650/day", "650.00"),
        "national": ("400/day", "400.00"),
        "field1": ("100/day", "100.00"),  # no rate of their own: the [fees] rate
    }
    made = seed.run("invoice", "-d", "2017-06-05", "-o", str(tmp_path / "i.md"))
    assert made.exit_code == 0, made.stderr
    assert "International Consultant (Team leader), 2017-06" in (tmp_path / "i.md").read_text()


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("1,5", "decimal point"),
        ("12,50", "decimal point"),
        ("1.000,50", "not an amount"),
        ("1,0,0", "not an amount"),
    ],
)
def test_a_decimal_comma_is_refused_never_read_as_grouping(ijm: Seed, typed: str, fragment: str) -> None:
    """A trial found '1,5' recorded as 15 and '--rate 0,0078' as 78: an amount is never guessed."""
    one_line_error(ijm.run("expense", typed, "--category", "travel", "-d", "2021-11-17"), "AMOUNT", fragment)
    one_line_error(
        ijm.run(
            "expense",
            "10",
            "--currency",
            "USD",
            "--rate",
            "0,0078",
            "--category",
            "other",
            "-d",
            "2021-11-17",
        ),
        "--rate",
        "decimal point",
    )
    assert not ijm.ledger.exists()
    assert ijm.run("expense", "1,500.50", "--category", "travel", "-d", "2021-11-17").exit_code == 0


def test_an_expense_that_rounds_to_nothing_or_lies_ahead_is_refused(ijm: Seed) -> None:
    one_line_error(
        ijm.run("expense", "0.001", "--category", "travel", "-d", "2021-11-17"), "rounds to nothing"
    )
    one_line_error(ijm.run("expense", "5", "--category", "travel", "-d", "2099-01-01"), "in the future")
    assert not ijm.ledger.exists()


def test_a_tranche_amount_finer_than_the_currency_is_a_schedule_error(geo: Seed) -> None:
    text = geo.text()
    text = text.replace("percent = 50\n", 'amount = "2250.005"\n', 1).replace(
        "percent = 50\n", 'amount = "2249.995"\n', 1
    )
    geo.path.write_text(text, encoding="utf-8")
    one_line_error(geo.run("fees"), "fees.payments[0].amount", "more decimals than USD", str(geo.path))


def test_invoice_numbers_differ_whatever_their_case_and_stay_plain(geo: Seed, tmp_path: Path) -> None:
    geo.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04")
    geo.run("deliver", "draft", "--status", "accepted", "-d", "2004-03-08")
    one_line_error(
        geo.run("invoice", "-d", "2004-03-09", "--number", "A\nB", "-o", str(tmp_path / "a.md")), "--number"
    )
    one_line_error(
        geo.run("invoice", "-d", "2004-03-09", "-o", str(tmp_path / "a.pdf")),
        "Markdown (.md) or HTML (.html)",
    )
    assert (
        geo.run("invoice", "-d", "2004-03-09", "--number", "X-1", "-o", str(tmp_path / "x.md")).exit_code == 0
    )
    geo.run("deliver", "final", "--status", "submitted", "-d", "2004-03-10")
    geo.run("deliver", "final", "--status", "accepted", "-d", "2004-03-11")
    one_line_error(
        geo.run("invoice", "-d", "2004-03-12", "--number", "x-1", "-o", str(tmp_path / "y.md")),
        "already used",
    )


def test_the_markdown_invoice_escapes_what_people_typed(ijm: Seed, tmp_path: Path) -> None:
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-17").exit_code == 0
    assert (
        ijm.run(
            "expense", "10", "--category", "travel", "-d", "2021-11-17", "--note", "| pipe | <b>bold</b>"
        ).exit_code
        == 0
    )
    made = ijm.run("invoice", "-d", "2021-11-30", "-o", str(tmp_path / "inv.md"))
    assert made.exit_code == 0, made.stderr
    text = (tmp_path / "inv.md").read_text()
    row = next(line for line in text.splitlines() if "pipe" in line)
    assert "\\| pipe \\|" in row and "<b>" not in row and "&lt;b&gt;" in row


def test_a_void_that_would_break_an_invoice_is_refused(ijm: Seed, tmp_path: Path) -> None:
    """A trial voided a paid invoice and an entry an invoice billed; the figures stopped adding up."""
    logged = ijm.run("log", "1", "-p", "prep", "-d", "2021-11-17")
    entry = logged.stdout.split("(entry ")[1].split(")")[0]
    made = ijm.run("invoice", "-d", "2021-11-30", "-o", str(tmp_path / "inv.md"))
    assert made.exit_code == 0, made.stderr
    number = next(word.strip(":,.") for word in made.stdout.split() if word.startswith("IJM"))
    before = ijm.ledger.read_bytes()
    one_line_error(ijm.run("void", entry), "cannot be voided", f"invoice {number}", "void that invoice first")
    assert ijm.run("paid", number, "-d", "2021-12-01").exit_code == 0
    records = Ledger.read(ijm.ledger, Fraction(8), Session().record_kinds).records
    invoice = next(r for r in records if getattr(r, "number", None) == number)
    one_line_error(ijm.run("void", invoice.id), "is recorded as paid", "void the payment first")
    assert ijm.ledger.read_bytes()[: len(before)] == before


def test_a_plugin_can_keep_a_record_from_being_voided(ijm: Seed, engage_plugin) -> None:
    from engage import Entry, hookimpl

    class KeepReviewed:
        @hookimpl
        def engage_void_blockers(self, record):
            if isinstance(record, Entry) and record.note.startswith("reviewed"):
                yield f"entry {record.id} was reviewed; ask the reviewer before voiding it"

    engage_plugin(KeepReviewed())
    logged = ijm.run("log", "1", "-p", "prep", "-d", "2021-11-17", "--note", "reviewed: desk study")
    entry = logged.stdout.split("(entry ")[1].split(")")[0]
    one_line_error(ijm.run("void", entry), "cannot be voided", "ask the reviewer")


def test_an_invoice_past_the_ceiling_says_so_at_once(tmp_path: Path) -> None:
    seed = etf(tmp_path)
    for day in range(3, 22):
        if dt.date(2025, 3, day).weekday() < 5:
            seed.run("log", "1", "-p", "mission", "-d", f"2025-03-{day:02d}", "-c", "Lead expert")
    made = seed.run("invoice", "-d", "2025-03-31", "-o", str(tmp_path / "inv.md"))
    assert made.exit_code == 0 and "past the ceiling" in made.stderr, made.stderr
    assert (tmp_path / "inv.md").exists()
