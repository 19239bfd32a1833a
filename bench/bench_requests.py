"""Audience CSVs and the access export in a large register (SQLite, or PostgreSQL).

Run: python -m bench requests [--customers N] [--pg URL]   (default 1,000,000)
With ``--pg URL`` the register is a fresh database ``fcbench_requests_N`` on that server,
filled with the same rows by COPY.
Baseline (same run): a bare streaming SELECT of the same columns written by the same csv writer,
with no objection/restriction rule and no keyset paging. Memory: peak Python allocations while
writing (tracemalloc, in a separate pass).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.bench_demo import fresh_postgres
from bench.common import insert_rows
from finconsole.core.kernel import clock
from finconsole.core.kernel.actor import Actor
from finconsole.core.register import audience
from finconsole.core.rights import export
from finconsole.core.settings import keys, runtime
from finconsole.core.settings.config import Config, defaults
from finconsole.core.store import db
from finconsole.core.store.models import (
    Address,
    Customer,
    Order,
    OrderLine,
    Parcel,
    TrackingEvent,
    database,
)

OFFICER = Actor(user_id=1, username="bench", role="officer", channel="cli")
CHUNK = 50_000
NOW = dt.datetime(2026, 3, 15, 12)


class Counter:
    """A sink that counts what a CSV writer gives it (so disk speed is not measured)."""

    def __init__(self) -> None:
        self.chars = 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


def _insert(model, rows: list[dict]) -> None:
    fields = [f for f in model._meta.sorted_fields if f.name != "id"]
    template = {f.name: (f.default() if callable(f.default) else f.default) for f in fields}
    values = [tuple({**template, **row}[f.name] for f in fields) for row in rows]
    values = [
        tuple(v.isoformat(" ") if isinstance(v, dt.datetime) else v for v in r) for r in values
    ]
    insert_rows(model._meta.table_name, [f'"{f.column_name}"' for f in fields], values)


def fill(n: int, rng: random.Random) -> None:
    for start in range(1, n + 1, CHUNK):
        ids = range(start, min(start + CHUNK, n + 1))
        with database.atomic():
            _insert(Customer, [_customer(i, rng) for i in ids])
            _insert(Address, [_address(i, rng) for i in ids])
            _insert(Order, [_order(i, rng) for i in ids if i % 2 == 0])


def _customer(i: int, rng: random.Random) -> dict:
    return {
        "first_name": f"Etu{i}",
        "last_name": f"Suku{i}",
        "email": f"c{i}@example.fi",
        "phone": f"+35840{i:07d}",
        "language": "fi" if i % 5 else "en",
        "objection_marketing_at": NOW if rng.random() < 0.1 else None,
        "objection_statistics_at": NOW if rng.random() < 0.1 else None,
        "restricted": rng.random() < 0.01,
        "created_at": NOW,
        "updated_at": NOW,
    }


def _address(i: int, rng: random.Random) -> dict:
    return {
        "customer": i,
        "street": f"Katu {i}",
        "postcode": f"{rng.randrange(100000):05d}",
        "city": "Helsinki",
    }


def _order(i: int, rng: random.Random) -> dict:
    at = NOW - dt.timedelta(days=rng.randrange(2000))
    return {
        "customer": i,
        "order_number": f"#{i}",
        "ordered_at": at,
        "total_cents": 2490,
        "created_at": at,
        "updated_at": at,
    }


def timed_csv(write) -> tuple[float, int, int]:
    """Seconds and rows of one timed pass, then peak Python memory (KiB) of a second pass
    under tracemalloc (kept apart: tracemalloc slows the code it watches)."""
    start = time.perf_counter()
    rows = write(Counter())
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    write(Counter())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, rows, peak // 1024


def baseline(sink) -> int:
    writer = csv.writer(sink, lineterminator="\n")
    writer.writerow(audience.MARKETING_COLUMNS)
    count = 0
    cursor = database.execute_sql("SELECT email, first_name, language FROM customer")
    for row in cursor:
        writer.writerow(row)
        count += 1
    return count


def one_export_ms(customer_id: int) -> float:
    order = Order.create(customer=customer_id, order_number="X1", ordered_at=NOW)
    for k in range(8):
        line_order = (
            order
            if k == 0
            else Order.create(customer=customer_id, order_number=f"X{k + 2}", ordered_at=NOW)
        )
        OrderLine.create(order=line_order, product="Totoro plush")
        parcel = Parcel.create(order=line_order, carrier="posti", tracking_code=f"JJFI{k}")
        for e in range(4):
            TrackingEvent.create(
                parcel=parcel,
                occurred_at=NOW + dt.timedelta(hours=e),
                status="in_transit",
                code=str(e),
            )
    start = time.perf_counter()
    for _ in range(20):
        export.export_customer(OFFICER, customer_id, fmt="json")
    return (time.perf_counter() - start) / 20 * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench requests")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--pg", metavar="URL", help="on a fresh database of this server")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        runtime.set_config(Config(defaults(), Path(tmp) / "config.toml"))
        keys.create_key_file(Path(tmp) / "finconsole.key")
        clock.set_clock(clock.FixedClock(NOW.replace(tzinfo=dt.UTC)))
        if args.pg:
            url = fresh_postgres(args.pg, f"fcbench_requests_{args.customers}")
            db.connect(url, migrate=True)
        else:
            db.connect(f"sqlite:///{tmp}/bench.db", migrate=True)
        start = time.perf_counter()
        fill(args.customers, random.Random(7))
        if args.pg:
            database.execute_sql("ANALYZE")
        backend = "SQLite" if db.is_sqlite() else "PostgreSQL"
        print(f"filled {args.customers:,} customers ({backend}) in "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip
        base_s, base_rows, base_kb = timed_csv(baseline)
        mkt_s, mkt_rows, mkt_kb = timed_csv(lambda s: audience.write_csv(OFFICER, "marketing", s))
        st_s, st_rows, st_kb = timed_csv(lambda s: audience.write_csv(OFFICER, "statistics", s))
        export_ms = one_export_ms(args.customers // 2 + 1)
        db.close()
    print(
        f"baseline bare SELECT -> CSV:   {base_s:6.2f} s  {base_rows:>9,} rows  "
        f"+{base_kb:,} KiB peak"
    )
    print(
        f"audience marketing CSV:        {mkt_s:6.2f} s  {mkt_rows:>9,} rows  +{mkt_kb:,} KiB peak"
    )
    print(f"audience statistics CSV:       {st_s:6.2f} s  {st_rows:>9,} rows  +{st_kb:,} KiB peak")
    print(f"ratio marketing/baseline:      {mkt_s / base_s:.2f}x")
    print(f"ratio statistics/baseline:     {st_s / base_s:.2f}x")
    print(f"access export (JSON), 8 orders, 32 events: {export_ms:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
