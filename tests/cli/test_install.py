"""Install-level checks: the wheel holds the core and every plugin, the installed command behaves."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import distribution, entry_points
from pathlib import Path

import pytest

from helpers import DEFENDERS, IJM, ROOT

ENGAGE = shutil.which("engage", path=str(Path(sys.executable).parent)) or shutil.which("engage")
PLUGINS = {
    "holidays": "engage_holidays",
    "budget": "engage_budget",
    "calendar": "engage_calendar",
    "status": "engage_status",
    "interop": "engage_interop",
}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    assert ENGAGE, "the engage command is not installed"
    return subprocess.run([ENGAGE, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_plugins_are_registered_in_the_engage_entry_point_group() -> None:
    found = {ep.name: ep.value for ep in entry_points(group="engage")}
    assert {name: found.get(name) for name in PLUGINS} == PLUGINS
    assert distribution("engage-tracker").entry_points.select(group="console_scripts", name="engage")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("engage_tracker-*.whl")
    return built


def test_wheel_holds_core_plugins_template_and_entry_points(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for package in ("engage", *PLUGINS.values()):
        assert f"{package}/__init__.py" in names, package
    assert "engage/data/template.toml" in names
    assert "engage/hookspecs.py" in names and "engage/cli/__init__.py" in names
    [entry_points_txt] = [n for n in names if n.endswith("entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(entry_points_txt).decode()
    assert "[engage]" in text and "calendar = engage_calendar" in text
    assert "engage = engage.cli:main" in text


def test_wheel_holds_every_catalogue_compiled(wheel: Path) -> None:
    """Each package's French and Spanish catalogues, compiled to .mo by the build hook (the .mo files
    are not in git), and the .po beside them."""
    names = zipfile.ZipFile(wheel).namelist()
    for package in ("engage", *PLUGINS.values()):
        for language in ("fr", "es"):
            base = f"{package}/locale/{language}/LC_MESSAGES/{package}"
            assert f"{base}.mo" in names and f"{base}.po" in names, base
    assert "engage_fees/locale/engage_fees.pot" in names


def test_installed_command_shows_both_seeds() -> None:
    for seed in (IJM, DEFENDERS):
        done = run("-s", str(seed), "show", "--format", "json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["phases"]


def test_installed_command_bad_input_is_one_line_exit_2(tmp_path: Path) -> None:
    shutil.copy(IJM, tmp_path / "engage.toml")
    done = run("log", "-3", "--phase", "prep", cwd=tmp_path)  # engage.toml found in the current folder
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / "engage.ledger.jsonl").exists()
    assert run("log", "1", "--phase", "prep", cwd=tmp_path / ".").returncode == 0
    nested = tmp_path / "notes" / "deep"
    nested.mkdir(parents=True)
    assert run("entries", "--format", "json", cwd=nested).returncode == 0  # found in a parent folder


def test_installed_init_writes_a_template_that_loads(tmp_path: Path) -> None:
    done = run("init", str(tmp_path / "Kisumu Review.toml"))
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "Kisumu Review.toml").read_text()
    assert 'id = "kisumu-review"' in text
    assert run("-s", str(tmp_path / "Kisumu Review.toml"), "show").returncode == 0
    folder = tmp_path / "UNDP Gender Audit"
    folder.mkdir()
    assert run("init", "engage.toml", cwd=folder).returncode == 0
    assert 'id = "undp-gender-audit"' in (folder / "engage.toml").read_text()
    assert json.loads(run("budget", "--as-of", "2026-01-05", "--format", "json", cwd=folder).stdout) == []
    again = run("init", str(tmp_path / "Kisumu Review.toml"))
    assert again.returncode == 2 and "already exists" in again.stderr
    assert (tmp_path / "Kisumu Review.toml").read_text() == text


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("engage, version ")
    help_text = run("--help").stdout
    for command in (
        "log",
        "entries",
        "void",
        "deliver",
        "meeting",
        "import",
        "calendar",
        "budget",
        "status",
        "plugins",
    ):
        assert command in help_text


def test_ruff_and_mypy_are_clean() -> None:
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True)
    assert ruff.returncode == 0, ruff.stdout[-3000:]
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert mypy.returncode == 0, mypy.stdout[-3000:]
