"""Many consoles at once: keystroke to results painted in each, against one console alone.

python -m bench consoles [--customers N] [--pg URL] [--consoles K] [--rounds R]
                         [--key-ms MS] [--read-ms MS] [--import-rows M]
                         [--retention-shells S] [--batch-nice NICE] [--pg-copy NAME]

Each console is a headless Pilot console (80x24) in a process of its own, typing the fixed
query mix of ``bench console`` key by key against one register, as support. First one console
types alone (the baseline, same run); then K consoles type at once (default 8 on PostgreSQL,
4 on SQLite) while, in two more processes, a Shopify customer import of M rows and a
retention run (S held erasures whose hold ended, added first) write to the same register,
round after round, at the niceness ``finconsole import`` and ``retention run`` take
(``[batch] nice``, default 10; ``--batch-nice 0`` runs them as before that setting). Every
console process is started and has painted its first screen before any of them types:
start-up is not a keystroke.

Two ways of typing, each measured alone and K at once in the same run:

- **paced** (the target): as a person types: a key every ``--key-ms`` (default 150 ms, a fast
  typist's 80 words a minute; each interval drawn from 0.7-1.3 times that), or as soon as the
  previous key's results are painted when that takes longer; between two queries the results
  are read for ``--read-ms`` (default 2,000 ms; drawn from 0.5-1.5 times that, which also
  spreads the consoles' starts). Target: p95 within 2x of one console alone typing the same
  way.
- **closed loop**: the next key as soon as the previous one is painted and its workers are
  done, no pause: K consoles typing flat out. On a machine with fewer cores than consoles this
  measures CPU saturation (each key waits for the other consoles' keys), not what a person
  at a console sees; printed for comparison (``--key-ms 0`` runs only this one).

Each console's median and p95 are printed with their ratio to the console alone, and its CPU
time a key while typing (start-up apart). The register is the demo register of N customers:
on PostgreSQL a copy of it (``bench.common.postgres_copy``, purpose ``--pg-copy``, default
``consoles``; the import and retention change it), on SQLite a copy of
``register_N_1.db`` in a scratch folder.
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

from bench.common import bench_config, ensure_key, percentile, postgres_copy, sqlite_register
from finconsole.core.store import db

# the retention run's shells get ids downwards from here: the import's ids (a sequence, or
# SQLite's AUTOINCREMENT) grow upwards from the register's, and never meet them
SHELL_IDS = 1_500_000_000
START_TIMEOUT = 300  # seconds for every console to paint its first screen


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench consoles")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--pg", metavar="URL", help="on a copy of the demo register there")
    parser.add_argument("--pg-copy", default="consoles", help="purpose name of that copy")
    parser.add_argument("--consoles", type=int, help="default: 8 on PostgreSQL, 4 on SQLite")
    parser.add_argument("--rounds", type=int, default=1, help="times each console types the mix")
    parser.add_argument("--key-ms", type=int, default=150, help="paced: a key every MS (0: none)")
    parser.add_argument("--read-ms", type=int, default=2000, help="paced: reading between queries")
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--retention-shells", type=int, default=2_000)
    parser.add_argument(
        "--batch-nice", type=int, help="the writers' [batch] nice (default: the config's, 10)"
    )
    parser.add_argument("--child", nargs=2, metavar=("ROLE", "URL"), help=argparse.SUPPRESS)
    parser.add_argument("--phase", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--index", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child[0], args.child[1], args)
    consoles = args.consoles or (8 if args.pg else 4)
    with tempfile.TemporaryDirectory(prefix="bench_consoles_") as scratch:
        folder = Path(scratch)
        url = register_url(args, folder)
        backend = "PostgreSQL" if args.pg else "SQLite"
        print(
            f"register: {args.customers:,} customers ({backend}); {consoles} consoles; "
            f"{os.cpu_count()} cores; load average {load_average()}",
            flush=True,
        )
        common = ["--rounds", str(args.rounds), "--import-rows", str(args.import_rows)]
        common += ["--retention-shells", str(args.retention_shells)]
        if args.batch_nice is not None:
            common += ["--batch-nice", str(args.batch_nice)]
        typings = [("closed loop", 0, 0)]
        if args.key_ms:
            typings.insert(0, ("paced", args.key_ms, args.read_ms))
        for name, key_ms, read_ms in typings:
            typing = [*common, "--key-ms", str(key_ms), "--read-ms", str(read_ms)]
            if key_ms:
                how = f"a key every ~{key_ms} ms, ~{read_ms} ms reading between queries"
            else:
                how = "each key as soon as the previous one painted"
            print(f"--- {name} ({how})", flush=True)
            alone = run_phase(folder / f"{name} alone", url, ["console"], typing)[0]
            print(f"one console alone: {summary(alone)}; load average {load_average()}")
            roles = ["console"] * consoles + ["import", "retention"]
            started = time.monotonic()
            results = run_phase(folder / f"{name} all", url, roles, typing)
            took = time.monotonic() - started
            report(name, results[:consoles], results[consoles:], alone, took)
    return 0


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def register_url(args, folder: Path) -> str:
    if args.pg:
        url = postgres_copy(args.pg, args.customers, args.pg_copy)
        # a copy kept from an earlier run may predate this code's migrations: the consoles
        # (eight at once) must find it ready, not each try to migrate it
        ensure_key()
        db.connect(url, migrate=True)
        db.close()
        return url
    source = Path(sqlite_register(args.customers).removeprefix("sqlite:///"))
    target = folder / "register.db"
    shutil.copyfile(source, target)  # the demo leaves it checkpointed: the file is all of it
    return f"sqlite:///{target}"


def run_phase(phase: Path, url: str, roles: list[str], common: list[str]) -> list[dict]:
    """Start one process a role at once; their JSON results, in the order of ``roles``. The
    consoles type once all of them are up; the writers stop when the consoles are done."""
    phase.mkdir()
    count = roles.count("console")
    procs = []
    for index, role in enumerate(roles):
        command = [sys.executable, "-m", "bench", "consoles", *common, "--phase", str(phase)]
        command += ["--index", str(index), "--count", str(count), "--child", role, url]
        procs.append(subprocess.Popen(command, cwd=Path.cwd(), stdout=subprocess.PIPE, text=True))
    try:
        results = []
        for role, proc in zip(roles, procs, strict=True):
            if role != "console":
                (phase / "stop").touch()  # the consoles are done: the writers finish their round
            out, _ = proc.communicate()
            lines = [line for line in out.splitlines() if line.startswith("{")]
            if proc.returncode != 0 or not lines:
                raise SystemExit(f"bench consoles: the {role} process failed ({proc.returncode})")
            results.append(json.loads(lines[-1]))
        return results
    finally:
        (phase / "stop").touch()
        for proc in procs:  # after a failure: none left writing forever
            if proc.poll() is None:
                proc.terminate()
                proc.wait()


def summary(result: dict) -> str:
    times = result["keystrokes"]
    return (
        f"median {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
        f"max {max(times):.0f} ms over {len(times)} keys; CPU {result['cpu_ms']:.1f} ms a key "
        f"(start-up {result['startup_cpu_ms']:.0f} ms)"
    )


def report(name: str, consoles: list[dict], writers: list[dict], alone: dict, took: float) -> None:
    base_median = statistics.median(alone["keystrokes"])
    base_p95 = percentile(alone["keystrokes"], 0.95)
    for number, result in enumerate(consoles, 1):
        times = result["keystrokes"]
        median, p95 = statistics.median(times), percentile(times, 0.95)
        print(
            f"console {number}: median {median:6.1f} ms, p95 {p95:6.1f} ms, max "
            f"{max(times):5.0f} ms; ratio to alone: median {median / base_median:.2f}x, p95 "
            f"{p95 / base_p95:.2f}x; CPU {result['cpu_ms']:.1f} ms a key"
        )
    every = [t for result in consoles for t in result["keystrokes"]]
    p95 = percentile(every, 0.95)
    target = " (target <= 2)" if name == "paced" else " (saturation: not the target)"
    print(
        f"{name}, all consoles: median {statistics.median(every):.1f} ms, p95 {p95:.1f} ms; p95 "
        f"ratio to one console alone {p95 / base_p95:.2f}x{target}; load average "
        f"{load_average()}"
    )
    for result in writers:
        print(
            f"meanwhile {result['role']} (niceness {result['niceness']}), {result['rounds']} "
            f"rounds in {result['seconds']:.1f} s ({result['busy']} given up: database locked), "
            f"the last: {result['summary']}"
        )
    print(f"(all processes together: {took:.1f} s)", flush=True)


# --- the child processes ------------------------------------------------------------------


def child(role: str, url: str, args) -> int:
    """One console, the import or the retention run; prints one JSON line."""
    from finconsole.core.settings import priority, runtime

    folder = Path(tempfile.mkdtemp(prefix=f"bench_{role}_"))
    try:
        config = bench_config(folder)
        if args.batch_nice is not None:
            config.data["batch"]["nice"] = args.batch_nice
        runtime.set_config(config)
        started = time.monotonic()
        if role == "console":
            result: dict = asyncio.run(type_queries(url, args))
        else:  # as `finconsole import` and `retention run` do: yield the CPU to the consoles
            result = {"niceness": priority.run_as_batch(), **write(role, url, folder, args)}
        result.update(role=role, seconds=time.monotonic() - started)
        print(json.dumps(result), flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def write(role: str, url: str, folder: Path, args) -> dict:
    """Import or retention, round after round, until the consoles are done."""
    rounds = busy = 0
    last = "nothing done"
    stop = args.phase / "stop"
    while not stop.exists():
        try:
            if role == "import":
                last = run_import(url, folder, args.import_rows)
            else:
                last = run_retention(url, args.retention_shells)
            rounds += 1
        except Exception as exc:  # SQLite: the other writer held the lock too long
            if not gave_up_locked(exc):
                raise
            busy += 1
    return {"summary": last, "rounds": rounds, "busy": busy}


def gave_up_locked(exc: BaseException | None) -> bool:
    """SQLite's "database is locked", itself or as the cause of the import's stop."""
    while exc is not None:
        if "locked" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


async def all_ready(phase: Path, index: int, count: int) -> None:
    """Every console of the phase has painted its first screen (a file each)."""
    (phase / f"ready{index}").touch()
    deadline = time.monotonic() + START_TIMEOUT
    while len(list(phase.glob("ready*"))) < count:
        if time.monotonic() > deadline:
            raise TimeoutError("not every console started in time")
        await asyncio.sleep(0.02)


async def type_queries(url: str, args) -> dict:
    """Keystroke -> results painted (ms) over ``args.rounds`` of the console bench's query
    mix, paced as a person types when ``args.key_ms``; CPU a key while typing."""
    from bench.bench_console import (
        QUERY_MIX,
        PaintClock,
        bench_app,
        paint_times,
        press_key,
        wait_until,
        workers_done,
    )
    from finconsole.core.store import db

    rng = random.Random(args.index)  # each console its own rhythm, the same in every run
    app = bench_app(url)
    times: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        clock = PaintClock(app)
        register = app.screen
        shown = paint_times(register)
        await wait_until(lambda: register.searches_painted > 0, timeout=START_TIMEOUT)
        await pilot.pause(0.5)  # the customer screen's prewarm, as a person would not type yet
        startup_cpu = time.process_time()
        await all_ready(args.phase, args.index, args.count)
        cpu = time.process_time()
        for _ in range(args.rounds):
            for query in QUERY_MIX:
                register.query_one("#search").value = ""
                await workers_done(app)
                await pilot.pause()
                if args.key_ms:  # reading the last results before the next query
                    await asyncio.sleep(rng.uniform(0.5, 1.5) * args.read_ms / 1000)
                next_key = time.perf_counter()
                for ch in query:
                    if (wait := next_key - time.perf_counter()) > 0:
                        await asyncio.sleep(wait)
                    count = len(shown)
                    started = time.perf_counter()
                    await press_key(app, {" ": "space"}.get(ch, ch))
                    done = await clock.painted_after(
                        lambda c=count: shown[c] if len(shown) > c else None,
                        timeout=START_TIMEOUT,  # a search waiting for a table lock: measured
                    )
                    times.append((done - started) * 1000)
                    await workers_done(app)
                    next_key = started + rng.uniform(0.7, 1.3) * args.key_ms / 1000
        cpu = time.process_time() - cpu
    db.close()
    # CPU of the console process (its worker threads included) while typing, the clearing
    # searches between queries included: on a machine with fewer cores than busy processes,
    # closed-loop keys cannot be painted faster than the sum of these over the processes
    return {
        "keystrokes": times,
        "cpu_ms": cpu * 1000 / len(times),
        "startup_cpu_ms": startup_cpu * 1000,
    }


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


def run_retention(url: str, shells: int) -> str:
    from bench import bench_erasure
    from finconsole.core.erasure import retention
    from finconsole.core.kernel.actor import Actor
    from finconsole.core.store import db
    from finconsole.core.store.models import database

    db.connect(url)
    try:
        # shells in a band of ids of their own, downwards from 1.5e9 below any used before
        # (an earlier round's, run's or phase's: their erasures stay in the ledger)
        lowest = database.execute_sql(
            "SELECT min(id) FROM (SELECT min(id) AS id FROM customer WHERE id > 1000000000"
            " UNION ALL SELECT min(customer_id) FROM erasure_ledger"
            " WHERE customer_id > 1000000000) AS used"
        ).fetchone()[0]
        bench_erasure.RETENTION = shells
        bench_erasure.add_retention_shells(random.Random(), (lowest or SHELL_IDS) - shells)
        return retention.run(Actor.cli()).summary()
    finally:
        db.close()
