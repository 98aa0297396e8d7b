"""One engagement per ledger: records carry its id, foreign ledgers and non-ledgers are refused."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import Seed, invoke, one_line_error


def records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_records_carry_the_engagement_id(ijm: Seed) -> None:
    ijm.run("log", "1", "-p", "prep")
    ijm.run("deliver", "inception", "--status", "submitted")
    assert {r["engagement"] for r in records(ijm.ledger)} == {"ijm-kenya-pap-2021"}


def test_a_ledger_of_another_engagement_is_refused_naming_both(ijm: Seed, defenders: Seed) -> None:
    shared = ijm.ledger
    assert ijm.run("log", "1", "-p", "prep").exit_code == 0
    before = shared.read_bytes()
    phase = json.loads(defenders.run("show", "--format", "json").stdout)["phases"][0]["key"]
    wrote = defenders.run("--ledger", str(shared), "log", "1", "-p", phase)
    one_line_error(wrote, "ijm-kenya-pap-2021", "defenders")
    read = defenders.run("--ledger", str(shared), "entries")
    one_line_error(read, "ijm-kenya-pap-2021", "defenders")
    assert shared.read_bytes() == before


def test_a_ledger_from_0_1_without_ids_is_read_and_then_stamped(ijm: Seed) -> None:
    old = {"id": "a1b2c3", "kind": "entry", "recorded_at": "2021-11-16T09:00:00Z", "date": "2021-11-16"}
    ijm.ledger.write_text(json.dumps({**old, "phase": "prep", "days": "1", "note": "from 0.1"}) + "\n")
    assert ijm.run("log", "2", "-p", "prep", "-d", "2021-11-17").exit_code == 0
    result = ijm.run("entries", "--format", "json")
    assert [e["note"] for e in json.loads(result.stdout)] == ["from 0.1", ""] and result.stderr == ""
    assert [r.get("engagement") for r in records(ijm.ledger)] == [None, "ijm-kenya-pap-2021"]


def test_ledger_option_may_not_be_the_schedule(ijm: Seed) -> None:
    before = ijm.text()
    one_line_error(
        ijm.run("--ledger", str(ijm.path), "log", "1", "-p", "prep"), "is a schedule, not a ledger"
    )
    assert ijm.text() == before


def test_ledger_option_may_not_be_a_file_that_is_no_ledger(ijm: Seed, tmp_path: Path) -> None:
    for name, content in [("notes.txt", "my notes\n"), ("copy.TOML", ""), ("sheet.csv", "date,phase\n")]:
        other = tmp_path / name
        other.write_text(content)
        one_line_error(ijm.run("--ledger", str(other), "log", "1", "-p", "prep"), name)
        assert other.read_text() == content
    one_line_error(ijm.run("--ledger", str(tmp_path), "entries"), "is a folder")


def test_ledger_from_the_environment_is_checked_too(ijm: Seed, monkeypatch) -> None:
    monkeypatch.setenv("ENGAGE_LEDGER", str(ijm.path))
    one_line_error(ijm.run("log", "1", "-p", "prep"), "ENGAGE_LEDGER", "is a schedule")


def test_status_of_a_portfolio_refuses_one_ledger_for_all(ijm: Seed, defenders: Seed, tmp_path: Path) -> None:
    elsewhere = tmp_path / "ijm.jsonl"
    ijm.run("--ledger", str(elsewhere), "log", "1", "-p", "prep", "-d", "2021-11-16")
    one_line_error(
        invoke("--ledger", str(elsewhere), "status", str(ijm.path), str(defenders.path)),
        "names one ledger",
        "2 engagements",
    )
    single = invoke(
        "--ledger", str(elsewhere), "status", "--format", "json", "--as-of", "2021-11-30", str(ijm.path)
    )
    assert single.exit_code == 0, single.stderr
    [report] = json.loads(single.stdout)
    assert report["used"] == 1  # the ledger given was read, not the empty one beside the schedule
