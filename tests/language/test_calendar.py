"""The calendar in the engagement's language (summaries, descriptions, invitations), its messages in the
user's, its machine parts as they were; holiday names in the language where the library has them."""

from __future__ import annotations

import json
import re

import pytest
from icalendar import Calendar

from helpers import Seed, invoke, one_line_error
from helpers.calendar_checks import received
from helpers.servers import Inbox

FR = {"LANG": "fr_FR.UTF-8"}
ES = {"LANG": "es_ES.UTF-8"}
ORGANIZER = "consultant@example.org"


@pytest.fixture(autouse=True)
def organizer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGE_MAIL_FROM", ORGANIZER)


def feed(seed: Seed, *args: str, env: dict[str, str] | None = None) -> Calendar:
    result = invoke("-s", str(seed.path), "calendar", *args, env=env)
    assert result.exit_code == 0, result.stderr
    return Calendar.from_ical(result.stdout_bytes)


def summaries(calendar: Calendar) -> dict[str, str]:
    """Each event's SUMMARY by its item key (``deliverable.draft``)."""
    return {".".join(str(e["UID"]).split(".")[:2]): str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}


def machine_parts(calendar: Calendar) -> list[tuple[str, ...]]:
    """What programs read of each event: UID, dates, SEQUENCE, STATUS, TRANSP, categories, alarms."""
    return sorted(
        (
            str(e["UID"]),
            e["DTSTART"].to_ical().decode(),
            e["DTEND"].to_ical().decode(),
            str(e["SEQUENCE"]),
            str(e["STATUS"]),
            str(e["TRANSP"]),
            e["CATEGORIES"].to_ical().decode(),
            ";".join(str(a["TRIGGER"].to_ical()) for a in e.walk("VALARM")),
        )
        for e in calendar.walk("VEVENT")
    )


def french(seed: Seed) -> None:
    seed.rewrite('id = "', 'language = "fr"\nid = "')


def test_a_french_tor_has_a_french_calendar_and_the_same_machine_parts(ijm: Seed) -> None:
    english = feed(ijm, "--audience", "consultant")
    assert summaries(english)["deadline.proposal"].startswith("Deadline: Proposals due")
    assert summaries(english)["phase.prep"] == "Phase: Preparation (7 days)"
    french(ijm)
    calendar = feed(ijm, "--audience", "consultant")
    found = summaries(calendar)
    assert found["deadline.proposal"].startswith("Échéance\xa0: Proposals due")
    assert found["deliverable.inception"].startswith("À remettre\xa0: Inception report")
    assert found["phase.prep"] == "Phase\xa0: Preparation (7 jours)"
    assert str(calendar["X-WR-CALNAME"]).endswith("(consultant)")
    assert str(feed(ijm)["NAME"]).endswith("(superviseur)")
    events = {".".join(str(e["UID"]).split(".")[:2]): e for e in calendar.walk("VEVENT")}
    inception = events["deliverable.inception"]
    assert "Phase\xa0: Preparation" in str(inception["DESCRIPTION"])
    assert "État\xa0: pas encore remis" in str(inception["DESCRIPTION"])
    [alarm] = inception.walk("VALARM")
    assert str(alarm["DESCRIPTION"]).startswith("Rappel\xa0: À remettre\xa0: Inception report")
    # The schedule's language changed: every event once more, in French; nothing else differs.
    before, after = machine_parts(english), machine_parts(calendar)
    assert [part[:3] + part[4:] for part in before] == [part[:3] + part[4:] for part in after]
    assert {part[3] for part in before} == {"0"} and {part[3] for part in after} == {"1"}


def test_lang_and_locale_change_the_words_never_the_sequence(ijm: Seed) -> None:
    first = machine_parts(feed(ijm))
    spanish = feed(ijm, "--lang", "es")
    assert summaries(spanish)["deadline.proposal"].startswith("Fecha límite: Proposals due")
    assert summaries(spanish)["deliverable.inception"].startswith("Entrega: Inception report")
    assert machine_parts(spanish) == first  # SEQUENCE 0 still: nothing is re-sent for the language
    in_french = feed(ijm, env=FR)  # no language in the schedule: the user's
    assert summaries(in_french)["deadline.proposal"].startswith("Échéance\xa0: ")
    assert machine_parts(in_french) == first
    english = feed(ijm)
    assert summaries(english)["deadline.proposal"].startswith("Deadline: ")
    assert machine_parts(english) == first
    state = json.loads(ijm.path.with_name(ijm.path.stem + ".calendar.json").read_text(encoding="utf-8"))
    assert {rev["sequence"] for rev in state["events"].values()} == {0}


def messages_of(result_text: str) -> list[str]:
    return [line for line in result_text.splitlines() if line.startswith("--- ")]


def test_invitations_speak_spanish_and_the_command_the_users_language(ijm: Seed) -> None:
    done = invoke(
        "-s", str(ijm.path), "calendar", "send", "--lang", "es", "--dry-run", "--to", "a@example.org"
    )
    assert done.exit_code == 0, done.stderr
    text = done.stdout
    assert "Subject: Invitación: Fecha límite: Proposals due" in text
    assert "(lun 15 nov 2021)" in text  # the subject's date as Spanish writes it
    assert "Cuándo:   lun 15 nov 2021, 17:00–17:30 EAT (Africa/Nairobi, UTC+03:00)" in text
    assert "Para:     Facilitation and Consolidation" in text
    assert "Esta es una invitación; su parte de calendario agrega el evento a su" in text
    assert "Enviado por engage." in text
    assert "DTSTART;TZID=Africa/Nairobi:20211115T170000" in text  # the calendar part as ever
    # The user (LANG=C.UTF-8) reads the command's own lines in English.
    assert messages_of(text)[0] == "--- message 1 of 9: REQUEST ---"
    assert "Would send 9 invitations to a@example.org" in done.stderr
    # In French, for a French user, with French plurals.
    done = invoke("-s", str(ijm.path), "calendar", "send", "--dry-run", "--to", "a@example.org", env=FR)
    assert done.exit_code == 0, done.stderr
    assert messages_of(done.stdout)[0] == "--- message 1 sur 9\xa0: REQUEST ---"
    assert "Subject: Invitation\xa0: Échéance\xa0: Proposals due" in done.stdout
    assert "(lun. 15 nov. 2021)" in done.stdout
    assert "Quand\xa0: lun. 15 nov. 2021, 17:00–17:30" in done.stdout
    assert "Ceci est une invitation\xa0; sa partie calendrier ajoute l'événement à votre" in done.stdout
    assert "Serait envoyé à a@example.org\xa0: 9 invitations" in done.stderr


def test_mailed_invitation_and_cancellation_in_french(ijm: Seed, smtp: Inbox) -> None:
    french(ijm)
    done = invoke("-s", str(ijm.path), "calendar", "send", "--to", "sup@example.org")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("Sent 9 invitations to sup@example.org")  # the user's English
    subjects = [message["Subject"] for _, message, _ in received(smtp)]
    assert any(s.startswith("Invitation\xa0: À remettre\xa0: Inception report") for s in subjects), subjects
    ijm.rewrite("start = 2021-11-23\nend = 2021-11-26\n# The ToR", "# The ToR")  # the retreat: undated
    done = invoke("-s", str(ijm.path), "calendar", "send", "--to", "sup@example.org", env=ES)
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("Enviado a sup@example.org: 1 cancelación"), done.stdout
    [(_, message, calendar)] = received(smtp)
    assert message["Subject"] == "Date à convenir\xa0: Four-day strategic planning retreat"
    body = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Annulé jusqu'à ce qu'une nouvelle date soit convenue" in body
    assert "Prévu\xa0: mar. 23 nov. 2021 – ven. 26 nov. 2021, toute la journée" in body
    assert "Ce message annule l'invitation envoyée précédemment pour cet événement." in body
    [event] = calendar.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1  # invited (0), then off (1)
    assert str(event["DESCRIPTION"]).startswith("Annulé jusqu'à ce qu'une nouvelle date soit convenue")


def test_calendar_messages_in_the_users_language(ijm: Seed, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENGAGE_MAIL_FROM")
    french(ijm)  # the document's language does not choose the messages'
    one_line_error(
        invoke("-s", str(ijm.path), "calendar", "send", "--to", "a@example.org", env=ES),
        "sin remitente: defina ENGAGE_MAIL_FROM o [calendar] organizer",
    )
    one_line_error(
        invoke("-s", str(ijm.path), "calendar", "send", "--to", "nope", env=FR),
        "--to 'nope' n'est pas une adresse électronique comme nom@example.org",
    )
    one_line_error(
        invoke("-s", str(ijm.path), "calendar", "send", "--to", "nope"),
        "--to 'nope' is not an email address such as name@example.org",
    )
    ijm.rewrite("reminder_days = [2]", "reminder_days = [200]")
    one_line_error(
        invoke("-s", str(ijm.path), "calendar", env=ES),
        "calendar.reminder_days: debe ser una lista de días enteros de 0 a 90",
    )


def holiday_summaries(seed: Seed, *args: str, env: dict[str, str] | None = None) -> list[str]:
    found = summaries(feed(seed, "--audience", "consultant", *args, env=env))
    return [text for key, text in sorted(found.items()) if key.startswith("holiday.")]


def test_peru_holidays_in_spanish_and_english(geo: Seed) -> None:
    geo.rewrite("start = 2004-03-01", "start = 2004-04-05")  # Holy Week in the first phase
    assert holiday_summaries(geo)[:2] == ["Public holiday: Maundy Thursday", "Public holiday: Good Friday"]
    assert holiday_summaries(geo, "--lang", "es")[:2] == ["Feriado: Jueves Santo", "Feriado: Viernes Santo"]
    # Peru's names are not in French: the country's own, the library's default, under French words.
    assert holiday_summaries(geo, env=FR)[:1] == ["Jour férié\xa0: Jueves Santo"]
    assert holiday_summaries(geo)[:1] == ["Public holiday: Maundy Thursday"]  # cached apart, per language


def test_senegal_holidays_in_french(ijm: Seed) -> None:
    ijm.rewrite('holidays = "KE"', 'holidays = "SN"')
    ijm.rewrite("start = 2021-11-16", "start = 2021-10-27")  # the engagement's start
    ijm.rewrite("start = 2021-11-16", "start = 2021-10-27")  # its first phase: over All Saints' Day
    assert holiday_summaries(ijm) == ["Public holiday: All Saints' Day"]
    french(ijm)
    assert holiday_summaries(ijm) == ["Jour férié\xa0: Toussaint"]
    assert holiday_summaries(ijm, "--lang", "en") == ["Public holiday: All Saints' Day"]


def test_holiday_setting_errors_in_the_users_language(ijm: Seed) -> None:
    ijm.rewrite('holidays = "KE"', 'holidays = "XX"')
    one_line_error(
        invoke("-s", str(ijm.path), "show", env=FR),
        "holidays = 'XX'\xa0: pas un pays que connaît la bibliothèque holidays",
    )
    one_line_error(invoke("-s", str(ijm.path), "show"), "holidays = 'XX': not a country the holidays library")


def test_spelling_the_schedules_language_anew_sends_nothing(ijm: Seed) -> None:
    """ "fr", "fr-FR", "fr_SN": the same words; the fingerprint reads the words' language, so a tag
    spelled anew bumps no SEQUENCE (every invitation was mailed again as an update)."""
    french(ijm)
    first = machine_parts(feed(ijm))
    for tag in ("fr-FR", "fr_SN", "FR"):
        text = ijm.text()
        ijm.path.write_text(re.sub(r'language = "[^"]*"', f'language = "{tag}"', text), encoding="utf-8")
        assert machine_parts(feed(ijm)) == first, tag
