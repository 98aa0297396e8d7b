"""The pytest fixtures engage installs for plugin authors work as a plugin's own tests would use them."""

from __future__ import annotations

import json
from pathlib import Path


def test_engage_schedule_is_the_template_in_a_temp_folder(engage_schedule: Path) -> None:
    assert engage_schedule.name == "engage.toml"
    assert 'id = "new-engagement"' in engage_schedule.read_text()


def test_engage_run_drives_the_real_cli_against_it(engage_schedule: Path, engage_run) -> None:
    logged = engage_run("log", "1", "--phase", "prep", "--date", "2026-01-05")
    assert logged.exit_code == 0
    assert "Preparation: 1.0 of 5 days used, 4.0 left" in logged.stdout
    assert engage_schedule.with_name("engage.ledger.jsonl").exists()
    found = json.loads(engage_run("budget", "--as-of", "2026-01-05", "--format", "json").stdout)
    assert [f["code"] for f in found] == []  # the template is consistent: budgets add up to the cap
