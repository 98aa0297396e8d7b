"""git's merge driver for ledgers: ``python -m engage.sync.driver %O %A %B %P``.

Registered by ``engage sync init`` (and by ``engage sync`` in a fresh clone) as ``merge.engage-ledger``
in the repository's config, and named for ``*.ledger.jsonl`` in ``.gitattributes``. git gives the
ancestor's, our and their copies as files; the merged ledger is written over ours, and status 0 tells
git the merge is clean: a ledger never conflicts (:mod:`engage.sync.merge`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from engage.sync.merge import merge

NAME = "engage-ledger"
ATTRIBUTE = f"*.ledger.jsonl merge={NAME} -text"  # -text: no line ends turned into CRLF on Windows


def command() -> str:
    """The driver's command line for git's config: this Python, so it runs whichever engage is installed."""
    python = sys.executable.replace("\\", "/")
    return f'"{python}" -m engage.sync.driver %O %A %B %P'


def main(argv: list[str]) -> int:
    """Merge the ledger copies git names; 0 when merged (always, unless a copy cannot be read)."""
    if len(argv) < 3:
        print("usage: python -m engage.sync.driver ANCESTOR OURS THEIRS [PATH]", file=sys.stderr)
        return 2
    ancestor, ours, theirs = (Path(name) for name in argv[:3])
    try:
        merged = merge(ancestor.read_bytes(), ours.read_bytes(), theirs.read_bytes())
        ours.write_bytes(merged)  # git's own temporary: a merge stopped here is not taken, and done again
    except OSError as exc:
        where = argv[3] if len(argv) > 3 else ours
        print(f"engage: error: {where}: cannot merge the ledger: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
