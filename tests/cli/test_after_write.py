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
    assert made.returncode == 0 and f"invoice {issued['id']} is safely in the ledger" in made.stderr
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
