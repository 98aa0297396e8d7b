"""The installed ``engage`` under a French and a Spanish locale, as a consultant's shell runs it; and
what ``engage log`` imports stays as it was."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import copy_seed
from helpers.processes import ENGAGE, engage_env


def engage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in engage_env().items() if k not in ("LC_ALL", "LC_NUMERIC", "LANG")}
    return subprocess.run([ENGAGE, *args], capture_output=True, text=True, env={**environ, **env})


def test_installed_engage_under_lang_fr(tmp_path: Path) -> None:
    ijm = copy_seed("ijm", tmp_path)
    ijm.rewrite('name = "Preparation"', 'name = "Rédaction du rapport"')
    done = engage(
        {"LANG": "fr_FR.UTF-8"}, "-s", str(ijm.path), "log", "1,5", "-p", "redaction du rapport", "-d", "mar"
    )
    assert done.returncode == 0, done.stderr
    # the user's language and decimal comma; the date as the ledger keeps it
    assert done.stdout.startswith("Saisi\xa0: 1,5 jour sur prep le "), done.stdout
    before = ijm.ledger.read_bytes()
    refused = engage({"LANG": "fr_FR.UTF-8"}, "-s", str(ijm.path), "expense", "1.500", "--category", "travel")
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert refused.stderr.startswith("engage: erreur\xa0: "), (
        refused.stderr
    )  # the fees plugin's "AMOUNT: " next
    assert "'1.500' est ambigu sous LANG=fr_FR.UTF-8" in refused.stderr
    assert "écrivez 1500 ou 1,5" in refused.stderr
    assert ijm.ledger.read_bytes() == before


def test_installed_engage_under_lc_all_es(tmp_path: Path) -> None:
    geo = copy_seed("geo", tmp_path)
    geo.rewrite('name = "First draft"', 'name = "Redacción del borrador"')
    env = {"LC_ALL": "es_ES.UTF-8", "LANG": "en_US.UTF-8"}
    done = engage(env, "-s", str(geo.path), "log", "0,5", "-p", "REDACCION DEL BORRADOR", "-d", "ayer")
    assert done.returncode == 0, done.stderr
    assert json.loads(geo.ledger.read_text().splitlines()[-1])["phase"] == "draft"
    done = engage(env, "-s", str(geo.path), "expense", "1 500,50", "--category", "travel", "-d", "2004-03-05")
    assert done.returncode == 0, done.stderr
    assert json.loads(geo.ledger.read_text().splitlines()[-1])["amount"] == "1500.50"
    before = geo.ledger.read_bytes()
    refused = engage(env, "-s", str(geo.path), "log", "1.500", "-p", "draft", "-d", "2004-03-05")
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "LC_ALL=es_ES.UTF-8" in refused.stderr
    assert "es ambiguo con LC_ALL=es_ES.UTF-8" in refused.stderr and "escriba 1500 o 1,5" in refused.stderr
    assert geo.ledger.read_bytes() == before


def test_log_under_a_comma_locale_imports_nothing_more(tmp_path: Path) -> None:
    """No locale data, no babel, no unicodedata on an ASCII schedule: `log` stays as fast."""
    ijm = copy_seed("ijm", tmp_path)
    command = [sys.executable, "-X", "importtime", ENGAGE, "-s", str(ijm.path), "log", "1,5", "-p", "prep"]
    environ = {
        **{k: v for k, v in engage_env().items() if k not in ("LC_ALL", "LC_NUMERIC")},
        "LANG": "fr_FR.UTF-8",
    }
    # the same interpreter finds the plugins first (the start-up cache is kept per interpreter path)
    subprocess.run(
        [sys.executable, *command[3:], "-d", "2021-11-15"], capture_output=True, env=environ, check=True
    )
    done = subprocess.run([*command, "-d", "2021-11-17"], capture_output=True, text=True, env=environ)
    assert done.returncode == 0, done.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "engage.cli.quick" in imported
    # The stdlib's locale module is not locale data: gettext imports it to read the French catalogue
    # of what log says (the usage line, a warning), which is French under fr_FR.
    assert not {"click", "babel", "babel.numbers", "unicodedata"} & imported, sorted(
        {"click", "babel", "babel.numbers", "unicodedata"} & imported
    )
