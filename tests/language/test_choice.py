"""Which language speaks: the user's from the locale variables as GNU gettext reads them, a document's
from ``--lang``, else the schedule's ``language``; each refused in one line when it is not one."""

from __future__ import annotations

import pytest

from engage.language import normalise, user_language
from helpers import copy_seed, invoke


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "POSIX", "LANGUAGE": "fr"}, "en"),  # GNU: $LANGUAGE is ignored under the C locale
        ({"LANG": "fr_FR.UTF-8"}, "fr_FR"),
        ({"LANG": "fr_SN.UTF-8"}, "fr_SN"),
        ({"LANG": "es_GT.UTF-8"}, "es_GT"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "es_ES.UTF-8"}, "es_ES"),
        ({"LANG": "es_ES.UTF-8", "LC_ALL": "fr_FR.UTF-8"}, "fr_FR"),
        ({"LANG": "fr_FR.UTF-8", "LANGUAGE": "es:fr"}, "es"),
        ({"LANG": "fr_FR.UTF-8", "LANGUAGE": "de:sw"}, "fr_FR"),  # no catalogue: the next that fits
        ({"LANG": "de_DE.UTF-8"}, "en"),  # no German catalogue: English
    ],
)
def test_the_users_language_from_the_locale_variables(environ: dict[str, str], language: str) -> None:
    assert user_language(environ) == language


@pytest.mark.parametrize(
    ("tag", "name"),
    [("fr", "fr"), ("fr-SN", "fr_SN"), ("es_419", "es_419"), ("ES-mx", "es_MX"), ("fr_FR.UTF-8", "fr_FR"),
     ("sr-Latn-RS", "sr_RS"), ("", None), ("french", None), ("fr-", None), ("f", None), ("fr-SN-x", None)],
)  # fmt: skip
def test_language_tags_as_bcp_47_and_posix_write_them(tag: str, name: str | None) -> None:
    assert normalise(tag) == name


def test_a_schedules_language_is_a_tag_engage_speaks(tmp_path) -> None:
    ijm = copy_seed("ijm", tmp_path)
    ijm.rewrite('id = "', 'language = "fr-SN"\nid = "')
    assert ijm.run("show").exit_code == 0
    for bad, says in (
        ('"francais"', 'must be a language tag such as "fr"'),
        ('"de"', "engage has no words in 'de'"),
    ):
        ijm.rewrite("language = ", f"language = {bad} #")
        result = ijm.run("show")
        assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, result.stderr
        assert f"{ijm.path}: line 5: language: {says}" in result.stderr, result.stderr
        ijm.rewrite(f"language = {bad} #", "language = ")


def test_lang_is_refused_in_one_line_before_anything_runs(tmp_path) -> None:
    ijm = copy_seed("ijm", tmp_path)
    for args in (["--lang", "xx-YY-zz", "show"], ["show", "--lang", "de"]):
        result = ijm.run(*args)
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1 and "--lang: " in result.stderr, result.stderr
    assert "--lang: engage has no words in 'de'; it speaks en, es, fr" in result.stderr
    before = ijm.text()
    result = ijm.run("log", "1", "-p", "prep", "--lang", "de")
    assert result.exit_code == 2 and not ijm.ledger.exists() and ijm.text() == before


def test_lang_after_the_command_and_before_it_alike(tmp_path) -> None:
    ijm = copy_seed("ijm", tmp_path)
    before = invoke("-s", str(ijm.path), "--lang", "es", "show")
    after = invoke("-s", str(ijm.path), "show", "--lang", "es")
    assert before.exit_code == after.exit_code == 0
    assert before.stdout == after.stdout


def test_a_hostile_language_tag_is_named_in_a_short_line(tmp_path) -> None:
    ijm = copy_seed("ijm", tmp_path)
    result = ijm.run("--lang", "fr-" + "a" * 100_000, "show")
    assert result.exit_code == 2 and len(result.stderr) < 200, result.stderr[:300]
    ijm.rewrite('id = "', 'language = "' + "x" * 100_000 + '"\nid = "')
    result = ijm.run("show")
    assert result.exit_code == 2 and len(result.stderr) < 300, result.stderr[:300]
