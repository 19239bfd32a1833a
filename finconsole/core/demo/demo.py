"""Fill an empty register with synthetic but realistic Finnish customers (``finconsole demo``).

Rows come from ``demo_records.RecordFactory`` (seeded: same seed and clock, same data) and go
to the database through the raw cursor in chunks, one transaction for the whole run, so a
failure (a full disk, Ctrl-C) leaves the register as it was. For big registers helper
processes make the next chunks while this one writes. The search index is filled in bulk
(``search.write_documents``) from documents built alongside the rows; on a big SQLite load
another helper builds it while this process rebuilds the other indexes (``store.index_apart``).

Never creates user accounts.
"""

from __future__ import annotations

import io
import marshal
import multiprocessing
import queue
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import peewee as pw

from finconsole.core.access import audit
from finconsole.core.demo.demo_records import COLUMNS, CONSTANTS, TABLES, RecordFactory
from finconsole.core.kernel import clock, helpers, permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import Conflict, DatabaseError, ValidationError
from finconsole.core.store import index_apart
from finconsole.core.store import search_index as search
from finconsole.core.store.db import bulk_load, is_sqlite, write_transaction
from finconsole.core.store.models import Customer, database

CHUNK = 5_000
IN_PROCESS_LIMIT = 20_000
# helper processes making rows: two keep two cores busy, since the writer waits on them
# about half of the time (a third would only add its memory and start-up)
MAKERS = 2
MAX_CUSTOMERS = 10_000_000
ID_TABLES = ("customer", "address", "order", "parcel")  # ids made here, the rest by the database
# SQLite page cache while loading (KiB). Rows are appended in id order and the indexes are
# built after the load, so a big cache buys nothing: at 1M customers 96 MiB and 8 MiB took
# the same time, and 8 MiB keeps the peak 90 MB lower (the index sorts also size their
# in-memory runs by it).
LOAD_CACHE_KIB = 8 * 1024

Progress = Callable[[int, int], None]


@dataclass
class DemoResult:
    customers: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        parts = ", ".join(
            f"{n:,} {t.replace('_', ' ')}{'es' if t.endswith('s') else 's'}"
            for t, n in self.rows.items()
            if n
        )
        return f"added {self.customers:,} demo customers ({parts})"


def generate(
    actor: Actor, customers: int, seed: int = 1, *, progress: Progress | None = None
) -> DemoResult:
    """Add ``customers`` synthetic customers with orders, parcels and tracking events.

    Refuses (``Conflict``) a register that already has customers: demo data must never mix
    with real people.
    """
    permissions.require(actor, "generate_demo")
    if not 1 <= customers <= MAX_CUSTOMERS:
        raise ValidationError({"customers": f"must be between 1 and {MAX_CUSTOMERS:,}"})
    result = DemoResult(customers=customers, rows={t: 0 for t in TABLES})
    chunks = _chunk_starts(customers)
    apart = is_sqlite() and customers > IN_PROCESS_LIMIT
    with (
        bulk_load(LOAD_CACHE_KIB),
        index_apart.built_apart(apart, len(chunks), "demo") as index,
        write_transaction(register_only=apart),
    ):
        if Customer.select().exists():
            raise Conflict("the register already has customers: demo data goes into an empty one")
        recipe = (seed, clock.now(), _first_ids())
        if index is None:
            search.start_bulk_load()
        writer = _SqliteWriter() if is_sqlite() else _PostgresWriter()
        done = 0
        for rows, documents in _chunks_ahead(recipe, chunks, index):
            # raw cursor calls: map driver errors (a full disk) to peewee's, as execute_sql does
            with pw.__exception_wrapper__:  # type: ignore[attr-defined]
                for table in TABLES:
                    writer.insert(table, rows[table])
                    result.rows[table] += len(rows[table])
                if index is None:
                    search.write_documents(documents)
            done += len(rows["customer"])
            if progress:
                progress(done, customers)
        writer.finish()
        if index is None:
            search.finish_bulk_load()
        else:
            index.adopt()
        audit.record(actor, "generate_demo", "customer", None, fields=["demo"])
    _analyze()
    return result


def _first_ids() -> dict[str, int]:
    """The first free id of each table. Customer ids once handed out are never reused, even
    when those customers are gone: the erasure ledger names erased people by id."""
    first = {}
    for table in ID_TABLES:
        row = database.execute_sql(f'SELECT MAX(id) FROM "{table}"').fetchone()
        first[table] = (row[0] or 0) + 1
    first["customer"] = max(first["customer"], _customer_ids_handed_out() + 1)
    return first


def _customer_ids_handed_out() -> int:
    if is_sqlite():  # customer ids are AUTOINCREMENT: SQLite remembers the highest one
        row = database.execute_sql(
            "SELECT seq FROM sqlite_sequence WHERE name = 'customer'"
        ).fetchone()
    else:
        row = database.execute_sql(
            "SELECT pg_sequence_last_value(pg_get_serial_sequence('customer', 'id')::regclass)"
        ).fetchone()
    return (row[0] or 0) if row else 0


Chunk = tuple[dict[str, list[tuple]], list[tuple[int, str]]]


def _chunk_starts(customers: int) -> list[tuple[int, int]]:
    """(first customer, count) of each chunk, counted from 0."""
    return [(start, min(CHUNK, customers - start)) for start in range(0, customers, CHUNK)]


def _chunks(recipe: tuple, chunks: list[tuple[int, int]]) -> Iterator[Chunk]:
    factory = RecordFactory(*recipe)
    for start, count in chunks:
        yield factory.chunk(start, count)


def _chunks_ahead(
    recipe: tuple, chunks: list[tuple[int, int]], index: index_apart.IndexBuilder | None
) -> Iterator[Chunk]:
    """The chunks in order, made by helper processes while this one writes earlier ones.

    Making rows is Python work that would hold the GIL, so threads would not help; processes
    run on the other cores. Chunks are independent (``RecordFactory``), so each of ``MAKERS``
    helpers makes every ``MAKERS``th chunk into its own queue, read here in turn. With an
    ``index`` builder the documents go to it instead (a chunk's documents are then None).
    Small registers are made in-process (starting a process costs more than it saves).
    """
    if sum(count for _, count in chunks) <= IN_PROCESS_LIMIT:
        yield from _chunks(recipe, chunks)
        return
    # fork: the children only run Python and exit with os._exit, never touching the inherited
    # database connection (POSIX locks belong to this process and stay with it).
    context = multiprocessing.get_context("fork")
    documents = index.documents if index else None
    makers = []
    for n in range(MAKERS):
        ready = context.Queue(maxsize=3)
        maker = helpers.start(
            context, _make_chunks, (recipe, chunks[n::MAKERS], ready, documents), f"demo-maker-{n}"
        )
        makers.append((maker, ready))
    processes = [maker for maker, _ in makers] + ([index.process] if index else [])
    try:
        for n in range(len(chunks)):
            item = _next_chunk(makers[n % MAKERS][1], processes)
            if isinstance(item, BaseException):
                raise item
            yield marshal.loads(item)
        if index:
            _makers_ended([maker for maker, _ in makers], index.process)
    finally:
        for maker, ready in makers:
            helpers.stop(maker)
            ready.close()


def _makers_ended(makers: list, builder) -> None:
    """Wait for the makers to end by themselves once their last rows are in. A maker's
    documents go to the index builder through another queue than its rows, each written to
    its pipe by a thread of the maker's own, so the last documents can still be on their way
    when the last rows have come; a process sends what it has queued as it exits. A maker
    stopped at once lost them, and the builder waited for them for ever (a demo hung in
    ``adopt`` in about one run of twenty). A builder that has ended has taken every document
    it was waiting for, or failed (``adopt`` says which): then there is nothing to wait for."""
    for maker in makers:
        while maker.is_alive() and builder.is_alive():
            maker.join(1)
        if maker.exitcode not in (0, None):  # its documents may not all have been sent
            raise DatabaseError("a demo data helper process stopped unexpectedly")


def _next_chunk(ready, helpers: list):
    while True:
        try:
            return ready.get(timeout=1)
        except queue.Empty:
            if not all(helper.is_alive() for helper in helpers):
                raise DatabaseError("a demo data helper process stopped unexpectedly") from None


def _make_chunks(recipe: tuple, chunks: list[tuple[int, int]], ready, documents) -> None:
    try:
        for rows, docs in _chunks(recipe, chunks):
            # marshal: the rows are only tuples, strings and numbers, and marshal makes and
            # reads them 2.5x and 1.2x faster than the Queue's pickle
            if documents is None:
                helpers.put(ready, marshal.dumps((rows, docs)))
            else:
                helpers.put(documents, marshal.dumps(docs))
                helpers.put(ready, marshal.dumps((rows, None)))
    except BaseException as exc:  # hand it to the writer, which raises it
        helpers.put(ready, exc)


class _SqliteWriter:
    """executemany into tables whose secondary indexes are dropped for the load and rebuilt
    at the end (in the same transaction): sorting once beats a million random B-tree inserts
    into email, phone, tracking-code and date indexes."""

    def __init__(self) -> None:
        self.cursor = database.cursor()
        names = ", ".join(f"'{t}'" for t in TABLES)
        self.indexes = database.execute_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({names})"
        ).fetchall()
        for name, _ in self.indexes:
            database.execute_sql(f'DROP INDEX "{name}"')
        self.sql = {}
        for table, cols in COLUMNS.items():
            constants = CONSTANTS.get(table, {})
            names = ", ".join([*cols, *constants])
            values = ", ".join(["?"] * len(cols) + [_literal(v) for v in constants.values()])
            self.sql[table] = f'INSERT INTO "{table}" ({names}) VALUES ({values})'

    def insert(self, table: str, rows: list[tuple]) -> None:
        if rows:
            self.cursor.executemany(self.sql[table], rows)

    def finish(self) -> None:
        for _, sql in self.indexes:
            database.execute_sql(sql)


def _literal(value: str | int) -> str:
    return str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"


class _PostgresWriter:
    """COPY ... FROM STDIN with psycopg2 (the fastest bulk path), else executemany, into
    tables whose secondary indexes and foreign keys are dropped for the load and made again
    at the end, in the same transaction (a failure rolls all of it back): one sort an index
    and one join a foreign key beat ten million B-tree inserts and trigger checks (5x)."""

    def __init__(self) -> None:
        self.cursor = database.cursor()
        self.copy = hasattr(self.cursor, "copy_expert")
        tables = [*TABLES, *search.PG_TABLES]
        self.indexes = database.execute_sql(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            ([f'"{t}"' if t == "order" else t for t in tables],),
        ).fetchall()
        self.foreign_keys = database.execute_sql(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            ([f'"{t}"' if t == "order" else t for t in tables],),
        ).fetchall()
        for table, name, _ in self.foreign_keys:
            database.execute_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in self.indexes:
            database.execute_sql(f"DROP INDEX {name}")

    def insert(self, table: str, rows: list[tuple]) -> None:
        if not rows:
            return
        constants = CONSTANTS.get(table, {})
        cols = [*COLUMNS[table], *constants]
        if self.copy:
            end = "".join(f"\t{v}" for v in constants.values()) + "\n"
            buffer = io.StringIO()
            buffer.writelines(
                "\t".join("\\N" if v is None else str(v) for v in row) + end for row in rows
            )
            buffer.seek(0)
            self.cursor.copy_expert(f'COPY "{table}" ({", ".join(cols)}) FROM STDIN', buffer)
        else:
            marks = ", ".join(["%s"] * len(cols))
            sql = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({marks})'
            extra = tuple(constants.values())
            self.cursor.executemany(sql, [row + extra for row in rows])

    def finish(self) -> None:
        """Ids were given explicitly: move each sequence past them. The indexes and foreign
        keys back (each checked in one pass: a unique index rejects duplicates as ever)."""
        for table in ID_TABLES:
            database.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
            )
        database.execute_sql("SET LOCAL maintenance_work_mem = '256MB'")
        for _, sql in self.indexes:
            database.execute_sql(sql)
        for table, name, definition in self.foreign_keys:
            database.execute_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _analyze() -> None:
    """Fresh planner statistics: the tables grew from nothing to their full size.

    On PostgreSQL, VACUUM also sets the visibility map, without which the search's index-only
    scans fetch every heap row (3-4x slower after a bulk COPY).
    """
    try:
        if is_sqlite():
            database.execute_sql("PRAGMA analysis_limit = 1000")
            database.execute_sql("ANALYZE")
        else:
            tables = ", ".join([*(f'"{t}"' for t in TABLES), *search.PG_TABLES])
            database.execute_sql(f"VACUUM (ANALYZE) {tables}")
    except pw.DatabaseError:
        pass  # statistics are an optimisation; the data is committed
