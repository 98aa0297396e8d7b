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
    # Without the .mo files a build left here: the example's own build hook must compile them.
    shutil.copytree(
        EXAMPLE, build, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "*.mo")
    )
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


def _runner(python: Path, folder: Path, **environ: str) -> Callable[..., subprocess.CompletedProcess[str]]:
    """The installed engage, run in ``folder`` by the fresh environment's Python (``environ`` added
    to its few variables: ``LANG="fr_FR.UTF-8"``)."""

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
                **environ,
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
    assert "6 passed" in done.stdout


NBSP = "\u00a0"  # French puts a no-break space before ":" and ";"
# The example's own English words: none is left in its French or Spanish documents.
EXAMPLE_ENGLISH = (
    "Donor summary",
    "days this quarter",
    "days to date",
    "Accepted this quarter",
    "Subject:",
    "Dear ",
    "As of ",
    "Days used",
    "Coming in the next",
    "(deliverable due)",
    "(retreat)",
)


def test_the_installed_example_speaks_french_and_spanish_from_its_own_catalogue(
    fresh_python: Path, tmp_path: Path
) -> None:
    """The example's catalogue, compiled into its wheel by its build hook: its report and mail in
    French under a schedule's ``language = "fr"``, in Spanish with ``--lang es``, and English as
    before without; its CSV stays for machines; its messages follow ``LANG``."""
    seed = IJM.read_text(encoding="utf-8")
    outputs: dict[str, dict[str, str]] = {}
    for language, schedule, extra in (
        ("fr", seed.replace('id = "', 'language = "fr"\nid = "', 1), ()),
        ("es", seed, ("--lang", "es")),
        ("en", seed, ()),
    ):
        folder = tmp_path / language
        folder.mkdir()
        (folder / "engage.toml").write_text(schedule, encoding="utf-8")
        engage = _runner(fresh_python, folder)
        for args in (
            ("log", "2", "-p", "prep", "-d", "2021-11-16"),
            ("deliver", "inception", "--status", "submitted", "--date", "2021-11-22"),
            ("deliver", "inception", "--status", "accepted", "--date", "2021-11-22"),
        ):
            assert engage(*args).returncode == 0, args
        runs = {
            "report": engage("donor-report", "--quarter", "2021-Q4", *extra),
            "mail": engage("weekly-mail", "--as-of", "2021-11-19", *extra),
            "csv": engage("donor-report", "--quarter", "2021-Q4", "--format", "csv", *extra),
        }
        for name, run in runs.items():
            assert run.returncode == 0, (language, name, run.stderr)
        outputs[language] = {name: run.stdout for name, run in runs.items()}
    french, spanish, english = outputs["fr"], outputs["es"], outputs["en"]

    assert "Synthèse bailleur T4 2021" in french["report"]
    assert "jours ce trimestre" in french["report"]
    assert "Preparation   2,0 " in french["report"]
    assert f"Acceptés ce trimestre{NBSP}: Inception report" in french["report"]
    assert "four-day retreat (22 nov. 2021)" in french["report"]
    assert french["mail"].startswith(f"Objet{NBSP}: Facilitation and Consolidation")
    assert f"Jours utilisés{NBSP}: 2,0 sur 20." in french["mail"]
    assert f"À venir d'ici 14 jours{NBSP}:" in french["mail"]
    assert "- 23 nov. 2021  Four-day strategic planning retreat (retraite)" in french["mail"]

    assert "Resumen para el donante T4 2021" in spanish["report"]
    assert "días este trimestre" in spanish["report"]
    assert "Aceptados este trimestre: Inception report" in spanish["report"]
    assert spanish["mail"].startswith("Asunto: Facilitation and Consolidation")
    assert "Días utilizados: 2,0 de 20." in spanish["mail"]
    assert "En los próximos 14 días:" in spanish["mail"]
    assert "- 23 nov 2021  Four-day strategic planning retreat (retiro)" in spanish["mail"]

    for foreign in (french, spanish):
        for word in EXAMPLE_ENGLISH:
            assert word not in foreign["report"] + foreign["mail"], word
        assert foreign["csv"] == english["csv"]  # for machines: English headers, decimal points
    assert english["csv"].startswith("phase,days this quarter,days to date,budget\nPreparation,2.0,2.0,7.0")

    assert "Donor summary 2021-Q4" in english["report"]
    assert "Preparation   2.0 " in english["report"]
    assert "Accepted this quarter: Inception report" in english["report"]
    assert "four-day retreat (2021-11-22)" in english["report"]
    assert english["mail"].startswith("Subject: Facilitation and Consolidation")
    assert "Days used: 2.0 of 20." in english["mail"]
    assert "Coming in the next 14 days:" in english["mail"]
    assert "- 2021-11-23  Four-day strategic planning retreat (retreat)" in english["mail"]
    for word in ("Synthèse", "jours", "Resumen", "días", "retraite", "retiro", NBSP):
        assert word not in english["report"] + english["mail"], word

    # Messages, help and a budget check's finding speak the user's language (the locale variables).
    folder = tmp_path / "en"
    for lang, refused, helped, told in (
        (
            "fr_FR.UTF-8",
            "impossible de lire 'Q5' comme un trimestre",
            "Un courriel hebdomadaire",
            "jours ouvrés",
        ),
        ("es_ES.UTF-8", "no se puede leer 'Q5' como trimestre", "Un correo semanal", "días hábiles"),
    ):
        engage = _runner(fresh_python, folder, LANG=lang, COLUMNS="250")
        bad = engage("donor-report", "--quarter", "Q5")
        assert bad.returncode == 2 and refused in bad.stderr, bad.stderr
        assert helped in engage("weekly-mail", "--help").stdout
        budget = engage("budget", "--as-of", "2021-11-19").stdout.splitlines()
        assert any(line.startswith("info") and "donor-notice" in line and told in line for line in budget)


def test_the_examples_catalogue_is_complete_and_its_template_current() -> None:
    """engage's catalogue check passes on the example's package; its ``.pot`` holds what the code marks."""
    package = EXAMPLE / "src" / "engage_donor_report"
    done = subprocess.run(
        [sys.executable, "-m", "engage.language.tooling", "check", str(package)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout
    assert done.stdout.strip() == "every catalogue complete"

    from babel.messages.pofile import read_po

    from engage.language.tooling import template

    with open(package / "locale" / "engage_donor_report.pot", "rb") as source:
        kept = {(m.context, str(m.id)) for m in read_po(source) if m.id}
    assert kept == {(m.context, str(m.id)) for m in template(package) if m.id}


def test_the_installed_example_has_its_compiled_catalogues(fresh_python: Path) -> None:
    """The ``.mo`` files are not in git: the example's build hook compiled them into its wheel."""
    listed = subprocess.run(
        [
            str(fresh_python),
            "-c",
            "import engage_donor_report as p, pathlib; root = pathlib.Path(p.__file__).parent; "
            "print(*sorted(m.relative_to(root).as_posix() for m in root.rglob('*.mo')))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    ).stdout.split()
    assert listed == [
        "locale/es/LC_MESSAGES/engage_donor_report.mo",
        "locale/fr/LC_MESSAGES/engage_donor_report.mo",
    ]
