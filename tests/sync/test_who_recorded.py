"""Who recorded what: every record a command writes carries ``by`` (the acting consultant) and
``machine`` (this machine's random id), and older records without them read as before."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest

from engage.ledger.ledger import BY_FIELD, MACHINE_FIELD
from helpers import Seed, invoke


def records(seed: Seed) -> list[dict]:
    return [json.loads(line) for line in seed.ledger.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def team(geo: Seed) -> Seed:
    geo.rewrite("consultants = []", 'consultants = ["Ann", "Ben"]')
    return geo


def test_every_written_record_names_who_and_the_machine_kept_once(
    team: Seed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENGAGE_CONSULTANT", "ann")
    assert team.run("log", "1", "-p", "draft", "-d", "2004-03-01").exit_code == 0
    assert team.run("log", "1", "-p", "draft", "-d", "2004-03-02", "--consultant", "Ben").exit_code == 0
    assert team.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04").exit_code == 0
    kept = (tmp_path / "data" / "engage" / "machine-id").read_text().strip()
    assert re.fullmatch(r"[0-9a-f]{12}", kept)
    written = records(team)
    assert [(r[BY_FIELD], r[MACHINE_FIELD]) for r in written] == [("Ann", kept)] * 3
    assert [r.get("consultant") for r in written[:2]] == ["Ann", "Ben"]


def test_nobody_known_leaves_by_out_and_an_unwritable_data_folder_leaves_the_machine_out(
    team: Seed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ENGAGE_CONSULTANT")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocked))
    assert team.run("log", "1", "-p", "draft", "-d", "2004-03-01", "--consultant", "Ben").exit_code == 0
    (written,) = records(team)
    assert BY_FIELD not in written and MACHINE_FIELD not in written
    assert written["consultant"] == "Ben"


def test_a_supervisor_outside_the_team_is_named_as_given(team: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGE_CONSULTANT", "Sue Supervisor")
    assert team.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04").exit_code == 0
    assert records(team)[0][BY_FIELD] == "Sue Supervisor"


def test_old_records_without_the_fields_still_count_and_a_bad_by_is_damage(geo: Seed) -> None:
    old = {"id": "e1", "kind": "entry", "date": "2004-03-01", "phase": "draft", "days": "1",
           "note": "", "recorded_at": "2004-03-01T09:00:00+00:00"}  # fmt: skip
    odd = {**old, "id": "e2", "date": "2004-03-02", BY_FIELD: 7, MACHINE_FIELD: "anything", "extra": [1]}
    fine = {**old, "id": "e3", "date": "2004-03-03", MACHINE_FIELD: "0123456789ab", "unknown": {"a": 1}}
    geo.ledger.write_text("".join(json.dumps(r) + "\n" for r in (old, odd, fine)), encoding="utf-8")
    result = geo.run("entries", "--format", "json")
    shown = json.loads(result.stdout)
    assert [(e["id"], e["by"]) for e in shown] == [("e1", ""), ("e3", "")]
    assert ":2: damaged line not counted" in result.stderr and "by must be" in result.stderr


def test_entries_show_by_in_json_and_csv_and_in_text_only_where_it_differs(
    team: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENGAGE_CONSULTANT", "Ann")
    team.run("log", "1", "-p", "draft", "-d", "2004-03-01")
    text = team.run("entries").stdout
    assert "recorded by" not in text  # Ann logged her own day: nothing to say
    team.run("log", "0.5", "-p", "draft", "-d", "2004-03-02", "--consultant", "Ben", "-n", "field notes")
    as_json = json.loads(team.run("entries", "--format", "json").stdout)
    assert [(e["consultant"], e["by"]) for e in as_json] == [("Ann", "Ann"), ("Ben", "Ann")]
    rows = list(csv.reader(io.StringIO(team.run("entries", "--format", "csv").stdout)))
    assert rows[0][6] == "by" and [r[6] for r in rows[1:]] == ["Ann", "Ann"]
    lines = team.run("entries").stdout.splitlines()
    assert "recorded by" in lines[0]
    ben = next(line for line in lines if "Ben" in line)
    ann = next(line for line in lines if "2004-03-01" in line)
    column = lines[0].index("recorded by")
    assert ben[column:].startswith("Ann") and not ann[column:].startswith("Ann")
    narrow = invoke("-s", str(team.path), "entries", env={"COLUMNS": "80"}).stdout.splitlines()
    assert max(len(line) for line in narrow) <= 80 and "field notes" in "\n".join(narrow)


def test_the_machine_id_is_made_once_even_when_damaged(tmp_path: Path, geo: Seed) -> None:
    from engage.settings import machine

    folder = tmp_path / "data" / "engage"
    folder.mkdir(parents=True)
    (folder / "machine-id").write_text("not an id\n")
    machine._known.clear()
    made = machine.machine_id()
    assert re.fullmatch(r"[0-9a-f]{12}", made) and (folder / "machine-id").read_text() == made + "\n"
    machine._known.clear()
    assert machine.machine_id() == made
    assert oct(os.stat(folder / "machine-id").st_mode & 0o777) in ("0o644", "0o600", "0o640")


def test_status_of_a_team_says_who_recorded_the_weeks_entries(
    team: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENGAGE_CONSULTANT", "Ann")
    team.run("log", "1", "-p", "draft", "-d", "2004-03-01")
    team.run("log", "1", "-p", "draft", "-d", "2004-03-02", "--consultant", "Ben")
    monkeypatch.setenv("ENGAGE_CONSULTANT", "Ben")
    team.run("log", "0.5", "-p", "draft", "-d", "2004-03-03")
    team.run("log", "1", "-p", "draft", "-d", "2004-03-09")  # another week: not this one's
    text = team.run("status", "--as-of", "2004-03-05").stdout
    line = next(line for line in text.splitlines() if line.startswith("Recorded"))
    assert line.split(None, 1)[1].strip() == "Ann 2 (1 for Ben), Ben 1 entries this week"
    (report,) = json.loads(team.run("status", "--as-of", "2004-03-05", "--format", "json").stdout)
    assert [(e["consultant"], e["by"]) for e in report["entries"]] == [
        ("Ann", "Ann"),
        ("Ben", "Ann"),
        ("Ben", "Ben"),
    ]


def test_status_of_one_consultant_says_nothing_of_who_recorded(geo: Seed) -> None:
    geo.run("log", "1", "-p", "draft", "-d", "2004-03-01")
    assert "Recorded" not in geo.run("status", "--as-of", "2004-03-05").stdout
