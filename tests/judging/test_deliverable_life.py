"""A deliverable's life: submitted, with the client, returned, resubmitted, accepted; and the refusals."""

from __future__ import annotations

import json

import pytest

from helpers import Seed, copy_seed, one_line_error

# IJM's draft strategic plan is due Thu 2 Dec 2021; the client reviews in 10 working days and the
# consultant revises in 5 (the defaults). Jamhuri Day is observed on Mon 13 Dec 2021.
LIVES = [
    ([], "2021-11-20", "not due", 0),
    ([], "2021-12-01", "due soon", 0),
    ([], "2021-12-05", "late", 3),
    ([("submitted", "2021-12-02")], "2021-12-10", "with client", 0),  # on its due date: not late
    ([("submitted", "2021-12-02")], "2021-12-17", "with client", 0),  # 10 working days: still allowed
    ([("submitted", "2021-12-02")], "2021-12-20", "review overdue", 0),  # the client's delay, not ours
    ([("submitted", "2021-12-06")], "2021-12-10", "with client", 4),
    ([("submitted", "2021-12-02"), ("returned", "2021-12-06")], "2021-12-14", "returned", 0),
    ([("submitted", "2021-12-02"), ("returned", "2021-12-06")], "2021-12-16", "late", 2),
    (
        [("submitted", "2021-12-02"), ("returned", "2021-12-06"), ("submitted", "2021-12-15")],
        "2021-12-20",
        "with client",
        1,
    ),
    (
        [
            ("submitted", "2021-12-06"),
            ("returned", "2021-12-07"),
            ("submitted", "2021-12-08"),
            ("accepted", "2021-12-09"),
        ],
        "2022-06-01",
        "accepted",
        4,
    ),
]


def draft(seed: Seed, as_of: str) -> dict:
    result = seed.run("status", "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.stderr
    [report] = json.loads(result.stdout)
    return next(d for d in report["deliverables"] if d["key"] == "draft")


@pytest.mark.parametrize(("steps", "as_of", "state", "days_late"), LIVES)
def test_life_gives_state_and_the_consultants_days_late(
    ijm: Seed, steps: list[tuple[str, str]], as_of: str, state: str, days_late: int
) -> None:
    for status, date in steps:
        result = ijm.run("deliver", "draft", "--status", status, "--date", date)
        assert result.exit_code == 0, result.stderr
    found = draft(ijm, as_of)
    assert (found["state"], found["days_late"]) == (state, days_late), found


def test_review_overdue_names_who_holds_it(ijm: Seed) -> None:
    ijm.run("deliver", "draft", "--status", "submitted", "--date", "2021-12-02")
    result = ijm.run("budget", "--as-of", "2021-12-20", "--format", "json")
    review = next(f for f in json.loads(result.stdout) if f["code"] == "review-overdue")
    assert review["severity"] == "warning"
    assert "with the client for 11 working days, 10 allowed" in review["message"]
    assert "the client holds it" in review["message"]
    assert "deliverable-late" not in {
        f["code"] for f in json.loads(result.stdout) if f["deliverable"] == "draft"
    }


def test_replaced_draft_stops_its_cycle(tmp_path) -> None:
    geo = copy_seed("geo", tmp_path)
    for args in (
        ("deliver", "draft", "--status", "submitted", "--date", "2004-03-05"),
        ("deliver", "draft", "--status", "returned", "--date", "2004-03-08"),
    ):
        assert geo.run(*args).exit_code == 0
    report = json.loads(geo.run("status", "--as-of", "2004-03-15", "--format", "json").stdout)[0]
    found = {d["key"]: d for d in report["deliverables"]}
    # The returned draft owes nothing itself: the final (3 working days after the return) is late.
    assert (found["draft"]["state"], found["draft"]["days_late"]) == ("returned", 0)
    assert (found["final"]["due"], found["final"]["state"], found["final"]["days_late"]) == (
        "2004-03-11",
        "late",
        4,
    )
    assert geo.run("deliver", "final", "--status", "submitted", "--date", "2004-03-12").exit_code == 0
    report = json.loads(geo.run("status", "--as-of", "2004-03-15", "--format", "json").stdout)[0]
    found = {d["key"]: d for d in report["deliverables"]}
    assert found["draft"]["state"] == "replaced"
    assert (found["final"]["state"], found["final"]["days_late"]) == ("with client", 1)


REFUSED = [
    ([], ("accepted", "2021-12-02"), "nothing was submitted"),
    ([], ("returned", "2021-12-02"), "nothing was submitted"),
    (
        [("submitted", "2021-12-02")],
        ("submitted", "2021-12-03"),
        "already submitted on 2021-12-02 and not returned",
    ),
    (
        [("submitted", "2021-12-02"), ("accepted", "2021-12-03")],
        ("returned", "2021-12-04"),
        "already accepted",
    ),
    (
        [("submitted", "2021-12-02"), ("returned", "2021-12-03")],
        ("accepted", "2021-12-04"),
        "must be resubmitted",
    ),
    ([("submitted", "2021-12-02")], ("returned", "2021-12-01"), "before its last status"),
    ([], ("submitted", "2099-01-01"), "in the future"),
]


@pytest.mark.parametrize(("steps", "refused", "fragment"), REFUSED)
def test_a_status_that_skips_a_step_is_refused_and_nothing_written(
    ijm: Seed, steps: list[tuple[str, str]], refused: tuple[str, str], fragment: str
) -> None:
    for status, date in steps:
        assert ijm.run("deliver", "draft", "--status", status, "--date", date).exit_code == 0
    before = ijm.ledger.read_bytes() if ijm.ledger.exists() else b""
    status, date = refused
    one_line_error(
        ijm.run("deliver", "draft", "--status", status, "--date", date), "Draft Strategic Plan", fragment
    )
    assert (ijm.ledger.read_bytes() if ijm.ledger.exists() else b"") == before


def test_voiding_a_status_reopens_the_step(ijm: Seed) -> None:
    ijm.run("deliver", "draft", "--status", "submitted", "--date", "2021-12-02")
    accepted = ijm.run("deliver", "draft", "--status", "accepted", "--date", "2021-12-03")
    record = accepted.stdout.split("(record ")[1].split(")")[0]
    assert ijm.run("void", record).exit_code == 0
    assert ijm.run("deliver", "draft", "--status", "returned", "--date", "2021-12-03").exit_code == 0


MEETING_REFUSED = [
    (
        [("changes-requested", "2021-12-03", None)],
        ("postponed", "2021-12-03", None),
        "already changes-requested",
    ),
    ([("held", "2021-12-03", None)], ("cancelled", "2021-12-06", None), "already held"),
    ([("cancelled", "2021-12-01", None)], ("held", "2021-12-03", None), "cancelled on 2021-12-01"),
    ([("postponed", "2021-12-01", "2021-12-08")], ("held", "2021-12-06", None), "postponed to 2021-12-08"),
    ([("postponed", "2021-12-02", None)], ("held", "2021-12-01", None), "before its last outcome"),
    ([], ("held", "2021-11-01", None), "before the engagement began on 2021-11-16"),
]


@pytest.mark.parametrize(("steps", "refused", "fragment"), MEETING_REFUSED)
def test_a_meeting_outcome_that_contradicts_its_record_is_refused(
    ijm: Seed, steps: list[tuple[str, str, str | None]], refused: tuple[str, str, str | None], fragment: str
) -> None:
    def args(outcome: str, date: str, to: str | None) -> list[str]:
        return ["meeting", "validation", "--outcome", outcome, "--date", date] + (["--to", to] if to else [])

    for step in steps:
        assert ijm.run(*args(*step)).exit_code == 0
    before = ijm.ledger.read_bytes() if ijm.ledger.exists() else b""
    one_line_error(ijm.run(*args(*refused)), "Stakeholder validation meeting", fragment)
    assert (ijm.ledger.read_bytes() if ijm.ledger.exists() else b"") == before


def test_a_meeting_moved_then_held_on_its_new_day(ijm: Seed) -> None:
    assert (
        ijm.run(
            "meeting", "validation", "--outcome", "postponed", "--date", "2021-12-01", "--to", "2021-12-08"
        ).exit_code
        == 0
    )
    assert ijm.run("meeting", "validation", "--outcome", "validated", "--date", "2021-12-08").exit_code == 0


def test_a_status_before_the_engagement_began_is_refused(ijm: Seed) -> None:
    one_line_error(
        ijm.run("deliver", "draft", "--status", "submitted", "--date", "2021-01-01"),
        "before the engagement began",
    )
    assert not ijm.ledger.exists()


def test_voiding_a_middle_status_is_refused_latest_first_is_fine(ijm: Seed) -> None:
    ids = []
    for status, date in (
        ("submitted", "2021-12-02"),
        ("returned", "2021-12-06"),
        ("submitted", "2021-12-08"),
    ):
        result = ijm.run("deliver", "draft", "--status", status, "--date", date)
        ids.append(result.stdout.split("(record ")[1].split(")")[0])
    before = ijm.ledger.read_bytes()
    one_line_error(ijm.run("void", ids[1]), f"{ids[1]} is followed by {ids[2]} (submitted)", "void the later")
    assert ijm.ledger.read_bytes() == before
    assert ijm.run("void", ids[2]).exit_code == 0
    assert ijm.run("void", ids[1]).exit_code == 0
    assert draft(ijm, "2021-12-10")["state"] == "with client"


def test_a_status_after_the_close_counts_but_lateness_stops_at_the_close(ijm: Seed) -> None:
    # Recorded before the close was (a close dated earlier than what it follows): once closed,
    # 'deliver' refuses such a date (tests/ledger/test_after_close.py).
    assert ijm.run("deliver", "draft", "--status", "submitted", "--date", "2021-12-09").exit_code == 0
    assert ijm.run("close", "--date", "2021-12-06").exit_code == 0
    found = draft(ijm, "2022-01-10")
    assert (found["state"], found["days_late"]) == ("with client", 4)  # due 2 Dec, closed 6 Dec
