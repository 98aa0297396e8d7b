"""Where engage keeps what it can compute again: ``ENGAGE_CACHE_DIR``, else the user's cache folder."""

from __future__ import annotations

import os
import stat
import sys
import zlib
from pathlib import Path

from engage.language import _
from engage.storage.atomic import replace_whole

CACHE_VAR = "ENGAGE_CACHE_DIR"

_warned: set[str] = set()


def cache_dir() -> Path:
    """``ENGAGE_CACHE_DIR``, else the platform's user cache folder for engage."""
    if os.environ.get(CACHE_VAR):
        return Path(os.environ[CACHE_VAR])
    if sys.platform.startswith("linux"):  # what platformdirs answers, without importing it on every start
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        return Path(xdg if os.path.isabs(xdg) else os.path.expanduser("~/.cache")) / "engage"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("engage", appauthor=False))


def others_can_write(info: os.stat_result) -> str:
    """Why another user could change a file or folder with this stat; "" when only you (or root) can.

    Group-writable counts unless the group is the user's own private one. The one rule for "a place
    others can write": a plugins folder or file that fails it is refused
    (its code would run as you), a cache folder that fails it is not read (what it holds would be
    believed, or decoded, as yours)."""
    if os.name == "nt":  # no Unix modes: Windows folders are guarded by their ACLs
        return ""
    if info.st_mode & 0o002:
        return _("writable by every user")
    if info.st_mode & 0o020 and not _private_group(info.st_gid):
        return _("writable by its group (gid {gid})").format(gid=info.st_gid)
    if info.st_uid not in (os.getuid(), 0):
        return _("owned by another user (uid {uid})").format(uid=info.st_uid)
    return ""


def _private_group(gid: int) -> bool:
    """Whether ``gid`` is the user's own private group (named as the user, their primary group, with no
    other member), which a umask of 002 makes every new folder writable by (Fedora; Debian's ssh
    allows it too). Asked only of a group-writable folder."""
    if gid != os.getgid():
        return False
    try:
        import grp
        import pwd

        user = pwd.getpwuid(os.getuid()).pw_name
        group = grp.getgrgid(gid)
    except (ImportError, KeyError):
        return False
    return group.gr_name == user and set(group.gr_mem) <= {user}


def untrusted(folder: Path) -> str:
    """Why what ``folder`` holds could have been put there by another user; "" when it could not.

    The folder (or, until it is made, the nearest one above it that exists) must pass
    :func:`others_can_write`, and so must every folder above it, on the path as given and on the
    path its links lead to, for whoever may write one of those could put another folder in its
    place; a folder above it that every user may write is allowed only with its sticky bit (``/tmp``),
    which keeps each user's entries their own. A dozen stats: some 10 µs.
    """
    return _why_untrusted(os.path.abspath(folder))  # not remembered: a test's commands share a process


def _why_untrusted(where: str) -> str:
    if os.name == "nt":
        return ""
    why, linked = _walk(where)
    if not why and linked:  # the folders a link leads to: whoever writes them writes the cache
        why, _ = _walk(os.path.realpath(where))
    return why


def _walk(start: str) -> tuple[str, bool]:
    """Why a folder on the path from ``start`` up fails the rule ("" when none does), and whether one
    of them is a link (its own mode says nothing: the folder it leads to is checked then)."""
    path, linked = start, False
    while True:
        try:
            info: os.stat_result | None = os.lstat(path)
        except OSError:  # not made yet, or not to be reached: nothing in it is read; those above decide
            info = None
        if info is not None and stat.S_ISLNK(info.st_mode):
            linked = True
        elif info is not None:
            why = others_can_write(info) or (_("it has an access control list") if _has_acl(path) else "")
            if why and not (path != start and _sticky_and_kept(info)):
                return f"{path}: {why}", linked
        parent = os.path.dirname(path)
        if parent == path:
            return "", linked
        path = parent


MAX_CACHE_FILE = 1 << 30  # more than any cache engage writes (a million entries' ids are ~13 MB)
_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def open_own(path: Path) -> int:
    """A descriptor of the cache file ``path``, if it is a regular file of the user's that no one else
    could have written, of a sane size; OSError otherwise (then it is not believed: computed afresh).

    Not through a link, never a FIFO (which would wait forever) or a device (``/dev/zero`` would fill
    memory); not written by another user, through a group or an access control list (a file made
    under ``umask 000``)."""
    fd = os.open(path, _READ)
    try:
        info = os.fstat(fd)
        why = _("not a regular file") if not stat.S_ISREG(info.st_mode) else others_can_write(info)
        if not why and info.st_size > MAX_CACHE_FILE:
            why = _("too large to be a cache file")
        if not why and _has_acl(fd):
            why = _("it has an access control list")
    except BaseException:
        os.close(fd)
        raise
    if why:
        os.close(fd)
        raise OSError(f"{path}: {why}")
    return fd


def read_own(path: Path) -> bytes:
    """What the cache file ``path`` holds, if :func:`open_own` takes it; OSError otherwise."""
    fd = open_own(path)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _has_acl(target: int | str) -> bool:
    """Whether a file or folder carries a POSIX access ACL, which may let other users write it whatever
    its mode bits say (its group bits are then the ACL's mask). Linux only: elsewhere, False."""
    if not hasattr(os, "listxattr"):
        return False
    try:
        return "system.posix_acl_access" in os.listxattr(target)
    except OSError:
        return False


def _sticky_and_kept(info: os.stat_result) -> bool:
    """A folder above others that anyone may add to, whose sticky bit keeps each entry its owner's, and
    whose own owner (who could still move entries) is you or root: ``/tmp``."""
    return bool(info.st_mode & 0o1000) and info.st_uid in (os.getuid(), 0)


def trusted(folder: Path) -> bool:
    """Whether caches in ``folder`` may be read: no other user could have written them (see
    :func:`untrusted`). When not, says so once on stderr: engage computes afresh, only slower."""
    why = untrusted(folder)
    if why and str(cache_dir()) not in _warned:  # one line a command, however many caches it passes over
        _warned.add(str(cache_dir()))
        said = _("caches not used: {why}; another user could put one there to be believed").format(why=why)
        sys.stderr.write(f"engage: {said}\n")
    return not why


def write_atomically(path: Path, content: str | bytes) -> bool:
    """Write ``content`` (text as UTF-8) to ``path``: a reader sees the old file or the new one, never a part.

    Mode 600, not synced to disk (a cache lost is computed again), a file held open on Windows
    (another engage reading it) waited for ``CACHE_PATIENCE`` seconds, the temporary never left
    behind. A cache that cannot be written is not an error: False says it was not.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_whole(path, data, mode=0o600, durable=False, patience=CACHE_PATIENCE)
    except OSError:
        return False
    return True


CACHE_PATIENCE = 1.0  # seconds: a cache is read in milliseconds; a command does not wait long for one


def seal(payload: bytes | memoryview, key: bytes = b"") -> int:
    """The CRC-32 of ``key`` and then ``payload``: what a cache file was computed from, and what it holds."""
    return zlib.crc32(payload, zlib.crc32(key))


def write_checked(path: Path, payload: bytes, key: bytes = b"") -> bool:
    """:func:`write_atomically` ``payload`` with its :func:`seal` after it, which :func:`checked` verifies.

    ``key`` is what the payload was computed from (not written): a file read under another key, a
    copy put in another's place, fails the check as a damaged one does. Nothing is written in a
    folder another user could write (it would never be read): False, as for a write that failed."""
    if not trusted(path.parent):
        return False
    return write_atomically(path, payload + seal(payload, key).to_bytes(4, "little"))


def checked(data: bytes, key: bytes = b"") -> memoryview:
    """What a file :func:`write_checked` wrote holds, if it still matches its seal under ``key`` (a bit
    flipped on disk, a file cut short, one made from something else: ValueError). A view, not a copy:
    a ledger cache's ids are 1.3 MB."""
    held = memoryview(data)[:-4]
    if len(data) < 4 or seal(held, key) != int.from_bytes(data[-4:], "little"):
        raise ValueError("a cache file does not match its checksum")
    return held


def read_checked(path: Path, key: bytes) -> memoryview | None:
    """What the cache file ``path`` holds, if it was written by :func:`write_checked` under ``key`` in a
    folder only you can write; None otherwise (not there, damaged, made from something else, or in a
    folder others can write): the caller computes afresh."""
    if not trusted(path.parent):
        return None
    try:
        return checked(read_own(path), key)
    except (OSError, ValueError):
        return None
