"""The command line in the user's language (errors, warnings, replies, --help) and ``show`` and
``entries`` in the engagement's; English byte for byte as before, machine formats in English."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest

from helpers import Seed, copy_seed, invoke, one_line_error
from helpers.processes import ENGAGE, engage_env

FR = {"LANG": "fr_FR.UTF-8"}
ES = {"LANG": "es_ES.UTF-8"}


@pytest.fixture
def ijm(tmp_path: Path) -> Seed:
    return copy_seed("ijm", tmp_path)


def run(seed: Seed, env: dict[str, str], *args: str):  # type: ignore[no-untyped-def]
    return invoke("-s", str(seed.path), *args, env=env)


def in_french(seed: Seed) -> None:
    """The ToR is French: ``language = "fr"`` in the schedule."""
    seed.rewrite("\ntitle = ", '\nlanguage = "fr"\ntitle = ')


def process(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in engage_env().items() if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    return subprocess.run([ENGAGE, *args], capture_output=True, text=True, env={**environ, **env})


# --- the done-means: engage log 1 --phase nope, as a shell runs it ---------------------


def test_log_to_an_unknown_phase_says_so_in_the_users_language(tmp_path: Path) -> None:
    ijm = copy_seed("ijm", tmp_path)
    french = process(FR, "-s", str(ijm.path), "log", "1", "--phase", "nope")
    assert french.returncode == 2 and french.stdout == "", french
    assert french.stderr.startswith("engage: erreur\xa0: "), french.stderr  # engage's name kept
    assert "'nope'" in french.stderr and len(french.stderr.splitlines()) == 1
    spanish = process(ES, "-s", str(ijm.path), "log", "1", "--phase", "nope")
    assert spanish.returncode == 2 and spanish.stderr.startswith("engage: error: "), spanish.stderr
    english = process({"LANG": "C.UTF-8"}, "-s", str(ijm.path), "log", "1", "--phase", "nope")
    assert english.stderr.startswith("engage: error: unknown phase 'nope'"), english.stderr
    # what the amount says is engage's own, in the language of each
    french = process(FR, "-s", str(ijm.path), "log", "abc", "--phase", "prep")
    assert french.stderr.startswith(
        "engage: erreur\xa0: impossible de lire 'abc' comme du temps passé\xa0; indiquez un nombre positif de jours"
    ), french.stderr
    spanish = process(ES, "-s", str(ijm.path), "log", "abc", "--phase", "prep")
    assert spanish.stderr.startswith(
        "engage: error: no se puede leer 'abc' como tiempo dedicado; indique un número positivo de días"
    ), spanish.stderr
    assert not ijm.ledger.exists()


# --- log and void reply in the user's language -------------------------------------------------


def test_log_replies_in_the_users_language_with_its_plural_rule(ijm: Seed) -> None:
    done = run(ijm, FR, "log", "1,5", "-p", "prep", "-d", "2021-11-16")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("Saisi\xa0: 1,5 jour sur prep le 2021-11-16 (saisie "), done.stdout
    done = run(ijm, FR, "log", "2", "-p", "prep", "-d", "2021-11-17")
    assert done.stdout.startswith("Saisi\xa0: 2,0 jours sur prep le 2021-11-17"), done.stdout
    done = run(ijm, ES, "log", "1,5", "-p", "prep", "-d", "2021-11-18")
    assert done.stdout.startswith("Registrado: 1,5 días en prep el 2021-11-18 (registro "), done.stdout
    done = run(ijm, ES, "log", "1", "-p", "prep", "-d", "2021-11-19")
    assert done.stdout.startswith("Registrado: 1,0 día en prep el 2021-11-19"), done.stdout
    done = run(ijm, {"LANG": "C.UTF-8"}, "log", "1", "-p", "prep", "-d", "2021-11-22")
    assert done.stdout.startswith("Logged 1.0 days to prep on 2021-11-22 (entry "), done.stdout
    # the ledger is the same whoever typed it
    days = [json.loads(line)["days"] for line in ijm.ledger.read_text().splitlines() if '"entry"' in line]
    assert days == ["1.5", "2", "1.5", "1", "1"]


def test_a_warning_after_log_says_warning_in_the_users_language(ijm: Seed) -> None:
    done = run(ijm, FR, "log", "4h", "-p", "prep", "-d", "2030-01-01")  # after the engagement's end
    assert done.exit_code == 0, done.stderr
    assert done.stderr.startswith("engage: avertissement\xa0: "), done.stderr
    done = run(ijm, ES, "log", "4h", "-p", "prep", "-d", "2030-01-02")
    assert done.stderr.startswith("engage: advertencia: "), done.stderr


def test_void_replies_in_the_users_language(ijm: Seed) -> None:
    assert run(ijm, FR, "log", "0,5", "-p", "prep", "-d", "2021-11-16").exit_code == 0
    entry = json.loads(ijm.ledger.read_text().splitlines()[-1])["id"]
    done = run(ijm, FR, "void", entry)
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith(f"Annulé\xa0: saisie {entry}\xa0: 0,5 jour sur prep, 2021-11-16"), (
        done.stdout
    )
    again = one_line_error(run(ijm, ES, "void", entry), entry)
    assert again.startswith(f"engage: error: {entry} ya está anulado (por "), again


def test_a_date_is_refused_in_the_users_language(ijm: Seed) -> None:
    line = one_line_error(run(ijm, FR, "log", "1", "-p", "prep", "-d", "05/04/2021"))
    assert line == (
        "engage: erreur\xa0: '05/04/2021' est ambigu (jour/mois ou mois/jour\xa0?)\xa0; "
        "indiquez une date ISO\xa0: 2021-04-05 ou 2021-05-04"
    )
    line = one_line_error(run(ijm, ES, "entries", "--week", "2021-W60"))
    assert line == "engage: error: 2021 no tiene semana 60; indique una semana ISO como 2021-W47 que exista"


def test_lang_refuses_in_the_users_language(ijm: Seed) -> None:
    line = one_line_error(run(ijm, FR, "--lang", "xx", "show"))
    assert line.startswith(
        "engage: erreur\xa0: --lang\xa0: engage ne parle pas 'xx'\xa0; il parle en, es, fr"
    ), line


# --- --help and click's own words --------------------------------------------------------------


def test_help_in_the_users_language(ijm: Seed) -> None:
    done = run(ijm, ES, "log", "--help")
    assert done.exit_code == 0
    assert done.stdout.startswith("Uso: engage log [OPTIONS] DAYS"), done.stdout
    assert "Registrar tiempo en una fase" in done.stdout
    assert "Opciones:" in done.stdout
    flat = " ".join(done.stdout.split())
    assert "una fecha ISO (2021-11-16), 31/12/2021 (primero el día" in flat  # DATE_HELP + "."
    done = run(ijm, FR, "entries", "--help")
    flat = " ".join(done.stdout.split())
    assert "Seulement à partir de cette date\u00a0: une date ISO" not in flat
    assert "Seulement à partir de cette date : une date ISO (2021-11-16)" in flat
    done = run(ijm, {"LANG": "C.UTF-8"}, "log", "--help")
    assert done.stdout.startswith("Usage: engage log [OPTIONS] DAYS")
    assert "Log time against a phase" in done.stdout


def test_click_usage_errors_in_the_users_language(ijm: Seed) -> None:
    line = one_line_error(run(ijm, FR, "log", "1"))
    assert (
        line
        == "engage log: erreur\xa0: Option manquante '--phase' / '-p'. (voir «\u00a0engage log --help\u00a0»)"
    ), line


# --- show: a document in the engagement's language ---------------------------------------------


def test_show_in_the_schedules_language(ijm: Seed) -> None:
    in_french(ijm)
    done = run(ijm, {"LANG": "C.UTF-8"}, "show", "--as-of", "2021-11-20")
    assert done.exit_code == 0, done.stderr
    out = done.stdout
    for heading in ("\nPhases\n", "\nLivrables\n", "\nRéunions\n", "\nÉchéances\n"):
        assert heading in out, out
    assert "Superviseur\xa0: " in out and "Plafond\xa0:" in out
    assert "(au 20 nov. 2021)" in out  # the date as French writes it
    assert "clé" in out and "livrable" in out and "jours ouvrés" in out
    assert "2021-11-20" not in out
    # --lang overrides the schedule for one command
    spanish = run(ijm, {"LANG": "C.UTF-8"}, "--lang", "es", "show", "--as-of", "2021-11-20")
    assert "\nProductos\n" in spanish.stdout and "(al 20 nov 2021)" in spanish.stdout, spanish.stdout


def test_show_json_stays_for_programs(ijm: Seed) -> None:
    english = run(ijm, {"LANG": "C.UTF-8"}, "show", "--format", "json", "--as-of", "2021-11-20").stdout
    in_french(ijm)
    french = run(ijm, FR, "show", "--format", "json", "--as-of", "2021-11-20").stdout
    assert json.loads(french)["as_of"] == "2021-11-20"
    assert json.loads(french)["phases"] == json.loads(english)["phases"]


def test_show_in_english_is_as_it_was(ijm: Seed) -> None:
    out = run(ijm, {"LANG": "C.UTF-8"}, "show", "--as-of", "2021-11-20").stdout
    assert "\nDeliverables\n" in out and "Supervisor:  " in out and "(as of 2021-11-20)" in out


# --- entries: a table for people, CSV and JSON for programs ------------------------------------


def test_entries_table_in_the_engagements_language_csv_and_json_in_english(ijm: Seed) -> None:
    in_french(ijm)
    assert run(ijm, FR, "log", "1,5", "-p", "prep", "-d", "2021-11-16").exit_code == 0
    assert run(ijm, FR, "log", "4h", "-p", "prep", "-d", "2021-11-17").exit_code == 0
    table = run(ijm, {"LANG": "C.UTF-8"}, "entries").stdout
    assert "temps" in table and "16 nov. 2021" in table, table
    assert "2 saisies, 2,0 jours" in table, table
    rows = list(csv.reader(io.StringIO(run(ijm, FR, "entries", "--format", "csv").stdout)))
    assert rows[0] == ["id", "date", "phase", "days", "hours", "consultant", "by", "note"]
    assert rows[1][1:4] == ["2021-11-16", "prep", "1.5"]
    data = json.loads(run(ijm, FR, "entries", "--format", "json").stdout)
    assert data[0]["date"] == "2021-11-16" and str(data[0]["days"]) == "1.5"
    empty = run(ijm, {"LANG": "C.UTF-8"}, "--lang", "es", "entries", "--phase", "retreat").stdout
    assert empty == "No hay registros.\n"


def test_entries_workbook_headers_in_the_engagements_language(ijm: Seed, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    in_french(ijm)
    assert run(ijm, FR, "log", "1", "-p", "prep", "-d", "2021-11-16").exit_code == 0
    done = run(ijm, ES, "entries", "-o", str(tmp_path / "e.xlsx"))
    assert done.stderr == f"Escrito {tmp_path / 'e.xlsx'} (1 registro)\n"  # a message: the user's
    sheet = load_workbook(tmp_path / "e.xlsx")["Saisies"]  # the document: the engagement's
    assert [c.value for c in sheet[1]][:4] == ["id", "date", "phase", "jours"]


# --- init writes the user's language into a new schedule ---------------------------------------


def test_init_under_a_french_locale_writes_language_fr(tmp_path: Path) -> None:
    done = invoke("init", str(tmp_path / "mission.toml"), env=FR)
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("mission.toml écrit ;") or "écrit\xa0; remplissez-le" in done.stdout
    text = (tmp_path / "mission.toml").read_text(encoding="utf-8")
    assert '\nlanguage = "fr"\n' in text
    shown = invoke("-s", str(tmp_path / "mission.toml"), "show", env={"LANG": "C.UTF-8"})
    assert shown.exit_code == 0 and "\nLivrables\n" in shown.stdout
    assert (
        invoke("init", str(tmp_path / "es.toml"), env={"LANGUAGE": "es", "LANG": "es_MX.UTF-8"}).exit_code
        == 0
    )
    assert '\nlanguage = "es"\n' in (tmp_path / "es.toml").read_text(encoding="utf-8")
    assert invoke("init", str(tmp_path / "en.toml"), env={"LANG": "C.UTF-8"}).exit_code == 0
    english = (tmp_path / "en.toml").read_text(encoding="utf-8")
    assert '\n# language = "fr"\n' in english and "\nlanguage = " not in english
