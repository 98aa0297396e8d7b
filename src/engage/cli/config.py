"""The ``config`` command: read, write and list the settings in the user's and the local config file."""

from __future__ import annotations

import os

import click

from engage.errors import EngageError
from engage.language import _
from engage.settings.files import edit, local_path, read, user_path
from engage.settings.keys import KEYS, checked, key_of, known
from engage.settings.lookup import find_setting
from engage.settings.secrets import store

SHOWN = "****"  # what a password is shown as: set, never what it is


@click.command()
@click.argument("key", required=False)
@click.argument("value", required=False)
@click.option("--global", "where", flag_value="global", default=True, help="The user's file (the default).")
@click.option("--local", "where", flag_value="local", help="The engagement's .engage/config.toml, shared.")
@click.option("--unset", is_flag=True, help="Remove KEY from the file.")
@click.option("--list", "listing", is_flag=True, help="Every setting, with where its value comes from.")
def config(key: str | None, value: str | None, where: str, unset: bool, listing: bool) -> None:
    """Read (KEY), write (KEY VALUE) or remove (--unset KEY) a setting; --list them all.

    Precedence, one rule: a command-line option, then the environment variable, then the local
    file, then the user's file, then engage's default.

    \b
    Example:
      engage config user.name "Ana Kovač"
      engage config --local mail.from team@example.org
    """
    path = local_path() if where == "local" else user_path()
    if listing:
        if key or value or unset:
            raise click.UsageError(_("--list takes no KEY, VALUE or --unset"))
        _list()
        return
    if key is None:
        raise click.UsageError(_("give KEY, KEY VALUE, --unset KEY or --list"))
    setting = known(key)
    if where == "local" and setting.personal and not unset:
        raise EngageError(
            _("{key}: not kept in the local file, which a team shares; give it with --global").format(key=key)
        )
    kind = setting.kind
    if unset:
        if value is not None:
            raise click.UsageError(_("--unset takes KEY alone"))
        if kind == "secret":
            store(key, None)
        else:
            edit(path, key, None, shared=where == "local")
        return
    if value is None:
        found = find_setting(key)
        if found is None:
            raise SystemExit(1)
        click.echo(SHOWN if kind == "secret" else found.value)
        return
    try:
        text = checked(key, value)
    except ValueError as exc:
        raise EngageError(f"{key}: {exc}") from None
    if kind in ("path", "file"):
        text = _located(key, text, folder=kind == "path")
    if kind == "secret":
        store(key, text)
    else:
        edit(path, key, text, kind, shared=where == "local")


def _located(key: str, text: str, folder: bool) -> str:
    """A folder or file setting as stored: absolute (a relative one would be read against each run's
    current folder), and a folder (a file) that exists."""
    found = os.path.abspath(os.path.expanduser(text))
    fits = os.path.isdir if folder else os.path.isfile
    if not fits(found):
        if folder:
            said = _("{key}: {path} is not a folder; give an existing folder")
            if not os.path.exists(found):
                said = _("{key}: {path} does not exist; give an existing folder")
        else:
            said = _("{key}: {path} is not a file; give an existing file")
            if not os.path.exists(found):
                said = _("{key}: {path} does not exist; give an existing file")
        raise EngageError(said.format(key=key, path=found))
    return found


def _list() -> None:
    """Each setting set somewhere: ``key = value  (source)``; then the files' keys engage does not know."""
    names = set(KEYS)
    unknown: list[str] = []
    for path, shared in ((local_path(), True), (user_path(), False)):
        for name, (_value, line) in read(path, shared).items():
            if key_of(name) is None:
                unknown.append(_("{path}: line {line}: {name}").format(path=path, line=line, name=name))
            else:
                names.add(name)
    for name in sorted(names):
        found = find_setting(name)
        if found is not None:
            secret = name in KEYS and KEYS[name].kind == "secret"
            shown = SHOWN if secret else found.value
            click.echo(f"{name} = {shown}  ({found.source})")
    for where in unknown:
        click.echo(_("unknown setting, not used: {where}").format(where=where), err=True)


COMMANDS = [config]
