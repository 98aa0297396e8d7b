"""Timesheet findings in ``engage budget`` (and the status report's Findings), through the real CLI:
a sheet not submitted in time, one waiting too long for approval, one changed since it was approved,
and steps two laptops took apart that a merge brought together."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engage.sync.merge import merge
from helpers import Seed, copy_seed
from helpers.timesheets import digest, log, step, team, write

# A day of work in each seed, and a date months after its month ended.
SEED_WORK = {"ijm": ("prep", "2021-11-16", "2022-03-01"), "defenders": ("desk", "2023-09-05", "2024-01-10")}
CODES = ("timesheet-not-submitted", "timesheet-awaiting-approval", "timesheet-changed", "timesheet-collision")


def findings(seed: Seed, as_of: str, *env_args: str) -> list[dict]:
    """The timesheet findings ``engage budget`` gives as JSON; the same in ``status``'s JSON."""
    result = seed.run("budget", "--as-of", as_of, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    found = [f for f in json.loads(result.stdout) if f["code"].startswith("timesheet-")]
    status = json.loads(seed.run("status", "--as-of", as_of, "--format", "json").stdout)
    assert [f for f in status[0]["findings"] if f["code"].startswith("timesheet-")] == found
    return found


@pytest.fixture
def june(tmp_path: Path) -> Seed:
    """The team engagement using timesheets (submit within 5 days, approve within 3), with June logged
    by lead, national and field1 (field2 logged nothing)."""
    seed = team(tmp_path)
    log(
        seed,
        ("1", "inception", "2017-06-05", "lead"),
        ("1", "mission", "2017-06-14", "national"),
        ("0.5", "mission", "2017-06-15", "field1"),
    )
    return seed


# (as of, days since June ended): a finding only once more than submit_within (5) days have passed.
NOT_SUBMITTED = [("2017-06-30", None), ("2017-07-05", None), ("2017-07-06", 6), ("2017-07-20", 20)]


@pytest.mark.parametrize(("as_of", "days"), NOT_SUBMITTED)
def test_a_month_with_time_not_submitted_in_time_is_a_warning(
    june: Seed, as_of: str, days: int | None
) -> None:
    found = findings(june, as_of)
    if days is None:
        assert found == []
        return
    assert [(f["code"], f["severity"]) for f in found] == [("timesheet-not-submitted", "warning")] * 3
    lead = found[0]
    assert lead["message"] == (
        f"International Consultant's timesheet 2017-06 ended {days} days ago (2017-06-30) and is not "
        "submitted (due within 5 days): engage timesheet submit --month 2017-06 --consultant lead"
    )
    assert lead["date"] == "2017-06-30"
    # whose: each consultant who logged time in June, and not field2, who logged none
    assert [f["message"].split("'s")[0] for f in found] == [
        "International Consultant",
        "National Consultant",
        "Field enumerator 1",
    ]


def test_a_submitted_sheet_waits_for_its_approver(tmp_path: Path) -> None:
    seed = team(tmp_path, '\n[timesheets]\napprove_within = 3\napprovers = { national = "lead" }\n')
    log(seed, ("1", "inception", "2017-06-05", "lead"), ("1", "mission", "2017-06-14", "national"))
    write(
        seed,
        step("submit", "lead", "2017-07-02", "lead", digest=digest(seed, "lead")),
        step("submit", "national", "2017-07-03", "national", digest=digest(seed, "national")),
    )
    assert findings(seed, "2017-07-05") == []  # submitted: not a "not submitted" finding, and in time
    found = findings(seed, "2017-07-06")
    assert [(f["code"], f["severity"], f["date"]) for f in found] == [
        ("timesheet-awaiting-approval", "warning", "2017-07-02")
    ]
    assert found[0]["message"] == (
        "International Consultant's timesheet 2017-06 was submitted on 2017-07-02, 4 days ago, and waits "
        "for the supervisor to approve it (within 3 days): "
        "engage timesheet approve --month 2017-06 --consultant lead --as supervisor"
    )
    later = findings(seed, "2017-07-07")
    # national's sheet is approved by the lead, as the [timesheets] table says
    assert "waits for International Consultant to approve it" in later[1]["message"]
    assert later[1]["message"].endswith("--consultant national --as lead")


def test_a_rejected_sheet_not_submitted_again_is_a_warning_from_the_rejection(june: Seed) -> None:
    write(
        june,
        step("submit", "field1", "2017-07-02", "field1", digest=digest(june, "field1")),
        step("reject", "field1", "2017-07-10", "supervisor", reason="15 Jun: which village?"),
    )
    by_whom = {f["message"].split("'s")[0]: f for f in findings(june, "2017-07-15")}
    assert "Field enumerator 1" not in by_whom  # 5 days since the rejection: still in time
    field1 = {f["message"].split("'s")[0]: f for f in findings(june, "2017-07-16")}["Field enumerator 1"]
    assert field1["code"] == "timesheet-not-submitted"
    assert field1["message"] == (
        "Field enumerator 1's timesheet 2017-06 was rejected by the supervisor on 2017-07-10, 6 days ago, "
        "and is not submitted again (due within 5 days): "
        "engage timesheet submit --month 2017-06 --consultant field1"
    )
    write(june, step("submit", "field1", "2017-07-16", "field1", digest=digest(june, "field1")))
    assert "Field enumerator 1" not in {f["message"].split("'s")[0] for f in findings(june, "2017-07-16")}


def test_an_approved_sheet_edited_by_hand_is_an_error(june: Seed) -> None:
    approval = step("approve", "lead", "2017-07-03", "supervisor", digest=digest(june, "lead"))
    write(june, step("submit", "lead", "2017-07-02", "lead", digest=digest(june, "lead")), approval)
    assert [f for f in findings(june, "2017-07-20") if "International" in f["message"]] == []
    # A hand edit of the entry's line on purpose: what the approval's digest guards against.
    lines = june.ledger.read_text(encoding="utf-8").splitlines(keepends=True)
    (at,) = [i for i, line in enumerate(lines) if '"2017-06-05"' in line and '"entry"' in line]
    lines[at] = lines[at].replace('"note": ""', '"note": "edited afterwards"')
    assert '"edited afterwards"' in lines[at], lines[at]
    june.ledger.write_text("".join(lines), encoding="utf-8")

    found = [f for f in findings(june, "2017-07-20") if f["code"] == "timesheet-changed"]
    assert len(found) == 1
    changed = found[0]
    assert (changed["severity"], changed["date"], changed["records"]) == (
        "error",
        "2017-07-03",
        [approval["id"]],
    )
    assert changed["message"] == (
        f"International Consultant's timesheet 2017-06 was approved by the supervisor on 2017-07-03 "
        f"(record {approval['id']}), but the ledger no longer holds the sheet that was approved: an entry "
        "edited by hand, or a merge that brought time into the approved period; see engage timesheet "
        "verify --month 2017-06 --consultant lead; to change the sheet, the approver reopens it: engage "
        "timesheet reopen --month 2017-06 --consultant lead --reason TEXT, and it is submitted again"
    )
    assert june.run("budget", "--as-of", "2017-07-20").exit_code == 1  # an error fails the budget


def test_an_approval_and_a_rejection_taken_apart_collide_after_a_merge(
    june: Seed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The supervisor approves on one laptop while the lead, as approver on another, rejects: merged,
    the first recorded counts, the other is an error naming both and the way out."""
    write(june, step("submit", "national", "2017-07-02", "national", digest=digest(june, "national")))
    ancestor = june.ledger.read_bytes()
    (tmp_path / "laptop").mkdir()
    other = copy_seed("undp", tmp_path / "laptop")
    other.path.write_text(june.text(), encoding="utf-8")
    other.ledger.write_bytes(ancestor)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-supervisor"))  # its own machine id
    (approval,) = write(
        june, step("approve", "national", "2017-07-04", "supervisor", digest=digest(june, "national"))
    )
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-lead"))
    (rejection,) = write(other, step("reject", "national", "2017-07-05", "lead", reason="14 Jun: 9 hours"))
    ours, theirs = june.ledger.read_bytes(), other.ledger.read_bytes()
    june.ledger.write_bytes(merge(ancestor, ours, theirs))
    other.ledger.write_bytes(merge(ancestor, theirs, ours))

    messages = []
    for seed in (june, other):  # either order of the merged lines reads the same
        found = [f for f in findings(seed, "2017-07-06") if f["code"] == "timesheet-collision"]
        assert len(found) == 1
        collision = found[0]
        assert (collision["severity"], collision["date"]) == ("error", "2017-07-05")
        assert collision["records"] == [approval["id"], rejection["id"]]  # the one counted, then the other
        messages.append(collision["message"])
    assert messages[0] == messages[1]
    message = messages[0]
    assert message.startswith(
        "National Consultant's timesheet 2017-06: rejected by International Consultant on 2017-07-05 "
        f"(record {rejection['id']}, recorded by Test Consultant on machine "
    )
    assert f"contradicts approved by the supervisor on 2017-07-04 (record {approval['id']}" in message
    assert "recorded apart on two machines; counted: approved on 2017-07-04, not the reject" in message
    assert message.endswith(
        "(the sheet stands approved); if it should not stand, the approver reopens it: "
        "engage timesheet reopen --month 2017-06 --consultant national --reason TEXT"
    )
    assert june.run("budget", "--as-of", "2017-07-06").exit_code == 1


def test_steps_in_the_ledger_put_timesheets_in_use_without_a_table(tmp_path: Path) -> None:
    seed = copy_seed("undp", tmp_path)
    log(seed, ("1", "inception", "2017-06-05", "lead"), ("1", "mission", "2017-06-14", "national"))
    assert findings(seed, "2017-07-20") == []  # no [timesheets], no step: nothing new
    write(seed, step("submit", "lead", "2017-07-02", "lead", digest=digest(seed, "lead")))
    found = findings(seed, "2017-07-20")  # the defaults: 7 days to submit, 7 to approve
    by_code = {f["code"]: f["message"] for f in found}
    assert sorted(by_code) == ["timesheet-awaiting-approval", "timesheet-not-submitted"]
    assert by_code["timesheet-not-submitted"].startswith(
        "National Consultant's timesheet 2017-06 ended 20 days"
    )
    assert "due within 7 days" in by_code["timesheet-not-submitted"]
    assert "18 days ago" in by_code["timesheet-awaiting-approval"]
    assert "(within 7 days)" in by_code["timesheet-awaiting-approval"]


def test_the_seeds_get_no_timesheet_findings(seed: Seed) -> None:
    """Existing engagements (no [timesheets], no step) see nothing new, with months of time logged."""
    phase, day, as_of = SEED_WORK[seed.name]
    result = seed.run("log", "1", "-p", phase, "-d", day)
    assert result.exit_code == 0, result.stderr
    found = json.loads(seed.run("budget", "--as-of", as_of, "--format", "json").stdout)
    assert not [f for f in found if f["code"] in CODES]
