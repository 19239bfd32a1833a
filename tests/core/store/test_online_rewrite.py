"""PostgreSQL: the search index's tables are rewritten while readers go on (store.online_rewrite).

A second connection (psycopg2, as another console) reads and writes while the rewrite is held
at the point of interest: readers must not wait, writers must, and what a missed swap leaves
is the old table as it was. Skipped, saying so, without FINCONSOLE_TEST_PG_URL."""

from __future__ import annotations

import peewee as pw
import psycopg2
import pytest

from finconsole.core.store import online_rewrite, permanence
from finconsole.core.store import search_index as search
from finconsole.core.store.models import database

pytestmark = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)


@pytest.fixture
def terms(db):
    """1,000 terms of 100 customers, and 100 documents."""
    database.execute_sql(
        "INSERT INTO search_term (customer_id, term) "
        "SELECT mod(i, 100) + 1, 'term' || i FROM generate_series(1, 1000) AS i"
    )
    database.execute_sql(
        "INSERT INTO search_doc (customer_id, doc) "
        "SELECT i, 'doc of ' || i FROM generate_series(1, 100) AS i"
    )
    yield
    database.execute_sql("DROP TABLE IF EXISTS spare CASCADE")  # and its view


@pytest.fixture
def other(db_url):
    """Another console's connection, autocommit, waiting at most 100 ms for any lock."""
    connection = psycopg2.connect(db_url.replace("postgresql+psycopg2", "postgresql"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '100ms'")
    yield connection
    connection.close()


def filenode(table: str) -> int:
    return database.execute_sql("SELECT pg_relation_filenode(%s)", (table,)).fetchone()[0]


def index_names(table: str) -> list[str]:
    rows = database.execute_sql(
        "SELECT indexname FROM pg_indexes WHERE tablename = %s ORDER BY 1", (table,)
    )
    return [row[0] for row in rows]


def contents(table: str) -> list[tuple]:
    return database.execute_sql(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()


def test_tables_are_eligible_unless_something_tied_to_them_would_not_move(terms):
    for table in ("customer", "address", "order", *search.PG_TABLES):
        assert online_rewrite.eligible(table)
    assert not online_rewrite.eligible("no_such_table")
    database.execute_sql("CREATE TABLE spare (id serial PRIMARY KEY, note text)")
    assert online_rewrite.eligible("spare")  # a serial sequence moves with it
    database.execute_sql("CREATE VIEW spare_view AS SELECT note FROM spare")
    assert not online_rewrite.eligible("spare")  # a view reads it
    database.execute_sql("DROP VIEW spare_view")
    database.execute_sql("GRANT SELECT ON spare TO PUBLIC")
    assert not online_rewrite.eligible("spare")  # grants of its own
    database.execute_sql("CREATE TABLE spare_identity (id int GENERATED ALWAYS AS IDENTITY)")
    try:
        assert not online_rewrite.eligible("spare_identity")
    finally:
        database.execute_sql("DROP TABLE spare_identity")


def keys_and_triggers() -> list[tuple]:
    return database.execute_sql(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated "
        "FROM pg_constraint WHERE connamespace = 'public'::regnamespace UNION ALL "
        "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid), tgenabled = 'O' "
        "FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2"
    ).fetchall()


def test_a_customer_rewrite_keeps_keys_triggers_and_sequence(terms, officer):
    from tests.factories import make_customer, make_order

    people = [make_customer(officer, suffix=str(n)) for n in range(3)]
    order = make_order(officer)
    owner = database.execute_sql(
        'SELECT customer_id FROM "order" WHERE id = %s', (order["id"],)
    ).fetchone()[0]
    schema = keys_and_triggers()
    node, rows = filenode("customer"), contents("customer")
    assert online_rewrite.rewrite("customer") == ""
    assert filenode("customer") != node
    assert contents("customer") == rows
    assert keys_and_triggers() == schema  # every key validated again, the trigger back
    # the sequence goes on (and belongs to the new table: dropping it would drop the sequence)
    assert make_customer(officer, suffix="9") > owner > max(people)
    owned = database.execute_sql("SELECT pg_get_serial_sequence('customer', 'id')").fetchone()[0]
    assert owned == "public.customer_id_seq"
    # the keys act: an order of no customer is refused; a deleted customer takes its orders
    # (cascade) and its search rows (the statement trigger)
    with pytest.raises(pw.IntegrityError):
        with database.atomic():
            database.execute_sql(
                'UPDATE "order" SET customer_id = 999999 WHERE customer_id = %s', (owner,)
            )
    assert database.execute_sql("SELECT 1 FROM search_term WHERE customer_id = %s", (owner,))
    database.execute_sql("DELETE FROM customer WHERE id = %s", (owner,))
    for table in ('"order"', "search_term"):
        assert not database.execute_sql(
            f"SELECT 1 FROM {table} WHERE customer_id = %s", (owner,)
        ).fetchone()


def test_a_key_left_not_valid_by_a_kill_is_validated_by_the_next_compaction(terms):
    database.execute_sql('ALTER TABLE "order" DROP CONSTRAINT order_customer_id_fkey')
    database.execute_sql(
        'ALTER TABLE "order" ADD CONSTRAINT order_customer_id_fkey FOREIGN KEY (customer_id) '
        "REFERENCES customer(id) ON DELETE CASCADE NOT VALID"
    )
    online_rewrite.validate_left()
    assert database.execute_sql(
        "SELECT convalidated FROM pg_constraint WHERE conname = 'order_customer_id_fkey'"
    ).fetchone() == (True,)


def test_a_rewrite_keeps_rows_indexes_and_constraints_in_new_files(terms):
    before = {t: (filenode(t), index_names(t), contents(t)) for t in search.PG_TABLES}
    for table in search.PG_TABLES:
        assert online_rewrite.rewrite(table) == ""
    for table, (node, indexes, rows) in before.items():
        assert filenode(table) != node  # new files: the old ones, and their bytes, are gone
        assert index_names(table) == indexes
        assert contents(table) == rows
    primary = database.execute_sql(
        "SELECT conname FROM pg_constraint WHERE conrelid = 'search_doc'::regclass "
        "AND contype = 'p'"
    ).fetchone()
    assert primary == ("search_doc_pkey",)
    assert online_rewrite.eligible(search.TERM_TABLE)  # and again next time
    assert not database.execute_sql(
        "SELECT 1 FROM pg_class WHERE relname LIKE %s", ("%" + online_rewrite.SUFFIX + "%",)
    ).fetchone()


def test_readers_go_on_and_writers_wait_while_the_copy_is_made(terms, other, monkeypatch):
    seen: dict[str, object] = {}
    execute = online_rewrite.execute

    def during_the_copy(sql: str) -> None:
        execute(sql)
        if sql.startswith("ANALYZE"):  # copied and indexed; the swap comes next
            with other.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM search_term WHERE term LIKE 'term1%'")
                seen["read"] = cursor.fetchone()[0]
                try:
                    cursor.execute("INSERT INTO search_term VALUES (1, 'late')")
                    seen["wrote"] = True
                except psycopg2.errors.LockNotAvailable:
                    seen["wrote"] = False

    monkeypatch.setattr(online_rewrite, "execute", during_the_copy)
    assert online_rewrite.rewrite(search.TERM_TABLE) == ""
    assert seen == {"read": 112, "wrote": False}


def test_a_swap_a_reader_keeps_from_happening_changes_nothing(terms, other, monkeypatch):
    monkeypatch.setattr(online_rewrite, "SWAP_TRIES", 2)
    node, rows = filenode("search_term"), contents("search_term")
    other.autocommit = False
    with other.cursor() as cursor:  # a console's open transaction that read the terms
        cursor.execute("SELECT count(*) FROM search_term")
        why = online_rewrite.rewrite(search.TERM_TABLE)
    other.rollback()
    assert "search_term" in why
    assert filenode("search_term") == node
    assert contents("search_term") == rows
    assert not database.execute_sql(
        "SELECT 1 FROM pg_class WHERE relname LIKE %s", ("%" + online_rewrite.SUFFIX + "%",)
    ).fetchone()


def test_the_compaction_rewrites_our_tables_without_vacuum_full(terms, monkeypatch):
    fully: list[str] = []
    vacuum_full = permanence._vacuum_full
    monkeypatch.setattr(
        permanence, "_vacuum_full", lambda table: fully.append(table) or vacuum_full(table)
    )
    nodes = {t: filenode(t) for t in search.PG_TABLES}
    database.execute_sql("DELETE FROM search_term WHERE customer_id = 7")
    outcome = permanence.settle(["customer", *search.PG_TABLES], mark=False)
    assert outcome.done, outcome.reason
    assert set(fully) == {"pg_statistic"}  # the statistics catalog only: no table of ours
    assert all(filenode(t) != node for t, node in nodes.items())
    assert not database.execute_sql("SELECT 1 FROM search_term WHERE customer_id = 7").fetchone()


def test_a_rewrite_cut_off_midway_leaves_the_table_as_it_was(db_url, terms, other, monkeypatch):
    """The server ends the rewriting session (as when the command is killed) after the copy:
    the transaction is rolled back, the copy's files with it."""
    from finconsole.core.store import db as db_mod

    node, rows = filenode("customer"), contents("customer")
    execute = online_rewrite.execute
    pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]

    def cut_off(sql: str) -> None:
        execute(sql)
        if sql.startswith("ANALYZE"):
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", (pid,))

    monkeypatch.setattr(online_rewrite, "execute", cut_off)
    with pytest.raises(pw.PeeweeException):
        online_rewrite.rewrite("customer")
    db_mod.close()
    db_mod.connect(db_url)
    assert filenode("customer") == node
    assert contents("customer") == rows
    assert not database.execute_sql(
        "SELECT 1 FROM pg_class WHERE relname LIKE %s", ("%" + online_rewrite.SUFFIX + "%",)
    ).fetchone()
