"""A reader that leaves (``engage ... | head``) under the Windows layer, where writing to the pipe raises
``OSError(EINVAL)``, not ``BrokenPipeError``: still a closed pipe, status 0, nothing on stderr."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from helpers import copy_seed
from helpers.processes import ENGAGE, timesheet
from helpers.windows import engage_as_on_windows, windows_env


def _many_entries(folder: Path) -> Path:
    """The ijm seed with 2000 entries of long notes: far more CSV than a pipe holds."""
    seed = copy_seed("ijm", folder)
    sheet = timesheet(folder / "sheet.csv", 2000, note_size=200)
    done = engage_as_on_windows(folder, "-s", seed.path.name, "import", str(sheet))
    assert done.code == 0, done.error
    return seed.path


def test_entries_piped_to_head_ends_quietly_with_status_0(tmp_path: Path) -> None:
    """``engage entries --format csv | head -c 10``: a real pipe whose reader leaves after 10 bytes."""
    schedule = _many_entries(tmp_path)
    errors = tmp_path / "errors"
    with errors.open("wb") as stderr:
        engage = subprocess.Popen(
            [ENGAGE, "-s", schedule.name, "entries", "--format", "csv"],
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=tmp_path,
            env=windows_env(),
        )
        assert engage.stdout is not None
        head = subprocess.run(["head", "-c", "10"], stdin=engage.stdout, capture_output=True, check=True)
        engage.stdout.close()
        code = engage.wait(timeout=120)
    assert head.stdout == b"id,date,ph"
    assert errors.read_bytes() == b""  # neither "internal error: OSError: [Errno 22]" nor "Exception ignored"
    assert code == 0


def test_a_record_written_before_the_reader_left_counts_and_the_command_says_nothing(tmp_path: Path) -> None:
    """``engage log`` whose standard output's reader left before the reply: logged, status 0, no error
    (a status 2 would have the consultant log it again)."""
    seed = copy_seed("defenders", tmp_path)
    read, write = os.pipe()
    os.close(read)  # gone before engage writes a byte: every write to the pipe fails
    errors = tmp_path / "errors"
    try:
        with errors.open("wb") as stderr:
            done = subprocess.run(
                [ENGAGE, "-s", seed.path.name, "log", "1", "-p", "desk", "-n", "kept", "-d", "2023-09-05"],
                stdout=write,
                stderr=stderr,
                cwd=tmp_path,
                env=windows_env(),
                check=False,
            )
    finally:
        os.close(write)
    assert done.returncode == 0
    assert b"error" not in errors.read_bytes() and b"Exception" not in errors.read_bytes()
    listed = engage_as_on_windows(tmp_path, "-s", seed.path.name, "entries", "--format", "csv")
    assert listed.code == 0 and b"2023-09-05,desk,1,,Test Consultant,Test Consultant,kept\r\n" in listed.out
