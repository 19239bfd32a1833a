"""The PostgreSQL demo load drops secondary indexes and foreign keys for the COPY and makes
them again: afterwards the schema is exactly as the migrations left it, and a failed load
leaves it so too (the drop is in the load's transaction)."""

import pytest

from finconsole.core.demo import demo
from finconsole.core.kernel.actor import Actor
from finconsole.core.store.db import is_sqlite
from finconsole.core.store.models import Customer, database

SCHEMA = (
    "SELECT (SELECT string_agg(conname || pg_get_constraintdef(oid), ',' ORDER BY conname) "
    "FROM pg_constraint), (SELECT string_agg(indexdef, ',' ORDER BY indexname) "
    "FROM pg_indexes WHERE schemaname = current_schema())"
)


@pytest.fixture
def pg(db):
    if is_sqlite():
        pytest.skip("PostgreSQL load")
    return db


def test_indexes_and_foreign_keys_come_back(pg):
    before = database.execute_sql(SCHEMA).fetchone()
    demo.generate(Actor.cli(), 300, 3)
    assert database.execute_sql(SCHEMA).fetchone() == before
    assert Customer.select().count() == 300


def test_a_failed_load_leaves_the_schema_as_it_was(pg, monkeypatch):
    before = database.execute_sql(SCHEMA).fetchone()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo.search, "write_documents", broken)  # mid-load
    with pytest.raises(RuntimeError):
        demo.generate(Actor.cli(), 50, 3)
    assert database.execute_sql(SCHEMA).fetchone() == before
    assert Customer.select().count() == 0
