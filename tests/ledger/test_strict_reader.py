"""The strict reader: nothing hidden by a shortcut, ids counted once, voids checked, amounts sane."""

from __future__ import annotations

import json

from engage.ledger.ledger import Ledger
from helpers import Seed, budget_exit, one_line_error


def entry(ident: str, note: str, days: str = "1") -> str:
    return json.dumps(
        {
            "id": ident,
            "kind": "entry",
            "recorded_at": "r",
            "date": "2021-11-16",
            "phase": "prep",
            "days": days,
            "note": note,
        }
    )


def test_two_damaged_lines_that_cancel_out_are_both_reported(ijm: Seed) -> None:
    # Joined as one JSON array these two lines are two valid records, one note silently changed.
    first = entry("a1", "first") + ", " + entry("b1", "start")[:-2]
    second = 'end"}'
    ijm.ledger.write_text(entry("a0", "kept") + "\n" + first + "\n" + second + "\n")
    result = ijm.run("entries", "--format", "json")
    assert [e["note"] for e in json.loads(result.stdout)] == ["kept"]
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 2 and ":2:" in warnings[0] and ":3:" in warnings[1]


def test_a_duplicate_id_counts_once_and_is_reported(ijm: Seed) -> None:
    ijm.ledger.write_text(entry("d1", "one") + "\n" + entry("d1", "copy") + "\n")
    result = ijm.run("entries", "--format", "json")
    assert [e["note"] for e in json.loads(result.stdout)] == ["one"]
    assert "duplicate id 'd1', first at line 1" in result.stderr
    assert ijm.run("void", "d1").exit_code == 0  # and it can be voided from the command line
    assert json.loads(ijm.run("entries", "--format", "json").stdout) == []


def test_voids_of_unknown_ids_of_voids_and_of_themselves_are_reported(ijm: Seed) -> None:
    def void(ident: str, target: str) -> str:
        return json.dumps({"id": ident, "kind": "void", "recorded_at": "r", "target": target})

    lines = [
        entry("e1", "work"),
        void("v1", "e1"),
        void("v2", "v1"),
        void("v3", "v3"),
        void("v4", "nosuch"),
        void("v5", "e1"),
    ]
    ijm.ledger.write_text("\n".join(lines) + "\n")
    read = Ledger.read(ijm.ledger, 8)
    reasons = {p.line: p.reason for p in read.problems}
    assert set(reasons) == {3, 4, 5, 6}
    assert "no entry, status or outcome" in reasons[3]  # a void is not a target
    assert "cannot void itself" in reasons[4]
    assert "no entry" in reasons[5]
    assert "already voided by v1" in reasons[6]
    assert read.entries() == [] and read.entries(include_voided=True)[0].id == "e1"


def test_a_tiny_amount_is_refused_at_the_door(ijm: Seed) -> None:
    one_line_error(ijm.run("log", "0.000001", "-p", "prep"), "less than a minute")
    one_line_error(ijm.run("log", "0.5m", "-p", "prep"), "less than a minute")
    assert not ijm.ledger.exists()
    assert ijm.run("log", "0.001", "-p", "prep", "-d", "2021-11-16").exit_code == 0
    budget = ijm.run("budget", "--as-of", "2021-11-30", "--format", "json")
    listed = json.loads(budget.stdout)
    assert budget.exit_code == budget_exit(listed) and "Traceback" not in budget.stderr
    assert ijm.run("status", "--as-of", "2021-11-17").exit_code == 0


def test_statuses_and_outcomes_follow_the_model(ijm: Seed, monkeypatch) -> None:
    from engage.schedule import model

    line = json.dumps(
        {
            "id": "s1",
            "kind": "deliverable",
            "recorded_at": "r",
            "deliverable": "inception",
            "status": "resubmitted",
            "date": "2021-11-22",
        }
    )
    ijm.ledger.write_text(line + "\n")
    assert "not one of" in Ledger.read(ijm.ledger, 8).problems[0].reason
    monkeypatch.setattr(model, "DELIVERABLE_STATUSES", (*model.DELIVERABLE_STATUSES, "resubmitted"))
    assert Ledger.read(ijm.ledger, 8).problems == []  # a status added to the model is read at once
