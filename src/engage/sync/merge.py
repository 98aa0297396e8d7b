"""Two copies of a ledger made one: every record once, in an order every machine agrees on.

What git's merge driver for ``*.ledger.jsonl`` does (:mod:`engage.sync.driver`). A ledger is
append-only and its records are order-free with unique ids, so two copies never conflict: the
result is the ancestor's lines that both sides kept, then each side's new lines. A line is known
by its record's id, or, when it is damaged (no JSON record with an id), by its bytes: it is never
dropped, never doubled. A line the ancestor had and one side removed (a damaged line a person fixed
by hand, as ``engage repair`` asks) stays removed. Two different lines with the same id (only a
hand edit makes them) keep the one whose bytes sort first, so every machine keeps the same one.
"""

from __future__ import annotations

import json


def merge(ancestor: bytes, ours: bytes, theirs: bytes) -> bytes:
    """The merged ledger: ``ours`` as it is, then what only ``theirs`` added, each record once."""
    mine, other = _lines(ours), _lines(theirs)
    # a line the ancestor had that one side no longer has was removed there (a hand fix): it stays so
    removed = set(_lines(ancestor)) - (set(mine) & set(other))
    candidates = [line for line in mine + other if line not in removed]
    chosen: dict[str, bytes] = {}
    for line in candidates:
        key = _key(line)
        if key not in chosen or line < chosen[key]:
            chosen[key] = line
    merged, seen = [], set()
    for line in candidates:  # ours first, then theirs' new lines, each in its own order
        key = _key(line)
        if key not in seen:
            seen.add(key)
            merged.append(chosen[key])
    return b"".join(line + b"\n" for line in merged)


def _lines(raw: bytes) -> list[bytes]:
    """The ledger's lines without their ends; an unfinished last line is a line (then damaged); blank
    lines are left out, as the reader skips them."""
    return [line.rstrip(b"\r") for line in raw.split(b"\n") if line.strip()]


def _key(line: bytes) -> str:
    """A line's identity: ``id:`` and its record's id, else ``line:`` and its bytes (a damaged line)."""
    try:
        record = json.loads(line)
    except ValueError:
        record = None
    if isinstance(record, dict) and isinstance(record.get("id"), str) and record["id"]:
        return "id:" + record["id"]
    return "line:" + line.decode("utf-8", "surrogateescape")
