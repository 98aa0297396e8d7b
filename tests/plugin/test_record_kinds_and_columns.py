"""The contract extensions the fees plugin needed, tried by plugins of their own: record kinds, portfolio columns."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path

from helpers import Seed, invoke, one_line_error

TRIPS = """
import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import click

from engage import hookimpl
from engage.hooktypes import RecordKind
from engage.ledger.ledger import new_record
from engage.session import pass_session


@dataclass(frozen=True)
class Trip:
    kind: ClassVar[str] = "trips.trip"
    id: str
    date: dt.date
    km: int
    recorded_at: str
    line: int = 0


def read(data, line):
    km = data["km"]
    if type(km) is not int or not 0 < km < 5000:
        raise ValueError("km must be a whole number of kilometres")
    return Trip(data["id"], dt.date.fromisoformat(data["date"]), km, data["recorded_at"], line)


@hookimpl
def engage_record_kinds():
    return [RecordKind(Trip.kind, read, lambda t: f"trip {t.id}: {t.km} km on {t.date}")]


@hookimpl
def engage_register_commands(cli):
    @cli.command()
    @click.argument("km", type=int)
    @click.option("--date", "day", required=True)
    @pass_session
    def trip(session, km, day):
        session.write([new_record("trips.trip", date=day, km=km)])
        ledger = session.ledger()
        click.echo(f"total {sum(t.km for t in ledger.live(Trip))} km; "
                   f"until 2021-11-17: {sum(t.km for t in ledger.until(__import__('datetime').date(2021, 11, 17)).live(Trip))}")
"""


def plugin(folder: Path, name: str, source: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


def test_a_plugin_stores_strictly_read_voidable_records(ijm: Seed, tmp_path: Path) -> None:
    env = {"ENGAGE_PLUGINS_DIR": str(plugin(tmp_path / "org", "trips", TRIPS))}
    run = lambda *args: invoke("-s", str(ijm.path), *args, env=env)  # noqa: E731
    assert run("trip", "42", "--date", "2021-11-17").stdout.strip() == "total 42 km; until 2021-11-17: 42"
    assert run("trip", "8", "--date", "2021-11-18").stdout.strip() == "total 50 km; until 2021-11-17: 42"
    first = json.loads(ijm.ledger.read_text().splitlines()[0])
    assert first["kind"] == "trips.trip" and first["engagement"]
    voided = run("void", first["id"])
    assert voided.exit_code == 0 and f"trip {first['id']}: 42 km on 2021-11-17" in voided.stdout
    with ijm.ledger.open("a") as handle:  # a line the plugin's reader refuses is damage, named by line
        handle.write(json.dumps({**first, "id": "0123456789ab", "km": -3}) + "\n")
    assert "total 9 km" in run("trip", "1", "--date", "2021-11-19").stdout
    damaged = run("entries")
    assert ":4: damaged line not counted (km must be a whole number of kilometres)" in damaged.stderr
    # Without the plugin its records are not dropped silently: they are reported, by line.
    bare = invoke("-s", str(ijm.path), "entries")
    assert "unknown record kind 'trips.trip'" in bare.stderr and ":1:" in bare.stderr


def test_a_record_kind_taken_twice_is_refused(ijm: Seed, tmp_path: Path) -> None:
    folder = plugin(tmp_path / "org", "clash", TRIPS.replace('"trips.trip"', '"entry"', 1))
    one_line_error(
        invoke("-s", str(ijm.path), "entries", env={"ENGAGE_PLUGINS_DIR": str(folder)}),
        "record kind 'entry' is registered twice",
    )


COLUMN = """
from engage import hookimpl
@hookimpl
def engage_portfolio_columns(engagement, ledger, today):
    if engagement.id.startswith("ijm"):
        return {"entries": len(ledger.entries())}
    return None
"""


def test_a_plugin_adds_a_portfolio_column_before_the_state(
    ijm: Seed, defenders: Seed, tmp_path: Path
) -> None:
    ijm.run("log", "1", "-p", "prep", "-d", "2021-11-16")
    env = {"ENGAGE_PLUGINS_DIR": str(plugin(tmp_path / "org", "column", COLUMN))}
    result = invoke(
        "status", str(ijm.path), str(defenders.path), "--as-of", "2021-11-17", "--format", "csv", env=env
    )
    assert result.exit_code == 0, result.stderr
    # the tidy CSV: the plugin's column among the engagement's figures, before the phase's
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    header = result.stdout.splitlines()[0].split(",")
    assert header.index("days_this_week") < header.index("entries") < header.index("phase_key")
    assert {r["engagement_id"]: r["entries"] for r in rows} == {
        "ijm-kenya-pap-2021": "1",
        "defenders-coalition-protection-policy-2023": "",
    }
    # the plain summary and the workbook's: before the state
    plain = invoke("status", str(ijm.path), str(defenders.path), "--as-of", "2021-11-17", env=env).stdout
    cells = plain.splitlines()[2].split()
    assert cells.index("milestone") < cells.index("entries") < cells.index("state")
    from openpyxl import load_workbook

    book = tmp_path / "status.xlsx"
    args = ("status", str(ijm.path), str(defenders.path), "--as-of", "2021-11-17", "--format", "xlsx")
    assert invoke(*args, "-o", str(book), env=env).exit_code == 0
    summary = list(load_workbook(book)["Portfolio"].iter_rows(values_only=True))
    assert summary[0].index("next milestone") < summary[0].index("entries") < summary[0].index("state")
    assert 1 in [row[summary[0].index("entries")] for row in summary[1:]]
