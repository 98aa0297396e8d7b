"""Numbers typed under a decimal-comma locale: 1,5 is one and a half, 1.500 is refused as ambiguous;
under English habits (C, POSIX, en_*, unset) nothing changes but a clearer message."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from engage import decimal_comma
from helpers import Seed, copy_seed, invoke, one_line_error

FR = {"LANG": "fr_FR.UTF-8"}
ES = {"LC_ALL": "es_ES.UTF-8"}


def run(seed: Seed, env: dict[str, str], *args: str):  # type: ignore[no-untyped-def]
    return invoke("-s", str(seed.path), *args, env=env)


def ledger_bytes(seed: Seed) -> bytes | None:
    return seed.ledger.read_bytes() if seed.ledger.exists() else None


def last(seed: Seed) -> dict:
    return json.loads(seed.ledger.read_text(encoding="utf-8").splitlines()[-1])


@pytest.mark.parametrize(
    ("environ", "said"),
    [
        ({}, ""),
        ({"LANG": "C.UTF-8"}, ""),
        ({"LANG": "POSIX"}, ""),
        ({"LANG": "en_GB.UTF-8"}, ""),
        ({"LANG": "fr_FR.UTF-8"}, "LANG=fr_FR.UTF-8"),
        ({"LANG": "es_ES"}, "LANG=es_ES"),
        ({"LANG": "de_DE"}, "LANG=de_DE"),
        ({"LANG": "pt_BR.UTF-8"}, "LANG=pt_BR.UTF-8"),
        ({"LANG": "fr_SN.UTF-8"}, "LANG=fr_SN.UTF-8"),
        ({"LANG": "es_PE.UTF-8"}, ""),  # Peru, Mexico, Switzerland's German: a decimal point (CLDR)
        ({"LANG": "es_MX"}, ""),
        ({"LANG": "de_CH.UTF-8"}, ""),
        ({"LC_ALL": "es_ES.UTF-8", "LANG": "en_US.UTF-8"}, "LC_ALL=es_ES.UTF-8"),
        ({"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, ""),
        ({"LC_ALL": "", "LC_NUMERIC": "it_IT.UTF-8", "LANG": "en_US.UTF-8"}, "LC_NUMERIC=it_IT.UTF-8"),
        ({"LC_NUMERIC": "en_US.UTF-8", "LANG": "fr_FR.UTF-8"}, ""),
    ],
)
def test_the_locale_variables_decide_the_decimal_separator(environ: dict[str, str], said: str) -> None:
    assert decimal_comma(environ) == said


@pytest.mark.parametrize(
    ("typed", "days"),
    [("1,5", 1.5), (",5", 0.5), ("0,25", 0.25), ("1.5", 1.5), ("0.25", 0.25), (".5", 0.5), ("0.500", 0.5)],
)
@pytest.mark.parametrize("env", [FR, ES], ids=["fr", "es"])
def test_log_reads_a_decimal_comma(seed: Seed, env: dict[str, str], typed: str, days: float) -> None:
    done = run(
        seed, env, "log", typed, "-p", seed.text().split('key = "', 1)[1].split('"')[0], "-d", "2021-11-17"
    )
    assert done.exit_code == 0, done.stderr
    record = last(seed)
    assert float(record.get("days", 0)) == days, record


def test_hours_take_a_decimal_comma_too(ijm: Seed) -> None:
    done = run(ijm, FR, "log", "1,5h", "-p", "prep", "-d", "2021-11-17")
    assert done.exit_code == 0, done.stderr
    assert "1h30m" in done.stdout


@pytest.mark.parametrize(
    ("typed", "readings"),
    [("1.500", ("1500", "1,5")), ("2.000", ("2000", "2")), ("1.500,00", ("1500,00",)), ("1,500.5", ())],
)
@pytest.mark.parametrize("env", [FR, ES], ids=["fr", "es"])
def test_log_refuses_a_point_that_may_group_thousands(
    ijm: Seed, env: dict[str, str], typed: str, readings: tuple[str, ...]
) -> None:
    assert run(ijm, env, "log", "1", "-p", "prep", "-d", "2021-11-16").exit_code == 0
    before = ledger_bytes(ijm)
    line = one_line_error(run(ijm, env, "log", typed, "-p", "prep", "-d", "2021-11-17"), repr(typed))
    for reading in readings:
        assert reading in line, line
    assert ("ambigu" in line) == bool(readings), line
    assert next(iter(env.values())) in line, line  # the locale that made it so is named
    assert ledger_bytes(ijm) == before


def test_under_english_habits_a_decimal_comma_is_refused_with_the_point_offered(seed: Seed) -> None:
    phase = seed.text().split('key = "', 1)[1].split('"')[0]
    line = one_line_error(seed.run("log", "1,5", "-p", phase), "'1,5'", "decimal point, 1.5")
    assert "ambiguous" not in line
    assert not seed.ledger.exists()
    assert seed.run("log", "1.500", "-p", phase, "-d", "2021-11-17").exit_code == 0  # 1.5, as before
    assert last(seed)["days"] == "1.5"


# --- money: engage expense AMOUNT and --rate ----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("1500,50", "1500.50"), ("1 500,50", "1500.50"), ("1\u202f500,50", "1500.50"), ("12,5", "12.5")],
)
@pytest.mark.parametrize("env", [FR, ES], ids=["fr", "es"])
def test_an_expense_takes_a_decimal_comma(ijm: Seed, env: dict[str, str], typed: str, amount: str) -> None:
    done = run(ijm, env, "expense", typed, "--category", "travel", "-d", "2021-11-17")
    assert done.exit_code == 0, done.stderr
    assert Decimal(last(ijm)["amount"]) == Decimal(amount)


@pytest.mark.parametrize("typed", ["1.500", "1.500,00", "1.000.000", "1,500.50", "1 50,5"])
def test_an_ambiguous_expense_is_refused_naming_the_readings(ijm: Seed, typed: str) -> None:
    done = run(ijm, FR, "expense", typed, "--category", "travel", "-d", "2021-11-17")
    line = one_line_error(done, "AMOUNT", repr(typed))
    if typed == "1.500":
        assert "ambigu" in line and "1500 ou 1,5" in line, line  # in the user's language
    assert not ijm.ledger.exists()


def test_under_english_habits_an_expense_is_read_as_before(ijm: Seed) -> None:
    done = ijm.run("expense", "1.500", "--category", "travel", "-d", "2021-11-17")
    assert done.exit_code == 0 and Decimal(last(ijm)["amount"]) == Decimal("1.5")
    one_line_error(ijm.run("expense", "1500,50", "--category", "travel", "-d", "2021-11-17"), "decimal point")


def test_an_xof_rate_of_twelve_digits_is_taken_under_either_habit(ijm: Seed) -> None:
    """XOF to KES is taken here for XOF to EUR (1/655.957 = 0.00152449...): the figure is the point."""
    done = ijm.run(
        "expense", "655957", "--currency", "XOF", "--rate", "0.00152449315", "--category", "travel"
    )
    assert done.exit_code == 0, done.stderr
    assert last(ijm)["rate"] == "0.00152449315"
    assert "KES1,000.00" in done.stdout  # 655957 × 0.00152449315 = 999.99999..., rounded to the cent
    done = run(
        ijm, FR, "expense", "655 957", "--currency", "XOF", "--rate", "0,00152449315", "--category", "other"
    )
    assert done.exit_code == 0, done.stderr
    assert last(ijm)["rate"] == "0.00152449315" and last(ijm)["amount"] == "655957"
    shown = ijm.run("fees")
    assert shown.exit_code in (0, 1) and "Traceback" not in shown.stderr, shown.stderr


def test_a_geo_expense_under_a_spanish_locale(tmp_path) -> None:  # type: ignore[no-untyped-def]
    geo = copy_seed("geo", tmp_path)
    done = run(geo, ES, "expense", "1 250,75", "--category", "travel", "-d", "2004-03-05")
    assert done.exit_code == 0, done.stderr
    assert last(geo)["amount"] == "1250.75"
    before = ledger_bytes(geo)
    one_line_error(run(geo, ES, "expense", "1.250", "--category", "travel", "-d", "2004-03-05"), "ambigu")
    assert ledger_bytes(geo) == before
