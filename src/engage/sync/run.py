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
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from engage.errors import EngageError
from engage.language import N_, _
from engage.sync import driver
from engage.sync.git import Git, repository_of
from engage.sync.merge import merge
from engage.sync.summary import by_person, new_lines

ATTRIBUTES = ".gitattributes"
# this machine's only: engage's locks, its temporaries and kept states, git's merge temporaries
IGNORED = ("*.ledger.jsonl.lock", "*.calendar.json.lock", ".*.partial", ".*.pending", ".merge_file_*")
NETWORK_SECONDS = 60
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
    merged: list[str] = field(default_factory=list)  # files besides the ledger the others changed
    remote: str = ""


def work_tree(plan: Plan) -> Git:
    """The git work tree holding the schedule; EngageError saying how to make one when there is none."""
    root = repository_of(plan.schedule.parent)
    if root is None:
        raise EngageError(
            _("{folder}: not in a git repository; run 'engage sync init [REMOTE]' to make it one").format(
                folder=plan.schedule.parent
            )
        )
    git = Git(root)
    for path in (plan.schedule, plan.ledger):
        if not _inside(path, root):
            raise EngageError(
                _("{path}: outside the git repository {root}; keep it beside the schedule").format(
                    path=path, root=root
                )
            )
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
            raise EngageError(
                _(
                    "{root}: origin is {current} already; to move it: git remote set-url origin {remote}"
                ).format(root=git.root, current=current, remote=remote)
            )
        if not current:
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
            _("{root}: another engage sync has been running here for {seconds}s; let it finish").format(
                root=git.root, seconds=SYNC_WAIT_SECONDS
            )
        ) from None


def _synced(plan: Plan, git: Git) -> Outcome:
    _clear_stale_locks(git)
    branch = _branch(git)
    _set_up(git, plan, write_files=False)
    outcome = Outcome()
    with _ledger_held(plan):
        _finish_merge(git, plan)
        _add_sent(outcome, _commit(git, plan))
    remote = _remote(git, branch)
    if not remote:
        return outcome
    outcome.remote = remote
    upstream = git.value("config", f"branch.{branch}.merge").removeprefix("refs/heads/") or branch
    for attempt in range(PUSH_TRIES):
        fetched = git.run("fetch", "-q", remote, check=False, timeout=NETWORK_SECONDS)
        if not fetched.ok:
            outcome.offline = fetched.said()
            return outcome
        theirs = f"refs/remotes/{remote}/{upstream}"
        with _ledger_held(plan):  # what was logged while fetching is committed first, then merged
            _add_sent(outcome, _commit(git, plan))
            if git.value("rev-parse", "--verify", "-q", theirs):
                _merge(git, plan, theirs, outcome)
        if not _ahead(git, theirs):
            return outcome
        track = [] if git.value("config", f"branch.{branch}.remote") else ["-u"]
        target = f"HEAD:refs/heads/{upstream}"
        pushed = git.run("push", "-q", *track, remote, target, check=False, timeout=NETWORK_SECONDS)
        if pushed.ok:
            outcome.pushed = True
            return outcome
        if not _rejected(pushed.err):
            outcome.offline = pushed.said()
            return outcome
        time.sleep(random.uniform(0.1, 0.5) * (attempt + 1))  # others are pushing: let them finish
    raise EngageError(
        _("{remote}: others kept pushing while engage sync merged ({tries} tries); run it again").format(
            remote=remote, tries=PUSH_TRIES
        )
    )


def _add_sent(outcome: Outcome, said: dict[str, str]) -> None:
    for who, what in said.items():
        outcome.sent[who] = f"{outcome.sent[who]}, {what}" if who in outcome.sent else what


def _branch(git: Git) -> str:
    """The branch checked out; EngageError when git is in the middle of something sync must not finish
    for the user (a rebase, a cherry-pick) or HEAD is detached: sync would push to a branch no one uses."""
    git_dir = git.git_dir
    for marker, what, way in (
        ("rebase-merge", N_("a rebase"), "git rebase --continue (or --abort)"),
        ("rebase-apply", N_("a rebase"), "git rebase --continue (or --abort)"),
        ("CHERRY_PICK_HEAD", N_("a cherry-pick"), "git cherry-pick --continue (or --abort)"),
        ("REVERT_HEAD", N_("a revert"), "git revert --continue (or --abort)"),
    ):
        if (git_dir / marker).exists():
            raise EngageError(
                _("{root}: {what} is in progress; finish it ({way}), then engage sync").format(
                    root=git.root, what=_(what), way=way
                )
            )
    branch = git.value("symbolic-ref", "-q", "--short", "HEAD")
    if not branch:
        raise EngageError(
            _(
                "{root}: no branch is checked out (HEAD is detached); 'git switch BRANCH' to the team's "
                "branch, then engage sync"
            ).format(root=git.root)
        )
    return branch


def _remote(git: Git, branch: str) -> str:
    """The remote to sync with: the branch's upstream, else origin, else the only one; "" for none."""
    configured = git.value("config", f"branch.{branch}.remote")
    remotes = git.value("remote").splitlines()
    if configured and configured != ".":
        return configured
    if "origin" in remotes or len(remotes) <= 1:
        return "origin" if "origin" in remotes else "".join(remotes)
    raise EngageError(
        _(
            "{root}: several remotes ({remotes}) and none is the branch's upstream; choose one: "
            "git branch --set-upstream-to={first}/{branch}"
        ).format(root=git.root, remotes=", ".join(remotes), first=remotes[0], branch=branch)
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
            _(
                "{ledger}: another engage process held the ledger's lock for {seconds}s; "
                "run engage sync again when it is done"
            ).format(ledger=plan.ledger, seconds=LOCK_TIMEOUT_SECONDS)
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
    if not fnmatch.fnmatch(plan.ledger.name, driver.LEDGER.pattern):  # a --ledger of another name
        attributes.append(f"/{_relative(plan.ledger, git.root)} merge={driver.LEDGER.name} -text")
    path = git.root / ATTRIBUTES
    if write_files or not all(_has_line(path, line) for line in attributes):
        _add_lines(path, attributes)
    if write_files:
        _add_lines(git.root / ".gitignore", list(IGNORED))


def _commit(git: Git, plan: Plan) -> dict[str, str]:
    """Commit the engagement's files this machine changed, and only those: the ledger, the schedule,
    and the ``NAME.*`` files beside it that a merge driver knows (the calendar state). What they
    recorded, by person; a changed file named for the person syncing ("the schedule")."""
    patterns = [d.pattern for d in driver.drivers()]
    beside = sorted(plan.schedule.parent.glob(f"{glob.escape(plan.schedule.stem)}.*"))
    kept = [p for p in beside if any(fnmatch.fnmatch(p.name, pattern) for pattern in patterns)]
    paths = list(dict.fromkeys(_relative(p, git.root) for p in (plan.ledger, plan.schedule, *kept)))
    paths += [name for name in (ATTRIBUTES, ".gitignore") if (git.root / name).exists()]
    changed = [
        line[3:]
        for line in git.run("status", "--porcelain", "--untracked-files=all", "--", *paths).out.splitlines()
    ]
    if not changed:
        return {}
    ledger = _relative(plan.ledger, git.root)
    before = _at(git, f"HEAD:{ledger}")
    now = plan.ledger.read_bytes() if plan.ledger.exists() else b""
    said = by_person(new_lines(before, now), plan.hours_per_day, plan.person)
    schedule = _relative(plan.schedule, git.root)
    others = [
        _("the schedule") if path == schedule else Path(path).name
        for path in changed
        if path not in (ledger, ATTRIBUTES, ".gitignore")
    ]
    if others:
        said[plan.person] = ", ".join(([said[plan.person]] if plan.person in said else []) + others)
    present = [p for p in paths if (git.root / p).exists() or _tracked(git, p)]
    git.run("add", "--", *present)
    message = "; ".join(f"{who}: {what}" for who, what in said.items()) or _(
        "{person}: engage's settings"
    ).format(person=plan.person)
    # only these paths, whatever else the user has staged
    git.run(*_identity(git, plan), "commit", "-q", "--no-verify", "-m", message, "--", *present)
    return said


def _merge(git: Git, plan: Plan, theirs: str, outcome: Outcome) -> None:
    """Merge ``theirs``: what came into the ledger is said, by person; a schedule conflict stops here."""
    if git.run("merge-base", "--is-ancestor", theirs, "HEAD", check=False).ok:
        return  # nothing new there
    ledger = plan.ledger
    before = ledger.read_bytes() if ledger.exists() else b""
    head = git.value("rev-parse", "HEAD")
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
                _(
                    "{file}: changed in the same lines here and in {upstream}; nothing is lost: run "
                    "'git merge {upstream}', fix {file}, 'git add {file}', 'git commit', then engage sync"
                ).format(file=first, upstream=upstream)
            )
        raise EngageError(_("git {command} failed: {said}").format(command="merge", said=merged.said()))
    after = ledger.read_bytes() if ledger.exists() else b""
    for who, what in by_person(new_lines(before, after), plan.hours_per_day).items():
        outcome.received[who] = f"{outcome.received[who]}, {what}" if who in outcome.received else what
    changed = git.value("diff", "--name-only", head, "HEAD").splitlines()
    ledger_name = _relative(plan.ledger, git.root)
    outcome.merged += [name for name in changed if name != ledger_name and name not in outcome.merged]


def _finish_merge(git: Git, plan: Plan) -> None:
    """A merge left unfinished (by a stopped sync, or the user's own ``git pull`` in a clone whose
    drivers were not yet registered): ledgers git left in conflict are merged by engage's driver from
    git's three copies, keeping every line added to the file since (an ``engage log`` after the
    conflict); then the merge is committed. Other files in conflict are the user's: sync stops and
    names them, and never aborts a merge it cannot tell is its own."""
    if not git.value("rev-parse", "-q", "--verify", "MERGE_HEAD"):
        return
    unmerged = git.value("diff", "--name-only", "--diff-filter=U").splitlines()
    ledgers = [name for name in unmerged if _is_ledger(git, plan, name)]
    for name in ledgers:
        _resolve_ledger(git, name)
    left = [name for name in unmerged if name not in ledgers]
    if left:
        raise EngageError(
            _(
                "{file}: a merge is in progress and this file is in conflict; fix it, 'git add {file}', "
                "'git commit', then engage sync (or 'git merge --abort' to give the merge up)"
            ).format(file=left[0])
        )

    git.run(*_identity(git, plan), "commit", "-q", "--no-edit", "--no-verify")


def _resolve_ledger(git: Git, name: str) -> None:
    """A ledger git left in conflict, merged from its three copies, and marked resolved."""
    stages = [_at(git, f":{n}:{name}") for n in (1, 2, 3)]
    merged = merge(*stages)
    path = git.root / name
    now = path.read_bytes() if path.exists() else b""
    added = b"".join(line + b"\n" for line in now.splitlines() if not _CONFLICT.match(line))
    path.write_bytes(merge(b"", merged, added))  # what was appended since the conflict, kept once
    git.run("add", "--", name)


_CONFLICT = re.compile(rb"^(<{7}|={7}|>{7}|\|{7})( |$)")


def _is_ledger(git: Git, plan: Plan, name: str) -> bool:
    return name.endswith(".ledger.jsonl") or (git.root / name).resolve() == plan.ledger.resolve()


def _clear_stale_locks(git: Git) -> None:
    """Wait a moment for a git working in this clone (an editor's, the user's); the locks still there
    after that, while no other sync runs here, were left by a git killed with its sync: removed, as
    git's own message advises once no git is running."""
    git_dir = git.git_dir
    locks = [git_dir / "index.lock", git_dir / "HEAD.lock", git_dir / "packed-refs.lock"]
    locks += list((git_dir / "refs").rglob("*.lock"))
    deadline = time.monotonic() + GIT_WAIT_SECONDS
    while any(lock.exists() for lock in locks) and time.monotonic() < deadline:
        time.sleep(0.1)
    for lock in locks:
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


def _at(git: Git, revision: str) -> bytes:
    """A file as git holds it (``HEAD:path``, ``:2:path``); b"" when it holds none."""
    done = git.run("show", revision, check=False)
    return done.out.encode("utf-8", "surrogateescape") if done.ok else b""


def _tracked(git: Git, path: str) -> bool:
    return bool(git.value("ls-files", "--", path))


def _relative(path: Path, root: Path) -> str:
    return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()


def _inside(path: Path, root: Path) -> bool:
    return not _relative(path, root).startswith("../")


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
