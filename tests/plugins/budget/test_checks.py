"""Budget and schedule checks on both seeds, through `engage budget` and `engage log`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import Seed, budget_exit, invoke, one_line_error


def findings(seed: Seed, as_of: str, *extra: str) -> tuple[int, list[dict]]:
    result = seed.run("budget", "--as-of", as_of, "--format", "json", *extra)
    found = json.loads(result.stdout)
    assert result.exit_code == budget_exit(found), result.stderr
    return result.exit_code, found


def codes(found: list[dict]) -> list[str]:
    return [f["code"] for f in found]


def test_ijm_as_written_cannot_fit_seven_preparation_days_before_the_retreat(ijm: Seed) -> None:
    code, found = findings(ijm, "2021-11-16")
    assert code == 0  # warnings only
    # One finding names the window and the three deliverables it squeezes, not four findings.
    assert codes(found) == ["window-too-short"]
    assert found[0] == {
        "severity": "warning",
        "code": "window-too-short",
        "message": "Preparation: 7 days budgeted but its window 2021-11-16 – 2021-11-22 has only 5 working days"
        "; it squeezes 3 deliverables: Inception report detailing interpretation of the TOR and proposed "
        "outline for the four-day retreat; Appropriate data collection tools e.g., interview tools and "
        "facilitation tools; A template that will guide the development of the strategic plan",
        "phase": "prep",
        "deliverable": None,
        "date": "2021-11-16",
    }
    assert ijm.run("budget", "--as-of", "2021-11-16", "--strict").exit_code == 1


def test_defenders_as_assumed_has_nothing_wrong_before_it_starts(defenders: Seed) -> None:
    assert findings(defenders, "2023-09-04") == (0, [])
    assert "no findings" in defenders.run("budget", "--as-of", "2023-09-04").stdout


def first_phase(seed: Seed) -> dict:
    return json.loads(seed.run("show", "--format", "json").stdout)["phases"][0]


def test_phase_threshold_then_overrun(seed: Seed) -> None:
    phase = first_phase(seed)
    key, budget, start = phase["key"], phase["days"], phase["start"]
    seed.run("log", str(budget - 1), "--phase", key, "--date", start)  # 6 of 7 = 86%; 3 of 4 = 75%
    _, found = findings(seed, start)
    near = [f for f in found if f["code"] == "phase-near-budget"]
    assert bool(near) == ((budget - 1) / budget >= 0.8)
    seed.run("log", "2", "--phase", key, "--date", start)
    code, found = findings(seed, start)
    assert code == 1
    over = next(f for f in found if f["code"] == "phase-over-budget")
    assert over["severity"] == "error" and over["phase"] == key
    assert over["message"] == f"{phase['name']}: {budget + 1}.0 of {budget} days used — 1.0 over budget"
    assert found[0]["severity"] == "error"  # worst first


def test_threshold_comes_from_the_schedule(ijm: Seed) -> None:
    ijm.rewrite("warn_at = 0.8", "warn_at = 0.5")
    ijm.run("log", "4", "--phase", "prep", "--date", "2021-11-16")
    assert "phase-near-budget" in codes(findings(ijm, "2021-11-16")[1])
    ijm.rewrite("warn_at = 0.5", "warn_at = 80")
    one_line_error(ijm.run("budget"), "budget.warn_at", "between 0 and 1")


def test_cap_and_budgets_that_do_not_add_up(seed: Seed) -> None:
    data = json.loads(seed.run("show", "--format", "json").stdout)
    for phase in data["phases"]:
        seed.run("log", str(phase["days"]), "--phase", phase["key"], "--date", phase["start"])
    seed.run("log", "0.5", "--phase", data["phases"][-1]["key"], "--date", data["phases"][-1]["start"])
    last = data["phases"][-1]["end"]
    _, found = findings(seed, last)
    cap = next(f for f in found if f["code"] == "over-cap")
    assert cap["message"] == "Engagement: 20.5 of 20 days used — 0.5 over the cap"
    seed.rewrite("max_days = 20", "max_days = 25")
    _, found = findings(seed, last)
    assert "Phase budgets add up to 20 days but the cap is 25" in [f["message"] for f in found]


def test_public_holiday_makes_a_fixed_window_too_short(defenders: Seed) -> None:
    defenders.rewrite("days = 4\n", "days = 4\nstart = 2023-10-09\nend = 2023-10-12\n")
    _, found = findings(defenders, "2023-09-01")
    short = next(f for f in found if f["code"] == "window-too-short")
    assert short["message"] == (
        "Desk review: 4 days budgeted but its window 2023-10-09 – 2023-10-12 has only 3 working days; "
        "holidays: Tue 10 Oct (Utamaduni Day)"
    )


def test_late_deliverables_count_days_and_show_status(seed: Seed) -> None:
    import datetime as dt

    data = json.loads(seed.run("show", "--format", "json").stdout)
    draft = next(d for d in data["deliverables"] if d["key"] == "draft")
    # Submitted on the day it is due: on time, however long the client then takes.
    seed.run("deliver", "draft", "--status", "submitted", "--date", draft["due"])
    last_due = max(d["due"] for d in data["deliverables"])
    as_of = (dt.date.fromisoformat(last_due) + dt.timedelta(days=3)).isoformat()
    code, found = findings(seed, as_of)
    assert code == 1
    late = {f["deliverable"]: f for f in found if f["code"] == "deliverable-late"}
    assert set(late) == {d["key"] for d in data["deliverables"]} - {"draft"}
    for key, finding in late.items():
        due = next(d["due"] for d in data["deliverables"] if d["key"] == key)
        days = (dt.date.fromisoformat(as_of) - dt.date.fromisoformat(due)).days
        assert f"{days} day{'s' if days != 1 else ''} late (due {due}, not submitted)" in finding["message"]
    for deliverable in data["deliverables"]:
        if deliverable["key"] != "draft":
            assert (
                seed.run("deliver", deliverable["key"], "--status", "submitted", "--date", as_of).exit_code
                == 0
            )
        assert seed.run("deliver", deliverable["key"], "--status", "accepted", "--date", as_of).exit_code == 0
    assert "deliverable-late" not in codes(findings(seed, as_of)[1])


def test_deliverable_that_cannot_fit_its_remaining_days(defenders: Seed) -> None:
    # Drafting: 4 days, window 19-22 Sep 2023. On the 21st nothing is logged: 4 days, 2 working days.
    _, found = findings(defenders, "2023-09-21")
    fit = next(f for f in found if f["code"] == "deliverable-cannot-fit")
    assert fit["deliverable"] == "draft"
    assert (
        "4.0 days of draft work left but only 2 working days until it is due on 2023-09-22" in fit["message"]
    )
    defenders.run("log", "3", "--phase", "draft", "--date", "2023-09-20")
    assert "deliverable-cannot-fit" not in codes(findings(defenders, "2023-09-21")[1])


def test_work_on_wrong_days(ijm: Seed) -> None:
    ijm.run("log", "1", "--phase", "prep", "--date", "2021-11-20")  # Saturday
    ijm.run("log", "0.5", "--phase", "final", "--date", "2021-12-13")  # Jamhuri Day (observed), after the end
    ijm.run("log", "1", "--phase", "writeup", "--date", "2021-11-24")  # during the retreat
    _, found = findings(ijm, "2021-12-14")
    messages = {f["code"]: f["message"] for f in found}
    assert messages["work-on-weekend"] == "1.0 days logged on Saturday 2021-11-20, a weekend"
    assert messages["work-on-holiday"] == "0.5 days logged on Mon 2021-12-13, Jamhuri Day (observed)"
    assert messages["work-outside-engagement"] == (
        "0.5 days logged outside the engagement (2021-11-16 – 2021-12-09): 2021-12-13"
    )
    assert messages["work-outside-phase"] == (
        "1.0 days of Write-up logged outside its window 2021-11-29 – 2021-12-02: 2021-11-24"
    )
    assert next(f for f in found if f["code"] == "work-outside-phase")["severity"] == "info"


def test_work_outside_a_window_is_one_finding_listing_the_days(defenders: Seed) -> None:
    for day in ("2023-09-04", "2023-09-05", "2023-09-06", "2023-09-07", "2023-09-08", "2023-09-11"):
        defenders.run("log", "0.5", "--phase", "final", "--date", day)
    _, found = findings(defenders, "2023-09-12")
    [outside] = [f for f in found if f["code"] == "work-outside-phase"]
    assert outside["message"] == (
        "3.0 days of Final draft for adoption logged outside its window 2023-09-27 – 2023-09-29: "
        "2023-09-04, 2023-09-05, 2023-09-06, 2023-09-07, 2023-09-08 and 1 more day"
    )
    assert outside["date"] == "2023-09-04"


def test_entry_on_a_phase_the_schedule_no_longer_has(ijm: Seed) -> None:
    ijm.run("log", "1", "--phase", "writeup", "--date", "2021-11-29")
    ijm.path.write_text(
        ijm.text().replace('"writeup"', '"drafting"').replace("phase writeup", "phase drafting")
    )
    _, found = findings(ijm, "2021-11-30")
    unknown = next(f for f in found if f["code"] == "unknown-phase")
    assert "'writeup'" in unknown["message"] and "drafting" in unknown["message"]


def test_as_of_judges_the_ledger_as_it_stood_then(ijm: Seed) -> None:
    ijm.run("log", "5", "--phase", "prep", "--date", "2021-11-17")
    ijm.run("log", "3", "--phase", "prep", "--date", "2021-11-29")  # the overrun comes later
    assert "phase-over-budget" not in codes(findings(ijm, "2021-11-22")[1])
    assert "phase-over-budget" in codes(findings(ijm, "2021-11-29")[1])
    target = json.loads(ijm.run("entries", "--format", "json").stdout)[1]["id"]
    ijm.run("void", target)  # a correction applies to every date it is judged at
    assert "phase-over-budget" not in codes(findings(ijm, "2021-11-29")[1])


def test_burn_rate_predicts_the_run_out_day(seed: Seed) -> None:
    data = json.loads(seed.run("show", "--format", "json").stdout)
    phase = max(data["phases"], key=lambda p: p["days"])  # a long phase: prep (7) or desk (4)
    seed.run("log", str(phase["days"] - 1), "--phase", phase["key"], "--date", phase["start"])
    _, found = findings(seed, phase["start"])
    burn = next(f for f in found if f["code"] == "burn-rate")
    # One day in, most of the budget gone: the last day runs out on the next working day.
    assert burn["phase"] == phase["key"]
    assert burn["date"] < phase["end"]
    assert "days left run out on" in burn["message"]


def test_nothing_logged_counts_working_days(seed: Seed) -> None:
    data = json.loads(seed.run("show", "--format", "json").stdout)
    first = data["phases"][0]
    seed.run("log", "1", "--phase", first["key"], "--date", first["start"])
    _, found = findings(seed, first["end"])
    forgotten = next(f for f in found if f["code"] == "nothing-logged")
    # Prep 16-22 Nov 2021: as of the 22nd, 17, 18, 19 are empty. Desk 4-7 Sep 2023: 5 and 6.
    expected = {
        "ijm": "3 working days between 2021-11-16 and 2021-11-21",
        "defenders": "2 working days between",
    }
    assert forgotten["message"].startswith(expected[seed.name])


def test_meeting_outside_its_phase(ijm: Seed) -> None:
    ijm.rewrite('start = "start of phase final"', "start = 2021-11-25")
    _, found = findings(ijm, "2021-11-16")
    assert "meeting-outside-phase" in codes(found)


LOG_WARNINGS = [
    # (seed, log arguments, warning expected right after)
    (
        "ijm",
        ["6", "-p", "prep", "-d", "2021-11-16"],
        "warning: Preparation has passed 80% of its budget (86% used)",
    ),
    (
        "defenders",
        ["4.5", "-p", "desk", "-d", "2023-09-04"],
        "warning: Desk review is over budget by 0.5 days",
    ),
    ("ijm", ["1", "-p", "prep", "-d", "2021-11-21"], "warning: 2021-11-21 is a Sunday, not a working day"),
    (
        "defenders",
        ["1", "-p", "framework", "-d", "2023-10-20"],
        "warning: 2023-10-20 is a public holiday (Mashujaa Day)",
    ),
]


@pytest.mark.parametrize(("name", "args", "warning"), LOG_WARNINGS)
def test_log_warns_at_once(tmp_path: Path, name: str, args: list[str], warning: str) -> None:
    from helpers import copy_seed

    seed = copy_seed(name, tmp_path)
    result = seed.run("log", *args)
    assert result.exit_code == 0
    assert f"engage: {warning}" in result.stderr.splitlines()  # on stderr, in the one form
    assert "warning" not in result.stdout


def test_quiet_log_has_no_warning(ijm: Seed) -> None:
    result = ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16")
    assert "warning" not in result.stdout and "warning" not in result.stderr


ORG_CHECK = """
from engage import Finding, hookimpl

@hookimpl
def engage_budget_checks(engagement, ledger, today):
    for entry in ledger.entries():
        if not entry.note:
            yield Finding("error", "org-note-required", f"entry {entry.id} on {entry.date} has no note",
                          phase=entry.phase, date=entry.date)
"""


def test_an_organisation_adds_its_own_check_as_a_loose_file(seed: Seed, tmp_path: Path) -> None:
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "notes_required.py").write_text(ORG_CHECK)
    phase = first_phase(seed)
    seed.run("log", "1", "--phase", phase["key"], "--date", phase["start"])
    result = invoke("-s", str(seed.path), "--plugins-dir", str(folder), "budget", "--as-of", phase["start"])
    assert result.exit_code == 1
    assert "org-note-required" in result.stdout
    assert seed.run("budget", "--as-of", phase["start"]).exit_code == 0  # without the folder: not an error


def test_plain_output_summarises(ijm: Seed) -> None:
    result = ijm.run("budget", "--as-of", "2021-11-16")
    assert "window-too-short" in result.stdout
    assert "ijm-kenya-pap-2021 as of 2021-11-16: 0 errors, 1 warning, 0 info" in result.stdout


def test_a_phase_holding_the_draft_and_the_final_counts_the_final_days_after_the_draft(geo: Seed) -> None:
    """GEO's first week holds both reports: the draft due Wed 3 March 2004, the final after the draft's
    return. The phase's 5 days (Mon 1 – Fri 5) need not all come before the draft: the days the phase
    still has after it (Thu, Fri) are the final's."""
    geo.rewrite('due = "4 working days after start"', 'due = "2 working days after start"')
    geo.rewrite('phase = "revise"', 'phase = "draft"')
    assert geo.run("log", "1", "-p", "draft", "-d", "2004-03-01").exit_code == 0
    # 4 days left and 3 working days in the phase: truly cannot fit; the finding counts the 2 days
    # that must come before the draft, Thursday and Friday taking the other 2.
    cannot = [f["message"] for f in findings(geo, "2004-03-03")[1] if f["code"] == "deliverable-cannot-fit"]
    assert cannot == [
        "Draft report: 2.0 days of draft work left but only 1 working day until it is due on 2004-03-03"
    ]
    # 3 days left: Wednesday before the draft, Thursday and Friday after it. It fits.
    assert geo.run("log", "1", "-p", "draft", "-d", "2004-03-02").exit_code == 0
    assert "deliverable-cannot-fit" not in codes(findings(geo, "2004-03-03")[1])
