"""The search index of a big SQLite demo, built by a helper process on the core that idles.

A big demo ends with the writer rebuilding a dozen indexes alone (CREATE INDEX, ~18 s at a
million customers) while the row makers have finished and the second core idles. The search
index (FTS5, ~11 s) is built there instead: the row makers send each chunk's documents to the
builder, which stores them in a scratch SQLite file next to the register and, once the last
chunk's are in, indexes them. The writer then copies the finished index in
(``search.adopt_index``), which takes about a second.

The scratch file is private (0600), attached to the register's connection before the load's
transaction (SQLite cannot attach inside one) and removed afterwards, whatever happened.
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

from finconsole.core.kernel import helpers, scratch
from finconsole.core.kernel.errors import DatabaseError, database_error_text
from finconsole.core.store import search_index as search
from finconsole.core.store.db import SQLITE_DRIVER
from finconsole.core.store.models import database

SCHEMA = "demo_index"  # the scratch file's name on the register's connection
PREFIX = ".finconsole-demo-index-"


class IndexBuilder:
    """The helper process: takes ``chunks`` marshalled document lists from ``documents``."""

    def __init__(self, path: Path, chunks: int) -> None:
        context = multiprocessing.get_context("fork")  # see demo._chunks_ahead
        self.documents = context.Queue(maxsize=8)
        self._outcome = context.Queue()
        self.process = helpers.start(
            context, _build, (str(path), chunks, self.documents, self._outcome), "demo-index"
        )

    def adopt(self) -> None:
        """Wait for the index and make it the register's (inside the load's transaction)."""
        while True:
            try:
                outcome = self._outcome.get(timeout=1)
                break
            except queue.Empty:
                if not self.process.is_alive():
                    raise DatabaseError("the demo's search index builder stopped") from None
        if outcome is not None:
            raise DatabaseError(f"the demo's search index could not be built: {outcome}")
        search.adopt_index(SCHEMA)

    def stop(self) -> None:
        helpers.stop(self.process)
        self.documents.close()
        self._outcome.close()


def _build(path: str, chunks: int, documents, outcome) -> None:
    """In the helper: index every chunk's documents; report None or what went wrong.

    On an error it keeps taking the documents, so the row makers never wait on a full queue.
    """
    batches = (marshal.loads(helpers.get(documents)) for _ in range(chunks))
    try:
        # open, never create: the writer made the file, and removes it when a signal ends
        # the demo; a SIGTERM landing right after this helper's fork leaves the writer no
        # builder to stop, and a helper that created the file again would leave it behind
        # with no marker to sweep it (seen: test_helpers_die_with_their_parent[demo-15])
        uri = "file:" + urllib.parse.quote(path) + "?mode=rw"
        connection = SQLITE_DRIVER.connect(uri, uri=True, isolation_level=None)
        # a scratch file: no journal, no syncs (it is deleted if anything goes wrong)
        connection.execute("PRAGMA journal_mode = off")
        connection.execute("PRAGMA synchronous = off")
        search.build_index_apart(connection, batches)
        connection.close()
    except BaseException as exc:  # reported to the writer, which raises it
        for _ in batches:
            pass
        helpers.put(outcome, database_error_text(exc))
        return
    helpers.put(outcome, None)


@contextmanager
def built_apart(enabled: bool, chunks: int) -> Iterator[IndexBuilder | None]:
    """An ``IndexBuilder`` with its scratch file attached, or None when not ``enabled``.

    Enter before the load's transaction begins, leave after it ends.
    """
    if not enabled:
        yield None
        return
    path = _scratch_path()
    # registered before it exists: a killed demo leaves nothing the next start keeps
    with scratch.marked(path):
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            database.execute_sql(f"ATTACH DATABASE ? AS {SCHEMA}", (str(path),))
            builder = IndexBuilder(path, chunks)
            try:
                yield builder
            finally:
                builder.stop()
                database.execute_sql(f"DETACH DATABASE {SCHEMA}")
        finally:
            scratch.remove(path)


def _scratch_path() -> Path:
    """A new private file's name next to the register (same disk), or in the temp folder."""
    name = database.database
    if name and name != ":memory:":
        folder = Path(name).resolve().parent
    else:
        folder = Path(tempfile.gettempdir())
    return folder / f"{PREFIX}{uuid.uuid4().hex[:12]}.db"
