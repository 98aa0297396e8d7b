"""Names typed on the command line found ignoring case and accents: phases, deliverables, meetings,
consultants and places, on the seeds and on the Spanish-speaking client's schedule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import Seed, copy_seed, one_line_error


def ledger_bytes(seed: Seed) -> bytes | None:
    return seed.ledger.read_bytes() if seed.ledger.exists() else None


def logged(seed: Seed) -> list[dict]:
    return [json.loads(line) for line in seed.ledger.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    ("name", "old", "phase", "typed"),
    [
        ("ijm", 'name = "Preparation"', "prep", "preparation"),
        ("ijm", 'name = "Preparation"', "prep", "PRÉPARATION"),
        ("defenders", 'name = "Desk review"', "desk", "revue  documentaire"),
        ("geo", 'name = "First draft"', "draft", "redaccion del borrador"),
    ],
)
def test_a_phase_is_found_by_its_name_without_its_accents(
    tmp_path: Path, name: str, old: str, phase: str, typed: str
) -> None:
    seed = copy_seed(name, tmp_path)
    accented = {"prep": "Préparation", "desk": "Revue documentaire", "draft": "Redacción del borrador"}
    seed.rewrite(old, f'name = "{accented[phase]}"')
    done = seed.run("log", "1", "-p", typed, "-d", "2021-11-17" if name != "geo" else "2004-03-02")
    assert done.exit_code == 0, done.stderr
    assert logged(seed)[-1]["phase"] == phase


def test_rédaction_du_rapport_is_found_as_redaction_du_rapport(ijm: Seed) -> None:
    ijm.rewrite('name = "Preparation"', 'name = "Rédaction du rapport"')
    done = ijm.run("log", "0.5", "-p", "redaction du rapport", "-d", "2021-11-17")
    assert done.exit_code == 0, done.stderr
    assert logged(ijm)[-1]["phase"] == "prep"


def test_an_exact_key_is_found_first(ijm: Seed) -> None:
    """A phase whose name folds to another's key: the key wins, as it did."""
    ijm.rewrite('name = "Retreat"', 'name = "Prép"')
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-17").exit_code == 0
    assert logged(ijm)[-1]["phase"] == "prep"


def test_two_names_folding_alike_are_refused_in_one_line(ijm: Seed) -> None:
    ijm.rewrite('name = "Preparation"', 'name = "Rédaction"')
    ijm.rewrite('name = "Retreat"', 'name = "Rèdaction"')
    before = ledger_bytes(ijm)
    line = one_line_error(
        ijm.run("log", "1", "-p", "redaction", "-d", "2021-11-17"), "ambiguous", "prep (Rédaction)", "retreat"
    )
    assert "give the key" in line
    assert ledger_bytes(ijm) == before


def test_an_unknown_phase_still_lists_the_keys(ijm: Seed) -> None:
    one_line_error(
        ijm.run("log", "1", "-p", "rédactión", "-d", "2021-11-17"), "unknown phase", "prep, retreat"
    )
    assert not ijm.ledger.exists()


def test_deliverables_and_meetings_are_found_without_accents(geo: Seed) -> None:
    geo.rewrite('name = "Draft report"', 'name = "Informe preliminar de evaluación"')
    geo.rewrite('name = "Workshop for report discussion and validation"', 'name = "Taller de validación"')
    done = geo.run("deliver", "informe preliminar de evaluacion", "--status", "submitted", "-d", "2004-03-04")
    assert done.exit_code == 0, done.stderr
    done = geo.run("meeting", "TALLER DE VALIDACION", "--outcome", "held", "-d", "2004-03-10")
    assert done.exit_code == 0, done.stderr
    kinds = [(r["kind"], r.get("deliverable") or r.get("meeting")) for r in logged(geo)]
    assert kinds == [("deliverable", "draft"), ("meeting", "workshop")], kinds


@pytest.fixture
def team(tmp_path: Path) -> Seed:
    """The UNDP team, with an accented name and an accented place."""
    undp = copy_seed("undp", tmp_path)
    undp.rewrite('name = "National Consultant"', 'name = "José  Pérez"')
    undp.rewrite('name = "Dhaka mission"', 'name = "Misión Dhaka"')
    return undp


def test_a_consultant_is_found_without_accents(team: Seed) -> None:
    done = team.run("log", "1", "-p", "mission", "-c", "Jose Perez", "-d", "2017-06-13")
    assert done.exit_code == 0, done.stderr
    assert logged(team)[-1]["consultant"] == "national"
    shown = team.run("entries", "-c", "jose perez")
    assert shown.exit_code == 0, shown.stderr
    assert "2017-06-13" in shown.stdout


def test_a_place_is_found_by_its_name_without_accents(team: Seed) -> None:
    done = team.run("log", "1", "-p", "mission", "-c", "national", "--at", "mision dhaka", "-d", "2017-06-13")
    assert done.exit_code == 0, done.stderr
    assert logged(team)[-1]["at"] == "dhaka"
    done = team.run("log", "1", "-p", "mission", "-c", "national", "--at", "DHAKA", "-d", "2017-06-14")
    assert done.exit_code == 0, done.stderr
    assert logged(team)[-1]["at"] == "dhaka"


def test_two_consultants_folding_alike_are_refused_in_one_line(team: Seed) -> None:
    team.rewrite('name = "Field enumerator 1"', 'name = "Jose Perez"')
    before = ledger_bytes(team)
    line = one_line_error(
        team.run("log", "1", "-p", "mission", "-c", "José Perez", "-d", "2017-06-13"), "ambiguous", "field1"
    )
    assert "national (José Pérez)" in line and "give the key" in line
    assert ledger_bytes(team) == before
    # typed as the schedule has one of them (case and spaces aside, as before), the name is that one's
    for typed, key in (("jose perez", "field1"), ("JOSÉ PÉREZ", "national")):
        done = team.run("log", "1", "-p", "mission", "-c", typed, "-d", "2017-06-13")
        assert done.exit_code == 0, done.stderr
        assert logged(team)[-1]["consultant"] == key


def test_an_unknown_consultant_or_place_is_still_one_line(team: Seed) -> None:
    one_line_error(team.run("log", "1", "-p", "mission", "-c", "Juan", "-d", "2017-06-13"), "'Juan'", "lead")
    one_line_error(
        team.run("log", "1", "-p", "mission", "-c", "lead", "--at", "lima", "-d", "2017-06-13"),
        "unknown location 'lima'",
        "dhaka, home",
    )
    assert not team.ledger.exists()
