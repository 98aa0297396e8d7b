"""The feed in real calendar clients: calcurse and khal, imported and re-imported."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import Seed
from helpers.calendar_checks import events, export

pytestmark = pytest.mark.usefixtures("organizer")  # the feed names an ORGANIZER


@pytest.mark.skipif(
    shutil.which("calcurse") is None, reason="calcurse is not installed (.ci/run installs it)"
)
def test_calcurse_imports_and_lists_every_event(seed: Seed, tmp_path: Path) -> None:
    data = tmp_path / "calcurse"
    data.mkdir()
    ics = tmp_path / "m.ics"
    ics.write_bytes(export(seed))
    env = {**os.environ, "TZ": "Africa/Nairobi"}
    imported = subprocess.run(
        ["calcurse", "-C", str(data), "-D", str(data), "-i", str(ics)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert imported.returncode == 0, imported.stderr
    assert "0 skipped" in imported.stdout
    first = {"ijm": "11/15/2021", "defenders": "08/18/2023"}[seed.name]
    listing = subprocess.run(
        ["calcurse", "-C", str(data), "-D", str(data), "-Q", "--from", first, "--days", "90"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    for event in events(ics.read_bytes()).values():
        assert str(event["SUMMARY"]) in listing
    if seed.name == "ijm":
        assert "17:00" in listing  # the COB deadline, in Nairobi time
        retreat_days = [
            day for day in ("11/23/21", "11/24/21", "11/25/21", "11/26/21", "11/27/21") if day in listing
        ]
        assert retreat_days == ["11/23/21", "11/24/21", "11/25/21", "11/26/21"]


def khal(config: Path, *args: str) -> str:
    done = subprocess.run(["khal", "-c", str(config), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def days_listing(listing: str, title: str) -> list[str]:
    """The day headings ("Friday, 2021-11-26") under which khal lists an event."""
    days, current = [], ""
    for line in listing.splitlines():
        if re.fullmatch(r"\w+day, \d{4}-\d\d-\d\d", line.strip()):
            current = line.split(", ")[1]
        elif title in line:
            days.append(current)
    return days


@pytest.mark.skipif(shutil.which("khal") is None, reason="khal is not installed (.ci/run installs it)")
def test_khal_reimport_updates_in_place(ijm: Seed, tmp_path: Path) -> None:
    folder = tmp_path / "khal"
    (folder / "cal").mkdir(parents=True)
    config = folder / "config"
    config.write_text(
        "[calendars]\n[[engage]]\n"
        f"path = {folder / 'cal'}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "default_timezone = Africa/Nairobi\nlocal_timezone = Africa/Nairobi\n"
        "[default]\ndefault_calendar = engage\n"
        f"[sqlite]\npath = {folder / 'khal.db'}\n"
    )
    ics = tmp_path / "m.ics"
    ics.write_bytes(export(ijm))
    khal(config, "import", "--batch", str(ics))
    listing = khal(config, "list", "--format", "{title}", "2021-11-01", "60d")
    retreat = "Four-day strategic planning retreat"
    assert days_listing(listing, retreat) == ["2021-11-23", "2021-11-24", "2021-11-25", "2021-11-26"]
    ijm.rewrite(
        "start = 2021-11-23\nend = 2021-11-26\n# The ToR", "start = 2021-11-30\nend = 2021-12-03\n# The ToR"
    )
    ics.write_bytes(export(ijm))
    khal(config, "import", "--batch", str(ics))
    listing = khal(config, "list", "--format", "{title}", "2021-11-01", "60d")
    assert days_listing(listing, retreat) == ["2021-11-30", "2021-12-01", "2021-12-02", "2021-12-03"]
    assert len(list((folder / "cal").glob("*.ics"))) == len(events(ics.read_bytes()))


@pytest.mark.skipif(
    shutil.which("calcurse") is None, reason="calcurse is not installed (.ci/run installs it)"
)
def test_calcurse_reimport_adds_copies_so_the_readme_says_so(ijm: Seed, tmp_path: Path) -> None:
    """calcurse imports by content, not UID: the README's table says it does not update in place."""
    data = tmp_path / "calcurse"
    data.mkdir()
    ics = tmp_path / "m.ics"
    ics.write_bytes(export(ijm))
    env = {**os.environ, "TZ": "Africa/Nairobi"}
    command = ["calcurse", "-C", str(data), "-D", str(data)]
    for _ in range(2):
        subprocess.run([*command, "-i", str(ics)], capture_output=True, env=env, check=True)
    listing = subprocess.run(
        [*command, "-Q", "--from", "11/23/2021", "--days", "1"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert listing.count("Four-day strategic planning retreat") == 2
