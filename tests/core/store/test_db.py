import pytest

from finconsole.core.kernel.errors import DatabaseError
from finconsole.core.store import db as db_mod
from finconsole.core.store import migrations, models
from finconsole.core.store.models import Meta


def test_sqlite_pragmas(sqlite_db):
    assert sqlite_db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert sqlite_db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert sqlite_db.execute_sql("PRAGMA secure_delete").fetchone()[0] == 1


def test_schema_version_recorded(db):
    assert migrations.schema_version(db) == migrations.CURRENT_VERSION


def test_newer_database_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    db_mod.connect(url)
    Meta.update(value="999").where(Meta.key == "schema_version").execute()
    db_mod.close()
    with pytest.raises(DatabaseError, match="newer than this finconsole"):
        db_mod.connect(url)
    db_mod.close()


def test_older_database_needs_migrate_and_is_upgraded(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    db_mod.connect(url)
    db_mod.close()
    calls = []
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS + [calls.append])
    monkeypatch.setattr(migrations, "CURRENT_VERSION", len(migrations.MIGRATIONS))
    with pytest.raises(DatabaseError, match="run 'finconsole migrate'"):
        db_mod.connect(url)
    db_mod.close()
    database = db_mod.connect(url, migrate=True)
    assert len(calls) == 1
    assert migrations.schema_version(database) == migrations.CURRENT_VERSION
    db_mod.close()


def test_missing_folder_and_bad_scheme(tmp_path):
    with pytest.raises(DatabaseError, match="folder does not exist"):
        db_mod.connect(f"sqlite:///{tmp_path / 'no' / 'x.db'}")
    with pytest.raises(DatabaseError, match="must start with"):
        db_mod.connect("mysql://x")


def test_unreachable_postgres():
    with pytest.raises(DatabaseError, match="cannot open the database"):
        db_mod.connect("postgresql://nobody@127.0.0.1:1/none")
    db_mod.close()


def test_schema_version_of_an_unbound_database(tmp_path):
    """`finconsole migrate` reads the version before it binds the models."""
    url = f"sqlite:///{tmp_path / 'x.db'}"
    db_mod.connect(url)
    db_mod.close()
    models.database.initialize(None)
    other = db_mod.make_database(url)
    other.connect()
    assert migrations.schema_version(other) == migrations.CURRENT_VERSION
    other.close()


def test_migration_2_drops_the_unused_order_indexes(db):
    """A version 1 register (with the old indexes) loses them on migrate; its data stays."""
    for name, column in (
        ("order_ordered_at", "ordered_at"),
        ("order_invoice_status", "invoice_status"),
        ("order_collection_status", "collection_status"),
    ):
        db.execute_sql(f'CREATE INDEX "{name}" ON "order" ("{column}")')
    Meta.update(value="1").where(Meta.key == "schema_version").execute()
    assert migrations.migrate(db) == migrations.CURRENT_VERSION
    assert migrations.schema_version(db) == migrations.CURRENT_VERSION
    names = {index.name for index in db.get_indexes("order")}
    assert not names & {"order_ordered_at", "order_invoice_status", "order_collection_status"}
    assert "order_customer_id" in names  # what the per-customer reads use


def test_large_cache_is_restored(sqlite_db):
    before = sqlite_db.execute_sql("PRAGMA cache_size").fetchone()[0]
    with db_mod.large_cache(4096):
        assert sqlite_db.execute_sql("PRAGMA cache_size").fetchone()[0] == -4096
    assert sqlite_db.execute_sql("PRAGMA cache_size").fetchone()[0] == before


def test_none_binds_as_null_through_the_registered_adapter(sqlite_db):
    import peewee as pw

    assert pw.sqlite3.adapters[(type(None), pw.sqlite3.PrepareProtocol)] is db_mod._null
    cursor = sqlite_db.cursor()
    cursor.execute("CREATE TEMP TABLE nulls (a, b)")
    cursor.executemany("INSERT INTO nulls VALUES (?, ?)", [(None, 1), (2, None)])
    rows = sqlite_db.execute_sql("SELECT a IS NULL, b IS NULL, typeof(a) FROM nulls").fetchall()
    assert rows == [(1, 0, "null"), (0, 1, "integer")]


def test_register_only_write_transaction_locks_the_register_not_attached_files(sqlite_db, tmp_path):
    import peewee as pw

    scratch = tmp_path / "scratch.db"
    sqlite_db.execute_sql("ATTACH DATABASE ? AS scratch", (str(scratch),))
    other = db_mod.make_database(f"sqlite:///{tmp_path / 'test.db'}")
    other.connect()
    other.execute_sql("PRAGMA busy_timeout = 0")
    helper = pw.sqlite3.connect(str(scratch), isolation_level=None, timeout=0)
    try:
        with db_mod.write_transaction(register_only=True):
            with pytest.raises(pw.OperationalError, match="locked"):
                other.execute_sql("DELETE FROM meta WHERE 0")  # the register: locked at once
            helper.execute("CREATE TABLE t (x)")  # the attached file: free for another writer
    finally:
        helper.close()
        other.close()
        sqlite_db.execute_sql("DETACH DATABASE scratch")


def test_migration_3_email_index_is_idempotent(db):
    """On a new register (created from the models) and an old one alike."""
    assert "customer_email_lower" in {i.name for i in db.get_indexes("customer")}
    db.execute_sql("DROP INDEX customer_email_lower")
    Meta.update(value="2").where(Meta.key == "schema_version").execute()
    assert migrations.migrate(db) == migrations.CURRENT_VERSION
    migrations.MIGRATIONS[2](db)  # twice: no error
    assert "customer_email_lower" in {i.name for i in db.get_indexes("customer")}
