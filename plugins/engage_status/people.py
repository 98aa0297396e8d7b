"""``status --by consultant``: each consultant's week across every engagement they appear in.

Across engagements, so in the user's language, or ``--lang``'s (CSV and JSON for programs, inside
``machine()``).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from engage import (
    ConsultantVerdict,
    DeliverableVerdict,
    Engagement,
    Section,
    csv_text,
    date_text,
    format_days,
    frozen,
    json_text,
    machine,
    markdown_cell,
    table,
)
from engage_status.catalogue import _, ngettext
from engage_status.report import LOOKAHEAD, Report
from engage_status.voices import shared


@frozen
class Stint:
    """One consultant on one engagement, as of that report's date."""

    report: Report
    person: ConsultantVerdict
    owed: tuple[DeliverableVerdict, ...]


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def by_consultant(reports: Sequence[Report]) -> dict[str, list[Stint]]:
    """Each person's stints, in the order people first appear; closed engagements left out.

    One person is matched across schedules by email where both give one, else by name (one
    schedule may give an email the other lacks), else by key.
    """
    people: dict[str, list[Stint]] = {}
    by_email: dict[str, str] = {}
    by_name: dict[str, str] = {}
    emails: dict[str, set[str]] = {}
    for report in reports:
        if report.closed is not None:
            continue
        horizon = report.as_of + LOOKAHEAD
        for person in report.team:
            email, name = _norm(person.email), _norm(person.name)
            found = by_email.get(email) if email else None
            if found is None and name in by_name:
                known = emails[by_name[name]]
                if not email or not known or email in known:  # two emails that differ: two people
                    found = by_name[name]
            if found is None:
                found = email or name or _norm(person.key)
                emails[found] = set()
            if email:
                by_email[email] = found
                emails[found].add(email)
            if name:
                by_name.setdefault(name, found)
            owed = tuple(
                d
                for d in owes(report.engagement, report.deliverables, person.key)
                if d.deadline is not None and d.deadline <= horizon
            )
            people.setdefault(found, []).append(Stint(report, person, owed))
    return people


def sections(reports: Sequence[Report], *, listed: bool = True) -> list[Section]:
    """One table per consultant: each engagement's week, days used and left, and what they owe
    (``listed``: named in the table; otherwise counted there and listed under it, see ``owed_lines``)."""
    found = []
    for stints in by_consultant(reports).values():
        first = stints[0].person
        week = sum((s.person.this_week for s in stints), start=Fraction(0))
        rows = tuple(
            (
                s.report.engagement.id,
                s.person.key,
                format_days(s.person.this_week),
                format_days(s.person.used),
                format_days(s.person.remaining) if s.person.remaining is not None else "",
                ("; ".join(f"{d.name} {_due(d)}" for d in s.owed) if listed else len(s.owed)) or _("nothing"),
            )
            for s in stints
        )
        found.append(
            Section(
                _("{name}: {days} days this week").format(name=first.label, days=format_days(week)),
                (
                    _("engagement"),
                    _("as"),
                    _("this week"),
                    _("used"),
                    _("left"),
                    _("owes in the next two weeks") if listed else _("owes"),
                ),
                rows,
            )
        )
    return found


def owed_lines(stints: Sequence[Stint]) -> list[str]:
    """What one consultant owes in the next two weeks, soonest first, a line each."""
    owed = sorted(
        ((d.deadline, d, s.report.engagement.id) for s in stints for d in s.owed if d.deadline is not None),
        key=lambda item: (item[0], item[2], item[1].name),
    )
    return [
        f"- {date_text(day)} {d.name} ({ident})" + (", " + _days_late(d.days_late) if d.days_late else "")
        for day, d, ident in owed
    ]


def _days_late(count: int) -> str:
    # Translators: English says "days" for one too; give your language's own forms.
    return ngettext("{count} days late", "{count} days late", count).format(count=count)


def _due(d: DeliverableVerdict) -> str:
    due = date_text(d.deadline) if d.deadline is not None else ""
    if d.state == "late":
        return _("({late}, due {date})").format(late=_days_late(d.days_late), date=due)
    return _("(due {date})").format(date=due)


def render(reports: Sequence[Report], fmt: str) -> str:
    """The by-consultant report as plain text, Markdown, CSV or JSON (HTML is given as plain text)."""
    if fmt in ("json", "csv"):
        with machine():
            return _for_programs(reports, fmt)
    with shared([r.engagement for r in reports]):
        return _for_people(reports, fmt)


def _for_programs(reports: Sequence[Report], fmt: str) -> str:
    if fmt == "json":
        return json_text(
            [
                {
                    "consultant": stints[0].person.label,
                    "email": stints[0].person.email,
                    "this_week": sum((s.person.this_week for s in stints), start=Fraction(0)),
                    "engagements": [
                        {
                            "id": s.report.engagement.id,
                            "key": s.person.key,
                            "this_week": s.person.this_week,
                            "used": s.person.used,
                            "budget": s.person.budget,
                            "remaining": s.person.remaining,
                            "owes": [
                                {"key": d.key, "name": d.name, "due": d.deadline, "state": d.state}
                                for d in s.owed
                            ],
                        }
                        for s in stints
                    ],
                }
                for stints in by_consultant(reports).values()
            ]
        )
    tables = sections(reports)
    out = []
    for item in tables:
        out.append(csv_text(["consultant", *item.headers], [[item.title, *row] for row in item.rows]))
    return "".join(out)


def _for_people(reports: Sequence[Report], fmt: str) -> str:
    style = "github" if fmt == "github" else "simple"
    lines: list[str] = []
    counted = sections(reports, listed=False)
    for item, stints in zip(counted, by_consultant(reports).values(), strict=True):
        lines += [f"## {markdown_cell(item.title)}" if style == "github" else item.title, ""]
        lines += [table(item.headers, item.rows, style), ""]
        owed = owed_lines(stints)
        if owed and style == "simple":  # each item wrapped to the terminal, under its dash
            from engage import output_width, wrap

            owed = [line for item in owed for line in wrap(item, output_width(), indent=2)]
        if owed and style == "github":
            owed = [f"- {markdown_cell(item.removeprefix('- '))}" for item in owed]
        if owed:
            lines += [_("Owes in the next two weeks:"), *owed, ""]
    return "\n".join(lines).rstrip() + "\n" if lines else _("No consultants in these engagements.") + "\n"


def owes(
    engagement: Engagement, deliverables: Sequence[DeliverableVerdict], key: str
) -> list[DeliverableVerdict]:
    """The deliverables a consultant holds a deadline for: in phases where they have a share, or
    in phases that give no team (everyone's); on a schedule that names nobody, all of them."""
    found = []
    for d in deliverables:
        if d.holder != "consultant" or d.deadline is None:
            continue
        shares = engagement.phase(d.deliverable.phase).shares
        if not engagement.team or not shares or key in shares:
            found.append(d)
    return found
