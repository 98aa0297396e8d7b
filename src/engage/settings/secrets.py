"""Passwords: in the system keyring (``keyring``, imported only here), else a file only the user can read."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path
from typing import Any

from engage.errors import EngageError
from engage.language import _, pgettext

SERVICE = "engage"
FILE_NAME = "secrets.toml"  # beside the user's config.toml, mode 600: where no keyring is usable


def _keyring() -> Any | None:
    """The keyring backend, or None where none is usable (a headless server: ``fail``, ``null``)."""
    try:
        import keyring
        from keyring.backends import chainer, fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or type(backend).__module__.endswith(".null"):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


def secrets_path() -> Path:
    """``secrets.toml`` beside the user's config file."""
    from engage.settings.files import user_path

    return user_path().with_name(FILE_NAME)


def store(name: str, value: str | None) -> str:
    """Keep secret ``name`` (None: remove it) in the keyring, else in :func:`secrets_path`, warning once;
    where it went, for ``config`` to say nothing of the value."""
    backend = _keyring()
    if backend is not None:
        if value is None:
            import keyring.errors

            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                backend.delete_password(SERVICE, name)
        else:
            backend.set_password(SERVICE, name, value)
        _file_edit(name, None)  # none left behind in the file from a time without a keyring
        return "keyring"
    if value is not None:
        said = _("no system keyring here; {name} is kept in {path}, readable by you alone").format(
            name=name, path=secrets_path()
        )
        sys.stderr.write(
            "engage: "
            + _("{word}: {message}").format(word=pgettext("severity", "warning"), message=said)
            + "\n"
        )
    _file_edit(name, value)
    return f"file {secrets_path()}"


def fetch(name: str) -> tuple[str, str] | None:
    """Secret ``name`` and where it was kept (``keyring`` or ``file FILE``); None when it is in neither."""
    backend = _keyring()
    if backend is not None:
        value = backend.get_password(SERVICE, name)
        if value:
            return value, "keyring"
    path = secrets_path()
    _check_private(path)
    from engage.settings.files import read

    values = read(path, secrets=True)
    return (values[name][0], f"file {path}") if name in values else None


def _check_private(path: Path) -> None:
    """Refuse a secrets file others could read or write, or that is not the user's own."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if os.name == "nt":
        return
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise EngageError(
            _(
                "{path}: holds passwords but is not a file of yours that only you can read (mode "
                "{mode}); chmod 600 it, or remove it and set them again"
            ).format(path=path, mode=f"{stat.S_IMODE(info.st_mode):o}")
        )


def _file_edit(name: str, value: str | None) -> None:
    from engage.settings.files import edit

    path = secrets_path()
    if value is None and not path.exists():
        return
    _check_private(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.chmod(path, 0o600)
    edit(path, name, value, secrets=True)
