"""The schedule, ledger, import, sync and plugin messages in the user's language (the locale variables):
French and Spanish where the user's locale says so, English, as it was, where it does not."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from engage.language import using
from engage.sync.summary import by_person
from helpers import Seed, invoke, one_line_error
from helpers.processes import ENGAGE, engage_env

FR = "fr_FR.UTF-8"
ES = "es_ES.UTF-8"


def speak(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    monkeypatch.setenv("LANG", lang)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            FR,
            "phase inconnue 'nope'\xa0; phases de ijm-kenya-pap-2021\xa0: prep, retreat, writeup, final "
            "(une clé ou un nom, en majuscules ou minuscules)",
        ),
        (
            ES,
            "fase desconocida 'nope'; fases de ijm-kenya-pap-2021: prep, retreat, writeup, final "
            "(una clave o un nombre, en mayúsculas o minúsculas)",
        ),
        (
            "C.UTF-8",
            "unknown phase 'nope'; phases of ijm-kenya-pap-2021: prep, retreat, writeup, final "
            "(a key or a name, in any case)",
        ),
    ],
)
def test_an_unknown_phase_is_refused_in_the_users_language(
    ijm: Seed, monkeypatch: pytest.MonkeyPatch, lang: str, said: str
) -> None:
    speak(monkeypatch, lang)
    line = one_line_error(ijm.run("log", "1", "--phase", "nope", "-d", "2021-11-17"))
    assert line.endswith(said), line
    assert not ijm.ledger.exists()


def test_the_installed_engage_refuses_a_phase_in_french_and_spanish(ijm: Seed) -> None:
    import subprocess

    environ = {k: v for k, v in engage_env().items() if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    for lang, word in ((FR, "phase inconnue 'nope'\xa0;"), (ES, "fase desconocida 'nope';")):
        done = subprocess.run(
            [ENGAGE, "-s", str(ijm.path), "log", "1", "--phase", "nope"],
            capture_output=True,
            text=True,
            env={**environ, "LANG": lang},
        )
        assert done.returncode == 2 and word in done.stderr, done.stderr


def test_a_schedule_error_keeps_file_line_and_key_and_says_the_problem_in_french(
    ijm: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    ijm.rewrite('title = "', 'titel = "')
    english = one_line_error(ijm.run("budget"))
    assert english.endswith(": titel: unknown key; did you mean 'title'?"), english
    speak(monkeypatch, FR)
    french = one_line_error(ijm.run("budget"))
    position = english.split(": titel: ")[0].split("engage: error: ")[-1]  # FILE: line N
    assert f"{position}: titel: clé inconnue\xa0; vouliez-vous dire 'title'\xa0?" in french, french


def test_a_schedule_problem_and_a_top_key_hint_in_spanish(ijm: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    ijm.rewrite("max_days = 20", "max_days = 0")
    speak(monkeypatch, ES)
    line = one_line_error(ijm.run("budget"))
    assert "max_days: debe ser un número positivo, se recibió 0" in line, line
    ijm.rewrite("max_days = 0", "max_days = 20")
    ijm.rewrite('timezone = "Africa/Nairobi"', "timezone = 3")
    line = one_line_error(ijm.run("budget"))
    assert "timezone: debe ser una zona horaria IANA como 'Africa/Nairobi', se recibió 3" in line, line


def test_a_damaged_line_is_named_in_spanish_then_in_english(
    ijm: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ledger cache keeps what is wrong with a line in the language it was read in: English reads
    it again rather than show the Spanish words."""
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-17").exit_code == 0
    with ijm.ledger.open("a", encoding="utf-8") as ledger:
        ledger.write('{"kind": "entry", "id": "1"\n')
    speak(monkeypatch, ES)
    spanish = ijm.run("budget").stderr
    assert "línea dañada no contada (no es un registro JSON completo)" in spanish, spanish
    speak(monkeypatch, "C.UTF-8")
    english = ijm.run("budget").stderr
    assert "damaged line not counted (not a complete JSON record)" in english, english
    assert "línea" not in english


def test_a_timesheet_import_is_refused_in_french(ijm: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    sheet = ijm.path.with_name("sheet.csv")
    sheet.write_text("date,note\n2021-11-17,x\n", encoding="utf-8")
    speak(monkeypatch, FR)
    line = one_line_error(ijm.run("import", str(sheet)))
    assert "colonne(s) manquante(s) phase, days ou hours\xa0; la ligne d'en-tête doit nommer" in line, line
    speak(monkeypatch, "C.UTF-8")
    line = one_line_error(ijm.run("import", str(sheet)))
    assert "missing column(s) phase, days or hours; the header row must name" in line, line


def test_a_closed_engagement_refuses_later_time_in_spanish(
    ijm: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ijm.run("close", "-d", "2021-11-20").exit_code == 0
    speak(monkeypatch, ES)
    line = one_line_error(ijm.run("log", "1", "-p", "prep", "-d", "2021-11-22"))
    assert "el contrato se cerró el 2021-11-20" in line, line
    assert "tiempo con fecha 2021-11-22 es posterior" in line, line


def test_syncs_summary_in_the_language_with_its_plural_forms() -> None:
    lines = [
        b'{"kind": "entry", "id": "a", "date": "2021-11-17", "phase": "prep", "days": "1.5", "by": "ann"}',
        b'{"kind": "entry", "id": "b", "date": "2021-11-17", "phase": "prep", "days": "1", "by": "bob"}',
        b'{"kind": "deliverable", "id": "c", "deliverable": "draft", "status": "submitted", "by": "bob"}',
        b'{"kind": "fees.expense", "id": "d", "by": "ann"}',
        b'{"kind": "fees.expense", "id": "e", "by": "ann"}',
    ]
    assert by_person(lines, Fraction(8)) == {"ann": "1.5 days, 2 expenses", "bob": "1 day, draft submitted"}
    with using("fr"):
        said = by_person(lines, Fraction(8))
        assert said["ann"] == "1,5 jours, 2 dépenses"
        assert said["bob"].startswith("1 jour, draft ")  # the state, in the words judging gives it
    with using("es"):
        said = by_person(lines, Fraction(8))
        assert said["ann"] == "1,5 días, 2 gastos"
        assert said["bob"].startswith("1 día, draft ")


def test_a_plugin_folder_refusal_in_french(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ijm: Seed
) -> None:
    missing = tmp_path / "nowhere"
    speak(monkeypatch, FR)
    line = one_line_error(ijm.run("--plugins-dir", str(missing), "budget"))
    assert (
        f"{missing}\xa0: le dossier d'extensions n'existe pas\xa0; donnez un dossier d'extensions .py" in line
    ), line


def test_a_plugins_folder_others_can_write_is_refused_with_its_fix_in_french(ijm, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The fix (chmod o-w) comes from the folder's mode, not from the words saying why, which are French."""
    folder = tmp_path / "shared-plugins"
    folder.mkdir()
    folder.chmod(0o777)
    refused = invoke("--plugins-dir", str(folder), "-s", str(ijm.path), "show", env={"LANG": "fr_FR.UTF-8"})
    assert refused.exit_code == 2, refused.output
    assert refused.stderr.count("\n") == 1 and f"chmod o-w {folder}" in refused.stderr, refused.stderr
