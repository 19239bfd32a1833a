"""``_m10_search_without_foreign_keys``: on PostgreSQL the search tables lose their foreign
keys to ``customer`` (their check of every term was half of an import's time) and a
statement trigger deletes a deleted customer's entries, as the keys' cascade did: a customer
deleted by any path leaves no term behind. SQLite is left as it was."""

import pytest

from finconsole.core.register import customers, find
from finconsole.core.store import migrations
from finconsole.core.store import search_index as search
from finconsole.core.store.db import is_sqlite
from finconsole.core.store.models import Customer, Meta, database


@pytest.fixture
def pg(db):
    if is_sqlite():
        pytest.skip("PostgreSQL tables")
    return db


def _foreign_keys() -> list[str]:
    rows = database.execute_sql(
        "SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
        "AND conrelid::regclass::text = ANY(%s) ORDER BY 1",
        (list(search.PG_TABLES),),
    ).fetchall()
    return [table for (table,) in rows]


def _entries(customer_id: int) -> int:
    return sum(
        database.execute_sql(
            f"SELECT count(*) FROM {table} WHERE customer_id = %s", (customer_id,)
        ).fetchone()[0]
        for table in search.PG_TABLES
    )


def _older_register() -> None:
    """The search tables as migrations 1-9 made them: keys with ON DELETE CASCADE, no
    trigger."""
    database.execute_sql(f"DROP TRIGGER {search.FORGET_TRIGGER} ON customer")
    for table in search.PG_TABLES:
        database.execute_sql(
            f"ALTER TABLE {table} ADD FOREIGN KEY (customer_id) REFERENCES customer(id) "
            "ON DELETE CASCADE"
        )
    number, _ = migrations.numbered("search_without_foreign_keys")
    Meta.update(value=str(number - 1)).where(Meta.key == "schema_version").execute()


def test_older_register_loses_the_keys_and_keeps_the_cascade(pg, officer):
    kept = customers.create(officer, {"first_name": "Zqpysyvä", "last_name": "Asiakas"})
    gone = customers.create(officer, {"first_name": "Zqpoistuva", "last_name": "Asiakas"})
    _older_register()
    assert _foreign_keys() == sorted(search.PG_TABLES)
    assert migrations.migrate(pg) == migrations.CURRENT_VERSION
    _, step = migrations.numbered("search_without_foreign_keys")
    step(pg)  # twice: no error, one trigger
    assert _foreign_keys() == []
    assert _entries(gone["id"]) > 0
    # a delete that forgets the search index (every service calls search.remove first)
    Customer.delete().where(Customer.id == gone["id"]).execute()
    assert _entries(gone["id"]) == 0
    assert _entries(kept["id"]) > 0
    assert [r["id"] for r in find.search(officer, "zqpysyvä")] == [kept["id"]]


def test_a_new_register_has_no_keys_on_the_search_tables(pg, officer):
    assert _foreign_keys() == []
    made = [
        customers.create(officer, {"first_name": f"Zqmonta{n}", "last_name": "Ab"}) for n in "xyz"
    ]
    Customer.delete().where(Customer.id.in_([c["id"] for c in made[:2]])).execute()
    assert [_entries(c["id"]) > 0 for c in made] == [False, False, True]


def test_sqlite_is_left_as_it_was(db):
    if not is_sqlite():
        pytest.skip("SQLite")
    _, step = migrations.numbered("search_without_foreign_keys")
    tables = db.get_tables()
    step(db)
    assert db.get_tables() == tables
