"""Where a command's output goes: standard output, or the file ``-o FILE`` names, checked first."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from engage.errors import EngageError
from engage.language import _, using
from engage.output import colour
from engage.output.formats import KEPT_BYTES, register_kept_bytes
from engage.storage.atomic import write_file


def output_target(output: str, what: str | None = None) -> Path:
    """Where ``-o FILE`` writes, refused (bad input, nothing written) when its folder is missing or it
    is a folder itself. ``what`` names the document in the message: "report", "calendar file" (in
    the user's language; default "output").

    Its messages are in the user's language, even where a document is being written in its own."""
    target = Path(output)
    with using(None):
        if output.endswith(("/", os.sep)) or target.is_dir():
            raise EngageError(_("{output}: is a folder; give -o a file name").format(output=output))
        if not target.parent.is_dir():
            raise EngageError(
                _("{folder}: no such folder for the {what}; create it first or choose another path").format(
                    folder=target.parent, what=what or _("output")
                )
            )
        own = _engage_file(target)
        if own:
            raise EngageError(
                _("{output}: is {what}, which -o would overwrite; give -o another file name").format(
                    output=output, what=own
                )
            )
    return target


def _engage_file(target: Path) -> str:
    """What engage keeps in ``target`` ("a ledger", "a schedule", "a calendar state"), or "" when it is
    none of engage's own files: a report written over one would wipe it."""
    name = target.name.lower()
    if name.endswith(".ledger.jsonl"):
        return _("a ledger")
    if name.endswith(".toml"):
        return _("a schedule or settings file")
    if name.endswith(".calendar.json"):
        return _("a calendar state")
    if name.endswith(".ledger.jsonl.lock"):
        return _("a ledger's lock")
    if name == "allowed_signers":
        return _("the allowed-signers file (whose SSH keys sign timesheets)")
    try:
        with open(target, "rb") as handle:
            first = handle.readline(65536)
    except OSError:
        return ""
    try:
        record = json.loads(first)
    except ValueError:
        return ""
    return _("a ledger") if isinstance(record, dict) and "kind" in record else ""


def write_output(
    text: str, output: str | None, what: str | None = None, *, bom: bool = False, coloured: bool = False
) -> None:
    """Print ``text``, or write it to ``-o FILE`` and say so on stderr: the one writer of ``-o``.

    ``bom`` starts the file with a UTF-8 byte-order mark (Excel reads CSV as UTF-8 only after one);
    ``coloured`` colours states in plain text on a terminal (never in a file). Line ends are
    written as given.
    """
    if not output:
        if coloured:
            colour.echo(text, nl=False)
        else:
            click.echo(text, nl=False)
        return
    target = output_target(output, what)
    register_kept_bytes()
    with using(None):  # messages in the user's language, whatever the document's
        write_file(
            target, (("\ufeff" if bom else "") + text).encode("utf-8", KEPT_BYTES), what or _("output")
        )
        click.echo(_("Wrote {file}").format(file=output), err=True)
