"""Whether a recorded step's signature holds: made over the step as recorded, by a key the allowed
signers name for the person the step says took it, who may take that step on that sheet.

``ssh-keygen -Y verify`` alone says only that some listed key signed these bytes; a teammate with
push access could sign an approval with their own listed key and name the supervisor as its actor.
So the principal the key verifies as must be the actor's (their email, key or name, as a line of the
allowed-signers file names them, patterns included), and the actor must be one who may take the step.
Every output that says "signed" reads this: the verify command, the sheet's signature lines and
status, the status report and the findings.
"""

from __future__ import annotations

import fnmatch
from functools import lru_cache
from pathlib import Path

from engage import Engagement, SheetState, TimesheetAction, date_text, frozen, person_name
from engage_timesheets.catalogue import _
from engage_timesheets.identity import Actor, match
from engage_timesheets.settings import SUPERVISOR, TimesheetSettings
from engage_timesheets.signing import Signed


@frozen
class Trust:
    """What a step's signature is worth: ``ok`` False where it must not be believed; ``text`` says
    why in a few words ("signed by X, key SHA256:…", "not signed", "signature does not verify")."""

    ok: bool
    text: str
    signed: bool = False  # a signature that holds


def signer_fits(signer: str, actor: Actor) -> bool:
    """True when an allowed-signers principal (``a@x.org``, ``*@x.org``, ``a@x.org,b@y.org``) names
    the actor by their email, key or name."""
    names = {actor.key.casefold(), actor.name.casefold(), actor.email.casefold()} - {""}
    patterns = [p.strip().casefold() for p in signer.split(",") if p.strip()]
    return any(fnmatch.fnmatchcase(name, pattern) for name in names for pattern in patterns)


def may_take(settings: TimesheetSettings, actor_key: str, action: str, consultant: str) -> bool:
    """Whether the person ``actor_key`` names may take ``action`` on ``consultant``'s sheet."""
    if action == "submit":
        return actor_key == consultant
    return actor_key != consultant and actor_key in (settings.approver_of(consultant), SUPERVISOR)


def step_trust(
    engagement: Engagement, settings: TimesheetSettings, step: TimesheetAction, signers: Path
) -> Trust:
    """What the step's signature is worth against the allowed signers as they are now."""
    if not step.signature:
        if settings.require_signatures:
            return Trust(False, _("not signed, and the schedule requires signed steps"))
        return Trust(True, _("not signed"))
    try:
        stat = signers.stat()
    except OSError:
        return Trust(False, _("signature not checked: {file} does not exist").format(file=signers))
    from engage_timesheets.signing import payload_of

    checked = _verified(
        payload_of(engagement, step),
        step.signature,
        str(signers),
        step.signer,
        (stat.st_size, stat.st_mtime_ns),
    )
    if checked is None:
        return Trust(
            False,
            _("signature does not verify (as {signer}, against {file})").format(
                signer=step.signer, file=signers.name
            ),
        )
    actor = match(engagement, step.actor)
    if actor is None or not signer_fits(checked.signer, actor):
        who = person_name(engagement, step.actor)
        return Trust(
            False,
            _("signed by {signer}, who is not {who}, the one the step names").format(
                signer=checked.signer, who=who
            ),
        )
    if not may_take(settings, actor.key, step.action, step.consultant):
        return Trust(
            False,
            _("signed by {signer}, who may not {action} this sheet").format(
                signer=checked.signer, action=step.action
            ),
        )
    said = _("signed by {signer} on {date}, key {fingerprint}").format(
        signer=checked.signer, date=date_text(step.date), fingerprint=checked.fingerprint
    )
    return Trust(True, said, signed=True)


@lru_cache(maxsize=1024)
def _verified(
    data: bytes, signature: str, signers: str, principal: str, version: tuple[int, int]
) -> Signed | None:
    """``ssh-keygen -Y verify``, once per signature and state of the allowed-signers file."""
    from engage_timesheets.signing import verify

    return verify(data, signature, Path(signers), principal)


def signature_texts(
    engagement: Engagement, settings: TimesheetSettings, state: SheetState, signers: Path
) -> tuple[dict[str, str], frozenset[str]]:
    """What the signatures of the sheet's submission and approval in force are worth, by step id, as
    a signature line reads ("signed by X on D, key SHA256:…", or "NOT TRUSTED: why"), and the ids of
    those that hold: whether one holds is never read back from its words, which are translated."""
    found, trusted = {}, set()
    for step in (state.submitted, state.approved):
        if step is not None and step.signature:
            trust = step_trust(engagement, settings, step, signers)
            found[step.id] = trust.text if trust.ok else _("NOT TRUSTED: {why}").format(why=trust.text)
            if trust.ok:
                trusted.add(step.id)
    return found, frozenset(trusted)


def approval_note(
    engagement: Engagement, settings: TimesheetSettings, state: SheetState, signers: Path
) -> str:
    """ " (signed)", " (not signed)" or " (signature NOT TRUSTED)" for an approved sheet, else ""."""
    approval = state.approved
    if approval is None:
        return ""
    trust = step_trust(engagement, settings, approval, signers)
    if not trust.ok:
        return _(" (signature NOT TRUSTED)")
    return _(" (signed)") if trust.signed else _(" (not signed)")
