"""Erasure at scale (issue 6 targets), on SQLite, or with ``--pg URL`` on PostgreSQL:

1. erase one customer with 8 orders, parcels and tracking events in a 1,000,000-customer
   register, including what makes it permanent (secure delete, FTS5 secure-delete, WAL
   checkpoint TRUNCATE): target < 500 ms; compared with a bare primary-key DELETE timed in the
   same run;
2. complete 10,000 held erasures (hold ended) in one retention run: target < 2 minutes.

    python -m bench erasure [--customers N] [--rebuild] [--dir PATH] [--pg URL]

The register is built once (bulk inserts, ~2-4 min for 1M) and kept in --dir; every run uses
customers it has not erased yet. --rebuild starts from scratch. On PostgreSQL the register is
a copy of the demo register of N (``bench.common.postgres_copy``; --rebuild copies it anew);
making an erasure permanent there is a VACUUM of the tables it touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.common import postgres_copy, sync_sequences
from finconsole.core.erasure import erasure, retention
from finconsole.core.kernel.actor import Actor
from finconsole.core.settings import config as config_mod
from finconsole.core.settings import keys, runtime
from finconsole.core.store import db
from finconsole.core.store import search_index as search
from finconsole.core.store.models import Customer, database
from finconsole.core.store.search_tokens import customer_document

TARGETS = 30  # customers with 8 orders, erased one by one and timed
RETENTION = 10_000  # shells whose hold ended, completed in one retention run
FIRST = ["Aino", "Eero", "Helmi", "Ilmari", "Kaisa", "Lauri", "Minna", "Onni", "Sanna", "Veeti"]
LAST = ["Virtanen", "Korhonen", "Nieminen", "Mäkinen", "Hämäläinen", "Laine", "Heikkinen"]
NOW = dt.datetime(2026, 11, 20, 12, 0)


class _Cursor:
    """The register's cursor, taking SQLite's ``?`` marks on PostgreSQL too."""

    def __init__(self) -> None:
        self.cursor = database.cursor()

    def executemany(self, sql: str, rows) -> None:
        self.cursor.executemany(_marks(sql), rows)

    def execute(self, sql: str, params=()):
        return database.execute_sql(_marks(sql), params)


def _marks(sql: str) -> str:
    return sql if db.is_sqlite() else sql.replace("?", "%s")


def build(n: int, rng: random.Random) -> None:
    """Bulk-load n customers (1 address, 1 order, 1 parcel, 2 events each) and the targets."""
    cur = _Cursor()
    stamp = NOW.isoformat(sep=" ")
    customers, addresses, docs = [], [], []
    for cid in range(1, n + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST) + f"{cid % 997}"
        email = f"{first.lower()}.{cid}@example.fi"
        phone = f"+35840{cid:07d}"
        customers.append((cid, first, last, email, phone, "fi", "", 0, stamp, stamp, 1))
        postcode = f"{rng.randrange(100, 99999):05d}"
        addresses.append((cid, "postal", f"Katu {cid}", "", postcode, "Helsinki", "FI", 1, 1))
        codes = [f"FS-{cid}", f"JJFI{cid:010d}"]
        docs.append((cid, customer_document(
            {"first_name": first, "last_name": last, "email": email, "phone": phone},
            [postcode], codes)))  # fmt: skip
    with database.atomic():
        cur.executemany(
            "INSERT INTO customer(id, first_name, last_name, email, phone, language, note, "
            "restricted, created_at, updated_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            customers,
        )
        cur.executemany(
            "INSERT INTO address(customer_id, kind, street, street2, postcode, city, country, "
            "is_default, version) VALUES (?,?,?,?,?,?,?,?,?)",
            addresses,
        )
        _orders(cur, [(cid, f"FS-{cid}", NOW - dt.timedelta(days=cid % 900)) for cid in
                      range(1, n + 1)])  # fmt: skip
    print(f"  {n:,} customers, addresses, orders, parcels, events", flush=True)
    with database.atomic():
        search.write_documents(docs)
    print("  search index", flush=True)


def _orders(cur, rows: list[tuple[int, str, dt.datetime]], invoice: str = "paid") -> None:
    """One order with a line, a parcel and two tracking events for each (customer, number, at)."""
    cur.executemany(
        'INSERT INTO "order"(customer_id, order_number, ordered_at, currency, subtotal_cents, '
        "shipping_cents, tax_cents, total_cents, invoice_status, invoiced_at, collection_status, "
        "fulfilment_status, billing_name, billing_street, billing_postcode, billing_city, "
        "billing_country, shipping_name, shipping_street, shipping_postcode, shipping_city, "
        "shipping_country, restricted, created_at, updated_at, version) VALUES "
        "(?,?,?,'EUR',4000,590,990,5580,?,?,'none','fulfilled','Buyer Name','Katu 1','00100',"
        "'Helsinki','FI','Receiver Name','Katu 1','00100','Helsinki','FI',FALSE,?,?,1)",
        [(c, num, at.isoformat(sep=" "), invoice, at.isoformat(sep=" "), at.isoformat(sep=" "),
          at.isoformat(sep=" ")) for c, num, at in rows],
    )  # fmt: skip
    ids = _ids_by_number(cur, min(c for c, _, _ in rows))
    order_ids = [ids[num] for _, num, _ in rows]
    cur.executemany(
        "INSERT INTO order_line(order_id, product, quantity, unit_price_cents) "
        "VALUES (?, 'Figure', 1, 4000)",
        [(oid,) for oid in order_ids],
    )
    # parcel ids after the highest (a demo register's parcels are not numbered as its orders)
    base = cur.execute("SELECT COALESCE(MAX(id), 0) FROM parcel").fetchone()[0]
    parcel_ids = {oid: base + k + 1 for k, oid in enumerate(order_ids)}
    cur.executemany(
        "INSERT INTO parcel(id, order_id, carrier, tracking_code, status, created_at) "
        "VALUES (?, ?, 'posti', ?, 'delivered', ?)",
        [(parcel_ids[oid], oid, f"JJFI{oid:010d}", NOW.isoformat(sep=" ")) for oid in order_ids],
    )
    cur.executemany(
        "INSERT INTO tracking_event(parcel_id, occurred_at, code, status, location, description) "
        "VALUES (?, ?, ?, 'in_transit', 'HELSINKI', 'Lähetys on kuljetuksessa')",
        [(parcel_ids[oid], NOW.isoformat(sep=" "), code)
         for oid in order_ids for code in ("31", "22")],
    )  # fmt: skip


def _ids_by_number(cur, first_customer: int) -> dict[str, int]:
    sql = 'SELECT order_number, id FROM "order" WHERE customer_id >= ?'
    return dict(cur.execute(sql, (first_customer,)).fetchall())


def add_targets(rng: random.Random) -> list[int]:
    """TARGETS new customers with 8 orders each: 4 old (voucher period over), 4 held."""
    cur = _Cursor()
    base = database.execute_sql("SELECT max(id) FROM customer").fetchone()[0]
    ids = list(range(base + 1, base + TARGETS + 1))
    stamp = NOW.isoformat(sep=" ")
    with database.atomic():
        cur.executemany(
            "INSERT INTO customer(id, first_name, last_name, email, phone, language, note, "
            "restricted, created_at, updated_at, version) VALUES (?,?,?,?,?,'fi','',FALSE,?,?,1)",
            [(c, "Target", f"Person{c}", f"t{c}@example.fi", f"+35850{c:07d}", stamp, stamp)
             for c in ids],
        )  # fmt: skip
        rows = []
        for c in ids:
            for k in range(8):
                at = dt.datetime(2019, 5, 1) if k < 4 else NOW - dt.timedelta(days=30 * k)
                rows.append((c, f"T-{c}-{k}", at))
        _orders(cur, rows)
        cur.executemany(
            "INSERT INTO tracking_event(parcel_id, occurred_at, code, status, location, "
            "description) SELECT p.id, ?, '71', 'out_for_delivery', 'VANTAA', 'Jakelussa' "
            'FROM parcel p JOIN "order" o ON o.id = p.order_id WHERE o.customer_id = ?',
            [(NOW.isoformat(sep=" "), c) for c in ids],
        )
        for c in ids:
            search.reindex(c)
    if not db.is_sqlite():
        sync_sequences()
    return ids


def add_retention_shells(rng: random.Random, first_id: int | None = None) -> list[int]:
    """RETENTION restricted shells (as a partial erasure leaves them), holds already ended;
    ids from ``first_id`` (default: after the highest; given, the sequences stay as they are,
    so that a concurrent writer's ids cannot meet them: ``bench consoles``)."""
    cur = _Cursor()
    base = database.execute_sql("SELECT max(id) FROM customer").fetchone()[0]
    if first_id is not None:
        base = first_id - 1
    ids = list(range(base + 1, base + RETENTION + 1))
    stamp = NOW.isoformat(sep=" ")
    with database.atomic():
        cur.executemany(
            "INSERT INTO customer(id, first_name, last_name, language, note, restricted, "
            "created_at, updated_at, version) VALUES (?, '', '', 'fi', '', TRUE, ?, ?, 1)",
            [(c, stamp, stamp) for c in ids],
        )
        cur.executemany(
            'INSERT INTO "order"(customer_id, order_number, ordered_at, currency, subtotal_cents, '
            "shipping_cents, tax_cents, total_cents, invoice_status, invoiced_at, "
            "collection_status, fulfilment_status, billing_name, "
            "billing_street, billing_postcode, billing_city, billing_country, shipping_name, "
            "shipping_street, shipping_postcode, shipping_city, shipping_country, restricted, "
            "hold_until, created_at, updated_at, version) VALUES (?, ?, '2019-03-01 10:00:00', "
            "'EUR', 4000, 590, 990, 5580, 'paid', '2019-03-01 10:00:00', 'none', 'fulfilled', ?, "
            "'Katu 2', "
            "'00100', 'Helsinki', 'FI', '', '', '', '', 'FI', TRUE, '2026-01-01', ?, ?, 1)",
            [(c, f"H-{c}", f"Held Buyer {c}", stamp, stamp) for c in ids],
        )
        cur.executemany(
            "INSERT INTO order_line(order_id, product, quantity, unit_price_cents) "
            "SELECT id, 'Figure', 1, 5580 FROM \"order\" WHERE customer_id = ?",
            [(c,) for c in ids],
        )
        cur.executemany(
            "INSERT INTO erasure_ledger(erased_at, customer_id, subject_hash, request_ref, status,"
            " completes_on) VALUES (?, ?, ?, '', 'partial', '2026-01-01')",
            [(stamp, c, f"{c:064x}") for c in ids],
        )
    if not db.is_sqlite() and first_id is None:
        sync_sequences()
    return ids


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()) / "fc_bench_erasure"
    )
    parser.add_argument("--pg", metavar="URL", help="on a copy of the demo register there")
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"register_{args.customers}.db"
    if args.rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    cfg = config_mod.Config(config_mod.defaults(), args.dir / "config.toml")
    keys.create_key_file(args.dir / "finconsole.key")
    runtime.set_config(cfg)
    fresh = not path.exists() and not args.pg
    if args.pg:
        db.connect(postgres_copy(args.pg, args.customers, "erasure", fresh=args.rebuild))
    else:
        db.connect(f"sqlite:///{path}", migrate=True)
    rng = random.Random(6)
    if fresh:
        print(f"building a {args.customers:,}-customer register in {path} ...", flush=True)
        start = time.perf_counter()
        build(args.customers, rng)
        print(f"  built in {time.perf_counter() - start:.0f} s", flush=True)
    erasure.make_permanent()
    actor = Actor.cli()
    total = Customer.select().count()
    print(f"register: {total:,} customers ({'SQLite' if db.is_sqlite() else 'PostgreSQL'})")

    targets = add_targets(rng)
    erasure.make_permanent()
    bare_ids = [
        r[0]
        for r in database.execute_sql(
            _marks("SELECT id FROM address ORDER BY id DESC LIMIT ?"), (TARGETS,)
        ).fetchall()
    ]
    erase_ms, bare_ms = [], []
    for cid, address_id in zip(targets, bare_ids):
        bare_ms.append(
            timed(database.execute_sql, _marks("DELETE FROM address WHERE id = ?"), (address_id,))
        )
        erase_ms.append(timed(erasure.erase, actor, cid))
    median_erase, median_bare = statistics.median(erase_ms), statistics.median(bare_ms)
    print(
        f"erase 1 customer (8 orders, 8 parcels, 24 events, 4 orders held), permanent: "
        f"median {median_erase:.1f} ms, max {max(erase_ms):.1f} ms (target < 500 ms)"
    )
    print(f"bare primary-key DELETE (autocommit): median {median_bare:.2f} ms")
    print(f"ratio erase / bare delete: {median_erase / median_bare:.0f}x")

    add_retention_shells(rng)
    erasure.make_permanent()
    start = time.perf_counter()
    report = retention.run(actor)
    seconds = time.perf_counter() - start
    print(
        f"retention run: {report.summary()} in {seconds:.1f} s (target < 120 s); "
        f"{seconds / RETENTION * 1000:.2f} ms per customer = "
        f"{seconds / RETENTION * 1000 / median_bare:.0f}x a bare delete"
    )
    ok = max(erase_ms) < 500 and seconds < 120 and report.ok
    db.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
