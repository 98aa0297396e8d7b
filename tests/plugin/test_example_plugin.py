"""The example third-party plugin installs into a fresh virtual environment and works from there."""

from __future__ import annotations

import ast
import json
import shutil
import site
import subprocess
import sys
import venv
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import DEFENDERS, IJM, ROOT, UNDP

EXAMPLE = ROOT / "examples" / "engage-donor-report"
ENGAGE = "from engage.cli import main; main()"


@pytest.fixture(scope="module")
def fresh_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment that sees engage (and pytest) from this one, and has the example installed.

    The example is installed by pip, from its folder, without build isolation or
    dependencies from the network: engage-tracker, hatchling and pytest are
    already here.
    """
    folder = tmp_path_factory.mktemp("venv")
    venv.create(folder, with_pip=False, symlinks=sys.platform != "win32")
    python = folder / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    here = [p for p in site.getsitepackages() if Path(p).is_dir()]
    Path(purelib, "_engage_host.pth").write_text(
        "".join(f"import site; site.addsitedir({p!r})\n" for p in here)
    )
    build = tmp_path_factory.mktemp("example-src") / "engage-donor-report"
    shutil.copytree(EXAMPLE, build, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            str(build),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return python


def test_example_is_not_installed_here() -> None:
    from importlib.metadata import entry_points

    assert "donor_report" not in {ep.name for ep in entry_points(group="engage")}


def test_installed_example_is_found_by_entry_point_and_runs_both_additions(
    fresh_python: Path, tmp_path: Path
) -> None:
    schedule = tmp_path / "engage.toml"
    shutil.copy(IJM, schedule)

    engage = _runner(fresh_python, tmp_path)
    listed = {p["name"]: p for p in json.loads(engage("plugins", "--format", "json").stdout)}
    assert listed["donor_report"]["origin"] == "engage-donor-report"
    assert listed["donor_report"]["hooks"] == [
        "engage_budget_checks",
        "engage_register_commands",
        "engage_status_sections",
    ]

    assert engage("log", "2", "-p", "prep", "-d", "2021-11-16").returncode == 0
    assert engage("deliver", "inception", "--status", "submitted", "--date", "2021-11-22").returncode == 0
    assert engage("deliver", "inception", "--status", "accepted", "--date", "2021-11-22").returncode == 0
    report = engage("donor-report", "--quarter", "2021-Q4")
    assert report.returncode == 0, report.stderr
    assert "Donor summary 2021-Q4" in report.stdout
    assert "Accepted this quarter: Inception report detailing" in report.stdout
    assert "four-day retreat (2021-11-22)" in report.stdout
    status = json.loads(engage("status", "--week", "2021-W47", "--format", "json").stdout)[0]
    [section] = [s for s in status["sections"] if s["title"] == "Donor summary 2021-Q4"]
    assert section["rows"][0] == ["Preparation", 2.0, 2.0, 7.0]


def _runner(python: Path, folder: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """The installed engage, run in ``folder`` by the fresh environment's Python."""

    def engage(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(python), "-c", ENGAGE, *args],
            capture_output=True,
            text=True,
            cwd=folder,
            timeout=120,
            env={
                "PATH": "/usr/bin:/bin",
                "ENGAGE_CONSULTANT": "Test Consultant",
                "ENGAGE_CACHE_DIR": str(folder / "cache"),
            },
        )

    return engage


def test_the_example_imports_nothing_but_engages_public_api() -> None:
    import engage

    for path in (EXAMPLE / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "engage":
                assert node.module == "engage", (path, node.module)
                assert {a.name for a in node.names} <= set(engage.__all__), path


@pytest.mark.parametrize("schedule", [IJM, DEFENDERS, UNDP], ids=["ijm", "defenders", "undp"])
def test_the_installed_examples_mail_and_rule_give_the_dates_status_gives(
    fresh_python: Path, tmp_path: Path, schedule: Path
) -> None:
    """A weekly mail and a donor budget rule, on the public API alone, after a return (the
    resubmission's deadline) and a postponed meeting (its new date): the same dates as status."""
    shutil.copy(schedule, tmp_path / "engage.toml")
    engage = _runner(fresh_python, tmp_path)
    shown = json.loads(engage("show", "--format", "json").stdout)
    first = shown["deliverables"][0]
    due = first["due"]
    meeting = shown["meetings"][0]["key"] if shown["meetings"] else None
    for args in (
        ("deliver", first["key"], "--status", "submitted", "--date", due),
        ("deliver", first["key"], "--status", "returned", "--date", due),
        *(
            [("meeting", meeting, "--outcome", "postponed", "--date", due, "--to", _later(due, 3))]
            if meeting
            else []
        ),
    ):
        done = engage(*args)
        assert done.returncode == 0, (args, done.stderr)
    as_of = _later(due, 1)
    status = json.loads(engage("status", "--as-of", as_of, "--format", "json").stdout)[0]
    mail = engage("weekly-mail", "--as-of", as_of)
    assert mail.returncode == 0, mail.stderr
    listed = [line.split()[1] for line in mail.stdout.splitlines() if line.startswith("- 20")]
    assert listed == [m["date"] for m in status["milestones"]]  # the same dates, in the same order
    assert listed, "a returned deliverable is owed again"
    [owed] = [m for m in status["milestones"] if m["name"] == first["name"]]  # the resubmission
    assert owed["date"] > due
    found = json.loads(engage("budget", "--as-of", as_of, "--format", "json").stdout)
    notices = {(f["deliverable"], f["date"]) for f in found if f["code"] == "donor-notice"}
    assert (first["key"], owed["date"]) in notices
    dates = {m["date"]: m["kind"] for m in status["milestones"]}
    assert all(dates[date] == "deliverable due" for _, date in notices)


def _later(day: str, days: int) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def test_the_example_passes_its_own_tests_with_engages_fixtures(fresh_python: Path) -> None:
    done = subprocess.run(
        [str(fresh_python), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=EXAMPLE,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "5 passed" in done.stdout
