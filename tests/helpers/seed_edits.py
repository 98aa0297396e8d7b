"""Changes the calendar tests make to a seed copy: a deliverable removed, a meeting moved, hostile text,
the supervisor given an email."""

from __future__ import annotations

from helpers import Seed


def remove_last_deliverable(seed: Seed) -> tuple[str, str]:
    """Remove the last deliverable (nothing depends on it in either seed); return its key and the old text."""
    text = seed.text()
    start = text.rindex("[[deliverables]]")
    end = text.index("[[meetings]]", start)
    seed.path.write_text(text[:start] + text[end:])
    return "deliverable." + text[start:end].split('key = "', 1)[1].split('"', 1)[0], text


HOSTILE = "Hostile, title; with \\\\ backslash\\nsecond line\\u000b(a Word line break)\\u0007bell"


def make_hostile(seed: Seed) -> str:
    """Give the seed a hostile title and meeting name; return the meeting's key."""
    text = seed.text()
    title = text.split("\ntitle = ", 1)[1].split("\n", 1)[0]
    seed.rewrite(f"title = {title}", f'title = "{HOSTILE}"')
    key = {"ijm": "retreat", "defenders": "validation"}[seed.name]
    name_line = f'[[meetings]]\nkey = "{key}"\nname = '
    old_name = text.split(name_line, 1)[1].split("\n", 1)[0]
    seed.rewrite(name_line + old_name, name_line + '"Meet\\u000bagain\\r\\nnow\\u0000"')
    return key


SUPERVISOR = {"ijm": "adp@example.org", "defenders": "procurement@defenderscoalition.org"}


def with_supervisor_email(seed: Seed) -> str:
    if seed.name == "ijm":
        seed.rewrite(
            'role = "Associate Director, Programs"',
            'role = "Associate Director, Programs"\nemail = "adp@example.org"',
        )
    return SUPERVISOR[seed.name]


def move(seed: Seed) -> None:
    if seed.name == "ijm":
        seed.rewrite(
            "start = 2021-11-23\nend = 2021-11-26\n# The ToR",
            "start = 2021-11-30\nend = 2021-12-03\n# The ToR",
        )
    else:
        seed.rewrite('start = "start of phase feedback"', "start = 2023-09-27")
