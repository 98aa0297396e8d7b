"""The fixtures engage gives plugin authors keep every file in the test's folder and accept the settings
table of a plugin registered by hand, before it is installed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from engage import Section, hookimpl


class DonorRules:
    """A plugin under test, with a settings table of its own, ``[donor_rules]``."""

    @hookimpl
    def engage_status_sections(self, engagement: object) -> list[Section]:
        settings = engagement.plugin_settings("donor_rules")  # type: ignore[attr-defined]
        return [Section("Donor rules", ("setting", "value"), tuple(sorted(settings.items())))]


def test_a_registered_plugins_table_is_accepted(engage_schedule: Path, engage_run, engage_plugin) -> None:
    engage_schedule.write_text(
        engage_schedule.read_text(encoding="utf-8") + "\n[donor_rules]\nnotice_days = 5\n", encoding="utf-8"
    )
    engage_plugin(DonorRules(), name="donor_rules")
    assert engage_run("log", "1", "--phase", "prep", "--date", "2026-01-05").exit_code == 0
    result = engage_run("status", "--week", "2026-W02", "--format", "json")
    assert result.exit_code == 0, result.output
    [section] = [s for s in json.loads(result.output)[0]["sections"] if s["title"] == "Donor rules"]
    assert section["rows"] == [["notice_days", 5]]


AUTHORS_TEST = """
import os
from pathlib import Path


def test_mine(engage_schedule, engage_run, tmp_path):
    assert engage_run("log", "1", "--phase", "prep", "--date", "2026-01-05").exit_code == 0
    assert engage_run("status", "--format", "json").exit_code == 0
    assert Path(os.environ["ENGAGE_CACHE_DIR"]).is_relative_to(tmp_path)
"""


def test_an_authors_test_run_writes_nothing_outside_its_temp_folder(tmp_path: Path) -> None:
    """Run as a plugin author would, with none of this suite's isolation: the user's cache folder
    (here a fresh HOME) stays untouched."""
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "test_mine.py").write_text(AUTHORS_TEST, encoding="utf-8")
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENGAGE_", "XDG_"))}
    env |= {"HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp", str(tmp_path / "t")],
        cwd=tmp_path / "project",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "1 passed" in done.stdout
    assert not home.exists(), sorted(str(p) for p in home.rglob("*"))
