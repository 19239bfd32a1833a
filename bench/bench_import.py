"""Import N Shopify customer rows and compare with sqlite3's own ``.import`` of the same CSV.

    python -m bench import [--rows 1000000] [--keep DIR] [--floor] [--reimport] [--pg URL]

Prints both times, the ratio (target: at most 6x, issue #14) and the peak memory of this
process (target: under 300 MB whatever the file size: the import streams). The import goes
into an empty register, so on SQLite it is a shop's first import (``shop_fresh``: one load);
``--reimport`` then imports the file again with 15 % of the customers changed, chunk by chunk
as every later import is. With ``--pg URL`` the
import goes into a fresh database ``fcbench_import_N`` of that server and the baseline is
PostgreSQL's own ``COPY ... FROM STDIN (FORMAT csv)`` of the same file into a bare table;
the same import into a fresh SQLite register runs in the same run, and the PostgreSQL import
is compared with it (target: within 2x).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST = ["Aino", "Väinö", "Eetu", "Sanna", "Mikko", "Helmi", "Kalle", "Siiri", "Åsa", "Örjan"]
LAST = ["Virtanen", "Mäkinen", "Hämäläinen", "Korhonen", "Nieminen", "Söderholm", "Öhman"]
CITIES = [("Helsinki", "00730"), ("Tampere", "33100"), ("Oulu", "90100"), ("Jyväskylä", "40100")]


def write_csv(path: Path, rows: int, seed: int = 8, changed: bool = False) -> None:
    """``changed``: the same customers, 15 % of them with a new street and surname."""
    from tests.fixtures.make_shop_exports import SHOPIFY_CUSTOMER_HEADER

    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(SHOPIFY_CUSTOMER_HEADER)
        for i in range(1, rows + 1):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            city, zipcode = rng.choice(CITIES)
            street = f"Kauppakatu {i % 90 + 1}"
            if changed and i % 20 < 3:
                last, street = last + "-Uusi", f"Uusikatu {i % 90 + 1}"
            writer.writerow(
                [
                    f"'{10_000_000 + i}",
                    first,
                    last,
                    f"asiakas{i}@esimerkki.fi",
                    "no" if i % 5 == 0 else "yes",
                    "",
                    street,
                    "",
                    city,
                    "",
                    "FI",
                    f"'{zipcode}",
                    "",
                    f"+35840{i % 10_000_000:07d}",
                    "no",
                    "12.50",
                    "1",
                    "",
                    "no",
                    "",
                ]
            )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def settled() -> None:
    """Write back every dirty page first (the CSV just written, the last run's database): a
    timed run then does not pay for the bench's own earlier writes (about 1.5 s of a 1M
    import, after the 124 MB CSV). Called before each timed run, ours and the baselines."""
    os.sync()


def time_sqlite3_import(csv_path: Path, work: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of ``sqlite3``'s own ``.import`` into a bare table."""
    target = work / "bare.db"
    target.unlink(missing_ok=True)
    settled()
    script = f".mode csv\n.import '{csv_path}' customers\n"
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run(["sqlite3", str(target)], input=script, text=True, check=True)
    return time.perf_counter() - start, _children_cpu() - cpu


def time_postgres_copy(csv_path: Path, server_url: str, rows: int) -> tuple[float, float]:
    """(wall, server-side share unknown: client CPU) seconds of a bare COPY of the CSV."""
    from bench.bench_demo import fresh_postgres
    from finconsole.core.store import db

    url = fresh_postgres(server_url, f"fcbench_import_bare_{rows}")
    database = db.make_database(url)
    database.connect()
    columns = ", ".join(f"c{i} TEXT" for i in range(20))
    database.execute_sql(f"CREATE TABLE customers ({columns})")
    settled()
    cpu, start = time.process_time(), time.perf_counter()
    with database.atomic(), csv_path.open(encoding="utf-8") as fh:
        database.cursor().copy_expert("COPY customers FROM STDIN (FORMAT csv, HEADER)", fh)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    database.close()
    return elapsed, cpu


def time_finconsole_import(
    csv_path: Path, work: Path, url: str | None = None
) -> tuple[float, float, str]:
    from finconsole.core.imports import registry
    from finconsole.core.kernel.actor import Actor
    from finconsole.core.settings import config, keys, runtime
    from finconsole.core.store import db

    if not (work / "finconsole.key").exists():  # a re-import goes into the same register
        keys.create_key_file(work / "finconsole.key")
    runtime.set_config(config.Config(config.defaults(), work / "config.toml"))
    db.connect(url or f"sqlite:///{work / 'finconsole.db'}", migrate=True)
    settled()
    # CPU of this process and of the helper process that parses big files ahead of it
    cpu, start = time.process_time() + _children_cpu(), time.perf_counter()
    result = registry.import_file(Actor.cli(), "shopify-customers", csv_path)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() + _children_cpu() - cpu
    db.close()
    return elapsed, cpu, result.summary()


def time_sql_floor(rows: int, work: Path) -> dict[str, float]:
    """CPU seconds to write what the import writes (customer, address, search entry per row;
    one audit event per row, as the import wrote before it wrote one per run of new ids)
    from ready-made tuples: the schema's own cost, with no Python parsing. Timed per part,
    so that the search index's share (which no parsing trick can remove) shows."""
    from finconsole.core.imports import shop_writer as w
    from finconsole.core.store import db
    from finconsole.core.store.models import database

    db.connect(f"sqlite:///{work / 'floor.db'}", migrate=True)
    now = "2026-03-15 12:00:00"
    parts = dict.fromkeys(("customer and address rows", "search index entries", "audit"), 0.0)

    def timed(part: str, write, *args) -> None:
        cpu = time.process_time()
        write(*args)
        parts[part] += time.process_time() - cpu

    for start in range(1, rows + 1, 10_000):
        ids = range(start, min(start + 10_000, rows + 1))
        with database.atomic():
            timed("customer and address rows", _floor_customers, w, ids, now)
            timed("search index entries", _floor_documents, database, ids)
            timed("audit", _floor_audit, w, ids, now)
    db.close()
    return parts


def _floor_customers(w, ids: range, now: str) -> None:
    w.insert_many(
        "customer",
        w.CUSTOMER_COLUMNS,
        [
            (i, f"shopify:{i}", "Aino", "Virtanen", f"a{i}@esimerkki.fi")
            + (f"+35840{i:07d}", False, "fi", "", None, False, now, now, 1)
            for i in ids
        ],
    )
    w.insert_many(
        "address",
        (*w.ADDRESS_COLUMNS, "is_default", "version"),
        [(i, "postal", "Kauppakatu 1", "", "00730", "Helsinki", "FI", True, 1) for i in ids],
    )


def _floor_documents(database, ids: range) -> None:
    database.cursor().executemany(
        "INSERT INTO customer_fts(rowid, doc) VALUES (?, ?)",
        [(i, f"aino virtanen a{i} esimerkki fi 35840{i:07d} 040{i:07d} 00730") for i in ids],
    )


def _floor_audit(w, ids: range, now: str) -> None:
    w.insert_many(
        "audit_event",
        ("at", "actor", "channel", "action", "target_type", "target_id", "customer_id")
        + ("fields", "outcome", "prev_hash", "hash"),
        [
            (now, "cli:b", "cli", "import_customer", "customer", i, i, "email", "ok", "0", "1")
            for i in ids
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument(
        "--floor", action="store_true", help="also time the bare SQL writes the import makes"
    )
    parser.add_argument(
        "--reimport", action="store_true", help="then re-import the file with 15 %% changed"
    )
    parser.add_argument("--pg", metavar="URL", help="import into a fresh database there")
    args = parser.parse_args(argv)
    if args.pg:
        return main_postgres(args)
    if shutil.which("sqlite3") is None:
        print("the sqlite3 command-line shell is needed for the baseline", file=sys.stderr)
        return 1
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_import_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        csv_path = work / "customers.csv"
        write_csv(csv_path, args.rows)
        size_mb = csv_path.stat().st_size / 1e6
        base_wall, base_cpu = time_sqlite3_import(csv_path, work)
        ours, ours_cpu, summary = time_finconsole_import(csv_path, work)
        again_wall, again_cpu = time_sqlite3_import(csv_path, work)  # load drifts: best of two
        base_wall, base_cpu = min(base_wall, again_wall), min(base_cpu, again_cpu)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"rows: {args.rows:,} ({size_mb:.0f} MB CSV)")
        print(f"sqlite3 .import into a bare table: {base_wall:.2f} s wall, {base_cpu:.2f} s CPU")
        print(
            f"finconsole import shopify-customers: {ours:.2f} s wall, {ours_cpu:.2f} s CPU "
            "(with its helper processes) "
            f"({args.rows / ours:,.0f} rows/s)"
        )
        print(f"  {summary}")
        print(f"ratio: {ours / base_wall:.2f}x wall, {ours_cpu / base_cpu:.2f}x CPU (target <= 6x)")
        print(f"peak RSS of this process: {peak_mb:.0f} MB (target < 300 MB)")
        if args.reimport:
            changed_path = work / "customers-changed.csv"
            write_csv(changed_path, args.rows, changed=True)
            base_wall, base_cpu = time_sqlite3_import(changed_path, work)
            ours, ours_cpu, summary = time_finconsole_import(changed_path, work)
            print(
                f"re-import, 15 % changed: {ours:.2f} s wall, {ours_cpu:.2f} s CPU; "
                f"sqlite3 .import {base_wall:.2f} s wall, {base_cpu:.2f} s CPU"
            )
            print(f"  {summary}")
            print(f"re-import ratio: {ours / base_wall:.2f}x wall, {ours_cpu / base_cpu:.2f}x CPU")
        if args.floor:
            parts = time_sql_floor(args.rows, work)
            floor = sum(parts.values())
            print(
                f"floor: the same writes from ready tuples: {floor:.2f} s CPU = "
                f"{floor / base_cpu:.2f}x sqlite3's .import (the schema's indexes, search "
                "index and audit trail alone)"
            )
            for part, seconds in parts.items():
                print(f"  {part}: {seconds:.2f} s CPU = {seconds / base_cpu:.2f}x")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def main_postgres(args) -> int:
    from bench.bench_demo import fresh_postgres

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_import_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        csv_path = work / "customers.csv"
        write_csv(csv_path, args.rows)
        base_wall, _ = time_postgres_copy(csv_path, args.pg, args.rows)
        url = fresh_postgres(args.pg, f"fcbench_import_{args.rows}")
        ours, ours_cpu, summary = time_finconsole_import(csv_path, work, url)
        on_sqlite = work / "sqlite"  # the same import into a fresh SQLite register
        on_sqlite.mkdir(exist_ok=True)
        lite, lite_cpu, lite_summary = time_finconsole_import(csv_path, on_sqlite)
        again_wall, _ = time_postgres_copy(csv_path, args.pg, args.rows)  # best of two
        base_wall = min(base_wall, again_wall)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"rows: {args.rows:,} (PostgreSQL)")
        print(f"COPY (FORMAT csv) into a bare table: {base_wall:.2f} s wall")
        print(
            f"finconsole import shopify-customers: {ours:.2f} s wall, {ours_cpu:.2f} s client "
            f"CPU ({args.rows / ours:,.0f} rows/s)"
        )
        print(f"  {summary}")
        print(
            f"the same import on SQLite: {lite:.2f} s wall, {lite_cpu:.2f} s CPU "
            f"({args.rows / lite:,.0f} rows/s)"
        )
        print(f"  {lite_summary}")
        print(f"ratio: {ours / base_wall:.2f}x the bare COPY (wall)")
        print(f"PostgreSQL / SQLite import: {ours / lite:.2f}x wall (target <= 2x)")
        print(f"peak RSS of this process: {peak_mb:.0f} MB (target < 300 MB)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
