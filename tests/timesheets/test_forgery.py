"""What a teammate with write access to the ledger might try against an approved sheet, each found by
an attack on the first build: a void written by hand, an old signature replayed, a step signed by a
listed key that is not its actor's, another spelling of the consultant's name. None may unlock a sheet
or pass for a trusted signature, and ``verify``, the sheet and the status report agree."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from engage import Session
from engage_timesheets.signing import NAMESPACE, payload
from helpers import Seed, one_line_error
from helpers.timesheets import allow, keygen

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")

SUPERVISOR_EMAIL = "mtr.manager@undp.example.org"
JUNE = ("--month", "2017-06")


def records(seed: Seed) -> list[dict]:
    return [json.loads(line) for line in seed.ledger.read_text().splitlines()]


def append(seed: Seed, record: dict) -> None:
    with seed.ledger.open("a", encoding="utf-8") as ledger:
        ledger.write(json.dumps(record) + "\n")


@pytest.fixture
def approved(undp: Seed, tmp_path: Path) -> tuple[Seed, dict[str, Path]]:
    """The lead's June, submitted and approved, each signed; keys for the whole team listed."""
    keys = {name: keygen(tmp_path, name) for name in ("lead", "field1", "supervisor")}
    allow(undp.path, "lead", keys["lead"])
    allow(undp.path, "field1", keys["field1"])
    allow(undp.path, SUPERVISOR_EMAIL, keys["supervisor"])
    assert undp.run("log", "1", "-p", "inception", "-d", "2017-06-05", "-c", "lead").exit_code == 0
    assert undp.run("timesheet", "submit", *JUNE, "--as", "lead", "--key", str(keys["lead"])).exit_code == 0
    done = undp.run(
        "timesheet", "approve", *JUNE, "-c", "lead", "--as", "supervisor", "--key", str(keys["supervisor"])
    )
    assert done.exit_code == 0, done.stderr
    return undp, keys


def test_a_void_of_the_approval_written_by_hand_is_not_obeyed_and_is_an_error(
    approved: tuple[Seed, dict[str, Path]],
) -> None:
    seed, _ = approved
    approval = records(seed)[-1]
    append(seed, {"id": "deadbeef0001", "kind": "void", "recorded_at": "2026-12-07T17:20:00Z",
                  "target": approval["id"], "reason": "x", "engagement": "undp-srepgen-mtr-2017"})  # fmt: skip
    one_line_error(seed.run("log", "1", "-p", "mission", "-d", "2017-06-28", "-c", "lead"), "was approved by")
    found = json.loads(seed.run("budget", "--format", "json").stdout)
    voided = [f for f in found if f["code"] == "timesheet-step-voided"]
    assert voided and voided[0]["severity"] == "error" and "it is not obeyed" in voided[0]["message"]
    assert seed.run("timesheet", "verify", *JUNE).exit_code == 0


def _signed(seed: Seed, key: Path, fields: dict[str, object]) -> str:
    engagement = Session(str(seed.path)).engagement
    done = subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-f", str(key), "-n", NAMESPACE, "-q", "-"],
        input=payload(engagement, fields), capture_output=True, check=True,
    )  # fmt: skip
    return done.stdout.decode("ascii")


def test_an_old_approval_replayed_after_a_reopen_does_not_verify(
    approved: tuple[Seed, dict[str, Path]],
) -> None:
    seed, keys = approved
    approval = records(seed)[-1]
    assert seed.run("timesheet", "reopen", *JUNE, "-c", "lead", "--as", "supervisor", "--key", "none",
                    "--reason", "receipts").exit_code == 0  # fmt: skip
    assert seed.run("timesheet", "submit", *JUNE, "--as", "lead", "--key", str(keys["lead"])).exit_code == 0
    again = records(seed)[-1]
    append(
        seed,
        {**approval, "id": "feedfeed0001", "follows": again["id"], "recorded_at": "2030-01-01T00:00:00Z"},
    )
    verified = seed.run("timesheet", "verify", *JUNE)
    assert verified.exit_code == 1
    assert f"approval: NOT TRUSTED: signature does not verify (as {SUPERVISOR_EMAIL}" in verified.stdout
    sheet = json.loads(seed.run("timesheet", *JUNE, "-c", "lead", "-l", "eu", "--format", "json").stdout)
    status = {f["label"]: f["value"] for f in sheet["sheets"][0]["fields"]}["Status"]
    assert status.endswith("(signature NOT TRUSTED)")
    report = seed.run("status", "--as-of", "2030-01-02", "--format", "json").stdout
    assert "timesheet-signature" in report


def test_an_approval_signed_by_a_listed_key_that_is_not_the_actors_is_not_trusted(
    approved: tuple[Seed, dict[str, Path]],
) -> None:
    """The lead reopens nothing: they append an approval naming the supervisor, signed with field1's
    (or their own) listed key. ssh-keygen verifies it; engage does not trust it."""
    seed, keys = approved
    last = records(seed)[-1]
    assert seed.run("timesheet", "reopen", *JUNE, "-c", "lead", "--as", "supervisor", "--key", "none",
                    "--reason", "more days").exit_code == 0  # fmt: skip
    assert seed.run("timesheet", "submit", *JUNE, "--as", "lead", "--key", "none").exit_code == 0
    submission = records(seed)[-1]
    for signer in ("field1", "lead"):
        fields = {**{k: last[k] for k in ("action", "consultant", "start", "end", "date", "actor", "reason")},
                  "digest": submission["digest"], "follows": submission["id"]}  # fmt: skip
        forged = {**last, **fields, "id": f"forged{signer}", "signature": _signed(seed, keys[signer], fields),
                  "signer": signer, "items": submission["items"], "recorded_at": "2030-01-01T00:00:00Z"}  # fmt: skip
        text = seed.ledger.read_text()
        append(seed, forged)
        verified = seed.run("timesheet", "verify", *JUNE)
        assert verified.exit_code == 1, verified.stdout
        assert (
            f"NOT TRUSTED: signed by {signer}, who is not the supervisor, the one the step names"
            in verified.stdout
        )
        seed.ledger.write_text(text)


def test_on_a_schedule_with_no_team_another_spelling_does_not_pass_the_lock(ijm: Seed) -> None:
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16").exit_code == 0
    assert (
        ijm.run("timesheet", "submit", "--month", "2021-11", "--as", "consultant", "--key", "none").exit_code
        == 0
    )
    assert (
        ijm.run("timesheet", "approve", "--month", "2021-11", "--as", "supervisor", "--key", "none").exit_code
        == 0
    )
    for name in ("Consultant", "alice", "Test Consultant"):
        one_line_error(
            ijm.run("log", "1", "-p", "prep", "-d", "2021-11-18", "-c", name),
            "timesheet 2021-11 was approved by",
        )


def test_what_a_tired_user_types_is_one_line(approved: tuple[Seed, dict[str, Path]]) -> None:
    seed, _ = approved
    before = seed.ledger.read_bytes()
    for args, said in (
        (
            ("reopen", *JUNE, "-c", "lead", "--as", "supervisor", "--reason", "ok\x1b]0;pwned\x07"),
            "control characters",
        ),
        (("reopen", *JUNE, "-c", "lead", "--as", "supervisor", "--reason", "x" * 3000), "give at most 2000"),
        (("submit", "--month", "0000-01", "--as", "lead"), "cannot read '0000-01' as a month"),
        (("submit", "--month", "2099-01", "--as", "lead"), "submit it once it has ended"),
        (("approve", *JUNE, "--as", " "), "--as is empty"),
    ):
        line = one_line_error(seed.run("timesheet", *args), said)
        assert "--from 2099" not in line
    assert seed.ledger.read_bytes() == before


def test_the_named_approvers_own_sheet_is_the_supervisors_to_approve(undp: Seed, tmp_path: Path) -> None:
    """approver = "lead": the lead approves the team, and the supervisor approves the lead's own sheet.
    A principal pattern (*@…) in the allowed signers names the supervisor too, as git reads it."""
    undp.rewrite("[supervisor]", '[timesheets]\napprover = "lead"\n\n[supervisor]')
    key = keygen(tmp_path, "ssh-supervisor")  # a key file whose name starts like an inline key
    allow(undp.path, "*@undp.example.org", key)
    assert undp.run("log", "1", "-p", "inception", "-d", "2017-06-05", "-c", "lead").exit_code == 0
    submitted = undp.run("timesheet", "submit", *JUNE, "--as", "lead", "--key", "none")
    assert "to be approved by the supervisor" in submitted.stdout
    done = undp.run("timesheet", "approve", *JUNE, "-c", "lead", "--as", "supervisor", "--key", str(key))
    assert done.exit_code == 0, done.stderr
    assert "signed by *@undp.example.org" in done.stdout
    assert "signed by *@undp.example.org on" in undp.run("timesheet", "verify", *JUNE).stdout


def test_an_approval_without_a_digest_certifies_nothing_in_every_output(undp: Seed) -> None:
    """A hand-written approval with no digest: verify, the sheet's flags, the status report and the
    findings all say the sheet does not hold (the checks had called it unchanged while verify did not)."""
    assert undp.run("log", "1", "-p", "inception", "-d", "2017-06-05", "-c", "lead").exit_code == 0
    assert undp.run("timesheet", "submit", *JUNE, "--as", "lead", "--key", "none").exit_code == 0
    submission = records(undp)[-1]
    append(undp, {**submission, "id": "handmade0001", "action": "approve", "actor": "supervisor",
                  "digest": "", "items": [], "follows": submission["id"]})  # fmt: skip
    verified = undp.run("timesheet", "verify", *JUNE)
    assert verified.exit_code == 1 and "CHANGED since it was approved" in verified.stdout
    sheet = json.loads(undp.run("timesheet", *JUNE, "-c", "lead", "--format", "json").stdout)["sheets"][0]
    assert any(flag.startswith("the entries changed since the sheet was approved") for flag in sheet["flags"])
    status = json.loads(undp.run("status", "--format", "json").stdout)
    [report] = status if isinstance(status, list) else [status]
    assert "timesheet-changed" in {f["code"] for f in report["findings"]}
