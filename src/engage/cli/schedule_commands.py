"""Commands about the schedule itself: ``init`` a new one, ``show`` what it says."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict
from importlib import resources
from pathlib import Path

import click

from engage.errors import EngageError
from engage.model import Engagement
from engage.output import json_text, table
from engage.parsing import format_budget
from engage.session import Session, pass_session
from engage.timeline import Timeline, day_of

TEMPLATE_ID = 'id = "new-engagement"'


def template_text() -> str:
    """The commented schedule template shipped with engage."""
    packaged = resources.files("engage").joinpath("data/template.toml")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    # A source checkout (editable install): the template lives in schedules/.
    source = Path(__file__).resolve().parents[3] / "schedules" / "template.toml"
    return source.read_text(encoding="utf-8")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def init(file: Path) -> None:
    """Write a new, commented schedule from the template.

    \b
    Example:
      engage init engage.toml && $EDITOR engage.toml
    """
    if file.exists():
        raise EngageError(
            f"{file}: already exists; choose a new file name (engage never overwrites a schedule)"
        )
    if not file.parent.is_dir():
        raise EngageError(f"{file.parent}: no such folder; create it first or choose another path")
    # engage.toml is the name engage looks for: the folder then names the engagement.
    name = file.resolve().parent.name if file.stem == "engage" else file.stem
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "new-engagement"
    text = template_text().replace(TEMPLATE_ID, f'id = "{slug}"', 1)
    try:
        with file.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        raise EngageError(f"{file}: cannot write: {exc.strerror or exc}") from None
    hint = "engage show" if file.name == "engage.toml" else f"engage -s {file} show"
    click.echo(f"Wrote {file}; fill it in from the ToR, then try: {hint}")


@click.command()
@click.option("--format", "fmt", type=click.Choice(["plain", "json"]), default="plain", show_default=True)
@pass_session
def show(session: Session, fmt: str) -> None:
    """Show the engagement: phases with windows and budgets, deliverables, meetings, deadlines.

    \b
    Example:
      engage -s schedules/ijm-kenya-pap-strategic-plan.toml show --format json
    """
    engagement = session.engagement
    if fmt == "json":
        click.echo(json_text(engagement_dict(engagement)))
        return
    click.echo(describe(engagement, session))


def engagement_dict(engagement: Engagement) -> dict[str, object]:
    """The engagement as ``show --format json`` prints it, with planned dates resolved."""
    timeline = engagement.timeline
    return {
        "id": engagement.id,
        "title": engagement.title,
        "client": engagement.client,
        "timezone": engagement.timezone,
        "start": engagement.start,
        "max_days": engagement.max_days,
        "hours_per_day": engagement.hours_per_day,
        "holidays": engagement.holidays,
        "supervisor": asdict(engagement.supervisor),
        "consultants": list(engagement.consultants),
        "phases": [
            {
                "key": p.key,
                "name": p.name,
                "days": p.days,
                "start": timeline.window(p.key).start,
                "end": timeline.window(p.key).end,
            }
            for p in engagement.phases
        ],
        "deliverables": [
            {
                "key": d.key,
                "name": d.name,
                "phase": d.phase,
                "due": timeline.due(d.key),
                "depends_on": list(d.depends_on),
            }
            for d in engagement.deliverables
        ],
        "meetings": [_meeting_dict(timeline, m.key) for m in engagement.meetings],
        "deadlines": [{"key": d.key, "name": d.name, "date": d.date} for d in engagement.deadlines],
    }


def _meeting_dict(timeline: Timeline, key: str) -> dict[str, object]:
    meeting = timeline.engagement.meeting(key)
    span = timeline.meeting_span(key)
    return {
        "key": meeting.key,
        "name": meeting.name,
        "kind": meeting.kind,
        "phase": meeting.phase,
        "start": span[0] if span else None,
        "end": span[1] if span else None,
        "location": meeting.location,
        "attendees": list(meeting.attendees),
    }


def _span(start: dt.date, end: dt.date) -> str:
    return start.isoformat() if start == end else f"{start.isoformat()} – {end.isoformat()}"


def describe(engagement: Engagement, session: Session) -> str:
    """The engagement for people: a header and one table per part."""
    timeline = engagement.timeline
    ledger = session.read_ledger(engagement, session.ledger_path)
    budgets = sum((p.days for p in engagement.phases), start=0)
    lines = [
        engagement.title,
        f"Client:      {engagement.client}",
        f"Supervisor:  {engagement.supervisor.label}"
        + (f" <{engagement.supervisor.email}>" if engagement.supervisor.email else ""),
        f"Consultants: {', '.join(engagement.consultants) or '(not named)'}",
        f"Cap:         {format_budget(engagement.max_days)} days "
        f"(phase budgets add up to {format_budget(budgets)}); "
        f"{format_budget(engagement.hours_per_day)} hours a day; time zone {engagement.timezone}",
        "",
        "Phases",
        table(
            ("key", "phase", "days", "window", "working days"),
            [
                (
                    p.key,
                    p.name,
                    format_budget(p.days),
                    _span(w.start, w.end) + (" (planned)" if w.planned else ""),
                    len(timeline.working_days(w.start, w.end)),
                )
                for p in engagement.phases
                for w in [timeline.window(p.key)]
            ],
        ),
        "",
        "Deliverables",
        table(
            ("key", "deliverable", "phase", "due", "depends on", "status"),
            [
                (
                    d.key,
                    d.name,
                    d.phase,
                    timeline.due(d.key),
                    ", ".join(d.depends_on),
                    _status(ledger.current_status(d.key)),
                )
                for d in engagement.deliverables
            ],
        ),
        "",
        "Meetings",
        table(
            ("key", "meeting", "kind", "when", "location"),
            [
                (
                    m.key,
                    m.name,
                    m.kind,
                    _when(timeline.meeting_span(m.key)),
                    m.location,
                )
                for m in engagement.meetings
            ],
        ),
        "",
        "Deadlines",
        table(
            ("key", "deadline", "date"),
            [
                (d.key, d.name, f"{d.date:%Y-%m-%d %H:%M}" if isinstance(d.date, dt.datetime) else d.date)
                for d in engagement.deadlines
            ],
        ),
    ]
    return "\n".join(lines)


def _status(change: object) -> str:
    from engage.ledger import StatusChange

    if isinstance(change, StatusChange):
        return f"{change.status} {change.date.isoformat()}"
    return "not yet submitted"


def _when(span: tuple[dt.date | dt.datetime, dt.date | dt.datetime] | None) -> str:
    if span is None:
        return "to be agreed"
    start, end = span
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        if start.date() == end.date():
            return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
        return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"
    return _span(day_of(start), day_of(end))


COMMANDS = [init, show]
