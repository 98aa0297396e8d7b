"""A month of a team's timesheet, end to end: submitted, rejected, fixed, resubmitted, approved with a real
SSH signature, locked, verified, tampered with, reopened. Keys are made by ``ssh-keygen`` in the test and
checked by it; the installed ``engage`` is run as each person would run it."""

from __future__ import annotations

import email
import email.policy
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import Seed, one_line_error
from helpers.processes import ENGAGE, engage_env
from helpers.servers import Inbox
from helpers.timesheets import allow, keygen

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")

SUPERVISOR_EMAIL = "mtr.manager@undp.example.org"  # the UNDP ToR's supervisor
JUNE = ("--month", "2017-06")


def run(seed: Seed, *args: str, person: str | None = None) -> subprocess.CompletedProcess[str]:
    """The installed ``engage`` on the seed, as ``person`` ($ENGAGE_CONSULTANT) where given."""
    env = engage_env()
    env.pop("ENGAGE_CONSULTANT")
    if person:
        env["ENGAGE_CONSULTANT"] = person
    return subprocess.run(
        [ENGAGE, "-s", str(seed.path), *args], capture_output=True, text=True, env=env, cwd=seed.path.parent
    )


def steps(seed: Seed) -> list[dict]:
    return [r for r in map(json.loads, seed.ledger.read_text().splitlines()) if r["kind"] == "timesheet"]


@pytest.fixture
def june(undp: Seed) -> Seed:
    """The UNDP review's June 2017: the team leader's three days, the national consultant's one."""
    for args in (
        ("1", "-p", "inception", "-d", "2017-06-05", "-c", "lead", "-n", "desk review"),
        ("4h", "-p", "inception", "-d", "2017-06-06", "-c", "lead"),
        ("1", "-p", "inception", "-d", "2017-06-07", "-c", "lead", "-n", "inception report"),
        ("1", "-p", "mission", "-d", "2017-06-20", "-c", "national"),
    ):
        assert undp.run("log", *args).exit_code == 0
    return undp


def test_a_month_submitted_rejected_resubmitted_approved_signed_locked_verified_and_reopened(
    june: Seed, tmp_path: Path
) -> None:
    lead_key, supervisor_key = keygen(tmp_path, "lead"), keygen(tmp_path, "supervisor")
    allow(june.path, "lead", lead_key)
    allow(june.path, SUPERVISOR_EMAIL, supervisor_key)

    submitted = run(june, "timesheet", "submit", *JUNE, "--key", str(lead_key), person="lead")
    assert submitted.returncode == 0, submitted.stderr
    assert "Submitted International Consultant's timesheet 2017-06 (2.5 days, 3 entries)" in submitted.stdout
    assert "signed by lead, key SHA256:" in submitted.stdout
    assert "to be approved by the supervisor" in submitted.stdout

    rejected = run(june, "timesheet", "reject", *JUNE, "--as", "supervisor", "--key", "none",
                   "--reason", "7 June belongs to the mission phase")  # fmt: skip
    assert rejected.returncode == 0, rejected.stderr
    assert "Rejected International Consultant's timesheet 2017-06" in rejected.stdout
    assert "not signed (--key none)" in rejected.stdout

    # The consultant fixes the sheet (the sheet is not locked while rejected) and submits it again.
    wrong = next(
        r for r in map(json.loads, june.ledger.read_text().splitlines()) if r.get("date") == "2017-06-07"
    )
    assert run(june, "void", wrong["id"], "--reason", "wrong phase").returncode == 0
    fixed = run(june, "log", "1", "-p", "mission", "-d", "2017-06-07", "-c", "lead", "-n", "report, mission")
    assert fixed.returncode == 0, fixed.stderr
    again = run(june, "timesheet", "submit", *JUNE, "--key", str(lead_key), person="lead")
    assert again.returncode == 0 and "(2.5 days, 3 entries)" in again.stdout, again.stderr

    approved = run(june, "timesheet", "approve", *JUNE, "-c", "lead", "--as", "supervisor",
                   "--key", str(supervisor_key))  # fmt: skip
    assert approved.returncode == 0, approved.stderr
    assert f"signed by {SUPERVISOR_EMAIL}, key SHA256:" in approved.stdout
    assert "its days are locked" in approved.stdout
    approval = steps(june)[-1]
    assert (approval["action"], approval["actor"], approval["signer"]) == (
        "approve",
        "supervisor",
        SUPERVISOR_EMAIL,
    )
    assert approval["follows"] == steps(june)[-2]["id"]  # the resubmission it approves
    fingerprint = subprocess.run(
        ["ssh-keygen", "-l", "-E", "sha256", "-f", str(supervisor_key.with_suffix(".pub"))],
        capture_output=True, text=True, check=True,
    ).stdout.split()[1]  # fmt: skip
    assert approval["fingerprint"] == fingerprint

    # Locked: time logged, voided or imported into June is refused, and nothing is written.
    before = june.ledger.read_bytes()
    refused = run(june, "log", "1", "-p", "mission", "-d", "2017-06-21", "-c", "lead")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert "lead's timesheet 2017-06 was approved by the supervisor" in refused.stderr
    assert "engage timesheet reopen --month 2017-06 --consultant lead" in refused.stderr
    entry = next(
        r for r in map(json.loads, june.ledger.read_text().splitlines()) if r.get("date") == "2017-06-05"
    )
    assert run(june, "void", entry["id"]).returncode == 2
    sheet = june.path.with_name("june.csv")
    sheet.write_text("date,phase,hours,consultant,note\n2017-06-22,mission,8,lead,forgotten day\n")
    imported = run(june, "import", str(sheet))
    assert imported.returncode == 2 and "was approved by" in imported.stderr, imported.stderr
    assert june.ledger.read_bytes() == before
    # Another consultant's June is not locked: the approval is the team leader's sheet only.
    assert run(june, "log", "1", "-p", "mission", "-d", "2017-06-21", "-c", "national").returncode == 0
    assert run(june, "log", "1", "-p", "mission", "-d", "2017-07-03", "-c", "lead").returncode == 0

    verified = run(june, "timesheet", "verify", *JUNE, "-c", "lead")
    assert verified.returncode == 0, verified.stderr
    assert "matches the ledger: 3 entries, 2.5 days" in verified.stdout
    assert (
        f"approval: signed by {SUPERVISOR_EMAIL} on {approval['date']}, key {fingerprint}" in verified.stdout
    )
    assert "submission: signed by lead on " in verified.stdout

    # A hand edit of the ledger: an approved day made two. verify names the entry and fails.
    text = june.ledger.read_text()
    line = next(x for x in text.splitlines() if entry["id"] in x and '"kind": "entry"' in x)
    june.ledger.write_text(text.replace(line, line.replace('"days": "1"', '"days": "2"')))
    tampered = run(june, "timesheet", "verify", *JUNE, "-c", "lead")
    assert tampered.returncode == 1
    assert f"CHANGED since it was approved: 1 entry changed ({entry['id']})" in tampered.stdout
    june.ledger.write_text(text)

    # A hand edit of the approval itself (its digest) breaks its signature.
    forged = text.replace(approval["digest"], "sha256:" + "0" * 64)
    june.ledger.write_text(forged)
    bad = run(june, "timesheet", "verify", *JUNE, "-c", "lead")
    assert bad.returncode == 1, bad.stdout
    assert f"approval: NOT TRUSTED: signature does not verify (as {SUPERVISOR_EMAIL}" in bad.stdout
    june.ledger.write_text(text)

    reopened = run(june, "timesheet", "reopen", *JUNE, "-c", "lead", "--as", "supervisor", "--key", "none",
                   "--reason", "the 21st was worked after all")  # fmt: skip
    assert reopened.returncode == 0 and "its days can change again" in reopened.stdout, reopened.stderr
    assert run(june, "log", "1", "-p", "mission", "-d", "2017-06-21", "-c", "lead").returncode == 0
    assert [s["action"] for s in steps(june)] == ["submit", "reject", "submit", "approve", "reopen"]
    gone = run(june, "timesheet", "verify", *JUNE, "-c", "lead")
    assert gone.returncode == 1 and "no approved timesheet for 2017-06 (lead: reopened by" in gone.stderr


def test_who_may_take_each_step(june: Seed) -> None:
    """The consultant submits their own sheet; the named approver (else the supervisor) approves it, never
    its owner; a step where the sheet does not stand is refused. Each refusal: one line, nothing written."""
    june.rewrite("[supervisor]", '[timesheets]\napprovers = { field1 = "lead" }\n\n[supervisor]')
    for args in (("-d", "2017-06-08", "-c", "field1"), ("-d", "2017-06-09", "-c", "field1")):
        assert june.run("log", "1", "-p", "mission", *args).exit_code == 0
    before = june.ledger.read_bytes()
    cases = [
        (
            ("approve", *JUNE, "-c", "lead", "--as", "supervisor"),
            "it cannot be approved before it is submitted",
        ),
        (
            ("submit", *JUNE, "-c", "lead", "--as", "national"),
            "National Consultant cannot submit International",
        ),
        (("submit", *JUNE, "--as", "nobody"), "--as 'nobody' is nobody on undp-srepgen-mtr-2017"),
        (("submit", "--month", "2099-01", "--as", "lead"), "ends after today"),
        (
            ("submit", "--month", "2017-05", "--as", "lead"),
            "timesheet 2017-05 holds no time: nothing to submit",
        ),
        (("submit", "--month", "2017-13", "--as", "lead"), "cannot read '2017-13' as a month"),
        (("submit", *JUNE, "--week", "2017-W23", "--as", "lead"), "give one period, not --month and --week"),
        (("reject", *JUNE, "-c", "lead", "--as", "supervisor", "--reason", " "), "give --reason"),
        (("submit", *JUNE, "--as", "lead", "--key", "/nowhere/key"), "no such key file"),
    ]
    for args, said in cases:
        one_line_error(june.run("timesheet", *args), said)
    assert june.ledger.read_bytes() == before
    assert june.run("timesheet", "submit", *JUNE, "--as", "field1", "--key", "none").exit_code == 0
    for acting, said in (
        ("field1", "nobody approves, rejects or reopens their own timesheet: International Consultant does"),
        ("national", "National Consultant may not approve Field enumerator 1's timesheet"),
    ):
        one_line_error(june.run("timesheet", "approve", *JUNE, "-c", "field1", "--as", acting), said)
    # The lead approves the field enumerator's sheet, as the schedule names; found without --consultant.
    done = june.run("timesheet", "approve", *JUNE, "--as", "lead", "--key", "none")
    assert (
        done.exit_code == 0
        and "Approved Field enumerator 1's timesheet 2017-06 (2.0 days, 2 entries)" in done.stdout
    )
    one_line_error(
        june.run("timesheet", "approve", *JUNE, "-c", "field1", "--as", "supervisor"),
        "Field enumerator 1's timesheet 2017-06 is approved by International Consultant on",
    )


def test_an_approval_certifies_the_sheet_that_was_submitted(june: Seed) -> None:
    assert june.run("timesheet", "submit", *JUNE, "--as", "lead", "--key", "none").exit_code == 0
    assert june.run("log", "1", "-p", "mission", "-d", "2017-06-21", "-c", "lead").exit_code == 0
    added = json.loads(june.ledger.read_text().splitlines()[-1])["id"]
    one_line_error(
        june.run("timesheet", "approve", *JUNE, "-c", "lead", "--as", "supervisor"),
        "lead's timesheet 2017-06 changed after it was submitted",
        f"1 entry added ({added}); ask lead to submit it again, then approve",
    )


def test_signing_keys_must_be_the_actors_and_allowed(june: Seed, tmp_path: Path) -> None:
    lead_key, stranger = keygen(tmp_path, "lead"), keygen(tmp_path, "stranger")
    before = june.ledger.read_bytes()
    one_line_error(
        june.run("timesheet", "submit", *JUNE, "--as", "lead", "--key", str(lead_key)),
        "no allowed-signers file",
    )
    allow(june.path, "lead", lead_key)
    one_line_error(
        june.run("timesheet", "submit", *JUNE, "--as", "lead", "--key", str(stranger)),
        f"the key {stranger} is not in",
    )
    one_line_error(
        june.run("timesheet", "submit", *JUNE, "--as", "national", "-c", "national", "--key", str(lead_key)),
        "belongs to lead in the allowed signers, not to National Consultant",
    )
    assert june.ledger.read_bytes() == before


def test_the_key_comes_from_gits_signing_settings(june: Seed, tmp_path: Path) -> None:
    """As git signs commits: user.signingkey where gpg.format is ssh, read in the schedule's repository."""
    key = keygen(tmp_path, "lead")
    allow(june.path, "lead", key)
    folder = june.path.parent
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    for setting in (("gpg.format", "ssh"), ("user.signingkey", str(key.with_suffix(".pub")))):
        subprocess.run(["git", "-C", str(folder), "config", *setting], check=True)
    done = run(june, "timesheet", "submit", *JUNE, person="lead")
    assert done.returncode == 0 and "signed by lead, key SHA256:" in done.stdout, done.stderr
    assert steps(june)[-1]["signer"] == "lead"


def test_a_timesheet_step_is_not_voided(june: Seed) -> None:
    assert june.run("timesheet", "submit", *JUNE, "--as", "lead", "--key", "none").exit_code == 0
    one_line_error(june.run("void", steps(june)[-1]["id"]), "is a timesheet's submit, which is not voided")


def test_who_acts_comes_from_the_git_identity_where_nothing_else_says(june: Seed) -> None:
    """No --as and no $ENGAGE_CONSULTANT: the repository's git user.email names the supervisor."""
    folder = june.path.parent
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    subprocess.run(["git", "-C", str(folder), "config", "user.email", SUPERVISOR_EMAIL], check=True)
    assert run(june, "timesheet", "submit", *JUNE, "--key", "none", person="lead").returncode == 0
    approved = run(june, "timesheet", "approve", *JUNE, "--key", "none")
    assert approved.returncode == 0, approved.stderr
    assert "as the supervisor" in approved.stdout
    assert steps(june)[-1]["actor"] == "supervisor"
    subprocess.run(["git", "-C", str(folder), "config", "user.email", "someone@else.org"], check=True)
    nobody = run(june, "timesheet", "reopen", *JUNE, "--key", "none", "--reason", "x")
    assert nobody.returncode == 2 and "who is taking this step on undp-srepgen-mtr-2017?" in nobody.stderr


def test_submit_send_mails_the_sheet_as_a_pdf_to_the_approver(
    june: Seed, smtp: Inbox, tmp_path: Path
) -> None:
    """Through a real SMTP server: the approver gets the PDF and the commands that approve or reject it.
    A missing address is refused before anything is written; a server that fails after the submission
    is written is a warning, and the submission stands."""
    env = {**engage_env(), **{k: v for k, v in os.environ.items() if k.startswith("ENGAGE_SMTP_")}}
    env["ENGAGE_CONSULTANT"] = "lead"
    command = [ENGAGE, "-s", str(june.path), "timesheet", "submit", *JUNE, "--key", "none", "--send"]
    refused = subprocess.run(command, capture_output=True, text=True, env=env)
    assert refused.returncode == 2 and "--send: no address to send from" in refused.stderr
    assert steps(june) == [] and smtp.messages == []

    env["ENGAGE_MAIL_FROM"] = "lead@team.example.org"
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert f"mailed to the supervisor <{SUPERVISOR_EMAIL}>" in done.stdout
    [(to, raw)] = smtp.messages
    assert to == [SUPERVISOR_EMAIL]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"].startswith("Timesheet 2017-06 of International Consultant: ")
    assert message["From"] == "International Consultant <lead@team.example.org>"
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "engage timesheet approve --month 2017-06 --consultant lead" in body
    assert "engage timesheet reject --month 2017-06 --consultant lead --reason TEXT" in body
    [attachment] = list(message.iter_attachments())  # type: ignore[attr-defined]
    assert attachment.get_filename() == "undp-srepgen-mtr-2017-lead-2017-06.pdf"
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(attachment.get_content())
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "International Consultant" in text and "submitted" in text and "2.5" in text

    # Resubmitted with the server gone: written all the same, and the failure a warning.
    env["ENGAGE_SMTP_PORT"] = "1"
    again = subprocess.run(command, capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr
    assert "Submitted International Consultant's timesheet 2017-06" in again.stdout
    said = f"timesheet submit {steps(june)[-1]['id']} is safely in the ledger; afterwards cannot send through"
    assert said in again.stderr and "failed in" not in again.stderr, again.stderr
    assert [s["action"] for s in steps(june)] == ["submit", "submit"]


def test_every_step_and_verify_fit_80_columns(june: Seed, tmp_path: Path) -> None:
    """What submit, approve and verify print (long names, fingerprints) wraps at the terminal's width."""
    lead_key, supervisor_key = keygen(tmp_path, "lead"), keygen(tmp_path, "supervisor")
    allow(june.path, "lead", lead_key)
    allow(june.path, SUPERVISOR_EMAIL, supervisor_key)
    env = {**engage_env(), "COLUMNS": "80"}
    outputs = []
    for args in (
        ("timesheet", "submit", *JUNE, "--as", "lead", "--key", str(lead_key)),
        ("timesheet", "approve", *JUNE, "-c", "lead", "--as", "supervisor", "--key", str(supervisor_key)),
        ("timesheet", "verify", *JUNE),
    ):
        done = subprocess.run([ENGAGE, "-s", str(june.path), *args], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        assert all(len(line) <= 80 for line in done.stdout.splitlines()), done.stdout
        outputs.append(" ".join(done.stdout.split()))
    assert "Approved International Consultant's timesheet 2017-06 (2.5 days, 3 entries)" in outputs[1]
    assert f"approval: signed by {SUPERVISOR_EMAIL} on" in outputs[2]
