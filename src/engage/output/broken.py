"""Output that could not be written (a full disk, an encoding the user chose): not a bug, one line."""

from __future__ import annotations

import errno

from engage.language import _

_FULL = {errno.ENOSPC, errno.EFBIG, errno.EIO, getattr(errno, "EDQUOT", errno.ENOSPC)}


def output_failure(exc: BaseException) -> str | None:
    """What to say when ``exc`` is engage's output failing to be written; None when it is something else.

    A write that found no room (a full disk, ``> /dev/full``) with no file named (what engage writes
    to files is named in its own messages), or a character the output's encoding cannot hold (an
    explicit ``PYTHONIOENCODING`` such as ``latin-1``)."""
    if isinstance(exc, OSError) and exc.errno in _FULL and exc.filename is None:
        return _("cannot write the output: {error}").format(error=exc.strerror or exc)
    if isinstance(exc, UnicodeEncodeError):
        char = exc.object[exc.start : exc.start + 1]
        return _(
            "cannot write {char} in the output's encoding {encoding} (PYTHONIOENCODING); "
            "unset it, or add ':replace' to it"
        ).format(char=ascii(char), encoding=exc.encoding)
    return None
