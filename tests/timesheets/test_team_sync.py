"""Approval across laptops, over real git: the consultant submits on theirs, the supervisor approves on
their own clone, and ``engage sync`` carries each step and the lock to the other. Steps taken apart on
two clones before they synced read the same on both afterwards."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from helpers import SCHEDULE_FILES
from helpers.teams import Clone, shared

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

JUNE = ("--month", "2017-06")


@pytest.fixture
def laptops(tmp_path: Path) -> tuple[Clone, Clone]:
    """The team leader's clone of the UNDP review and the supervisor's, through a bare repository."""
    clones, _ = shared(tmp_path, SCHEDULE_FILES["undp"], "lead", "supervisor")
    return clones["lead"], clones["supervisor"]


def test_the_supervisor_approves_on_their_clone_and_the_lock_reaches_the_consultant(
    laptops: tuple[Clone, Clone],
) -> None:
    lead, supervisor = laptops
    lead.run("log", "1", "-p", "inception", "-d", "2017-06-05", "-n", "desk review")
    lead.run("timesheet", "submit", *JUNE, "--key", "none")
    lead.run("sync")
    supervisor.run("sync")
    approved = supervisor.run("timesheet", "approve", *JUNE, "--key", "none")  # the one sheet waiting
    assert "Approved International Consultant's timesheet 2017-06" in approved.stdout
    synced = supervisor.run("sync")
    assert "supervisor: timesheet 2017-06 of lead approved" in synced.stdout, synced.stdout
    lead.run("sync")
    refused = lead.run("log", "1", "-p", "inception", "-d", "2017-06-06", ok=False)
    assert refused.returncode == 2 and "was approved by the supervisor" in refused.stderr
    assert "matches the ledger: 1 entry, 1.0 days" in lead.run("timesheet", "verify", *JUNE).stdout


def test_an_approval_and_a_rejection_taken_apart_read_the_same_on_both_clones(
    laptops: tuple[Clone, Clone], tmp_path: Path
) -> None:
    """The lead resubmits while the supervisor, who has not synced, approves the first submission: after
    the merge both clones count the same history, and keep the approval of a replaced submission aside."""
    lead, supervisor = laptops
    lead.run("log", "1", "-p", "inception", "-d", "2017-06-05")
    lead.run("timesheet", "submit", *JUNE, "--key", "none")
    lead.run("sync")
    supervisor.run("sync")
    lead.run("log", "1", "-p", "inception", "-d", "2017-06-06")
    lead.run("timesheet", "submit", *JUNE, "--key", "none", "--note", "added the 6th")
    time.sleep(1.1)  # recorded a second later (the ledger's times are whole seconds): counted second
    supervisor.run("timesheet", "approve", *JUNE, "--key", "none")
    lead.run("sync")
    supervisor.run("sync")
    lead.run("sync")
    records = [
        [json.loads(line) for line in (laptop.folder / "engage.ledger.jsonl").read_text().splitlines()]
        for laptop in laptops
    ]
    assert sorted(r["id"] for r in records[0]) == sorted(r["id"] for r in records[1])
    views = [laptop.run("timesheet", "verify", *JUNE, ok=False) for laptop in laptops]
    assert views[0].returncode == views[1].returncode and views[0].stdout == views[1].stdout
    assert views[0].stderr == views[1].stderr
    # The resubmission came first: the sheet is submitted, and the approval of the first is not counted.
    assert "no approved timesheet for 2017-06 (lead: submitted" in views[0].stderr, views[0].stderr
    # A day in June is not locked on either laptop, for nothing approved the sheet as it stands.
    lead.run("log", "0.5", "-p", "inception", "-d", "2017-06-07")
