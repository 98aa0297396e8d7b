"""The config files: where they are, read (errors naming file, line and key), written atomically by line."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from engage.errors import EngageError
from engage.language import _
from engage.settings.keys import checked, key_of

CONFIG_VAR = "ENGAGE_CONFIG"
LOCAL_NAME = Path(".engage") / "config.toml"  # in a folder: the portfolio scan reads only its *.toml
SCHEDULE_VAR = "ENGAGE_SCHEDULE"

Values = dict[str, tuple[str, int]]  # "section.key" -> (its value as text, its line)


def user_path() -> Path:
    """``ENGAGE_CONFIG``, else ``config.toml`` in the platform's user config folder for engage."""
    if os.environ.get(CONFIG_VAR):
        return Path(os.environ[CONFIG_VAR])
    if sys.platform.startswith("linux"):  # what platformdirs answers, without importing it on every start
        xdg = os.environ.get("XDG_CONFIG_HOME", "").strip()
        return Path(xdg if os.path.isabs(xdg) else os.path.expanduser("~/.config")) / "engage" / "config.toml"
    from platformdirs import user_config_dir

    return Path(user_config_dir("engage", appauthor=False)) / "config.toml"


_chosen: list[Path] = []  # the schedule this command was given with -s: the local file is beside it


def use_schedule(path: Path | None) -> None:
    """The schedule the command works on (``-s FILE``), whose folder holds the local file (None: none)."""
    _chosen[:] = [path] if path is not None else []


def local_path() -> Path:
    """``.engage/config.toml`` beside the schedule given with ``-s``, else beside ``$ENGAGE_SCHEDULE``,
    else in the nearest folder, here or above, that holds one (or ``engage.toml``); else here."""
    if _chosen:
        return _chosen[0].absolute().parent / LOCAL_NAME
    if os.environ.get(SCHEDULE_VAR):
        return Path(os.environ[SCHEDULE_VAR]).absolute().parent / LOCAL_NAME
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / LOCAL_NAME).is_file() or (folder / "engage.toml").is_file():
            return folder / LOCAL_NAME
    return here / LOCAL_NAME


BARE = r"[A-Za-z0-9_-]+"
KEY = rf'(?:{BARE}|"[^"\\]*")'
_HEADER = rf"^\s*\[\s*({BARE})\s*\]\s*(?:#.*)?$"  # compiled (and kept by re) when a file is read
_ASSIGN = rf'^\s*({KEY})\s*=\s*("(?:[^"\\]|\\.)*"|-?\d+|true|false)\s*(?:#.*)?$'


def read(path: Path, shared: bool = False, secrets: bool = False) -> Values:
    """The settings in ``path`` ({} when there is none); EngageError ``FILE: line N: KEY: ...`` when damaged.

    The plain form engage writes (``[section]`` and ``key = value`` lines) is read line by line, which
    costs ``engage log`` no more than the file read; anything else is handed to tomllib."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise EngageError(_unreadable(path, exc)) from exc
    stamp = (info.st_ino, info.st_size, info.st_mtime_ns, shared, secrets)
    kept = _read.get(str(path))
    if kept is None or kept[0] != stamp:  # a command looks settings up several times: read once
        kept = _read[str(path)] = (stamp, _values(path, shared, secrets))  # (while the file is unchanged)
    return kept[1]


_read: dict[str, tuple[tuple[object, ...], Values]] = {}


def _values(path: Path, shared: bool, secrets: bool) -> Values:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EngageError(_unreadable(path, exc)) from exc
    values = _plain(text)
    if values is None:
        values = _toml(path, text)
    for name, (value, line) in values.items():
        key = key_of(name)
        if key is not None and key.kind == "secret" and not secrets:
            raise EngageError(
                _(
                    "{path}: line {line}: {name}: a password is not kept in a config file; remove the line, "
                    "and give it with engage config {name} (the system keyring keeps it)"
                ).format(path=path, line=line, name=name)
            )
        if key is not None and shared and key.personal:
            raise EngageError(
                _(
                    "{path}: line {line}: {name}: not taken from a file a team shares (its code would run as "
                    "you); remove it, and set it with engage config --global"
                ).format(path=path, line=line, name=name)
            )
        if key is not None:
            try:
                checked(name, value)
            except ValueError as exc:
                raise EngageError(
                    _("{path}: line {line}: {name}: {problem}").format(
                        path=path, line=line, name=name, problem=exc
                    )
                ) from None
    return values


def _unreadable(path: Path, exc: Exception) -> str:
    return _("{path}: cannot be read ({error}); give a UTF-8 TOML file, or remove it").format(
        path=path, error=exc
    )


def _plain(text: str) -> Values | None:
    """The settings of a file in the plain form; None at a line that is not (tomllib reads it)."""
    values: Values = {}
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        header = re.match(_HEADER, line)
        if header:
            section = header.group(1)
            continue
        assign = re.match(_ASSIGN, line)
        if not assign or not section:
            return None
        key, raw = assign.groups()
        name = f"{section}.{key.strip(chr(34))}"
        if name in values:
            return None  # tomllib names the duplicate
        try:
            value = _unquoted(raw) if raw.startswith('"') else raw
        except ValueError:
            return None
        values[name] = (value if isinstance(value, str) else str(value), number)
    return values


def _unquoted(raw: str) -> str:
    """A TOML basic string's text: JSON's escapes, bar TOML's own (then tomllib reads the file)."""
    if "\\" not in raw:
        return raw[1:-1]
    import json

    value = json.loads(raw)
    if not isinstance(value, str):
        raise ValueError(raw)
    return value


def _toml(path: Path, text: str) -> Values:
    """The settings of a file only tomllib reads; EngageError at a syntax error or a value not a setting's."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        number = found.group(1) if found else max(1, len(text.splitlines()))
        what = re.sub(r"\s*\(at line.*\)", "", message)
        raise EngageError(
            _(
                '{path}: line {line}: not TOML ({what}); write [section] headers and key = "value" lines'
            ).format(path=path, line=number, what=what)
        ) from None
    values: Values = {}
    for section, table in data.items():
        if not isinstance(table, dict):
            raise EngageError(
                _("{path}: line {line}: {name}: put it under a [section]").format(
                    path=path, line=_line(text, "", section), name=section
                )
            )
        for key, value in table.items():
            name = f"{section}.{key}"
            if isinstance(value, dict | list) or not isinstance(value, str | int | bool):
                raise EngageError(
                    _("{path}: line {line}: {name}: give a string, number or boolean").format(
                        path=path, line=_line(text, section, key), name=name
                    )
                )
            text_value = str(value).lower() if isinstance(value, bool) else str(value)
            values[name] = (text_value, _line(text, section, key))
    return values


def _line(text: str, section: str, key: str) -> int:
    """The line that sets ``key`` in ``[section]`` (0 when not found): for errors only."""
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = header.group(1).strip('"')
        elif current == section and re.match(rf'^\s*"?{re.escape(key)}"?\s*=', line):
            return number
    return 0


def _quoted(name: str) -> str:
    import json

    return name if re.fullmatch(BARE, name) else json.dumps(name)


def _literal(value: str, kind: str) -> str:
    """``value`` as TOML: a port and a boolean bare, text as a basic string (JSON's escapes are TOML's)."""
    import json

    return value if kind in ("port", "bool") else json.dumps(value, ensure_ascii=False)


def edit(
    path: Path, name: str, value: str | None, kind: str = "text", shared: bool = False, secrets: bool = False
) -> bool:
    """Set ``name`` to ``value`` in ``path`` (None: remove it), keeping every other line; whether it changed.

    The file is read first (a damaged one is refused, with its line) and replaced atomically."""
    read(path, shared, secrets)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    section, key = name.split(".", 1)
    current = ""
    last_in_section = -1
    found = -1
    for index, line in enumerate(lines):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = header.group(1).strip('"')
            if current == section:
                last_in_section = index
            continue
        if current == section:
            if line.strip():
                last_in_section = index
            if re.match(rf'^\s*"?{re.escape(key)}"?\s*=', line):
                found = index
    new_line = f"{_quoted(key)} = {_literal(value, kind)}" if value is not None else None
    if found >= 0:
        if new_line is None:
            del lines[found]
        else:
            lines[found] = new_line
    elif new_line is None:
        return False
    elif last_in_section >= 0:
        lines.insert(last_in_section + 1, new_line)
    else:
        if lines and lines[-1].strip():
            lines.append("")
        lines += [f"[{section}]", new_line]
    _replace(path, "".join(f"{line}\n" for line in lines))
    return True


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole (:func:`engage.storage.atomic.write_file`), its mode kept (a new file
    644 less the umask; ``secrets.toml`` stays 600); a file held open is waited for, then one line."""
    from engage.storage.atomic import write_file

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EngageError(
            _("{folder}: cannot make the folder: {error}").format(
                folder=path.parent, error=exc.strerror or exc
            )
        ) from None
    write_file(path, text, _("config file"), mode=None if path.exists() else 0o644 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
