"""What a plugin's hook gives back is checked as it is collected: a bad finding or section stops the
command with one line naming that plugin, never a crash blamed on a built-in one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import Seed, one_line_error

BAD = {
    "a text for a finding": ("engage_budget_checks", 'return "oops"', "str 'oops' where a Finding belongs"),
    "a severity": ("engage_budget_checks", 'return [Finding("critical", "x", "x")]', "severity 'critical'"),
    "a date as text": (
        "engage_budget_checks",
        'return [Finding("info", "x", "x", date="2021-11-20")]',
        "a Finding dated '2021-11-20'",
    ),
    "a dict for a section": ("engage_status_sections", 'return {"title": "x"}', "where a Section belongs"),
    "a ragged row": (
        "engage_status_sections",
        'return [Section("Ragged", ("a", "b", "c"), (("x",),))]',
        "section 'Ragged': row 1 has 1 cells for 3 headers",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_bad_result_is_one_line_naming_the_plugin(ijm: Seed, tmp_path: Path, case: str) -> None:
    hook, body, said = BAD[case]
    folder = tmp_path / "org"
    folder.mkdir()
    source = f"from engage import Finding, Section, hookimpl\n\n@hookimpl\ndef {hook}():\n    {body}\n"
    (folder / "careless.py").write_text(source, encoding="utf-8")
    out = tmp_path / "status.md"
    result = ijm.run("--plugins-dir", str(folder), "status", "--week", "2021-W47", "-o", str(out))
    line = one_line_error(result, "plugin 'careless'", said, hook)
    assert "'budget'" not in line and "'status'" not in line
    assert not out.exists()


def test_a_lone_finding_not_in_a_list_is_taken_as_one(ijm: Seed, tmp_path: Path) -> None:
    folder = tmp_path / "org"
    folder.mkdir()
    source = "from engage import Finding, hookimpl\n\n@hookimpl\ndef engage_budget_checks():\n"
    source += '    return Finding("info", "lonely", "one finding, not in a list")\n'
    (folder / "lone.py").write_text(source, encoding="utf-8")
    done = ijm.run("--plugins-dir", str(folder), "budget", "--format", "json")
    assert done.exit_code == 1  # the seed's own errors: late deliverables, today
    assert {"severity": "info", "code": "lonely"}.items() <= json.loads(done.stdout)[-1].items()
