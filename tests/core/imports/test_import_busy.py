"""An import that finds SQLite's write lock held by another process waits and tries again.

Seen in ``bench consoles``: an import chunk gave up with "database is locked" while a
retention run wrote, leaving the file half imported. Here a real second process takes the
write lock (BEGIN IMMEDIATE) and holds it for a while; the import's busy timeout is cut to
0.1 s so that without the retry every chunk in that time would fail at once."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.bench_import import write_csv
from finconsole.core.imports import registry
from finconsole.core.register import customers
from finconsole.core.store.models import Customer, database

HOLD_SECONDS = 2.0
LOCKER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE meta SET value = value WHERE key = 'schema_version'")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("COMMIT")
"""


class Locker:
    """A process holding the register's write lock for HOLD_SECONDS once started."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.process: subprocess.Popen | None = None
        self.locked_at = 0.0

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(self.path), str(HOLD_SECONDS)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "locked"
        self.locked_at = time.monotonic()

    def wait(self) -> int:
        assert self.process is not None
        return self.process.wait(timeout=60)


@pytest.fixture
def short_busy_timeout(sqlite_db):
    sqlite_db.execute_sql("PRAGMA busy_timeout = 100")
    return sqlite_db


def test_a_chunk_that_finds_the_lock_held_waits_for_it(short_busy_timeout, officer, tmp_path):
    # a customer already there: the file is imported chunk by chunk
    customers.create(officer, {"first_name": "Olli", "last_name": "Ensimmäinen"})
    rows = 25_000  # three chunks of 10,000
    path = tmp_path / "customers.csv"
    write_csv(path, rows, seed=6)
    locker = Locker(Path(database.database))

    def progress(done: int, *_: int) -> None:
        if done == 12_000 and locker.process is None:  # after the first chunk committed
            locker.start()

    result = registry.import_file(officer, "shopify-customers", path, progress=progress)
    finished = time.monotonic()
    assert locker.wait() == 0
    assert finished - locker.locked_at >= HOLD_SECONDS * 0.9  # it did wait for the lock
    assert (result.created, result.rejected) == (rows, 0)
    assert Customer.select().count() == rows + 1


def test_a_first_import_waits_for_the_lock_before_it_starts(short_busy_timeout, officer, tmp_path):
    rows = 36_000  # loaded as a first import (see test_first_import)
    path = tmp_path / "customers.csv"
    write_csv(path, rows, seed=7)
    locker = Locker(Path(database.database))
    locker.start()
    result = registry.import_file(officer, "shopify-customers", path)
    assert time.monotonic() - locker.locked_at >= HOLD_SECONDS * 0.9
    assert locker.wait() == 0
    assert (result.created, result.rejected) == (rows, 0)
    assert Customer.select().count() == rows
