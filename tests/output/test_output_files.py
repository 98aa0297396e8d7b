"""The one ``-o FILE`` writer: a folder or a missing folder is one line and nothing written; a file
gets exactly the text, and CSV its byte-order mark."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import Seed, one_line_error

COMMANDS = [
    ("status", "--week", "2021-W47"),
    ("report", "--as-of", "2021-12-10"),
    ("entries",),
]


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_output_into_a_folder_is_one_line_and_writes_nothing(
    ijm: Seed, tmp_path: Path, command: tuple
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    line = one_line_error(ijm.run(*command, "-o", str(folder)), str(folder), "is a folder")
    assert "IsADirectoryError" not in line
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_output_into_a_missing_folder_names_it(ijm: Seed, tmp_path: Path, command: tuple) -> None:
    one_line_error(ijm.run(*command, "-o", str(tmp_path / "nowhere" / "out.md")), "no such folder")
    assert not (tmp_path / "nowhere").exists()


def test_csv_into_a_file_starts_with_a_byte_order_mark_and_says_where(ijm: Seed, tmp_path: Path) -> None:
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16").exit_code == 0
    out = tmp_path / "status.csv"
    done = ijm.run("status", "--week", "2021-W47", "--format", "csv", "-o", str(out))
    assert done.exit_code == 0
    assert f"Wrote {out}" in done.stderr and done.stdout == ""
    assert out.read_bytes().startswith("\ufeffengagement_id,".encode())


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_full_disk_is_one_line_naming_the_file(ijm: Seed, command: tuple) -> None:
    line = one_line_error(ijm.run(*command, "-o", "/dev/full"), "/dev/full: cannot write", "No space left")
    assert "OSError" not in line and "plugin" not in line


@pytest.mark.parametrize("name", ["status.md/", "status.xlsx/"])
def test_a_path_ending_in_a_slash_is_a_folder_not_a_file(ijm: Seed, tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    one_line_error(ijm.run("status", "--week", "2021-W47", "-o", f"{out}/{name}"), "is a folder")
    assert list(out.iterdir()) == []


def test_a_failed_write_leaves_the_old_file_whole(ijm: Seed, tmp_path: Path) -> None:
    """The report is written beside the old one and renamed over it: when the writing fails (here the
    place it is written first is taken by a folder), the old report is still there, whole."""
    out = tmp_path / "status.md"
    out.write_text("last week's report\n", encoding="utf-8")
    (tmp_path / f".status.md.{os.getpid()}.partial").mkdir()  # the command runs in this process
    result = ijm.run("status", "--week", "2021-W47", "-o", str(out))
    one_line_error(result, str(out), "cannot write the report")
    assert out.read_text(encoding="utf-8") == "last week's report\n"
