"""An invoice's document and its record land together: a temporary, the record, then the rename.

The document is written whole (and synced) to a hidden temporary beside ``-o``, named for the
record it belongs to and the process writing it: ``.INV.html.<record id>.<pid>.partial``. Then the
record is appended under the ledger's lock, carrying the document's path and SHA-256; then the
temporary is linked into place (never over an existing file). So:

- killed or refused before the record: no record, and only a temporary, which the next invoice
  written to that folder removes under the lock (its writer is gone and its record never came);
- killed after the record: the record names the document and the temporary holds it, byte for
  byte; the next ``engage invoice`` puts it in place (:func:`finish_interrupted`);
- a full disk: the temporary cannot be written, or the record cannot; either way neither remains.

A temporary is never an invoice: only a record makes one, and only the temporary whose record
names it, and whose bytes match the SHA-256 recorded, is ever put in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
from pathlib import Path

from engage import EngageError, remove_file
from engage_fees.catalogue import _
from engage_fees.records import Invoice

SUFFIX = ".partial"
PUT_IN_PLACE = "put in place"  # what finish_interrupted says of a document it put in place (an id)
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<record>[0-9a-f]{12})\.(?P<pid>[0-9]{1,10})\.partial", re.ASCII)


def temporary_of(output: Path, record_id: str, pid: int | None = None) -> Path:
    """Where the document of record ``record_id`` waits until its record is written."""
    return output.with_name(f".{output.name}.{record_id}.{os.getpid() if pid is None else pid}{SUFFIX}")


def write_temporary(output: Path, record_id: str, text: str) -> Path:
    """Write the document whole and synced to its temporary; on any failure none is left."""
    temporary = temporary_of(output, record_id)
    data = text.encode("utf-8")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    except OSError as exc:
        raise EngageError(_cannot_write(output, exc)) from None
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException as exc:
        os.close(fd)
        remove_file(temporary)
        if isinstance(exc, OSError):
            raise EngageError(_cannot_write(output, exc)) from None
        raise
    os.close(fd)
    return temporary


def _cannot_write(output: Path, exc: OSError) -> str:
    return _("-o {file}: cannot write: {problem}; nothing was invoiced").format(
        file=output, problem=exc.strerror or exc
    )


def sha256_of(path: Path) -> str | None:
    """The file's SHA-256, or None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def put_in_place(temporary: Path, output: Path, sha256: str) -> None:
    """Move the document from its temporary to ``output``, never over another file; an OSError
    (FileExistsError when ``output`` is another file) when it cannot."""
    try:
        os.link(temporary, output)
    except FileExistsError:
        if sha256_of(output) != sha256:
            raise
    except FileNotFoundError:  # another engage finished it first
        if sha256_of(output) != sha256:
            raise
        return
    except OSError:  # a file system without hard links: rename, once sure nothing is there
        if output.exists():
            raise FileExistsError(17, "File exists", str(output)) from None
        os.rename(temporary, output)
        _sync_folder(output.parent)
        return
    remove_file(temporary)  # held open a while (OneDrive, a scan: Windows)? the next run removes it
    _sync_folder(output.parent)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def finish_interrupted(invoices: list[Invoice]) -> list[tuple[Invoice, Path, str]]:
    """Put in place the documents of invoices recorded by a run killed before it could; returns
    (invoice, document, what happened) for each one found."""
    done: list[tuple[Invoice, Path, str]] = []
    for invoice in invoices:
        if not invoice.document:
            continue
        document = Path(invoice.document)
        waiting = sorted(document.parent.glob(f".{_glob_escape(document.name)}.{invoice.id}.*{SUFFIX}"))
        if not waiting:
            continue
        placed = document.exists() and sha256_of(document) == invoice.document_sha256
        for temporary in waiting:
            if placed:  # killed between the link and the unlink: the document is there
                remove_file(temporary)
                continue
            if sha256_of(temporary) != invoice.document_sha256:
                continue  # not what was recorded: never put in place
            try:
                put_in_place(temporary, document, invoice.document_sha256)
            except OSError as exc:
                done.append(
                    (
                        invoice,
                        document,
                        _("could not be put in place: {problem}").format(problem=exc.strerror or exc),
                    )
                )
                continue
            placed = True
            done.append((invoice, document, PUT_IN_PLACE))
    return done


def sweep_abandoned(folder: Path, record_ids: set[str]) -> None:
    """Remove the temporaries in ``folder`` whose record was never written and whose writer is gone.

    Run under the ledger's lock: a writer still alive may yet record its invoice, and one that is
    dead and not in the ledger never will.
    """
    with contextlib.suppress(OSError):
        for temporary in folder.glob(f".*{SUFFIX}"):
            found = _TEMPORARY.fullmatch(temporary.name)
            if found is None or found["record"] in record_ids or _alive(int(found["pid"])):
                continue
            remove_file(temporary, 0.0)  # under the ledger's lock: one held open waits for a later run


def _alive(pid: int) -> bool:
    if pid == os.getpid() or sys.platform == "win32":  # Windows' os.kill(pid, 0) ends the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # another user's process, or a pid that cannot be asked: left alone
    return True


def _glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)
