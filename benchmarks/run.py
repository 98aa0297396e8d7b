"""engage's performance, beside Watson and Timewarrior on the same records, in one run.

Run from the repository with engage installed:  python benchmarks/run.py [--quick]

It prints the machine, then engage beside its peers on the same 100,000
records (``--quick``: 2,000, what CI runs), each figure a median of wall-clock
time with the ratio engage/peer, then engage's own figures (start-up, a large
portfolio, a big calendar, the ledger), and last the issue's targets, each
PASS or MISS. Watson is installed from pip into a venv of its own when this
environment has none (see ``benchmarks/peers.py``); Timewarrior is used when
Debian's ``timew`` is installed. A peer that is missing is skipped, and the run
says why.
"""

import argparse
import datetime as dt
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/: own, peers, timing

from own import bench_calendar, bench_ledger, bench_log, bench_portfolio
from peers import bench_peers
from timing import Targets


def machine() -> str:
    """The CPU model, CPUs, system, Python, date and load: what the figures depend on."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = f"; load {os.getloadavg()[0]:.2f}"
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"machine: {model}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}\n"
        f"         Python {platform.python_version()}, {now}{load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 records, fewer runs (what CI runs)")
    parser.add_argument("--records", type=int, help="records for every tool (100,000; --quick: 2,000)")
    parser.add_argument(
        "--no-install", action="store_true", help="do not pip-install Watson if it is missing"
    )
    args = parser.parse_args()
    runs = 3 if args.quick else 5
    count = args.records or (2_000 if args.quick else 100_000)
    # Timed programs may write their bytecode, as an installed engage has it: with this variable set
    # (some CI images set it) an editable install compiles every changed module on every run.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    cache = tempfile.mkdtemp(prefix="engage-bench-cache-")
    env = {**os.environ, "ENGAGE_CACHE_DIR": cache}
    os.environ["ENGAGE_CACHE_DIR"] = cache
    print(f"engage benchmarks{' (--quick)' if args.quick else ''}")
    print(machine())
    targets = Targets()
    bench_peers(count, runs, not args.no_install, targets)
    print()
    bench_log(runs, env)
    print("\nweekly status, portfolio folder (median of 3 runs)")
    small = bench_portfolio(25 if args.quick else 250, 200, 3, env)
    large = bench_portfolio(50 if args.quick else 500, 200, 3, env)
    print(f"  doubling the engagements and entries multiplied the time by {large / small:.2f}")
    bench_portfolio(50 if args.quick else 500, 200, 1, env, sloppy=True)
    print()
    bench_calendar(1000, runs)
    print()
    bench_ledger(20_000 if args.quick else 100_000)
    targets.show(count)
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
