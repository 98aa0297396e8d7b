"""``engage sync``: commit what this machine recorded, fetch, merge, push; offline, commit and push later.

Every step is one that the next run completes if this one is stopped at any moment: an unfinished
merge is finished (or started again), a lock a killed git left is removed once it is old, a commit
not yet pushed is pushed. The ledger merges with engage's driver (:mod:`engage.sync.driver`), so it
never conflicts; a schedule two people changed in the same lines is left unmerged, in one line
saying how to merge it, and nothing is lost.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from engage.errors import EngageError
from engage.sync import driver
from engage.sync.git import Git, repository_of
from engage.sync.summary import by_person, new_lines

ATTRIBUTES = ".gitattributes"
IGNORED = ("*.lock", ".*.partial")  # locks and temporaries: this machine's only
GIT_WAIT_SECONDS = 5  # longer than an editor's git holds its index lock
SYNC_WAIT_SECONDS = 120
PUSH_TRIES = 5


@dataclass
class Plan:
    """What one ``engage sync`` works on: the engagement's files inside one work tree."""

    schedule: Path
    ledger: Path
    hours_per_day: Fraction
    person: str
    email: str
    say: Callable[[str], None]


@dataclass
class Outcome:
    """What a sync did: sent (committed here) and received (merged from the others), by person."""

    sent: dict[str, str] = field(default_factory=dict)
    received: dict[str, str] = field(default_factory=dict)
    pushed: bool = False
    offline: str = ""  # why the remote could not be reached ("" when it could, or there is none)
    remote: str = ""


def work_tree(plan: Plan) -> Git:
    """The git work tree holding the schedule; EngageError saying how to make one when there is none."""
    root = repository_of(plan.schedule.parent)
    if root is None:
        raise EngageError(
            f"{plan.schedule.parent}: not in a git repository; run 'engage sync init [REMOTE]' to make it one"
        )
    git = Git(root)
    for path in (plan.schedule, plan.ledger):
        if not _inside(path, root):
            raise EngageError(f"{path}: outside the git repository {root}; keep it beside the schedule")
    return git


def init(plan: Plan, remote: str | None) -> Outcome:
    """Make the schedule's folder a repository (if it is in none), set up the ledger's merge, commit,
    and push to ``remote`` when given."""
    folder = plan.schedule.parent
    if repository_of(folder) is None:
        Git(folder).run("init", "-q")  # the default branch of this git, as a bare repository made here has
    git = work_tree(plan)
    _set_up(git, plan, write_files=True)
    if remote:
        current = git.value("remote", "get-url", "origin")
        if current and current != remote:
            git.run("remote", "set-url", "origin", remote)
        elif not current:
            git.run("remote", "add", "origin", remote)
    return sync(plan, git)


def sync(plan: Plan, git: Git | None = None) -> Outcome:
    """Commit, fetch, merge, push (again while someone pushed in between), one sync at a time per clone."""
    from engage.ledger.lock import LockTimeout, held

    git = git or work_tree(plan)
    try:
        with held(git.git_dir / "engage-sync.lock", SYNC_WAIT_SECONDS):
            return _synced(plan, git)
    except LockTimeout:
        raise EngageError(
            f"{git.root}: another engage sync has been running here for {SYNC_WAIT_SECONDS}s; let it finish"
        ) from None


def _synced(plan: Plan, git: Git) -> Outcome:
    _clear_stale_lock(git)
    _set_up(git, plan, write_files=False)
    outcome = Outcome()
    with _ledger_held(plan):
        _finish_merge(git, plan)
        outcome.sent = _commit(git, plan)
    remote = git.value("remote")
    if not remote:
        return outcome
    outcome.remote = remote.splitlines()[0]
    branch = git.value("symbolic-ref", "--short", "HEAD") or "main"
    for _ in range(PUSH_TRIES):
        fetched = git.run("fetch", "-q", outcome.remote, check=False, timeout=60)
        if not fetched.ok:
            outcome.offline = fetched.said()
            return outcome
        theirs = f"refs/remotes/{outcome.remote}/{branch}"
        with _ledger_held(plan):  # what was logged while fetching is committed first, then merged
            for who, what in _commit(git, plan).items():
                outcome.sent[who] = f"{outcome.sent[who]}, {what}" if who in outcome.sent else what
            if git.value("rev-parse", "--verify", "-q", theirs):
                _merge(git, plan, theirs, outcome)
        if not _ahead(git, theirs):
            return outcome
        target = f"HEAD:refs/heads/{branch}"
        pushed = git.run("push", "-q", "-u", outcome.remote, target, check=False, timeout=60)
        if pushed.ok:
            outcome.pushed = True
            return outcome
        if not _rejected(pushed.err):
            outcome.offline = pushed.said()
            return outcome
    raise EngageError(
        f"{outcome.remote}: others kept pushing while engage sync merged ({PUSH_TRIES} tries); run it again"
    )


@contextmanager
def _ledger_held(plan: Plan) -> Iterator[None]:
    """The ledger's own lock, held while git reads or replaces the ledger: an ``engage log`` appending
    to the file a merge is replacing would write into a file no longer there."""
    from engage.ledger.lock import LockTimeout, held
    from engage.ledger.writer import LOCK_TIMEOUT_SECONDS

    try:
        with held(Path(str(plan.ledger) + ".lock"), LOCK_TIMEOUT_SECONDS):
            yield
    except LockTimeout:
        raise EngageError(
            f"{plan.ledger}: another engage process held the ledger's lock for {LOCK_TIMEOUT_SECONDS}s; "
            "run engage sync again when it is done"
        ) from None


def _set_up(git: Git, plan: Plan, write_files: bool) -> None:
    """Each merge driver in this clone's config; with ``write_files``, also ``.gitattributes`` and
    ``.gitignore`` (``engage sync init``), which a fresh clone then has from the repository."""
    attributes = []
    for chosen in driver.drivers():
        if git.value("config", "--get", f"merge.{chosen.name}.driver") != driver.command(chosen):
            git.run("config", f"merge.{chosen.name}.name", chosen.summary)
            git.run("config", f"merge.{chosen.name}.driver", driver.command(chosen))
        attributes.append(driver.attribute(chosen))
    path = git.root / ATTRIBUTES
    if write_files or not all(_has_line(path, line) for line in attributes):
        _add_lines(path, attributes)
    if write_files:
        _add_lines(git.root / ".gitignore", list(IGNORED))


def _commit(git: Git, plan: Plan) -> dict[str, str]:
    """Commit the engagement's files this machine changed; what they recorded, by person."""
    kept = sorted(plan.schedule.parent.glob(f"{glob.escape(plan.schedule.stem)}.*"))  # NAME.calendar.json...
    paths = [_relative(p, git.root) for p in (plan.ledger, plan.schedule, *kept) if not _ignored(p)]
    paths = list(dict.fromkeys(paths))
    paths += [name for name in (ATTRIBUTES, ".gitignore") if (git.root / name).exists()]
    changed = git.run("status", "--porcelain", "--untracked-files=all", "--", *paths).out
    if not changed.strip():
        return {}
    ledger = _relative(plan.ledger, git.root)
    before = _at_head(git, ledger)
    now = plan.ledger.read_bytes() if plan.ledger.exists() else b""
    said = by_person(new_lines(before, now), plan.hours_per_day, plan.person)
    git.run("add", "--", *[p for p in paths if (git.root / p).exists() or _tracked(git, p)])
    message = "; ".join(f"{who}: {what}" for who, what in said.items()) or f"{plan.person}: the schedule"
    git.run(*_identity(git, plan), "commit", "-q", "--no-verify", "-m", message)
    return said


def _merge(git: Git, plan: Plan, theirs: str, outcome: Outcome) -> None:
    """Merge ``theirs``: what came into the ledger is said, by person; a schedule conflict stops here."""
    if git.run("merge-base", "--is-ancestor", theirs, "HEAD", check=False).ok:
        return  # nothing new there
    ledger = plan.ledger
    before = ledger.read_bytes() if ledger.exists() else b""
    upstream = theirs.removeprefix("refs/remotes/")
    merged = git.run(
        *_identity(git, plan),
        "merge",
        "-q",
        "--no-verify",
        "-m",
        f"engage sync: merge {upstream}",
        theirs,
        check=False,
    )
    if not merged.ok:
        unmerged = git.value("diff", "--name-only", "--diff-filter=U").splitlines()
        if git.value("rev-parse", "-q", "--verify", "MERGE_HEAD"):
            git.run("merge", "--abort", check=False)
        if unmerged:
            first = unmerged[0]
            raise EngageError(
                f"{first}: changed in the same lines here and in {upstream}; nothing is lost: run "
                f"'git merge {upstream}', fix {first}, 'git commit', then engage sync again"
            )
        raise EngageError(f"git merge failed: {merged.said()}")
    after = ledger.read_bytes() if ledger.exists() else b""
    for who, what in by_person(new_lines(before, after), plan.hours_per_day).items():
        outcome.received[who] = what


def _finish_merge(git: Git, plan: Plan) -> None:
    """A merge a stopped sync left: committed when nothing is left unmerged, else started again."""
    if not git.value("rev-parse", "-q", "--verify", "MERGE_HEAD"):
        return
    if git.value("diff", "--name-only", "--diff-filter=U"):
        git.run("merge", "--abort")
        return
    git.run(*_identity(git, plan), "commit", "-q", "--no-edit", "--no-verify")


def _clear_stale_lock(git: Git) -> None:
    """Wait a moment for a git working in this clone (an editor's, the user's); a lock still there
    after that, while no other sync runs here, was left by a git killed with its sync: removed, as
    git's own message advises once no git is running."""
    lock = git.git_dir / "index.lock"
    deadline = time.monotonic() + GIT_WAIT_SECONDS
    while lock.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    lock.unlink(missing_ok=True)


def _identity(git: Git, plan: Plan) -> list[str]:
    """``-c user.name/email`` for a commit when the repository and the user set none (a fresh laptop)."""
    options = []
    if not git.value("config", "user.name"):
        options += ["-c", f"user.name={plan.person}"]
    if not git.value("config", "user.email"):
        options += ["-c", f"user.email={plan.email}"]
    return options


def _ahead(git: Git, theirs: str) -> bool:
    """Whether HEAD holds commits ``theirs`` does not (or there is no ``theirs`` yet)."""
    if not git.value("rev-parse", "--verify", "-q", theirs):
        return bool(git.value("rev-parse", "--verify", "-q", "HEAD"))
    return git.value("rev-list", "--count", f"{theirs}..HEAD") not in ("", "0")


def _rejected(said: str) -> bool:
    """Whether a push was refused because someone pushed first (fetch, merge and push again)."""
    return any(word in said for word in ("[rejected]", "non-fast-forward", "fetch first", "stale info"))


def _at_head(git: Git, path: str) -> bytes:
    done = git.run("show", f"HEAD:{path}", check=False)
    return done.out.encode("utf-8", "surrogateescape") if done.ok else b""


def _tracked(git: Git, path: str) -> bool:
    return bool(git.value("ls-files", "--", path))


def _relative(path: Path, root: Path) -> str:
    return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()


def _inside(path: Path, root: Path) -> bool:
    return not _relative(path, root).startswith("../")


def _ignored(path: Path) -> bool:
    return path.is_dir() or any(fnmatch.fnmatch(path.name, pattern) for pattern in IGNORED)


def _has_line(path: Path, line: str) -> bool:
    return path.exists() and line in path.read_text(encoding="utf-8").splitlines()


def _add_lines(path: Path, lines: list[str]) -> None:
    """Append the ``lines`` that ``path`` does not hold yet (creating it), keeping what it holds."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    missing = [line for line in lines if line not in text.splitlines()]
    if missing:
        joined = ("" if not text or text.endswith("\n") else "\n") + "".join(f"{line}\n" for line in missing)
        with path.open("a", encoding="utf-8", newline="\n") as handle:
            handle.write(joined)
