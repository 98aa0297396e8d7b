"""What a set of new ledger lines says, in the words of a commit message: "ann: 3.5 days, draft submitted"."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from fractions import Fraction

from engage.judging.words import state_text
from engage.language import _, ngettext
from engage.language.choice import decimal_text
from engage.ledger.ledger import BY_FIELD
from engage.parsing import period_name

_BOOKKEEPING = {"commit", "seal"}


def new_lines(before: bytes, after: bytes) -> list[bytes]:
    """The lines of ``after`` that ``before`` did not hold, in order."""
    known = set(before.split(b"\n"))
    return [line for line in after.split(b"\n") if line.strip() and line not in known]


def by_person(lines: list[bytes], hours_per_day: Fraction, unknown: str = "someone") -> dict[str, str]:
    """Person -> what they recorded in ``lines``, each kind summed or named ("4.5 days, final accepted").

    Days voided among the same lines are not counted (the void is); a record that does not say who
    recorded it is ``unknown``'s (this machine's user for what it commits)."""
    said: dict[str, list[str]] = defaultdict(list)
    days: dict[str, Fraction] = defaultdict(Fraction)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    records = [r for r in map(_record, lines) if r is not None and r.get("kind") not in _BOOKKEEPING]
    voided = {r.get("target") for r in records if r.get("kind") == "void"}
    for record in records:
        kind = str(record.get("kind", ""))
        who = str(record.get(BY_FIELD) or record.get("consultant") or unknown)
        if kind == "entry" and record.get("id") in voided:
            continue
        if kind == "entry":
            days[who] += _days(record, hours_per_day)
        elif kind == "deliverable":
            said[who].append(f"{record.get('deliverable')} {state_text(str(record.get('status')))}")
        elif kind == "meeting":
            said[who].append(f"{record.get('meeting')} {state_text(str(record.get('outcome')))}")
        elif kind == "close":
            said[who].append(_("closed ({outcome})").format(outcome=record.get("outcome")))
        elif kind == "timesheet":
            said[who].append(_timesheet(record))
        elif kind == "fees.invoice":
            said[who].append(_("invoice {number}").format(number=record.get("number")))
        else:
            counts[who][kind.rpartition(".")[2]] += 1
    result = {}
    for who in sorted(set(said) | set(days) | set(counts)):
        total = days.get(who)
        parts = (
            [ngettext("{count} day", "{count} days", 1 if total == 1 else 2).format(count=_number(total))]
            if total
            else []
        )
        parts += [_counted(kind, n) for kind, n in sorted(counts[who].items())]
        result[who] = ", ".join(parts + said[who])
    return result


def _counted(kind: str, count: int) -> str:
    """``2 expenses``: the fees plugin's kinds in words of the language, any other by its own name."""
    if kind == "expense":
        return ngettext("{count} expense", "{count} expenses", count).format(count=count)
    if kind == "paid":
        return ngettext("{count} paid", "{count} paids", count).format(count=count)
    return f"{count} {kind}{'s' if count > 1 else ''}"


_PAST = {"submit": "submitted", "approve": "approved", "reject": "rejected", "reopen": "reopened"}


def _timesheet(record: dict[str, object]) -> str:
    """ "timesheet 2017-06 of lead approved"."""
    try:
        period = period_name(
            dt.date.fromisoformat(str(record.get("start"))), dt.date.fromisoformat(str(record.get("end")))
        )
    except ValueError:
        period = "?"
    action = str(record.get("action", ""))
    return _("timesheet {period} of {consultant} {action}").format(
        period=period, consultant=record.get("consultant"), action=state_text(_PAST.get(action, action))
    )


def _record(line: bytes) -> dict[str, object] | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _days(record: dict[str, object], hours_per_day: Fraction) -> Fraction:
    try:
        if "days" in record:
            return Fraction(str(record["days"]))
        return Fraction(str(record.get("hours", 0))) / hours_per_day
    except (ValueError, ZeroDivisionError):
        return Fraction(0)


def _number(value: Fraction) -> str:
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return decimal_text(text or "0")
