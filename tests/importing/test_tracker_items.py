"""Other trackers' items checked as ``log`` checks what is typed, before anything is written.

What ``log`` refuses (less than a minute, more than a day, a date outside 1970-2100, an
amount the ledger cannot hold exactly) an import refuses, naming the file and the item:
exit 2, one line, the ledger's bytes unchanged. Files that overflow a reader (an infinite
Unix time, a year-9999 instant moved east of UTC, JSON nested past Python's limit) are one
line too. Untagged items map with ``--map '(no project or tag)=PHASE'``. Concurrent imports
with ``--allow-duplicates`` add each tracker item once.
"""

from __future__ import annotations

import json
import subprocess
import time
from fractions import Fraction
from pathlib import Path

import pytest

from engage.ledger.ledger import Ledger
from engage.ledger.lock import held
from helpers import Seed, one_line_error
from helpers.processes import ENGAGE, engage_env
from helpers.trackers import hours_by_day, tracker_file

WATSON_MAP = ("--map", "ijm=prep")

# (file name, content, --map arguments, where the bad item is, what the one line says)
BAD_ITEMS = [
    ("half-second.timedot", "2021-11-16\nprep  0.5s\n", (), ":2", "less than a minute"),
    ("tiny.timedot", "2021-11-16\nprep  0.0000001\n", (), ":2", "less than a minute"),
    ("precise.timedot", "2021-11-16\nprep  1.2345678\n", (), ":2", "more precise than engage keeps"),
    ("long.timedot", "2021-11-16\nprep  25h\n", (), ":2", "more than 24 hours"),
    ("frames", '[[1637042400, 1637042401, "ijm", "a1", [], 0]]', WATSON_MAP, "frame 1", "less than a minute"),
    ("frames", '[[-315619200, -315615600, "ijm", "a1", [], 0]]', WATSON_MAP, "frame 1", "'1960-01-01'"),
    ("frames", '[[5680281600, 5680285200, "ijm", "a1", [], 0]]', WATSON_MAP, "frame 1", "'2150-01-01'"),
    (
        "timew.json",
        '[{"start": "00010102T000000Z", "end": "00010102T010000Z", "tags": ["prep"]}]',
        (),
        "interval 1",
        "dated 1970 to 2100",
    ),
    (
        "timew.json",
        '[{"start": "20211116T060000Z", "end": "20211116T060030Z", "tags": ["prep"]}]',
        (),
        "interval 1",
        "less than a minute",
    ),
    ("old.klg", "1900-01-01\n    1h desk review #prep\n", (), ":2", "'1900-01-01'"),
]

# (file name, content, --map arguments, what the one line says): readers' overflows
OVERFLOWS = [
    ("frames", '[[1637042400, Infinity, "ijm", "a1", [], 0]]', WATSON_MAP, "frames"),
    ("frames", '[[1e20, 1e20, "ijm", "a1", [], 0]]', WATSON_MAP, "frames"),
    ("frames", "[[1637042400, 1" + "0" * 400 + ', "ijm", "a1", [], 0]]', WATSON_MAP, "too large"),
    (
        "timew.json",
        '[{"start": "99991231T230000Z", "end": "99991231T235900Z", "tags": ["prep"]}]',
        (),
        "dated 1970 to 2100",
    ),
    ("frames", "[" * 100_000 + "]" * 100_000, WATSON_MAP, "nested too deeply"),
    ("timew.json", "[" * 100_000 + "]" * 100_000, (), "nested too deeply"),
]


def _format(name: str) -> str:
    if name == "frames":
        return "watson"
    return {".json": "timewarrior", ".klg": "klog", ".timedot": "timedot"}[Path(name).suffix]


def _logged_once(ijm: Seed) -> bytes:
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16", "--note", "before").exit_code == 0
    return ijm.ledger.read_bytes()


@pytest.mark.parametrize(("name", "content", "maps", "where", "says"), BAD_ITEMS)
def test_an_item_log_would_refuse_is_refused_with_its_file_and_place(
    ijm: Seed, tmp_path: Path, name: str, content: str, maps: tuple[str, ...], where: str, says: str
) -> None:
    before = _logged_once(ijm)
    path = tmp_path / "in" / name
    path.parent.mkdir()
    path.write_text(content)
    result = ijm.run("import", "--from", _format(name), str(path), *maps)
    one_line_error(result, str(path), where, says)
    assert ijm.ledger.read_bytes() == before
    assert "damaged" not in ijm.run("status").stderr


@pytest.mark.parametrize(("name", "content", "maps", "says"), OVERFLOWS)
def test_a_file_that_overflows_a_reader_is_one_line(
    ijm: Seed, tmp_path: Path, name: str, content: str, maps: tuple[str, ...], says: str
) -> None:
    before = _logged_once(ijm)
    path = tmp_path / "in" / name
    path.parent.mkdir()
    path.write_text(content)
    result = ijm.run("import", "--from", _format(name), str(path), *maps)
    line = one_line_error(result, str(path), says)
    assert "internal error" not in line
    assert ijm.ledger.read_bytes() == before


@pytest.mark.parametrize(
    ("text", "says"),
    [("1.2345678", "more precise than engage keeps"), ("1.2345678h", "more precise than engage keeps")],
)
def test_log_and_csv_refuse_an_amount_the_ledger_cannot_hold(
    ijm: Seed, tmp_path: Path, text: str, says: str
) -> None:
    before = _logged_once(ijm)
    one_line_error(ijm.run("log", text, "-p", "prep", "-d", "2021-11-16"), says)
    column = "hours" if text.endswith("h") else "days"
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        f"date,phase,{column},consultant,note\n2021-11-16,prep,{text.rstrip('h')},Test Consultant,x\n"
    )
    one_line_error(ijm.run("import", str(sheet)), "sheet.csv: row 2", says)
    assert ijm.ledger.read_bytes() == before


UNTAGGED = [
    ("timew.json", '[{"start": "20211116T060000Z", "end": "20211116T073000Z", "annotation": "no tags"}]'),
    ("work.klg", "2021-11-16\n    1h30m desk review, no tags\n"),
]


@pytest.mark.parametrize(("name", "content"), UNTAGGED)
def test_untagged_items_map_with_no_project_or_tag(
    ijm: Seed, tmp_path: Path, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    args = ("import", "--from", _format(name), str(path))
    one_line_error(ijm.run(*args), "'(no project or tag)'", "--map")
    assert not ijm.ledger.exists()
    result = ijm.run(*args, "--map", "(no project or tag)=prep")
    assert result.exit_code == 0, result.stderr
    [entry] = json.loads(ijm.run("entries", "--format", "json").stdout)
    assert (entry["date"], entry["phase"], Fraction(entry["days"]).limit_denominator(1000)) == (
        "2021-11-16",
        "prep",
        Fraction(3, 16),
    )
    assert "already in the ledger" in ijm.run(*args, "--map", "(no project or tag)=prep").stdout


@pytest.mark.parametrize("name", ["watson", "timewarrior"])
def test_concurrent_imports_with_allow_duplicates_count_each_item_once(
    ijm: Seed, tmp_path: Path, name: str
) -> None:
    tracker = tracker_file(name, tmp_path, 60)
    command = [ENGAGE, "-s", str(ijm.path), "import", *tracker.args, "--allow-duplicates"]
    with held(Path(f"{ijm.ledger}.lock"), 5):  # all six read the file and wait for the lock at once
        procs = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=engage_env())
            for _ in range(6)
        ]
        time.sleep(5)
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    imported = [o[0] for o in outs if b"Imported" in o[0]]
    assert len(imported) == 1, outs  # the others found every item there, under the lock
    ledger = Ledger.read(ijm.ledger, Fraction(8))
    assert len(ledger.entries()) == tracker.items
    assert hours_by_day(ledger) == tracker.hours_by_day
    again = ijm.run("import", *tracker.args, "--allow-duplicates")
    assert "already in the ledger" in again.stdout


def test_a_damaged_imported_line_is_no_import(ijm: Seed, tmp_path: Path) -> None:
    # What an older engage wrote and the strict reader refuses ("1e-07" hours) never counted:
    # the item it came from is imported when the file is fixed, not called changed or already there.
    _logged_once(ijm)
    damaged = {
        "id": "0123456789ab",
        "kind": "entry",
        "recorded_at": "2021-11-16T09:00:00Z",
        "date": "2021-11-16",
        "phase": "prep",
        "hours": "1e-07",
        "consultant": "Test Consultant",
        "note": "",
        "source": "watson:a1",
        "source_digest": "0000000000000000",
    }
    with ijm.ledger.open("a") as ledger:
        ledger.write(json.dumps(damaged) + "\n")
    frames = tmp_path / "frames"
    frames.write_text('[[1637042400, 1637046000, "ijm", "a1", [], 0]]')
    result = ijm.run("import", "--from", "watson", str(frames), *WATSON_MAP)
    assert result.exit_code == 0 and "Imported 1 entry" in result.stdout, result.stderr
    assert sorted((e.unit, e.amount) for e in Ledger.read(ijm.ledger, Fraction(8)).entries()) == [
        ("days", 1),
        ("hours", 1),
    ]
