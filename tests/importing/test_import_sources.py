"""What an import reads, and what it takes from it, whatever the file is and whatever it holds.

A device (``/dev/zero``), a folder where a file belongs, or a file past 256 MB is refused in one
line before memory runs out (run under RLIMIT_AS, so a regression fails rather than kills the
machine); a pipe and ``-`` work for every format. Text no output can show (a lone surrogate) is
refused naming the item; a piece of an interval under a minute at midnight joins its day; names
are read as ``log --consultant`` reads them, and a note is held to a CSV cell's limit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from fractions import Fraction
from pathlib import Path

import pytest

from engage import Entry
from engage.ledger.ledger import Ledger
from helpers import Seed, one_line_error
from helpers.processes import ENGAGE, engage_env

WATSON_MAP = ("--map", "prep=prep")
SOURCES = [
    ("--from", "watson"),
    ("--from", "timewarrior"),
    ("--from", "klog"),
    ("--from", "timedot"),
    ("--from", "toggl"),
    ("--from", "harvest"),
    (),  # a CSV timesheet
]


def _limited() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # a regression fails here, not the machine


def _engage(seed: Seed, *args: str, stdin: int | None = None) -> subprocess.CompletedProcess[str]:
    """The installed engage on ``seed``, its memory limited to 2 GB."""
    return subprocess.run(
        [ENGAGE, "-s", str(seed.path), *args],
        capture_output=True,
        text=True,
        env=engage_env(),
        timeout=120,
        preexec_fn=_limited,
        stdin=stdin,
    )


def _logged(seed: Seed) -> list[Entry]:
    """The live entries of ``seed``'s ledger, as engage reads them."""
    return Ledger.read(seed.ledger, Fraction(8)).entries()


def _one_line(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr[-500:]
    for fragment in fragments:
        assert fragment in done.stderr, (fragment, done.stderr)


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s[1] if s else "csv")
def test_a_device_is_refused_before_a_byte_is_read(ijm: Seed, source: tuple[str, ...]) -> None:
    _one_line(_engage(ijm, "import", *source, "/dev/zero"), "/dev/zero: is a device", "give ")
    assert not ijm.ledger.exists()


def test_a_watson_folder_whose_frames_is_a_link_to_a_device_is_refused(ijm: Seed, tmp_path: Path) -> None:
    folder = tmp_path / "watson"
    folder.mkdir()
    (folder / "frames").symlink_to("/dev/zero")
    _one_line(_engage(ijm, "import", "--from", "watson", str(folder)), "frames: is a device")
    assert not ijm.ledger.exists()


@pytest.mark.parametrize("name", ["timewarrior", "klog", "timedot"])
def test_a_folder_where_a_file_belongs_is_refused(ijm: Seed, tmp_path: Path, name: str) -> None:
    one_line_error(ijm.run("import", "--from", name, str(tmp_path)), f"{tmp_path}: is a folder")
    assert not ijm.ledger.exists()


def test_a_file_past_256_mb_is_refused_naming_the_limit(ijm: Seed, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with big.open("wb") as sparse:
        sparse.truncate(257 * 1024 * 1024)
    _one_line(_engage(ijm, "import", str(big)), "big.csv: more than 256 MB")
    assert not ijm.ledger.exists()


def test_standard_input_past_256_mb_is_refused_too(ijm: Seed) -> None:
    with open("/dev/zero", "rb") as endless:
        done = _engage(ijm, "import", "--from", "watson", "-", stdin=endless.fileno())
    _one_line(done, "-: more than 256 MB")
    assert not ijm.ledger.exists()


TIMEW = [{"start": "20211116T060000Z", "end": "20211116T070000Z", "tags": ["prep"], "annotation": "desk"}]


def test_a_pipe_is_read_as_a_file(ijm: Seed, tmp_path: Path) -> None:
    pipe = tmp_path / "timew.pipe"
    os.mkfifo(pipe)

    def feed() -> None:
        with pipe.open("w") as writer:
            writer.write(json.dumps(TIMEW))

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    done = _engage(ijm, "import", "--from", "timewarrior", str(pipe))
    feeder.join(5)
    assert done.returncode == 0, done.stderr
    assert "Imported 1 entry" in done.stdout
    assert [e.amount for e in _logged(ijm)] == [1]


FILES = {
    "watson": ('[[1637042400, 1637046000, "prep", "a1", ["desk"], 0]]', WATSON_MAP),
    "timewarrior": (json.dumps(TIMEW), ()),
    "klog": ("2021-11-16\n    1h desk #prep\n", ()),
    "timedot": ("2021-11-16\nprep  1h\n", ()),
    "toggl": (
        "Project,Description,Start date,Start time,Duration\nprep,desk,2021-11-16,09:00:00,01:00:00\n",
        (),
    ),
    "harvest": ("Date,Project,Task,Hours\n2021-11-16,prep,desk,1\n", ()),
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_format_reads_standard_input(ijm: Seed, name: str) -> None:
    text, maps = FILES[name]
    done = ijm.run("import", "--from", name, "-", *maps, input=text)
    assert done.exit_code == 0, done.stderr
    assert "Imported 1 entry" in done.stdout and "from -" in done.stdout
    assert [e.amount for e in _logged(ijm)] == [1]


@pytest.mark.parametrize(
    ("name", "text", "maps", "where"),
    [
        (
            "frames",
            '[[1637049600, 1637053200, "prep", "z1000000000000000000000000000000", ["\\ud800 x"], 1]]',
            ("--from", "watson", *WATSON_MAP),
            "frame 1 (z100000)",
        ),
        (
            "timew.json",
            '[{"start": "20211116T080000Z", "end": "20211116T090000Z", "tags": ["prep"], "annotation": "\\udfff"}]',
            ("--from", "timewarrior"),
            "interval 1",
        ),
        (
            "timew.json",
            '[{"start": "20211116T080000Z", "end": "20211116T090000Z", "tags": ["pr\\udfffep"]}]',
            ("--from", "timewarrior"),
            "interval 1",
        ),
    ],
)
def test_a_lone_surrogate_is_refused_naming_the_item(
    ijm: Seed, tmp_path: Path, name: str, text: str, maps: tuple[str, ...], where: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    done = subprocess.run(
        [ENGAGE, "-s", str(ijm.path), "import", str(path), *maps],
        capture_output=True,
        text=True,
        env=engage_env(),
        timeout=60,
        errors="surrogateescape",
    )
    _one_line(done, f"{path}: {where}", "lone surrogate")
    assert not ijm.ledger.exists()


def test_seconds_before_midnight_join_the_day_holding_most_of_the_interval(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "timew.json"  # 23:59:30 to 00:10 in Nairobi: 30 s on the 16th, 10 min on the 17th
    path.write_text('[{"start": "20211116T205930Z", "end": "20211116T211000Z", "tags": ["prep"]}]')
    done = ijm.run("import", "--from", "timewarrior", str(path))
    assert done.exit_code == 0, done.stderr
    assert [(e.date.isoformat(), e.amount) for e in _logged(ijm)] == [("2021-11-17", Fraction(630, 3600))]


def test_seconds_after_midnight_join_the_day_before(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "frames"  # 23:50 to 00:00:20 in Nairobi
    path.write_text('[[1637095800, 1637096420, "prep", "a1", [], 0]]')
    done = ijm.run("import", "--from", "watson", str(path), *WATSON_MAP)
    assert done.exit_code == 0, done.stderr
    entries = _logged(ijm)
    assert [(e.date.isoformat(), e.amount * 3600) for e in entries] == [("2021-11-16", 620)]


def test_an_interval_under_a_minute_across_midnight_stays_refused(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "timew.json"
    path.write_text('[{"start": "20211116T205930Z", "end": "20211116T210020Z", "tags": ["prep"]}]')
    one_line_error(ijm.run("import", "--from", "timewarrior", str(path)), "interval 1", "less than a minute")
    assert not ijm.ledger.exists()


def test_an_imported_name_is_read_as_log_reads_one(ijm: Seed, tmp_path: Path) -> None:
    assert ijm.run("log", "1h", "-p", "prep", "-d", "2021-11-15", "-c", "Ann\nB\t Otieno").exit_code == 0
    path = tmp_path / "frames"
    path.write_text(
        json.dumps([[1637042400, 1637046000, "prep", "a1", ["consultant:\n Ann\nB\t Otieno\r\n"], 0]])
    )
    done = ijm.run("import", "--from", "watson", str(path), *WATSON_MAP)
    assert done.exit_code == 0, done.stderr
    assert [e.consultant for e in _logged(ijm)] == ["Ann B Otieno", "Ann B Otieno"]


def test_a_name_in_a_csv_export_is_read_as_log_reads_one(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "harvest.csv"
    path.write_text(
        'Date,Project,Task,Hours,First name,Last name\n2021-11-16,prep,desk,1,"Ann\nB",\tOtieno\n'
    )
    done = ijm.run("import", "--from", "harvest", str(path))
    assert done.exit_code == 0, done.stderr
    assert [e.consultant for e in _logged(ijm)] == ["Ann B Otieno"]


def test_a_name_given_with_consultant_matches_the_name_read(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "frames"
    path.write_text(json.dumps([[1637042400, 1637046000, "prep", "a1", ["consultant:Ann\nB"], 0]]))
    done = ijm.run("import", "--from", "watson", str(path), *WATSON_MAP, "-c", "Ann  B=amina")
    assert done.exit_code == 0, done.stderr
    assert [e.consultant for e in _logged(ijm)] == ["amina"]


@pytest.mark.parametrize("size", [128 * 1024 + 1, 12 * 1024 * 1024])
def test_a_note_longer_than_a_csv_cell_is_refused(ijm: Seed, tmp_path: Path, size: int) -> None:
    path = tmp_path / "frames"
    path.write_text(json.dumps([[1637042400, 1637046000, "prep", "a1", ["n" * size], 0]]))
    one_line_error(
        ijm.run("import", "--from", "watson", str(path), *WATSON_MAP),
        f"{path}: frame 1 (a1)",
        "longer than 128 KB",
    )
    assert not ijm.ledger.exists()


def test_a_note_of_128_kb_is_taken(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "frames"
    path.write_text(json.dumps([[1637042400, 1637046000, "prep", "a1", ["n" * 128 * 1024], 0]]))
    assert ijm.run("import", "--from", "watson", str(path), *WATSON_MAP).exit_code == 0
    assert len(_logged(ijm)[0].note) == 128 * 1024


def test_a_file_of_empty_items_says_so(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "empty.klg"
    path.write_text("2021-11-16\n    0m desk #prep\n")
    done = ijm.run("import", "--from", "klog", str(path))
    assert done.exit_code == 0, done.stderr
    assert done.stdout.strip() == f"Nothing new in {path}: none of its items holds any time"
    assert "no time in it; not imported" in done.stderr
    assert not ijm.ledger.exists()


def test_nothing_new_counts_in_words(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "one.klg"
    path.write_text("2021-11-16\n    1h desk #prep\n")
    assert ijm.run("import", "--from", "klog", str(path)).exit_code == 0
    again = ijm.run("import", "--from", "klog", str(path))
    assert again.stdout.strip() == f"Nothing new in {path}: 1 entry from it is already in the ledger"
    path.write_text("2021-11-16\n    1h desk #prep\n    2h more #prep\n")
    assert ijm.run("import", "--from", "klog", str(path)).exit_code == 0
    third = ijm.run("import", "--from", "klog", str(path))
    assert third.stdout.strip() == f"Nothing new in {path}: 2 entries from it are already in the ledger"


if sys.platform != "linux":  # /dev/zero, FIFOs and RLIMIT_AS as on Linux
    pytestmark = pytest.mark.skip(reason="Linux only")
