"""Submit, approve, reject and reopen a sheet (records in the ledger), and verify an approved one.

Every step is checked before anything is written: who takes it (the consultant submits their own
sheet; whoever the schedule names approves, rejects and reopens it, never their own), that the sheet
stands where the step may follow (:func:`engage.step_allowed`), that an approval certifies the sheet
that was submitted (the digests agree), and the signature against the allowed signers. The same
checks run again under the ledger's lock, so two approvers racing cannot both land.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from engage import (
    EngageError,
    Engagement,
    Ledger,
    Session,
    SheetState,
    TimesheetAction,
    changes_since,
    format_days,
    new_record,
    overlapping_sheet,
    period_name,
    person_name,
    plural,
    replay_sheets,
    sheet_digest,
    sheet_entries,
    sheet_items,
    step_allowed,
    step_holds,
    warn,
)
from engage_timesheets.identity import Actor, acting_person, whose
from engage_timesheets.lines import say
from engage_timesheets.periods import chosen_period
from engage_timesheets.settings import TimesheetSettings, signers_file
from engage_timesheets.show import configured

DONE = {"submit": "Submitted", "approve": "Approved", "reject": "Rejected", "reopen": "Reopened"}
WAS = {"submit": "submitted", "approve": "approved", "reject": "rejected", "reopen": "reopened"}


def step(
    session: Session,
    action: str,
    *,
    month: str | None,
    week: str | None,
    since: str | None,
    until: str | None,
    consultant: str | None,
    acting: str | None = None,
    key: str | None = None,
    note: str = "",
    send: bool = False,
) -> None:
    """Record one step of a sheet's approval, signed where a key is found, and say what it did."""
    engagement = session.engagement
    today = session.today()
    start, end = chosen_period(month, week, since, until, today)
    settings = configured(session)[0]
    actor = acting_person(engagement, acting)
    ledger = session.ledger()
    states = replay_sheets(ledger)
    owner = _whose(engagement, ledger, states, actor, action, consultant, start, end, settings)
    _may(engagement, settings, actor, action, owner)
    if action == "submit" and end > today:
        advice = f", or give --from {start} --to {today}" if start <= today else ""
        raise EngageError(
            f"the period {start} to {end} ends after today ({today}); submit it once it has ended{advice}"
        )
    note = _reason(note, action)
    state = _checked(engagement, ledger, action, owner, start, end)
    mail = None
    if send:
        from engage_timesheets.sending import addresses

        mail = addresses(engagement, settings, owner, actor)
    entries = sheet_entries(engagement, ledger, owner, start, end)
    if action == "submit" and not entries:
        raise EngageError(
            f"{_possessive(engagement, owner)} timesheet {state.period} holds no time: nothing to submit "
            "(give --month, --week or --from/--to for the period you worked)"
        )
    fields: dict[str, object] = {
        "action": action,
        "consultant": owner,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "date": today.isoformat(),
        "reason": note,
        "actor": actor.key,
        "digest": sheet_digest(entries),
        "items": list(sheet_items(entries)),
        "follows": state.last.id if state.last is not None else "",
    }
    from engage_timesheets.signing import chosen_key, payload, sign

    folder = engagement.source.parent if engagement.source is not None else None
    signing_key, key_source = chosen_key(key, folder) if folder is not None else (None, "")
    signed = None
    if signing_key is None and settings.require_signatures:
        raise EngageError(
            f"{engagement.source}: [timesheets] require_signatures: sign this step with --key PATH (or "
            f"engage config timesheet.signing_key PATH); {key_source}; nothing written"
        )
    if signing_key is not None:
        signed = sign(payload(engagement, fields), signing_key, signers_file(engagement, settings))
        _signer_is_actor(signed.signer, actor, signing_key)
        fields |= {"signature": signed.signature, "signer": signed.signer, "fingerprint": signed.fingerprint}
    record = new_record("timesheet", **fields)

    def still(current: Ledger) -> None:  # under the lock: what was checked still holds
        now = _checked(engagement, current, action, owner, start, end)
        if (now.last.id if now.last is not None else "") != fields["follows"]:
            raise EngageError(
                f"{owner}'s timesheet {now.period} was {now.state} by someone else meanwhile; nothing written"
            )

    session.write([record], check=still)
    days = format_days(sum((e.days for e in entries), start=0))
    period = state.period
    said = f"{DONE[action]} {_possessive(engagement, owner)} timesheet {period} ({days} days, "
    said += f"{plural(len(entries), 'entry', 'entries')}) as {actor.name} (record {record['id']})"
    say(said)
    say(
        f"  signed by {signed.signer}, key {signed.fingerprint}"
        if signed is not None
        else f"  not signed ({key_source})"
    )
    if action == "submit":
        approver = settings.approver_of(owner)
        say(f"  to be approved by {person_name(engagement, approver)}")
    elif action == "approve":
        say("  its days are locked: nothing is logged, voided or imported there until it is reopened")
    elif action == "reopen":
        say("  its days can change again; submit it anew once it is right")
    if mail is not None:
        with session.after_write(f"timesheet {action} {record['id']}"):
            from engage_timesheets.sending import send_sheet

            command = f"engage timesheet {action} {state.options} --consultant {owner}"
            send_sheet(session, session.ledger(), owner, start, end, mail, command)


def _possessive(engagement: Engagement, key: str) -> str:
    name = person_name(engagement, key)
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _whose(
    engagement: Engagement,
    ledger: Ledger,
    states: dict[tuple[str, dt.date, dt.date], SheetState],
    actor: Actor,
    action: str,
    given: str | None,
    start: dt.date,
    end: dt.date,
    settings: TimesheetSettings,
) -> str:
    """The sheet's consultant: ``--consultant``; else your own to submit; else the one sheet for the
    period that you may take this step on."""
    if given:
        return whose(engagement, given)
    if action == "submit" and not actor.is_supervisor:
        return actor.key
    mine = [
        state
        for (who, first, last), state in states.items()
        if (first, last) == (start, end)
        and step_allowed(state, action)
        and actor.key in (settings.approver_of(who), "supervisor")
        and who != actor.key
    ]
    if len(mine) == 1:
        return mine[0].consultant
    period = f"{start} to {end}"
    if not mine:
        raise EngageError(
            f"no timesheet for {period} waits for {actor.name} to {action}; give --consultant KEY"
        )
    names = ", ".join(f"{s.consultant} ({s.state})" for s in mine)
    raise EngageError(f"several timesheets for {period} could be {WAS[action]}: {names}; give --consultant")


def _may(engagement: Engagement, settings: TimesheetSettings, actor: Actor, action: str, owner: str) -> None:
    """Refuse a step the actor may not take on ``owner``'s sheet (:func:`engage_timesheets.trust.may_take`,
    which decides, for the verify command too), saying who may."""
    from engage_timesheets.trust import may_take

    if may_take(settings, actor.key, action, owner):
        return
    if action == "submit":
        raise EngageError(
            f"{actor.name} cannot submit {_possessive(engagement, owner)} timesheet: each consultant "
            f"submits their own (pass --as {owner} if you are them)"
        )
    approver = settings.approver_of(owner)
    if actor.key == owner:
        raise EngageError(
            f"nobody approves, rejects or reopens their own timesheet: {person_name(engagement, approver)} "
            f"does for {owner}"
        )
    raise EngageError(
        f"{actor.name} may not {action} {_possessive(engagement, owner)} timesheet: "
        f"{person_name(engagement, approver)} approves it (the schedule's [timesheets] approver"
        f"{'s' if settings.approvers else ''}); pass --as {approver} if you are them"
    )


def _checked(
    engagement: Engagement, ledger: Ledger, action: str, owner: str, start: dt.date, end: dt.date
) -> SheetState:
    """Where the sheet stands, refused when ``action`` may not follow or the period overlaps another."""
    states = replay_sheets(ledger)
    state = states.get((owner, start, end)) or SheetState(owner, start, end)
    if not step_allowed(state, action):
        where = state.describe(engagement, dt.date.today())
        raise EngageError(
            f"{_possessive(engagement, owner)} timesheet {state.period} is {where}: "
            f"it cannot be {WAS[action]}{_advice(state.state, action)}"
        )
    other = overlapping_sheet(states, owner, start, end)
    if other is not None and action == "submit":
        raise EngageError(
            f"{owner}'s timesheet {other.period} is {other.state} and overlaps {start} to {end}; "
            f"submit the same period ({other.period}), or have it reopened first"
        )
    if action == "approve":
        submitted = state.submitted
        assert submitted is not None
        now = sheet_entries(engagement, ledger, owner, start, end)
        if not step_holds(submitted, now):
            said = _changes(submitted, now)
            raise EngageError(
                f"{owner}'s timesheet {state.period} changed after it was submitted on {submitted.date}: "
                f"{said}; ask {owner} to submit it again, then approve"
            )
    return state


def _advice(state: str, action: str) -> str:
    if action == "approve" and state in ("not submitted", "reopened", "rejected"):
        return " before it is submitted ('engage timesheet submit')"
    if action == "reopen" and state != "approved":
        return "; only an approved or submitted sheet is reopened"
    return ""


def _changes(step: TimesheetAction, now: list[Any]) -> str:
    """What changed on a sheet since ``step``: entries added, removed, changed, by id."""
    added, removed, changed = changes_since(step, now)
    parts = [
        f"{plural(len(ids), 'entry', 'entries')} {what} ({', '.join(ids[:5])}{', …' if len(ids) > 5 else ''})"
        for what, ids in (("added", added), ("removed", removed), ("changed", changed))
        if ids
    ]
    return "; ".join(parts) or "its entries differ"


def verify_sheets(
    session: Session,
    *,
    month: str | None,
    week: str | None,
    since: str | None,
    until: str | None,
    consultant: str | None,
) -> None:
    """Each approved sheet of the period (``--consultant``'s, else everyone's): does the ledger still
    hold what was approved, and does its signature hold? Exit 1 when one does not."""
    engagement = session.engagement
    start, end = chosen_period(month, week, since, until, session.today())
    settings = configured(session)[0]
    ledger = session.ledger()
    states = replay_sheets(ledger)
    owner = whose(engagement, consultant) if consultant else None
    chosen = [
        s
        for (who, first, last), s in states.items()
        if (first, last) == (start, end) and owner in (None, who)
    ]
    approved = [s for s in chosen if s.approved is not None]
    if not approved:
        where = ", ".join(f"{s.consultant}: {s.describe(engagement, session.today())}" for s in chosen)
        warn(f"no approved timesheet for {period_name(start, end)}" + (f" ({where})" if where else ""))
        raise SystemExit(1)
    failed = False
    for state in approved:
        ok, lines = _verify_one(engagement, ledger, state, settings)
        failed |= not ok
        for line in lines:
            say(line)
    if failed:
        raise SystemExit(1)


def _verify_one(
    engagement: Engagement, ledger: Ledger, state: SheetState, settings: TimesheetSettings
) -> tuple[bool, list[str]]:
    """Whether one approved sheet holds, and the lines that say so."""
    approval = state.approved
    assert approval is not None
    entries = sheet_entries(engagement, ledger, state.consultant, state.start, state.end)
    who = person_name(engagement, approval.actor)
    sheet = f"{_possessive(engagement, state.consultant)} timesheet {state.period}"
    lines = [f"{sheet}, approved by {who} on {approval.date}"]
    ok = True
    if step_holds(approval, entries):
        days = format_days(sum((e.days for e in entries), start=0))
        lines.append(f"  matches the ledger: {plural(len(entries), 'entry', 'entries')}, {days} days")
    else:
        ok = False
        lines.append(f"  CHANGED since it was approved: {_changes(approval, entries)}")
    signers = signers_file(engagement, settings)
    from engage_timesheets.trust import step_trust

    for step in (approval, state.submitted):
        if step is not None:
            trust = step_trust(engagement, settings, step, signers)
            ok &= trust.ok
            what = "approval" if step.action == "approve" else "submission"
            lines.append(f"  {what}: {trust.text}" if trust.ok else f"  {what}: NOT TRUSTED: {trust.text}")
    return ok, lines


def _signer_is_actor(signer: str, actor: Actor, key: str) -> None:
    """The key's principal in the allowed signers must name the actor (their email, key or name)."""
    from engage_timesheets.trust import signer_fits

    if not signer_fits(signer, actor):
        raise EngageError(
            f"the key {key} belongs to {signer} in the allowed signers, not to {actor.name}; sign with "
            f"your own key (--key PATH), or pass --key none; nothing written"
        )


MOST_REASON = 2000  # characters: a reason is a sentence or two, not a document


def _reason(text: str, action: str) -> str:
    """A note or reason as it is kept: one line, no control characters (a terminal would obey them)."""
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in "\t\n\r" for c in text):
        raise EngageError(
            "--reason/--note holds control characters (escape sequences, bidirectional marks); give "
            "plain text"
        )
    folded = " ".join(text.split())
    if len(folded) > MOST_REASON:
        raise EngageError(f"--reason/--note is {len(folded)} characters; give at most {MOST_REASON}")
    if action in ("reject", "reopen") and not folded:
        raise EngageError(f"give --reason: the consultant reads why the sheet was {WAS[action]}")
    return folded
