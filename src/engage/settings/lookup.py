"""The one lookup: command-line option, then environment variable, then the local file, then the user's."""

from __future__ import annotations

import os

from engage.settings.files import local_path, read, user_path
from engage.settings.keys import known
from engage.values import frozen


@frozen
class Found:
    """A setting's value and where it came from: ``option``, ``env VAR``, ``local FILE`` or ``user FILE``."""

    value: str
    source: str


def find_setting(name: str, option: str | None = None) -> Found | None:
    """Setting ``name`` by the one rule: ``option`` (the command line's), its environment variable, the
    local file, the user's file; None when none sets it (the caller's default applies)."""
    key = known(name)
    if option:
        return Found(option, "option")
    if key.var and key.var in os.environ:
        return Found(os.environ[key.var], f"env {key.var}")
    if key.kind == "secret":  # the keyring, else the user's secrets file: never a config file
        from engage.settings.secrets import fetch

        kept = fetch(name)
        return Found(*kept) if kept else None
    for where, path in (("local", local_path()), ("user", user_path())):
        values = read(path, shared=where == "local")
        if name in values:
            return Found(values[name][0], f"{where} {path}")
    return None


def setting(name: str, option: str | None = None) -> str | None:
    """The value of setting ``name`` (such as ``"smtp.host"``) by engage's one precedence rule: the
    command line's ``option``, its ``ENGAGE_`` environment variable, the engagement's local
    ``.engage/config.toml``, the user's ``config.toml``; None when none sets it. Booleans read as
    ``true``/``false`` from the files; an environment variable's text is as given."""
    found = find_setting(name, option)
    return None if found is None else found.value
