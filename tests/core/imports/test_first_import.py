"""A shop's first customer import into an empty SQLite register: one load (``shop_fresh``).

The files here are just over ``shop_fresh.applies``'s size (the size at which rows are parsed
in a helper process), so each test runs the real load: the helper processes, the index built
apart, the indexes dropped and made again."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from bench.bench_import import write_csv
from finconsole.core.access import audit
from finconsole.core.imports import registry, shop_fresh, shop_writer
from finconsole.core.imports.import_result import ImportStopped
from finconsole.core.register import customers, find
from finconsole.core.rights import export
from finconsole.core.store import search_index
from finconsole.core.store.models import Address, AuditEvent, Customer, database

ROWS = 36_000  # ~4.5 MB: over the 4 MiB at which a file is parsed ahead and loaded
INDEXES = (
    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('customer', 'address')"
)


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("first") / "customers.csv"
    write_csv(path, ROWS, seed=4)
    return path


def _copy_with(source: Path, target: Path, extra_rows: list[list[str]]) -> Path:
    with source.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    with target.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows + extra_rows)
    return target


def _indexes() -> set[str]:
    return {row[0] for row in database.execute_sql(INDEXES)}


def test_a_first_import_is_loaded_and_searchable(
    sqlite_db, officer, big_csv, tmp_path, monkeypatch
):
    indexes = _indexes()
    loads = []
    real_load = shop_fresh.load
    monkeypatch.setattr(shop_fresh, "load", lambda *a: loads.append(1) or real_load(*a))
    result = registry.import_file(officer, "shopify-customers", big_csv)
    assert loads == [1]
    assert (result.created, result.rejected) == (ROWS, 0)
    assert Customer.select().count() == ROWS and Address.select().count() == ROWS
    assert _indexes() == indexes  # every index dropped for the load is back
    # the search index was built apart and copied in: every customer is in it, findable
    assert database.execute_sql("SELECT count(*) FROM customer_fts").fetchone()[0] == ROWS
    database.execute_sql("INSERT INTO customer_fts(customer_fts) VALUES('integrity-check')")
    someone = Customer.get(Customer.shop_ref == "shopify:10012345")
    found = find.search(officer, someone.email)
    assert [row["id"] for row in found] == [someone.id]
    assert someone.id in [row["id"] for row in find.search(officer, someone.phone[-7:])]
    # one audit event names every customer created; each customer's export finds it
    created = list(AuditEvent.select().where(AuditEvent.action == "import_customers"))
    assert [(e.customer_id, e.last_customer_id) for e in created] == [(1, ROWS)]
    access = export.collect(someone.id)["record_access"]
    assert "import_customers" in [a["action"] for a in access]
    # the run's own event names the file and its SHA-256
    run = AuditEvent.get(AuditEvent.action == "import_shopify_customer")
    digest = hashlib.sha256(big_csv.read_bytes()).hexdigest()
    assert {"created", "file:customers.csv", f"sha256:{digest}"} <= set(run.fields.split(","))
    assert audit.verify(officer).broken_id is None
    assert search_index.stale_entries_left() is False
    assert list(tmp_path.glob(".finconsole-import-index-*")) == []
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_person_twice_in_a_first_import_is_one_customer_with_the_later_values(
    sqlite_db, officer, big_csv, tmp_path
):
    header_and_rows = list(csv.reader(big_csv.open(encoding="utf-8", newline="")))
    again = list(header_and_rows[5])  # customer 10000005 once more, with a new surname
    again[2] = "Myohempinimi"
    path = _copy_with(big_csv, tmp_path / "twice.csv", [again])
    result = registry.import_file(officer, "shopify-customers", path)
    assert (result.created, result.updated) == (ROWS, 1)
    customer = Customer.get(Customer.shop_ref == "shopify:10000005")
    assert customer.last_name == "Myohempinimi"
    assert [row["id"] for row in find.search(officer, "myohempinimi")] == [customer.id]
    # the first row's document was replaced, not kept beside the new one
    doc = database.execute_sql(
        "SELECT doc FROM customer_fts WHERE rowid = ?", (customer.id,)
    ).fetchone()[0]
    assert "myohempinimi" in doc and header_and_rows[5][2].lower() not in doc.split()


def test_a_customer_without_a_shop_id_is_found_by_email_in_a_later_chunk(
    sqlite_db, officer, big_csv, tmp_path
):
    rows = list(csv.reader(big_csv.open(encoding="utf-8", newline="")))
    rows[5][0] = "7.02255E+12"  # an id a spreadsheet destroyed: created without one
    later = list(rows[5])  # the same email, with its id, chunks later
    later[0], later[2] = "'99999999", "Myohempinimi"
    path = tmp_path / "damaged.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([*rows, later])
    result = registry.import_file(officer, "shopify-customers", path)
    assert (result.created, result.updated) == (ROWS, 1)
    customer = Customer.get(Customer.email == rows[5][3])
    assert (customer.shop_ref, customer.last_name) == ("shopify:99999999", "Myohempinimi")


def test_a_first_import_that_fails_part_way_writes_nothing(
    sqlite_db, officer, big_csv, monkeypatch
):
    indexes = _indexes()
    calls = []
    real = shop_writer.insert_new_customers

    def failing(records, ids):
        calls.append(len(ids))
        if len(calls) == 3:
            raise OSError("disk full")  # a fault after two chunks went in
        real(records, ids)

    monkeypatch.setattr(shop_writer, "insert_new_customers", failing)
    with pytest.raises(OSError):
        registry.import_file(officer, "shopify-customers", big_csv)
    assert len(calls) == 3
    assert Customer.select().count() == 0 and Address.select().count() == 0
    assert database.execute_sql("SELECT count(*) FROM customer_fts").fetchone()[0] == 0
    assert _indexes() == indexes
    assert not AuditEvent.select().where(AuditEvent.action == "import_customers").exists()


def test_a_stray_quote_part_way_keeps_the_rows_before_it(sqlite_db, officer, big_csv, tmp_path):
    text = big_csv.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    broken = lines[:30_001] + ['"10999999,Unclosed quote\n'] + lines[30_001:]
    path = tmp_path / "broken.csv"
    path.write_text("".join(broken), encoding="utf-8")
    with pytest.raises(ImportStopped) as stopped:
        registry.import_file(officer, "shopify-customers", path)
    written = stopped.value.result.created
    assert 0 < written <= 30_000
    assert Customer.select().count() == written
    assert database.execute_sql("SELECT count(*) FROM customer_fts").fetchone()[0] == written
    last = Customer.select().order_by(Customer.id.desc()).first()
    assert [row["id"] for row in find.search(officer, last.email)] == [last.id]


def test_a_register_with_customers_is_imported_chunk_by_chunk(
    sqlite_db, officer, big_csv, monkeypatch
):
    customers.create(officer, {"first_name": "Olli", "last_name": "Ensimmäinen"})
    monkeypatch.setattr(shop_fresh, "load", lambda *a, **kw: pytest.fail("loaded"))
    result = registry.import_file(officer, "shopify-customers", big_csv)
    assert result.created == ROWS


def test_a_failing_index_builder_leaves_the_register_as_it_was(
    sqlite_db, officer, big_csv, tmp_path, monkeypatch
):
    import peewee as pw

    from finconsole.core.kernel.errors import DatabaseError

    def full_disk(connection, batches, **options):
        raise pw.OperationalError("database or disk is full")

    monkeypatch.setattr(search_index, "build_index_apart", full_disk)  # the helper forks it
    with pytest.raises(DatabaseError, match="disk is full"):
        registry.import_file(officer, "shopify-customers", big_csv)
    assert Customer.select().count() == 0
    assert list(tmp_path.glob(".finconsole-import-index-*")) == []


def test_customers_put_in_before_the_load_began_make_it_a_chunked_import(
    sqlite_db, officer, big_csv, tmp_path, monkeypatch
):
    """Another console's import that committed between the check and the load's lock: the
    load finds customers once it holds the lock, writes nothing, and the file goes in chunk
    by chunk (with its search entries)."""
    customers.create(officer, {"first_name": "Olli", "last_name": "Ensimmäinen"})
    monkeypatch.setattr(shop_fresh, "applies", lambda source: True)
    result = registry.import_file(officer, "shopify-customers", big_csv)
    assert result.created == ROWS
    someone = Customer.get(Customer.shop_ref == "shopify:10000123")
    assert [row["id"] for row in find.search(officer, someone.email)] == [someone.id]
    assert list(tmp_path.glob(".finconsole-import-index-*")) == []
