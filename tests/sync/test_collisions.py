"""Decisions two machines took apart, merged as the sync driver merges ledgers (every record once):
each collision is an error finding naming both records, and no figure counts money twice.

Each test runs the real CLI on two copies of one ledger (two consultants' laptops, each with its
own data folder and so its own machine id), merges them with the sync merge driver (``engage.sync.merge.merge``) both ways
round, and checks ``fees``, ``budget`` and ``status`` as JSON on the merged ledger.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import Result

from engage.sync.merge import merge as merged
from helpers import Seed, copy_seed, invoke

AS_OF = "2004-04-20"


@dataclass
class Machines:
    """One engagement on two laptops: ``ann`` and ``ben``, each a copy of the same ledger."""

    ann: Seed
    ben: Seed
    root: Path
    ancestor: bytes = b""

    def on(self, who: str, *args: str) -> Result:
        seed = getattr(self, who)
        env = {"ENGAGE_CONSULTANT": who.capitalize(), "XDG_DATA_HOME": str(self.root / f"data-{who}")}
        result = invoke("-s", str(seed.path), *args, env=env)
        assert result.exit_code == 0, (args, result.output, result.stderr)
        return result

    def split(self) -> None:
        """From now on each laptop records apart: ben's ledger starts as a copy of ann's."""
        self.ancestor = self.ann.ledger.read_bytes() if self.ann.ledger.exists() else b""
        self.ben.ledger.write_bytes(self.ancestor)

    def merge(self) -> tuple[Seed, Seed]:
        """Both ledgers merged on both laptops (each its own lines first): the two results."""
        ours, theirs = self.ann.ledger.read_bytes(), self.ben.ledger.read_bytes()
        self.ann.ledger.write_bytes(merged(self.ancestor, ours, theirs))
        self.ben.ledger.write_bytes(merged(self.ancestor, theirs, ours))
        assert self.ann.ledger.read_bytes() != self.ben.ledger.read_bytes()  # the lines in another order
        return self.ann, self.ben


def as_json(seed: Seed, *args: str) -> dict | list:
    result = seed.run(*args, "--format", "json")
    return json.loads(result.stdout)


def records(seed: Seed) -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, seed.ledger.read_text(encoding="utf-8").splitlines())}


def first(found: list[dict]) -> tuple[dict, dict]:
    """Two records: the one counted (recorded first, then by id), then the other."""
    kept, left = sorted(found, key=lambda r: (r["recorded_at"], r["id"]))
    return kept, left


def collisions(seed: Seed, code: str) -> list[dict]:
    """The error findings with ``code``, the same through budget, status and (for money) fees."""
    budget = [f for f in as_json(seed, "budget", "--as-of", AS_OF) if f["code"] == code]
    (status,) = as_json(seed, "status", "--as-of", AS_OF)
    assert [f for f in status["findings"] if f["code"] == code] == budget
    assert all(f["severity"] == "error" for f in budget)
    return budget


@pytest.fixture
def machines(tmp_path: Path) -> Machines:
    (tmp_path / "ann").mkdir()
    (tmp_path / "ben").mkdir()
    ann = copy_seed("geo", tmp_path / "ann")
    ben = copy_seed("geo", tmp_path / "ben")
    found = Machines(ann, ben, tmp_path)
    found.on("ann", "deliver", "draft", "--status", "submitted", "-d", "2004-03-04")
    return found


def accepted(machines: Machines) -> None:
    machines.on("ann", "deliver", "draft", "--status", "accepted", "-d", "2004-03-08")


def test_both_machines_issue_geo_001_for_the_same_tranche(machines: Machines) -> None:
    accepted(machines)
    machines.split()
    machines.on("ann", "invoice", "-d", "2004-03-09", "-o", str(machines.root / "ann" / "inv.md"))
    machines.on("ben", "invoice", "-d", "2004-03-10", "-o", str(machines.root / "ben" / "inv.md"))
    ann, ben = machines.merge()
    invoices = [r for r in records(ann).values() if r["kind"] == "fees.invoice"]
    assert [r["number"] for r in invoices] == ["GEO-001", "GEO-001"]
    kept, left = first(invoices)
    assert {kept["by"], left["by"]} == {"Ann", "Ben"} and kept["machine"] != left["machine"]
    fees = as_json(ann, "fees", "--as-of", AS_OF)
    assert fees["invoiced"] == fees["outstanding"] == "2250.00"  # once: not 4500.00
    assert [(i["number"], i["date"]) for i in fees["invoices"]] == [("GEO-001", kept["date"])]
    (found,) = collisions(ann, "invoice-collision")
    assert found["records"] == [kept["id"], left["id"]] and fees["collisions"] == [found]
    for named in (kept["id"], left["id"], "by Ann", "by Ben", "2004-03-09", "2004-03-10"):
        assert named in found["message"]
    assert f"engage void {left['id']}" in found["message"]
    budget = ann.run("budget", "--as-of", AS_OF)
    assert budget.exit_code == 1 and "invoice-collision" in budget.stdout
    # the other laptop, its lines first, reads the same
    assert as_json(ben, "fees", "--as-of", AS_OF) == fees
    assert as_json(ben, "status", "--as-of", AS_OF) == as_json(ann, "status", "--as-of", AS_OF)
    # paid once, whichever invoice the payment names
    machines.on("ann", "paid", "GEO-001", "-d", "2004-04-01")
    paid = as_json(ann, "fees", "--as-of", AS_OF)
    assert paid["paid"] == "2250.00" and paid["outstanding"] == "0.00"
    # the way out: void the one not counted, and the finding goes
    machines.on("ann", "void", left["id"], "--reason", "ben's copy of GEO-001")
    assert collisions(ann, "invoice-collision") == []
    assert as_json(ann, "fees", "--as-of", AS_OF)["invoiced"] == "2250.00"


def test_the_same_tranche_invoiced_under_two_numbers_counts_once(machines: Machines) -> None:
    accepted(machines)
    machines.split()
    machines.on("ann", "invoice", "-d", "2004-03-09", "-o", str(machines.root / "ann" / "inv.md"))
    machines.on(
        "ben", "invoice", "-d", "2004-03-09", "--number", "GEO-007", "-o", str(machines.root / "b.md")
    )
    ann, _ = machines.merge()
    kept, left = first([r for r in records(ann).values() if r["kind"] == "fees.invoice"])
    fees = as_json(ann, "fees", "--as-of", AS_OF)
    assert fees["invoiced"] == "2250.00" and len(fees["invoices"]) == 1
    (tranche,) = [p for p in fees["payments"] if p["key"] == "first"]
    assert tranche["invoice"] == kept["number"]
    (found,) = collisions(ann, "invoice-collision")
    assert (
        found["records"] == [kept["id"], left["id"]]
        and "both invoicing the same payment (first)" in found["message"]
    )


def test_the_same_days_invoiced_on_two_machines_count_once(tmp_path: Path) -> None:
    """A days contract: each laptop invoices the same entries."""
    seeds = []
    for who in ("ann", "ben"):
        (tmp_path / who).mkdir()
        seeds.append(copy_seed("geo", tmp_path / who))
    machines = Machines(seeds[0], seeds[1], tmp_path)
    for seed in seeds:  # paid by the day: no lump sum, no tranches
        seed.rewrite('basis = "deliverables"', 'basis = "days"')
        seed.rewrite("total = 4500\n", "")
        head, _, tail = seed.text().partition("[[fees.payments]]")
        seed.path.write_text(
            head + "[fees.invoicing]" + tail.split("[fees.invoicing]", 1)[1], encoding="utf-8"
        )
    assert seeds[0].run("fees").exit_code == 0, seeds[0].run("fees").stderr
    machines.on("ann", "log", "2", "-p", "draft", "-d", "2004-03-01")
    machines.split()
    machines.on("ann", "invoice", "-d", "2004-03-09", "-o", str(tmp_path / "ann" / "inv.md"))
    machines.on("ben", "invoice", "-d", "2004-03-09", "--number", "GEO-002", "-o", str(tmp_path / "b.md"))
    ann, _ = machines.merge()
    fees = as_json(ann, "fees", "--as-of", AS_OF)
    assert fees["invoiced"] == "900.00" and fees["payable"] == "0.00"
    (found,) = collisions(ann, "invoice-collision")
    assert "the same entry" in found["message"]


def test_a_payment_recorded_on_both_machines_counts_once(machines: Machines) -> None:
    accepted(machines)
    machines.on("ann", "invoice", "-d", "2004-03-09", "-o", str(machines.root / "ann" / "inv.md"))
    machines.split()
    machines.on("ann", "paid", "GEO-001", "-d", "2004-04-01")
    machines.on("ben", "paid", "GEO-001", "-d", "2004-04-02")
    ann, ben = machines.merge()
    kept, left = first([r for r in records(ann).values() if r["kind"] == "fees.paid"])
    fees = as_json(ann, "fees", "--as-of", AS_OF)
    assert fees["paid"] == "2250.00" and fees["outstanding"] == "0.00"
    assert fees["invoices"][0]["paid_on"] == kept["date"]
    (found,) = collisions(ann, "payment-collision")
    assert found["records"] == [kept["id"], left["id"]] and f"engage void {left['id']}" in found["message"]
    assert as_json(ben, "fees", "--as-of", AS_OF) == fees


def test_a_deliverable_accepted_on_two_dates_reads_the_first(machines: Machines) -> None:
    machines.split()
    machines.on("ann", "deliver", "draft", "--status", "accepted", "-d", "2004-03-08")
    machines.on("ben", "deliver", "draft", "--status", "accepted", "-d", "2004-03-10")
    ann, ben = machines.merge()
    ids = {r["date"]: r["id"] for r in records(ann).values() if r.get("status") == "accepted"}
    (found,) = collisions(ann, "deliverable-status-collision")
    assert found["records"] == [ids["2004-03-08"], ids["2004-03-10"]] and found["deliverable"] == "draft"
    assert "by Ann" in found["message"] and "by Ben" in found["message"]
    (status,) = as_json(ann, "status", "--as-of", AS_OF)
    draft = next(d for d in status["deliverables"] if d["key"] == "draft")
    assert (draft["status"], draft["status_date"]) == ("accepted", "2004-03-08")
    (tranche,) = [p for p in as_json(ann, "fees", "--as-of", AS_OF)["payments"] if p["key"] == "first"]
    assert (tranche["state"], tranche["since"]) == ("payable", "2004-03-08")
    assert as_json(ben, "status", "--as-of", AS_OF) == [status]
    # the way out the finding gives: void the wrong one, on either laptop
    machines.on("ben", "void", ids["2004-03-08"], "--reason", "accepted on the 10th")
    assert collisions(ben, "deliverable-status-collision") == []
    (status,) = as_json(ben, "status", "--as-of", AS_OF)
    assert next(d for d in status["deliverables"] if d["key"] == "draft")["status_date"] == "2004-03-10"


def test_accepted_on_one_machine_and_returned_on_the_other(machines: Machines) -> None:
    machines.split()
    machines.on("ann", "deliver", "draft", "--status", "accepted", "-d", "2004-03-08")
    machines.on("ben", "deliver", "draft", "--status", "returned", "-d", "2004-03-09")
    ann, ben = machines.merge()
    ids = {r["status"]: r["id"] for r in records(ann).values() if r["kind"] == "deliverable"}
    (found,) = collisions(ann, "deliverable-status-collision")
    assert found["records"] == [ids["accepted"], ids["returned"]]
    assert "counted: accepted on 2004-03-08" in found["message"]
    (status,) = as_json(ann, "status", "--as-of", AS_OF)
    assert next(d for d in status["deliverables"] if d["key"] == "draft")["status"] == "accepted"
    assert as_json(ben, "status", "--as-of", AS_OF) == [status]


def test_meeting_validated_here_and_cancelled_there(machines: Machines) -> None:
    machines.split()
    machines.on("ann", "meeting", "workshop", "--outcome", "validated", "-d", "2004-03-08")
    machines.on("ben", "meeting", "workshop", "--outcome", "cancelled", "-d", "2004-03-08")
    ann, ben = machines.merge()
    # one day, maybe one second: the machine that recorded them decides, on every laptop alike
    kept, left = sorted(
        (r for r in records(ann).values() if r["kind"] == "meeting"),
        key=lambda r: (r["recorded_at"], r["machine"]),
    )
    (found,) = collisions(ann, "meeting-outcome-collision")
    assert found["records"] == [kept["id"], left["id"]]
    (status,) = as_json(ann, "status", "--as-of", AS_OF)
    assert status["meetings"][0]["outcome"] == kept["outcome"]
    assert as_json(ben, "status", "--as-of", AS_OF) == [status]


def test_two_closes_count_the_later_and_name_the_other(machines: Machines) -> None:
    machines.split()
    machines.on("ann", "close", "-d", "2004-03-20")
    machines.on("ben", "close", "-d", "2004-03-25", "--outcome", "terminated")
    ann, ben = machines.merge()
    ids = {r["date"]: r["id"] for r in records(ann).values() if r["kind"] == "close"}
    (found,) = collisions(ann, "closed-twice")
    assert found["records"] == [ids["2004-03-25"], ids["2004-03-20"]]
    (status,) = as_json(ann, "status", "--as-of", AS_OF)
    assert status["closed"] == "2004-03-25"
    assert "records from two machines that contradict each other: 1 (see engage budget)" in status["reason"]
    assert as_json(ben, "status", "--as-of", AS_OF) == [status]


def test_a_record_voided_on_both_machines_is_voided_once(machines: Machines) -> None:
    machines.on("ann", "log", "1.5", "-p", "draft", "-d", "2004-03-02")
    machines.on("ann", "log", "1", "-p", "draft", "-d", "2004-03-03")
    machines.split()
    entry = next(r["id"] for r in records(machines.ann).values() if r.get("days") == "1.5")
    machines.on("ann", "void", entry, "--reason", "wrong day")
    machines.on("ben", "void", entry, "--reason", "typo")
    ann, ben = machines.merge()
    (status,) = as_json(ann, "status", "--as-of", AS_OF)
    assert status["used"] == 1  # the voided 1.5 days gone once, nothing taken twice
    shown = ann.run("status", "--as-of", AS_OF)
    assert f"{entry} is already voided by" in shown.stderr  # the second void is named, not counted
    assert as_json(ben, "status", "--as-of", AS_OF) == [status]


def test_no_collision_no_finding_and_figures_as_before(machines: Machines) -> None:
    accepted(machines)
    machines.split()
    machines.on("ann", "invoice", "-d", "2004-03-09", "-o", str(machines.root / "ann" / "inv.md"))
    machines.on("ben", "log", "1", "-p", "draft", "-d", "2004-03-02")
    ann, _ = machines.merge()
    fees = as_json(ann, "fees", "--as-of", AS_OF)
    assert fees["collisions"] == [] and fees["invoiced"] == "2250.00"
    assert not [f for f in as_json(ann, "budget", "--as-of", AS_OF) if "records" in f]
    assert Decimal(fees["earned"]) == Decimal("2250.00")
    shutil.rmtree(machines.root / "data-ann")  # a lost data folder: a new machine id, nothing breaks
    machines.on("ann", "log", "1", "-p", "draft", "-d", "2004-03-03")
