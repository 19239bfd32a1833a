"""A big SQLite load's search index, built by a helper process on the core that idles.

A big load (``finconsole demo``, a shop's first customer import) ends with the writer
rebuilding the indexes it dropped for the load (CREATE INDEX) while the second core idles.
The search index (FTS5, ~11 s at a million customers) is built there instead: whoever knows
the customers' ids sends each chunk's documents to the builder, which stores them in a scratch
SQLite file next to the register and, once the last chunk's are in, indexes them. The writer
then copies the finished index in (``search.adopt_index``), which takes about a second.

The scratch file is private (0600), attached to the register's connection before the load's
transaction (SQLite cannot attach inside one) and removed afterwards, whatever happened; a
marker (``kernel.scratch``) has the next start remove it after a kill.
"""

from __future__ import annotations

import marshal
import multiprocessing
import os
import queue
import tempfile
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from finconsole.core.kernel import helpers, scratch
from finconsole.core.kernel.errors import DatabaseError, database_error_text
from finconsole.core.store import search_index as search
from finconsole.core.store.db import SQLITE_DRIVER
from finconsole.core.store.models import database

SCHEMA = "index_apart"  # the scratch file's name on the register's connection
WAIT = 1.0  # seconds between checks that the builder still lives


class IndexBuilder:
    """The helper process: takes marshalled lists of (customer id, document) from
    ``documents``: ``chunks`` of them, or (``chunks`` None) until ``adopt`` says the last is
    in. A later document of the same id replaces the earlier one.

    With ``chunks`` (the demo: its writer rebuilds other indexes at the end, for longer than
    this takes) the documents are stored and indexed in one pass once all are in; without
    (a first import: its writer has little left to do after the last row) each list is
    indexed as it comes while the builder keeps up (no list waits in the queue), so that
    little is left when the writer is done (``search.build_index_apart``).
    """

    def __init__(
        self,
        path: Path,
        chunks: int | None,
        purpose: str,
    ) -> None:
        context = multiprocessing.get_context("fork")  # the children only run Python and SQLite
        self.documents = context.Queue(maxsize=8)
        self._outcome = context.Queue()
        self._counted = chunks is not None
        self._ended = self._counted  # a counted builder knows when the last chunk is in
        self.process = helpers.start(
            context,
            _build,
            (str(path), chunks, self.documents, self._outcome),
            f"{purpose}-index",
        )

    def send(self, documents: list[tuple]) -> None:
        """From the writer: one chunk's documents (with ``chunks`` None)."""
        self._put(marshal.dumps(documents))

    def end(self) -> None:
        """From the writer: the last documents are sent. The builder then does what it put
        aside and merges the index while the writer still has other work (rebuilding the
        indexes it dropped), instead of only once ``adopt`` waits for it."""
        if not self._ended:
            self._put(None)
            self._ended = True

    def adopt(self) -> None:
        """Wait for the index and make it the register's (inside the load's transaction)."""
        self.end()
        while True:
            try:
                outcome = self._outcome.get(timeout=WAIT)
                break
            except queue.Empty:
                self._check_alive()
        if outcome is not None:
            raise DatabaseError(f"the search index could not be built: {outcome}")
        search.adopt_index(SCHEMA)

    def _put(self, item: bytes | None) -> None:
        while True:
            try:
                self.documents.put(item, timeout=WAIT)
                return
            except queue.Full:
                self._check_alive()

    def _check_alive(self) -> None:
        if not self.process.is_alive():
            raise DatabaseError("the search index builder stopped unexpectedly")

    def stop(self) -> None:
        helpers.stop(self.process)
        self.documents.close()
        self._outcome.close()


def _build(
    path: str,
    chunks: int | None,
    documents: Any,
    outcome: Any,
) -> None:
    """In the helper: index every chunk's documents; report None or what went wrong.

    On an error it keeps taking the documents, so the senders never wait on a full queue.
    """
    batches = _batches(documents, chunks)
    try:
        # open, never create: the writer made the file, and removes it when a signal ends
        # the load; a SIGTERM landing right after this helper's fork leaves the writer no
        # builder to stop, and a helper that created the file again would leave it behind
        # with no marker to sweep it (seen: test_helpers_die_with_their_parent[demo-15])
        uri = "file:" + urllib.parse.quote(path) + "?mode=rw"
        connection = SQLITE_DRIVER.connect(uri, uri=True, isolation_level=None)
        # a scratch file: no journal, no syncs (it is deleted if anything goes wrong)
        connection.execute("PRAGMA journal_mode = off")
        connection.execute("PRAGMA synchronous = off")
        # a first import's lists are indexed as they come while none waits behind them
        index_now = documents.empty if chunks is None else None
        search.build_index_apart(connection, batches, index_now=index_now)
        connection.close()
    except BaseException as exc:  # reported to the writer, which raises it
        for _ in batches:
            pass
        helpers.put(outcome, database_error_text(exc))
        return
    helpers.put(outcome, None)


def _batches(documents: Any, chunks: int | None) -> Iterator[list[tuple[int, str]]]:
    taken = 0
    while chunks is None or taken < chunks:
        item = helpers.get(documents)
        if item is None:
            return
        taken += 1
        yield marshal.loads(item)


@contextmanager
def built_apart(
    enabled: bool,
    chunks: int | None,
    purpose: str,
) -> Iterator[IndexBuilder | None]:
    """An ``IndexBuilder`` with its scratch file attached, or None when not ``enabled``.

    Enter before the load's transaction begins, leave after it ends.
    """
    if not enabled:
        yield None
        return
    path = _scratch_path(purpose)
    # registered before it exists: a killed load leaves nothing the next start keeps
    with scratch.marked(path):
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            database.execute_sql(f"ATTACH DATABASE ? AS {SCHEMA}", (str(path),))
            builder = IndexBuilder(path, chunks, purpose)
            try:
                yield builder
            finally:
                builder.stop()
                database.execute_sql(f"DETACH DATABASE {SCHEMA}")
        finally:
            scratch.remove(path)


def _scratch_path(purpose: str) -> Path:
    """A new private file's name next to the register (same disk), or in the temp folder."""
    name = database.database
    if name and name != ":memory:":
        folder = Path(name).resolve().parent
    else:
        folder = Path(tempfile.gettempdir())
    return folder / f".finconsole-{purpose}-index-{uuid.uuid4().hex[:12]}.db"
