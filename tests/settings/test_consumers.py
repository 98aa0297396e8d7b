"""What reads the settings: the calendar's SMTP and organizer, the plugins folder; never a shared file's code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import Seed, invoke, one_line_error
from helpers.calendar_checks import received
from helpers.seed_edits import with_supervisor_email
from helpers.servers import ORGANIZER, PASSWORD, USER, Inbox


def test_smtp_and_the_organizer_from_the_config_files(
    seed: Seed, smtp: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = os.environ["ENGAGE_SMTP_PORT"]
    for name in (
        "ENGAGE_SMTP_HOST",
        "ENGAGE_SMTP_PORT",
        "ENGAGE_SMTP_STARTTLS",
        "ENGAGE_SMTP_USER",
        "ENGAGE_MAIL_FROM",
        "ENGAGE_SMTP_PASSWORD",
    ):
        monkeypatch.delenv(name)
    with_supervisor_email(seed)
    for key, value in (
        ("smtp.host", "127.0.0.1"),
        ("smtp.port", port),
        ("smtp.starttls", "false"),
        ("smtp.user", USER),
        ("smtp.password", PASSWORD),  # no keyring in the suite: the user's secrets.toml, mode 600
    ):
        assert invoke("config", key, value).exit_code == 0
    monkeypatch.chdir(seed.path.parent)
    assert invoke("config", "--local", "mail.from", ORGANIZER).exit_code == 0
    result = seed.run("calendar", "send")
    assert result.exit_code == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    messages = received(smtp)
    assert messages and all(message["From"] == ORGANIZER for _, message, _ in messages)


def test_a_plugins_folder_is_never_taken_from_the_shared_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "engage.toml").write_text("")
    one_line_error(invoke("config", "--local", "plugins.dir", str(tmp_path)), "plugins.dir", "--global")
    local = tmp_path / ".engage" / "config.toml"
    local.parent.mkdir()
    local.write_text(f'[plugins]\ndir = "{tmp_path}"\n')
    one_line_error(invoke("config", "--list"), f"{local}: line 2: plugins.dir", "engage config --global")


def test_plugins_dir_and_load_from_the_user_file(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir(mode=0o700)
    (folder / "hello_plugin.py").write_text(
        "import click\nfrom engage import hookimpl\n\n@hookimpl\ndef engage_register_commands(cli):\n"
        "    @cli.command()\n    def hello():\n        click.echo('hello from the config')\n"
    )
    assert invoke("config", "plugins.dir", str(folder)).exit_code == 0
    done = invoke("hello")
    assert (done.exit_code, done.stdout) == (0, "hello from the config\n"), done.stderr
    assert invoke("config", "plugins.load", "").exit_code == 0  # empty: load none
    assert invoke("hello").exit_code == 2
