"""Open the database named by a URL and keep its schema current.

``sqlite:///relative.db`` or ``sqlite:////absolute.db`` is the embedded default;
``postgresql://user@host:port/db`` serves several consoles. peewee picks up ``pysqlite3``
(a current SQLite) when installed: the search index's secure delete needs SQLite >= 3.43.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import ContextDecorator, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlparse

import peewee as pw

from finconsole.core.kernel.errors import (
    DATABASE_BUSY,
    DATABASE_GONE,
    DATABASE_OTHER,
    DatabaseError,
    database_error_sentence,
    database_error_text,
    is_database_failure,
)
from finconsole.core.store import migrations
from finconsole.core.store.models import database, is_sqlite, tuples  # noqa: F401 (re-exported)

# secure_delete zeroes deleted content; WAL lets readers and one writer work together.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "secure_delete": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
}
MIN_SQLITE = (3, 43, 0)
BULK_CACHE_KIB = 128 * 1024  # SQLite page cache during bulk imports (see large_cache)

_lock = threading.Lock()
# the sqlite3 module peewee uses: pysqlite3's when installed (peewee's stubs do not name it)
SQLITE_DRIVER: Any = getattr(pw, "sqlite3", None)


def _null(value: None) -> None:
    return None


# The sqlite3 driver binds None by looking for an adapter and, finding none, probing the value
# and the protocol for __adapt__/__conform__: ~0.8 us a None with pysqlite3, a tenth of a whole
# eleven-column row insert. Registered, None is a dict hit and a call (measured 8.3 -> 1.5 us
# a row of ten NULLs); it still binds NULL. Bulk loads bind millions of NULL dates.
if SQLITE_DRIVER is not None:
    SQLITE_DRIVER.register_adapter(type(None), _null)


def sqlite_path(url: str) -> Path | None:
    """The file behind a ``sqlite:///`` URL, or None for other URLs and ``:memory:``."""
    if not url.startswith("sqlite://"):
        return None
    rest = url[len("sqlite://") :]
    if rest.startswith("/"):
        rest = rest[1:]
    if rest in ("", ":memory:"):
        return None
    return Path(unquote(rest))


def database_label() -> str:
    """Which database the models are bound to, as the files next to the key name it: the
    SQLite file's full path, or the PostgreSQL server and database (never a password)."""
    db = database.obj
    if db is None:
        return ""
    if is_sqlite(db):
        return "sqlite:///" + str(Path(db.database).resolve())
    params = getattr(db, "connect_params", {})
    host, port = params.get("host") or "localhost", params.get("port") or 5432
    return f"postgresql://{host}:{port}/{db.database}"


def make_database(url: str) -> pw.Database:
    """Build (not yet connect) a peewee Database for ``url``."""
    if url.startswith("sqlite://"):
        path = sqlite_path(url)
        if path is None or "mode=memory" in url:
            raise DatabaseError(
                "the database url names an in-memory SQLite database, where every write would "
                "be lost: give a file, e.g. sqlite:///finconsole.db"
            )
        if not path.parent.exists():
            raise DatabaseError(f"database folder does not exist: {path.parent}")
        return pw.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, check_same_thread=False)
    if url.startswith(("postgresql://", "postgres://")):
        return _make_postgres(url)
    raise DatabaseError("database url must start with sqlite:/// or postgresql://")


# libpq connection parameters a URL may carry (``?sslmode=verify-full&sslrootcert=...``),
# passed to the driver as they are: TLS, timeouts, keepalives. Others are refused by name, so
# a misspelt ``sslmode`` is never silently a plain-text connection.
PG_PARAMETERS = frozenset(
    {
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "sslcrl",
        "sslpassword",
        "ssl_min_protocol_version",
        "sslcompression",
        "sslsni",
        "requiressl",
        "gssencmode",
        "channel_binding",
        "connect_timeout",
        "application_name",
        "target_session_attrs",
        "keepalives",
        "keepalives_idle",
        "keepalives_interval",
        "keepalives_count",
        "tcp_user_timeout",
        "passfile",
        "service",
        "options",
        "host",
        "hostaddr",
        "port",
    }
)


def postgres_parameters(url: str) -> dict[str, Any]:
    """The driver's keyword arguments for a ``postgresql://`` URL (``connect_timeout`` 5 s
    unless the URL says otherwise)."""
    parsed = urlparse(url)
    try:
        port = parsed.port
    except ValueError:
        raise DatabaseError("database url has an invalid port") from None
    params: dict[str, Any] = {
        "user": unquote(parsed.username) if parsed.username else None,
        "password": unquote(parsed.password) if parsed.password else None,
        "host": parsed.hostname or None,
        "port": port,
        "connect_timeout": 5,
    }
    for name, value in parse_qsl(parsed.query, keep_blank_values=True):
        if name not in PG_PARAMETERS:
            raise DatabaseError(
                f"database url: unknown connection parameter '{name}' (known: sslmode, "
                "sslrootcert, sslcert, sslkey, connect_timeout, application_name, ...)"
            )
        params[name] = value
    return params


def _make_postgres(url: str) -> pw.Database:
    name = (urlparse(url).path or "/").lstrip("/") or "postgres"
    return pw.PostgresqlDatabase(name, **postgres_parameters(url))


def connect(url: str, *, migrate: bool = False) -> pw.Database:
    """Open ``url``, bind the models to it and check the schema.

    A new, empty database gets the current schema. An older one is upgraded only with
    ``migrate=True`` (``finconsole migrate``); otherwise the caller is told to migrate.
    """
    db = make_database(url)
    with _lock:
        database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
    except pw.DatabaseError as exc:  # not only OperationalError: "file is not a database"
        if _disk_full(sqlite_path(url)):  # SQLite says "disk I/O error" (no room for -shm)
            raise DatabaseError(f"cannot open the database: {DISK_FULL}") from None
        raise DatabaseError(f"cannot open the database: {opening_error_text(exc)}") from None
    if is_sqlite(db):
        _check_sqlite_version(db)
        path = sqlite_path(url)
        if path is not None:
            _restrict_permissions(path)
    migrations.ensure_schema(db, upgrade=migrate)
    return db


DISK_FULL = "the disk is full: free some space and try again"


def _disk_full(path: Path | None) -> bool:
    """True when the SQLite file's disk has no room left (less than one 64 KiB write)."""
    if path is None:
        return False
    try:
        return shutil.disk_usage(path.parent).free < 65536
    except OSError:
        return False


def opening_error_text(exc: BaseException) -> str:
    """Why a database could not be opened: the named condition (not a database, permission
    denied ...), else the driver's first line (opening quotes no stored values)."""
    named = database_error_text(exc)
    if named in (DATABASE_OTHER, DATABASE_GONE, DATABASE_BUSY):
        # a connection's own first line says more ("server does not support SSL, but SSL
        # was required", "password authentication failed") and quotes no stored value
        return _first_line(exc)
    return named


def _check_sqlite_version(db: pw.Database) -> None:
    version = db.execute_sql("select sqlite_version()").fetchone()[0]
    if tuple(int(p) for p in version.split(".")[:3]) < MIN_SQLITE:
        raise DatabaseError(
            f"SQLite {version} is too old (need 3.43+ for permanent erasure from the search "
            "index): install pysqlite3-binary"
        )


def _restrict_permissions(path: Path) -> None:
    """The database holds personal data: readable by its owner only."""
    for suffix in ("", "-wal", "-shm"):
        file = Path(str(path) + suffix)
        if file.exists():
            try:
                os.chmod(file, 0o600)
            except OSError:
                pass  # not our file (shared PostgreSQL-style setups): leave as is


def close() -> None:
    db = database.obj
    if db is not None and not db.is_closed():
        db.close()


@contextmanager
def thread_connection() -> Iterator[None]:
    """Use in worker threads: peewee connections are per thread.

    A driver error inside becomes a ``DatabaseError`` naming the condition (busy, disk full
    ...), so every worker that reports ``FinconsoleError`` reports it too, instead of the
    error ending the console, and no driver text (which can quote values) is shown.
    """
    with database.connection_context():
        try:
            yield
        except Exception as exc:
            if isinstance(exc, pw.PeeweeException) or is_database_failure(exc):
                raise DatabaseError(database_error_sentence(exc)) from exc
            raise


@contextmanager
def large_cache(kib: int = BULK_CACHE_KIB) -> Iterator[None]:
    """A bigger SQLite page cache for a bulk import, restored afterwards: the indexes the rows
    go into stay in memory instead of being read back page by page. No-op on PostgreSQL."""
    if not is_sqlite():
        yield
        return
    before = database.execute_sql("PRAGMA cache_size").fetchone()[0]
    database.execute_sql(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        database.execute_sql(f"PRAGMA cache_size = {int(before)}")


@contextmanager
def bulk_load(cache_kib: int = BULK_CACHE_KIB) -> Iterator[None]:
    """A bigger SQLite page cache and a rollback journal for a big load into an empty
    register (``finconsole demo``, a shop's first import), restored afterwards. Enter it
    before the load's transaction begins.

    Foreign-key checks are off for the load (a B-tree probe of the parent for each of
    millions of rows): every id the loader writes refers to a row it made earlier in the same
    transaction. The pragma only takes effect outside a transaction, hence here.
    """
    if not is_sqlite():
        yield
        return
    journal = _set_journal_mode("truncate")
    database.execute_sql("PRAGMA foreign_keys = 0")
    try:
        with large_cache(cache_kib), _written_back_early(journal == "truncate"):
            yield
    finally:
        database.execute_sql("PRAGMA foreign_keys = 1")
        database.execute_sql("PRAGMA shrink_memory")
        if journal == "truncate":
            _set_journal_mode("wal")


WRITEBACK_SECONDS = 0.5  # how often a big load's pages are sent to the disk (see below)


@contextmanager
def _written_back_early(enabled: bool) -> Iterator[None]:
    """During a big load with a rollback journal: a thread asks the kernel every
    ``WRITEBACK_SECONDS`` to write to the disk the pages SQLite has written to the register
    file so far, while the load goes on. Otherwise the commit's sync writes the whole load
    (hundreds of MB at a million customers: a quarter of a second there) while the load
    waits. An early write is one the kernel could make at any moment anyway: SQLite only
    writes to the file what its journal allows, and its own sync at the commit still
    decides, and reports any error (each open file sees an error once)."""
    name = database.database
    if not enabled or not name or name == ":memory:" or name.startswith("file:"):
        yield
        return
    try:
        fd = os.open(name, os.O_RDONLY)
    except OSError:
        yield  # (the load goes on: its commit syncs everything, as without this)
        return
    done = threading.Event()
    sync = getattr(os, "fdatasync", os.fsync)  # (macOS has no fdatasync)

    def write_back() -> None:
        while not done.wait(WRITEBACK_SECONDS):
            try:
                sync(fd)
            except OSError:
                return  # the commit's own sync reports it

    thread = threading.Thread(target=write_back, name="finconsole-writeback", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        os.close(fd)


def _set_journal_mode(mode: str) -> str | None:
    """Switch the journal mode if no other connection is open; returns the mode in force.

    A big load in WAL mode writes every page twice (the WAL, then the checkpoint); a rollback
    journal holds only the few pages that existed before, since the register was empty. With
    another console open the switch is refused and the load simply stays in WAL mode.
    """
    try:
        return database.execute_sql(f"PRAGMA journal_mode = {mode}").fetchone()[0]
    except pw.OperationalError:
        return None


def checkpoint() -> None:
    """Fold the WAL into the main file and truncate it (erased bytes leave the -wal file)."""
    if is_sqlite():
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else exc.__class__.__name__


_pending = threading.local()  # callables to run once this thread's transaction has committed


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the current transaction has committed (at once outside one).

    Runs after the outermost ``write_transaction`` of this thread ends with a commit; dropped
    when it rolls back. Under a transaction begun otherwise (plain ``atomic()``) it runs at the
    next commit of a ``write_transaction`` in this thread, so a callback must read what is
    committed then rather than trust what it was given (the audit checkpoint does).
    """
    if not database.in_transaction():
        callback()
        return
    callbacks = getattr(_pending, "callbacks", None)
    if callbacks is None:
        callbacks = _pending.callbacks = []
    if callback not in callbacks:
        callbacks.append(callback)


def _transaction_ended(committed: bool) -> None:
    if database.in_transaction():
        return  # a savepoint ended: the transaction goes on
    callbacks = getattr(_pending, "callbacks", None) or []
    _pending.callbacks = []
    if committed:
        for callback in callbacks:
            callback()


def write_transaction(*, register_only: bool = False) -> "_WriteTransaction":
    """A transaction for a service that writes (a context manager or a decorator).

    On SQLite the outermost one begins IMMEDIATE, taking the write lock up front, so two
    consoles never read-then-write past each other (optimistic locks and the audit chain rely
    on it). Nested calls become savepoints.

    ``register_only``: with another database file attached, take the register's write lock
    alone (BEGIN IMMEDIATE locks every attached file, so another process could not write it).
    """
    if is_sqlite() and not database.in_transaction():
        if register_only:
            return _WriteTransaction(database.atomic(), lock=_lock_register)
        return _WriteTransaction(database.atomic(lock_type="IMMEDIATE"))
    return _WriteTransaction(database.atomic())


def _lock_register() -> None:
    # a write that changes nothing still takes the write lock, of this file only
    database.execute_sql('DELETE FROM main."meta" WHERE 0')


class _WriteTransaction(ContextDecorator):
    """peewee's atomic(), but the error that ended the transaction is the one reported.

    SQLite rolls a transaction back by itself on some errors (a full disk: SQLITE_FULL); the
    ROLLBACK peewee then sends fails with "no transaction is active", which would hide the
    real cause from the user.
    """

    def __init__(self, inner, lock=None) -> None:
        self.inner = inner
        self.lock = lock

    def __enter__(self):
        entered = self.inner.__enter__()
        if self.lock is not None:
            try:
                self.lock()
            except BaseException as exc:
                self.__exit__(type(exc), exc, exc.__traceback__)
                raise
        return entered

    def __exit__(self, exc_type, exc, tb):
        try:
            handled = self.inner.__exit__(exc_type, exc, tb)
        except pw.DatabaseError as failure:
            _transaction_ended(committed=False)
            if exc is not None:
                _reraise_as_peewee(exc)
                raise exc from None
            if "no transaction" in str(failure):
                cause = _first_real_failure(failure)  # the COMMIT failed, then the ROLLBACK
                if cause is not None:
                    _reraise_as_peewee(cause)
                    raise cause from None
            raise
        if exc is not None:
            _transaction_ended(committed=False)
            _reraise_as_peewee(exc)
        _transaction_ended(committed=exc is None)
        return handled


def _first_real_failure(failure: BaseException) -> BaseException | None:
    """The error behind a failed ROLLBACK: SQLite rolled back by itself (a full disk during
    COMMIT), so peewee's ROLLBACK found no transaction; the driver's and peewee's copies of
    that complaint sit in between."""
    seen = failure.__context__
    while seen is not None:
        text = str(seen)
        if is_database_failure(seen) and "no transaction" not in text:
            return seen
        seen = seen.__context__
    return None


def _reraise_as_peewee(exc: BaseException) -> None:
    """A driver's own error (bulk writes use its cursor directly) as peewee's class of the
    same name, so every caller that handles database failures handles it too."""
    if isinstance(exc, pw.PeeweeException) or not is_database_failure(exc):
        return
    peewee_class = getattr(pw, type(exc).__name__, pw.DatabaseError)
    if not (isinstance(peewee_class, type) and issubclass(peewee_class, pw.PeeweeException)):
        peewee_class = pw.DatabaseError
    raise peewee_class(*exc.args) from exc
