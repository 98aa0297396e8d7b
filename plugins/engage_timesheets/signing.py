"""SSH signatures over a timesheet's steps, as git signs commits: ``ssh-keygen -Y sign`` and ``-Y verify``.

What is signed is the step itself, written out in one canonical form (:func:`payload`): the
engagement, whose sheet, the period, the action, its date and author, and the sheet's digest, so a
signature holds exactly as long as the step and the entries it certified are unchanged. The signer
is found from the signature with ``-Y find-principals`` in the allowed-signers file (the format git's
``gpg.ssh.allowedSignersFile`` uses), so a key that file does not name cannot sign.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engage import EngageError, Engagement, TimesheetAction, find_setting, frozen
from engage_timesheets.catalogue import _

NAMESPACE = "engage-timesheet"
SSH_SECONDS = 120  # a passphrase typed at the prompt
UNSIGNED = "none"
SIGNED_FIELDS = ("action", "actor", "consultant", "date", "digest", "end", "follows", "reason", "start")
_GOOD = re.compile(r'Good "[^"]+" signature for (?P<who>.+) with (?P<type>\S+) key (?P<fp>SHA256:\S+)')


@frozen
class Signed:
    """A step's signature: the armoured text, the allowed signer it verifies as, the key's fingerprint."""

    signature: str
    signer: str
    fingerprint: str


def payload(engagement: Engagement, fields: dict[str, object]) -> bytes:
    """The bytes a step's signature covers: its fields (and the engagement's id) as sorted JSON."""
    signed = {key: fields.get(key, "") for key in SIGNED_FIELDS} | {"engagement": engagement.id}
    return (json.dumps(signed, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def payload_of(engagement: Engagement, step: TimesheetAction) -> bytes:
    """The payload of a recorded step, rebuilt from its fields."""
    return payload(
        engagement,
        {
            "action": step.action,
            "consultant": step.consultant,
            "start": step.start.isoformat(),
            "end": step.end.isoformat(),
            "date": step.date.isoformat(),
            "actor": step.actor,
            "digest": step.digest,
            "follows": step.follows,
            "reason": step.reason,
        },
    )


def chosen_key(given: str | None, folder: Path) -> tuple[str | None, str]:
    """The key to sign with and where it came from: ``--key`` ("none": unsigned), else the
    ``timesheet.signing_key`` setting, else git's ``user.signingkey`` where ``gpg.format`` is ssh;
    (None, why) where there is none."""
    from engage_timesheets.identity import git_config

    if given is not None:
        if given.strip().lower() == UNSIGNED:
            return None, "--key none"
        return _key_file(given, "--key"), "--key"
    found = find_setting("timesheet.signing_key")
    if found is not None and found.value.strip():
        return _key_file(found.value, f"timesheet.signing_key ({found.source})"), "timesheet.signing_key"
    if git_config(folder, "gpg.format") == "ssh":
        key = git_config(folder, "user.signingkey")
        if key:
            return _key_file(key, "git's user.signingkey"), "git's user.signingkey"
    return None, _("no key: pass --key PATH, or engage config timesheet.signing_key PATH")


def _key_file(text: str, source: str) -> str:
    """A key file's path from a setting, or a public key written out where git gives it inline."""
    text = text.strip()
    literal = text.startswith("key::") or (text.startswith("ssh-") and " " in text)
    if literal and not os.path.isfile(
        os.path.expanduser(text)
    ):  # git's literal key: the agent holds its half
        handle, name = tempfile.mkstemp(prefix="engage-key-", suffix=".pub")
        with os.fdopen(handle, "w", encoding="ascii") as file:
            file.write(text.removeprefix("key::") + "\n")
        atexit.register(os.unlink, name)
        return name
    path = os.path.expanduser(text)
    if not os.path.isfile(path):
        raise EngageError(
            _("{source} {text}: no such key file; give the path of an SSH private key").format(
                source=source, text=text
            )
        )
    return path


def _ssh_keygen(arguments: list[str], stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["ssh-keygen", *arguments], input=stdin, capture_output=True, timeout=SSH_SECONDS, check=False
        )
    except FileNotFoundError:
        raise EngageError(
            _("ssh-keygen is not installed (it comes with OpenSSH); install it, or pass --key none")
        ) from None
    except subprocess.TimeoutExpired:
        raise EngageError(
            _("ssh-keygen did not finish in {seconds}s; nothing written").format(seconds=SSH_SECONDS)
        ) from None


def _said(done: subprocess.CompletedProcess[bytes]) -> str:
    text = (done.stderr or done.stdout).decode("utf-8", "replace")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("Signing")]
    return "; ".join(lines) or _("exit status {code}").format(code=done.returncode)


def sign(data: bytes, key: str, signers: Path) -> Signed:
    """Sign ``data`` with ``key`` and check the signature against ``signers`` at once: a key the
    allowed-signers file does not name is refused here, before anything is written."""
    if not signers.is_file():
        raise EngageError(
            _(
                "{file}: no allowed-signers file, so nobody could check this signature; create it with one "
                "line per person, 'EMAIL KEY-TYPE KEY' (the .pub file's text), or pass --key none"
            ).format(file=signers)
        )
    done = _ssh_keygen(["-Y", "sign", "-f", key, "-n", NAMESPACE, "-q", "-"], data)
    if done.returncode != 0 or b"BEGIN SSH SIGNATURE" not in done.stdout:
        raise EngageError(
            _("ssh-keygen could not sign with {key}: {said}; nothing written").format(
                key=key, said=_said(done)
            )
        )
    signature = done.stdout.decode("ascii")
    principals = find_principals(signature, signers)
    if not principals:
        public = _public_text(key)
        raise EngageError(
            _(
                "the key {key} is not in {file}; add the line 'YOUR-EMAIL {public}' there (and commit it), "
                "or pass --key none; nothing written"
            ).format(key=key, file=signers, public=public)
        )
    verified = verify(data, signature, signers, principals[0])
    if verified is None:
        raise EngageError(
            _("the signature made with {key} does not verify against {file}; nothing written").format(
                key=key, file=signers
            )
        )
    return verified


def _public_text(key: str) -> str:
    path = key if key.endswith(".pub") else key + ".pub"
    try:
        return " ".join(Path(path).read_text(encoding="ascii").split()[:2])
    except (OSError, UnicodeDecodeError):
        return "KEY-TYPE KEY"


def find_principals(signature: str, signers: Path) -> list[str]:
    """The allowed signers whose key made ``signature``."""
    with _signature_file(signature) as sig:
        done = _ssh_keygen(["-Y", "find-principals", "-s", sig, "-f", str(signers)], b"")
    if done.returncode != 0:
        return []
    return [line.strip() for line in done.stdout.decode("utf-8", "replace").splitlines() if line.strip()]


def verify(data: bytes, signature: str, signers: Path, principal: str) -> Signed | None:
    """The signature checked as ``principal`` against ``signers``; None when it does not hold."""
    with _signature_file(signature) as sig:
        done = _ssh_keygen(
            ["-Y", "verify", "-f", str(signers), "-I", principal, "-n", NAMESPACE, "-s", sig], data
        )
    good = _GOOD.search(done.stdout.decode("utf-8", "replace"))
    if done.returncode != 0 or good is None:
        return None
    return Signed(signature, good.group("who"), good.group("fp"))


@contextmanager
def _signature_file(signature: str) -> Iterator[str]:
    """A signature written to a private temporary file for ssh-keygen, removed after."""
    handle, name = tempfile.mkstemp(prefix="engage-", suffix=".sig")
    try:
        with os.fdopen(handle, "w", encoding="ascii") as file:
            file.write(signature)
        yield name
    finally:
        os.unlink(name)
