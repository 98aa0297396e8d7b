"""Bad input of every kind: one line on stderr naming what was wrong and what is right, exit 2, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import Seed, copy_seed, invoke, one_line_error

# (seed, text replaced, replacement, fragments the one-line error must hold)
BAD_SCHEDULES = [
    ("ijm", "days = 7\n", "days = -1\n", ["phases[0].days", "must be a positive number, got -1", "line "]),
    ("ijm", "days = 7\n", "days = 0\n", ["phases[0].days", "positive"]),
    ("ijm", "days = 7\n", 'days = "seven"\n', ["phases[0].days", "'seven'"]),
    ("ijm", "days = 7\n", "days = true\n", ["phases[0].days", "boolean"]),
    ("ijm", "days = 7\n", "days = 100000\n", ["phases[0].days", "at most"]),
    ("ijm", "days = 7\n", "days = nan\n", ["phases[0].days", "positive"]),
    ("ijm", "days = 7\n", "dayz = 7\n", ["phases[0].dayz", "unknown key", "did you mean 'days'"]),
    ("ijm", "max_days = 20", "max_days = -20", ["max_days", "positive"]),
    ("ijm", "max_days = 20", "max_day = 20", ["max_day", "did you mean 'max_days'"]),
    ("ijm", 'timezone = "Africa/Nairobi"', 'timezone = "Africa/Atlantis"', ["timezone", "IANA"]),
    ("ijm", "start = 2021-11-16\n", 'start = "16/11/2021"\n', ["start", "2021-11-23"]),
    ("ijm", "end = 2021-11-22", "end = 2021-11-01", ["phases[0].end", "before"]),
    ("ijm", 'key = "writeup"', 'key = "prep"', ["phases[2].key", "used twice"]),
    ("ijm", 'key = "writeup"', 'key = "Write Up"', ["phases[2].key", "lower-case"]),
    (
        "ijm",
        'due = "end of phase writeup"',
        'due = "end of phase editing"',
        ["deliverables[3].due", "editing"],
    ),
    (
        "ijm",
        'due = "end of phase writeup"',
        'due = "next week"',
        ["deliverables[3].due", "end of phase prep", "working days after"],
    ),
    ("ijm", 'depends_on = ["draft"]', 'depends_on = ["drafts"]', ["deliverables[5].depends_on[0]", "drafts"]),
    (
        "ijm",
        'depends_on = ["draft"]',
        'depends_on = ["annexes"]',
        ["deliverables[5].depends_on[0]", "itself"],
    ),
    ("ijm", 'kind = "validation"', 'kind = "party"', ["meetings[1].kind", "retreat, workshop, validation"]),
    ("ijm", 'phase = "writeup"', 'phase = "write-up"', ["deliverables[3].phase", "prep, retreat"]),
    ("ijm", 'working_days = ["mon",', 'working_days = ["moon",', ["working_days[0]", "weekday"]),
    (
        "ijm",
        'working_days = ["mon",',
        'working_days = ["monkey",',
        ["working_days[0]", "weekday", "'monkey'"],
    ),
    ("ijm", 'holidays = "KE"', 'holidays = "Kenya"', ["holidays", "country code"]),
    ("ijm", "[supervisor]\n", "[supervsor]\n", ["supervsor", "unknown table"]),
    (
        "ijm",
        'role = "Associate Director, Programs"',
        'email = "not-an-address"',
        ["supervisor", "name or a role"],
    ),
    ("ijm", "hours_per_day = 8", "hours_per_day = 25", ["hours_per_day", "at most 24"]),
    ("ijm", 'id = "ijm-kenya-pap-2021"', 'id = "IJM Kenya"', ["id", "lower-case"]),
    ("ijm", "date = 2021-11-15T17:00:00", "date = 2021-11-15T17:00:00+03:00", ["deadlines[0].date", "local"]),
    ("ijm", "date = 2021-11-15T17:00:00", 'date = "COB"', ["deadlines[0].date", "'COB'"]),
    ("ijm", '[[phases]]\nkey = "prep"', '[[phases]]\nkey = "prep"\nkey = "again"', ["line ", "invalid TOML"]),
    ("ijm", 'title = "', 'title = """', ["invalid TOML"]),
    ("defenders", 'depends_on = ["draft", "validation"]', 'depends_on = ["final"]', ["depends_on", "itself"]),
    ("defenders", "days = 4\n", "days = 1e400\n", ["phases[0].days", "positive"]),
]


@pytest.mark.parametrize(("seed_name", "old", "new", "fragments"), BAD_SCHEDULES)
def test_bad_schedule_is_one_clear_line(
    tmp_path: Path, seed_name: str, old: str, new: str, fragments: list[str]
) -> None:
    seed = copy_seed(seed_name, tmp_path)
    seed.rewrite(old, new)
    before = seed.text()
    line = one_line_error(seed.run("log", "1", "--phase", "prep"), seed.path.name, *fragments)
    assert line.startswith("engage: error: ")
    assert seed.text() == before
    assert not seed.ledger.exists()


def test_dependency_cycle_is_named(ijm: Seed) -> None:
    ijm.rewrite('depends_on = ["retreat", "template"]', 'depends_on = ["retreat", "annexes"]')
    one_line_error(ijm.run("show"), "cycle", "draft -> annexes -> draft")


# (arguments after `engage -s SEED`, fragments of the one-line error)
PHASE = "{phase}"  # the seed's first phase
BAD_ARGUMENTS = [
    (["log", "0", "--phase", PHASE], ["'0'", "positive"]),
    (["log", "-1", "--phase", PHASE], ["-1"]),
    (["log", "--phase", PHASE, "--", "-1"], ["'-1'", "4h"]),
    (["log", "abc", "--phase", PHASE], ["'abc'", "4h, 30m"]),
    (["log", "1,5", "--phase", PHASE], ["'1,5'"]),
    (["log", "32", "--phase", PHASE], ["more than a month"]),
    (["log", "25h", "--phase", PHASE], ["more than 24 hours"]),
    (["log", "inf", "--phase", PHASE], ["'inf'"]),
    (["log", "nan", "--phase", PHASE], ["'nan'"]),
    (["log", "1e3", "--phase", PHASE], ["'1e3'"]),
    (["log", "0h", "--phase", PHASE], ["positive"]),
    (["log", "h", "--phase", PHASE], ["'h'"]),
    (["log", "1", "--phase", "nope"], ["unknown phase 'nope'", "phases of"]),
    (["log", "1"], ["Missing option '--phase'"]),
    (["log", "1", "--phase", PHASE, "--date", "2021-02-30"], ["'2021-02-30'", "ISO date"]),
    (["log", "1", "--phase", PHASE, "--date", "tomorrowish"], ["'tomorrowish'", "yesterday"]),
    (["log", "1", "--phase", PHASE, "--date", "0001-01-01"], ["plausible"]),
    (["log", "1", "--phase", PHASE, "--date", ""], ["''"]),
    (["log", "1", "--phase", PHASE, "--bogus"], ["No such option '--bogus'"]),
    (["entries", "--week", "2021-W54"], ["no week 54"]),
    (["entries", "--week", "last week"], ["ISO week"]),
    (["entries", "--phase", "nope"], ["unknown phase"]),
    (["entries", "--format", "xml"], ["'xml'"]),
    (["void", "ffffffffffff"], ["no record with id"]),
    (["void", "ab"], ["no record"]),
    (["deliver", "nope", "--status", "submitted"], ["unknown deliverable 'nope'"]),
    (["deliver", "draft", "--status", "done"], ["'done'", "submitted"]),
    (["meeting", "nope", "--outcome", "held"], ["unknown meeting 'nope'"]),
    (["meeting", "validation", "--outcome", "great"], ["'great'"]),
    (["import", "missing.csv"], ["missing.csv", "no such file"]),
    (["show", "--format", "yaml"], ["'yaml'"]),
    (["frobnicate"], ["No such command 'frobnicate'"]),
]


@pytest.mark.parametrize(("args", "fragments"), BAD_ARGUMENTS)
def test_bad_argument_is_one_clear_line(seed: Seed, args: list[str], fragments: list[str]) -> None:
    phase = json.loads(seed.run("show", "--format", "json").stdout)["phases"][0]["key"]
    assert seed.run("log", "1", "--phase", phase).exit_code == 0
    before = seed.ledger.read_bytes()
    one_line_error(seed.run(*[a.format(phase=phase) for a in args]), *fragments)
    assert seed.ledger.read_bytes() == before


def test_consultant_not_in_schedule_is_refused(ijm: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENGAGE_CONSULTANT")
    ijm.rewrite("consultants = []", 'consultants = ["Amina Odhiambo", "Peter Kamau"]')
    one_line_error(ijm.run("log", "1", "--phase", "prep"), "several consultants", "Amina Odhiambo")
    one_line_error(
        ijm.run("log", "1", "--phase", "prep", "--consultant", "Someone"), "not a consultant", "Peter Kamau"
    )
    assert not ijm.ledger.exists()
    assert ijm.run("log", "1", "--phase", "prep", "--consultant", "Peter Kamau").exit_code == 0


SCHEDULE_FILES = [
    ("missing.toml", None, ["no such schedule file"]),
    ("folder", "dir", ["is a folder"]),
    ("latin1.toml", b'title = "Caf\xe9"\n', ["cannot read schedule"]),
    ("empty.toml", b"", ["missing"]),
    ("no-zone.toml", b'id = "x"\n', ["timezone: missing", "Africa/Nairobi"]),
]


@pytest.mark.parametrize(("name", "content", "fragments"), SCHEDULE_FILES)
def test_unreadable_schedule(tmp_path: Path, name: str, content: object, fragments: list[str]) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    one_line_error(invoke("-s", str(path), "show"), *fragments)


def test_no_schedule_anywhere_says_how_to_choose_one(tmp_path: Path) -> None:
    one_line_error(invoke("show"), "no schedule chosen", "-s FILE", "engage init")


def test_unwritable_ledger_is_one_line(ijm: Seed, tmp_path: Path) -> None:
    one_line_error(
        invoke(
            "-s",
            str(ijm.path),
            "--ledger",
            str(tmp_path / "no" / "such" / "l.jsonl"),
            "log",
            "1",
            "-p",
            "prep",
        ),
        "folder does not exist",
    )


def test_o_never_writes_over_engages_own_files(ijm: Seed, tmp_path: Path) -> None:
    """``status --format csv -o NAME.ledger.jsonl`` wiped the ledger: a report never lands on a ledger,
    its lock, a schedule (any .toml), a calendar state or the timesheets' allowed signers."""
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16").exit_code == 0
    ledger = ijm.ledger.read_bytes()
    schedule = ijm.text()
    renamed = tmp_path / "kept-records.jsonl"  # a ledger by what it holds, whatever its name
    renamed.write_bytes(ledger)
    state = tmp_path / "engage.calendar.json"
    state.write_text("{}", encoding="utf-8")
    signers = tmp_path / "allowed_signers"
    signers.write_text("ann ssh-ed25519 AAAA\n", encoding="utf-8")
    lock = Path(str(ijm.ledger) + ".lock")
    for target in (ijm.ledger, ijm.path, renamed, state, tmp_path / "new.toml", signers, lock):
        for args in (
            ("status", "--format", "csv", "-o", str(target)),
            ("entries", "--format", "csv", "-o", str(target)),
            ("calendar", "-o", str(target)),
        ):
            one_line_error(ijm.run(*args), str(target), "-o")
    assert ijm.ledger.read_bytes() == ledger and renamed.read_bytes() == ledger
    assert ijm.text() == schedule and state.read_text(encoding="utf-8") == "{}"
    assert signers.read_text(encoding="utf-8") == "ann ssh-ed25519 AAAA\n"
    assert not (tmp_path / "new.toml").exists()
    assert ijm.run("status", "--format", "csv", "-o", str(tmp_path / "report.csv")).exit_code == 0
