"""Days that may be fractions take the language's plural: "1,5 jour" in French (below 2 is one),
"1,0 día" in Spanish (exactly 1), and English keeps "1.5 days" as engage always wrote."""

from __future__ import annotations

import pytest

from engage.language import plural_count, using
from helpers import Seed, invoke


@pytest.mark.parametrize(
    ("language", "value", "count"),
    [
        ("fr", 1.5, 1),
        ("fr", 0.5, 1),
        ("fr", 2, 2),
        ("es", 1, 1),
        ("es", 1.5, 2),
        ("en", 1, 2),
        ("en", 0.5, 2),
    ],
)
def test_the_count_a_number_of_days_takes(language: str, value: float, count: int) -> None:
    with using(language):
        assert plural_count(value) == count


def test_a_day_and_a_half_in_one_day_is_singular_in_french(ijm: Seed) -> None:
    env = {"LANG": "fr_FR.UTF-8", "ENGAGE_CONSULTANT": "ann"}
    for amount in ("1", "0,5"):
        done = invoke("-s", str(ijm.path), "log", amount, "-p", "prep", "-d", "2021-11-17", env=env)
        assert done.exit_code == 0, done.stderr
    assert "1,5 jour saisi le 2021-11-17 par ann, plus d'une journée" in done.stderr
    assert "Preparation\xa0: 1,5 sur 7 jours utilisés, 5,5 restants" in done.stdout
    english = invoke("-s", str(ijm.path), "log", "0.5", "-p", "prep", "-d", "2021-11-17",
                     env={"ENGAGE_CONSULTANT": "ann"})  # fmt: skip
    assert "2.0 days logged on 2021-11-17 by ann, more than one day" in english.stderr
