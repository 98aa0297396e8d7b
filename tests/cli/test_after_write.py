"""A written record is a done command: a failure after it is a warning, status 0, never an invitation
to run the command again and count it twice."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

from helpers import Seed, copy_seed, invoke, one_line_error
from helpers.processes import ENGAGE, engage_env


def _to_full_disk(seed: Seed, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed ``engage -s SEED ARGS`` with its output going to a disk that is full."""
    with open("/dev/full", "w") as full:
        return subprocess.run(
            [ENGAGE, "-s", str(seed.path), *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=engage_env(),
            cwd=seed.path.parent,
            check=False,
        )


def _records(seed: Seed, kind: str) -> list[dict]:
    lines = seed.ledger.read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if r["kind"] == kind]


def test_log_whose_reply_cannot_be_printed_says_the_entry_is_safe_and_succeeds(ijm: Seed) -> None:
    done = _to_full_disk(ijm, "log", "1.5", "-p", "prep", "-d", "2021-11-16")
    [entry] = _records(ijm, "entry")
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        f"engage: warning: entry {entry['id']} is safely in the ledger; "
        "afterwards cannot write the output: No space left on device\n"
    )


def test_expense_and_invoice_whose_reply_cannot_be_printed_succeed_once(geo: Seed, tmp_path: Path) -> None:
    assert geo.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04").exit_code == 0
    assert geo.run("deliver", "draft", "--status", "accepted", "-d", "2004-03-08").exit_code == 0
    spent = _to_full_disk(geo, "expense", "120", "--category", "travel", "-d", "2004-03-08")
    [expense] = _records(geo, "fees.expense")
    assert spent.returncode == 0 and f"expense {expense['id']} is safely in the ledger" in spent.stderr
    made = _to_full_disk(geo, "invoice", "-d", "2004-03-09", "-o", str(tmp_path / "inv.md"))
    [issued] = _records(geo, "fees.invoice")
    assert made.returncode == 0 and f"invoice {issued['number']} is safely in the ledger" in made.stderr
    assert (tmp_path / "inv.md").read_text(encoding="utf-8").count(issued["number"]) >= 1
    again = geo.run("invoice", "-d", "2004-03-09", "-o", str(tmp_path / "again.md"))
    assert again.exit_code == 2 and len(_records(geo, "fees.invoice")) == 1  # nothing new to invoice


def test_output_that_cannot_be_written_is_one_line_not_an_internal_error(ijm: Seed) -> None:
    assert ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16").exit_code == 0
    done = _to_full_disk(ijm, "entries")
    assert (done.returncode, done.stderr) == (
        2,
        "engage: error: cannot write the output: No space left on device\n",
    )


FAILS_AFTER_WRITING = """
import click

from engage import hookimpl, new_record, pass_session


@hookimpl
def engage_register_commands(cli):
    @cli.command()
    @pass_session
    def stamp(session):
        session.write([new_record("entry", date="2021-11-16", phase="prep", days="1", consultant="Test Consultant")])
        raise RuntimeError("the reply broke")
"""


def test_a_plugin_command_failing_after_its_write_is_a_warning_and_status_0(tmp_path: Path) -> None:
    ijm = copy_seed("ijm", tmp_path)
    plugins = tmp_path / "plugins"
    plugins.mkdir(mode=0o700)
    (plugins / "stamping.py").write_text(textwrap.dedent(FAILS_AFTER_WRITING), encoding="utf-8")
    result = invoke("--plugins-dir", str(plugins), "-s", str(ijm.path), "stamp")
    [entry] = _records(ijm, "entry")
    assert result.exit_code == 0
    assert result.stderr == (
        f"engage: warning: entry {entry['id']} is safely in the ledger; "
        "afterwards plugin 'stamping' failed in stamp(): RuntimeError: the reply broke\n"
    )
    # and a command that fails before writing still fails
    failed = invoke("--plugins-dir", str(plugins), "-s", str(ijm.path), "log", "1", "-p", "nope")
    one_line_error(failed, "unknown phase 'nope'")


def _installed(seed: Seed, *args: str, stdout=None, stderr=None, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ENGAGE, "-s", str(seed.path), *args],
        stdout=stdout,
        stderr=stderr,
        env={**engage_env(), **env},
        cwd=seed.path.parent,
        check=False,
    )


def test_when_neither_output_nor_error_can_be_written_the_written_entry_still_means_status_0(
    ijm: Seed,
) -> None:
    """A scheduled task logging with '>> engage.log 2>&1' on a full disk: nothing can be said at all."""
    from helpers.windows import windows_env

    with open("/dev/full", "wb") as full:
        plain = _installed(ijm, "log", "0.5", "-p", "prep", "-d", "2021-11-16", stdout=full, stderr=full)
        assert plain.returncode == 0
        # and as CPython on Windows builds its streams (where the flush at exit used to end in 120)
        done = subprocess.run(
            [ENGAGE, "-s", str(ijm.path), "log", "0.5", "-p", "prep", "-d", "2021-11-17"],
            stdout=full,
            stderr=full,
            env=windows_env(),
            cwd=ijm.path.parent,
            check=False,
        )
        assert done.returncode == 0
    assert [r["date"] for r in _records(ijm, "entry")] == ["2021-11-16", "2021-11-17"]


def test_an_import_whose_reply_cannot_be_printed_says_so_once_and_succeeds(ijm: Seed, tmp_path: Path) -> None:
    from helpers.windows import windows_env

    sheet = tmp_path / "s.csv"
    rows = "".join(f"2021-11-1{n},prep,0.25,Test Consultant,row {n}\n" for n in range(6, 9))
    sheet.write_text("date,phase,days,consultant,note\n" + rows, encoding="utf-8")
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [ENGAGE, "-s", str(ijm.path), "import", str(sheet)],
            stdout=full,
            stderr=subprocess.PIPE,
            env=windows_env(),
            cwd=ijm.path.parent,
            check=False,
        )
    warning = done.stderr.decode()
    assert done.returncode == 0, warning
    assert (
        warning.count("\n") == 1 and "are safely in the ledger; afterwards cannot write the output" in warning
    )
    assert len(_records(ijm, "entry")) == 3


def test_ctrl_c_after_the_entry_is_written_says_it_is_safe_not_aborted(ijm: Seed) -> None:
    """stdout a pipe already full: 'log' has written its entry and waits to print; Ctrl-C then."""
    import os
    import signal
    import time

    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    try:
        while True:
            os.write(write_end, b"x" * 65536)
    except BlockingIOError:
        pass
    os.set_blocking(write_end, True)
    child = subprocess.Popen(
        [ENGAGE, "-s", str(ijm.path), "log", "0.5", "-p", "prep", "-d", "2021-11-16"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        env=engage_env(),
        cwd=ijm.path.parent,
    )
    os.close(write_end)
    deadline = time.monotonic() + 20
    while not (ijm.ledger.exists() and _records(ijm, "entry")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=20)
    os.close(read_end)
    [entry] = _records(ijm, "entry")
    assert child.returncode == 0, err
    assert (
        err.decode().strip().endswith(f"entry {entry['id']} is safely in the ledger; afterwards interrupted")
    )


def test_an_encoding_the_user_chose_that_cannot_hold_a_character_is_one_line(ijm: Seed) -> None:
    done = _installed(
        ijm, "show", stdout=subprocess.PIPE, stderr=subprocess.PIPE, PYTHONIOENCODING="ascii:strict"
    )
    assert done.returncode == 2
    line = done.stderr.decode()
    assert line.count("\n") == 1 and "in the output's encoding ascii (PYTHONIOENCODING)" in line, line
