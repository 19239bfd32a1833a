"""A big SQLite load (``db.bulk_load``): a rollback journal, and its pages sent to the disk
as it goes by a thread that ends with the load, whatever ends it."""

from __future__ import annotations

import os
import threading

import pytest

from finconsole.core.store import db
from finconsole.core.store.models import database


def _writeback_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "finconsole-writeback"]


def _open_fds() -> int:
    """How many descriptors this process holds on the register's file."""
    register = os.path.realpath(database.database)
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}") == register
        except OSError:
            pass  # (the listing's own descriptor, gone)
    return count


def test_a_load_writes_its_pages_back_as_it_goes_and_stops_with_it(sqlite_db, monkeypatch):
    monkeypatch.setattr(db, "WRITEBACK_SECONDS", 0.01)
    synced: list[int] = []
    real = os.fdatasync
    monkeypatch.setattr(os, "fdatasync", lambda fd: (synced.append(fd), real(fd))[1])
    database.execute_sql("CREATE TABLE t (n INTEGER, s TEXT)")
    fds = _open_fds()
    with db.bulk_load():
        assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "truncate"
        assert len(_writeback_threads()) == 1 and _open_fds() == fds + 1
        with database.atomic():
            for start in range(0, 20_000, 1000):
                database.cursor().executemany(
                    "INSERT INTO t VALUES (?, ?)",
                    [(n, "x" * 200) for n in range(start, start + 1000)],
                )
            threading.Event().wait(0.1)
    assert synced  # the thread ran while the load went on
    assert _writeback_threads() == [] and _open_fds() == fds  # gone, its file closed
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("SELECT COUNT(*) FROM t").fetchone()[0] == 20_000


def test_a_failed_load_stops_the_thread_too(sqlite_db):
    fds = _open_fds()
    with pytest.raises(RuntimeError), db.bulk_load():
        assert len(_writeback_threads()) == 1
        raise RuntimeError("the load failed")
    assert _writeback_threads() == [] and _open_fds() == fds


def test_a_load_that_keeps_the_wal_starts_no_thread(sqlite_db, tmp_path):
    other = db.SQLITE_DRIVER.connect(database.database)  # another console has it open
    other.execute("SELECT 1").fetchone()
    try:
        with db.bulk_load():
            assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert _writeback_threads() == []
    finally:
        other.close()
