"""Demo register generation: wall time and peak memory, against a bare executemany baseline.

python -m bench demo [--customers N] [--seed S] [--pg URL]

Runs ``finconsole demo`` in a child process on a fresh SQLite file (kept as
bench/out/register_N_S.db, which ``bench search`` then reuses), sampling the resident memory of
it and its helper process every 50 ms. The baseline inserts the same number of rows, as
(integer, short text) pairs, with one executemany into a plain table without indexes, in a
fresh file, in the same run: the floor any loader of that many rows stands on.

With ``--pg URL`` the same demo then runs on a fresh database of that PostgreSQL server
(``fcbench_demo_N_S``, dropped and made anew; the load is COPY), and its time is compared with
the SQLite demo's of the same run (target: within 2x).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from urllib.parse import urlparse

from bench.common import OUT, descendants, remove_sqlite, rss_mib
from finconsole.core.store import db

try:
    import pysqlite3 as sqlite3
except ImportError:  # pragma: no cover
    import sqlite3


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench demo")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg", metavar="URL", help="also on this PostgreSQL server")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    seconds, peak, peak_main, rows, line = run_demo(args.customers, args.seed)
    print(line)
    print(f"demo: {args.customers:,} customers, {rows:,} rows in {seconds:.1f} s; peak memory "
          f"{peak:.0f} MiB (main process {peak_main:.0f} MiB)")  # fmt: skip
    base = baseline(rows)
    print(f"baseline: bare executemany of {rows:,} rows into a plain table: {base:.1f} s")
    print(f"ratio (demo / baseline): {seconds / base:.1f}x")
    if args.pg:
        url = fresh_postgres(args.pg, f"fcbench_demo_{args.customers}_{args.seed}")
        pg_seconds, pg_peak, _, pg_rows, _ = run_demo(args.customers, args.seed, url)
        print(f"PostgreSQL demo: {args.customers:,} customers, {pg_rows:,} rows in "
              f"{pg_seconds:.1f} s; peak memory {pg_peak:.0f} MiB (client processes)")  # fmt: skip
        print(f"ratio (PostgreSQL demo / SQLite demo, same run): {pg_seconds / seconds:.2f}x "
              "(target <= 2)")  # fmt: skip
    return 0


def fresh_postgres(server_url: str, name: str) -> str:
    """An empty database ``name`` on the server of ``server_url`` (dropped first if there)."""
    admin = db.make_database(server_url)
    admin.connect()
    admin.execute_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.execute_sql(f"CREATE DATABASE {name}")
    admin.close()
    return urlparse(server_url)._replace(path="/" + name).geturl()


def run_demo(
    customers: int, seed: int, url: str | None = None
) -> tuple[float, float, float, int, str]:
    config = OUT / f"bench_{customers}_{seed}{'_pg' if url else ''}.toml"
    command = [sys.executable, "-m", "finconsole", "--config", str(config)]
    if url is None:
        path = OUT / f"register_{customers}_{seed}.db"
        remove_sqlite(path)
        url = f"sqlite:///{path.resolve()}"
    # init: the schema, and the key file the demo officer's TOTP secret is sealed with
    subprocess.run(command + ["init", "--force", "--db", url], check=True, capture_output=True)
    started = time.monotonic()
    child = subprocess.Popen(
        command + ["demo", "--customers", str(customers), "--seed", str(seed)],
        stdout=subprocess.PIPE,
        text=True,
    )
    peak = peak_main = 0.0
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        main_rss = rss_mib(child.pid)
        total = main_rss + sum(rss_mib(pid) for pid in descendants(child.pid))
        peak, peak_main = max(peak, total), max(peak_main, main_rss)
        time.sleep(0.05)
    seconds = time.monotonic() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    output = child.stdout.read().strip() if child.stdout else ""
    if child.returncode != 0:
        raise SystemExit(f"finconsole demo failed ({child.returncode}): {output}")
    # CPU time (both processes): what the run costs whatever else the machine is doing
    print(f"cpu: {usage.ru_utime + usage.ru_stime:.1f} s (user {usage.ru_utime:.1f} s, "
          f"system {usage.ru_stime:.1f} s)")  # fmt: skip
    rows = sum(int(n.replace(",", "")) for n in re.findall(r"([\d,]+) [a-z ]+?(?:,|\))", output))
    return seconds, peak, peak_main, rows, output.splitlines()[0]


def baseline(rows: int) -> float:
    path = OUT / "baseline.db"
    remove_sqlite(path)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = wal")
    con.execute("CREATE TABLE plain (id INTEGER PRIMARY KEY, value TEXT)")
    started, cpu = time.monotonic(), time.process_time()
    con.execute("BEGIN")
    batch = 100_000
    for start in range(0, rows, batch):
        con.executemany(
            "INSERT INTO plain VALUES (?, ?)",
            ((i, "x") for i in range(start, min(rows, start + batch))),
        )
    con.execute("COMMIT")
    seconds = time.monotonic() - started
    print(f"baseline cpu: {time.process_time() - cpu:.1f} s")
    con.close()
    remove_sqlite(path)
    return seconds
