"""Issue 27's done-means: the French and the Spanish ToR produce every document with no English words of
engage's own, while the user's locale is English.

For each ToR in ``schedules/tors/`` (``language = "fr"``, ``language = "es"``), a copy logs days, an
expense, a deliverable's submission and acceptance and a meeting, then every document is made through the
real CLI: status (plain, markdown, html, xlsx read back), show, budget, fees (plain, markdown, html),
invoice (html), report (plain, markdown, html), timesheet (plain, html, xlsx, and pdf through pdftotext
when installed), and the calendar's SUMMARY and DESCRIPTION values. Machine formats (JSON, CSV, the ICS's
other properties) are not scanned.

engage's English words are the msgids of every catalogue template (``src/engage/locale/engage.pot``,
``plugins/*/locale/*.pot``) whose translation in the ToR's language differs from the msgid, or is still
missing (then engage writes the English). Each msgid is split at its ``{placeholders}``; every literal
piece of at least two words is looked for in each output, and the test reports all found; an HTML page
must also say its language (``<html lang="fr">``).

It fails until the helpers marking and translating engage's strings are merged: today it finds the
states ("on track", "not submitted") and every page's ``lang="en"``.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

import engage
import engage.session
from engage.cli import cli
from engage.language import choice
from helpers import ROOT, SCHEDULES

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class ToR:
    """A ToR in a language, what its consultant did, and the documents to scan."""

    name: str
    language: str
    today: dt.date
    steps: tuple[tuple[str, ...], ...]
    week: str
    month: str
    deliverable: str  # one the consultant submits


FRENCH = ToR(
    name="acf-mali-kita-evaluation-mi-parcours.toml",
    language="fr",
    today=dt.date(2013, 11, 13),
    steps=(
        ("log", "1", "-p", "cadrage", "-d", "2013-10-16", "-n", "revue documentaire"),
        ("log", "1", "-p", "cadrage", "-d", "2013-10-17"),
        ("log", "4h", "-p", "cadrage", "-d", "2013-10-18"),
        ("log", "1", "-p", "terrain", "-d", "2013-10-21"),
        ("log", "1", "-p", "terrain", "-d", "2013-10-22"),
        ("expense", "150", "--category", "per-diem", "-d", "2013-10-22", "-n", "visite à Kokofata"),
        ("meeting", "debriefing-mission", "--outcome", "held", "-d", "2013-11-05"),
        ("deliver", "provisoire", "--status", "submitted", "-d", "2013-11-11"),
        ("deliver", "provisoire", "--status", "accepted", "-d", "2013-11-13"),
    ),
    week="2013-W46",
    month="2013-10",
    deliverable="provisoire",
)
SPANISH = ToR(
    name="mankatitlan-administracion-compartida.toml",
    language="es",
    today=dt.date(2014, 7, 25),
    steps=(
        ("log", "1", "-p", "plan", "-d", "2014-07-07", "-n", "reunión de arranque"),
        ("log", "1", "-p", "plan", "-d", "2014-07-08"),
        ("meeting", "socializacion", "--outcome", "validated", "-d", "2014-07-11"),
        ("deliver", "plan", "--status", "submitted", "-d", "2014-07-11"),
        ("deliver", "plan", "--status", "accepted", "-d", "2014-07-18"),
        ("log", "1", "-p", "planteamiento", "-d", "2014-07-14"),
        ("log", "4h", "-p", "planteamiento", "-d", "2014-07-15"),
        ("log", "1", "-p", "planteamiento", "-d", "2014-07-21"),
        ("expense", "350", "--category", "travel", "-d", "2014-07-11", "-n", "viaje a Sololá"),
    ),
    week="2014-W30",
    month="2014-07",
    deliverable="plan",
)
TORS = {"fr": FRENCH, "es": SPANISH}


def catalogues() -> Iterator[tuple[Path, str]]:
    """(the .pot, its package folder) of the core and of every plugin."""
    yield ROOT / "src" / "engage" / "locale" / "engage.pot", ROOT / "src" / "engage"
    for pot in sorted(ROOT.glob("plugins/*/locale/*.pot")):
        yield pot, pot.parent.parent


def english_phrases(language: str) -> dict[str, str]:
    """Every literal piece of two words or more of a msgid that ``language`` does not write as it is,
    with the msgid it comes from."""
    found: dict[str, str] = {}
    for pot_path, package in catalogues():
        with pot_path.open("rb") as pot_file:
            template = read_po(pot_file)
        po_path = package / "locale" / language / "LC_MESSAGES" / f"{pot_path.stem}.po"
        translations: dict[object, object] = {}
        if po_path.exists():
            with po_path.open("rb") as po_file:
                translations = {message.id: message.string for message in read_po(po_file) if message.id}
        for message in template:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            string = translations.get(message.id)
            forms = string if isinstance(string, tuple) else (string,)
            for index, msgid in enumerate(ids):
                translated = forms[min(index, len(forms) - 1)] if forms else None
                if translated and translated == msgid:
                    continue  # the language writes it as English does ("Total", "Date")
                for piece in PLACEHOLDER.split(msgid):
                    piece = " ".join(piece.split()).strip(" :;,.()[]-–")
                    if len(WORD.findall(piece)) >= 2:
                        found.setdefault(piece, msgid)
    return found


def run(*args: str) -> str:
    """The real CLI in-process, the user's locale English; its standard output."""
    choice.forget()
    env = {"LANG": "C.UTF-8", "COLUMNS": "120", "ENGAGE_CONSULTANT": None}
    env.update(dict.fromkeys(("LANGUAGE", "LC_ALL", "LC_MESSAGES")))
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code in (0, 1), (args, result.exit_code, result.stdout, result.stderr)
    return result.stdout


def xlsx_text(path: Path) -> str:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(path)
    cells = [book.sheetnames]
    for sheet in book.worksheets:
        cells += [[value for value in row if value is not None] for row in sheet.iter_rows(values_only=True)]
    return "\n".join(" | ".join(str(value) for value in row) for row in cells)


def ics_text(ics: str) -> str:
    """The SUMMARY and DESCRIPTION values of an iCalendar text, unfolded and unescaped."""
    unfolded = re.sub(r"\r?\n[ \t]", "", ics)
    values = [
        line.split(":", 1)[1]
        for line in unfolded.splitlines()
        if line.split(":", 1)[0].split(";")[0] in ("SUMMARY", "DESCRIPTION")
    ]
    return "\n".join(value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";") for value in values)


def documents(tor: ToR, folder: Path) -> dict[str, str]:
    """Every document of ``tor``, made in ``folder`` after its consultant's steps: name -> text."""
    schedule = folder / tor.name
    shutil.copy(SCHEDULES / "tors" / tor.name, schedule)
    s = ("-s", str(schedule))
    for step in tor.steps:
        run(*s, *step)
    as_of = ("--as-of", tor.today.isoformat())
    made: dict[str, str] = {}
    for fmt in ("plain", "markdown", "html"):
        made[f"status {fmt}"] = run(*s, "status", "--week", tor.week, "--format", fmt)
        made[f"report {fmt}"] = run(*s, "report", *as_of, "--format", fmt)
    for fmt in ("plain", "markdown", "html"):
        made[f"fees {fmt}"] = run(*s, "fees", *as_of, "--format", fmt)
    run(*s, "status", "--week", tor.week, "--format", "xlsx", "-o", str(folder / "status.xlsx"))
    made["status xlsx"] = xlsx_text(folder / "status.xlsx")
    made["show"] = run(*s, "show", *as_of)
    made["budget"] = run(*s, "budget", *as_of)
    for fmt in ("plain", "html"):
        made[f"timesheet {fmt}"] = run(*s, "timesheet", "--month", tor.month, "--format", fmt)
    run(*s, "timesheet", "--month", tor.month, "-o", str(folder / "sheet.xlsx"))
    made["timesheet xlsx"] = xlsx_text(folder / "sheet.xlsx")
    if shutil.which("pdftotext"):
        run(*s, "timesheet", "--month", tor.month, "-o", str(folder / "sheet.pdf"))
        pdf = subprocess.run(["pdftotext", str(folder / "sheet.pdf"), "-"], capture_output=True, text=True)
        made["timesheet pdf"] = pdf.stdout
    made["calendar (SUMMARY, DESCRIPTION)"] = ics_text(run(*s, "calendar"))
    run(*s, "invoice", "-d", tor.today.isoformat(), "-o", str(folder / "invoice.html"))
    made["invoice html"] = (folder / "invoice.html").read_text("utf-8")
    return made


@pytest.mark.parametrize("language", sorted(TORS))
def test_every_document_of_the_tor_speaks_its_language(
    language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tor = TORS[language]
    monkeypatch.setattr(engage.session, "today_in", lambda zone: tor.today)
    monkeypatch.setattr(engage, "today_in", lambda zone: tor.today, raising=False)
    phrases = english_phrases(language)
    assert len(phrases) > 100, "the catalogue templates hold engage's English"
    made = documents(tor, tmp_path)
    assert all(text.strip() for text in made.values()), [
        name for name, text in made.items() if not text.strip()
    ]
    found = [
        f"{name}: {phrase!r} (of {msgid!r})"
        for name, text in made.items()
        for phrase, msgid in sorted(phrases.items())
        if phrase in text
    ]
    found += [
        f"{name}: not <html lang={language!r}>"
        for name, text in made.items()
        if text.startswith("<!DOCTYPE html>") and f'<html lang="{language}"' not in text
    ]
    assert not found, (
        f"{len(found)} English phrases of engage's own in the {language} documents:\n" + "\n".join(found)
    )
