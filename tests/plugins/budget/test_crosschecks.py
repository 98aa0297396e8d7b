"""Cross-checks between the schedule and the ledger, each firing and staying quiet; log's warnings."""

from __future__ import annotations

import json

import pytest

from helpers import Seed, budget_exit


def codes(seed: Seed, as_of: str) -> dict[str, list[dict]]:
    result = seed.run("budget", "--as-of", as_of, "--format", "json")
    listed = json.loads(result.stdout)
    assert result.exit_code == budget_exit(listed), result.stderr
    found: dict[str, list[dict]] = {}
    for finding in listed:
        found.setdefault(finding["code"], []).append(finding)
    return found


def test_due_before_a_dependency(ijm: Seed) -> None:
    assert "due-before-dependency" not in codes(ijm, "2021-11-16")
    ijm.rewrite('due = "end of phase final"', "due = 2021-12-01")
    draft, validation = codes(ijm, "2021-11-16")["due-before-dependency"]
    assert draft["deliverable"] == validation["deliverable"] == "final"
    assert "before Draft Strategic Plan (2021-12-02)" in draft["message"]
    assert (
        "before Stakeholder validation meeting of the draft strategic plan (2021-12-03)"
        in validation["message"]
    )


def test_due_after_the_last_day(ijm: Seed) -> None:
    assert "due-after-end" not in codes(ijm, "2021-11-16")
    ijm.rewrite(
        'due = "end of phase final"\ndepends_on = ["draft"]',
        'due = "5 working days after end of phase final"\ndepends_on = ["draft"]',
    )
    [finding] = codes(ijm, "2021-11-16")["due-after-end"]
    assert (
        finding["deliverable"] == "annexes"
        and "after the engagement's last day 2021-12-09" in finding["message"]
    )


def test_status_before_what_it_depends_on(ijm: Seed) -> None:
    # The draft depends on the retreat (23-26 Nov) and the template.
    for key in ("template",):
        ijm.run("deliver", key, "--status", "submitted", "--date", "2021-11-22")
    ijm.run("deliver", "draft", "--status", "submitted", "--date", "2021-12-02")
    assert "status-before-dependency" not in codes(ijm, "2021-12-03")


def test_status_before_the_retreat_it_depends_on(ijm: Seed) -> None:
    ijm.run("deliver", "template", "--status", "submitted", "--date", "2021-11-19")
    ijm.run("deliver", "draft", "--status", "submitted", "--date", "2021-11-22")
    [finding] = codes(ijm, "2021-11-29")["status-before-dependency"]
    assert (
        "Four-day strategic planning retreat" in finding["message"] and "on 2021-11-23" in finding["message"]
    )


def test_fixed_windows_that_overlap(ijm: Seed) -> None:
    assert "windows-overlap" not in codes(ijm, "2021-11-16")
    ijm.rewrite(
        "start = 2021-11-23\nend = 2021-11-26\ndescription",
        "start = 2021-11-22\nend = 2021-11-26\ndescription",
    )
    [finding] = codes(ijm, "2021-11-16")["windows-overlap"]
    assert (
        "Preparation (2021-11-16 – 2021-11-22) and Retreat (2021-11-22 – 2021-11-26) overlap"
        in finding["message"]
    )


def test_one_person_more_than_a_day_on_one_date(ijm: Seed) -> None:
    for days, phase in (("0.5", "prep"), ("0.5", "prep")):
        ijm.run("log", days, "--phase", phase, "--date", "2021-11-17")
    assert "day-overbooked" not in codes(ijm, "2021-11-18")
    logged = ijm.run("log", "4h", "--phase", "prep", "--date", "2021-11-17")
    assert "more than one day" in logged.output
    [finding] = codes(ijm, "2021-11-18")["day-overbooked"]
    assert finding["message"].startswith("Test Consultant logged 1.5 days on 2021-11-17")


def test_work_dated_in_the_future_is_counted_alike_and_said(ijm: Seed) -> None:
    logged = ijm.run("log", "1", "--phase", "prep", "--date", "2099-01-05")
    assert logged.exit_code == 0 and "is in the future" in logged.output
    ijm.run("log", "1", "--phase", "prep", "--date", "2021-11-16")
    found = codes(ijm, "2021-11-17")["work-in-future"]
    assert "dated after 2021-11-17: 2099-01-05; not counted until their date" in found[0]["message"]
    [report] = json.loads(ijm.run("status", "--as-of", "2021-11-17", "--format", "json").stdout)
    assert report["used"] == 1  # status does not count it either
    assert "not counted yet" in ijm.run("status", "--as-of", "2021-11-17").stdout
    listed = ijm.run("entries").stdout
    assert (
        "2099-01-05" in listed
        and "dated after today" in listed
        and "not counted by status or budget" in listed
    )


def test_near_budget_is_quiet_for_a_finished_phase_whose_deliverables_are_accepted(ijm: Seed) -> None:
    for day in ("2021-11-16", "2021-11-17", "2021-11-18", "2021-11-19", "2021-11-22", "2021-11-22"):
        ijm.run("log", "1", "--phase", "prep", "--date", day)
    assert "phase-near-budget" in codes(ijm, "2021-11-29")
    for key in ("inception", "tools", "template"):
        ijm.run("deliver", key, "--status", "submitted", "--date", "2021-11-22")
        ijm.run("deliver", key, "--status", "accepted", "--date", "2021-11-24")
    assert "phase-near-budget" not in codes(ijm, "2021-11-29")
    assert "phase-near-budget" in codes(ijm, "2021-11-22")  # while the phase runs, it still warns


def test_nothing_logged_leaves_out_days_waiting_on_the_client(geo: Seed) -> None:
    for day in ("2004-03-01", "2004-03-02", "2004-03-03", "2004-03-04", "2004-03-05"):
        geo.run("log", "1", "--phase", "draft", "--date", day)
    geo.run("deliver", "draft", "--status", "submitted", "--date", "2004-03-05")
    # 8-9 March: the draft, the only open deliverable, is with the client: nothing owed.
    assert "nothing-logged" not in codes(geo, "2004-03-10")
    geo.run("deliver", "draft", "--status", "returned", "--date", "2004-03-09")
    [finding] = codes(geo, "2004-03-12")["nothing-logged"]
    assert finding["message"].endswith(
        "3 working days between 2004-03-01 and 2004-03-11 with nothing logged: 2004-03-09, 2004-03-10, 2004-03-11"
    )  # not the 8th


@pytest.mark.parametrize(
    ("date", "warning"),
    [
        ("2021-11-01", "outside the engagement (2021-11-16 – 2021-12-09)"),
        ("2021-11-29", "outside Preparation's window (2021-11-16 – 2021-11-22)"),
        ("2099-11-02", "is in the future"),
    ],
)
def test_log_says_at_once_when_the_date_is_odd(ijm: Seed, date: str, warning: str) -> None:
    result = ijm.run("log", "1", "--phase", "prep", "--date", date)
    assert result.exit_code == 0 and warning in result.output
    quiet = ijm.run("log", "1", "--phase", "prep", "--date", "2021-11-17")
    assert "warning" not in quiet.output
