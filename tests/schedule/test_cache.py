"""A schedule read once is kept, and given back only for the very same bytes, path, tables and engage."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engage.plugin.manager import environment_stamp
from engage.schedule import cache as schedule_cache
from engage.schedule import loader as schedule
from engage.schedule.loader import load_schedule
from helpers import Seed, copy_seed

SECTIONS = ("budget", "calendar", "fees", "holidays", "interop", "status")


@pytest.fixture(autouse=True)
def plugins_loaded() -> None:
    """As a command has them before it reads a schedule: the cache is keyed on what they were found in."""
    from engage.plugin.manager import get_plugin_manager

    get_plugin_manager()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The schedules read from their TOML (the real reader still runs)."""
    seen: list[Path] = []
    real = schedule.load_schedule

    def spy(path: Path, *args: object, **kwargs: object) -> object:
        seen.append(Path(path))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(schedule, "load_schedule", spy)
    return seen


def test_a_schedule_read_again_comes_from_the_cache_equal_to_a_fresh_read(
    seed: Seed, reads: list[Path]
) -> None:
    first = schedule_cache.load(seed.path, SECTIONS, environment_stamp())
    again = schedule_cache.load(seed.path, SECTIONS, environment_stamp())
    assert reads == [seed.path]
    assert again == first == load_schedule(seed.path, SECTIONS)
    assert again is not first


def test_any_edit_is_read_even_with_the_size_and_time_put_back(ijm: Seed, reads: list[Path]) -> None:
    schedule_cache.load(ijm.path, SECTIONS, environment_stamp())
    info = ijm.path.stat()
    text = ijm.path.read_text(encoding="utf-8")
    assert "max_days = 20" in text
    ijm.path.write_text(text.replace("max_days = 20", "max_days = 21"), encoding="utf-8")
    os.utime(ijm.path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert schedule_cache.load(ijm.path, SECTIONS, environment_stamp()).max_days == 21
    assert len(reads) == 2


def test_the_same_bytes_elsewhere_or_with_other_tables_are_read_again(
    ijm: Seed, tmp_path: Path, reads: list[Path]
) -> None:
    """The engagement names its file (errors do), and the plugins' tables decide what is an error."""
    schedule_cache.load(ijm.path, SECTIONS, environment_stamp())
    (tmp_path / "copy").mkdir()
    twin = tmp_path / "copy" / ijm.path.name
    shutil.copy(ijm.path, twin)
    assert schedule_cache.load(twin, SECTIONS, environment_stamp()).source == twin
    schedule_cache.load(ijm.path, (*SECTIONS, "extra"), environment_stamp())
    assert reads == [ijm.path, twin, ijm.path]


def test_a_schedule_with_a_problem_is_never_kept(ijm: Seed) -> None:
    ijm.rewrite("max_days = 20", "max_days = 'twenty'")
    for _ in range(2):
        result = ijm.run("status")
        assert result.exit_code == 2 and "max_days" in result.stderr
    assert not list(Path(os.environ["ENGAGE_CACHE_DIR"]).glob("schedules/*"))


def test_a_damaged_cache_file_is_not_believed(ijm: Seed, reads: list[Path]) -> None:
    schedule_cache.load(ijm.path, SECTIONS, environment_stamp())
    (kept,) = Path(os.environ["ENGAGE_CACHE_DIR"]).glob("schedules/*")
    data = bytearray(kept.read_bytes())
    data[len(data) // 2] ^= 1
    kept.write_bytes(data)
    assert schedule_cache.load(ijm.path, SECTIONS, environment_stamp()) == load_schedule(ijm.path, SECTIONS)
    assert len(reads) == 2


def test_log_from_the_cache_imports_no_toml_parser(tmp_path: Path) -> None:
    """What the cache spares a log: the parser and the modules that check a schedule."""
    seed = copy_seed("ijm", tmp_path)
    env = {**os.environ, "ENGAGE_CONSULTANT": "Test Consultant", "ENGAGE_CACHE_DIR": str(tmp_path / "cache")}
    engage = str(Path(sys.executable).with_name("engage"))
    log = [sys.executable, "-X", "importtime", engage, "-s", str(seed.path), "log", "1", "-p", "prep"]
    imported = []
    for day in ("2021-11-16", "2021-11-17"):
        done = subprocess.run([*log, "-d", day], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        imported.append({line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line})
    assert {"tomli", "engage.schedule.loader"} <= imported[0]
    assert not {"tomli", "engage.schedule.loader"} & imported[1]


def test_edits_replace_what_was_kept_instead_of_piling_up(ijm: Seed) -> None:
    for days in (21, 22, 23):
        ijm.rewrite("max_days = " + str(days - 1), f"max_days = {days}")
        assert schedule_cache.load(ijm.path, SECTIONS, environment_stamp()).max_days == days
    assert len(list(Path(os.environ["ENGAGE_CACHE_DIR"]).glob("schedules/*"))) == 1
