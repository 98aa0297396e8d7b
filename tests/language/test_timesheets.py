"""Timesheets in French and Spanish: a sheet in its engagement's language in every format for people
(plain, markdown, HTML, PDF, workbook), CSV and JSON for programs; the steps' replies and errors in
the user's; the submit mail in the engagement's. And the interop plugin's messages in the user's
language, what its exporters write for other programs unchanged."""

from __future__ import annotations

import datetime as dt
import email
import json
import shutil
import subprocess
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from openpyxl import load_workbook

import engage
from engage_timesheets.status import portfolio_cell, timesheet_section
from helpers import Seed, invoke

FR = {"LANG": "fr_FR.UTF-8"}
ES = {"LANG": "es_ES.UTF-8"}
JUNE = ("--month", "2017-06")
TABLE = '\n[timesheets]\nwork_packages = { inception = "WP1", mission = "WP2" }\n'


@pytest.fixture
def june(undp: Seed) -> Seed:
    """The UNDP review's June 2017 with a [timesheets] table: the team leader's days, one of them long
    (9 hours), one and a half mission days."""
    undp.path.write_text(undp.text() + TABLE, encoding="utf-8")
    for args in (
        ("1", "-p", "inception", "-d", "2017-06-01", "-c", "lead"),
        ("9h", "-p", "inception", "-d", "2017-06-04", "-c", "lead"),
        ("1.5", "-p", "mission", "-d", "2017-06-12", "-c", "lead"),
    ):
        assert undp.run("log", *args).exit_code == 0
    return undp


@pytest.fixture
def french(june: Seed) -> Seed:
    """The same ToR written in French: ``language = "fr"``."""
    june.rewrite('id = "undp-srepgen-mtr-2017"\n', 'id = "undp-srepgen-mtr-2017"\nlanguage = "fr"\n')
    return june


def sheet(seed: Seed, *args: str, env: dict[str, str] | None = None) -> str:
    done = invoke("-s", str(seed.path), "timesheet", *JUNE, "-c", "lead", *args, env=env)
    assert done.exit_code == 0, done.stderr
    return done.stdout


def test_a_french_tor_writes_its_sheet_in_french_in_every_layout(french: Seed) -> None:
    plain = sheet(french, env={"COLUMNS": "100"})  # the month's grid turned: a row per day
    assert plain.startswith("Feuille de temps juin 2017\xa0: International Consultant\n")
    assert "Période\xa0:" in plain and "du 1 juin 2017 au 30 juin 2017" in plain
    assert "Unité\xa0:" in plain and "jours" in plain
    assert "Jours travaillés" in plain
    assert "jeu. 01" in plain and "dim. 04" in plain  # Babel's weekday names, not %a's
    assert "1,125" in plain and "3,625" in plain  # the decimal comma
    assert "! 4 juin 2017\xa0: 9 h, plus de 8 h par jour" in plain
    assert "Signalements" in plain and "Signatures" in plain
    assert "Consultant(e)\xa0: International Consultant" in plain
    assert "signature\xa0: ____________________   date\xa0: ____________" in plain
    for english in ("Timesheet ", "Period", "Days worked", "Flags", "more than", "Mon", "Thu", "1.125"):
        assert english not in plain, english

    eu = sheet(french, "--layout", "eu")
    assert eu.startswith("Relevé de temps juin 2017\n")
    assert "Heures travaillées pour l'action" in eu and "WP1\xa0: Desk review" in eu
    assert "Personne travaillant pour l'action\xa0: International Consultant" in eu
    assert "Superviseur\xa0:" in eu

    worldbank = sheet(french, "--layout", "worldbank", env={"COLUMNS": "100"})
    assert worldbank.startswith("Temps de travail juin 2017\xa0: International Consultant\n")
    assert "Jours au siège" in worldbank and "Jours sur le terrain" in worldbank
    assert "juin 2017  2,125           1,5" in worldbank  # the month by name, home and field days
    assert "12 juin 2017  Mission in Dhaka with field visits       Dhaka mission       terrain" in worldbank
    assert "Chef(fe) d'équipe de projet\xa0:" in worldbank

    markdown = sheet(french, "--format", "markdown")
    assert markdown.startswith("# Feuille de temps juin 2017\xa0: International Consultant")
    assert "- **Période\xa0:** du 1 juin 2017 au 30 juin 2017" in markdown
    assert "## Signalements" in markdown and "## Signatures" in markdown


def test_a_french_sheet_in_html_pdf_and_a_workbook(french: Seed, tmp_path: Path) -> None:
    page = sheet(french, "--format", "html")
    assert '<html lang="fr">' in page
    assert "<title>Feuille de temps juin 2017\xa0: International Consultant</title>" in page
    assert '<span class="weekday">jeu.</span>' in page
    assert "<h2>Signalements</h2>" in page and "signature et date" in page

    book = tmp_path / "lead.xlsx"
    sheet(french, "-o", str(book))
    rows = [
        [c for c in row if c is not None] for row in load_workbook(book).active.iter_rows(values_only=True)
    ]
    labels = [row[0] for row in rows if row]
    assert labels[0] == "Feuille de temps juin 2017\xa0: International Consultant"
    for label in ("Période", "Unité", "État", "Jours travaillés", "Signalements", "Signatures", "Rôle"):
        assert label in labels, (label, labels)
    assert ["Période", "du 1 juin 2017 au 30 juin 2017"] in rows
    header = next(row for row in rows if row and row[0] == "Phase")
    assert header[-1] == "Total" and isinstance(header[1], dt.datetime | dt.date)  # days stay dates

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "lead.pdf"
    sheet(french, "-o", str(pdf))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    for words in ("Feuille de temps juin 2017", "Période", "du 1 juin 2017 au 30 juin 2017", "Unité",
                  "Jours travaillés", "Signalements", "9 h, plus de 8 h par jour", "1,125", "Superviseur"):  # fmt: skip
        assert words in text.stdout, (words, text.stdout[:800])
    assert "je" in text.stdout.split() and "Total" in text.stdout  # the days' shortest names


def test_csv_and_json_stay_for_programs_in_a_french_tor(french: Seed, june_english: str) -> None:
    table = sheet(french, "--format", "csv")
    assert table.startswith("Timesheet 2017-06: International Consultant")
    assert "Period,2017-06-01 to 2017-06-30" in table and "1.125" in table and "1,125" not in table
    assert "Flags" in table and "Signalements" not in table
    shaped = json.loads(sheet(french, "--format", "json"))["sheets"][0]
    assert shaped["title"] == "Timesheet 2017-06: International Consultant"
    assert {"label": "Period", "value": "2017-06-01 to 2017-06-30"} in shaped["fields"]
    assert shaped["flags"] == [
        "2017-06-04: 9 h, more than 8 h a day",
        "2017-06-12: 12 h, more than 8 h a day",
    ]
    assert table == june_english  # byte for byte what the English ToR writes


@pytest.fixture
def june_english(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The CSV of the same sheet from the ToR in English."""
    from helpers import copy_seed

    seed = copy_seed("undp", tmp_path_factory.mktemp("english"))
    seed.path.write_text(seed.text() + TABLE, encoding="utf-8")
    for args in (
        ("1", "-p", "inception", "-d", "2017-06-01", "-c", "lead"),
        ("9h", "-p", "inception", "-d", "2017-06-04", "-c", "lead"),
        ("1.5", "-p", "mission", "-d", "2017-06-12", "-c", "lead"),
    ):
        assert seed.run("log", *args).exit_code == 0
    return sheet(seed, "--format", "csv")


def test_lang_es_writes_the_sheet_in_spanish_and_english_stays_english(june: Seed) -> None:
    spanish = invoke(
        "-s", str(june.path), "--lang", "es", "timesheet", *JUNE, "-c", "lead", env={"COLUMNS": "100"}
    ).stdout
    assert spanish.startswith("Hoja de tiempo junio de 2017: International Consultant\n")
    assert "Período:" in spanish and "del 1 jun 2017 al 30 jun 2017" in spanish
    assert "jue 01" in spanish and "1,125" in spanish
    assert "Alertas" in spanish and "Firmas" in spanish and "Supervisor(a): " in spanish
    page = invoke("-s", str(june.path), "--lang", "es", "timesheet", *JUNE, "-c", "lead", "--format", "html")
    assert '<html lang="es">' in page.stdout and '<span class="weekday">jue</span>' in page.stdout

    english = sheet(june, env={"COLUMNS": "100"})
    assert english.startswith("Timesheet 2017-06: International Consultant\n")
    assert "Period:" in english and "2017-06-01 to 2017-06-30" in english
    assert "Thu 01" in english and "1.125" in english
    assert "! 2017-06-04: 9 h, more than 8 h a day" in english
    assert '<html lang="en">' in sheet(june, "--format", "html")


def test_the_steps_answer_in_the_users_language(june: Seed) -> None:
    env = {**FR, "ENGAGE_CONSULTANT": ""}
    submitted = invoke(
        "-s", str(june.path), "timesheet", "submit", *JUNE, "--as", "lead", "--key", "none", env=env
    )
    assert submitted.exit_code == 0, submitted.stderr
    said = " ".join(submitted.stdout.split())
    assert (
        "Soumission de la feuille de temps 2017-06 de International Consultant (3,62 jours, 3 saisies)"
        in said
    )
    assert "non signée (--key none)" in said and "à approuver par" in said

    nothing = invoke("-s", str(june.path), "timesheet", "verify", *JUNE, "-c", "lead", env=env)
    assert nothing.exit_code == 1 and "aucune feuille de temps approuvée pour 2017-06" in nothing.stderr

    approved = invoke("-s", str(june.path), "timesheet", "approve", *JUNE, "-c", "lead", "--as", "supervisor",
                      "--key", "none", env=env)  # fmt: skip
    assert approved.exit_code == 0, approved.stderr
    said = " ".join(approved.stdout.split())
    assert "Approbation de la feuille de temps 2017-06 de International Consultant" in said
    assert "ses jours sont verrouillés" in said

    verified = invoke("-s", str(june.path), "timesheet", "verify", *JUNE, "-c", "lead", env=env)
    assert verified.exit_code == 0, verified.stderr
    assert "conforme au registre\xa0: 3 saisies, 3,62 jours" in verified.stdout
    assert "approbation\xa0: non signée" in verified.stdout

    # The sheet, a document, speaks the ToR's language; this ToR names none, so the user's.
    assert "(non signée)" in sheet(june, env=env)
    assert "(not signed)" in sheet(june)

    refused = invoke("-s", str(june.path), "timesheet", "reject", *JUNE, "-c", "lead", "--as", "lead",
                     "--reason", "non", env=env)  # fmt: skip
    assert refused.exit_code == 2
    assert "personne n'approuve, ne rejette ni ne rouvre sa propre feuille de temps" in refused.stderr

    spanish = invoke("-s", str(june.path), "timesheet", *JUNE, "--format", "xlsx", env=ES)
    assert (
        spanish.exit_code == 2 and "--format xlsx escribe un libro: indique -o ARCHIVO.xlsx" in spanish.stderr
    )
    english = invoke("-s", str(june.path), "timesheet", *JUNE, "--format", "xlsx")
    assert "--format xlsx writes a workbook: give -o FILE.xlsx" in english.stderr


def test_the_schedules_table_is_refused_in_the_users_language(june: Seed) -> None:
    june.path.write_text(june.text() + 'approver = "nobody"\n', encoding="utf-8")
    done = invoke("-s", str(june.path), "timesheet", *JUNE, "-c", "lead", env=ES)
    assert done.exit_code == 2
    assert (
        "timesheets.approver: 'nobody' no es nadie en este contrato; indique una de estas claves"
        in done.stderr
    )


def test_the_submit_mail_is_in_the_tors_language(french: Seed, smtp) -> None:  # type: ignore[no-untyped-def]
    done = invoke(
        "-s", str(french.path), "timesheet", "submit", *JUNE, "--as", "lead", "--key", "none", "--send"
    )
    assert done.exit_code == 0, done.stderr
    assert "mailed to" in done.stdout  # the user's language: English (C.UTF-8)
    [(_to, raw)] = smtp.messages
    message: EmailMessage = email.message_from_bytes(raw, policy=default)  # type: ignore[assignment]
    assert message["Subject"].startswith(
        "Feuille de temps juin 2017 de International Consultant\xa0: Midterm"
    )
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "a soumis sa feuille de temps pour juin 2017 (3,62 jours)" in body
    assert "Dans votre copie de la mission, après engage sync\xa0:" in body
    assert "--reason TEXTE" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "undp-srepgen-mtr-2017-lead-2017-06.pdf"


def test_the_status_section_and_portfolio_cell_speak_the_language_in_force(june: Seed) -> None:
    session = engage.Session(str(june.path))
    verdict = session.verdict(session.engagement, session.ledger(), dt.date(2017, 8, 20))
    with engage.using("fr"):
        section = timesheet_section(session.engagement, verdict)
        cell = portfolio_cell(session.engagement, verdict)
    assert section is not None and cell is not None
    assert section.title == "Feuilles de temps"
    assert section.headers == ("consultant(e)", "période", "jours", "feuille de temps")
    assert section.optional == ("jours",)
    assert cell == {"feuilles de temps": "1 non soumise"}  # the column is headed in the language too
    english = timesheet_section(session.engagement, verdict)
    assert english is not None and english.title == "Timesheets" and english.optional == ("days",)
    assert portfolio_cell(session.engagement, verdict) == {"timesheets": "1 not submitted"}


def test_interop_speaks_the_users_language_and_exports_for_programs(ijm: Seed, tmp_path: Path) -> None:
    bad = tmp_path / "bad.klg"
    bad.write_text("2021-11-16\n    1h work\n  30m more\n", encoding="utf-8")
    french = invoke("-s", str(ijm.path), "import", "--from", "klog", str(bad), env=FR)
    assert french.exit_code == 2
    assert "n'est pas indenté comme les entrées de cet enregistrement (4 espaces" in french.stderr
    spanish = invoke("-s", str(ijm.path), "import", "--from", "timewarrior", str(bad), env=ES)
    assert spanish.exit_code == 2
    assert "JSON no válido" in spanish.stderr and "la salida de 'timew export'" in spanish.stderr

    assert ijm.run("log", "1.5", "-p", "prep", "-d", "2021-11-17", "-n", "lecture, notes").exit_code == 0
    for fmt in ("watson", "timedot", "taskjuggler"):
        english = ijm.run("entries", "--format", fmt)
        for env in (FR, ES):
            translated = invoke(
                "-s", str(ijm.path), "--lang", env["LANG"][:2], "entries", "--format", fmt, env=env
            )
            assert translated.exit_code == 0, translated.stderr
            assert translated.stdout == english.stdout, fmt
    timedot = ijm.run("entries", "--format", "timedot").stdout
    assert (
        "ijm-kenya-pap-2021:prep  12h" in timedot and 'note:"lecture, notes"' in timedot
    )  # hours with a point
