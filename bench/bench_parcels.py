"""Parcels benchmark: tracking import speed and queue latency on a large SQLite register.

    python -m bench.bench_parcels [--customers 1000000] [--parcels 2000000] [--events 1000000]
                                  [--db PATH] [--keep]

Builds a synthetic register (raw executemany, no ORM), then measures
1. ``import tracking`` of a CSV of ``--events`` events against a bare ``executemany`` of the
   same rows into a plain table without indexes, in the same run (the ratio is printed);
2. the first and second page of every parcels queue, the queue counts and the lost rule run,
   as support (restricted rows filtered). Target: each queue page < 100 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.bench_demo import fresh_postgres
from bench.common import insert_rows, sync_sequences
from finconsole.core.imports import tracking_import
from finconsole.core.kernel import clock
from finconsole.core.kernel.actor import Actor
from finconsole.core.parcels import carriers, parcels
from finconsole.core.store import db as db_mod
from finconsole.core.store.models import database

NOW = dt.datetime(2026, 3, 15, 12, 0)
SUPPORT = Actor(user_id=2, username="bench", role="support", channel="tui")
OFFICER = Actor(user_id=1, username="bench-officer", role="officer", channel="cli")
# share of parcels in each status (the rest are delivered)
STATUS_SHARES = [
    ("in_transit", 0.03),
    ("out_for_delivery", 0.005),
    ("attempt_failed", 0.003),
    ("exception", 0.002),
    ("available_for_pickup", 0.01),
    ("returned_to_sender", 0.002),
]
PLAIN = ["parcel_id", "occurred_at", "code", "status", "location", "description"]
EVENT_CODES = ["68", "13", "31", "48", "31", "71", "56", "22"]


def s10(serial: int) -> str:
    digits = f"{serial:08d}"
    return f"JJ{digits}{carriers.s10_check_digit(digits)}FI"


def reset_register() -> None:
    with database.atomic():
        for sql in (
            "DELETE FROM tracking_event",
            "DELETE FROM claim",
            "DROP TABLE IF EXISTS plain",
            "UPDATE parcel SET suspected_lost_at = NULL",
        ):
            database.execute_sql(sql)


def build_register(customers: int, parcel_count: int, rng: random.Random) -> None:
    with database.atomic():
        insert_rows(
            "customer",
            ["id", "first_name", "last_name", "language", "note", "restricted", "created_at",
             "updated_at", "version"],
            ((i, f"Etu{i}", f"Suku{i}", "fi", "", i % 500 == 0, str(NOW), str(NOW), 1)
             for i in range(1, customers + 1)),
        )  # fmt: skip
        order_columns = (
            "id customer_id order_number ordered_at currency subtotal_cents shipping_cents "
            "tax_cents total_cents invoice_status collection_status fulfilment_status "
            "billing_name billing_street billing_postcode billing_city billing_country "
            "shipping_name shipping_street shipping_postcode shipping_city shipping_country "
            "restricted created_at updated_at version"
        ).split()
        insert_rows(
            "order",
            order_columns,
            ((i, i, f"FS-{i}", str(NOW), "EUR", 0, 0, 0, 0, "paid", "none", "fulfilled",
              "", "", "", "", "FI", "", "", "", "", "FI", False, str(NOW), str(NOW), 1)
             for i in range(1, customers + 1)),
        )  # fmt: skip
        insert_rows(
            "parcel",
            ["id", "order_id", "carrier", "tracking_code", "status", "shipped_at",
             "expected_at", "delivered_at", "last_event_at", "pickup_deadline",
             "suspected_lost_at", "created_at"],
            (_parcel_row(i, customers, rng) for i in range(1, parcel_count + 1)),
        )  # fmt: skip
    if not db_mod.is_sqlite():
        sync_sequences()


def _parcel_row(i: int, customers: int, rng: random.Random) -> tuple:
    roll = rng.random()
    status = "delivered"
    for name, share in STATUS_SHARES:
        if roll < share:
            status = name
            break
        roll -= share
    shipped = NOW - dt.timedelta(days=rng.uniform(0, 365))
    last = min(NOW, shipped + dt.timedelta(days=rng.uniform(0, 12)))
    delivered = str(last) if status == "delivered" else None
    pickup = str(last + dt.timedelta(days=7)) if status == "available_for_pickup" else None
    order_id = (i - 1) % customers + 1
    return (
        i,
        order_id,
        "posti",
        s10(i),
        status,
        str(shipped),
        None,
        delivered,
        str(last),
        pickup,
        None,
        str(NOW),
    )


def write_events(path: Path, events: int, parcel_count: int) -> list[tuple]:
    """A CSV of ``events`` events (8 a parcel); returns the same rows for the baseline."""
    per_parcel = len(EVENT_CODES)
    step = max(1, parcel_count // (events // per_parcel))
    rows = []
    with path.open("w", encoding="utf-8") as fh:
        fh.write("tracking_code,time,event_code,location,description\n")
        for n in range(events):
            parcel_id = 1 + (n // per_parcel) * step
            at = NOW - dt.timedelta(days=20) + dt.timedelta(hours=n % per_parcel * 7)
            code = EVENT_CODES[n % per_parcel]
            stamp = (at + dt.timedelta(hours=2)).isoformat() + "+02:00"
            fh.write(f"{s10(parcel_id)},{stamp},{code},Vantaa,event {code}\n")
            rows.append((parcel_id, str(at), code, "in_transit", "Vantaa", f"event {code}"))
    return rows


def bench_import(path: Path, rows: list[tuple]) -> None:
    database.execute_sql(
        "CREATE TABLE plain (parcel_id INTEGER, occurred_at TEXT, code TEXT, status TEXT, "
        "location TEXT, description TEXT)"
    )
    start = time.perf_counter()
    with database.atomic():  # the bulk floor: executemany on SQLite, COPY on PostgreSQL
        insert_rows("plain", PLAIN, rows)
    baseline = len(rows) / (time.perf_counter() - start)
    start = time.perf_counter()
    result = tracking_import.import_file(OFFICER, path)
    took = time.perf_counter() - start
    rate = len(rows) / took
    how = "executemany" if db_mod.is_sqlite() else "COPY"
    print(f"baseline {how} into a plain table: {baseline:,.0f} rows/s")
    print(f"import tracking ({result.summary()}): {took:.1f} s, {rate:,.0f} events/s")
    print(f"ratio import / bare {how}: {rate / baseline:.3f}  (target >= 50,000 events/s)")
    start = time.perf_counter()
    again = tracking_import.import_file(OFFICER, path)
    took = time.perf_counter() - start
    print(f"re-import (idempotent: created {again.created}): {len(rows) / took:,.0f} events/s")


def timed(call, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def parcels_total() -> int:
    return database.execute_sql("SELECT max(id) FROM parcel").fetchone()[0]


def bench_queues() -> None:
    start = time.perf_counter()
    flagged = parcels.flag_suspected(SUPPORT)
    print(f"lost rule run: {flagged:,} flagged in {(time.perf_counter() - start) * 1000:.0f} ms")
    from finconsole.core.parcels import claims

    for parcel_id in range(3001, parcels_total(), 3001):
        claims.open_claim(SUPPORT, parcel_id)
    for name in parcels.QUEUES:
        first = parcels.queue(SUPPORT, name)
        ms = timed(lambda name=name: parcels.queue(SUPPORT, name))
        after = first[-1]["key"] if len(first) == parcels.PAGE else None
        ms2 = timed(lambda n=name, a=after: parcels.queue(SUPPORT, n, after=a)) if after else 0.0
        verdict = "ok" if max(ms, ms2) < 100 else "SLOW"
        print(
            f"queue {name:16} page 1 {ms:6.1f} ms, page 2 {ms2:6.1f} ms ({len(first)} rows) "
            f"{verdict}"
        )
    print(f"queue counts: {timed(lambda: parcels.counts(SUPPORT), 3):.0f} ms")
    start = time.perf_counter()
    rows = parcels.overdue(OFFICER)
    print(f"parcels overdue: {len(rows):,} rows in {(time.perf_counter() - start):.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--parcels", type=int, default=2_000_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument(
        "--db",
        type=Path,
        help="keep the register in this file; an existing one is reused (events and claims "
        "are cleared first); default: a temporary file",
    )
    parser.add_argument("--pg", metavar="URL", help="on a fresh database of this server")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench_parcels_"))
    path = args.db or folder / "bench.db"
    reuse = path.exists() and not args.pg
    clock.set_clock(clock.FixedClock(NOW.replace(tzinfo=dt.UTC)))
    if args.pg:
        db_mod.connect(fresh_postgres(args.pg, f"fcbench_parcels_{args.customers}"), migrate=True)
    else:
        db_mod.connect(f"sqlite:///{path}", migrate=True)
    if reuse:
        reset_register()
        args.parcels = parcels_total()
        print(f"register reused from {path} ({args.parcels:,} parcels)")
    else:
        start = time.perf_counter()
        build_register(args.customers, args.parcels, random.Random(7))
        database.execute_sql("ANALYZE")
        if db_mod.is_sqlite():
            # a register at rest: the build's WAL folded into the file, not left to the first
            # measured commit to checkpoint
            db_mod.checkpoint()
        os.sync()  # and on disk: the kernel's writeback of the new file is not measured
        backend = "SQLite" if db_mod.is_sqlite() else "PostgreSQL"
        print(
            f"register ({backend}): {args.customers:,} customers, {args.parcels:,} parcels "
            "built in "
            f"{time.perf_counter() - start:.0f} s"
        )
    events_file = folder / "events.csv"
    rows = write_events(events_file, args.events, args.parcels)
    bench_import(events_file, rows)
    bench_queues()
    db_mod.close()
    for leftover in folder.iterdir():
        leftover.unlink()
    folder.rmdir()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
