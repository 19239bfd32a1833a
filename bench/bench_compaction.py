"""What making a PostgreSQL erasure permanent costs (issue 16): the rewrite of every table an
erasure touches (``store.online_rewrite``, readers going on), compared in the same run with
what it replaced (plain ``VACUUM``), with ``VACUUM FULL`` of the same tables and with the
erasure's own deletes; and how long another console's look-ups stall during each rewrite.

    python -m bench.bench_compaction --server postgresql://postgres@127.0.0.1:5432/postgres \\
        [--customers N | --template DBNAME] [--keep]

With ``--template`` the register is a copy of an existing benchmark database (``CREATE
DATABASE ... TEMPLATE``: minutes instead of a demo build); else a demo register of N customers
is built. The copy is dropped afterwards unless ``--keep``.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from bench.common import describe, postgres_register
from finconsole.core.erasure import erasure
from finconsole.core.kernel.actor import Actor
from finconsole.core.settings import config as config_mod
from finconsole.core.settings import keys, runtime
from finconsole.core.store import db, migrations, permanence
from finconsole.core.store.models import Customer, Order, database


def copy_of(server: str, template: str) -> str:
    name = f"{template}_i16a_copy"
    admin = db.make_database(server)
    admin.connect()
    admin.execute_sql(f"DROP DATABASE IF EXISTS {name}")
    started = time.monotonic()
    admin.execute_sql(f"CREATE DATABASE {name} TEMPLATE {template}")
    print(f"copied {template} in {time.monotonic() - started:.1f} s", flush=True)
    admin.close()
    url = urlparse(server)._replace(path="/" + name).geturl()
    # a copy made by another branch's finconsole may carry a later schema number: the tables
    # an erasure touches are the same, so the copy is labelled with this one's
    copy = db.make_database(url)
    copy.connect()
    copy.execute_sql(
        "UPDATE meta SET value = %s WHERE key = 'schema_version' AND value::int > %s",
        (str(migrations.CURRENT_VERSION), migrations.CURRENT_VERSION),
    )
    copy.close()
    return url


def drop(server: str, url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    admin = db.make_database(server)
    admin.connect()
    admin.execute_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


def sizes() -> dict[str, int]:
    out = {}
    for table in erasure.TOUCHED_TABLES:
        row = database.execute_sql("SELECT pg_total_relation_size(%s)", (f'"{table}"',))
        out[table] = row.fetchone()[0]
    return out


def timed(sql_for_table: str) -> tuple[float, dict[str, float]]:
    per = {}
    for table in erasure.TOUCHED_TABLES:
        started = time.monotonic()
        database.execute_sql(sql_for_table.format(table=table))
        per[table] = time.monotonic() - started
    return sum(per.values()), per


class Reader(threading.Thread):
    """Another console: a customer look-up by id every 20 ms, on its own connection."""

    def __init__(self, url: str, top: int) -> None:
        super().__init__(daemon=True)
        self.url, self.top = url, top
        self.times: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        other = db.make_database(self.url)
        other.connect()
        rng = random.Random(3)
        while not self.stop.is_set():
            started = time.monotonic()
            other.execute_sql(
                'SELECT c.id, count(o.id) FROM customer c LEFT JOIN "order" o ON o.customer_id '
                "= c.id WHERE c.id = %s GROUP BY c.id",
                (rng.randrange(1, self.top),),
            ).fetchall()
            self.times.append((time.monotonic() - started) * 1000)
            time.sleep(0.02)
        other.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_compaction")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--template", help="copy this benchmark database instead of building")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-compaction-"))
    runtime.set_config(config_mod.Config(config_mod.defaults(), folder / "config.toml"))
    keys.create_key_file(folder / "finconsole.key")  # the erasure ledger's keyed hashes
    if args.template:
        url = copy_of(args.server, args.template)
    else:
        url = postgres_register(args.server, args.customers)
    try:
        return measure(url)
    finally:
        db.close()
        if args.template and not args.keep:
            drop(args.server, url)


def measure(url: str) -> int:
    db.connect(url, migrate=True)
    customers = Customer.select().count()
    total = sum(sizes().values())
    print(f"register: {customers:,} customers, touched tables {total / 2**20:,.0f} MiB")
    # 1. the baseline of the same run: plain VACUUM (what an erasure did before #16)
    database.execute_sql("VACUUM")  # the copy's own dead tuples, so both start even
    plain, _ = timed('VACUUM "{table}"')
    # 2. one erasure's deletes (no compaction)
    target = Order.select(Order.customer).order_by(Order.id.desc()).first().customer_id
    started = time.monotonic()
    settle = permanence.settle
    permanence.settle = lambda *a, **k: permanence.Outcome(False)  # type: ignore[assignment]
    try:
        erasure.erase(Actor.cli(), target)
    finally:
        permanence.settle = settle  # type: ignore[assignment]
    deletes = time.monotonic() - started
    # 3. the compaction (our tables rewritten while readers go on), another console reading
    reader = Reader(url, customers)
    reader.start()
    time.sleep(1.0)
    before = len(reader.times)
    started = time.monotonic()
    outcome = permanence.settle(erasure.TOUCHED_TABLES)  # large: as the retention run does
    compaction = time.monotonic() - started
    during = reader.times[before:]
    # 4. the same run's baseline of the rewrite: VACUUM FULL of each table, the reader on
    full_started = len(reader.times)
    full, per = timed('VACUUM FULL "{table}"')
    during_full = reader.times[full_started:]
    reader.stop.set()
    reader.join()
    print(f"plain VACUUM of the touched tables (baseline): {plain:.2f} s")
    print(f"the erasure's deletes: {deletes:.2f} s")
    print(
        f"the compaction of the touched tables: {compaction:.2f} s, done={outcome.done} "
        f"{outcome.reason}".rstrip()
    )
    print(f"VACUUM FULL of the same tables (the rewrite before it went online): {full:.2f} s")
    for table, seconds in sorted(per.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  {table}: {seconds:.2f} s")
    print(f"ratio compaction / plain VACUUM: {compaction / max(plain, 1e-6):.1f}x")
    print(f"another console before it: {describe(reader.times[:before] or [0.0])}")
    print(f"another console during the compaction: {describe(during or [0.0])}")
    print(f"another console during VACUUM FULL: {describe(during_full or [0.0])}")
    return 0 if outcome.done else 1


if __name__ == "__main__":
    raise SystemExit(main())
