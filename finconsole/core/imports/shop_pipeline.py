"""Customer rows parsed, validated and indexed ahead of the writer, in a helper process.

Reading, validating and building search documents is about half of a customer import's work
and holds the GIL, so a big file is parsed in a forked helper process on the second core
while this process writes the previous rows. Rows come back in file order, in batches; an
error (a stray quote deep in the file) comes back in its place, after the rows before it,
so those are still imported. Small files are parsed in-process: a process costs more than
it saves.

The helper only reads the file and runs Python: it never touches the inherited database
connection, and exits through multiprocessing's ``os._exit``. It dies with this process
whatever ends it (``kernel.helpers``).
"""

from __future__ import annotations

import gc
import marshal
import multiprocessing
import queue
import sys
from collections.abc import Iterator
from operator import attrgetter
from typing import Any

from finconsole.core.imports.shop_csv import CsvSource
from finconsole.core.imports.shop_customer_rows import CustomerReader
from finconsole.core.imports.shop_formats import CustomerRecord, RowRejected
from finconsole.core.imports.shop_writer import RAW_REJECTS_KEPT
from finconsole.core.kernel import helpers
from finconsole.core.kernel.errors import DatabaseError
from finconsole.core.store.search_tokens import new_customer_document

IN_PROCESS_BYTES = 4 << 20  # below this, parse in-process
BATCH = 2000  # rows a message
AHEAD = 8  # batches the helper may run ahead (bounds memory)
FEEDER_SWITCH_INTERVAL = 0.0002  # seconds; see _parse_into

# (line, record or None, reason of a reject, the row's cells for the rejects file: a reject's,
# or a record's with warnings)
Item = tuple[int, CustomerRecord | None, str, dict[str, str] | None]

_FIELDS = tuple(CustomerRecord.__dataclass_fields__)  # positional order of the constructor
_as_tuple = attrgetter(*_FIELDS)  # records cross the pipe as plain tuples: 3x cheaper


def parse(source: CsvSource, reader: CustomerReader, documents: bool = True) -> Iterator[Item]:
    """Every row of ``source`` as a record (with its search document when ``documents``), or
    a reject."""
    rejects = warned = 0
    for line, row in source:
        try:
            record = reader(row, line)
        except RowRejected as exc:
            raw = source.raw(row) if rejects < RAW_REJECTS_KEPT else None
            rejects += 1
            yield line, None, str(exc), raw
            continue
        if documents:
            record.document = document(record)
        if record.warnings:  # imported, with warnings (``record.warnings``) that list the row
            raw = source.raw(row) if warned < RAW_REJECTS_KEPT else None
            warned += 1
            yield line, record, "", raw
            continue
        yield line, record, "", None


def document(record: CustomerRecord) -> str:
    return document_of(*searchable(record))


def searchable(record: CustomerRecord) -> tuple[str, str, str | None, str | None, str | None]:
    """What a new customer's search document is made of: names, email, phone, postcode."""
    postcode = record.address["postcode"] if record.address else None
    return record.first_name, record.last_name, record.email, record.phone, postcode


document_of = new_customer_document  # (first, last, email, phone, postcode) -> document


class relaxed_gc:
    """Fewer cyclic garbage collections while importing: a million rows allocate tens of
    millions of tuples and strings (none in cycles), and with the default threshold the
    collector walks the young heap every 700 of them (measured: it took 4/5 of the time of
    unpickling a batch). Cycles are still collected, just less often."""

    THRESHOLD = 100_000

    def __enter__(self) -> None:
        self.previous = gc.get_threshold()
        gc.set_threshold(self.THRESHOLD, *self.previous[1:])

    def __exit__(self, *exc: object) -> None:
        gc.set_threshold(*self.previous)


class ParsedRows:
    """Iterate for ``Item``s in file order; ``bytes_done`` says how far parsing has read."""

    def __init__(self, source: CsvSource, reader: CustomerReader) -> None:
        self.source, self.reader = source, reader
        self.bytes_done = 0
        # records come with their search documents, unless whoever indexes them makes them
        self.documents = True

    def __iter__(self) -> Iterator[Item]:
        if self.source.bytes_total < IN_PROCESS_BYTES:
            for item in parse(self.source, self.reader, self.documents):
                self.bytes_done = self.source.bytes_done
                yield item
            return
        yield from self._ahead()

    def _ahead(self) -> Iterator[Item]:
        context = multiprocessing.get_context("fork")
        ready = context.Queue(maxsize=AHEAD)
        helper = helpers.start(
            context,
            _parse_into,
            (self.source, self.reader, self.documents, ready),
            "import-reader",
        )
        try:
            while (message := _next(ready, helper)) is not None:
                if isinstance(message, BaseException):
                    raise message
                batch, self.bytes_done = marshal.loads(message)
                for line, fields, why, raw in batch:
                    yield line, CustomerRecord(*fields) if fields else None, why, raw
        finally:
            helpers.stop(helper)
            ready.close()


def _next(ready: Any, helper: Any) -> Any:
    while True:
        try:
            return ready.get(timeout=1)
        except queue.Empty:
            if not helper.is_alive():
                raise DatabaseError("the import's reading process stopped unexpectedly") from None


def _parse_into(source: CsvSource, reader: CustomerReader, documents: bool, ready: Any) -> None:
    """The helper: marshalled batches of (line, record fields, reason, cells), then None."""
    # The Queue's feeder thread writes each batch into the pipe 64 KiB at a time and needs the
    # GIL for every piece, which this thread holds for the default 5 ms between switches:
    # the writer then waited for batches that were ready (measured: a quarter of the run).
    sys.setswitchinterval(FEEDER_SWITCH_INTERVAL)
    batch: list[tuple] = []
    try:
        for line, record, why, raw in parse(source, reader, documents):
            batch.append((line, _as_tuple(record) if record else None, why, raw))
            if len(batch) >= BATCH:
                helpers.put(ready, _batch(batch, source))
                batch = []
        helpers.put(ready, _batch(batch, source))
        helpers.put(ready, None)
    except BaseException as exc:  # handed to the writer, which raises it in its place
        helpers.put(ready, _batch(batch, source))  # after the rows before it
        helpers.put(ready, exc)


def _batch(batch: list[tuple], source: CsvSource) -> bytes:
    # marshal: the rows are only tuples, dicts, strings and numbers, and marshal writes and
    # reads them faster than the Queue's pickle (the queue then sends plain bytes)
    return marshal.dumps((batch, source.bytes_done))
