"""The fixtures engage gives plugin authors keep every file in the test's folder and accept the settings
table of a plugin registered by hand, before it is installed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from engage import Section, hookimpl


class DonorRules:
    """A plugin under test, with a settings table of its own, ``[donor_rules]``."""

    @hookimpl
    def engage_status_sections(self, engagement: object) -> list[Section]:
        settings = engagement.plugin_settings("donor_rules")  # type: ignore[attr-defined]
        return [Section("Donor rules", ("setting", "value"), tuple(sorted(settings.items())))]


def test_a_registered_plugins_table_is_accepted_and_nothing_leaves_the_temp_folder(
    engage_schedule: Path, engage_run, engage_plugin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home_cache = tmp_path / "home-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home_cache))  # where the user's cache folder would be
    engage_schedule.write_text(
        engage_schedule.read_text(encoding="utf-8") + '\n[donor_rules]\nnotice_days = 5\n', encoding="utf-8"
    )
    engage_plugin(DonorRules(), name="donor_rules")
    assert engage_run("log", "1", "--phase", "prep", "--date", "2026-01-05").exit_code == 0
    result = engage_run("status", "--week", "2026-W02", "--format", "json")
    assert result.exit_code == 0, result.output
    [section] = [s for s in json.loads(result.output)[0]["sections"] if s["title"] == "Donor rules"]
    assert section["rows"] == [["notice_days", 5]]
    assert os.environ["ENGAGE_CACHE_DIR"] == str(tmp_path / "cache")
    assert (tmp_path / "cache").is_dir() and not home_cache.exists()
