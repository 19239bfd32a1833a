"""A shop's first customer import: a big file into a SQLite register with no customers yet is
written as one load, the way ``finconsole demo`` fills a register.

An import into a register that has customers commits a chunk at a time, so other consoles can
write between chunks, and every chunk pays for the register's indexes row by row. A first
import has nobody to merge with but the rows of its own file, so it is loaded instead:

- in one transaction (a kill, a full disk or a fault rolls all of it back: the register is
  as it was; a file-level fault found part way, such as a stray quote, commits the rows before
  it, as the chunked import does);
- with the indexes the import does not read (phone, email in any letter case, last change,
  postcode) dropped for the load and built again, one sort each, before it commits; the
  indexes it matches by (shop id, email, an address's customer) stay;
- with a rollback journal instead of the WAL and no foreign-key checks (``db.bulk_load``),
  when no other connection is open;
- with the search index built apart by a helper process on the other core from the
  documents of the customers written (``store.index_apart``) and copied in at the end;
- with one audit event for every run of consecutive ids it created (one for the whole file,
  as a rule), not one a chunk.

Consoles that had the register open when the load began keep reading it as it was (the load
then keeps the WAL); their writes wait for it (a retention run waits and retries:
``store.busy``). With none open, the load takes a rollback journal, and a console started
meanwhile waits for the load, as during ``finconsole demo``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from finconsole.core.imports import shop_writer as w
from finconsole.core.imports.import_result import ImportResult, Progress
from finconsole.core.imports.shop_csv import CsvSource, ImportFormatError
from finconsole.core.imports.shop_formats import CustomerRecord
from finconsole.core.imports.shop_import import (
    BUSY_SECONDS,
    ChunkWriter,
    Destination,
    created_event,
    filled_fields,
    write_customer_chunk,
    write_parsed,
)
from finconsole.core.imports.shop_pipeline import (
    IN_PROCESS_BYTES,
    ParsedRows,
    document_of,
)
from finconsole.core.kernel.actor import Actor
from finconsole.core.store import busy, index_apart
from finconsole.core.store.db import bulk_load, is_sqlite, write_transaction
from finconsole.core.store.models import Customer, database

# Indexes no query of the import reads: dropped for the load and made again at its end
DEFERRED_INDEXES = (
    "customer_phone",
    "customer_updated_at",
    "customer_email_lower",
    "address_postcode",
)
CHUNK = 10_000  # records a savepoint: nobody else writes during a load, so no lock to give up


def applies(source: CsvSource) -> bool:
    """A file big enough to be parsed ahead (smaller ones take a moment either way), into a
    SQLite register that has no customers."""
    return is_sqlite() and source.bytes_total >= IN_PROCESS_BYTES and not Customer.select().exists()


def load(
    actor: Actor, parsed: ParsedRows, result: ImportResult, progress: Progress | None, total: int
) -> int | None:
    """Import ``parsed`` as one load; returns how many rows were read, or None (nothing done)
    when another console's import put customers in first: then import chunk by chunk."""
    stopped: ImportFormatError | None = None
    with bulk_load(), index_apart.built_apart(True, None, "import") as index:
        assert index is not None
        with result.committing(), _load_transaction():
            if Customer.select().exists():
                return None
            destination = FreshLoad(index)
            chunks = _SavepointChunks(actor, result, destination)
            with _deferred_indexes():
                try:
                    rows = write_parsed(parsed, result, progress, total, chunks)
                except ImportFormatError as exc:
                    stopped = exc  # raised once the rows before it are committed
                    rows = 0
                index.end()  # the builder finishes while the dropped indexes are made again
            destination.finish(actor)
    if stopped is not None:
        raise stopped
    return rows


_SEARCHABLE = (
    "SELECT c.id, c.first_name, c.last_name, c.email, c.phone, a.postcode FROM customer c "
    "LEFT JOIN address a ON a.customer_id = c.id AND a.is_default WHERE c.id IN ({})"
)


class FreshLoad(Destination):
    """Search entries go to the index builder; the audit waits for the end of the load."""

    def __init__(self, index: index_apart.IndexBuilder) -> None:
        self.index = index
        self.runs: list[tuple[int, int]] = []
        self.filled: set[str] = set()
        self.all_by_shop_id = True  # every record so far had the shop's id

    def documents(self, records: Sequence[CustomerRecord], ids: Sequence[int]) -> None:
        # made by the parsing process, which has the most time to spare: the builder, last in
        # line, indexes them as they come and is what the writer waits for at the end
        if ids:
            self.index.send([(cid, r.document) for r, cid in zip(records, ids)])

    def reindex(self, customer_ids: list[int], *, bulk: bool) -> None:
        """A customer the file names twice: their entry made again from what is stored now
        (the builder keeps an id's last entry; a new customer has one address)."""
        rows = w.select_in(_SEARCHABLE, customer_ids)
        if rows:
            self.index.send([(row[0], document_of(*row[1:])) for row in rows])

    def may_match_by_email(self, records: Sequence[CustomerRecord]) -> bool:
        """An email match never takes another shop id: while every record of the load has
        one, so has every customer it wrote, and a record is only ever its shop id's customer
        (the email look-up, random reads of an index, was a twentieth of a load's writer).
        The first record without one turns the look-up on for the rest of the load."""
        if self.all_by_shop_id and not all(r.shop_ref for r in records):
            self.all_by_shop_id = False
        return not self.all_by_shop_id

    def created(self, actor: Actor, records: Sequence[CustomerRecord], ids: Sequence[int]) -> None:
        self.filled |= filled_fields(records)
        for first, last in w.id_runs(ids):
            if self.runs and first == self.runs[-1][1] + 1:
                self.runs[-1] = (self.runs[-1][0], last)
            else:
                self.runs.append((first, last))

    def finish(self, actor: Actor) -> None:
        """The built search index in, and the audit events of what was created."""
        self.index.adopt()
        w.audit_many(actor, [created_event(first, last, self.filled) for first, last in self.runs])


class _SavepointChunks(ChunkWriter):
    """Each chunk in a savepoint of the load's transaction, all the same size."""

    def __init__(self, actor: Actor, result: ImportResult, destination: FreshLoad) -> None:
        super().__init__(actor, result, destination)
        self.limit = CHUNK

    def write(self, chunk: Sequence[CustomerRecord]) -> None:
        write_customer_chunk(self.actor, chunk, self.result, to=self.destination)


@contextmanager
def _load_transaction() -> Iterator[None]:
    """The load's write transaction, its lock waited for while another writer holds it (a
    retention run, another console's import chunk): tried again for up to BUSY_SECONDS, as
    a chunk is. Only the start is tried again: no row has been read yet."""
    transaction = write_transaction(register_only=True)
    busy.retry(transaction.__enter__, seconds=BUSY_SECONDS)
    try:
        yield
    except BaseException as exc:
        if not transaction.__exit__(type(exc), exc, exc.__traceback__):
            raise
    else:
        transaction.__exit__(None, None, None)


@contextmanager
def _deferred_indexes() -> Iterator[None]:
    """Inside the load's transaction: ``DEFERRED_INDEXES`` dropped, made again at the end
    (a failure rolls the drop back with everything else)."""
    names = ", ".join(f"'{name}'" for name in DEFERRED_INDEXES)
    indexes = database.execute_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({names})"
    ).fetchall()
    for name, _ in indexes:
        database.execute_sql(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        database.execute_sql(sql)
