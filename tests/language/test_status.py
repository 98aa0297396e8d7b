"""``status`` and ``report`` in the engagement's language, through the real CLI.

Each engagement's report speaks its schedule's ``language`` (or ``--lang``); a portfolio's summary
and the consultants' view speak the user's (or ``--lang``'s); CSV and JSON stay English for
programs; messages speak the user's. English stays as it was.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from helpers import Seed, invoke, one_line_error

FR_USER = {"LANG": "fr_FR.UTF-8"}
ES_USER = {"LC_ALL": "es_ES.UTF-8"}
NNBSP, NBSP = "\u202f", "\u00a0"
GEO_LOG = [
    ("1", "2004-03-01", "collecte des données"),
    ("0.5", "2004-03-02", "tableaux"),
    ("1", "2004-03-03", ""),
]
# What engage_status writes in English, never seen in a French or Spanish report of its own.
ENGLISH_WORDS = (
    "Days used",
    "Deliverables",
    "Next two weeks",
    "this week",
    "Entries in",
    "last status",
    "deliverable due",
    "days late",
)


def log_geo(seed: Seed) -> None:
    for days, date, note in GEO_LOG:
        result = seed.run("log", days, "-p", "draft", "-d", date, "-n", note)
        assert result.exit_code == 0, result.stderr


def speak(seed: Seed, tag: str) -> None:
    seed.rewrite('timezone = "America/Lima"', f'timezone = "America/Lima"\nlanguage = "{tag}"')


@pytest.fixture
def geo_fr(geo: Seed) -> Seed:
    """GEO Lima & Callao as a French ToR, two and a half days logged in its first week."""
    speak(geo, "fr")
    log_geo(geo)
    return geo


def status(seed: Seed, *args: str, env: dict[str, str] | None = None) -> str:
    result = invoke("-s", str(seed.path), "status", "--as-of", "2004-03-04", *args, env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_status_speaks_the_schedules_language(geo_fr: Seed) -> None:
    text = status(geo_fr)
    assert "Jours utilisés\xa0:" in text and "2,5 sur 10 (2,5 cette semaine)" in text
    assert "2004-W10 (1 mars 2004 – 7 mars 2004), au 4 mars 2004" in text
    assert "Superviseur\xa0:" in text and "Consultants\xa0:    (non nommé)" in text
    for title in ("Phases", "Équipe", "Livrables", "Réunions", "Deux prochaines semaines"):
        assert f"\n{title}\n" in text, title
    assert "Saisies de la semaine 2004-W10" in text
    assert re.search(r"draft +First draft +5 +2,5 +2,5 +2,5 +50\u202f% +1 mars 2004 – 5 mars 2004", text)
    assert re.search(r"5 mars 2004 +livrable à rendre +Draft report", text)
    assert re.search(r"1 mars 2004 +Ana Pérez|1 mars 2004 +Test Consultant", text)
    assert "8 mars 2004" in text  # the workshop's date, in the meetings table
    for english in ENGLISH_WORDS:
        assert english not in text, english


def test_lang_es_overrides_for_one_command(geo: Seed) -> None:
    log_geo(geo)
    text = status(geo, "--lang", "es", "--format", "markdown")
    assert "- **Días utilizados:** 2,5 de 10 (2,5 esta semana)" in text
    assert "2004-W10 (1 mar 2004 – 7 mar 2004), al 4 mar 2004" in text
    assert "## Productos" in text and "## Próximas dos semanas" in text
    assert f"50{NBSP}%" in text and "entrega de producto" in text
    for english in ENGLISH_WORDS:
        assert english not in text, english
    # the next command, without --lang, is English again
    again = status(geo)
    assert "Days used:" in again and "Días" not in again


def test_english_stays_english(geo: Seed) -> None:
    log_geo(geo)
    text = status(geo)
    assert "Days used:   2.5 of 10 (2.5 this week)" in text
    assert "2004-W10 (2004-03-01 – 2004-03-07), as of 2004-03-04" in text
    assert re.search(r"2004-03-05 +deliverable due +Draft report", text)
    assert " 50% " in text and "Jours" not in text and "mars" not in text


def test_french_markdown_labels_take_a_space_before_the_colon(geo_fr: Seed) -> None:
    text = status(geo_fr, "--format", "markdown")
    assert "- **Jours utilisés\xa0:** 2,5 sur 10 (2,5 cette semaine)" in text
    assert "## Saisies de la semaine 2004-W10" in text


def test_html_says_its_language(geo_fr: Seed, tmp_path: Path) -> None:
    page = status(geo_fr, "--format", "html")
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert "<title>Avancement\xa0: GEO Lima &amp; Callao" in page
    assert "<h2>Jours utilisés par rapport au budget</h2>" in page
    assert "<th>clé</th><th>phase</th><th>budget</th><th>utilisés</th>" in page
    assert 'class="state-on-track"' in page  # states keep their colour in any language
    assert '<td class="nowrap">1 mars 2004 – 5 mars 2004</td>' in page
    assert "First draft\xa0: 2,5 sur 5 jours" in page  # the chart's tooltip
    geo_fr.rewrite('language = "fr"', 'language = "fr-SN"')
    assert status(geo_fr, "--format", "html").startswith('<!DOCTYPE html>\n<html lang="fr-SN">')


def test_json_and_csv_stay_for_programs(geo_fr: Seed) -> None:
    [data] = json.loads(status(geo_fr, "--format", "json"))
    draft = data["phases"][0]
    assert (draft["state"], draft["used"], draft["start"]) == ("on track", 2.5, "2004-03-01")
    assert draft["reason"].startswith("on track")
    rows = list(csv.DictReader(io.StringIO(status(geo_fr, "--format", "csv").lstrip("\ufeff"))))
    assert rows[0]["phase_state"] == "on track" and rows[0]["days_used"] == "2.5"
    assert rows[0]["phase_start"] == "2004-03-01" and rows[0]["as_of"] == "2004-03-04"
    people = status(geo_fr, "--by", "consultant", "--format", "csv", "--lang", "es")
    assert people.lstrip("\ufeff").startswith("consultant,engagement,as,this week,used,left,owes")


def test_workbook_in_french(geo_fr: Seed, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "statut.xlsx"
    result = invoke("-s", str(geo_fr.path), "status", "--as-of", "2004-03-04", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"Wrote {target}")  # a message: the user's language
    book = load_workbook(target)
    assert book.sheetnames[:6] == [
        "Synthèse",
        "Phases",
        "Équipe",
        "Livrables",
        "Réunions",
        "Saisies de la semaine",
    ]
    phases = list(book["Phases"].iter_rows(values_only=True))
    assert phases[0][:5] == ("mission", "clé", "phase", "budget", "utilisés")
    assert phases[1][4] == 2.5 and phases[1][8].date().isoformat() == "2004-03-01"  # real numbers and dates
    summary = list(book["Synthèse"].iter_rows(values_only=True))
    assert summary[0][:5] == ("mission", "client", "semaine", "date de situation", "jours utilisés")


def portfolio(geo_fr: Seed, ijm: Seed, *args: str, env: dict[str, str] | None = None) -> str:
    found = invoke("status", "--as-of", "2004-03-04", *args, str(geo_fr.path), str(ijm.path), env=env)
    assert found.exit_code == 0, found.stderr
    return found.stdout


def test_portfolio_speaks_each_engagements_language(geo_fr: Seed, ijm: Seed) -> None:
    text = portfolio(geo_fr, ijm)
    assert text.startswith("Portfolio\n")  # the summary: the user's language (C: English)
    summary, geo_part, ijm_part = _parts(text, geo_fr, ijm)
    assert "days used / cap" in summary and "2.5 / 10" in summary and "2004-03-05 Draft report" in summary
    assert "Jours utilisés\xa0:" in geo_part and "Livrables" in geo_part and "Days used" not in geo_part
    assert "Days used:" in ijm_part and "Jours" not in ijm_part

    text = portfolio(geo_fr, ijm, env=ES_USER)
    assert text.startswith("Cartera\n")
    summary, geo_part, ijm_part = _parts(text, geo_fr, ijm)
    assert (
        "días utilizados / tope" in summary and "2,5 / 10" in summary and "5 mar 2004 Draft report" in summary
    )
    assert "Jours utilisés\xa0:" in geo_part  # its schedule says French
    assert "Días utilizados:" in ijm_part  # no language in its schedule: the user's

    text = portfolio(geo_fr, ijm, "--lang", "fr")  # --lang: every document of the command
    assert text.startswith("Portefeuille\n") and "Jours utilisés\xa0:" in _parts(text, geo_fr, ijm)[2]


def _parts(text: str, geo: Seed, ijm: Seed) -> tuple[str, str, str]:
    geo_at = text.index("GEO Lima & Callao: integrated environmental assessment report\n===")
    ijm_at = text.index("the PAP Segment\n===")
    first, second = sorted((geo_at, ijm_at))
    parts = {geo_at: text[geo_at:], ijm_at: text[ijm_at:]}
    parts[first] = text[first:second]
    return text[:first], parts[geo_at], parts[ijm_at]


def test_portfolio_page_marks_each_sections_language(geo_fr: Seed, ijm: Seed) -> None:
    page = portfolio(geo_fr, ijm, "--format", "html", env=ES_USER)
    assert page.startswith('<!DOCTYPE html>\n<html lang="es-ES">')  # LC_ALL=es_ES.UTF-8
    assert "<h1>Cartera, 2004-W10</h1>" in page and "<title>Informe de avance (2004-W10)</title>" in page
    assert '<section id="geo-lima-callao-2004" lang="fr">' in page
    assert '<section id="ijm-kenya-pap-2021">' in page  # the page's own language
    geo_section = page[page.index('<section id="geo') :]
    assert "<h2>Jours utilisés par rapport au budget</h2>" in geo_section[: geo_section.index("</section>")]


def test_portfolio_workbook_frame_in_the_users_language(geo_fr: Seed, ijm: Seed, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "cartera.xlsx"
    portfolio(geo_fr, ijm, "-o", str(target), env=ES_USER)
    book = load_workbook(target)
    assert book.sheetnames[:3] == ["Cartera", "Fases", "Equipo"]
    assert next(book["Fases"].iter_rows(values_only=True))[:3] == ("consultoría", "clave", "fase")


def test_consultants_view_in_the_users_language(geo_fr: Seed) -> None:
    found = invoke(
        "-s", str(geo_fr.path), "status", "--as-of", "2004-03-06", "--by", "consultant", env=FR_USER
    )
    assert found.exit_code == 0, found.stderr
    assert (
        "2,5 jours cette semaine" in found.stdout
        and "À rendre dans les deux prochaines semaines\xa0:" in found.stdout
    )
    assert "- 5 mars 2004 Draft report (geo-lima-callao-2004), 1 jour de retard" in found.stdout
    later = invoke("-s", str(geo_fr.path), "status", "--as-of", "2004-03-10", "--by", "consultant")
    assert "- 2004-03-05 Draft report (geo-lima-callao-2004), 5 days late" in later.stdout  # C: English
    one = invoke(
        "-s", str(geo_fr.path), "status", "--as-of", "2004-03-06", "--by", "consultant", "--lang", "es"
    )
    assert "1 día de retraso" in one.stdout and "días esta semana" in one.stdout


def test_messages_speak_the_users_language(geo_fr: Seed) -> None:
    said = one_line_error(invoke("-s", str(geo_fr.path), "status", "--format", "xlsx", env=FR_USER))
    assert "--format xlsx écrit un classeur\xa0: indiquez -o FICHIER.xlsx" in said
    said = one_line_error(invoke("-s", str(geo_fr.path), "report", "--format", "xlsx", env=ES_USER))
    assert "--format xlsx escribe un libro de cálculo" in said
    said = one_line_error(invoke("-s", str(geo_fr.path), "status", "--by", "consultant", "--format", "html"))
    assert "--by consultant gives plain, markdown, csv or json" in said  # C: English, whatever the ToR


def test_closeout_report_in_french_and_spanish(geo_fr: Seed) -> None:
    assert geo_fr.run("close", "-d", "2004-03-12").exit_code == 0
    found = geo_fr.run("report")
    assert found.exit_code == 0, found.stderr
    text = found.stdout
    assert text.startswith("Rapport de clôture\xa0: GEO Lima & Callao")
    assert "Période\xa0:        1 mars 2004 – 12 mars 2004, au 12 mars 2004" in text
    assert "Clôture\xa0:        achevée le 12 mars 2004" in text
    assert "2,5 sur la période\xa0; 2,5 sur 10 à ce jour" in text
    assert re.search(
        r"First draft +Test Consultant +mars 2004 +2,5", text
    )  # days by phase, consultant and month
    for title in (
        "Jours par phase",
        "Jours par mois",
        "Livrables à la date du rapport",
        "Réunions et leurs résultats",
    ):
        assert f"\n{title}\n" in text, title
    spanish = geo_fr.run("report", "--lang", "es", "--format", "html").stdout
    assert spanish.startswith('<!DOCTYPE html>\n<html lang="es">')
    assert "<h1>Informe de cierre: GEO Lima &amp; Callao" in spanish and "marzo de 2004" in spanish
    assert "tope 10 días" in spanish and "utilizados: 2,5 días (azul)" in spanish
    data = json.loads(geo_fr.run("report", "--format", "json").stdout)
    assert data["closed"] == "completed on 2004-03-12" and data["sections"][1]["headers"] == [
        "phase",
        "consultant",
        "month",
        "days",
    ]
    table = geo_fr.run("report", "--format", "csv").stdout.lstrip("\ufeff")
    assert table.splitlines()[:2] == [
        "engagement_id,phase,consultant,month,days",
        "geo-lima-callao-2004,First draft,Test Consultant,2004-03,2.5",
    ]
