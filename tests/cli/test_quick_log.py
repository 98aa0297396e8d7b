"""``engage log`` in its plain form runs without click, and does exactly what the click command does."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage.cli import cli
from engage.cli.quick import parse, run_quick
from helpers import IJM, SEEDS, UNDP, Seed, copy_seed, invoke

ENGAGE = shutil.which("engage", path=str(Path(sys.executable).parent)) or "engage"
ID = re.compile(r"\b[0-9a-f]{12}\b")

# Pieces of command lines, tired-consultant ones among them; {S} a schedule, {L} a ledger, {D} a folder.
SCHEDULE = [["-s", "{S}"], ["--schedule", "{S}"], ["--schedule={S}"], ["-s{S}"], ["-s=x.toml"]]
GLOBAL = [
    ["--ledger", "{L}"], ["--ledger={L}"], ["--color"], ["--no-color"], ["--plugins-dir", "{D}"],
    ["--color=yes"], ["--version"], ["-h"], ["--bogus"], ["--ledger"],
]  # fmt: skip
DAYS = ["1", "0.5", ".25", "4h", "30m", "1h30m", "2", "0", "-1", "x", "1,5", "", "-"]
PHASES = ["prep", "Prep", "retreat", "PREPARATION", "nope", "", "-p", "inception", "data"]
DATES = ["2021-11-16", "2017-06-12", "yesterday", "today", "2021-02-30", "-1", "16/11/2021", "+2"]
NOTES = ["", "desk review", "-- typo", "\x1b[31mred", "a=b", "naïve café"]
WHO = ["lead", "national", "Test Consultant", "nobody", "-c"]
PLACES = ["dhaka", "home", "moon", ""]


def _option(names: list[str], values: list[str], plain: bool) -> st.SearchStrategy[list[str]]:
    def forms(name: str, value: str) -> list[list[str]]:
        if name.startswith("--"):
            return [[name, value], [f"{name}={value}"]]
        return [[name, value]] if plain else [[name, value], [f"{name}{value}"]]

    values = [v for v in values if not (plain and v.startswith("-"))]
    return st.tuples(st.sampled_from(names), st.sampled_from(values)).flatmap(
        lambda pair: st.sampled_from(forms(*pair))
    )


def _after(plain: bool) -> list[st.SearchStrategy[list[str]]]:
    """``log``'s options but the phase, each a strategy; ``plain``: only the forms the quick path reads."""
    options = [
        _option(["-d", "--date"], DATES, plain),
        _option(["-n", "--note"], NOTES, plain),
        _option(["-c", "--consultant"], WHO, plain),
        _option(["--at"], PLACES, plain),
        st.sampled_from([["--color"], ["--no-color"]]),
        st.sampled_from([["-s", "{S}"], ["--ledger", "{L}"]]),
    ]
    if not plain:
        options.append(
            st.sampled_from([["--"], ["--help"], ["--plugins-dir", "{D}"], ["-x"], ["extra"], ["-p"]])
        )
        options.append(_option(["-p", "--phase"], PHASES, plain))
    return options


def _setting(option: list[str]) -> str:
    """What a global option sets: two that set the same thing are a repeat, which click alone reads."""
    return option[0].lstrip("-").removeprefix("no-")[:1]


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """``engage`` command lines around ``log``: mostly plain forms, the rest anything a person might type."""
    plain = draw(st.sampled_from([True, True, True, False]))
    before_pool = SCHEDULE[:3] + GLOBAL[:5] if plain else SCHEDULE + GLOBAL
    before = draw(st.lists(st.sampled_from(before_pool), max_size=3, unique_by=_setting if plain else None))
    command = "log" if plain else draw(st.sampled_from(["log"] * 8 + ["void", "lg"]))
    days = [d for d in DAYS if not (plain and d.startswith("-"))]
    after = [[draw(st.sampled_from(days))], draw(_option(["-p", "--phase"], PHASES, plain))]
    options = _after(plain)
    chosen = draw(st.lists(st.integers(0, len(options) - 1), max_size=4, unique=plain))
    after += [draw(options[i]) for i in chosen]
    order = draw(st.permutations(range(len(after))))
    return (
        [part for group in before for part in group] + [command] + [part for i in order for part in after[i]]
    )


def _outcome(folder: Path, run: object) -> tuple[object, ...]:
    """What a command line did: its exit status, output and the records it wrote, ids left out."""
    code, out, err = run  # type: ignore[misc]
    written = []
    for ledger in sorted(folder.glob("*.jsonl")):
        for line in ledger.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            written.append({k: v for k, v in record.items() if k not in {"id", "recorded_at", "batch"}})
    return code, ID.sub("<id>", out), ID.sub("<id>", err), written


def _fresh(folder: Path, schedule: Path) -> dict[str, str]:
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "plugins").mkdir(parents=True)
    shutil.copy(schedule, folder / schedule.name)
    return {
        "S": str(folder / schedule.name),
        "L": str(folder / "other.ledger.jsonl"),
        "D": str(folder / "plugins"),
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=command_lines(), schedule=st.sampled_from([IJM, UNDP]))
def test_the_quick_path_does_what_click_does(template: list[str], schedule: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "work"
        names = _fresh(folder, schedule)
        argv = [part.format(**names) for part in template]
        if not any(part.startswith(("-s", "--schedule")) for part in argv):
            argv = ["-s", names["S"], *argv]
        env = {"ENGAGE_CONSULTANT": "Test Consultant" if schedule == IJM else "lead"}
        clicked = CliRunner().invoke(cli, argv, env=env, quick=False)
        by_click = _outcome(folder, (clicked.exit_code, clicked.stdout, clicked.stderr))

        _fresh(folder, schedule)
        runner = CliRunner()
        with runner.isolation(env=env) as (out, err, _):
            code = run_quick(argv, group=lambda: cli)
        quick = _outcome(folder, (code, out.getvalue().decode(), err.getvalue().decode()))

    if parse(argv) is None:
        assert code is None and quick[1:] == ("", "", [])  # declined: nothing said, nothing written
    else:
        assert code is not None, "a plain form must be run by the quick path"
        assert quick == by_click, argv


@pytest.mark.parametrize(
    "argv",
    [
        ["-s", "x", "log", "1", "-p", "prep"],
        ["log", "1", "-p", "prep", "-d", "2021-11-16", "-n", "desk", "-c", "me", "--at", "home"],
        ["--color", "--ledger=l", "log", "--phase=prep", "4h", "--no-color", "-s", "y"],
    ],
)
def test_plain_forms_are_read(argv: list[str]) -> None:
    assert parse(argv) is not None


@pytest.mark.parametrize(
    "argv",
    [
        ["log", "1"],  # no phase: click says it is missing
        ["log", "-p", "prep"],  # no DAYS
        ["log", "1", "2", "-p", "prep"],
        ["log", "1", "-p", "prep", "-p", "final"],  # repeated
        ["log", "1", "-pprep"],  # attached short value: click's reading is kept
        ["log", "1", "-p=prep"],
        ["log", "1", "-p", "prep", "--"],
        ["log", "1", "-p", "prep", "--help"],
        ["log", "1", "-p", "prep", "-n", "-x"],  # a value like an option
        ["--version"],
        ["log", "1", "-p", "prep", "--plugins-dir", "d"],  # a global option that does not follow
        ["void", "abc"],
    ],
)
def test_anything_else_is_left_to_click(argv: list[str]) -> None:
    assert parse(argv) is None


def test_shell_completion_is_left_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_ENGAGE_COMPLETE", "bash_complete")
    assert run_quick(["-s", "x.toml", "log", "1", "-p", "prep"], group=lambda: cli) is None


def test_a_plugins_own_log_command_still_wins(ijm: Seed, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "own_log.py").write_text(
        "import click\n"
        "from engage import hookimpl\n\n"
        "@hookimpl\n"
        "def engage_register_commands(cli):\n"
        "    @click.command('log')\n"
        "    @click.argument('days')\n"
        "    @click.option('-p', '--phase')\n"
        "    def log(days, phase):\n"
        "        click.echo(f'own log: {days} on {phase}')\n"
        "    cli.add_command(log)\n",
        encoding="utf-8",
    )
    result = invoke("--plugins-dir", str(folder), "-s", str(ijm.path), "log", "1", "-p", "prep")
    assert result.stdout == "own log: 1 on prep\n"
    assert not ijm.ledger.exists()


def test_installed_engage_log_runs_without_click(tmp_path: Path) -> None:
    seed = copy_seed("ijm", tmp_path)
    env = {**os.environ, "ENGAGE_CONSULTANT": "Test Consultant"}
    command = [sys.executable, "-X", "importtime", ENGAGE, "-s", str(seed.path), "log", "1", "-p", "prep"]
    # the same interpreter finds the plugins first (the start-up cache is kept per interpreter path)
    subprocess.run(
        [sys.executable, *command[3:], "-d", "2021-11-15"], capture_output=True, env=env, check=True
    )
    done = subprocess.run([*command, "-d", "2021-11-16"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Logged 1.0 days to prep on 2021-11-16")
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "engage.cli.quick" in imported
    assert not {"click", "engage.cli.app", "engage.output.mail", "smtplib", "ssl"} & imported
    # and a mistyped one is click's to explain, with click's words
    wrong = subprocess.run([*command, "-d", "2021-11-16", "--bogus"], capture_output=True, text=True, env=env)
    assert wrong.returncode == 2
    assert "engage log: error: No such option '--bogus'." in wrong.stderr


CONTEXT_PLUGIN = """
from engage import hookimpl
@hookimpl
def engage_after_log(engagement, entry, ledger):
    import click

    click.echo(click.style("styled", fg="red"))
    context = click.get_current_context()
    return [f"context: {context.command_path} {context.params['phase']} {context.find_object(type(context.obj)) is context.obj}"]
"""


def test_a_plugins_after_log_hook_runs_under_clicks_context_on_both_paths(ijm: Seed, tmp_path: Path) -> None:
    """A plugin may reach click's context (or echo escape sequences, kept under engage's context) in
    engage_after_log: the quick path runs log in the same context then (found by trial 16)."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "contextual.py").write_text(CONTEXT_PLUGIN, encoding="utf-8")
    argv = ["-s", str(ijm.path), "--plugins-dir", str(folder), "log", "1", "-p", "prep", "-d", "2021-11-17"]
    outcomes = []
    for quick in (False, True):
        ijm.ledger.unlink(missing_ok=True)
        result = CliRunner().invoke(cli, argv, quick=quick)
        outcomes.append((result.exit_code, ID.sub("<id>", result.stdout), ID.sub("<id>", result.stderr)))
    assert outcomes[1] == outcomes[0]
    assert "\x1b[31mstyled\x1b[0m\n" in outcomes[0][1] and "context: engage log prep True" in outcomes[0][1]
    # and the installed engage, where nothing but that plugin would load click
    ijm.ledger.unlink()
    env = {**os.environ, "ENGAGE_CONSULTANT": "Test Consultant"}
    done = subprocess.run([ENGAGE, *argv], capture_output=True, text=True, env=env)
    assert (done.returncode, ID.sub("<id>", done.stdout), ID.sub("<id>", done.stderr)) == outcomes[0]


def test_the_distribution_named_as_engages_own_is_the_one_installed() -> None:
    """engage's own plugins are told from others by their distribution's name."""
    from importlib.metadata import entry_points

    from engage.plugin.manager import DISTRIBUTION

    ours = {
        e.name for e in entry_points(group="engage") if e.dist and e.dist.metadata["Name"] == DISTRIBUTION
    }
    assert {"budget", "calendar", "fees", "holidays", "interop", "status"} <= ours


def test_log_with_its_output_or_its_errors_closed_still_logs_and_says_nothing_in_the_wrong_place(
    tmp_path: Path,
) -> None:
    """``engage log ... >&-`` crashed in guard_streams; with ``2>&-`` its warnings went to stdout."""
    seed = copy_seed("ijm", tmp_path)
    env = {**os.environ, "ENGAGE_CONSULTANT": "Test Consultant"}
    command = f"'{ENGAGE}' -s '{seed.path}' log 1 -p prep -d"
    closed_out = subprocess.run(
        ["sh", "-c", f"{command} 2021-11-16 >&-"], capture_output=True, text=True, env=env
    )
    assert closed_out.returncode == 0, closed_out.stderr
    assert "Traceback" not in closed_out.stderr
    closed_err = subprocess.run(
        ["sh", "-c", f"{command} 2021-11-20 2>&-"], capture_output=True, text=True, env=env
    )
    assert closed_err.returncode == 0
    assert closed_err.stdout.splitlines()[0].startswith("Logged 1.0 days to prep on 2021-11-20")
    assert "warning" not in closed_err.stdout  # a Saturday: said on stderr, which is closed
    assert len(seed.ledger.read_text(encoding="utf-8").splitlines()) == 2


@pytest.mark.parametrize("phase", [["-p", "prep"], ["-pprep"]])  # the quick path, and click's
def test_a_log_whose_reader_left_succeeds_so_that_no_script_logs_it_again(
    tmp_path: Path, phase: list[str]
) -> None:
    """``engage log ... | grep -q Logged``: the reader leaves after the first line. The entry is written;
    status 1 (click's answer to a broken pipe) would tell a script to log it again."""
    seed = copy_seed("ijm", tmp_path)
    env = {**os.environ, "ENGAGE_CONSULTANT": "Test Consultant"}
    done = subprocess.Popen(
        [ENGAGE, "-s", str(seed.path), "log", "1", *phase, "-d", "2021-11-16"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert done.stdout is not None and done.stderr is not None
    done.stdout.close()  # gone before engage writes a word
    err = done.stderr.read().decode()
    assert done.wait(timeout=60) == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert len(seed.ledger.read_text(encoding="utf-8").splitlines()) == 1


def test_a_command_started_with_its_output_closed_discards_it_and_no_file_takes_its_place(
    tmp_path: Path,
) -> None:
    """``engage status >&-`` failed as a plugin's AttributeError. And descriptor 1 was free: the next file
    opened (a lock, the ledger) took it, and whatever a program started by a plugin printed would
    have landed in that file."""
    seed = copy_seed("ijm", tmp_path)
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    seen = tmp_path / "fd1.txt"
    (plugins / "peek.py").write_text(
        "import os\nfrom engage import hookimpl\n\n@hookimpl\n"
        "def engage_after_log(engagement, entry, ledger):\n"
        f"    open({str(seen)!r}, 'w').write(os.readlink('/proc/self/fd/1'))\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}  # the width then comes from the terminal
    for name in SEEDS:
        (tmp_path / name).mkdir()
        schedule = copy_seed(name, tmp_path / name).path
        status = subprocess.run(
            ["sh", "-c", f"'{ENGAGE}' -s '{schedule}' status >&-"], capture_output=True, text=True, env=env
        )
        assert (status.returncode, status.stderr) == (0, ""), name
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("no /proc/self/fd on this system to see what descriptor 1 is")
    log = f"'{ENGAGE}' -s '{seed.path}' --plugins-dir '{plugins}' log 1 -p prep -d 2021-11-16 >&- <&-"
    done = subprocess.run(["sh", "-c", log], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert seen.read_text(encoding="utf-8") == os.devnull
