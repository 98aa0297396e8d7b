"""Commands about the schedule itself: ``init`` a new one, ``show`` what it says."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import click

from engage.errors import EngageError
from engage.judging.words import kind_text, state_text
from engage.language import _, speaking, user_language
from engage.language.formats import date_text, machine
from engage.output import colour
from engage.output.formats import json_text, table
from engage.parsing import DATE_HELP, format_budget, parse_date
from engage.schedule.model import WEEKDAYS, Engagement, Meeting, Phase
from engage.schedule.rules import rule_words
from engage.session import Session, pass_session

if TYPE_CHECKING:
    from engage.judging.verdict import Verdict

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
            _("{file}: already exists; choose a new file name (engage never overwrites a schedule)").format(
                file=file
            )
        )
    if not file.parent.is_dir():
        raise EngageError(
            _("{folder}: no such folder; create it first or choose another path").format(folder=file.parent)
        )
    # engage.toml is the name engage looks for: the folder then names the engagement.
    name = file.resolve().parent.name if file.stem == "engage" else file.stem
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "new-engagement"
    text = with_language(template_text().replace(TEMPLATE_ID, f'id = "{slug}"', 1), user_language())
    try:
        with file.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        raise EngageError(
            _("{file}: cannot write: {error}").format(file=file, error=exc.strerror or exc)
        ) from None
    hint = "engage show" if file.name == "engage.toml" else f"engage -s {file} show"
    click.echo(_("Wrote {file}; fill it in from the ToR, then try: {hint}").format(file=file, hint=hint))


LANGUAGE_KEY = re.compile(r'^# ?language = "[^"]*"$', re.MULTILINE)


def with_language(text: str, language: str) -> str:
    """The template with ``language = "fr"`` set where the user speaks a language other than English
    (the template's commented ``language`` line made a real one); as it is in English."""
    from engage.language import ENGLISH, base

    if base(language) == ENGLISH:
        return text
    return LANGUAGE_KEY.sub(f'language = "{base(language)}"', text, count=1)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["plain", "json"]), default="plain", show_default=True)
@click.option("--as-of", "as_of", help=f"States as of this date: {DATE_HELP} (default today).")
@pass_session
def show(session: Session, fmt: str, as_of: str | None) -> None:
    """Show the engagement: phases with windows and budgets, deliverables, meetings, deadlines.

    \b
    Example:
      engage -s schedules/ijm-kenya-pap-strategic-plan.toml show --format json
    """
    engagement = session.engagement
    today = parse_date(as_of, session.today()) if as_of else session.today()
    ledger = session.read_ledger(engagement, session.ledger_path).until(today)
    if fmt == "json":
        with machine():
            click.echo(json_text(engagement_dict(session.verdict(engagement, ledger, today))))
        return
    with speaking(engagement):  # a document: in the engagement's language
        colour.echo(describe(session.verdict(engagement, ledger, today)))


def _rule(when: object) -> str | None:
    from engage.schedule.rules import DateRule

    return when.text if isinstance(when, DateRule) else None


def engagement_dict(verdict: Verdict) -> dict[str, object]:
    """The engagement as ``show --format json`` prints it: dates resolved (null while unknown), with
    the rule each came from, and each deliverable's and meeting's state as of today."""
    engagement = verdict.engagement
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
        "team": _team_dicts(engagement),
        "holiday_regions": list(engagement.holiday_regions),
        "working_days": week_names(engagement.working_days),
        "locations": {
            key: {
                "name": place.name,
                "timezone": place.timezone,
                "working_days": week_names(place.working_days),
                "holidays": list(place.holidays),
            }
            for key, place in engagement.locations.items()
        },
        "contacts": [asdict(c) for c in engagement.contacts],
        "period": (
            {"start": engagement.period[0], "end": engagement.period[1]} if engagement.period else None
        ),
        "intermittent": engagement.intermittent,
        "dates": dict(engagement.dates),
        "as_of": verdict.as_of,
        "state": verdict.state,
        "reason": verdict.reason,
        "phases": _phase_dicts(verdict),
        "deliverables": _deliverable_dicts(verdict),
        "meetings": _meeting_dicts(verdict),
        "deadlines": [
            {
                "key": d.key,
                "name": d.name,
                "date": verdict.timeline.resolve(d.date, verdict.progress, due=True).value,
                "date_rule": _rule(d.date),
            }
            for d in engagement.deadlines
        ],
    }


def _team_dicts(engagement: Engagement) -> list[dict[str, object]]:
    """Each consultant, with their person-days in each phase that gives them a share."""
    return [
        {
            "key": c.key,
            "name": c.name,
            "role": c.role,
            "email": c.email,
            "days": c.days,
            "location": c.location,
            "phases": {p.key: p.shares[c.key] for p in engagement.phases if c.key in p.shares},
        }
        for c in engagement.team
    ]


def _dates(start: object, end: object, given: Phase | Meeting) -> dict[str, object]:
    """Dates as worked out, with the rules the schedule gave for them (None where it gave a date)."""
    return {"start": start, "end": end, "start_rule": _rule(given.start), "end_rule": _rule(given.end)}


def _phase_dicts(verdict: Verdict) -> list[dict[str, object]]:
    """Each phase with its window as worked out, and the rules its dates came from."""
    timeline = verdict.timeline
    return [
        {
            "key": p.key,
            "name": p.name,
            "days": p.days,
            **_dates(timeline.window(p.key).start, timeline.window(p.key).end, p),
            "team": {key: days for key, days in p.team},
            "location": p.location,
        }
        for p in verdict.engagement.phases
    ]


def _deliverable_dicts(verdict: Verdict) -> list[dict[str, object]]:
    """Each deliverable with its due date, what it waits on, and its state as of today."""
    return [
        {
            "key": d.key,
            "name": d.name,
            "phase": d.deliverable.phase,
            **d.due.fields("due"),
            "depends_on": list(d.deliverable.depends_on),
            "review_days": d.deliverable.review_days,
            "revision_days": d.deliverable.revision_days,
            "replaces": d.deliverable.replaces,
            "state": d.state,
            "days_late": d.days_late,
        }
        for d in verdict.deliverables
    ]


def _meeting_dicts(verdict: Verdict) -> list[dict[str, object]]:
    """Each meeting with its span as worked out, the rules it came from, and its state as of today."""
    engagement = verdict.engagement
    return [
        {
            "key": m.key,
            "name": m.name,
            "kind": m.kind,
            "phase": engagement.meeting(m.key).phase,
            **_dates(m.span.start, m.span.end, engagement.meeting(m.key)),
            "waiting": m.span.waiting or None,
            "location": engagement.meeting(m.key).location,
            "attendees": list(engagement.meeting(m.key).attendees),
            "state": m.state,
        }
        for m in verdict.meetings
    ]


def week_names(days: tuple[int, ...]) -> list[str]:
    """Working weekdays as the week runs: ['sun', 'mon', 'tue', 'wed', 'thu'] for a Dhaka week."""
    first = next((d for d in days if (d - 2) % 7 + 1 not in days), days[0] if days else 1)
    ordered = sorted(days, key=lambda d: (d - first) % 7)
    return [WEEKDAYS[d - 1] for d in ordered]


def _consultants(engagement: Engagement) -> str:
    if len(engagement.team) > 1 or any(c.role or c.days for c in engagement.team):
        return _("{count}: {keys} (see Team)").format(
            count=len(engagement.team), keys=", ".join(c.key for c in engagement.team)
        )
    return ", ".join(engagement.consultants) or _("(not named)")


def team_lines(engagement: Engagement) -> list[str]:
    """The Team, Places and Contacts tables of ``show``, where the schedule has them."""
    lines: list[str] = []
    if engagement.team:
        with_share = {c.key: [p for p in engagement.phases if c.key in p.shares] for c in engagement.team}
        rows: list[tuple[str, ...]] = [
            (
                c.key,
                c.name,
                c.role,
                format_budget(c.days) if c.days is not None else "",
                engagement.location(c.location).name if c.location else "",
                ", ".join(f"{p.key} {format_budget(p.shares[c.key])}" for p in with_share[c.key]),
            )
            for c in engagement.team
        ]
        team_headers = (_("key"), _("consultant"), _("role"), _("cap"), _("based in"), _("person-days"))
        lines += ["", _("Team"), table(team_headers, rows)]
    if engagement.locations:
        places = [engagement.home, *engagement.locations.values()]
        rows = [
            (
                p.key or _("(engagement)"),
                p.name,
                p.timezone,
                " ".join(week_names(p.working_days)),
                ", ".join(p.holidays) or _("none"),
            )
            for p in places
        ]
        headers = (_("key"), _("place"), _("time zone"), _("working days"), _("holidays"))
        lines += ["", _("Places"), table(headers, rows)]
    if engagement.contacts:
        rows = [(c.name, c.role, c.email, ", ".join(c.receives)) for c in engagement.contacts]
        lines += ["", _("Contacts"), table((_("name"), _("role"), _("email"), _("receives")), rows)]
    return lines


def _span(start: dt.date, end: dt.date) -> str:
    return date_text(start) if start == end else f"{date_text(start)} – {date_text(end)}"


def describe(verdict: Verdict) -> str:
    """The engagement for people: a header and one table per part, states as of today."""
    from engage.output.terminal import labelled, output_width, wrap

    engagement = verdict.engagement
    width = output_width()
    facts = _facts(verdict)
    lines = [*wrap(engagement.title, width), *(labelled(label, value, width) for label, value in facts)]
    lines += team_lines(engagement)
    lines += ["", _("Phases"), _phase_table(verdict)]
    lines += ["", _("Deliverables"), _deliverable_table(verdict)]
    lines += ["", _("Meetings"), _meeting_table(verdict)]
    lines += ["", _("Deadlines"), _deadline_table(verdict)]
    return "\n".join(lines)


def _facts(verdict: Verdict) -> list[tuple[str, str]]:
    """The header of ``show``: who the engagement is for and with, its cap, its state, its dates."""
    engagement = verdict.engagement
    budgets = sum((p.days for p in engagement.phases), start=0)
    facts = [
        (_("Client"), engagement.client),
        (
            _("Supervisor"),
            engagement.supervisor.label
            + (f" <{engagement.supervisor.email}>" if engagement.supervisor.email else ""),
        ),
        (_("Consultants"), _consultants(engagement)),
        (
            _("Cap"),
            _(
                "{cap} days (phase budgets add up to {budgets}); {hours} hours a day; time zone {timezone}"
            ).format(
                cap=format_budget(engagement.max_days),
                budgets=format_budget(budgets),
                hours=format_budget(engagement.hours_per_day),
                timezone=engagement.timezone,
            ),
        ),
        (
            _("State"),
            _("{reason} (as of {date})").format(reason=verdict.reason, date=date_text(verdict.as_of)),
        ),
    ]
    if engagement.dates:
        agreed = _("to be agreed")
        named = (f"{key} {date_text(value) if value else agreed}" for key, value in engagement.dates.items())
        facts.append((_("Dates"), ", ".join(named)))
    if engagement.period:
        spread = _("; intermittent: days spread over it") if engagement.intermittent else ""
        start, end = engagement.period
        facts.append((_("Period"), f"{date_text(start)} – {date_text(end)}{spread}"))
    return facts


def _phase_table(verdict: Verdict) -> str:
    """The Phases table of ``show``: each window, and the working days in it."""
    timeline = verdict.timeline
    return table(
        (_("key"), _("phase"), _("days"), _("window"), _("working days")),
        [
            (
                p.key,
                p.name,
                format_budget(p.days),
                _span(w.start, w.end) + (" " + _("(planned)") if w.planned else ""),
                len(timeline.working_days(w.start, w.end, p.location or "")),
            )
            for p in verdict.engagement.phases
            for w in [timeline.window(p.key)]
        ],
    )


def _deliverable_table(verdict: Verdict) -> str:
    """The Deliverables table of ``show``: due dates, review allowances, last status and state."""
    review, depends, phase = _("review / revision"), _("depends on"), _("phase")
    return table(
        (_("key"), _("deliverable"), phase, _("due"), review, depends, _("last status"), _("state")),
        [
            (
                d.key,
                d.name,
                d.deliverable.phase,
                d.due.describe() + (f" ({rule_words(d.due.rule)})" if d.due.rule and d.due.value else ""),
                _("{review} / {revision} wd").format(
                    review=d.deliverable.review_days, revision=d.deliverable.revision_days
                ),
                ", ".join(d.deliverable.depends_on),
                f"{state_text(d.status)} {date_text(d.since)}" if d.since else state_text(d.status),
                _state_cell(d.state, d.reason),
            )
            for d in verdict.deliverables
        ],
        optional=(review, depends, phase),
    )


def _state_cell(state: str, reason: str) -> str:
    """A deliverable's state with its reason, the state said once."""
    shown = state_text(state)
    if reason.startswith(("due ", "waiting")):  # the reason says no more than the due date does
        return shown
    if reason.startswith((state, shown)):
        return reason
    return _("{state}: {reason}").format(state=shown, reason=reason)


def _meeting_table(verdict: Verdict) -> str:
    """The Meetings table of ``show``: when each is, where, and its state."""
    engagement = verdict.engagement
    location, kind = _("location"), _("kind")
    return table(
        (_("key"), _("meeting"), kind, _("when"), location, _("state")),
        [
            (
                m.key,
                m.name,
                kind_text(m.kind),
                m.span.text(),
                engagement.meeting(m.key).location,
                state_text(m.state),
            )
            for m in verdict.meetings
        ],
        optional=(location, kind),
    )


def _deadline_table(verdict: Verdict) -> str:
    """The Deadlines table of ``show``: each date as worked out, or what it waits on."""
    return table(
        (_("key"), _("deadline"), _("date")),
        [
            (d.key, d.name, verdict.timeline.resolve(d.date, verdict.progress, due=True).describe())
            for d in verdict.engagement.deadlines
        ],
    )


COMMANDS = [init, show]
