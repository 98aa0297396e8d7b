"""Whether a plugins folder is safe to run code from: no one but you could have put code in it.

On POSIX the folder's and each file's modes and owner decide (:func:`engage.cachedir.others_can_write`).
Where modes say nothing, engage cannot tell, and asks you to vouch for the folder once
(``engage config plugins.trusted FOLDER``, from your own settings only):

- a drive mounted without Unix permissions (exFAT, FAT, NTFS through FUSE, SMB, WSL's ``/mnt/c``),
  where every file reports ``rwxrwxrwx``;
- on Windows, a folder outside your user folder (inside it, Windows' own access lists keep it yours).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from engage.cachedir import others_can_write
from engage.errors import PluginError
from engage.language import N_, _

TRUST_KEY = "plugins.trusted"
# filesystems that keep no Unix modes: what they report is the mount's options, not who may write
NO_MODES = frozenset(
    {"vfat", "msdos", "exfat", "fat", "ntfs", "ntfs3", "fuseblk", "cifs", "smb3", "smbfs"}
    | {"9p", "drvfs", "v9fs"}  # WSL's Windows drives
)
MOUNTS = "/proc/self/mountinfo"
_LINK = N_("{path}: a link, not a plugin file; refused: put the file itself in the folder")


def refuse_unsafe(path: Path) -> None:
    """Refuse a plugin folder or file that others could have written: its code would run as you."""
    try:
        info = path.stat()
    except OSError as exc:
        raise PluginError(cannot_read(path, exc)) from None
    judge(path, info)


def cannot_read(path: Path, exc: OSError) -> str:
    """``PATH: cannot read this plugin path: why``."""
    return _("{path}: cannot read this plugin path: {reason}").format(path=path, reason=exc.strerror or exc)


def judge(path: Path, info: os.stat_result) -> None:
    """Refuse ``path`` if ``info`` (its stat, or the fstat of the descriptor its code is read from) says
    others could have written it.

    Your vouch (``plugins.trusted``) counts only where modes say nothing: on a filesystem that keeps
    them, a folder others can write stays refused whatever is vouched (another user could plant a
    ``__pycache__`` file, a link, or swap the file). Where the filesystem keeps no modes, the owner it
    reports is the mount's option, not a person: the vouch alone decides."""
    folder = path if stat.S_ISDIR(info.st_mode) else path.parent
    if os.name == "nt":
        if not inside(folder, Path.home()) and not _vouched(folder):
            raise PluginError(
                _(
                    "{path}: outside your user folder engage cannot tell who may put code here; if only you "
                    "can, vouch for it once: engage config {key} {folder}"
                ).format(path=path, key=TRUST_KEY, folder=folder)
            )
        return
    why = others_can_write(info)
    if not why:
        return
    kind = filesystem_of(str(path))
    macos_drive = kind is None and sys.platform == "darwin" and stat.S_IMODE(info.st_mode) == 0o777
    if kind in NO_MODES or macos_drive:
        if _vouched(folder):
            return
        drive = _("this drive ({kind})").format(kind=kind) if kind else _("this drive")
        raise PluginError(
            _(
                "{path}: {drive} keeps no permissions, so engage cannot tell who may put code here; "
                "if only you can, vouch for it once: engage config {key} {folder}"
            ).format(path=path, drive=drive, key=TRUST_KEY, folder=folder)
        )
    if info.st_mode & 0o002 or info.st_uid in (os.getuid(), 0):  # its mode lets others write (why: words)
        fix = "chmod o-w" if info.st_mode & 0o002 else "chmod g-w"
        raise PluginError(
            _(
                "{path}: {why}, so another user could put code here that engage would run; "
                "refused: {fix} {path}"
            ).format(path=path, why=why, fix=fix)
        )
    raise PluginError(
        _("{path}: {why}, so engage will not run it as you; refused: use plugins you own").format(
            path=path, why=why
        )
    )


def read_plugin(path: Path) -> bytes:
    """The source of a loose plugin file, read from one descriptor opened without following a link and
    judged by its own fstat: what is checked is what runs (no swap between a stat and the import)."""
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    if not nofollow and path.is_symlink():
        raise PluginError(_(_LINK).format(path=path))
    try:
        # O_NONBLOCK: a FIFO named like a plugin would otherwise wait for a writer forever
        fd = os.open(path, os.O_RDONLY | nofollow | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        if path.is_symlink():
            raise PluginError(_(_LINK).format(path=path)) from None
        raise PluginError(cannot_read(path, exc)) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise PluginError(
                _("{path}: not a regular file; refused: a plugin is a .py file").format(path=path)
            )
        judge(path, info)
        try:
            return handle.read()
        except OSError as exc:
            raise PluginError(cannot_read(path, exc)) from None


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or within it, links and case resolved as the system resolves them."""
    try:
        return os.path.normcase(os.path.realpath(path)).startswith(
            os.path.join(os.path.normcase(os.path.realpath(folder)), "")
        ) or os.path.samefile(path, folder)
    except OSError:
        return False


def _vouched(folder: Path) -> bool:
    """Whether ``folder`` is the one your settings vouch for (``plugins.trusted``; never a shared file's)."""
    from engage.settings.lookup import setting

    trusted = setting(TRUST_KEY)
    if not trusted:
        return False
    try:
        return os.path.samefile(folder, os.path.expanduser(trusted))
    except OSError:
        return False


def filesystem_of(path: str, mounts: str | None = None) -> str | None:
    """The type of the filesystem ``path`` is on, from the system's list of mounts; None where there is none
    to read (macOS, Windows)."""
    try:
        with open(mounts or MOUNTS, encoding="utf-8", errors="surrogateescape") as handle:
            table = handle.read()
    except OSError:
        return None
    return mount_type(table, os.path.realpath(path))


def mount_type(table: str, path: str) -> str | None:
    """The type of the innermost mount holding ``path``, read from a ``/proc/self/mountinfo`` table:
    ``ID PARENT MAJ:MIN ROOT MOUNT-POINT OPTIONS [TAGS...] - TYPE SOURCE SUPER-OPTIONS``."""
    best, kind = -1, None
    for line in table.splitlines():
        fields, _dash, rest = line.partition(" - ")

        parts, after = fields.split(), rest.split()
        if len(parts) < 5 or not after:
            continue
        point = _unescaped(parts[4])
        if (path == point or path.startswith(point.rstrip("/") + "/")) and len(point) > best:
            best, kind = len(point), after[0]
    return kind


def _unescaped(text: str) -> str:
    """A mount point as the kernel escapes it: space, tab, newline and backslash as ``\\ooo``."""
    if "\\" not in text:
        return text
    return (
        text.encode("latin-1", "surrogateescape")
        .decode("unicode_escape")
        .encode("latin-1")
        .decode("utf-8", "surrogateescape")
    )
