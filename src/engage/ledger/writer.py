"""Writing the ledger: all or nothing, under a lock, with every read-then-write decision inside it.

One record is one line. Several records (an import) are each tagged with a
``batch`` id, written and fsynced, and then a ``commit`` record naming the
batch and its size is appended and fsynced. Readers count a batch only once
its commit is there, so a writer killed part way leaves lines that do not
count, and the import can simply be run again. The next write, which holds
the lock and so knows the killed writer is gone, appends a ``seal`` record
naming the dead batch and any unfinished last line; readers then stop
reporting them. A write that fails (a full disk) is cut back to where it
started before the error is reported, so it leaves nothing behind.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from fractions import Fraction
from json.encoder import encode_basestring as quoted
from pathlib import Path

from engage.errors import EngageError
from engage.language import _
from engage.ledger.cache.checked import Checked
from engage.ledger.cache.store import read_at
from engage.ledger.files import open_regular
from engage.ledger.kinds import CORE_KINDS, Kinds
from engage.ledger.ledger import Ledger, new_record
from engage.ledger.records import LedgerProblem

LOCK_TIMEOUT_SECONDS = 15


def append_batch(
    path: str | Path,
    records: list[dict[str, object]],
    *,
    engagement: str | None = None,
    who: dict[str, str] | None = None,
    hours_per_day: Fraction = Fraction(8),
    check: Callable[[Ledger], None] | None = None,
    kinds: Kinds = CORE_KINDS,
) -> list[LedgerProblem]:
    """Append ``records`` whole or not at all; returns what was found interrupted and sealed.

    Under the ledger's lock: refuse a ledger holding another engagement's
    records, call ``check`` with the ledger as it is (a duplicate check, a
    void's target) so that no other writer can change it in between, seal
    what an interrupted writer left, then write. ``check`` may narrow ``records``
    in place (an import leaving out the items the ledger already counts): what
    it leaves in the list is what is written. Records are stamped with
    ``engagement`` when given, then with ``who`` (who recorded, on which machine: ``by``,
    ``machine``). ``kinds``: the record kinds the ledger is read with (the session's).
    """
    from engage.ledger.lock import LockTimeout, held

    path = Path(path)
    if not path.parent.is_dir():
        raise EngageError(
            _("{path}: the ledger's folder does not exist; create it or pass --ledger FILE").format(path=path)
        )
    stamp = {"engagement": engagement} if engagement is not None else {}
    stamp.update(who or {})
    try:
        with held(Path(str(path) + ".lock"), LOCK_TIMEOUT_SECONDS), Checked.scope():
            fd = open_regular(path, os.O_RDWR | os.O_APPEND | os.O_CREAT)
            try:
                sealed = _write_locked(fd, path, records, stamp, (hours_per_day, kinds), check)
                WRITTEN.extend(_named(record) for record in records)  # written: whatever follows, done
            finally:
                os.close(fd)
        return sealed
    except LockTimeout:
        raise EngageError(
            _(
                "{path}: another engage process has held the ledger's lock for {seconds}s "
                "(a long import, or one stopped with Ctrl-Z: bring it back with fg, or end it); try again "
                "then. The lock ends with its process: removing the .lock file would let two write at once"
            ).format(path=path, seconds=LOCK_TIMEOUT_SECONDS)
        ) from None
    except OSError as exc:
        raise EngageError(
            _("{path}: cannot write the ledger: {reason}; nothing was written").format(
                path=path, reason=exc.strerror or exc
            )
        ) from None


WRITTEN: list[str] = []
"""What this command line has written, as "entry ID": once anything is, the command has succeeded, and
the error boundary turns a later failure into a warning that names it (:mod:`engage.cli.boundary`)."""


def _named(record: dict[str, object]) -> str:
    kind = str(record.get("kind", "record")).rpartition(".")[2]  # "fees.expense": "expense"
    return f"{kind} {record.get('number') or record.get('id', '')}".strip()  # an invoice by its number


def write_in_progress(path: Path) -> bool:
    """True when another process holds the ledger's lock (a write is under way right now)."""
    from engage.ledger.lock import LockTimeout, held

    try:
        with held(Path(str(path) + ".lock"), 0):
            return False
    except LockTimeout:
        return True
    except OSError:
        return False  # a read-only folder: nobody can be writing through the lock there


def seal(
    path: str | Path, hours_per_day: Fraction = Fraction(8), kinds: Kinds = CORE_KINDS
) -> list[LedgerProblem]:
    """Seal what interrupted writes left (``engage repair``); returns what was sealed."""
    return append_batch(Path(path), [], hours_per_day=hours_per_day, kinds=kinds)


def _write_locked(
    fd: int,
    path: Path,
    records: list[dict[str, object]],
    stamp: dict[str, str],
    reading: tuple[Fraction, Kinds],
    check: Callable[[Ledger], None] | None,
) -> list[LedgerProblem]:
    hours_per_day, kinds = reading
    before = Ledger.read(path, hours_per_day, kinds)  # from where the cache stopped: no full re-read
    engagement = stamp.get("engagement")
    if engagement is not None:
        others = before.named_engagements - {engagement}
        if others:
            raise EngageError(
                _(
                    "{path} holds records of engagement {other}, not of {engagement}; "
                    "give each engagement its own ledger (--ledger FILE), nothing written"
                ).format(path=path, other=repr(sorted(others)[0]), engagement=repr(engagement))
            )

    if check is not None:
        check(before)
    unwritten = os.fstat(fd)
    size = unwritten.st_size
    ends_whole = size == 0 or read_at(fd, 1, size - 1) == b"\n"
    lines: list[bytes] = []
    sealed: list[LedgerProblem] = []
    if before.dead_batches or before.torn:
        sealed = [p for p in before.problems if p.last_line or p.line == before.line_count]
        lines.append(_encode(new_record("seal", batches=sorted(before.dead_batches), torn=list(before.torn))))
    if len(records) > 1:
        batch = os.urandom(6).hex()
        encoded, written = _encode_all(records, {**stamp, "batch": batch})
        lines.append(encoded)
        written.append(new_record("commit", batch=batch, count=len(records)))
        commit = [_encode(written[-1])]
    else:
        written = [{**r, **stamp} for r in records]
        lines.extend(_encode(r) for r in written)
        commit = []
    if not lines:
        return sealed
    start = size
    head = b"" if ends_whole else b"\n"
    payload = head + b"".join(lines)
    try:
        _write(fd, payload)
        if commit:
            _write(fd, commit[0])
    except OSError:
        os.ftruncate(fd, start)  # a full disk: take back what got out, so nothing half-lands
        os.fsync(fd)
        raise
    if not head and not (before.dead_batches or before.torn):  # a plain append: the cache can follow
        from engage.ledger.cache.reading import remember_written

        remember_written(
            path, fd, unwritten, payload + b"".join(commit), written, hours_per_day, Ledger, kinds
        )
    return sealed


def _write(fd: int, payload: bytes) -> None:
    written = os.write(fd, payload)
    while written < len(payload):  # rare: a short write on a full disk
        written += os.write(fd, payload[written:])
    os.fsync(fd)


def _encode_all(
    records: list[dict[str, object]], extra: dict[str, str]
) -> tuple[bytes, list[dict[str, object]]]:
    """Many records as lines, each with ``extra``'s fields last, as ``json.dumps`` writes them.

    Returns the bytes and the records as written. An import's records share
    their fields and hold only text: each line is a template of the quoted keys
    filled with the values, escaped by the json module's own string encoder
    (what ``json.dumps`` does to them), without building an encoder per record.
    Anything else goes through ``json.dumps``.
    """
    templates: dict[tuple[str, ...], str] = {}
    written = [{**record, **extra} for record in records]
    lines = []
    for full in written:
        keys = tuple(full)
        template = templates.get(keys)
        if template is None:
            fields = ", ".join(quoted(k).replace("%", "%%") + ": %s" for k in keys)
            template = templates[keys] = "{" + fields + "}"
        try:
            lines.append(template % tuple(map(quoted, full.values())))  # type: ignore[arg-type]
        except TypeError:  # a number, a list: the general encoder
            lines.append(json.dumps(full, ensure_ascii=False))
    text = "\n".join(lines) + "\n"
    try:
        return text.encode("utf-8"), written
    except UnicodeEncodeError:  # a lone surrogate somewhere: escape the records that hold one
        return b"".join(_encode(full) for full in written), written


def _encode(record: dict[str, object]) -> bytes:
    try:
        return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
    except UnicodeEncodeError:  # lone surrogates from an odd terminal: keep them, escaped
        return json.dumps(record, ensure_ascii=True).encode("ascii") + b"\n"


def append(path: str | Path, records: Iterable[dict[str, object]]) -> None:
    """Append records, all or none, with no engagement check (for scripts and tests)."""
    append_batch(path, list(records))
