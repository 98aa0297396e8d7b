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
    N_,
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
    replay_sheets,
    sheet_digest,
    sheet_entries,
    sheet_items,
    state_text,
    step_allowed,
    step_holds,
    warn,
)
from engage_timesheets.catalogue import _, ngettext
from engage_timesheets.identity import Actor, acting_person, whose
from engage_timesheets.lines import say
from engage_timesheets.periods import chosen_period
from engage_timesheets.settings import TimesheetSettings, signers_file
from engage_timesheets.show import configured

DONE = {
    "submit": N_("Submitted {sheet} ({days} days, {entries}) as {actor} (record {record})"),
    "approve": N_("Approved {sheet} ({days} days, {entries}) as {actor} (record {record})"),
    "reject": N_("Rejected {sheet} ({days} days, {entries}) as {actor} (record {record})"),
    "reopen": N_("Reopened {sheet} ({days} days, {entries}) as {actor} (record {record})"),
}
# What a sheet was, said of it (the timesheet's word: "la feuille ... soumise")
WAS = {
    "submit": N_("submitted"),
    "approve": N_("approved"),
    "reject": N_("rejected"),
    "reopen": N_("reopened"),
}


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
        said = (
            _(
                "the period {start} to {end} ends after today ({today}); submit it once it has ended, "
                "or give --from {start} --to {today}"
            )
            if start <= today
            else _("the period {start} to {end} ends after today ({today}); submit it once it has ended")
        )
        raise EngageError(said.format(start=start, end=end, today=today))
    note = _reason(note, action)
    state = _checked(engagement, ledger, action, owner, start, end)
    mail = None
    if send:
        from engage_timesheets.sending import addresses

        mail = addresses(engagement, settings, owner, actor)
    entries = sheet_entries(engagement, ledger, owner, start, end)
    if action == "submit" and not entries:
        raise EngageError(
            _(
                "{sheet} holds no time: nothing to submit "
                "(give --month, --week or --from/--to for the period you worked)"
            ).format(sheet=_sheet(engagement, owner, state.period))
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
            _(
                "{where}: [timesheets] require_signatures: sign this step with --key PATH (or "
                "engage config timesheet.signing_key PATH); {why}; nothing written"
            ).format(where=engagement.source, why=key_source)
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
                _(
                    "{owner}'s timesheet {period} was {state} by someone else meanwhile; nothing written"
                ).format(owner=owner, period=now.period, state=state_text(now.state))
            )

    session.write([record], check=still)
    days = format_days(sum((e.days for e in entries), start=0))
    said = _(DONE[action]).format(
        sheet=_sheet(engagement, owner, state.period),
        days=days,
        entries=_entries(len(entries)),
        actor=actor.name,
        record=record["id"],
    )
    say(said)
    say(
        _("  signed by {signer}, key {fingerprint}").format(
            signer=signed.signer, fingerprint=signed.fingerprint
        )
        if signed is not None
        else _("  not signed ({why})").format(why=key_source)
    )
    if action == "submit":
        approver = settings.approver_of(owner)
        say(_("  to be approved by {name}").format(name=person_name(engagement, approver)))
    elif action == "approve":
        say(_("  its days are locked: nothing is logged, voided or imported there until it is reopened"))
    elif action == "reopen":
        say(_("  its days can change again; submit it anew once it is right"))
    if mail is not None:
        with session.after_write(f"timesheet {action} {record['id']}"):
            from engage_timesheets.sending import send_sheet

            command = f"engage timesheet {action} {state.options} --consultant {owner}"
            send_sheet(session, session.ledger(), owner, start, end, mail, command)


def _sheet(engagement: Engagement, key: str, period: str) -> str:
    """``Ann's timesheet 2026-11`` (``James' timesheet``), as the language says it."""
    name = person_name(engagement, key)
    if name.endswith("s"):
        return _("{name}' timesheet {period}").format(name=name, period=period)
    return _("{name}'s timesheet {period}").format(name=name, period=period)


def _entries(count: int) -> str:
    """``1 entry``, ``3 entries``."""
    return ngettext("{count} entry", "{count} entries", count).format(count=count)


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
    period = _("{start} to {end}").format(start=start, end=end)
    if not mine:
        raise EngageError(
            _("no timesheet for {period} waits for {actor} to {action}; give --consultant KEY").format(
                period=period, actor=actor.name, action=action
            )
        )
    names = ", ".join(f"{s.consultant} ({state_text(s.state)})" for s in mine)
    raise EngageError(
        _("several timesheets for {period} could be {was}: {names}; give --consultant").format(
            period=period, was=_(WAS[action]), names=names
        )
    )


def _may(engagement: Engagement, settings: TimesheetSettings, actor: Actor, action: str, owner: str) -> None:
    """Refuse a step the actor may not take on ``owner``'s sheet (:func:`engage_timesheets.trust.may_take`,
    which decides, for the verify command too), saying who may."""
    from engage_timesheets.trust import may_take

    if may_take(settings, actor.key, action, owner):
        return
    name = person_name(engagement, owner)
    if action == "submit":
        said = (
            _(
                "{actor} cannot submit {name}' timesheet: each consultant submits their own "
                "(pass --as {owner} if you are them)"
            )
            if name.endswith("s")
            else _(
                "{actor} cannot submit {name}'s timesheet: each consultant submits their own "
                "(pass --as {owner} if you are them)"
            )
        )
        raise EngageError(said.format(actor=actor.name, name=name, owner=owner))
    approver = settings.approver_of(owner)
    if actor.key == owner:
        raise EngageError(
            _("nobody approves, rejects or reopens their own timesheet: {approver} does for {owner}").format(
                approver=person_name(engagement, approver), owner=owner
            )
        )
    owned = _("{name}' timesheet") if name.endswith("s") else _("{name}'s timesheet")
    said = (
        _(
            "{actor} may not {action} {sheet}: {approver} approves it (the schedule's [timesheets] "
            "approvers); pass --as {key} if you are them"
        )
        if settings.approvers
        else _(
            "{actor} may not {action} {sheet}: {approver} approves it (the schedule's [timesheets] "
            "approver); pass --as {key} if you are them"
        )
    )
    raise EngageError(
        said.format(
            actor=actor.name,
            action=action,
            sheet=owned.format(name=name),
            approver=person_name(engagement, approver),
            key=approver,
        )
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
            _("{sheet} is {where}: it cannot be {was}{advice}").format(
                sheet=_sheet(engagement, owner, state.period),
                where=where,
                was=_(WAS[action]),
                advice=_advice(state.state, action),
            )
        )
    other = overlapping_sheet(states, owner, start, end)
    if other is not None and action == "submit":
        raise EngageError(
            _(
                "{owner}'s timesheet {period} is {state} and overlaps {start} to {end}; "
                "submit the same period ({period}), or have it reopened first"
            ).format(owner=owner, period=other.period, state=state_text(other.state), start=start, end=end)
        )
    if action == "approve":
        submitted = state.submitted
        assert submitted is not None
        now = sheet_entries(engagement, ledger, owner, start, end)
        if not step_holds(submitted, now):
            said = _changes(submitted, now)
            raise EngageError(
                _(
                    "{owner}'s timesheet {period} changed after it was submitted on {date}: "
                    "{changes}; ask {owner} to submit it again, then approve"
                ).format(owner=owner, period=state.period, date=submitted.date, changes=said)
            )
    return state


def _advice(state: str, action: str) -> str:
    if action == "approve" and state in ("not submitted", "reopened", "rejected"):
        return _(" before it is submitted ('engage timesheet submit')")
    if action == "reopen" and state != "approved":
        return _("; only an approved or submitted sheet is reopened")
    return ""


def _changes(step: TimesheetAction, now: list[Any]) -> str:
    """What changed on a sheet since ``step``: entries added, removed, changed, by id."""
    added, removed, changed = changes_since(step, now)
    parts = []
    for what, ids in (("added", added), ("removed", removed), ("changed", changed)):
        if not ids:
            continue
        if what == "added":
            said = ngettext("{count} entry added ({ids})", "{count} entries added ({ids})", len(ids))
        elif what == "removed":
            said = ngettext("{count} entry removed ({ids})", "{count} entries removed ({ids})", len(ids))
        else:
            said = ngettext("{count} entry changed ({ids})", "{count} entries changed ({ids})", len(ids))
        shown = ", ".join(ids[:5]) + (", …" if len(ids) > 5 else "")
        parts.append(said.format(count=len(ids), ids=shown))
    return "; ".join(parts) or _("its entries differ")


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
        where = ", ".join(
            _("{key}: {state}").format(key=s.consultant, state=s.describe(engagement, session.today()))
            for s in chosen
        )
        said = (
            _("no approved timesheet for {period} ({states})")
            if where
            else _("no approved timesheet for {period}")
        )
        warn(said.format(period=period_name(start, end), states=where))
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
    sheet = _sheet(engagement, state.consultant, state.period)
    lines = [_("{sheet}, approved by {who} on {date}").format(sheet=sheet, who=who, date=approval.date)]
    ok = True
    if step_holds(approval, entries):
        days = format_days(sum((e.days for e in entries), start=0))
        lines.append(
            _("  matches the ledger: {entries}, {days} days").format(
                entries=_entries(len(entries)), days=days
            )
        )
    else:
        ok = False
        lines.append(
            _("  CHANGED since it was approved: {changes}").format(changes=_changes(approval, entries))
        )
    signers = signers_file(engagement, settings)
    from engage_timesheets.trust import step_trust

    for step in (approval, state.submitted):
        if step is not None:
            trust = step_trust(engagement, settings, step, signers)
            ok &= trust.ok
            if step.action == "approve":
                said = _("  approval: {text}") if trust.ok else _("  approval: NOT TRUSTED: {text}")
            else:
                said = _("  submission: {text}") if trust.ok else _("  submission: NOT TRUSTED: {text}")
            lines.append(said.format(text=trust.text))
    return ok, lines


def _signer_is_actor(signer: str, actor: Actor, key: str) -> None:
    """The key's principal in the allowed signers must name the actor (their email, key or name)."""
    from engage_timesheets.trust import signer_fits

    if not signer_fits(signer, actor):
        raise EngageError(
            _(
                "the key {key} belongs to {signer} in the allowed signers, not to {actor}; sign with "
                "your own key (--key PATH), or pass --key none; nothing written"
            ).format(key=key, signer=signer, actor=actor.name)
        )


MOST_REASON = 2000  # characters: a reason is a sentence or two, not a document


def _reason(text: str, action: str) -> str:
    """A note or reason as it is kept: one line, no control characters (a terminal would obey them)."""
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in "\t\n\r" for c in text):
        raise EngageError(
            _(
                "--reason/--note holds control characters (escape sequences, bidirectional marks); give "
                "plain text"
            )
        )
    folded = " ".join(text.split())
    if len(folded) > MOST_REASON:
        raise EngageError(
            _("--reason/--note is {count} characters; give at most {most}").format(
                count=len(folded), most=MOST_REASON
            )
        )
    if action in ("reject", "reopen") and not folded:
        raise EngageError(
            _("give --reason: the consultant reads why the sheet was {was}").format(was=_(WAS[action]))
        )
    return folded
