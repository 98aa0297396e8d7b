"""The example plugin's own tests, with the fixtures engage installs for plugin authors."""

from __future__ import annotations

import json
from pathlib import Path

import engage_donor_report


def test_donor_report_command_counts_days_per_phase(engage_schedule: Path, engage_run, engage_plugin) -> None:
    engage_plugin(engage_donor_report, name="donor_report_under_test")
    assert engage_run("log", "2", "--phase", "prep", "--date", "2026-01-05").exit_code == 0
    assert engage_run("log", "4h", "--phase", "prep", "--date", "2026-01-06").exit_code == 0
    result = engage_run("donor-report", "--quarter", "2026-Q1", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "Preparation,2.5,2.5,5" in result.output
    assert (
        engage_run("donor-report", "--quarter", "2026-Q2", "--format", "csv").output.count(",0.0,2.5,") == 1
    )


def test_status_gets_a_donor_summary_section(engage_schedule: Path, engage_run, engage_plugin) -> None:
    engage_plugin(engage_donor_report, name="donor_report_under_test")
    engage_run("log", "1", "--phase", "prep", "--date", "2026-01-05")
    report = json.loads(engage_run("status", "--week", "2026-W02", "--format", "json").output)[0]
    [section] = [s for s in report["sections"] if s["title"] == "Donor summary 2026-Q1"]
    assert section["rows"][0][:3] == ["Preparation", 1.0, 1.0]


def test_a_bad_quarter_is_one_line(engage_schedule: Path, engage_run, engage_plugin) -> None:
    engage_plugin(engage_donor_report, name="donor_report_under_test")
    result = engage_run("donor-report", "--quarter", "Q5")
    assert result.exit_code == 2
    assert "give one such as 2021-Q4" in result.output


def test_weekly_mail_gives_the_dates_status_gives(engage_schedule: Path, engage_run, engage_plugin) -> None:
    engage_plugin(engage_donor_report, name="donor_report_under_test")
    mail = engage_run("weekly-mail", "--as-of", "2026-01-05")
    assert mail.exit_code == 0, mail.output
    report = json.loads(engage_run("status", "--as-of", "2026-01-05", "--format", "json").output)[0]
    coming = [m for m in report["milestones"]]
    assert coming, "the template has something coming in its first two weeks"
    for milestone in coming:
        assert f"- {milestone['date']}  " in mail.output
    assert all(len(line) <= 78 for line in mail.output.splitlines()[1:])


def test_the_donor_rule_is_a_finding(engage_schedule: Path, engage_run, engage_plugin) -> None:
    engage_plugin(engage_donor_report, name="donor_report_under_test")
    report = json.loads(engage_run("status", "--as-of", "2026-01-05", "--format", "json").output)[0]
    soon = [m for m in report["milestones"] if m["kind"] == "deliverable due"]
    found = json.loads(engage_run("budget", "--as-of", "2026-01-05", "--format", "json").output)
    notices = {f["date"] for f in found if f["code"] == "donor-notice"}
    assert notices and notices <= {m["date"] for m in soon}


def test_the_report_and_mail_speak_the_engagements_language(
    engage_schedule: Path, engage_run, engage_plugin
) -> None:
    engage_plugin(engage_donor_report, name="donor_report_under_test")
    engage_run("log", "2", "--phase", "prep", "--date", "2026-01-05")
    english = engage_run("donor-report", "--quarter", "2026-Q1").output
    engage_schedule.write_text(
        'language = "fr"\n' + engage_schedule.read_text(encoding="utf-8"), encoding="utf-8"
    )
    french = engage_run("donor-report", "--quarter", "2026-Q1")
    assert french.exit_code == 0, french.output
    assert "Synthèse bailleur T1 2026" in french.output
    assert "jours ce trimestre" in french.output
    assert "Donor summary 2026-Q1" in english and "days this quarter" in english
    spanish = engage_run("weekly-mail", "--as-of", "2026-01-05", "--lang", "es").output
    assert spanish.startswith("Asunto: ")
    assert "Días utilizados: 2,0 de " in spanish
    csv = engage_run("donor-report", "--quarter", "2026-Q1", "--format", "csv").output
    assert csv.startswith("phase,days this quarter,")  # for machines, whatever the language
