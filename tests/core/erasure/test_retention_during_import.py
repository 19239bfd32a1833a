"""A retention run while a shop import writes (found by ``bench consoles``): on SQLite the
run failed with "database is locked" whenever an import chunk held the write lock longer than
its busy timeout, and never completed a round. Now it works in short batches and waits for a
busy batch (``retention.BUSY_SECONDS``), so both finish.

The retention connection's busy timeout is cut to 50 ms here: an import chunk then always
outlasts it, as a chunk outlasted the 5 s timeout on the loaded machine."""

from __future__ import annotations

import random
import threading

from bench import bench_erasure
from bench.bench_import import write_csv
from finconsole.core.erasure import retention
from finconsole.core.imports import shop_customers
from finconsole.core.store import db as db_mod
from finconsole.core.store.models import Customer, ErasureLedger, database

SHELLS = 300
ROWS = 30_000  # SQLite; PostgreSQL (row locks, no busy timeout) needs fewer to overlap
PG_ROWS = 12_000


def _short_busy_timeout() -> None:
    if db_mod.is_sqlite():
        database.execute_sql("PRAGMA busy_timeout = 50")


def test_retention_finishes_while_an_import_writes(db, officer, tmp_path, monkeypatch, clock):
    monkeypatch.setattr(bench_erasure, "RETENTION", SHELLS)
    # ids above the import's
    shells = bench_erasure.add_retention_shells(random.Random(5), 1_000_000)
    rows = ROWS if db_mod.is_sqlite() else PG_ROWS
    path = tmp_path / "customers.csv"
    write_csv(path, rows, seed=3)
    writing = threading.Event()
    outcome: dict = {}

    def import_it() -> None:
        try:
            with db_mod.thread_connection():
                outcome["import"] = shop_customers.import_shopify_customers(
                    officer, path, progress=lambda rows, *_: rows > 11_000 and writing.set()
                )
        except Exception as exc:  # noqa: BLE001 - the test reports it
            outcome["import_error"] = exc
        finally:
            writing.set()

    def retain() -> None:
        try:
            with db_mod.thread_connection():
                _short_busy_timeout()
                outcome["retention"] = retention.run(officer)
        except Exception as exc:  # noqa: BLE001 - the test reports it
            outcome["retention_error"] = exc

    importer = threading.Thread(target=import_it)
    importer.start()
    assert writing.wait(120)  # the import has written a chunk
    retainer = threading.Thread(target=retain)
    retainer.start()
    importer.join(300)
    retainer.join(300)
    assert "import_error" not in outcome and "retention_error" not in outcome, outcome
    assert outcome["retention"].errors == {}
    assert outcome["retention"].done["complete_erasures"] == SHELLS
    assert outcome["import"].created == rows
    assert not Customer.select().where(Customer.id.in_(shells)).exists()
    done = ErasureLedger.select().where(ErasureLedger.customer_id.in_(shells))
    assert {row.status for row in done} == {"complete"}
