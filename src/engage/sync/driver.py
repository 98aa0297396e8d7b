"""git's merge drivers for the files engage keeps: ``python -m engage.sync.driver NAME %O %A %B %P``.

Registered by ``engage sync`` in the clone's config (``merge.NAME.driver``) and named in
``.gitattributes``: the ledger's (:mod:`engage.sync.merge`), and each plugin's
(``engage_merge_drivers``, such as the calendar's state). git gives the ancestor's, our and their
copies as files; the merged file is written over ours, and status 0 tells git the merge is clean.
"""

from __future__ import annotations

import sys
from pathlib import Path

from engage.hooktypes import MergeDriver
from engage.language import _
from engage.sync.merge import merge

LEDGER = MergeDriver(
    "engage-ledger", "*.ledger.jsonl", "engage ledger: each record once, never a conflict", merge
)


def drivers() -> list[MergeDriver]:
    """The ledger's driver, then each plugin's."""
    from engage.plugin.manager import get_plugin_manager

    found = [LEDGER]
    for offered in get_plugin_manager().hook.engage_merge_drivers():
        found.extend(offered or ())
    return found


def attribute(driver: MergeDriver) -> str:
    """The driver's line in ``.gitattributes``; ``-text``: no line ends turned into CRLF on Windows."""
    return f"{driver.pattern} merge={driver.name} -text"


def command(driver: MergeDriver) -> str:
    """The driver's command line for git's config: this Python, so it runs whichever engage is installed."""
    python = sys.executable.replace("\\", "/")
    return f'"{python}" -m engage.sync.driver {driver.name} %O %A %B %P'


def main(argv: list[str]) -> int:
    """Merge the copies git names; 0 when merged, 1 when the driver could not (git: a conflict)."""
    if len(argv) < 4:
        print("usage: python -m engage.sync.driver NAME ANCESTOR OURS THEIRS [PATH]", file=sys.stderr)
        return 2
    name, (ancestor, ours, theirs) = argv[0], (Path(arg) for arg in argv[1:4])
    where = argv[4] if len(argv) > 4 else ours
    chosen = LEDGER if name == LEDGER.name else next((d for d in drivers() if d.name == name), None)
    if chosen is None:
        said = _("{where}: no merge driver {name}; is its plugin installed?").format(
            where=where, name=repr(name)
        )
        print(f"engage: error: {said}", file=sys.stderr)
        return 1
    try:
        merged = chosen.merge(ancestor.read_bytes(), ours.read_bytes(), theirs.read_bytes())
        ours.write_bytes(merged)  # git's own temporary: a merge stopped here is not taken, and done again
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or exc
        print(
            f"engage: error: {_('{where}: cannot merge: {reason}').format(where=where, reason=why)}",
            file=sys.stderr,
        )

        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
