"""The one rule for "a place others can write", and the seal over a cache file's content and key.

Ownership cannot be given away without root: a folder "owned by another user" is emulated by
making engage believe it runs as another uid (``os.getuid``), and, where the suite runs as root, by
``chown`` for real.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engage.cachedir import checked, others_can_write, read_checked, untrusted, write_checked
from engage.errors import PluginError
from engage.plugin.trust import refuse_unsafe

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Unix modes and owners")


@pytest.fixture(autouse=True)
def shared_group(monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders' group is not the user's private group here (see the test of that group below)."""
    gid = os.getgid()
    monkeypatch.setattr(os, "getgid", lambda: gid + 4242)


def folder(tmp_path: Path, *parts: str, mode: int = 0o755) -> Path:
    made = tmp_path.joinpath(*parts)
    made.mkdir(parents=True, exist_ok=True)
    made.chmod(mode)
    return made


@pytest.mark.parametrize(
    ("mode", "why"),
    [
        (0o700, ""),
        (0o755, ""),
        (0o775, "writable by its group"),
        (0o757, "writable by every user"),
        (0o777, "writable by every user"),
        (0o1777, "writable by every user"),  # the sticky bit does not save the cache folder itself
    ],
)
def test_a_cache_folder_others_can_write_is_not_trusted(tmp_path: Path, mode: int, why: str) -> None:
    cache = folder(tmp_path, "cache", mode=mode)
    assert why in untrusted(cache) and bool(untrusted(cache)) == bool(why)


def test_a_folder_above_the_cache_others_can_write_is_not_trusted_unless_sticky(tmp_path: Path) -> None:
    cache = folder(tmp_path, "shared", "engage")
    shared = cache.parent
    shared.chmod(0o777)  # anyone could rename engage/ and put their own in its place
    assert untrusted(cache) == f"{shared}: writable by every user"
    assert untrusted(cache / "not-made-yet") == f"{shared}: writable by every user"
    shared.chmod(0o1777)  # /tmp: each entry stays its owner's
    assert untrusted(cache) == ""
    shared.chmod(0o775)
    assert "writable by its group" in untrusted(cache)


def test_a_link_to_a_folder_others_can_write_is_not_trusted(tmp_path: Path) -> None:
    real = folder(tmp_path, "open", "engage")
    real.parent.chmod(0o777)
    link = tmp_path / "mine" / "cache"
    link.parent.mkdir()
    link.symlink_to(real)
    assert untrusted(link) == f"{real.parent}: writable by every user"
    assert untrusted(link / "ledgers") == f"{real.parent}: writable by every user"


def test_a_cache_folder_owned_by_another_user_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = folder(tmp_path, "cache")
    me = os.getuid()
    assert untrusted(cache) == ""
    monkeypatch.setattr(os, "getuid", lambda: me + 4242)  # the folder is now someone else's
    if me == 0:  # root's folders are trusted by all: only a folder owned by a third user is not
        assert untrusted(cache) == ""
        os.chown(cache, 4243, -1)
        assert untrusted(cache) == f"{cache}: owned by another user (uid 4243)"
    else:
        assert untrusted(cache) == f"{cache}: owned by another user (uid {me})"


@pytest.mark.skipif(not hasattr(os, "chown") or os.getuid() != 0, reason="chown needs root")
def test_a_folder_above_the_cache_owned_by_another_user_is_not_trusted_even_if_sticky(tmp_path: Path) -> None:
    cache = folder(tmp_path, "theirs", "engage")
    os.chown(cache.parent, 4243, -1)
    cache.parent.chmod(0o1777)  # its owner may still move what is in it
    assert untrusted(cache) == f"{cache.parent}: writable by every user"
    cache.parent.chmod(0o755)
    assert untrusted(cache) == f"{cache.parent}: owned by another user (uid 4243)"


def test_the_plugins_folder_is_held_to_the_same_rule(tmp_path: Path) -> None:
    plugins = folder(tmp_path, "plugins", mode=0o775)
    with pytest.raises(PluginError, match=r"writable by its group.*chmod g-w"):
        refuse_unsafe(plugins)
    plugins.chmod(0o777)
    with pytest.raises(PluginError, match=r"writable by every user.*chmod o-w"):
        refuse_unsafe(plugins)
    plugins.chmod(0o755)
    refuse_unsafe(plugins)
    assert others_can_write(plugins.stat()) == ""


def test_a_sealed_file_is_read_back_only_under_its_key_and_whole(tmp_path: Path) -> None:
    path = folder(tmp_path, "cache") / "kept"
    assert write_checked(path, b"payload", b"key one")
    assert bytes(read_checked(path, b"key one") or b"") == b"payload"
    assert read_checked(path, b"key two") is None  # another key: a copy put in another's place
    data = bytearray(path.read_bytes())
    data[2] ^= 0x04
    path.write_bytes(bytes(data))
    assert read_checked(path, b"key one") is None  # a bit flipped
    path.write_bytes(b"\x00\x01")
    assert read_checked(path, b"key one") is None  # cut short
    with pytest.raises(ValueError):
        checked(b"pay", b"key one")


def test_a_folder_writable_by_the_users_own_private_group_is_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    """umask 002 with a group per user (Fedora) makes every folder group-writable: by the user alone."""
    import grp
    import pwd

    monkeypatch.undo()
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid())
    private = group.gr_name == user and set(group.gr_mem) <= {user}
    info = os.stat_result((0o40775, 0, 0, 0, os.getuid(), os.getgid(), 0, 0, 0, 0))
    assert others_can_write(info) == ("" if private else f"writable by its group (gid {os.getgid()})")
    other = os.stat_result((0o40775, 0, 0, 0, os.getuid(), os.getgid() + 4242, 0, 0, 0, 0))
    assert others_can_write(other) == f"writable by its group (gid {os.getgid() + 4242})"


def test_nothing_is_written_or_read_in_a_folder_others_can_write(tmp_path: Path, capsys) -> None:
    cache = folder(tmp_path, "cache")
    path = cache / "kept"
    assert write_checked(path, b"payload", b"k")
    cache.chmod(0o777)
    assert read_checked(path, b"k") is None
    assert not write_checked(cache / "other", b"payload", b"k") and not (cache / "other").exists()
    assert capsys.readouterr().err.count("caches not used") == 1  # said once, however often asked
