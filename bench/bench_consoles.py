"""Many consoles at once: keystroke to results painted in each, against one console alone.

python -m bench consoles [--customers N] [--pg URL] [--consoles K] [--rounds R]
                         [--import-rows M] [--retention-shells S]

Each console is a headless Pilot console (80x24) in a process of its own, typing the fixed
query mix of ``bench console`` key by key against one register, as support. First one console
types alone (the baseline, same run); then K consoles type at once (default 8 on PostgreSQL,
4 on SQLite) while, in two more processes, a Shopify customer import of M rows and a
retention run (S held erasures whose hold ended, added first) write to the same register.
Each console's median and p95 are printed with their ratio to the console alone (target: p95
within 2x).

The register is the demo register of N customers: on PostgreSQL a copy of it
(``bench.common.postgres_copy``, the import and retention change it), on SQLite a copy of
``bench/out/register_N_1.db`` in a scratch folder.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import bench_config, percentile, postgres_copy, sqlite_register

# the retention run's shells get ids downwards from here: the import's ids (a sequence, or
# SQLite's AUTOINCREMENT) grow upwards from the register's, and never meet them
SHELL_IDS = 1_500_000_000


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench consoles")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--pg", metavar="URL", help="on a copy of the demo register there")
    parser.add_argument("--consoles", type=int, help="default: 8 on PostgreSQL, 4 on SQLite")
    parser.add_argument("--rounds", type=int, default=1, help="times each console types the mix")
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--retention-shells", type=int, default=2_000)
    parser.add_argument("--child", nargs=2, metavar=("ROLE", "URL"), help=argparse.SUPPRESS)
    parser.add_argument("--stop", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child[0], args.child[1], args)
    consoles = args.consoles or (8 if args.pg else 4)
    with tempfile.TemporaryDirectory(prefix="bench_consoles_") as scratch:
        folder = Path(scratch)
        url = register_url(args, folder)
        backend = "PostgreSQL" if args.pg else "SQLite"
        print(
            f"register: {args.customers:,} customers ({backend}); {consoles} consoles", flush=True
        )
        common = ["--rounds", str(args.rounds), "--import-rows", str(args.import_rows)]
        common += ["--retention-shells", str(args.retention_shells)]
        common += ["--stop", str(folder / "stop")]
        alone = run_children(folder, url, ["console"], common)[0]
        print(f"one console alone: {summary(alone)}", flush=True)
        roles = ["console"] * consoles + ["import", "retention"]
        started = time.monotonic()
        results = run_children(folder, url, roles, common)
        took = time.monotonic() - started
        report(results[:consoles], results[consoles:], alone, took)
    return 0


def register_url(args, folder: Path) -> str:
    if args.pg:
        return postgres_copy(args.pg, args.customers, "consoles")
    source = Path(sqlite_register(args.customers).removeprefix("sqlite:///"))
    target = folder / "register.db"
    shutil.copyfile(source, target)  # the demo leaves it checkpointed: the file is all of it
    return f"sqlite:///{target}"


def run_children(folder: Path, url: str, roles: list[str], common: list[str]) -> list[dict]:
    """Start one process a role at once; their JSON results, in the order of ``roles``."""
    procs = []
    for index, role in enumerate(roles):
        work = folder / f"{role}{index}"
        work.mkdir(exist_ok=True)
        command = [sys.executable, "-m", "bench", "consoles", *common, "--child", role, url]
        procs.append(
            subprocess.Popen(command, cwd=Path.cwd(), stdout=subprocess.PIPE, text=True, env=None)
        )
    results = []
    stop = Path(common[common.index("--stop") + 1])
    for role, proc in zip(roles, procs, strict=True):
        if role != "console":
            stop.touch()  # the consoles are done: the writers finish the round they are in
        out, _ = proc.communicate()
        lines = [line for line in out.splitlines() if line.startswith("{")]
        if proc.returncode != 0 or not lines:
            raise SystemExit(f"bench consoles: the {role} process failed ({proc.returncode})")
        results.append(json.loads(lines[-1]))
    return results


def summary(result: dict) -> str:
    times = result["keystrokes"]
    return (
        f"median {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms "
        f"over {len(times)} keys; console CPU {result['cpu_ms']:.1f} ms a key"
    )


def report(consoles: list[dict], writers: list[dict], alone: dict, took: float) -> None:
    base_median = statistics.median(alone["keystrokes"])
    base_p95 = percentile(alone["keystrokes"], 0.95)
    for number, result in enumerate(consoles, 1):
        times = result["keystrokes"]
        median, p95 = statistics.median(times), percentile(times, 0.95)
        print(
            f"console {number}: median {median:6.1f} ms, p95 {p95:6.1f} ms; ratio to alone: "
            f"median {median / base_median:.2f}x, p95 {p95 / base_p95:.2f}x; "
            f"CPU {result['cpu_ms']:.1f} ms a key"
        )
    every = [t for result in consoles for t in result["keystrokes"]]
    p95 = percentile(every, 0.95)
    print(
        f"all consoles: median {statistics.median(every):.1f} ms, p95 {p95:.1f} ms; p95 ratio "
        f"to one console alone {p95 / base_p95:.2f}x (target <= 2)"
    )
    for result in writers:
        print(
            f"meanwhile {result['role']}, {result['rounds']} rounds in {result['seconds']:.1f} s"
            f" ({result['busy']} given up: database locked), the last: {result['summary']}"
        )
    print(f"(all processes together: {took:.1f} s; {os.cpu_count()} cores)")


# --- the child processes ------------------------------------------------------------------


def child(role: str, url: str, args) -> int:
    """One console, the import or the retention run; prints one JSON line."""
    from finconsole.core.settings import runtime

    folder = Path(tempfile.mkdtemp(prefix=f"bench_{role}_"))
    try:
        runtime.set_config(bench_config(folder))
        started = time.monotonic()
        if role == "console":
            cpu = time.process_time()
            result: dict = {"keystrokes": asyncio.run(type_queries(url, args.rounds))}
            # CPU of the whole console process (start-up included) a key: on a machine with
            # fewer cores than busy processes, the wall time a key cannot be below the
            # sum of these over the processes sharing a core
            result["cpu_ms"] = (time.process_time() - cpu) * 1000 / len(result["keystrokes"])
        else:  # write, round after round, until the consoles are done
            rounds = busy = 0
            last = "nothing done"
            while True:
                try:
                    if role == "import":
                        last = run_import(url, folder, args.import_rows)
                    else:
                        # shells in a band of ids of their own, downwards from 1.5e9
                        first = SHELL_IDS - (rounds + busy + 1) * args.retention_shells
                        last = run_retention(url, args.retention_shells, first)
                    rounds += 1
                except Exception as exc:  # SQLite: the other writer held the lock too long
                    if "locked" not in str(exc):
                        raise
                    busy += 1
                if args.stop.exists():
                    break
            result = {"summary": last, "rounds": rounds, "busy": busy}
        result.update(role=role, seconds=time.monotonic() - started)
        print(json.dumps(result), flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


async def type_queries(url: str, rounds: int) -> list[float]:
    """Keystroke -> results painted (ms) over ``rounds`` of the console bench's query mix."""
    from bench.bench_console import (
        QUERY_MIX,
        PaintClock,
        bench_app,
        paint_times,
        press_key,
        wait_until,
    )
    from finconsole.core.store import db

    app = bench_app(url)
    times: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        clock = PaintClock(app)
        register = app.screen
        shown = paint_times(register)
        await wait_until(lambda: register.searches_painted > 0, timeout=60)
        for _ in range(rounds):
            for query in QUERY_MIX:
                register.query_one("#search").value = ""
                await app.workers.wait_for_complete()
                await pilot.pause()
                for ch in query:
                    count = len(shown)
                    started = time.perf_counter()
                    await press_key(app, {" ": "space"}.get(ch, ch))
                    done = await clock.painted_after(
                        lambda c=count: shown[c] if len(shown) > c else None
                    )
                    times.append((done - started) * 1000)
                    await app.workers.wait_for_complete()
    db.close()
    return times


def run_import(url: str, folder: Path, rows: int) -> str:
    from bench.bench_import import write_csv
    from finconsole.core.imports import registry
    from finconsole.core.kernel.actor import Actor
    from finconsole.core.store import db

    path = folder / "customers.csv"
    write_csv(path, rows, seed=random.randrange(1 << 30))
    db.connect(url)
    try:
        return registry.import_file(Actor.cli(), "shopify-customers", path).summary()
    finally:
        db.close()


def run_retention(url: str, shells: int, first_id: int) -> str:
    from bench import bench_erasure
    from finconsole.core.erasure import retention
    from finconsole.core.kernel.actor import Actor
    from finconsole.core.store import db

    db.connect(url)
    try:
        bench_erasure.RETENTION = shells
        bench_erasure.add_retention_shells(random.Random(), first_id)
        return retention.run(Actor.cli()).summary()
    finally:
        db.close()
