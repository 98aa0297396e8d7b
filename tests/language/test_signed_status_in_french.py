"""A third-party timesheet layout reading ``TimesheetRequest.status`` says a trusted signature holds
in any language: the core decides it from what the timesheets plugin checked, not from its words."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import Seed, invoke
from helpers.timesheets import allow, keygen

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")

LAYOUT = '''
"""A layout of one line: the sheet's status as the core says it."""
from engage import TimesheetDocument, TimesheetLayout, hookimpl


def render(request):
    return TimesheetDocument(title="status", fields=(("status", request.status),))


@hookimpl
def engage_timesheet_layouts():
    return [TimesheetLayout("status-only", "the status line", render)]
'''
JUNE = ("--month", "2017-06")


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_signed_approval_reads_signed_in_every_language(undp: Seed, tmp_path: Path, language: str) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "status_only.py").write_text(LAYOUT, encoding="utf-8")
    lead, supervisor = keygen(tmp_path, "lead"), keygen(tmp_path, "supervisor")
    allow(undp.path, "lead", lead)
    allow(undp.path, "mtr.manager@undp.example.org", supervisor)
    assert undp.run("log", "1", "-p", "inception", "-d", "2017-06-05", "-c", "lead").exit_code == 0
    as_lead = {"ENGAGE_CONSULTANT": "lead"}
    submitted = invoke("-s", str(undp.path), "timesheet", "submit", *JUNE, "--key", str(lead), env=as_lead)
    assert submitted.exit_code == 0, submitted.stderr
    approved = invoke("-s", str(undp.path), "timesheet", "approve", *JUNE, "-c", "lead", "--as", "supervisor",
                      "--key", str(supervisor))  # fmt: skip
    assert approved.exit_code == 0, approved.stderr
    shown = invoke("--plugins-dir", str(plugins), "-s", str(undp.path), "timesheet", *JUNE, "-c", "lead",
                   "-l", "status-only", "--lang", language)  # fmt: skip
    assert shown.exit_code == 0, shown.stderr
    said = {"en": "(signed)", "fr": "(signée)", "es": "(firmada)"}[language]
    assert said in shown.stdout and "NOT TRUSTED" not in shown.stdout, shown.stdout
