"""Byte-level permanence on PostgreSQL: after an erasure, no byte of the erased values remains
in the files of the test database (``base/<database oid>/`` under ``SHOW data_directory``).

The test reads the server's files: it needs the server on this machine and its files readable
by this user (the CI runs as root). Where they are not, it is skipped saying so.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from finconsole.core.erasure import erasure, retention
from finconsole.core.store import db as db_mod
from finconsole.core.store import permanence
from finconsole.core.store.models import Meta, database
from tests.core.erasure.test_erasure_permanence import FRAGMENTS, needles, populate
from tests.factories import distinctive_values

pytestmark = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)


@pytest.fixture(autouse=True)
def fresh_counters(db):
    """The test database is emptied between tests except ``meta``: count from zero, and leave
    nothing pending for the tests that follow."""
    keys = [permanence.REQUESTED, permanence.DONE]
    Meta.delete().where(Meta.key.in_(keys)).execute()
    yield
    Meta.delete().where(Meta.key.in_(keys)).execute()


def database_files() -> list[Path]:
    """Every file of the connected database (tables, indexes, TOAST, catalogs, free space
    maps), after a CHECKPOINT wrote the shared buffers out; skips when they cannot be read."""
    try:
        database.execute_sql("CHECKPOINT")
        folder = database.execute_sql("SHOW data_directory").fetchone()[0]
        relative = database.execute_sql("SELECT pg_relation_filepath('meta')").fetchone()[0]
    except Exception as exc:  # noqa: BLE001 (not superuser: no CHECKPOINT / data_directory)
        pytest.skip(f"cannot checkpoint or locate the server's files: {exc}")
    base = Path(folder) / Path(relative).parent
    if not base.is_dir() or not os.access(base, os.R_OK | os.X_OK):
        pytest.skip(f"the PostgreSQL data directory {base} is not readable by this user")
    return [p for p in base.iterdir() if p.is_file()]


@pytest.fixture
def quiet_server(db):
    """VACUUM FULL keeps rows that any open transaction on the server might see, in any
    database (another test's or a benchmark's bulk load): wait for those to end, or skip."""
    query = (
        "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
        "AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL) AND datname IS DISTINCT "
        "FROM current_database() AND xact_start < now() - interval '2 seconds'"
    )
    deadline = time.monotonic() + 60
    while database.execute_sql(query).fetchone()[0]:
        if time.monotonic() > deadline:
            pytest.skip("a long transaction elsewhere on the server holds VACUUM back")
        time.sleep(1)


def settled_despite_others() -> bool:
    """Settle, retrying while only another database's transaction (a parallel test, another
    engineer's benchmark) holds VACUUM back; fails naming the reason otherwise."""
    for attempt in range(60):
        outcome = permanence.settle(erasure.TOUCHED_TABLES)
        if outcome.done:
            break
        # a connection the test just closed can linger on the server for a moment; beyond
        # that, only another database's transaction is worth waiting for
        lingering = attempt < 5 and "open transaction" in outcome.reason
        if not lingering and ("database" not in outcome.reason or current_db() in outcome.reason):
            break
        time.sleep(1)
    assert outcome.done, outcome.reason
    return True


def current_db() -> str:
    return f"database {database.execute_sql('SELECT current_database()').fetchone()[0]},"


def found(values) -> list[str]:
    """The needles in the database's files, less plain words the system catalogs hold too
    ("receiver" is in pg_proc's comments)."""
    data = b"".join(p.read_bytes() for p in database_files()).lower()
    return sorted(n.decode() for n in needles(values) - generic_words() if n in data)


def generic_words() -> set[bytes]:
    return {n for n in needles(distinctive_values()) if n.isalpha() and b"zqxw" not in n} - (
        FRAGMENTS
    )


def test_plain_delete_leaves_the_values_in_the_files(db, quiet_server, officer, clock, monkeypatch):
    """What the test would catch: the values are on disk, and stay after a plain VACUUM."""
    cid = populate(officer)
    database.execute_sql("ANALYZE")  # statistics quote values too
    assert len(found(distinctive_values())) > 5
    permanence.request()
    with monkeypatch.context() as patch:  # the erasure's rows deleted, no compaction
        patch.setattr(permanence, "settle", lambda *a, **k: permanence.Outcome(False))
        erasure.erase(officer, cid)
    for table in erasure.TOUCHED_TABLES:
        database.execute_sql(f'VACUUM "{table}"')
    assert found(distinctive_values())  # plain VACUUM does not overwrite them
    assert permanence.pending() == 2
    report = retention.run(officer)  # the run completes the pending compaction
    assert report.permanent or settled_despite_others()
    assert permanence.pending() == 0
    assert found(distinctive_values()) == []


def test_erasure_leaves_no_byte_in_the_database_files(db, quiet_server, officer, clock):
    cid = populate(officer)
    database.execute_sql("ANALYZE")  # pg_statistic then holds sampled names and emails
    result = erasure.erase(officer, cid, request_ref="R-2026-0100")
    assert result.status == "complete"
    assert result.permanent or settled_despite_others()
    assert permanence.pending() == 0
    assert found(distinctive_values()) == []


def test_a_reader_holding_a_lock_leaves_the_compaction_pending(
    db, quiet_server, db_url, officer, clock
):
    """A console in a long transaction on customer: the erasure does not wait for it beyond
    the lock timeout; the compaction is pending until the next run."""
    cid = populate(officer)
    other = db_mod.make_database(db_url)
    other.connect()
    other.execute_sql("BEGIN")
    other.execute_sql("SELECT count(*) FROM customer")  # holds ACCESS SHARE until it ends
    try:
        result = erasure.erase(officer, cid)
        assert result.status == "complete" and not result.permanent
        assert permanence.pending() == 1
    finally:
        other.execute_sql("COMMIT")
        other.close()
    assert settled_despite_others() and permanence.pending() == 0
    assert found(distinctive_values()) == []


def test_an_old_snapshot_keeps_the_compaction_pending(db, quiet_server, db_url, officer, clock):
    """VACUUM FULL copies rows an open snapshot still sees: not called done then."""
    cid = populate(officer)
    other = db_mod.make_database(db_url)
    other.connect()
    other.execute_sql("BEGIN ISOLATION LEVEL REPEATABLE READ")
    other.execute_sql("SELECT 1 FROM meta LIMIT 1")  # takes the snapshot, locks only meta
    try:
        assert not erasure.erase(officer, cid).permanent
        assert permanence.pending() == 1
    finally:
        other.execute_sql("COMMIT")
        other.close()
    assert settled_despite_others()
    assert found(distinctive_values()) == []


def test_other_consoles_keep_working_while_it_waits(db, db_url, officer, clock):
    """While the compaction waits for a lock, another console's reads of other tables go on,
    and the compaction gives up after the lock timeout rather than queueing everyone."""
    populate(officer)
    permanence.request()
    blocker = db_mod.make_database(db_url)
    blocker.connect()
    blocker.execute_sql("BEGIN")
    blocker.execute_sql('SELECT count(*) FROM "order"')
    outcome: list = []
    worker = threading.Thread(
        target=lambda: outcome.append(_settle_in_thread()), name="compact", daemon=True
    )
    worker.start()
    reader = db_mod.make_database(db_url)
    reader.connect()
    try:
        assert reader.execute_sql("SELECT count(*) FROM audit_event").fetchone()[0] >= 0
    finally:
        reader.close()
        worker.join(60)
        blocker.execute_sql("COMMIT")
        blocker.close()
    assert outcome and not outcome[0].done and "order" in outcome[0].reason


def _settle_in_thread():
    with database.connection_context():
        return permanence.settle(erasure.TOUCHED_TABLES)


def test_a_large_register_is_compacted_by_the_retention_run(
    db, quiet_server, officer, clock, monkeypatch
):
    """Above COMPACT_NOW_BYTES the erasure leaves the rewrite to the retention run (said so),
    and neither a console's start nor the next command does it."""
    monkeypatch.setattr(permanence, "COMPACT_NOW_BYTES", 0)
    cid = populate(officer)
    result = erasure.erase(officer, cid)
    assert not result.permanent and result.permanence_note == permanence.SCHEDULED
    assert not erasure.settle().done  # a command's start, the console's retry
    assert not retention.run_due(officer).permanent  # an officer's console start
    assert permanence.pending() == 1
    assert retention.run(officer).permanent or settled_despite_others()
    assert permanence.pending() == 0
    assert found(distinctive_values()) == []


def test_the_compaction_leaves_the_visibility_map_set(db, quiet_server, officer, clock):
    """``VACUUM FULL`` writes new files with an empty visibility map: the search's index-only
    scans would then fetch every heap row until autovacuum came by. The compaction vacuums
    each rewritten table once more, which sets it."""
    cid = populate(officer)
    result = erasure.erase(officer, cid, request_ref="R-2026-0100")
    assert result.permanent or settled_despite_others()
    with database.atomic():
        for setting in ("enable_seqscan", "enable_bitmapscan"):
            database.execute_sql(f"SET LOCAL {setting} = off")
        plan = database.execute_sql(
            "EXPLAIN (ANALYZE, FORMAT JSON) SELECT customer_id FROM search_term "
            "WHERE customer_id > 0"
        ).fetchone()[0]
    scan = plan[0]["Plan"]
    assert scan["Node Type"] == "Index Only Scan" and scan["Actual Rows"] > 0
    assert scan["Heap Fetches"] == 0
