"""A plugins folder where permissions say nothing (Windows, exFAT, SMB, WSL's /mnt/c) runs once you vouch
for it in your own settings; a shared file cannot vouch, and another user's folder stays refused."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from engage.errors import PluginError
from engage.plugin.trust import NO_MODES, filesystem_of, mount_type
from helpers import Seed, invoke, one_line_error
from helpers.processes import ENGAGE, engage_env

PLUGIN = (
    "from engage import hookimpl\n\n@hookimpl\ndef engage_after_log(entry):\n    return ['org rule ran']\n"
)

# /proc/self/mountinfo lines as Linux writes them: WSL 2's C: drive, a USB stick, a share, the root
MOUNTINFO = r"""22 1 8:32 / / rw,relatime - ext4 /dev/sdc rw,discard
85 22 0:66 / /mnt/c rw,noatime - 9p drvfs rw,dirsync,aname=drvfs;path=C:\;uid=1000;gid=1000
86 22 8:17 / /media/ann/KINGSTON\040USB rw,nosuid,nodev,relatime shared:140 - exfat /dev/sdb1 rw,uid=1000,fmask=0022
87 22 0:70 / /srv/share rw,relatime - cifs //nas/team rw,vers=3.1.1,uid=1000,file_mode=0777
88 86 0:71 / /media/ann/KINGSTON\040USB/inner rw - ext4 /dev/loop3 rw
"""


def test_the_mount_holding_a_path_is_the_innermost_one() -> None:
    assert mount_type(MOUNTINFO, "/mnt/c/Users/ann/plugins") == "9p"
    assert mount_type(MOUNTINFO, "/media/ann/KINGSTON USB/plugins") == "exfat"
    assert mount_type(MOUNTINFO, "/media/ann/KINGSTON USB/inner/plugins") == "ext4"
    assert mount_type(MOUNTINFO, "/srv/share") == "cifs"
    assert mount_type(MOUNTINFO, "/srv/shared") == "ext4"  # a name that only starts like the mount
    assert mount_type(MOUNTINFO, "/home/ann") == "ext4"
    assert {"9p", "exfat", "cifs"} <= NO_MODES and "ext4" not in NO_MODES


def test_this_machines_own_mounts_are_read(tmp_path: Path) -> None:
    if not os.path.exists("/proc/self/mountinfo"):
        pytest.skip("no /proc/self/mountinfo: not Linux")
    found = filesystem_of(str(tmp_path))
    assert found is not None and found not in NO_MODES  # this machine keeps Unix modes here
    assert filesystem_of(str(tmp_path), str(tmp_path / "none")) is None  # no table: cannot tell


def _open_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "usb-plugins"
    folder.mkdir()
    (folder / "org_rules.py").write_text(PLUGIN, encoding="utf-8")
    (folder / "org_rules.py").chmod(0o777)  # as every file on exFAT reports itself
    folder.chmod(0o777)
    return folder


def _no_modes(tmp_path: Path, monkeypatch, kind: str = "exfat") -> None:
    """Make engage believe ``tmp_path`` is a drive that keeps no Unix modes."""
    table = tmp_path / "mountinfo"
    table.write_text(
        f"22 1 8:32 / / rw - ext4 /dev/sdc rw\n86 22 8:17 / {tmp_path} rw - {kind} /dev/sdb1 rw\n"
    )
    monkeypatch.setattr("engage.plugin.trust.MOUNTS", str(table))


@pytest.mark.skipif(os.name == "nt", reason="Unix permission bits do not exist on Windows")
def test_a_folder_you_vouch_for_runs_and_only_from_your_own_settings(
    ijm: Seed, tmp_path: Path, monkeypatch
) -> None:
    folder = _open_folder(tmp_path)
    _no_modes(tmp_path, monkeypatch)
    refused = ijm.run("--plugins-dir", str(folder), "log", "1", "-p", "prep")
    one_line_error(refused, "this drive (exfat) keeps no permissions", "engage config plugins.trusted")
    assert not ijm.ledger.exists()
    # a team's shared local file cannot vouch: it would run a teammate's code as you
    local = invoke("-s", str(ijm.path), "config", "--local", "plugins.trusted", str(folder))
    one_line_error(local, "plugins.trusted")
    assert invoke("config", "plugins.trusted", str(folder)).exit_code == 0
    logged = ijm.run("--plugins-dir", str(folder), "log", "1", "-p", "prep")
    assert logged.exit_code == 0, logged.stderr
    assert "org rule ran" in logged.stdout
    # vouching for one folder is not vouching for another
    other = tmp_path / "elsewhere"
    other.mkdir(mode=0o777)
    other.chmod(0o777)
    (other / "org_rules.py").write_text(PLUGIN, encoding="utf-8")
    one_line_error(ijm.run("--plugins-dir", str(other), "show"), f"{other}: this drive (exfat)")


@pytest.mark.skipif(os.name == "nt", reason="Unix permission bits do not exist on Windows")
def test_on_a_filesystem_that_keeps_modes_a_vouch_does_not_open_a_world_writable_folder(
    ijm: Seed, tmp_path: Path
) -> None:
    """ext4, tmpfs: another user could plant a __pycache__ file, a link, or swap the file; chmod fixes it."""
    folder = _open_folder(tmp_path)
    assert invoke("config", "plugins.trusted", str(folder)).exit_code == 0
    refused = ijm.run("--plugins-dir", str(folder), "show")
    one_line_error(refused, f"{folder}: writable by every user", f"chmod o-w {folder}")


@pytest.mark.skipif(not hasattr(os, "chown") or os.getuid() != 0, reason="chown needs root")
def test_on_a_drive_without_modes_the_owner_it_reports_is_the_mounts_and_the_vouch_decides(
    ijm: Seed, tmp_path: Path, monkeypatch
) -> None:
    """exFAT or CIFS mounted by root without uid=: every file reports another owner; vouching must work."""
    folder = _open_folder(tmp_path)
    for path in (folder, folder / "org_rules.py"):
        path.chmod(0o755)
        os.chown(path, 4242, -1)
    _no_modes(tmp_path, monkeypatch, "cifs")
    one_line_error(ijm.run("--plugins-dir", str(folder), "show"), "this drive (cifs)", "plugins.trusted")
    assert invoke("config", "plugins.trusted", str(folder)).exit_code == 0
    shown = ijm.run("--plugins-dir", str(folder), "log", "1", "-p", "prep")
    assert shown.exit_code == 0, shown.stderr
    assert "org rule ran" in shown.stdout


ATTACK = "import pathlib\npathlib.Path(__file__).with_name('PWNED').write_text('x')\n"


@pytest.mark.skipif(not hasattr(os, "chown") or os.getuid() != 0, reason="chown needs root")
def test_a_planted_pycache_file_never_runs_in_place_of_the_source(
    ijm: Seed, tmp_path: Path, monkeypatch
) -> None:
    """Another user's .pyc stamped with the source's mtime and size: Python's loader would run it."""
    import importlib.util
    import py_compile

    folder = _open_folder(tmp_path)
    source = folder / "org_rules.py"
    genuine = source.read_bytes()
    attack = ATTACK.encode().ljust(len(genuine) - 1, b"#") + b"\n"
    assert len(attack) == len(genuine)
    stamp = source.stat()
    source.write_bytes(attack)
    os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    pyc = Path(importlib.util.cache_from_source(str(source)))
    py_compile.compile(str(source), cfile=str(pyc), doraise=True)
    source.write_bytes(genuine)
    os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    for path in (pyc.parent, pyc):
        os.chown(path, 4242, -1)
    # on ext4 the world-writable folder is refused, vouched or not
    assert invoke("config", "plugins.trusted", str(folder)).exit_code == 0
    one_line_error(ijm.run("--plugins-dir", str(folder), "show"), "writable by every user")
    # where a vouch counts, the source is what runs
    _no_modes(tmp_path, monkeypatch)
    logged = ijm.run("--plugins-dir", str(folder), "log", "1", "-p", "prep")
    assert logged.exit_code == 0, logged.stderr
    assert "org rule ran" in logged.stdout
    assert not (folder / "PWNED").exists()


@pytest.mark.skipif(not hasattr(os, "chown") or os.getuid() != 0, reason="chown needs root")
def test_a_planted_link_to_another_file_is_refused(ijm: Seed, tmp_path: Path, monkeypatch) -> None:
    """The link stats as its target (owned by you): the plugin is read without following it."""
    folder = _open_folder(tmp_path)
    private = tmp_path / "private.py"
    private.write_text(ATTACK, encoding="utf-8")
    private.chmod(0o600)
    (folder / "evil.py").symlink_to(private)
    os.lchown(folder / "evil.py", 4242, -1)
    assert invoke("config", "plugins.trusted", str(folder)).exit_code == 0
    one_line_error(ijm.run("--plugins-dir", str(folder), "show"), "writable by every user")
    _no_modes(tmp_path, monkeypatch)
    refused = ijm.run("--plugins-dir", str(folder), "show")
    one_line_error(refused, f"{folder / 'evil.py'}: a link, not a plugin file")
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.skipif(not hasattr(os, "chown") or os.getuid() != 0, reason="chown needs root")
def test_the_file_imported_is_judged_by_the_descriptor_it_is_read_from(tmp_path: Path) -> None:
    """A file swapped after the folder's check: what is read is checked again, on its own fstat."""
    from engage.plugin.discovery import import_file

    folder = tmp_path / "plugins"
    folder.mkdir()
    swapped = folder / "org_rules.py"
    swapped.write_text(ATTACK, encoding="utf-8")
    os.chown(swapped, 4242, -1)
    with pytest.raises(PluginError, match="owned by another user"):
        import_file(swapped)
    assert not (folder / "PWNED").exists()


@pytest.mark.skipif(not hasattr(os, "chown") or os.getuid() != 0, reason="chown needs root")
def test_vouching_does_not_cover_a_folder_another_user_owns(ijm: Seed, tmp_path: Path) -> None:
    folder = _open_folder(tmp_path)
    os.chown(folder, 4242, -1)
    assert invoke("config", "plugins.trusted", str(folder)).exit_code == 0
    one_line_error(ijm.run("--plugins-dir", str(folder), "show"), "writable by every user")


def test_on_a_drive_without_permissions_the_message_says_how_to_vouch(tmp_path: Path, monkeypatch) -> None:
    """What a user on an exFAT stick sees: no chmod (it cannot work there), the one setting that can."""
    folder = _open_folder(tmp_path)
    table = tmp_path / "mountinfo"
    table.write_text(
        f"22 1 8:32 / / rw - ext4 /dev/sdc rw\n86 22 8:17 / {tmp_path} rw - exfat /dev/sdb1 rw\n"
    )
    monkeypatch.setattr("engage.plugin.trust.MOUNTS", str(table))
    from engage.plugin.trust import refuse_unsafe

    with pytest.raises(PluginError) as refused:
        refuse_unsafe(folder)
    assert str(refused.value) == (
        f"{folder}: this drive (exfat) keeps no permissions, so engage cannot tell who may put code here; "
        f"if only you can, vouch for it once: engage config plugins.trusted {folder}"
    )


def test_inside_a_folder_means_within_it_after_links_not_a_name_that_starts_alike(tmp_path: Path) -> None:
    """Windows' rule (a plugins folder under your user folder is yours) rests on this; the Windows branch
    itself needs a Windows machine (docs/windows-and-macos.md)."""
    from engage.plugin.trust import inside

    home = tmp_path / "Users" / "ann"
    (home / "OneDrive" / "plugins").mkdir(parents=True)
    (tmp_path / "Users" / "ann2").mkdir()
    (tmp_path / "Users" / "link").symlink_to(tmp_path / "Users" / "ann2")
    assert inside(home / "OneDrive" / "plugins", home) and inside(home, home)
    assert not inside(tmp_path / "Users" / "ann2", home)
    assert not inside(tmp_path / "Users" / "link", home)  # a link out of it leads elsewhere
    (home / "out").symlink_to(tmp_path / "Users" / "ann2")
    assert not inside(home / "out", home)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_like_a_plugin_is_refused_not_waited_on(ijm: Seed, tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir(mode=0o700)
    os.mkfifo(folder / "stuck.py", 0o600)
    done = subprocess.run(
        [ENGAGE, "--plugins-dir", str(folder), "-s", str(ijm.path), "show"],
        capture_output=True,
        text=True,
        env=engage_env(),
        timeout=30,
        check=False,
    )
    assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr
