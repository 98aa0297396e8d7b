"""Shared fixtures: seed schedules copied to a temp folder, settings kept from the developer's, real servers.

Only fixtures (and the suite's hypothesis profiles) live here; what tests import lives in ``helpers``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from engage.testing import ISOLATED_VARS

# The helpers' asserts report as a test's own do: registered before anything imports them.
pytest.register_assert_rewrite("helpers")

from helpers import SEEDS, Seed, copy_seed  # noqa: E402

pytest_plugins = ["helpers.servers"]  # the smtp and caldav_url fixtures: real servers on 127.0.0.1

# Example counts are kept small so the suite stays fast; HYPOTHESIS_PROFILE=thorough runs more.
settings.register_profile("quick", max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile(
    "thorough", max_examples=300, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's engage settings, or writes beside the repo's schedules."""
    for name in ISOLATED_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ENGAGE_CONSULTANT", "Test Consultant")
    monkeypatch.setenv("ENGAGE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # never the developer's config.toml
    # nor their keyring: none, unless a test chooses one (keyrings.alt's file, in XDG_DATA_HOME)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    if "keyring.core" in sys.modules:  # chosen anew from the variable, by the next command
        monkeypatch.setattr(sys.modules["keyring.core"], "_keyring_backend", None)
    # Tests that read phrases out of tables see them unwrapped; output/test_width.py sets its own widths.
    monkeypatch.setenv("COLUMNS", "250")
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    # English number habits (a decimal point) whatever the developer's locale; tests/language sets its own.
    for name in ("LC_ALL", "LC_NUMERIC"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.chdir(tmp_path)


@pytest.fixture(params=sorted(SEEDS))
def seed(request: pytest.FixtureRequest, tmp_path: Path) -> Seed:
    """Each seed schedule in turn, copied to a temp folder."""
    return copy_seed(request.param, tmp_path)


@pytest.fixture
def ijm(tmp_path: Path) -> Seed:
    return copy_seed("ijm", tmp_path)


@pytest.fixture
def defenders(tmp_path: Path) -> Seed:
    return copy_seed("defenders", tmp_path)


@pytest.fixture
def undp(tmp_path: Path) -> Seed:
    """UNDP SREPGen midterm review: a team in two places, intermittent over a period."""
    return copy_seed("undp", tmp_path)


@pytest.fixture
def geo(tmp_path: Path) -> Seed:
    """GEO Lima & Callao: relative due dates and a review cycle."""
    return copy_seed("geo", tmp_path)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 512 KiB tmpfs: a real full disk that cannot hurt the machine (root on Linux only)."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("a full disk needs a tmpfs mount, which needs root on Linux; run the suite as root")
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
