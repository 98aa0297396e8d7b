"""A team on real git: a bare repository and three clones, each logging and syncing; every clone ends
with the same figures and every record once. Runs the installed ``engage`` as each consultant would."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers import SCHEDULE_FILES
from helpers.processes import ENGAGE
from helpers.teams import Clone, shared

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

AS_OF = "2004-03-20"


@pytest.fixture
def team(tmp_path: Path) -> dict[str, Clone]:
    """The lead's engagement (GEO Lima) shared through a bare repository; two teammates cloned it."""
    clones, made = shared(tmp_path, SCHEDULE_FILES["geo"], "ann", "ben", "cleo")
    bare = tmp_path / "team.git"
    assert "Pushed to origin" in made and f"git clone {bare}, then engage sync in the clone" in made
    return clones


def _figures(clone: Clone) -> tuple[str, str]:
    status = clone.run("status", "--as-of", AS_OF, "--format", "json").stdout
    fees = clone.run("fees", "--as-of", AS_OF, "--format", "json").stdout
    return status, fees


def test_three_clones_syncing_in_any_order_agree_and_keep_every_record_once(team: dict[str, Clone]) -> None:
    ann, ben, cleo = team["ann"], team["ben"], team["cleo"]
    ben.run("log", "2", "-p", "draft", "-d", "2004-03-02", "-n", "interviews in Callao")
    cleo.run("log", "4h", "-p", "draft", "-d", "2004-03-03")
    ann.run("log", "1.5", "-p", "draft", "-d", "2004-03-02")
    ann.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04")
    first = ben.run("sync")
    assert "Committed: ben: 2 days" in first.stdout and "Pushed to origin" in first.stdout
    second = ann.run("sync")  # ben pushed in between: fetched, merged, pushed
    assert second.stdout == "Committed: ann: 1.5 days, draft submitted\nFrom ben: 2 days\nPushed to origin\n"
    cleo.run("log", "1", "-p", "workshop", "-d", "2004-03-10")
    wrong = cleo.records()[-1]["id"]
    cleo.run("void", wrong, "--reason", "logged twice")
    third = cleo.run("sync")
    assert "Committed: cleo: 0.5 days, 1 void" in third.stdout, third.stdout
    assert "From ben: 2 days" in third.stdout and "From ann: 1.5 days, draft submitted" in third.stdout
    ann.run("deliver", "draft", "--status", "accepted", "-d", "2004-03-08")
    ann.run("invoice", "-d", "2004-03-09", "-o", "invoice-001.md")
    ann.run("sync")
    for clone in (ben, cleo, ann, ben):
        clone.run("sync")
    ids = [Counter(r["id"] for r in clone.records()) for clone in team.values()]
    assert ids[0] == ids[1] == ids[2] and set(ids[0].values()) == {1}  # every record, once, everywhere
    figures = {person: _figures(clone) for person, clone in team.items()}
    assert figures["ann"] == figures["ben"] == figures["cleo"]
    [status] = json.loads(figures["ann"][0])
    assert status["used"] == 2 + 0.5 + 1.5  # ben's, cleo's 4 hours, ann's; cleo's voided day not counted
    fees = json.loads(figures["ann"][1])
    assert fees["payments"][0]["state"] == "invoiced" and fees["invoiced"] == "2250.00"
    heads = {clone.git("rev-parse", "HEAD") for clone in team.values()}
    assert len(heads) == 1  # everyone at the same commit
    again = ben.run("sync")
    assert again.stdout == "Up to date with origin\n" and ben.git("rev-parse", "HEAD") in heads


def test_concurrent_syncs_lose_nothing(team: dict[str, Clone]) -> None:
    for n, clone in enumerate(team.values()):
        for day in range(3):
            clone.run(
                "log", "0.5", "-p", "draft", "-d", f"2004-03-0{day + 2}", "-n", f"{clone.person} {n}.{day}"
            )

    def sync(clone: Clone) -> subprocess.CompletedProcess[str]:
        return clone.run("sync")

    with ThreadPoolExecutor(3) as pool:
        list(pool.map(sync, team.values()))
    for clone in [*team.values(), *team.values()]:  # a second round brings the last pusher's to the first
        clone.run("sync")
    for clone in team.values():
        notes = sorted(r["note"] for r in clone.records() if r["kind"] == "entry")
        assert notes == sorted(f"{c.person} {n}.{d}" for n, c in enumerate(team.values()) for d in range(3))


def test_an_offline_clone_commits_and_pushes_next_time(team: dict[str, Clone], tmp_path: Path) -> None:
    ben = team["ben"]
    bare = ben.git("remote", "get-url", "origin").strip()
    ben.git("remote", "set-url", "origin", str(tmp_path / "unreachable.git"))
    ben.run("log", "1", "-p", "draft", "-d", "2004-03-02", "-n", "in the field")
    offline = ben.run("sync")
    assert offline.returncode == 0 and "Committed: ben: 1 day" in offline.stdout
    assert "origin cannot be reached" in offline.stderr and "pushed by the next engage sync" in offline.stderr
    assert "in the field" in ben.git("show", "HEAD:engage.ledger.jsonl")
    ben.run("log", "0.5", "-p", "draft", "-d", "2004-03-03", "-n", "still in the field")
    ben.run("sync")
    ben.git("remote", "set-url", "origin", bare)
    back = ben.run("sync")
    assert "Pushed to origin" in back.stdout
    ann = team["ann"]
    ann.run("sync")
    assert sorted(r["note"] for r in ann.records() if r["kind"] == "entry") == [
        "in the field",
        "still in the field",
    ]


def test_plain_git_merge_with_the_driver_gives_what_sync_gives(team: dict[str, Clone]) -> None:
    ann, ben = team["ann"], team["ben"]
    ben.run("sync")  # a fresh clone's first sync sets the driver up in its own config
    assert "engage.sync.driver" in ben.git("config", "merge.engage-ledger.driver")
    ann.run("log", "1", "-p", "draft", "-d", "2004-03-02", "-n", "ann")
    ben.run("log", "1", "-p", "draft", "-d", "2004-03-02", "-n", "ben")
    ann.run("sync")
    ben.git("add", "engage.ledger.jsonl")
    ben.git("commit", "-q", "-m", "ben by hand")
    ben.git("fetch", "-q", "origin")
    ben.git("merge", "-q", "--no-edit", "origin/" + ben.git("symbolic-ref", "--short", "HEAD").strip())
    lines = ben.ledger.read_text(encoding="utf-8").splitlines()
    assert "<<<<<<<" not in "".join(lines) and len(lines) == len(set(lines))
    assert sorted(r["note"] for r in ben.records() if r["kind"] == "entry") == ["ann", "ben"]
    ben.run("sync")
    ann.run("sync")
    assert _figures(ann) == _figures(ben)


def test_a_schedule_both_changed_is_one_line_and_nothing_is_lost(team: dict[str, Clone]) -> None:
    ann, ben = team["ann"], team["ben"]
    for clone, title in ((ann, "GEO Lima (ann's title)"), (ben, "GEO Lima (ben's title)")):
        text = (clone.folder / "engage.toml").read_text(encoding="utf-8")
        line = next(line for line in text.splitlines() if line.startswith("title"))
        (clone.folder / "engage.toml").write_text(text.replace(line, f'title = "{title}"'), encoding="utf-8")
    ann.run("log", "1", "-p", "draft", "-d", "2004-03-02", "-n", "ann's day")
    ann.run("sync")
    ben.run("log", "1", "-p", "draft", "-d", "2004-03-02", "-n", "ben's day")
    refused = ben.run("sync", ok=False)
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("engage: error: engage.toml: changed in the same lines")
    assert "nothing is lost" in lines[0] and "git merge origin/" in lines[0]
    assert "ben's title" in (ben.folder / "engage.toml").read_text(encoding="utf-8")  # his, as he left it
    assert "ben's day" in ben.git("show", "HEAD:engage.ledger.jsonl")  # committed, safe
    assert not (ben.folder / ".git" / "MERGE_HEAD").exists()


def test_sync_outside_a_repository_says_how_to_start(tmp_path: Path) -> None:
    lone = Clone(tmp_path / "lone", "ann", tmp_path / "cache")
    lone.folder.mkdir()
    shutil.copy(SCHEDULE_FILES["geo"], lone.folder / "engage.toml")
    refused = lone.run("sync", ok=False)
    assert refused.returncode == 2
    assert refused.stderr == (
        f"engage: error: {lone.folder}: not in a git repository; run 'engage sync init [REMOTE]' to make it one\n"
    )
    made = lone.run("sync", "init")
    assert "no remote: committed here only" in made.stderr
    assert (lone.folder / ".git").is_dir() and "merge=engage-ledger" in (
        lone.folder / ".gitattributes"
    ).read_text()
    assert os.path.exists(lone.folder / ".gitignore")


def test_a_sync_killed_at_any_moment_is_completed_by_the_next(team: dict[str, Clone]) -> None:
    """The whole sync (engage and the git it runs) killed at moments spread over its run: commit,
    fetch, merge and push; the next sync completes, and every record is there once, everywhere."""
    import random
    import signal
    import time

    ann, ben = team["ann"], team["ben"]
    rng = random.Random(int(os.environ.get("ENGAGE_KILL_SEED", "24")))
    notes: list[str] = []
    for turn in range(int(os.environ.get("ENGAGE_SYNC_KILLS", "8"))):
        for clone in (ann, ben):
            note = f"{clone.person} {turn}"
            clone.run("log", "0.25", "-p", "draft", "-d", "2004-03-02", "-n", note)
            notes.append(note)
        ann.run("sync")  # so that ben's sync has something to merge
        child = subprocess.Popen(
            [ENGAGE, "sync"],
            cwd=ben.folder,
            env=ben.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.0, 0.6))
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    for clone in (ben, ann, ben, ann):
        clone.run("sync")
    for clone in (ann, ben):
        got = sorted(r["note"] for r in clone.records() if r["kind"] == "entry")
        assert got == sorted(notes)
        assert clone.git("status", "--porcelain", "--untracked-files=no") == ""
    assert _figures(ann) == _figures(ben)


NOTES_PLUGIN = """
from engage import MergeDriver, hookimpl


def merge(ancestor, ours, theirs):
    mine = ours.splitlines()
    return b"".join(line + b"\\n" for line in mine + [x for x in theirs.splitlines() if x not in mine])


@hookimpl
def engage_merge_drivers():
    return [MergeDriver("engage-notes", "*.notes.txt", "team notes: each line once", merge)]
"""


def test_a_plugins_file_beside_the_schedule_is_merged_by_its_own_driver(
    team: dict[str, Clone], tmp_path: Path
) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir(mode=0o700)
    (plugins / "team_notes.py").write_text(NOTES_PLUGIN, encoding="utf-8")
    ann, ben = team["ann"], team["ben"]
    for clone in (ann, ben):
        clone.env["ENGAGE_PLUGINS_DIR"] = str(plugins)
    ann.run("sync")  # names the plugin's pattern in .gitattributes, and pushes it
    ben.run("sync")
    assert "*.notes.txt merge=engage-notes -text" in (ben.folder / ".gitattributes").read_text()
    (ann.folder / "engage.notes.txt").write_text("ann: client moved the workshop\n", encoding="utf-8")
    (ben.folder / "engage.notes.txt").write_text("ben: interviews done\n", encoding="utf-8")
    assert "Pushed to origin" in ann.run("sync").stdout
    merged = ben.run("sync")
    assert "Pushed to origin" in merged.stdout, merged.stderr
    ann.run("sync")
    for clone in (ann, ben):
        assert (clone.folder / "engage.notes.txt").read_text(encoding="utf-8") == (
            "ben: interviews done\nann: client moved the workshop\n"
        )


def test_calendar_state_from_two_clones_merges_and_sequence_only_grows(team: dict[str, Clone]) -> None:
    """ann moves the engagement's start, ben the draft's due date (other lines of the schedule), and
    each exports: both changed the state. Merged, it holds each event at the highest SEQUENCE either
    sent, and the next export numbers nothing lower."""
    ann, ben = team["ann"], team["ben"]
    ann.run("calendar")
    ann.run("sync")
    ben.run("sync")
    first = json.loads((ann.folder / "engage.calendar.json").read_text(encoding="utf-8"))["events"]
    schedule = ann.folder / "engage.toml"
    text = schedule.read_text(encoding="utf-8")
    schedule.write_text(text.replace("start = 2004-03-01", "start = 2004-03-03", 1), encoding="utf-8")
    ann.run("calendar")
    theirs = ben.folder / "engage.toml"
    text = theirs.read_text(encoding="utf-8")
    theirs.write_text(
        text.replace('due = "4 working days after start"', 'due = "5 working days after start"')
    )
    ben.run("calendar")
    ann.run("sync")
    done = ben.run("sync")
    assert done.returncode == 0 and "Pushed to origin" in done.stdout, done.stderr
    ann.run("sync")
    states = [json.loads((c.folder / "engage.calendar.json").read_text(encoding="utf-8")) for c in (ann, ben)]
    assert states[0] == states[1]
    merged = states[0]["events"]
    assert set(merged) == set(first)
    assert all(rev["sequence"] >= 1 for rev in merged.values())  # every event revised by one or both
    assert "5 working days after start" in theirs.read_text() and "2004-03-03" in theirs.read_text()
    ben.run("calendar")
    after = json.loads((ben.folder / "engage.calendar.json").read_text(encoding="utf-8"))["events"]
    assert all(after[uid]["sequence"] >= merged[uid]["sequence"] for uid in merged)


def test_logging_while_syncing_loses_nothing(team: dict[str, Clone]) -> None:
    """A merge replaces the ledger file; a log appending at that moment must wait for it (the ledger's
    lock), not write into the file being replaced."""
    ann, ben = team["ann"], team["ben"]
    written: list[str] = []

    def logging() -> None:
        for n in range(12):
            ben.run("log", "0.1", "-p", "draft", "-d", "2004-03-02", "-n", f"while syncing {n}")
            written.append(f"while syncing {n}")

    def syncing() -> None:
        for n in range(4):
            ann.run("log", "0.1", "-p", "draft", "-d", "2004-03-03", "-n", f"ann {n}")
            ann.run("sync")
            ben.run("sync")

    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(logging), pool.submit(syncing)]:
            future.result()
    for clone in (ben, ann, ben):
        clone.run("sync")
    notes = Counter(r["note"] for r in ben.records() if r["kind"] == "entry")
    assert notes == Counter(written + [f"ann {n}" for n in range(4)])
    assert Counter(r["note"] for r in ann.records() if r["kind"] == "entry") == notes


def test_two_clones_issuing_the_same_invoice_number_over_git_count_it_once(team: dict[str, Clone]) -> None:
    """Both accept the draft and invoice its tranche offline: both issue GEO-001. After syncing every
    clone names the collision as an error finding, and counts $2,250 invoiced, not $4,500."""
    ann, ben = team["ann"], team["ben"]
    ann.run("deliver", "draft", "--status", "submitted", "-d", "2004-03-04")
    ann.run("sync")
    ben.run("sync")
    for clone in (ann, ben):
        clone.run("deliver", "draft", "--status", "accepted", "-d", "2004-03-08")
        clone.run("invoice", "-d", "2004-03-09", "-o", f"invoice-{clone.person}.md")
    ann.run("sync")
    ben.run("sync")
    ann.run("sync")
    invoices = [r for r in ann.records() if r["kind"] == "fees.invoice"]
    assert [r["number"] for r in invoices] == ["GEO-001", "GEO-001"] and {r["by"] for r in invoices} == {
        "ann",
        "ben",
    }
    for clone in (ann, ben):
        fees = json.loads(clone.run("fees", "--as-of", AS_OF, "--format", "json").stdout)
        assert fees["invoiced"] == "2250.00"
        found = json.loads(clone.run("budget", "--as-of", AS_OF, "--format", "json", ok=False).stdout)
        [collision] = [f for f in found if f["code"] == "invoice-collision"]
        assert collision["severity"] == "error" and {r["id"] for r in invoices} <= set(collision["records"])
    assert _figures(ann) == _figures(ben)


# --- what the user's own git may have left (found by attack) ---------------------------------


def test_a_plain_git_pull_before_any_sync_conflicts_and_the_next_sync_resolves_it_keeping_every_line(
    team: dict[str, Clone],
) -> None:
    """A fresh clone has no merge driver in its config until its first sync: a 'git pull' then leaves the
    ledger in conflict. A log after that, then sync: every record once, the merge finished."""
    ann, ben = team["ann"], team["ben"]
    ben.run("log", "1", "-p", "draft", "-d", "2004-03-02", "-n", "ben-1")
    ben.git("add", "engage.ledger.jsonl")
    ben.git("commit", "-q", "-m", "by hand")
    ann.run("log", "1", "-p", "draft", "-d", "2004-03-02", "-n", "ann-1")
    ann.run("sync")
    pulled = subprocess.run(
        ["git", "pull", "--no-rebase", "-q"], cwd=ben.folder, env=ben.env, capture_output=True
    )
    assert pulled.returncode != 0 and b"<<<<<<<" in ben.ledger.read_bytes()
    ben.run("log", "0.5", "-p", "draft", "-d", "2004-03-03", "-n", "ben-2")  # logged into the conflicted file
    done = ben.run("sync")
    assert "Pushed to origin" in done.stdout
    assert not (ben.folder / ".git" / "MERGE_HEAD").exists()
    assert b"<<<<<<<" not in ben.ledger.read_bytes()
    notes = Counter(r["note"] for r in ben.records() if r["kind"] == "entry")
    assert notes == Counter(["ben-1", "ann-1", "ben-2"])
    ann.run("sync")
    assert Counter(r["note"] for r in ann.records() if r["kind"] == "entry") == notes


def test_a_users_merge_of_another_file_is_never_aborted_and_the_advice_works(team: dict[str, Clone]) -> None:
    ann, ben = team["ann"], team["ben"]
    for clone, title in ((ann, "ann's"), (ben, "ben's")):
        schedule = clone.folder / "engage.toml"
        text = schedule.read_text(encoding="utf-8")
        line = next(line for line in text.splitlines() if line.startswith("title"))
        schedule.write_text(text.replace(line, f'title = "{title}"'), encoding="utf-8")
    ann.run("sync")
    refused = ben.run("sync", ok=False)
    assert refused.returncode == 2 and "'git add engage.toml'" in refused.stderr
    ben.run("log", "1", "-p", "draft", "-d", "2004-03-02", "-n", "during the merge")
    branch = ben.git("symbolic-ref", "--short", "HEAD").strip()
    subprocess.run(["git", "merge", f"origin/{branch}"], cwd=ben.folder, env=ben.env, capture_output=True)
    again = ben.run("sync", ok=False)  # the user's merge of the schedule: refused in one line, not aborted
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "engage.toml" in again.stderr
    assert (ben.folder / ".git" / "MERGE_HEAD").exists()
    schedule = ben.folder / "engage.toml"
    text = schedule.read_text(encoding="utf-8")
    fixed = re.sub(r"<<<<<<< .*?\n(.*?)=======\n.*?>>>>>>> .*?\n", r"\1", text, flags=re.DOTALL)
    schedule.write_text(fixed, encoding="utf-8")
    ben.git("add", "engage.toml")
    ben.git("commit", "-q", "--no-edit")
    assert "Pushed to origin" in ben.run("sync").stdout
    ann.run("sync")
    assert "during the merge" in {r["note"] for r in ann.records() if r["kind"] == "entry"}


def test_a_rebase_in_progress_or_a_detached_head_is_one_line_and_nothing_is_pushed(
    team: dict[str, Clone],
) -> None:
    ben = team["ben"]
    ben.run("log", "1", "-p", "draft", "-d", "2004-03-02")
    ben.run("sync")
    ben.git("checkout", "-q", "--detach", "HEAD")
    ben.run("log", "1", "-p", "draft", "-d", "2004-03-03")
    detached = ben.run("sync", ok=False)
    assert (
        detached.returncode == 2
        and detached.stderr.count("\n") == 1
        and "HEAD is detached" in detached.stderr
    )
    heads = subprocess.run(
        ["git", "ls-remote", "--heads", "origin"], cwd=ben.folder, capture_output=True, text=True
    )
    assert len(heads.stdout.splitlines()) == 1  # no branch invented on the remote
    ben.git("checkout", "-q", "-")
    (ben.folder / ".git" / "rebase-merge").mkdir()
    rebasing = ben.run("sync", ok=False)
    assert rebasing.returncode == 2 and "a rebase is in progress" in rebasing.stderr


def test_only_the_engagements_files_are_committed_and_the_upstream_remote_gets_them(
    team: dict[str, Clone], tmp_path: Path
) -> None:
    ann, ben = team["ann"], team["ben"]
    (ben.folder / "private.txt").write_text("not for the team\n")
    ben.git("add", "private.txt")
    (ben.folder / "engage.toml~").write_text("an editor's backup\n")
    subprocess.run(["git", "init", "-q", "--bare", str(tmp_path / "backup.git")], check=True)
    ben.git("remote", "add", "backup", str(tmp_path / "backup.git"))
    ben.run("log", "1", "-p", "draft", "-d", "2004-03-02")
    done = ben.run("sync")
    assert "Pushed to origin" in done.stdout
    committed = ben.git("show", "--name-only", "--format=", "HEAD").split()
    assert committed == ["engage.ledger.jsonl"]
    assert "private.txt" in ben.git("diff", "--cached", "--name-only")  # still staged, as the user left it
    ann.run("sync")
    assert len([r for r in ann.records() if r["kind"] == "entry"]) == 1


def test_a_ledger_of_another_name_is_merged_by_the_driver_too(team: dict[str, Clone]) -> None:
    ann, ben = team["ann"], team["ben"]
    for clone in (ann, ben):
        clone.run(
            "--ledger", "hours.jsonl", "log", "1", "-p", "draft", "-d", "2004-03-02", "-n", clone.person
        )
    ann.run("--ledger", "hours.jsonl", "sync")
    done = ben.run("--ledger", "hours.jsonl", "sync")
    assert "Pushed to origin" in done.stdout, done.stderr
    assert "/hours.jsonl merge=engage-ledger -text" in (ben.folder / ".gitattributes").read_text()
    lines = (ben.folder / "hours.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(line)["note"] for line in lines if '"entry"' in line) == ["ann", "ben"]


def test_a_remote_that_hangs_is_offline_not_an_error(
    team: dict[str, Clone], monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers import invoke

    ben = team["ben"]
    ben.git("remote", "set-url", "origin", "ssh://git@example.invalid/team.git")
    monkeypatch.setattr("engage.sync.run.NETWORK_SECONDS", 1)
    monkeypatch.setenv("GIT_SSH_COMMAND", "sh -c 'sleep 30'")
    monkeypatch.chdir(ben.folder)
    monkeypatch.setenv("ENGAGE_CONSULTANT", "ben")
    ben.run("log", "1", "-p", "draft", "-d", "2004-03-02")
    started = __import__("time").monotonic()
    result = invoke("sync")
    assert result.exit_code == 0, result.stderr
    assert "origin cannot be reached (no answer in 1s)" in result.stderr
    assert __import__("time").monotonic() - started < 10


@pytest.mark.parametrize("name", ["ijm", "defenders"])
def test_each_seed_is_shared_by_two_clones(name: str, tmp_path: Path) -> None:
    bare = tmp_path / "team.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    lead = Clone(tmp_path / "lead", "Test Consultant", tmp_path / "cache-lead")
    lead.folder.mkdir()
    shutil.copy(SCHEDULE_FILES[name], lead.folder / "engage.toml")
    lead.run("sync", "init", str(bare))
    subprocess.run(["git", "clone", "-q", str(bare), str(tmp_path / "other")], check=True)
    other = Clone(tmp_path / "other", "Test Consultant", tmp_path / "cache-other")
    phase = json.loads(lead.run("show", "--format", "json").stdout)["phases"][0]["key"]
    start = json.loads(lead.run("show", "--format", "json").stdout)["phases"][0]["start"]
    lead.run("log", "1", "-p", phase, "-d", start, "-n", "lead")
    other.run("log", "0.5", "-p", phase, "-d", start, "-n", "other")
    for clone in (lead, other, lead):
        clone.run("sync")
    week = ["status", "--format", "json"]
    assert lead.run(*week).stdout == other.run(*week).stdout
    assert sorted(r["note"] for r in other.records() if r["kind"] == "entry") == ["lead", "other"]


def test_a_team_sends_invitations_from_one_clone_until_another_takes_over(smtp, tmp_path: Path) -> None:
    """The supervisor never gets the same invitation from two laptops: after ann sent and synced,
    ben's send is refused in one line, nothing mailed, until he takes over."""
    bare = tmp_path / "team.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    ann = Clone(tmp_path / "ann", "ann", tmp_path / "cache-ann")
    ann.folder.mkdir()
    shutil.copy(SCHEDULE_FILES["geo"], ann.folder / "engage.toml")
    ann.run("sync", "init", str(bare))
    subprocess.run(["git", "clone", "-q", str(bare), str(tmp_path / "ben")], check=True)
    ben = Clone(tmp_path / "ben", "ben", tmp_path / "cache-ben")
    mail = {k: v for k, v in os.environ.items() if k.startswith(("ENGAGE_SMTP_", "ENGAGE_MAIL_FROM"))}
    for clone in (ann, ben):
        clone.env.update(mail)  # the real SMTP server's, as the smtp fixture set them
    to = ["--to", "supervisor@example.org"]
    assert "Sent" in ann.run("calendar", "send", *to).stdout
    sent = len(smtp.messages)
    ann.run("sync")
    ben.run("sync")
    refused = ben.run("calendar", "send", *to, ok=False)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "are sent by ann" in refused.stderr and "--take-over" in refused.stderr
    assert len(smtp.messages) == sent  # nothing mailed
    taken = ben.run("calendar", "send", *to, "--take-over")
    assert "Nothing new to send" in taken.stdout and len(smtp.messages) == sent
    ben.run("sync")
    ann.run("sync")
    again = ann.run("calendar", "send", *to, ok=False)
    assert again.returncode == 2 and "are sent by ben" in again.stderr
