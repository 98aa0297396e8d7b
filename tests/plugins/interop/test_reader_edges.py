"""The readers' edges: what a line or a frame says read as its own tracker reads it, errors that say what
is missing once, and the TaskJuggler export keeping people apart and bookings end to end."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import pytest

from helpers import Seed, one_line_error
from helpers.processes import ENGAGE, engage_env

WATSON_MAP = ("--map", "prep=prep")


@pytest.mark.parametrize("line", ["prep\t1", "ijm:prep\t2h", "prep \t\tx 1"])
def test_timedot_a_single_tab_before_an_amount_is_refused_as_hledger_reads_no_time(
    ijm: Seed, tmp_path: Path, line: str
) -> None:
    path = tmp_path / "x.timedot"
    path.write_text(f"2021-11-16\n{line}\n")
    if line.startswith("prep \t\t"):  # two white-space characters end the account: 'x 1' is no amount
        one_line_error(ijm.run("import", "--from", "timedot", str(path)), f"{path}:2", "'x 1'")
    else:
        one_line_error(ijm.run("import", "--from", "timedot", str(path)), f"{path}:2", "two spaces")
    assert not ijm.ledger.exists()


@pytest.mark.parametrize("line", ["prep\t\t1", "prep \t1", "prep\t 1", "prep  1"])
def test_timedot_two_white_space_characters_end_the_account(ijm: Seed, tmp_path: Path, line: str) -> None:
    path = tmp_path / "x.timedot"
    path.write_text(f"2021-11-16\n{line}\n")
    done = ijm.run("import", "--from", "timedot", str(path))
    assert done.exit_code == 0, done.stderr
    assert "That is 1.00 hours" in done.stdout


@pytest.mark.parametrize(
    ("frames", "said"),
    [
        ('[[1637042400, 1637046000, "prep"]]', "frame 1: 3 fields"),
        ("[[]]", "frame 1: 0 fields"),
        ('[{"start": 1637042400}]', "frame 1: a JSON dict"),
    ],
)
def test_watson_a_frame_too_short_says_what_a_frame_holds(
    ijm: Seed, tmp_path: Path, frames: str, said: str
) -> None:
    path = tmp_path / "frames"
    path.write_text(frames)
    line = one_line_error(
        ijm.run("import", "--from", "watson", str(path), *WATSON_MAP), said, "start, stop, project and id"
    )
    assert "index" not in line


def test_watson_deep_json_names_what_to_give_once(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "frames"
    path.write_text("[" * 100_000 + "]" * 100_000)
    line = one_line_error(ijm.run("import", "--from", "watson", str(path), *WATSON_MAP), "nested too deeply")
    assert line.count("Watson's frames file") == 1, line


def test_watson_a_corrupt_state_file_is_said_in_one_warning(ijm: Seed, tmp_path: Path) -> None:
    folder = tmp_path / "watson"
    folder.mkdir()
    (folder / "frames").write_text('[[1637042400, 1637046000, "prep", "a1", [], 0]]')
    (folder / "state").write_text('{"project": ')
    done = ijm.run("import", "--from", "watson", str(folder), *WATSON_MAP)
    assert done.exit_code == 0, done.stderr
    assert done.stderr.count("\n") == 1 and "state: Invalid JSON" in done.stderr, done.stderr
    assert "Imported 1 entry" in done.stdout


def test_watson_no_state_file_says_nothing(ijm: Seed, tmp_path: Path) -> None:
    (tmp_path / "frames").write_text('[[1637042400, 1637046000, "prep", "a1", [], 0]]')
    done = ijm.run("import", "--from", "watson", str(tmp_path / "frames"), *WATSON_MAP)
    assert done.exit_code == 0 and done.stderr == "", done.stderr


def test_timewarrior_a_date_out_of_range_says_the_rule_log_applies(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "timew.json"
    path.write_text('[{"start": "00010102T000000Z", "end": "00010102T010000Z", "tags": ["prep"]}]')
    line = one_line_error(ijm.run("import", "--from", "timewarrior", str(path)), "interval 1", "1970 to 2100")
    assert "9998" not in line


def _bookings(text: str) -> dict[str, list[tuple[int, int]]]:
    """(start, end) in minutes of the day of each resource's bookings."""
    found: dict[str, list[tuple[int, int]]] = {}
    resource = ""
    for line in text.splitlines():
        if line.startswith("supplement resource "):
            resource = line.split()[2]
            assert resource not in found, f"{resource} twice"
            found[resource] = []
        booked = re.search(r"booking \S+ \d{4}-\d\d-\d\d-(\d\d):(\d\d) \+(\d+)(h|min)", line)
        if booked:
            start = int(booked[1]) * 60 + int(booked[2])
            length = int(booked[3]) * (60 if booked[4] == "h" else 1)
            found[resource].append((start, start + length))
    return found


def test_taskjuggler_gives_each_consultant_a_resource_of_their_own(ijm: Seed) -> None:
    for person in ("Ann B", "Ann-B", "ann b"):
        assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16", "-c", person).exit_code == 0
    text = ijm.run("entries", "--format", "taskjuggler").stdout
    assert _bookings(text) == {"ann_b": [(540, 1020)], "ann_b_2": [(540, 1020)], "ann_b_3": [(540, 1020)]}
    assert "# Ann B\nsupplement resource ann_b {" in text and "# Ann-B\nsupplement resource ann_b_2 {" in text


def test_taskjuggler_bookings_meet_end_to_end_and_add_up_to_the_minute(ijm: Seed, tmp_path: Path) -> None:
    path = tmp_path / "frames"  # 3601 s, 91 s and 1000 s: 78m12s in all
    path.write_text(
        '[[1637049600, 1637053201, "prep", "a1", [], 0], [1637053201, 1637053292, "prep", "a2", [], 0],'
        ' [1637053292, 1637054292, "prep", "a3", [], 0]]'
    )
    assert ijm.run("import", "--from", "watson", str(path), *WATSON_MAP).exit_code == 0
    (booked,) = _bookings(ijm.run("entries", "--format", "taskjuggler").stdout).values()
    assert booked == [(540, 600), (600, 602), (602, 618)]
    assert all(a[1] == b[0] for a, b in itertools.pairwise(booked))
    assert booked[-1][1] - booked[0][0] == 78


def test_watson_a_state_file_that_is_a_device_is_not_read(ijm: Seed, tmp_path: Path) -> None:
    folder = tmp_path / "watson"
    folder.mkdir()
    (folder / "frames").write_text('[[1637042400, 1637046000, "prep", "a1", [], 0]]')
    (folder / "state").symlink_to("/dev/zero")
    done = subprocess.run(  # a child with its memory limited: a regression fails, not the machine
        [ENGAGE, "-s", str(ijm.path), "import", "--from", "watson", str(folder), *WATSON_MAP],
        capture_output=True,
        text=True,
        env=engage_env(),
        timeout=120,
        preexec_fn=_limited,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("\n") == 1 and "state: is a device" in done.stderr, done.stderr


def _limited() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
