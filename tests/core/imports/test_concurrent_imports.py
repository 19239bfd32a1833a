"""Two consoles importing the same file at once (#16): on PostgreSQL 4 of 6 order imports
ended in "internal error (UniqueViolation)". Both finish now: a chunk waits for the other
process's chunk (SQLite's write lock does the same), then finds what it wrote."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from finconsole.core.imports import shop_customers, shop_import, shop_orders
from finconsole.core.store import db as db_mod
from finconsole.core.store.models import Customer, Order

FIXTURES = Path(__file__).parents[2] / "fixtures"
IMPORTERS = {
    "customers": (shop_customers.import_shopify_customers, FIXTURES / "shopify_customers.csv"),
    "orders": (shop_orders.import_shopify_orders, FIXTURES / "shopify_orders.csv"),
}


def _twice_at_once(officer, kind):
    importer, path = IMPORTERS[kind]
    start = threading.Barrier(3)
    results, errors = [], []

    def one() -> None:
        try:
            with db_mod.thread_connection():
                start.wait()
                results.append(importer(officer, path))
        except Exception as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.mark.parametrize("kind", ["customers", "orders"])
def test_the_same_file_imported_three_times_at_once(db, officer, kind):
    results, errors = _twice_at_once(officer, kind)
    assert errors == [] and len(results) == 3
    created = sum(r.created for r in results)
    once = results[0].created + results[0].updated + results[0].unchanged
    assert created == max(r.created for r in results) > 0  # one import created, others found
    assert all(r.created + r.updated + r.unchanged == once for r in results)
    model = Customer if kind == "customers" else Order
    assert model.select().count() >= created


def test_a_slow_chunk_makes_the_next_ones_smaller(sqlite_db, officer, tmp_path, monkeypatch):
    """The write lock is held a bounded time: a chunk that outlasted CHUNK_SECONDS (here
    every chunk does) shrinks the next ones, so other writers get turns between them."""
    from bench.bench_import import write_csv
    from finconsole.core.store.models import AuditEvent

    monkeypatch.setattr(shop_import, "CHUNK_SECONDS", 0.0)
    monkeypatch.setattr(shop_import, "MIN_CHUNK", 1000)
    path = tmp_path / "customers.csv"
    write_csv(path, shop_import.CHUNK + 2000, seed=4)
    result = shop_customers.import_shopify_customers(officer, path)
    assert result.created == shop_import.CHUNK + 2000
    chunks = AuditEvent.select().where(AuditEvent.action == "import_customers")
    assert chunks.count() == 3  # 10000, then 1000 and 1000 (one event a chunk on SQLite)
