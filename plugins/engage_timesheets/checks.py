"""Timesheet findings: sheets not submitted in time, waiting too long for approval, changed since
approved or signed untrustworthily, steps two machines recorded apart that a merge brought together,
and a void aimed at a step (written by hand: not obeyed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from engage import (
    Engagement,
    Finding,
    Ledger,
    SheetState,
    TimesheetAction,
    period_name,
    person_name,
    plural,
    sheet_entries,
    step_holds,
)
from engage_timesheets.settings import TimesheetSettings, in_use, settings_of, signers_file

if TYPE_CHECKING:
    from engage import Verdict

SUBMITTED, APPROVED = "submitted", "approved"
DONE = {"submit": "submitted", "approve": "approved", "reject": "rejected", "reopen": "reopened"}


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
    return f"{person_name(engagement, sheet.consultant)}'s timesheet {sheet.period}"


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
        why = f"ended {plural(days, 'day')} ago ({sheet.end}) and is not submitted"
    else:
        who = person_name(engagement, last.actor)
        by = f" by {who}" if who else ""
        ago = plural((as_of - last.date).days, "day")
        why = f"was {sheet.state}{by} on {last.date}, {ago} ago, and is not submitted again"
    return Finding(
        "warning",
        "timesheet-not-submitted",
        f"{whose(engagement, sheet)} {why} (due within {plural(settings.submit_within, 'day')}): {command}",
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
        f"{whose(engagement, sheet)} was submitted on {submitted.date}, {plural(days, 'day')} ago, and "
        f"waits for {person_name(engagement, approver)} to approve it "
        f"(within {plural(settings.approve_within, 'day')}): "
        f"engage timesheet approve {which(sheet)} --as {approver}",
        date=submitted.date,
        records=(submitted.id,),
    )


def _changed(engagement: Engagement, ledger: Ledger, sheet: SheetState) -> Finding | None:
    approval = sheet.approved
    if approval is None or approval_matches(engagement, ledger, sheet):
        return None
    who = person_name(engagement, approval.actor) or "someone"
    return Finding(
        "error",
        "timesheet-changed",
        f"{whose(engagement, sheet)} was approved by {who} on {approval.date} (record {approval.id}), "
        "but the ledger no longer holds the sheet that was approved: an entry edited by hand, or a "
        f"merge that brought time into the approved period; see engage timesheet verify {which(sheet)}; "
        f"to change the sheet, the approver reopens it: engage timesheet reopen {which(sheet)} "
        "--reason TEXT, and it is submitted again",
        date=approval.date,
        records=(approval.id,),
    )


def _named(engagement: Engagement, step: TimesheetAction) -> str:
    """A step as a finding names it: what, by whom, when, its record and who recorded it where."""
    who = person_name(engagement, step.actor)
    by = f" by {who}" if who and step.action != "submit" else ""
    recorded = f", recorded by {step.by}" if step.by else ""
    machine = f" on machine {step.machine}" if step.machine else ""
    return f"{DONE.get(step.action, step.action)}{by} on {step.date} (record {step.id}{recorded}{machine})"


def _collisions(engagement: Engagement, sheet: SheetState) -> Iterator[Finding]:
    for left in sheet.contradictions:
        # the counted step taken after the same one as this (its rival), else the latest counted
        rival = next((s for s in sheet.steps if s.follows == left.follows), None)
        kept = rival or (sheet.steps[-1] if sheet.steps else None)
        if kept is None:
            continue
        if sheet.state == APPROVED:
            way = (
                "if it should not stand, the approver reopens it: "
                f"engage timesheet reopen {which(sheet)} --reason TEXT"
            )
        elif sheet.state == SUBMITTED:
            way = (
                f"the approver decides once more: engage timesheet approve {which(sheet)}, or "
                f"engage timesheet reject {which(sheet)} --reason TEXT"
            )
        else:
            way = f"it is submitted again: engage timesheet submit {which(sheet)}"
        yield Finding(
            "error",
            "timesheet-collision",
            f"{whose(engagement, sheet)}: {_named(engagement, left)} contradicts "
            f"{_named(engagement, kept)}, recorded apart on two machines; counted: "
            f"{DONE.get(kept.action, kept.action)} on {kept.date}, not the {left.action} {left.id} "
            f"(the sheet stands {sheet.state}); {way}",
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
            what = "approval" if step.action == "approve" else "submission"
            yield Finding(
                "error",
                "timesheet-signature",
                f"{whose(engagement, sheet)}: the {what} (record {step.id}) is not to be trusted: "
                f"{trust.text}; see engage timesheet verify {which(sheet)}",
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
                f"record {void.id} voids the timesheet {step.action} {step.id} ({step.consultant}, "
                f"{period_name(step.start, step.end)}), which engage never writes: a void does not undo "
                "a step, so it is not obeyed; remove its line, and to change the sheet, its approver "
                "reopens it with engage timesheet reopen",
                records=(void.id, step.id),
            )
