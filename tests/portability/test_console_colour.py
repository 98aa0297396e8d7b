"""Colour on a Windows console: VT mode switched on once, when colour is about to be written; off where
it cannot be (an old console, which would show the codes raw).

The decision is tested here with a fake ``kernel32`` (``engage.output.console.vt_ready`` takes one); a real
console, old conhost and Windows Terminal, is on the checklist in docs/ for a Windows machine.
"""

from __future__ import annotations

import ctypes
import subprocess
import sys
from typing import Any

import pytest

from engage.output import colour, console

VT = console.ENABLE_VIRTUAL_TERMINAL_PROCESSING


class FakeKernel32:
    """What ``ctypes.windll.kernel32`` answers for a console (or not) whose mode may (or not) be set."""

    def __init__(self, mode: int = 0x0003, is_console: bool = True, settable: bool = True) -> None:
        self.mode, self.is_console, self.settable = mode, is_console, settable
        self.calls: list[tuple[Any, ...]] = []

    def GetStdHandle(self, which: int) -> int:  # the Win32 names
        self.calls.append(("GetStdHandle", which))
        return 1000 - which

    def GetConsoleMode(self, handle: int, mode: Any) -> int:
        self.calls.append(("GetConsoleMode", handle))
        if not self.is_console:
            return 0
        mode._obj.value = self.mode
        return 1

    def SetConsoleMode(self, handle: int, mode: int) -> int:
        self.calls.append(("SetConsoleMode", handle, mode))
        if not self.settable:
            return 0
        self.mode = mode
        return 1


@pytest.fixture(autouse=True)
def nothing_asked_yet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_ready", {})


def test_vt_mode_is_switched_on_once_for_the_stream_asked_about() -> None:
    kernel32 = FakeKernel32(mode=0x0003)
    assert console.vt_ready(1, kernel32, platform="win32")
    assert console.vt_ready(1, kernel32, platform="win32")
    assert kernel32.calls == [
        ("GetStdHandle", -11),
        ("GetConsoleMode", 1011),
        ("SetConsoleMode", 1011, 0x0003 | VT),
    ]
    assert kernel32.mode & VT
    console.vt_ready(2, kernel32, platform="win32")
    assert ("GetStdHandle", -12) in kernel32.calls  # standard error is its own handle


def test_a_console_already_in_vt_mode_is_left_as_it_is() -> None:
    kernel32 = FakeKernel32(mode=0x0003 | VT)
    assert console.vt_ready(1, kernel32, platform="win32")
    assert not [call for call in kernel32.calls if call[0] == "SetConsoleMode"]


@pytest.mark.parametrize(
    "kernel32",
    [FakeKernel32(settable=False), FakeKernel32(is_console=False)],
    ids=["old console", "no console"],
)
def test_where_vt_mode_cannot_be_set_there_is_no_colour(kernel32: FakeKernel32) -> None:
    assert not console.vt_ready(1, kernel32, platform="win32")


def test_elsewhere_than_windows_nothing_is_asked() -> None:
    class Untouchable:
        def __getattr__(self, name: str) -> Any:
            raise AssertionError(f"kernel32.{name} called off Windows")

    assert console.vt_ready(1, Untouchable(), platform="linux")
    assert console.vt_ready(1, Untouchable(), platform="darwin")


class Tty:
    def __init__(self, fd: int, tty: bool = True) -> None:
        self.fd, self.tty = fd, tty

    def isatty(self) -> bool:
        return self.tty

    def fileno(self) -> int:
        return self.fd


@pytest.mark.parametrize("settable", [True, False], ids=["VT mode set", "old console"])
def test_colour_on_a_windows_console_follows_what_vt_mode_allows(
    monkeypatch: pytest.MonkeyPatch, settable: bool
) -> None:
    kernel32 = FakeKernel32(settable=settable)
    monkeypatch.setattr(console, "_kernel32", lambda: kernel32)
    monkeypatch.setattr(sys, "platform", "win32")
    assert colour.enabled(Tty(2)) is settable  # type: ignore[arg-type]
    assert ("SetConsoleMode", 1012, 0x0003 | VT) in kernel32.calls


def test_no_console_is_asked_about_when_no_colour_is_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """Colour off (NO_COLOR) or not a console (a file with FORCE_COLOR): kernel32 is not asked."""
    kernel32 = FakeKernel32()
    monkeypatch.setattr(console, "_kernel32", lambda: kernel32)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour.enabled(Tty(1))  # type: ignore[arg-type]
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert colour.enabled(Tty(1, tty=False))  # type: ignore[arg-type]
    assert kernel32.calls == []


def test_colour_imports_neither_ctypes_nor_the_console_module() -> None:
    """``engage log`` pays nothing for it: the console module and ctypes load only on Windows, at colour."""
    code = "import sys, engage.output.colour; print('ctypes' in sys.modules, 'engage.output.console' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_the_fake_stands_for_ctypes_byref() -> None:
    """(the fake's GetConsoleMode writes through ``ctypes.byref`` as the real one does)"""
    mode = ctypes.c_uint32()
    FakeKernel32(mode=7).GetConsoleMode(1, ctypes.byref(mode))
    assert mode.value == 7
