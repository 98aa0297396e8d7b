"""Windows consoles: colour codes drawn, not shown raw (VT mode), switched on when colour is first written.

A console on Windows 10 and later draws ANSI colour codes only once the program
sets ``ENABLE_VIRTUAL_TERMINAL_PROCESSING`` on its output handle (Windows
Terminal sets it already; the old conhost does not). Where it cannot be set (a
console older than Windows 10 1511), colour is off for that stream. Imported
only on Windows, and only when colour is about to be written.
"""

from __future__ import annotations

import sys
from typing import Any

ENABLE_VIRTUAL_TERMINAL_PROCESSING = 0x0004
STD_HANDLES = {1: -11, 2: -12}  # STD_OUTPUT_HANDLE, STD_ERROR_HANDLE, by descriptor

_ready: dict[int, bool] = {}  # per descriptor: asked once a process


def vt_ready(fd: int, kernel32: Any = None, platform: str | None = None) -> bool:
    """Whether the console on descriptor ``fd`` draws colour codes; on Windows, VT mode set on first asking.

    ``kernel32`` stands for ``ctypes.windll.kernel32`` (a test's fake), ``platform`` for ``sys.platform``.
    """
    if (platform or sys.platform) != "win32":
        return True
    if fd not in _ready:
        _ready[fd] = _enable(fd, kernel32)
    return _ready[fd]


def _enable(fd: int, kernel32: Any) -> bool:
    import ctypes

    which = STD_HANDLES.get(fd)
    if which is None:
        return False
    if kernel32 is None:
        try:
            kernel32 = _kernel32()
        except (AttributeError, ImportError, OSError):
            return False
    handle = kernel32.GetStdHandle(which)
    if handle in (None, 0, -1):  # INVALID_HANDLE_VALUE, or no console attached
        return False
    mode = ctypes.c_uint32()
    if not kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
        return False
    if mode.value & ENABLE_VIRTUAL_TERMINAL_PROCESSING:
        return True
    return bool(kernel32.SetConsoleMode(handle, mode.value | ENABLE_VIRTUAL_TERMINAL_PROCESSING))


def _kernel32() -> Any:
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
    kernel32.GetStdHandle.restype = ctypes.c_void_p
    kernel32.GetStdHandle.argtypes = (ctypes.c_int32,)
    kernel32.GetConsoleMode.argtypes = (ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint32))
    kernel32.SetConsoleMode.argtypes = (ctypes.c_void_p, ctypes.c_uint32)
    return kernel32
