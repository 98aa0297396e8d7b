"""The verdict and the budget checks in French and Spanish: reasons, waits, findings, log's warnings and
``engage budget`` in the language in force, its JSON in English, and English as it was."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import engage
from helpers import Seed, copy_seed, invoke

IJM_WINDOW_EN = (
    "Preparation: 7 days budgeted but its window 2021-11-16 – 2021-11-22 has only 5 working days; "
    "it squeezes 3 deliverables: "
)


def in_french(seed: Seed) -> Seed:
    """The seed's ToR written in French: ``language = "fr"`` in the schedule."""
    seed.rewrite('timezone = "Africa/Nairobi"', 'timezone = "Africa/Nairobi"\nlanguage = "fr"')
    return seed


def run(seed: Seed, *args: str, lang: str = "C.UTF-8") -> tuple[int, str, str]:
    """``engage -s SEED ARGS`` with ``LANG`` set: the user's language for messages."""
    done = invoke("-s", str(seed.path), *args, env={"LANG": lang})
    return done.exit_code, done.stdout, done.stderr


def test_budget_speaks_the_schedule_language_and_its_json_stays_english(ijm: Seed) -> None:
    in_french(ijm)
    code, out, _err = run(ijm, "budget", "--as-of", "2021-11-16")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["gravité", "code", "message", "où"]
    assert (
        "avertissement  window-too-short  Preparation\xa0: 7 jours budgétés mais sa période 16 nov. 2021 – "
        "22 nov. 2021 ne compte que 5 jours ouvrables\xa0; elle comprime 3 livrables\xa0: Inception report"
    ) in out
    assert lines[-1] == "ijm-kenya-pap-2021 au 16 nov. 2021\xa0: 0 erreur, 1 avertissement, 0 information"
    assert "days" not in out and "warning" not in out
    # JSON is for programs: English words and ISO dates, whatever the ToR's language.
    _code, out, _err = run(ijm, "budget", "--as-of", "2021-11-16", "--format", "json")
    (found,) = json.loads(out)
    assert found["severity"] == "warning" and found["code"] == "window-too-short"
    assert found["message"].startswith(IJM_WINDOW_EN)


def test_budget_lang_overrides_the_schedule(ijm: Seed) -> None:
    in_french(ijm)
    _code, out, _err = run(ijm, "budget", "--as-of", "2021-11-16", "--lang", "es")
    assert out.splitlines()[0].split() == ["gravedad", "código", "mensaje", "dónde"]
    assert (
        "advertencia  window-too-short  Preparation: 7 días presupuestados pero su período 16 nov 2021 – "
        "22 nov 2021 solo tiene 5 días hábiles; comprime 3 productos:"
    ) in out
    assert out.splitlines()[-1] == (
        "ijm-kenya-pap-2021 al 16 nov 2021: 0 errores, 1 advertencia, 0 avisos informativos"
    )
    _code, out, _err = run(ijm, "budget", "--as-of", "2021-11-16", "--lang", "en")
    assert IJM_WINDOW_EN in out
    assert out.splitlines()[-1] == "ijm-kenya-pap-2021 as of 2021-11-16: 0 errors, 1 warning, 0 info"


def test_budget_follows_the_user_language_where_the_tor_has_none(defenders: Seed) -> None:
    _code, out, _err = run(defenders, "budget", "--as-of", "2023-09-04", lang="fr_FR.UTF-8")
    assert out == "defenders-coalition-protection-policy-2023 au 4 sept. 2023\xa0: aucun constat\n"
    _code, out, _err = run(defenders, "budget", "--as-of", "2023-09-04")
    assert out == "defenders-coalition-protection-policy-2023 as of 2023-09-04: no findings\n"


def test_the_findings_of_an_overrun_in_french(ijm: Seed) -> None:
    in_french(ijm)
    assert run(ijm, "log", "8", "-p", "prep", "-d", "2021-11-17")[0] == 0
    code, out, _err = run(ijm, "budget", "--as-of", "2021-11-17")
    assert code == 1
    assert "erreur         phase-over-budget" in out
    assert "Preparation\xa0: 8,0 sur 7 jours utilisés — 1,0 de dépassement du budget" in out
    assert "Test Consultant a saisi 8,0 jours le 17 nov. 2021\xa0; une personne travaille au plus" in out
    assert out.splitlines()[-1].startswith("ijm-kenya-pap-2021 au 17 nov. 2021\xa0: 1 erreur, ")


def test_log_warns_in_the_user_language(ijm: Seed) -> None:
    code, out, err = run(ijm, "log", "1", "-p", "prep", "-d", "2021-11-20", lang="fr_FR.UTF-8")
    assert code == 0
    assert "Preparation\xa0: 1,0 sur 7 jours utilisés, 6,0 restants" in out
    assert "2021-11-20 est un samedi, pas un jour ouvrable" in err
    code, out, err = run(ijm, "log", "7", "-p", "prep", "-d", "2021-11-18", lang="es_ES.UTF-8")
    assert "Preparation: 8,0 de 7 días usados, 1,0 por encima del presupuesto" in out
    assert "Preparation excede su presupuesto en 1,0 días" in err
    assert "7,0 días registrados el 2021-11-18 por Test Consultant, más de un día" in err
    code, out, err = run(ijm, "log", "1", "-p", "prep", "-d", "2021-11-21")
    assert "Preparation: 9.0 of 7 days used, 2.0 over budget" in out
    assert "2021-11-21 is a Sunday, not a working day" in err


def test_status_reasons_and_waits_in_the_user_language(tmp_path: Path) -> None:
    geo = copy_seed("geo", tmp_path)
    _code, out, _err = run(geo, "status", "--as-of", "2004-03-20", lang="es_ES.UTF-8")
    assert "con retraso: Draft report, 15 días de retraso" in out
    _code, out, _err = run(geo, "show", lang="fr_FR.UTF-8")
    assert "en attente\xa0: 3 jours ouvrables après le retour de Draft report" in out
    _code, out, _err = run(geo, "status", "--as-of", "2004-03-20")
    assert "late: Draft report 15 days late" in out


def test_a_verdict_is_judged_once_per_language(ijm: Seed) -> None:
    """A French document never reuses the verdict judged for an English one, and back."""
    session = engage.Session(str(ijm.path))
    engagement, ledger, day = session.engagement, session.ledger(), dt.date(2021, 11, 15)
    with engage.using("fr"):
        french = session.verdict(engagement, ledger, day)
    english = session.verdict(engagement, ledger, day)
    with engage.using("es"):
        spanish = session.verdict(engagement, ledger, day)
        assert session.verdict(engagement, ledger, day) is spanish
    assert len({id(french), id(english), id(spanish)}) == 3
    # Each judges in its own language, whoever reads it first and wherever.
    assert french.phases[0].reason == "dans les temps\xa0: pas commencée, la période s'ouvre le 16 nov. 2021"
    assert spanish.phases[0].reason == "en curso: no iniciada, el período empieza el 16 nov 2021"
    assert english.phases[0].reason == "on track: not started, window opens 2021-11-16"
    assert french.state == english.state == "on track"  # ids stay English
    assert (french.reason, english.reason) == ("dans les temps", "on track")
    with engage.using("fr"):
        assert {m.kind_text for m in french.coming()} >= {"livrable à rendre", "échéance"}
        assert engage.state_text(french.deliverables[0].state) == "échéance proche"  # due soon
        assert french.deliverables[0].reason == "dû le 22 nov. 2021"
    assert english.deliverables[0].reason == "due 2021-11-22"


def test_a_timesheet_state_described_in_the_language_in_force(ijm: Seed) -> None:
    engagement = engage.Session(str(ijm.path)).engagement
    sheet = engage.SheetState("consultant", dt.date(2021, 11, 1), dt.date(2021, 11, 30))
    with engage.using("es"):
        assert sheet.describe(engagement, dt.date(2021, 12, 1)) == "no presentado"
        assert engage.person_name(engagement, "supervisor") == "el supervisor"
    assert sheet.describe(engagement, dt.date(2021, 12, 1)) == "not submitted"
    assert engage.person_name(engagement, "supervisor") == "the supervisor"
