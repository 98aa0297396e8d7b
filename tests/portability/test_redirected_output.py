"""Output redirected to a file, as Git Bash, an IDE or a scheduled task gets it on Windows (issue 24).

The installed ``engage`` runs under the Windows-behaviour layer (``helpers/winsim``: standard streams in
cp1252 that write ``\\n`` as ``\\r\\n``) and under a C locale (ASCII streams), its output going to a
file; the bytes are compared with those of the same command run without either. engage writes UTF-8
with no newline translation to any stream that is not a console, so they are the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

import pytest

from helpers import copy_seed
from helpers.windows import Outcome, c_locale_env, engage_as_on_windows, engage_redirected, windows_env

NNBSP = "\u202f"  # the narrow no-break space Babel writes between thousands in French amounts
NOTE = f"line one\nline two 🎉 Łódź ğ ሰላም, 6{NNBSP}000,00 € paid"
BOM = b"\xef\xbb\xbf"
READ_COMMANDS = [
    ("show",),
    ("status",),
    ("budget",),
    ("entries",),
    ("entries", "--format", "csv"),
    ("entries", "--format", "json"),
    ("calendar",),
    ("fees",),
    ("report",),
    ("plugins",),
    ("--help",),
]
# budget reports the seeds' error findings (a phase outside its window, time logged outside it) with 1
EXIT_CODES = {("ijm", "budget"): 1, ("defenders", "budget"): 1}


def _first_phase_and_start(schedule: Path) -> tuple[str, str]:
    data = tomllib.loads(schedule.read_text(encoding="utf-8"))
    return data["phases"][0]["key"], str(data["start"])


def _logged(name: str, folder: Path) -> Path:
    """A seed copied to ``folder`` with two entries logged under the Windows layer, one with a rich note."""
    folder.mkdir(exist_ok=True)
    seed = copy_seed(name, folder)
    phase, day = _first_phase_and_start(seed.path)
    for days, note in (("1", NOTE), ("0.5", "plain note")):
        done = engage_as_on_windows(
            folder, "-s", seed.path.name, "log", days, "-p", phase, "-n", note, "-d", day
        )
        assert done.code == 0, done.error
        assert done.text.startswith(f"Logged {float(days)} days to {phase} on {day}")
    return seed.path


def _utf8_without_translation(out: bytes, crlf_lines: bool) -> None:
    out.decode("utf-8")  # strict: never cp1252 or ASCII, never lone surrogates
    assert not out.startswith(BOM)
    assert b"\r\r\n" not in out
    if not crlf_lines:
        assert b"\r" not in out, "plain text has no CR: none added by translation"


@pytest.mark.parametrize("seed_name", ["ijm", "defenders"])
def test_every_read_command_writes_the_same_bytes_to_a_file_with_or_without_the_windows_layer(
    seed_name: str, tmp_path: Path
) -> None:
    """Each command's stdout and stderr, redirected, are byte-identical under the Windows layer, under a
    C locale and without either: UTF-8, no CR added, no BOM; exit codes as always."""
    schedule = _logged(seed_name, tmp_path / "work")
    folder = schedule.parent
    for command in READ_COMMANDS:
        args = ("-s", schedule.name, *command)
        plain = engage_redirected(folder, *args)
        windows = engage_as_on_windows(folder, *args)
        ascii_locale = engage_redirected(folder, *args, env=c_locale_env())
        assert plain.code == EXIT_CODES.get((seed_name, command[0]), 0), (command, plain.error)
        assert plain.out, command
        for other in (windows, ascii_locale):
            assert (other.code, other.out, other.err) == (plain.code, plain.out, plain.err), command
        crlf_lines = command in (("entries", "--format", "csv"), ("calendar",))
        _utf8_without_translation(windows.out, crlf_lines)
        windows.err.decode("utf-8")
    # and the rich note came through each format as it was written
    csv_out = engage_as_on_windows(folder, "-s", schedule.name, "entries", "--format", "csv").text
    assert NOTE in [row["note"] for row in csv.DictReader(io.StringIO(csv_out, newline=""))]
    json_out = engage_as_on_windows(folder, "-s", schedule.name, "entries", "--format", "json").text
    assert NOTE in [entry["note"] for entry in json.loads(json_out)]
    listed = engage_as_on_windows(folder, "-s", schedule.name, "entries").out
    assert "line one ⏎ line two 🎉 Łódź ğ ሰላም, 6\u202f000,00 € paid".encode() in listed


def test_csv_rows_end_with_one_crlf_as_the_csv_writer_writes_them_and_notes_keep_their_newline(
    tmp_path: Path,
) -> None:
    """``entries --format csv > x.csv``: \\r\\n after each row (``lineterminator``), \\n inside the note."""
    schedule = _logged("defenders", tmp_path / "work")
    out = engage_as_on_windows(schedule.parent, "-s", schedule.name, "entries", "--format", "csv").out
    rows = list(csv.reader(io.StringIO(out.decode("utf-8"), newline="")))
    assert len(rows) == 3  # header and two entries
    assert out.count(b"\r\n") == len(rows)
    assert out.endswith(b"\r\n") and b"\r\r\n" not in out
    assert NOTE.replace("\n", "\r\n").encode() not in out and NOTE.encode() in out


def _entries_json(folder: Path, schedule: Path) -> list[dict[str, object]]:
    done = engage_as_on_windows(folder, "-s", schedule.name, "entries", "--format", "json")
    assert done.code == 0, done.error
    return [
        {k: v for k, v in entry.items() if k not in ("id", "recorded_at")} for entry in json.loads(done.out)
    ]


@pytest.mark.parametrize("to_file", [False, True], ids=["redirected", "with -o"])
def test_entries_exported_as_csv_are_imported_back_exactly_under_the_windows_layer(
    tmp_path: Path, to_file: bool
) -> None:
    """The issue's case: ``engage entries --format csv > x.csv`` then ``engage import x.csv`` elsewhere
    gives the same entries, notes with a newline, emoji, Ł, ğ, Ethiopic and U+202F intact. ``-o``
    writes a BOM (for Excel); standard output never does."""
    schedule = _logged("defenders", tmp_path / "from")
    exported = tmp_path / "x.csv"
    if to_file:
        done = engage_as_on_windows(
            schedule.parent, "-s", schedule.name, "entries", "--format", "csv", "-o", str(exported)
        )
        assert done.code == 0, done.error
        assert exported.read_bytes().startswith(BOM)
    else:
        done = engage_as_on_windows(schedule.parent, "-s", schedule.name, "entries", "--format", "csv")
        assert done.code == 0, done.error
        assert not done.out.startswith(BOM)
        exported.write_bytes(done.out)
    assert exported.read_bytes().count(b"\r\n") == 3
    target = tmp_path / "to"
    target.mkdir()
    fresh = copy_seed("defenders", target).path
    done = engage_as_on_windows(target, "-s", fresh.name, "import", str(exported))
    assert done.code == 0, done.error
    imported = _entries_json(target, fresh)
    assert imported == _entries_json(schedule.parent, schedule)
    assert NOTE in [entry["note"] for entry in imported]


def test_french_amounts_land_in_the_file_with_their_narrow_no_break_space(tmp_path: Path) -> None:
    """``[fees] locale = "fr_FR"``: Babel writes 6 000,00 € with U+202F and U+00A0, outside cp1252."""
    seed = copy_seed("defenders", tmp_path)
    seed.rewrite('currency = "KES"', 'currency = "EUR"\nlocale = "fr_FR"')
    seed.rewrite("total = 800000 ", "total = 6000 ")
    seed.rewrite("ceiling = 800000", "ceiling = 6000")
    seed.rewrite("rate = 40000 ", "rate = 300 ")
    amount = "6\u202f000,00\u00a0€".encode()
    results: list[Outcome] = [
        engage_as_on_windows(tmp_path, "-s", seed.path.name, "fees"),
        engage_redirected(tmp_path, "-s", seed.path.name, "fees", env=c_locale_env()),
        engage_redirected(tmp_path, "-s", seed.path.name, "fees"),
    ]
    for done in results:
        assert done.code == 0, done.error
        assert b"lump sum                6\xe2\x80\xaf000,00\xc2\xa0\xe2\x82\xac\n" in done.out
        assert amount in done.out and b"\r" not in done.out
    assert results[0].out == results[1].out == results[2].out


def test_the_quick_log_reply_and_its_warnings_are_utf8_on_a_redirected_stream(tmp_path: Path) -> None:
    """``engage log`` (its plain form, without click) writes through the same streams: the en dash of
    "outside the engagement (A – B)" reaches the error file as UTF-8, lines end with \\n alone."""
    seed = copy_seed("defenders", tmp_path)
    done = engage_as_on_windows(
        tmp_path, "-s", seed.path.name, "log", "1", "-p", "desk", "-n", NOTE, "-d", "2023-06-01"
    )
    assert done.code == 0, done.error
    assert b"\r" not in done.out and b"\r" not in done.err
    assert "(2023-09-04 – 2023-09-29)\n".encode() in done.err
    assert done.text.count("\n") == 2


@pytest.mark.parametrize(
    ("chosen", "written"),
    [
        ("cp1252", b"\\u0141\xf3d\\u017a"),  # what cp1252 lacks escaped by engage's handler
        ("cp1252:replace", b"?\xf3d?"),  # the user's own handler
        ("utf-8", "Łódź".encode()),
    ],
)
@pytest.mark.parametrize("layer", ["windows", "C locale"])
def test_an_explicit_pythonioencoding_is_the_users_choice(
    tmp_path: Path, chosen: str, written: bytes, layer: str
) -> None:
    """PYTHONIOENCODING (asked for): its encoding and error handler kept; still no newline translation."""
    schedule = _logged("defenders", tmp_path / "work")
    env = (windows_env if layer == "windows" else c_locale_env)(PYTHONIOENCODING=chosen)
    done = engage_redirected(schedule.parent, "-s", schedule.name, "entries", "--format", "csv", env=env)
    assert done.code == 0, done.error
    assert written in done.out
    assert done.out.count(b"\r\n") == 3 and b"\r\r\n" not in done.out
