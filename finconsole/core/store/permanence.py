"""Deleted personal data leaves the database's files: "immediately and permanently".

Deleting a row is not enough on either backend:

- **SQLite** zeroes deleted content in the main file (``secure_delete``), but the WAL keeps
  the pages as they were until a checkpoint folds them in and ``TRUNCATE`` empties it. A
  reader holding an old snapshot blocks that checkpoint. We try briefly (``QUICK_TRIES`` with
  a short busy timeout, about a second in all), never the 5 s busy timeout per try; when a
  reader still holds on, the work stays *pending* and is finished in the background
  (``settle_in_background``: the console), by the next command's start, or ``finconsole
  compact``.
- **PostgreSQL**: plain ``VACUUM`` marks dead tuples' space free but leaves their bytes in
  heap and index pages. ``VACUUM FULL`` writes each table and its indexes to new files and
  drops the old ones, so no byte of a deleted row stays. It takes an ACCESS EXCLUSIVE lock:
  we ask with ``lock_timeout`` (``LOCK_TIMEOUT``) so it never queues for long behind a busy
  reader (every later query on that table would queue behind it), and retry a few times.
  ``VACUUM FULL`` must copy rows still visible to an older open transaction: its report
  ("N dead row versions cannot be removed yet") is read and such a table stays pending.
  Our tables are rewritten instead the way ``store.online_rewrite`` does, to the same
  effect (new files, the old ones dropped) while consoles go on reading them; ``VACUUM
  FULL`` remains for a table it cannot carry everything of (a view on it, grants).
  Table statistics (``pg_statistic``, filled by ``ANALYZE``) can quote column values: they
  are refreshed and the catalog compacted too, where the database owner may.

Bookkeeping, in ``meta``: ``permanence_requested`` counts deletions of personal data (the
erasure increments it inside its own transaction, so a kill right after the commit still
leaves the request); ``permanence_done`` is the count a completed run started from. Work is
pending while requested > done. Counting, not clock times: two erasures in one clock tick (a
fixed test clock, two machines) still order correctly.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import peewee as pw

from finconsole.core.store import meta, online_rewrite, search_stats
from finconsole.core.store.models import database, is_sqlite

REQUESTED = "permanence_requested"
DONE = "permanence_done"
QUICK_TRIES = 10  # SQLite: checkpoint tries of QUICK_BUSY_MS each, ~1 s in all
QUICK_BUSY_MS = 50
NORMAL_BUSY_MS = 5000  # db.SQLITE_PRAGMAS' busy_timeout, put back afterwards
LOCK_TIMEOUT = "2s"  # PostgreSQL: longest wait for a table's exclusive lock
LOCK_TRIES = 3
STATISTICS_TRIES = 5
# PostgreSQL: an erasure rewrites the tables at once while they total less than this (about
# 50,000 customers; a few seconds); a bigger register's rewrite (minutes at a million, each
# table locked in turn) is left to the next `retention run` (nightly from cron) or `compact`.
COMPACT_NOW_BYTES = 256 << 20
SCHEDULED = (
    "the register is large: its files are rewritten by the next 'finconsole retention run' "
    "(or 'finconsole compact' now)"
)
BACKGROUND_SECONDS = 600  # the console retries a blocked checkpoint this long (every second)
_NOT_REMOVED = re.compile(r"(\d+) dead row versions cannot be removed yet")


@dataclass
class Outcome:
    """What a run did: ``done`` (nothing pending any more) and why not."""

    done: bool
    pending: int = 0  # deletions not yet permanent
    reason: str = ""  # one line for the officer when not done


# --- the request counter ----------------------------------------------------------------------


def request() -> None:
    """Record that personal data was deleted (inside the deleting transaction, if any)."""
    p = database.param
    database.execute_sql(
        f"INSERT INTO meta(key, value) VALUES ({p}, '1') ON CONFLICT (key) DO UPDATE SET "
        "value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)",
        (REQUESTED,),
    )


def _count(key: str) -> int:
    value = meta.get(key)
    try:
        return int(value) if value else 0
    except ValueError:
        return 0


def pending() -> int:
    """How many deletions are not yet permanent (0: none)."""
    return max(0, _count(REQUESTED) - _count(DONE))


def _mark_done(upto: int) -> None:
    p = database.param
    database.execute_sql(
        f"INSERT INTO meta(key, value) VALUES ({p}, {p}) ON CONFLICT (key) DO UPDATE SET "
        "value = CASE WHEN CAST(meta.value AS INTEGER) < CAST(excluded.value AS INTEGER) "
        "THEN excluded.value ELSE meta.value END",
        (DONE, str(upto)),
    )


# --- settling ---------------------------------------------------------------------------------


def settle(
    tables: Iterable[str], *, quick: bool = True, mark: bool = True, large: bool = True
) -> Outcome:
    """Make every requested deletion permanent now, if no reader prevents it.

    ``tables``: the PostgreSQL tables to compact (every table deletions of personal data
    touch, unless ``mark`` is False: then only these are compacted and the bookkeeping is
    left alone). SQLite: ``quick`` keeps the wait for readers to about a second; without it
    (``finconsole compact``) the normal busy timeout applies. PostgreSQL: without ``large``,
    tables bigger than ``COMPACT_NOW_BYTES`` in all are left to the next retention run.
    """
    upto = _count(REQUESTED)
    tables = list(tables)
    if is_sqlite():
        ok = _checkpoint(QUICK_TRIES if quick else 3, QUICK_BUSY_MS if quick else NORMAL_BUSY_MS)
        reason = "" if ok else "a reader kept the SQLite WAL busy"
    else:
        if mark and upto <= _count(DONE):
            return Outcome(True)
        if not large and _size(tables) > COMPACT_NOW_BYTES:
            return Outcome(False, pending(), SCHEDULED)
        reason = _compact(tables)
        ok = not reason
    if not mark:
        return Outcome(ok, 0, reason)
    if ok and upto > _count(DONE):
        _mark_done(upto)
        if is_sqlite():
            _checkpoint(1, QUICK_BUSY_MS)  # the marker's own page; no personal data in it
    left = pending()
    return Outcome(ok and not left, left, reason)


def _size(tables: list[str]) -> int:
    names = ", ".join(f"'{t}'" for t in tables)
    return database.execute_sql(
        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
        f"WHERE c.relname IN ({names}) AND c.relnamespace = 'public'::regnamespace"
    ).fetchone()[0]


def _checkpoint(tries: int, busy_ms: int) -> bool:
    database.execute_sql(f"PRAGMA busy_timeout = {int(busy_ms)}")
    try:
        for attempt in range(tries):
            busy, _log, _done = database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return True
            if attempt + 1 < tries:
                time.sleep(0.05)
        return False
    finally:
        database.execute_sql(f"PRAGMA busy_timeout = {NORMAL_BUSY_MS}")


def _compact(tables: list[str]) -> str:
    """Rewrite each table into new files; '' when every one is clean, else why not."""
    online_rewrite.validate_left()
    database.execute_sql(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    try:
        anew: list[str] = []  # rewritten online: new statistics of their own already
        for table in tables:
            why = _rewrite(table, anew)
            if why:
                return why
        return _compact_statistics(tables, anew)
    finally:
        database.execute_sql("RESET lock_timeout")


def _rewrite(table: str, anew: list[str]) -> str:
    """The table into new files: while its readers go on (``store.online_rewrite``; every
    table of ours; then added to ``anew``), else ``VACUUM FULL``, which locks them out for
    the whole rewrite."""
    if not online_rewrite.eligible(table):
        return _vacuum_full(table)
    why = online_rewrite.rewrite(table)
    if not why:
        _set_visibility_map(table)
        anew.append(table)
    return why


def _vacuum_full(table: str) -> str:
    connection = database.connection()
    for attempt in range(LOCK_TRIES):
        notices = getattr(connection, "notices", None)
        if notices is not None:
            del notices[:]
        try:
            database.execute_sql(f'VACUUM (FULL, VERBOSE) "{table}"')
        except pw.OperationalError as exc:
            if not online_rewrite.is_lock_timeout(exc):
                raise
            if attempt + 1 < LOCK_TRIES:
                time.sleep(0.5)
            continue
        kept = sum(int(n) for n in _NOT_REMOVED.findall("".join(notices or [])))
        _set_visibility_map(table)
        return f"{oldest_transaction()} still sees deleted rows of {table}" if kept else ""
    return f"other consoles kept table {table} busy"


def _set_visibility_map(table: str) -> None:
    """A plain VACUUM of the table just rewritten: ``VACUUM FULL`` leaves the new files'
    visibility map empty, and index-only scans (the search's term lists) then fetch every
    heap row until autovacuum comes by (1.4 s for the terms at a million customers). It
    brings no deleted byte back; a lock it cannot get in time only leaves that to autovacuum."""
    try:
        database.execute_sql(f'VACUUM "{table}"')
    except pw.OperationalError as exc:
        if not online_rewrite.is_lock_timeout(exc):
            raise


def oldest_transaction() -> str:
    """Who holds the oldest snapshot or transaction id: any transaction on the server, in any
    database, keeps VACUUM from removing rows deleted after it began."""
    row = database.execute_sql(
        "SELECT datname, pid, now() - xact_start FROM pg_stat_activity "
        "WHERE pid <> pg_backend_pid() AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL) "
        "ORDER BY age(coalesce(backend_xid, backend_xmin)) DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return "an open transaction"
    seconds = int(row[2].total_seconds()) if row[2] is not None else 0
    return f"a transaction open for {seconds} s (database {row[0]}, process {row[1]})"


def _compact_statistics(tables: list[str], anew: list[str]) -> str:
    """ANALYZE statistics quote sampled values: refresh those of our tables, then rewrite the
    statistics catalog so the old ones leave its files. ANALYZE keeps the old statistics of a
    table that became empty: those are deleted (a superuser may; others are told in the
    README). The tables in ``anew`` were analysed on their new rows by their rewrite, and
    their old statistics went with the old table: only the catalog is left to rewrite. The
    database owner may rewrite the catalog; for others VACUUM only warns."""
    names = ", ".join(f"'{t}'" for t in tables)
    analysed = database.execute_sql(
        "SELECT DISTINCT c.relname FROM pg_statistic s JOIN pg_class c ON c.oid = s.starelid "
        f"WHERE c.relname IN ({names}) AND c.relnamespace = 'public'::regnamespace"
    ).fetchall()
    stale = [table for (table,) in analysed if table not in anew]
    if not stale and not anew:
        return ""
    for table in stale:
        database.execute_sql(f'ANALYZE "{table}"')
        if database.execute_sql(f'SELECT NOT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]:
            _forget_statistics(table)
    search_stats.forget()  # nor kept in this process's memory once they leave the catalog
    for _ in range(STATISTICS_TRIES):  # the ANALYZEs and drops left dead rows any transaction
        why = _vacuum_full("pg_statistic")  # begun before them may still see: let those end
        if not why:
            return ""
        time.sleep(1.0)
    return why


def _forget_statistics(table: str) -> None:
    try:
        with database.atomic():
            database.execute_sql(
                "DELETE FROM pg_statistic WHERE starelid = %s::regclass", (f'public."{table}"',)
            )
    except pw.ProgrammingError:
        pass  # not a superuser: the README says what stays then


# --- in the background ------------------------------------------------------------------------


def settle_in_background(
    tables: Iterable[str],
    on_done: Callable[[Outcome], None],
    *,
    seconds: float = BACKGROUND_SECONDS,
    stop: threading.Event | None = None,
) -> threading.Thread:
    """Retry ``settle`` every second in a thread of its own (its own connection) until done or
    ``seconds`` pass; ``on_done`` gets the last outcome. For the console."""
    tables = list(tables)
    stop = stop or threading.Event()

    def run() -> None:
        outcome = Outcome(False, reason="not tried")
        deadline = time.monotonic() + seconds
        with database.connection_context():
            while not stop.is_set():
                try:
                    outcome = settle(tables)
                except pw.PeeweeException as exc:
                    outcome = Outcome(False, pending(), str(exc).splitlines()[0])
                if outcome.done or time.monotonic() > deadline:
                    break
                stop.wait(1.0)
        on_done(outcome)

    thread = threading.Thread(target=run, name="finconsole-permanence", daemon=True)
    thread.start()
    return thread
