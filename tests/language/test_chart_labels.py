"""The status page's chart keeps room for long phase names, as French ones are: the labels' column
grows to the longest name; English seeds keep the width they had."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from helpers import ROOT, invoke

FRENCH = ROOT / "schedules" / "tors" / "acf-mali-kita-evaluation-mi-parcours.toml"


def label_x(page: str) -> list[int]:
    return [int(x) for x in re.findall(r'<text x="(\d+)" y="[\d.]+" text-anchor="end">', page)]


def test_long_french_phase_names_fit_before_the_bars(tmp_path: Path) -> None:
    schedule = tmp_path / FRENCH.name
    shutil.copy(FRENCH, schedule)
    page = invoke("-s", str(schedule), "status", "--week", "2013-W43", "--format", "html").stdout
    # "Briefing, revue documentaire et préparation" is 265 px wide in DejaVu Sans at 12 px.
    assert "Briefing, revue documentaire et préparation</text>" in page
    assert min(label_x(page)) >= 272, label_x(page)


def test_an_english_seeds_chart_keeps_its_width(tmp_path: Path) -> None:
    seed = ROOT / "schedules" / "defenders-coalition-protection-policy.toml"
    schedule = tmp_path / seed.name
    shutil.copy(seed, schedule)
    page = invoke("-s", str(schedule), "status", "--week", "2023-W37", "--format", "html").stdout
    assert set(label_x(page)) == {182}
