"""The fees plugin in French and Spanish: ``fees`` and ``invoice`` in the engagement's language (the
schedule's ``language``, ``--lang``), money in the language's own form, JSON for programs, messages
in the user's language, and English exactly as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import Seed, invoke

NNBSP, NBSP = "\u202f", "\u00a0"  # Babel's French group separator, and the space before a currency


def accepted_draft(geo: Seed) -> Seed:
    """The GEO ToR with its first tranche payable: the draft accepted on Monday 8 March 2004."""
    assert geo.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04").exit_code == 0
    assert geo.run("deliver", "draft", "--status", "accepted", "-d", "2004-03-08").exit_code == 0
    return geo


def in_french(geo: Seed) -> Seed:
    geo.rewrite('timezone = "America/Lima"', 'timezone = "America/Lima"\nlanguage = "fr"')
    return geo


def test_fees_in_the_schedules_french(geo: Seed) -> None:
    accepted_draft(in_french(geo))
    text = geo.run("fees", "--as-of", "2004-03-08").stdout
    amount = f"2{NNBSP}250,00{NBSP}$US"
    assert text.startswith("Honoraires\xa0: GEO Lima & Callao"), text
    assert "au 8 mars 2004, payé par livrables" in text
    for words in ("Paiements", "Totaux", "forfait", "plafond", "acquis", "reste sous le plafond"):
        assert words in text, words
    assert "acceptation de Draft report" in text  # the trigger in words, the deliverable by name
    assert "payable depuis le 8 mars 2004" in text and "non exigible" in text
    assert amount in text and "$2,250.00" not in text
    assert f"tarif journalier effectif  {amount}" not in text  # no day logged: no effective rate
    page = geo.run("fees", "--as-of", "2004-03-08", "--format", "html").stdout
    assert '<html lang="fr">' in page and "<h2>Paiements</h2>" in page
    # JSON is for programs: English ids, decimal points, ISO dates, whatever the language
    data = json.loads(geo.run("fees", "--as-of", "2004-03-08", "--format", "json").stdout)
    assert data["payments"][0] | {"name": ""} == {
        "key": "first",
        "name": "",
        "amount": "2250.00",
        "on": "deliverable draft accepted",
        "state": "payable",
        "since": "2004-03-08",
        "invoice": None,
    }


def test_fees_stay_english_without_a_language(geo: Seed) -> None:
    accepted_draft(geo)
    text = geo.run("fees", "--as-of", "2004-03-08").stdout
    assert text.startswith("Fees of GEO Lima & Callao")
    assert "as of 2004-03-08, paid by deliverables" in text
    assert "deliverable draft accepted" in text and "payable since 2004-03-08" in text
    assert "$2,250.00" in text and "Honoraires" not in text
    assert '<html lang="en">' in geo.run("fees", "--format", "html").stdout


def test_a_spanish_invoice_with_lang_es_and_the_reply_in_the_users_english(geo: Seed, tmp_path: Path) -> None:
    accepted_draft(geo)
    geo.rewrite('to = "GEA Group, Lima"', 'to = "GEA Group, Lima"\nbank = "BCP 193-1234567"')
    made = geo.run("--lang", "es", "invoice", "-d", "2004-03-09", "-o", str(tmp_path / "GEO-001.html"))
    assert made.exit_code == 0, made.stderr
    assert made.stdout.startswith("Invoice GEO-001: $2,250.00, due 2004-04-08, written to "), made.stdout
    page = (tmp_path / "GEO-001.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in page and "<title>Factura GEO-001</title>" in page
    assert 'Fecha: <time datetime="2004-03-09">9 de marzo de 2004</time>' in page
    assert 'Vencimiento: <time datetime="2004-04-08">8 de abril de 2004</time>' in page
    for words in ("<th>Concepto</th>", "<th>Cantidad</th>", "<th>Datos bancarios</th>", "<th>Para</th>"):
        assert words in page, words
    assert "(aceptación de Draft report, desde el 8 mar 2004)" in page
    assert f"<td>50{NBSP}%</td>" in page
    assert f'<td class="num" id="total">2.250,00{NBSP}US$</td>' in page
    assert "Pago en un plazo de 30 días, a más tardar el 8 de abril de 2004." in page
    for english in ("Invoice", "Due", "Total amount", "Payment within", "since", "deliverable draft"):
        assert english not in page, english
    # the ledger keeps the amount for programs
    record = json.loads(geo.ledger.read_text().splitlines()[-1])
    assert record["total"] == "2250.00" and record["due"] == "2004-04-08"


def test_a_markdown_invoice_in_the_schedules_french_with_an_expense(geo: Seed, tmp_path: Path) -> None:
    accepted_draft(in_french(geo))
    spent = geo.run(
        "expense", "350", "--currency", "PEN", "--rate", "0.2874", "--category", "travel", "-d", "2004-03-08"
    )
    assert spent.exit_code == 0 and "(PEN350.00 at 0.2874), travel on " in spent.stdout  # the user's English
    assert geo.run("invoice", "-d", "2004-03-09", "-o", str(tmp_path / "f.md")).exit_code == 0
    text = (tmp_path / "f.md").read_text(encoding="utf-8")
    assert text.startswith(
        f"# Facture GEO-001\n\nDate{NBSP}: 9 mars 2004  \nÉchéance{NBSP}: 8 avril 2004  \n"
    )
    assert "| Désignation | Quantité | Prix unitaire | Montant |" in text
    assert (
        "Dépense, voyage, 8 mars 2004" in text and f"350,00{NBSP}PEN" in text and "au taux de 0,2874" in text
    )
    assert f"| **Total** | | | **2{NNBSP}350,59{NBSP}$US** |" in text
    assert text.endswith("Paiement sous 30 jours, au plus tard le 8 avril 2004.\n")


def test_a_days_contract_in_spanish_counts_days_and_months_in_words(geo: Seed, tmp_path: Path) -> None:
    text = geo.text()
    start, end = text.index("[[fees.payments]]"), text.index("[fees.invoicing]")
    geo.path.write_text(text[:start] + text[end:], encoding="utf-8")  # no tranches: paid by the day
    geo.rewrite('basis = "deliverables"', 'basis = "days"')
    geo.rewrite("total = 4500\n", "")
    for day in ("2004-03-01", "2004-03-02"):
        assert geo.run("log", "1", "-p", "draft", "-d", day).exit_code == 0
    assert geo.run("log", "0.5", "-p", "draft", "-d", "2004-03-03").exit_code == 0
    made = geo.run("--lang", "es", "invoice", "-d", "2004-03-10", "-o", str(tmp_path / "d.md"))
    assert made.exit_code == 0, made.stderr
    text = (tmp_path / "d.md").read_text(encoding="utf-8")
    assert "| Test Consultant, marzo de 2004 | 2,5 días | 450,00\u00a0US$/día | 1.125,00\u00a0US$ |" in text


def test_cfa_francs_as_senegal_writes_them(geo: Seed) -> None:
    """XOF has no decimals; fr-SN writes 65 000 F CFA."""
    geo.rewrite('timezone = "America/Lima"', 'timezone = "America/Lima"\nlanguage = "fr-SN"')
    geo.rewrite('currency = "USD"', 'currency = "XOF"')
    geo.rewrite("total = 4500\nceiling = 4500", "total = 130000\nceiling = 130000")
    accepted_draft(geo)
    text = geo.run("fees", "--as-of", "2004-03-08").stdout
    assert f"65{NNBSP}000{NBSP}F{NNBSP}CFA" in text, text


def test_fees_locale_stays_an_explicit_override(geo: Seed) -> None:
    accepted_draft(in_french(geo))
    geo.rewrite('basis = "deliverables"', 'basis = "deliverables"\nlocale = "en"')
    text = geo.run("fees", "--as-of", "2004-03-08").stdout
    assert "Paiements" in text and "$2,250.00" in text  # French words, money as [fees] locale says


def test_messages_follow_the_users_locale(geo: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    accepted_draft(geo)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    refused = geo.run("paid", "GEO-009", "-d", "2004-04-01")
    assert refused.exit_code == 2
    assert "aucune facture numérotée 'GEO-009'\xa0; factures\xa0: aucune pour l'instant" in refused.stderr
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    spent = geo.run("expense", "120,5", "--category", "travel", "-d", "2004-03-05", "-n", "taxi")
    assert spent.exit_code == 0, spent.stderr
    assert spent.stdout.startswith("Gasto ") and f": 120,50{NBSP}US$, travel el 2004-03-05" in spent.stdout
    wrong = geo.run("expense", "12", "--currency", "KES", "--category", "travel")
    assert "un importe en KES necesita --rate, los USD por KES" in wrong.stderr


def test_fee_findings_in_the_users_french(geo: Seed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    accepted_draft(geo)
    assert geo.run("invoice", "-d", "2004-03-09", "-o", str(tmp_path / "i.md")).exit_code == 0
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    text = geo.run("budget", "--as-of", "2004-04-20").stdout
    assert (
        f"la facture GEO-001 (2{NNBSP}250,00{NBSP}$US) était exigible le 8 avr. 2004 et reste impayée, "
        "12 jours après son échéance"
    ) in text, text


def test_undp_certification_of_payment_in_french(undp: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    assert undp.run("log", "1", "-p", "inception", "-d", "2017-06-05", "-c", "lead").exit_code == 0
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    sheet = undp.run("timesheet", "--month", "2017-06", "-c", "lead", "-l", "undp", "--format", "markdown")
    assert sheet.exit_code == 0, sheet.stderr
    text = sheet.stdout
    for words in (
        "Certification de paiement",
        "Nom du consultant individuel",
        "Pays visités",
        "Rapport final",
    ):
        assert words in text, words
    assert "Fonctionnaire certificateur" in text and "du 1 juin 2017 au 30 juin 2017" in text


@pytest.mark.parametrize(
    ("language", "typed", "says"),
    [
        ("fr_FR.UTF-8", "1,500", "écrivez 1500 ou 1,5"),
        ("es_ES.UTF-8", "12,345", "escriba 12345 o 12,345"),
    ],
)
def test_an_amount_grouped_the_english_way_is_ambiguous_under_a_comma_locale(
    ijm: Seed, language: str, typed: str, says: str
) -> None:
    """ "1,500" pasted from English is fifteen hundred; as a decimal comma reads it, 1.5: refused in one
    line with both readings, and nothing written (it was recorded as 1,50 € before)."""
    refused = invoke("-s", str(ijm.path), "expense", typed, "--category", "travel", "-d", "2021-11-17",
                     env={"LANG": language})  # fmt: skip
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1, refused.output
    assert says in refused.stderr and not ijm.ledger.exists()
    decimal = invoke("-s", str(ijm.path), "expense", "0,500", "--category", "travel", "-d", "2021-11-17",
                     env={"LANG": language})  # fmt: skip
    assert decimal.exit_code == 0, decimal.stderr
