"""Both seed schedules are faithful to their Terms of Reference, checked through `engage show`."""

from __future__ import annotations

import itertools
import json

from helpers import SEEDS, Seed

IJM_DELIVERABLES = [
    "Inception report detailing interpretation of the TOR and proposed outline for the four-day retreat",
    "Appropriate data collection tools e.g., interview tools and facilitation tools",
    "A template that will guide the development of the strategic plan",
    "Draft Strategic Plan",
    "A final strategic plan based on stakeholder feedback",
    "A list of suggested annexes for the implementation of the strategic plan",
]


def shown(seed: Seed) -> dict:
    result = seed.run("show", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_ijm_matches_its_tor(ijm: Seed) -> None:
    data = shown(ijm)
    assert data["client"].startswith("International Justice Mission")
    assert data["timezone"] == "Africa/Nairobi"
    assert data["max_days"] == 20
    # "Five (7)", "Four (4)", "Three (4)", "Three (5)": the bracketed figures, which make the 20-day cap.
    assert [(p["key"], p["days"]) for p in data["phases"]] == [
        ("prep", 7),
        ("retreat", 4),
        ("writeup", 4),
        ("final", 5),
    ]
    retreat = next(p for p in data["phases"] if p["key"] == "retreat")
    assert (retreat["start"], retreat["end"]) == ("2021-11-23", "2021-11-26")
    assert [d["name"] for d in data["deliverables"]] == IJM_DELIVERABLES
    assert data["supervisor"]["role"] == "Associate Director, Programs"
    meetings = {m["key"]: m for m in data["meetings"]}
    assert meetings["retreat"]["kind"] == "retreat"
    assert (meetings["retreat"]["start"], meetings["retreat"]["end"]) == ("2021-11-23", "2021-11-26")
    assert meetings["validation"]["kind"] == "validation"
    assert meetings["validation"]["phase"] == "final"
    final = next(d for d in data["deliverables"] if d["key"] == "final")
    assert set(final["depends_on"]) == {"draft", "validation"}
    assert data["deadlines"] == [
        {
            "key": "proposal",
            "name": "Proposals due (COB) to kenyarecruiting@ijm.org, copied to rndwiga@ijm.org",
            "date": "2021-11-15T17:00:00",
            "date_rule": None,
        }
    ]


def test_ijm_plans_writeup_and_finalisation_after_the_retreat(ijm: Seed) -> None:
    phases = {p["key"]: p for p in shown(ijm)["phases"]}
    # Write-up: the 4 working days after the retreat (Mon 29 Nov - Thu 2 Dec 2021).
    assert (phases["writeup"]["start"], phases["writeup"]["end"]) == ("2021-11-29", "2021-12-02")
    # Finalisation: 5 working days, skipping the weekend of 4-5 December.
    assert (phases["final"]["start"], phases["final"]["end"]) == ("2021-12-03", "2021-12-09")


def test_defenders_matches_its_tor(defenders: Seed) -> None:
    data = shown(defenders)
    assert "Defenders Coalition" in data["client"]
    assert data["timezone"] == "Africa/Nairobi"
    # The ToR's three tasks, then its two outputs, in its order.
    assert [p["key"] for p in data["phases"]] == ["desk", "framework", "legal", "draft", "feedback", "final"]
    assert [d["name"] for d in data["deliverables"]] == [
        "Draft protection policy document for feedback incorporation by stakeholders",
        "Final draft protection policy for adoption",
    ]
    assert data["deadlines"][0]["date"] == "2023-08-18"
    assert data["supervisor"]["email"] == "procurement@defenderscoalition.org"
    # No day budgets in the ToR: the assumed ones make up the assumed cap.
    assert sum(p["days"] for p in data["phases"]) == data["max_days"]


def test_defenders_windows_are_planned_back_to_back_on_working_days(defenders: Seed) -> None:
    phases = shown(defenders)["phases"]
    assert phases[0]["start"] == "2023-09-04"
    for before, after in itertools.pairwise(phases):
        assert before["end"] < after["start"]
    assert phases[-1]["end"] == "2023-09-29"


def test_every_seed_comments_its_silences_and_contradictions() -> None:
    ijm = SEEDS["ijm"].read_text(encoding="utf-8")
    for phrase in ("Five (7)", "Three (4)", "Three (5)", "ASSUMPTION"):
        assert phrase in ijm
    defenders = SEEDS["defenders"].read_text(encoding="utf-8")
    assert "gives no day budgets" in defenders
    assert defenders.count("ASSUMPTION") >= 4


def test_show_plain_lists_every_part(seed: Seed) -> None:
    result = seed.run("show")
    assert result.exit_code == 0, result.stderr
    for heading in ("Phases", "Deliverables", "Meetings", "Deadlines"):
        assert heading in result.stdout
    data = shown(seed)
    for phase in data["phases"]:
        assert phase["name"] in result.stdout
