"""Timesheet findings: sheets not submitted in time, waiting too long for approval, changed since
approved or signed untrustworthily, steps two machines recorded apart that a merge brought together,
and a void aimed at a step (written by hand: not obeyed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from engage import (
    N_,
    Engagement,
    Finding,
    Ledger,
    SheetState,
    TimesheetAction,
    period_name,
    person_name,
    sheet_entries,
    state_text,
    step_holds,
)
from engage_timesheets.catalogue import _, ngettext
from engage_timesheets.settings import TimesheetSettings, in_use, settings_of, signers_file

if TYPE_CHECKING:
    from engage import Verdict

SUBMITTED, APPROVED = "submitted", "approved"
DONE = {
    "submit": N_("submitted"),
    "approve": N_("approved"),
    "reject": N_("rejected"),
    "reopen": N_("reopened"),
}


def used(engagement: Engagement, ledger: Ledger) -> bool:
    """Timesheets are in use: the schedule has a ``[timesheets]`` table, or the ledger a step."""
    return in_use(engagement) or bool(ledger.every(TimesheetAction))  # as the hooks ask, before importing


def timesheet_findings(engagement: Engagement, verdict: Verdict) -> Iterator[Finding]:
    """Every timesheet finding as of the verdict's date, with a stable code; none where timesheets are
    not in use."""
    if not used(engagement, verdict.ledger):
        return
    settings = settings_of(engagement)
    as_of = verdict.as_of
    yield from _voided_steps(engagement, verdict.ledger)
    signers = signers_file(engagement, settings)
    for sheet in verdict.timesheets:
        yield from _collisions(engagement, sheet)
        if sheet.state == APPROVED:
            changed = _changed(engagement, verdict.ledger, sheet)
            if changed is not None:
                yield changed
            yield from _untrusted(engagement, settings, sheet, signers)
        elif sheet.state == SUBMITTED:
            waiting = _waiting(engagement, settings, sheet, as_of)
            if waiting is not None:
                yield waiting
        else:
            late = _not_submitted(engagement, settings, sheet, as_of)
            if late is not None:
                yield late


def whose(engagement: Engagement, sheet: SheetState) -> str:
    """``International Consultant's timesheet 2017-06``."""
    return _("{name}'s timesheet {period}").format(
        name=person_name(engagement, sheet.consultant), period=sheet.period
    )


def _days(count: int) -> str:
    """``1 day``, ``3 days``."""
    return ngettext("{count} day", "{count} days", count).format(count=count)


def which(sheet: SheetState) -> str:
    """The options that name a sheet on the command line."""
    return f"{sheet.options} --consultant {sheet.consultant}"


def approval_matches(engagement: Engagement, ledger: Ledger, sheet: SheetState) -> bool:
    """False when an approved sheet's entries are no longer those its approval's digest was taken over."""
    approval = sheet.approved
    if approval is None:
        return True
    return step_holds(approval, sheet_entries(engagement, ledger, sheet.consultant, sheet.start, sheet.end))


def _not_submitted(
    engagement: Engagement, settings: TimesheetSettings, sheet: SheetState, as_of: dt.date
) -> Finding | None:
    last = sheet.last
    since = max(sheet.end, last.date) if last is not None else sheet.end
    days = (as_of - since).days
    if sheet.end >= as_of or days <= settings.submit_within:
        return None
    command = f"engage timesheet submit {which(sheet)}"
    if last is None:
        why = _("ended {days} ago ({date}) and is not submitted").format(days=_days(days), date=sheet.end)
    else:
        who = person_name(engagement, last.actor)
        ago = _days((as_of - last.date).days)
        said = (
            _("was {state} by {who} on {date}, {ago} ago, and is not submitted again")
            if who
            else _("was {state} on {date}, {ago} ago, and is not submitted again")
        )
        why = said.format(state=state_text(sheet.state), who=who, date=last.date, ago=ago)
    return Finding(
        "warning",
        "timesheet-not-submitted",
        _("{sheet} {why} (due within {days}): {command}").format(
            sheet=whose(engagement, sheet), why=why, days=_days(settings.submit_within), command=command
        ),
        date=since,
    )


def _waiting(
    engagement: Engagement, settings: TimesheetSettings, sheet: SheetState, as_of: dt.date
) -> Finding | None:
    submitted = sheet.submitted
    if submitted is None:
        return None
    days = (as_of - submitted.date).days
    if days <= settings.approve_within:
        return None
    approver = settings.approver_of(sheet.consultant)
    return Finding(
        "warning",
        "timesheet-awaiting-approval",
        _(
            "{sheet} was submitted on {date}, {ago} ago, and waits for {approver} to approve it "
            "(within {days}): {command}"
        ).format(
            sheet=whose(engagement, sheet),
            date=submitted.date,
            ago=_days(days),
            approver=person_name(engagement, approver),
            days=_days(settings.approve_within),
            command=f"engage timesheet approve {which(sheet)} --as {approver}",
        ),
        date=submitted.date,
        records=(submitted.id,),
    )


def _changed(engagement: Engagement, ledger: Ledger, sheet: SheetState) -> Finding | None:
    approval = sheet.approved
    if approval is None or approval_matches(engagement, ledger, sheet):
        return None
    who = person_name(engagement, approval.actor) or _("someone")
    return Finding(
        "error",
        "timesheet-changed",
        _(
            "{sheet} was approved by {who} on {date} (record {record}), "
            "but the ledger no longer holds the sheet that was approved: an entry edited by hand, or a "
            "merge that brought time into the approved period; see {verify}; "
            "to change the sheet, the approver reopens it: {reopen} "
            "--reason TEXT, and it is submitted again"
        ).format(
            sheet=whose(engagement, sheet),
            who=who,
            date=approval.date,
            record=approval.id,
            verify=f"engage timesheet verify {which(sheet)}",
            reopen=f"engage timesheet reopen {which(sheet)}",
        ),
        date=approval.date,
        records=(approval.id,),
    )


def _named(engagement: Engagement, step: TimesheetAction) -> str:
    """A step as a finding names it: what, by whom, when, its record and who recorded it where."""
    who = person_name(engagement, step.actor)
    done = _(DONE[step.action]) if step.action in DONE else step.action
    by = _(" by {who}").format(who=who) if who and step.action != "submit" else ""
    recorded = _(", recorded by {who}").format(who=step.by) if step.by else ""
    machine = _(" on machine {machine}").format(machine=step.machine) if step.machine else ""
    return _("{done}{by} on {date} (record {record}{recorded}{machine})").format(
        done=done, by=by, date=step.date, record=step.id, recorded=recorded, machine=machine
    )


def _collisions(engagement: Engagement, sheet: SheetState) -> Iterator[Finding]:
    for left in sheet.contradictions:
        # the counted step taken after the same one as this (its rival), else the latest counted
        rival = next((s for s in sheet.steps if s.follows == left.follows), None)
        kept = rival or (sheet.steps[-1] if sheet.steps else None)
        if kept is None:
            continue
        if sheet.state == APPROVED:
            way = _("if it should not stand, the approver reopens it: {reopen} --reason TEXT").format(
                reopen=f"engage timesheet reopen {which(sheet)}"
            )
        elif sheet.state == SUBMITTED:
            way = _("the approver decides once more: {approve}, or {reject} --reason TEXT").format(
                approve=f"engage timesheet approve {which(sheet)}",
                reject=f"engage timesheet reject {which(sheet)}",
            )
        else:
            way = _("it is submitted again: {submit}").format(
                submit=f"engage timesheet submit {which(sheet)}"
            )
        yield Finding(
            "error",
            "timesheet-collision",
            _(
                "{sheet}: {left} contradicts {kept}, recorded apart on two machines; counted: "
                "{done} on {date}, not the {action} {record} (the sheet stands {state}); {way}"
            ).format(
                sheet=whose(engagement, sheet),
                left=_named(engagement, left),
                kept=_named(engagement, kept),
                done=_(DONE[kept.action]) if kept.action in DONE else kept.action,
                date=kept.date,
                action=left.action,
                record=left.id,
                state=state_text(sheet.state),
                way=way,
            ),
            date=left.date,
            records=(kept.id, left.id),
        )


def _untrusted(
    engagement: Engagement, settings: TimesheetSettings, sheet: SheetState, signers: Path
) -> Iterator[Finding]:
    """An approved sheet whose approval's or submission's signature is not to be believed."""
    from engage_timesheets.trust import step_trust

    for step in (sheet.approved, sheet.submitted):
        if step is None:
            continue
        trust = step_trust(engagement, settings, step, signers)
        if not trust.ok:
            said = (
                _("{sheet}: the approval (record {record}) is not to be trusted: {why}; see {verify}")
                if step.action == "approve"
                else _("{sheet}: the submission (record {record}) is not to be trusted: {why}; see {verify}")
            )
            yield Finding(
                "error",
                "timesheet-signature",
                said.format(
                    sheet=whose(engagement, sheet),
                    record=step.id,
                    why=trust.text,
                    verify=f"engage timesheet verify {which(sheet)}",
                ),
                date=step.date,
                records=(step.id,),
            )


def _voided_steps(engagement: Engagement, ledger: Ledger) -> Iterator[Finding]:
    """A void aimed at a timesheet step, which 'engage void' refuses: written by hand, and not obeyed."""
    for step in ledger.every(TimesheetAction):
        void = ledger.voids.get(step.id)
        if void is not None:
            yield Finding(
                "error",
                "timesheet-step-voided",
                _(
                    "record {void} voids the timesheet {action} {record} ({consultant}, "
                    "{period}), which engage never writes: a void does not undo "
                    "a step, so it is not obeyed; remove its line, and to change the sheet, its approver "
                    "reopens it with engage timesheet reopen"
                ).format(
                    void=void.id,
                    action=step.action,
                    record=step.id,
                    consultant=step.consultant,
                    period=period_name(step.start, step.end),
                ),
                records=(void.id, step.id),
            )
