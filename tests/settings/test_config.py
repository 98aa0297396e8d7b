"""``engage config`` and the one precedence rule: option > environment > local file > user file > default."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import UNDP, invoke, one_line_error
from helpers.processes import ENGAGE, engage_env


@pytest.fixture
def undp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The UNDP schedule (three consultants: log must be told who) as engage.toml, chosen by $ENGAGE_SCHEDULE."""
    monkeypatch.delenv("ENGAGE_CONSULTANT")
    path = tmp_path / "engage.toml"
    shutil.copy(UNDP, path)
    monkeypatch.setenv("ENGAGE_SCHEDULE", str(path))
    return path


def user_file(tmp_path: Path) -> Path:
    return tmp_path / "config" / "engage" / "config.toml"


def consultants(schedule: Path) -> list[str]:
    ledger = schedule.with_name("engage.ledger.jsonl")
    return [
        json.loads(line)["consultant"] for line in ledger.read_text().splitlines() if '"consultant"' in line
    ]


def test_a_consultant_set_once_is_used_by_log(undp: Path, tmp_path: Path) -> None:
    assert invoke("config", "user.name", "national").exit_code == 0
    assert 'name = "national"' in user_file(tmp_path).read_text()
    assert invoke("log", "1", "-p", "inception", "-d", "2017-06-05").exit_code == 0
    assert consultants(undp) == ["national"]


def test_environment_overrides_the_file_and_the_option_both(
    undp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("config", "user.name", "national")
    monkeypatch.setenv("ENGAGE_CONSULTANT", "lead")
    invoke("log", "1", "-p", "inception", "-d", "2017-06-05")
    invoke("log", "1", "-p", "inception", "-d", "2017-06-06", "-c", "field1")
    assert consultants(undp) == ["lead", "field1"]


def test_local_file_overrides_the_user_file_and_per_engagement_key_wins(undp: Path, tmp_path: Path) -> None:
    invoke("config", "user.name", "national")
    assert invoke("config", "--local", "user.name", "lead").exit_code == 0
    local = tmp_path / ".engage" / "config.toml"
    assert local.is_file()
    invoke("log", "1", "-p", "inception", "-d", "2017-06-05")
    invoke("config", "consultant.undp-srepgen-mtr-2017", "field1")
    invoke("log", "1", "-p", "inception", "-d", "2017-06-06")
    assert consultants(undp) == ["lead", "field1"]


def test_the_local_file_is_beside_the_schedule_given_with_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``engage -s other/engage.toml config --local`` wrote beside the working folder's schedule."""
    monkeypatch.delenv("ENGAGE_CONSULTANT")
    here, other = tmp_path / "here", tmp_path / "other"
    for folder in (here, other):
        folder.mkdir()
        shutil.copy(UNDP, folder / "engage.toml")
    monkeypatch.chdir(here)
    chosen = str(other / "engage.toml")
    assert invoke("-s", chosen, "config", "--local", "user.name", "field1").exit_code == 0
    assert (other / ".engage" / "config.toml").is_file() and not (here / ".engage").exists()
    assert invoke("-s", chosen, "log", "1", "-p", "inception", "-d", "2017-06-05").exit_code == 0
    assert consultants(other / "engage.toml") == ["field1"]
    one_line_error(
        invoke("log", "1", "-p", "inception", "-d", "2017-06-05"), "engage config"
    )  # here: nobody set


def test_user_email_finds_the_consultant_with_that_address(undp: Path) -> None:
    undp.write_text(
        undp.read_text().replace('key = "national"\n', 'key = "national"\nemail = "Nat@Example.org"\n', 1)
    )
    invoke("config", "user.name", "lead")
    invoke("config", "user.email", "nat@example.org")
    invoke("log", "1", "-p", "inception", "-d", "2017-06-05")
    assert consultants(undp) == ["national"]


def test_several_consultants_and_none_set_names_the_setting(undp: Path) -> None:
    one_line_error(invoke("log", "1", "-p", "inception"), "several consultants", "engage config user.name")


def test_list_names_each_source_and_unknown_keys(
    undp: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("config", "user.name", "national")
    invoke("config", "--local", "mail.from", "team@example.org")
    with user_file(tmp_path).open("a") as stream:
        stream.write('\n[smtp]\nhots = "typo"\n')
    monkeypatch.setenv("ENGAGE_SMTP_HOST", "mail.example.org")
    done = invoke("config", "--list")
    assert done.exit_code == 0
    assert f"user.name = national  (user {user_file(tmp_path)})" in done.stdout
    assert f"mail.from = team@example.org  (local {tmp_path / '.engage' / 'config.toml'})" in done.stdout
    assert "smtp.host = mail.example.org  (env ENGAGE_SMTP_HOST)" in done.stdout
    assert "smtp.hots" in done.stderr and "line 5" in done.stderr


def test_read_unset_and_the_comments_kept(undp: Path, tmp_path: Path) -> None:
    path = user_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('# mine\n[user]\n# who I am\nname = "lead"  # me\nemail = "a@b.org"\n')
    done = invoke("config", "user.name")
    assert (done.exit_code, done.stdout) == (0, "lead\n")
    invoke("config", "smtp.port", "2525")
    invoke("config", "--unset", "user.email")
    assert path.read_text() == '# mine\n[user]\n# who I am\nname = "lead"  # me\n\n[smtp]\nport = 2525\n'
    done = invoke("config", "user.email")
    assert (done.exit_code, done.stdout) == (1, "")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("smtp.port", "abc"), ("smtp.port", "port number", "587")),
        (("smtp.starttls", "maybe"), ("smtp.starttls", "true or false")),
        (("user.email", "nobody"), ("user.email", "email address")),
        (("no.such", "x"), ("unknown setting 'no.such'", "user.name")),
        (("smtp.password", "a\nb"), ("smtp.password", "one line")),
        (("--local", "smtp.password", "x"), ("smtp.password", "not kept in the local file", "--global")),
    ],
)
def test_bad_keys_and_values_one_line_nothing_written(
    undp: Path, tmp_path: Path, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    one_line_error(invoke("config", *args), *fragments)
    assert not user_file(tmp_path).exists()


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ('[user]\nname = "x"\nemail = [\n', ("config.toml: line 3:", "not TOML")),
        ('[smtp]\n\nport = "many"\n', ("config.toml: line 3: smtp.port:", "not a port number")),
        ("[smtp]\nstarttls = 7 # x\n", ("line 2: smtp.starttls:", "true or false")),
    ],
)
def test_a_damaged_file_gives_one_located_line(
    undp: Path, tmp_path: Path, text: str, fragments: tuple[str, ...]
) -> None:
    path = user_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(text)
    one_line_error(invoke("log", "1", "-p", "inception", "-d", "2017-06-05"), *fragments)
    one_line_error(invoke("config", "user.name", "lead"), *fragments)
    assert path.read_text() == text


def test_through_the_installed_command_the_quick_log_reads_the_file(undp: Path, tmp_path: Path) -> None:
    env = {**engage_env(), "ENGAGE_SCHEDULE": str(undp), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    del env["ENGAGE_CONSULTANT"]
    run = lambda *args: subprocess.run([ENGAGE, *args], env=env, cwd=tmp_path, capture_output=True, text=True)  # noqa: E731
    assert run("config", "user.name", "field1").returncode == 0
    done = run("log", "1", "-p", "inception", "-d", "2017-06-05")
    assert done.returncode == 0, done.stderr
    assert consultants(undp) == ["field1"]
    user_file(tmp_path).write_text("[user\n")
    done = run("log", "1", "-p", "inception", "-d", "2017-06-06")
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1 and "line 1" in done.stderr


def test_the_user_file_is_found_where_the_platform_keeps_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from engage.settings.files import user_path

    assert user_path() == tmp_path / "config" / "engage" / "config.toml"
    monkeypatch.setenv("ENGAGE_CONFIG", str(tmp_path / "elsewhere.toml"))
    assert user_path() == tmp_path / "elsewhere.toml"
    monkeypatch.delenv("ENGAGE_CONFIG")
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert user_path() == tmp_path / "home" / ".config" / "engage" / "config.toml"
    assert os.environ.get("ENGAGE_CONFIG") is None


SECRET = "s3cret-Pa55"


def readable_by_others_holding(root: Path, text: str) -> list[Path]:
    """Files under ``root`` that hold ``text`` and that someone else could read."""
    return [
        p
        for p in root.rglob("*")
        if p.is_file() and text in p.read_text(errors="replace") and p.stat().st_mode & 0o077
    ]


def test_a_password_goes_to_the_keyring_never_a_readable_file_never_printed(
    undp: Path, tmp_path: Path
) -> None:
    env = {**engage_env(), "ENGAGE_SCHEDULE": str(undp), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.update(
        XDG_DATA_HOME=str(tmp_path / "data"), PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring"
    )
    run = lambda *args: subprocess.run([ENGAGE, *args], env=env, cwd=tmp_path, capture_output=True, text=True)  # noqa: E731
    done = run("config", "smtp.password", SECRET)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    kept = list((tmp_path / "data").rglob("*.cfg"))
    assert kept and all(p.stat().st_mode & 0o777 == 0o600 for p in kept)  # keyrings.alt's file: the keyring
    assert not (tmp_path / "config" / "engage" / "secrets.toml").exists()
    for args in (("config", "smtp.password"), ("config", "--list")):
        done = run(*args)
        assert done.returncode == 0 and SECRET not in done.stdout + done.stderr and "****" in done.stdout
    assert "smtp.password = ****  (keyring)" in run("config", "--list").stdout
    assert not readable_by_others_holding(tmp_path, SECRET)
    one_line_error_of = run("config", "--local", "smtp.password", SECRET)
    assert one_line_error_of.returncode == 2 and "--global" in one_line_error_of.stderr
    assert run("config", "--unset", "smtp.password").returncode == 0
    assert run("config", "smtp.password").returncode == 1


def test_without_a_keyring_a_warning_and_a_file_only_you_can_read(undp: Path, tmp_path: Path) -> None:
    done = invoke("config", "caldav.password", SECRET)  # the suite's keyring: keyring.backends.fail
    assert done.exit_code == 0 and "no system keyring" in done.stderr and SECRET not in done.stderr
    kept = tmp_path / "config" / "engage" / "secrets.toml"
    assert kept.stat().st_mode & 0o777 == 0o600
    assert not readable_by_others_holding(tmp_path, SECRET)
    assert SECRET not in user_file(tmp_path).read_text() if user_file(tmp_path).exists() else True
    from engage import setting

    assert setting("caldav.password") == SECRET
    kept.chmod(0o644)
    one_line_error(invoke("config", "--list"), "secrets.toml", "chmod 600")


def test_a_password_in_a_config_file_is_refused_with_its_line(undp: Path, tmp_path: Path) -> None:
    path = user_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(f'[smtp]\npassword = "{SECRET}"\n')
    line = one_line_error(
        invoke("config", "--list"), "config.toml: line 2: smtp.password", "engage config smtp.password"
    )
    assert SECRET not in line


@pytest.mark.parametrize("key", ["plugins.trusted", "plugins.dir"])
def test_a_folder_setting_is_stored_absolute_and_must_exist(
    key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative "ww" would be read against each later run's current folder: another folder each time."""
    (tmp_path / "ww").mkdir()
    monkeypatch.chdir(tmp_path)
    assert invoke("config", key, "ww").exit_code == 0
    assert invoke("config", key).stdout == f"{tmp_path / 'ww'}\n"
    assert str(tmp_path / "ww") in user_file(tmp_path).read_text(encoding="utf-8")
    before = user_file(tmp_path).read_text(encoding="utf-8")
    one_line_error(invoke("config", key, "missing"), key, f"{tmp_path / 'missing'} does not exist")
    (tmp_path / "a-file").write_text("")
    one_line_error(invoke("config", key, "a-file"), key, "is not a folder")
    assert user_file(tmp_path).read_text(encoding="utf-8") == before  # nothing written
