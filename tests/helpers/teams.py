"""A team's laptops on real git: a clone of the team's repository, with the installed ``engage`` run in it
as one person (their name for ``$ENGAGE_CONSULTANT`` and git's author)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from helpers.processes import ENGAGE, engage_env


class Clone:
    """One consultant's laptop: a clone of the team's repository, engage run in it as them."""

    def __init__(self, folder: Path, person: str, cache: Path) -> None:
        self.folder = folder
        self.person = person
        self.env = {**engage_env(), "ENGAGE_CONSULTANT": person, "ENGAGE_CACHE_DIR": str(cache)}
        self.env.update({"GIT_AUTHOR_NAME": person, "GIT_COMMITTER_NAME": person})
        self.env.update(
            {"GIT_AUTHOR_EMAIL": f"{person}@example.org", "GIT_COMMITTER_EMAIL": f"{person}@example.org"}
        )

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [ENGAGE, *args], cwd=self.folder, env=self.env, capture_output=True, text=True, check=False
        )
        if ok:
            assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=self.folder, env=self.env, capture_output=True, text=True, check=True
        ).stdout

    @property
    def ledger(self) -> Path:
        return self.folder / "engage.ledger.jsonl"

    def records(self) -> list[dict]:
        if not self.ledger.exists():
            return []
        return [json.loads(line) for line in self.ledger.read_text(encoding="utf-8").splitlines() if line]


def shared(folder: Path, schedule: Path, lead: str, *others: str) -> tuple[dict[str, Clone], str]:
    """``schedule`` set up by ``lead`` with ``engage sync init`` on a bare repository in ``folder``, and
    cloned by each of ``others``: every laptop by person, and what ``sync init`` said."""
    bare = folder / "team.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    first = Clone(folder / lead, lead, folder / f"cache-{lead}")
    first.folder.mkdir()
    shutil.copy(schedule, first.folder / "engage.toml")
    said = first.run("sync", "init", str(bare)).stdout
    clones = {lead: first}
    for person in others:
        subprocess.run(["git", "clone", "-q", str(bare), str(folder / person)], check=True)
        clones[person] = Clone(folder / person, person, folder / f"cache-{person}")
    return clones, said
