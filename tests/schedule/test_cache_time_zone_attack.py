"""Attack on the schedule cache: its key leaves out the time-zone database the reader checks against."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import DEFENDERS as SEED


def _tzif() -> Path | None:
    """A real TZif file to put in a time-zone folder of our own."""
    try:
        from importlib.resources import files

        found = Path(str(files("tzdata").joinpath("zoneinfo", "Africa", "Nairobi")))
        if found.is_file():
            return found
    except (ImportError, ModuleNotFoundError):
        pass
    system = Path("/usr/share/zoneinfo/Africa/Nairobi")
    return system if system.is_file() else None


def _engage(tmp_path: Path, cache: Path, tzpath: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ENGAGE_CACHE_DIR": str(cache), "PYTHONTZPATH": str(tzpath), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, str(Path(sys.executable).with_name("engage")), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_time_zone_gone_from_the_database_is_reported_alike_with_and_without_the_cache(
    tmp_path: Path,
) -> None:
    tzif = _tzif()
    if tzif is None:
        pytest.skip("no TZif file (neither the tzdata package nor /usr/share/zoneinfo) to build a zone from")
    with_zone = tmp_path / "tz-with"
    (with_zone / "Test").mkdir(parents=True)
    shutil.copy(tzif, with_zone / "Test" / "Nowhere")
    without_zone = tmp_path / "tz-without"
    without_zone.mkdir()
    text = SEED.read_text(encoding="utf-8").replace(
        'timezone = "Africa/Nairobi"', 'timezone = "Test/Nowhere"'
    )
    assert 'timezone = "Test/Nowhere"' in text
    (tmp_path / "s.toml").write_text(text, encoding="utf-8")

    kept = tmp_path / "cache"
    first = _engage(tmp_path, kept, with_zone, "-s", "s.toml", "show")
    assert first.returncode == 0, first.stderr  # the zone exists: read, checked and kept

    fresh = _engage(tmp_path, tmp_path / "empty-cache", without_zone, "-s", "s.toml", "show")
    cached = _engage(tmp_path, kept, without_zone, "-s", "s.toml", "show")
    assert fresh.returncode == 2
    assert "unknown time zone 'Test/Nowhere'" in fresh.stderr
    # The same command, the same bytes, the same engage: the cache must not change the answer.
    assert (cached.returncode, cached.stdout, cached.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
