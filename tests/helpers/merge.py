"""A ledger merged as the sync merge driver will merge it: every record (by id) once, ours first.

A stand-in for ``engage.sync.merge.merge`` (same signature), so that the collision tests build the
ledgers a team's merge gives without depending on the driver.
"""

from __future__ import annotations

import json


def _key(line: bytes) -> str:
    """A line's record id, else the line itself (damage is kept, once)."""
    try:
        data = json.loads(line)
    except ValueError:
        return line.decode("utf-8", "surrogateescape")
    ident = data.get("id") if isinstance(data, dict) else None
    return ident if isinstance(ident, str) else line.decode("utf-8", "surrogateescape")


def merged(ancestor: bytes, ours: bytes, theirs: bytes) -> bytes:
    """The union of both sides' records: ours in their order, then theirs' lines ours lacks.

    ``ancestor`` is what both started from; every record in it is in both sides (append-only), so a
    union needs it only to be sure nothing of it was lost.
    """
    kept: list[bytes] = []
    seen: set[str] = set()
    for side in (ours, theirs):
        for line in side.splitlines():
            if not line.strip():
                continue
            key = _key(line)
            if key not in seen:
                seen.add(key)
                kept.append(line)
    assert {_key(line) for line in ancestor.splitlines() if line.strip()} <= seen, "a side lost records"
    return b"".join(line + b"\n" for line in kept)
