"""The kill campaign of issue 16: start ``import``, ``demo``, ``backup``, ``restore`` or
``erase`` on a SQLite register, or ``first-import`` (a shop's first import, loaded in one
transaction, into an empty register of its own), kill it at a random moment (mostly SIGKILL,
some SIGTERM and SIGHUP), and count what it left: temporary copies the next command did not
remove (leftovers), helper processes alive after their parent died (orphans), registers the
next command could not open (broken), and first imports found half done (half: customers
neither none nor all of the file, or a search index that does not hold exactly them).

    python -m bench.kill_campaign [--runs N] [--seed S] [--customers N] [--command C]

Prints one line a run that found anything, then the totals. Exit 1 if anything was left.
"""

from __future__ import annotations

import argparse
import random
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.bench_import import write_csv
from tests.cli.kill_helpers import alive, children, kill_all, leftovers, make_config, run, start

COMMANDS = ("import", "first-import", "demo", "backup", "restore", "erase")
FIRST_IMPORT_ROWS = 200_000  # loads in about 3 s: most kills land during the load
SIGNALS = (signal.SIGKILL,) * 3 + (signal.SIGTERM, signal.SIGHUP)


def prepare(folder: Path, customers: int) -> dict[str, Path]:
    config = make_config(folder)
    done = run(config, "demo", "--customers", str(customers))
    if done.returncode:
        raise SystemExit(f"demo failed: {done.stderr}")
    base = folder / "base.db"
    run(config, "backup", str(base))
    csv_path = folder / "customers.csv"
    write_csv(csv_path, FIRST_IMPORT_ROWS)
    return {"config": config, "base": base, "csv": csv_path}


def args_for(command: str, files: dict[str, Path], rng: random.Random, run_no: int) -> list[str]:
    folder = files["config"].parent
    if command == "import":
        return ["import", "shopify-customers", str(files["csv"])]
    if command == "demo":  # into a register of its own: demo needs an empty one
        (folder / f"demo{run_no}").mkdir()
        return ["--config", str(make_config(folder / f"demo{run_no}")), "demo",
                "--customers", "40000"]  # fmt: skip
    if command == "first-import":  # into an empty register of its own
        (folder / f"first{run_no}").mkdir()
        return ["--config", str(make_config(folder / f"first{run_no}")), "import",
                "shopify-customers", str(files["csv"])]  # fmt: skip
    if command == "backup":
        return ["backup", str(folder / f"b{run_no}.db")]
    if command == "restore":
        return ["restore", str(files["base"]), "--yes"]
    return ["erase", str(rng.randrange(1, 20_000)), "--yes"]


def one_run(
    files: dict[str, Path], rng: random.Random, run_no: int, commands: tuple[str, ...] = COMMANDS
) -> dict[str, object]:
    command = rng.choice(commands)
    signum = rng.choice(SIGNALS)
    args = args_for(command, files, rng, run_no)
    config = files["config"]
    if args[0] == "--config":
        config, args = Path(args[1]), args[2:]
    delay = rng.uniform(0.3, 4.0 if command in ("import", "first-import", "demo") else 1.2)
    process = start(config, *args)
    helpers: set = set()
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and process.poll() is None:
        helpers |= children(process.pid)
        time.sleep(0.01)
    killed = process.poll() is None
    if killed:
        process.send_signal(signum)
    process.wait(timeout=120)
    time.sleep(0.5)  # a helper's parent-death signal, a parent check on its queue wait
    end = time.monotonic() + 10
    while alive(helpers) and time.monotonic() < end:
        time.sleep(0.1)
    orphans = len(alive(helpers))
    kill_all(helpers)
    after = run(config, "user", "list")
    broken = 0
    if after.returncode != 0:
        if "restore --resume" in after.stderr:
            run(config, "restore", "--resume", "--yes")
            after = run(config, "user", "list")
        broken = int(after.returncode != 0)
    left = leftovers(config.parent)
    half = int(command == "first-import" and not after.returncode and _half_done(config.parent))
    return {
        "command": command,
        "signal": signal.Signals(signum).name,
        "killed": killed,
        "helpers": len(helpers),
        "orphans": orphans,
        "leftovers": left,
        "broken": broken,
        "half": half,
        "stderr": after.stderr.strip()[:200],
    }


def _half_done(folder: Path) -> bool:
    """A first import's register holding part of the file, or an index not matching it."""
    connection = sqlite3.connect(folder / "fc.db")
    try:
        customers = connection.execute("SELECT count(*) FROM customer").fetchone()[0]
        entries = connection.execute("SELECT count(*) FROM customer_fts_content").fetchone()[0]
    finally:
        connection.close()
    return customers not in (0, FIRST_IMPORT_ROWS) or entries != customers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kill_campaign")
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--customers", type=int, default=25_000)
    parser.add_argument("--command", choices=COMMANDS, help="kill only this command")
    args = parser.parse_args(argv)
    commands = (args.command,) if args.command else COMMANDS
    rng = random.Random(args.seed)
    totals: Counter = Counter()
    with tempfile.TemporaryDirectory(prefix="kill-campaign-") as folder:
        files = prepare(Path(folder), args.customers)
        for run_no in range(args.runs):
            result = one_run(files, rng, run_no, commands)
            totals["runs"] += 1
            totals["killed mid-way"] += bool(result["killed"])
            totals[f"{result['command']} killed"] += bool(result["killed"])
            totals["with helpers"] += bool(result["helpers"])
            totals["orphans"] += int(result["orphans"])  # type: ignore[call-overload]
            totals["leftovers"] += len(result["leftovers"])  # type: ignore[arg-type]
            totals["broken"] += int(result["broken"])  # type: ignore[call-overload]
            totals["half"] += int(result["half"])  # type: ignore[call-overload]
            if result["orphans"] or result["leftovers"] or result["broken"] or result["half"]:
                print(f"run {run_no}: {result}", flush=True)
    for key in ("runs", "killed mid-way", *(f"{c} killed" for c in COMMANDS), "with helpers",
                "orphans", "leftovers", "broken", "half"):  # fmt: skip
        print(f"{key}: {totals[key]}")
    failed = ("orphans", "leftovers", "broken", "half")
    return 1 if any(totals[key] for key in failed) else 0


if __name__ == "__main__":
    sys.exit(main())
