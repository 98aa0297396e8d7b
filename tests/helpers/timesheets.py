"""Timesheet steps written the way the workflow commands will write them: ``engage.new_record`` through
the real writer (``engage.Session.write``), before those commands exist; and a team engagement that
uses timesheets."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import engage
from helpers import Seed, copy_seed

TIMESHEETS = "\n[timesheets]\nsubmit_within = 5\napprove_within = 3\n"
JUNE = (dt.date(2017, 6, 1), dt.date(2017, 6, 30))
JULY = (dt.date(2017, 7, 1), dt.date(2017, 7, 31))


def team(folder: Path, table: str = TIMESHEETS) -> Seed:
    """The UNDP midterm review (lead, national, field1, field2), with ``table`` appended to its schedule."""
    seed = copy_seed("undp", folder)
    with seed.path.open("a", encoding="utf-8") as schedule:
        schedule.write(table)
    return seed


def log(seed: Seed, *entries: tuple[str, str, str, str]) -> None:
    """Log (days, phase, date, consultant) through the CLI."""
    for days, phase, day, consultant in entries:
        result = seed.run("log", days, "-p", phase, "-d", day, "-c", consultant)
        assert result.exit_code == 0, result.stderr


def digest(seed: Seed, consultant: str, period: tuple[dt.date, dt.date] = JUNE) -> str:
    """What the sheet holds now, as an approval records it."""
    session = engage.Session(str(seed.path))
    entries = engage.sheet_entries(session.engagement, session.ledger(), consultant, *period)
    assert entries, f"{consultant} logged nothing from {period[0]} to {period[1]}"
    return engage.sheet_digest(entries)


def step(
    action: str,
    consultant: str,
    day: str,
    actor: str,
    period: tuple[dt.date, dt.date] = JUNE,
    digest: str = "",
    reason: str = "",
    at: str = "09:00:00",
) -> dict[str, object]:
    """One timesheet record, recorded on the day it is dated (``at`` that time, UTC): the replay orders
    steps by when they were recorded, and steps written in one second would fall in their ids' order."""
    record = engage.new_record(
        "timesheet",
        action=action,
        consultant=consultant,
        start=period[0].isoformat(),
        end=period[1].isoformat(),
        date=day,
        actor=actor,
        digest=digest,
        reason=reason,
    )
    record["recorded_at"] = f"{day}T{at}Z"
    return record


def write(seed: Seed, *records: dict[str, object]) -> list[dict[str, object]]:
    """Append the records with the real writer, all or none; each step names the step it follows, as
    the workflow commands do: the sheet's last counted step in this ledger (or earlier in ``records``)."""
    session = engage.Session(str(seed.path))
    last = {key: state.last.id for key, state in engage.replay_sheets(session.ledger()).items() if state.last}
    for record in records:
        key = (
            record["consultant"],
            dt.date.fromisoformat(str(record["start"])),
            dt.date.fromisoformat(str(record["end"])),
        )
        record.setdefault("follows", last.get(key, ""))  # type: ignore[arg-type]
        last[key] = str(record["id"])  # type: ignore[index]
    session.write(list(records))
    return list(records)


def keygen(folder: Path, name: str) -> Path:
    """A fresh ed25519 key pair with no passphrase, as ``ssh-keygen`` makes it."""
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key


def allow(schedule: Path, principal: str, key: Path) -> None:
    """One line of the allowed-signers file beside the schedule, as git's gpg.ssh.allowedSignersFile."""
    signers = schedule.with_name("allowed_signers")
    public = " ".join(key.with_suffix(".pub").read_text().split()[:2])
    with signers.open("a", encoding="utf-8") as file:
        file.write(f'{principal} namespaces="engage-timesheet" {public}\n')
