import threading
import time

import peewee as pw
import phonenumbers
import pytest

from finconsole.core.demo import demo
from finconsole.core.demo.demo_records import gs1_check_digit, s10_check_digit
from finconsole.core.kernel.errors import Conflict, DatabaseError, PermissionDenied, ValidationError
from finconsole.core.register import customers, find
from finconsole.core.store import search_index as search
from finconsole.core.store.models import Customer, Order, Parcel, TrackingEvent, User


def test_s10_check_digit_matches_upu_examples():
    assert s10_check_digit("47312482") == 9  # RR473124829GB, the UPU S10 worked example
    assert s10_check_digit("12345678") == 5  # JJ123456785FI


def test_gs1_check_digit():
    assert gs1_check_digit("629104150021") == 3  # GTIN-13 6291041500213


def test_demo_fills_a_realistic_register(db, officer, clock):
    result = demo.generate(officer, 60, seed=7)
    assert result.customers == 60 and Customer.select().count() == 60
    assert Order.select().count() == result.rows["order"] > 60
    assert not User.select().exists()  # the demo never creates accounts
    for c in Customer.select():
        assert c.first_name and c.last_name
        if c.phone:
            assert phonenumbers.is_valid_number(phonenumbers.parse(c.phone, None))
    for p in Parcel.select():
        code = p.tracking_code
        if p.carrier == "posti" and not code.startswith("JJFI"):
            assert code.endswith("FI") and int(code[10]) == s10_check_digit(code[2:10])
    assert TrackingEvent.select().exists()
    statuses = {o.invoice_status for o in Order.select()}
    assert "paid" in statuses


def test_demo_documents_match_the_search_index(db, officer, clock):
    demo.generate(officer, 30, seed=3)
    rows = demo_documents(seed=3, count=30, clock_now=clock.now())
    for cid, doc in rows:
        assert set(doc.split()) == set(search.document_for(cid).split())


def demo_documents(seed, count, clock_now):
    from finconsole.core.demo.demo_records import RecordFactory

    factory = RecordFactory(seed, clock_now, {t: 1 for t in demo.ID_TABLES})
    documents = []
    for start, size in demo._chunk_starts(count):  # chunks depend on CHUNK: made the same way
        documents += factory.chunk(start, size)[1]
    return documents


def test_same_seed_same_data(db, officer, clock):
    from finconsole.core.demo.demo_records import RecordFactory

    first = {t: 1 for t in demo.ID_TABLES}
    a = RecordFactory(11, clock.now(), first).chunk(0, 25)
    assert a == RecordFactory(11, clock.now(), first).chunk(0, 25)
    assert a != RecordFactory(12, clock.now(), first).chunk(0, 25)
    demo.generate(officer, 25, seed=11)
    stored = [(c.id, c.first_name, c.last_name, c.email, c.phone) for c in Customer.select()]
    assert stored == [row[:3] + row[3:5] for row in a[0]["customer"]]


def test_demo_is_searchable(db, officer, clock):
    demo.generate(officer, 200, seed=1)
    someone = Customer.select().order_by(Customer.id).first()
    found = find.search(officer, f"{someone.first_name} {someone.last_name[:3]}", limit=500)
    assert someone.id in [r["id"] for r in found]
    order = Order.select().first()
    assert order.customer_id in [r["id"] for r in find.search(officer, order.order_number)]
    parcel = Parcel.select().first()
    owner = Order.get_by_id(parcel.order_id).customer_id
    assert owner in [r["id"] for r in find.search(officer, parcel.tracking_code)]


def test_refuses_a_register_with_customers(db, officer, clock):
    customers.create(officer, {"first_name": "Real", "last_name": "Person"})
    with pytest.raises(Conflict):
        demo.generate(officer, 5)
    assert Customer.select().count() == 1


def test_support_may_not_and_counts_are_checked(db, officer, support):
    with pytest.raises(PermissionDenied):
        demo.generate(support, 5)
    with pytest.raises(ValidationError):
        demo.generate(officer, 0)


def test_helper_process_path_gives_the_same_data(sqlite_db, officer, clock, monkeypatch, tmp_path):
    monkeypatch.setattr(demo, "IN_PROCESS_LIMIT", 10)
    monkeypatch.setattr(demo, "CHUNK", 20)
    demo.generate(officer, 50, seed=5)
    got = {c.id: (c.first_name, c.last_name, c.email) for c in Customer.select()}
    expected = demo_documents(seed=5, count=50, clock_now=clock.now())
    assert len(got) == 50 == len(expected)
    for cid, doc in expected:
        assert set(doc.split()) == set(search.document_for(cid).split())
    # the search index was built by a helper in a scratch file, then copied in: it is sound,
    # keeps the register's secure-delete, takes changes, and the scratch file is gone
    sqlite_db.execute_sql("INSERT INTO customer_fts(customer_fts) VALUES('integrity-check')")
    config = dict(sqlite_db.execute_sql("SELECT k, v FROM customer_fts_config").fetchall())
    assert config["secure-delete"] == 1
    someone = Customer.get_by_id(7)
    assert [r["id"] for r in find.search(officer, someone.email)] == [7]
    search.remove(7)
    search.write_documents([(7, "zyxwvu")])
    assert [r["id"] for r in find.search(officer, "zyxw")] == [7]
    sqlite_db.execute_sql("INSERT INTO customer_fts(customer_fts) VALUES('integrity-check')")
    assert not list(tmp_path.glob(".finconsole-demo-index-*"))


def test_a_makers_last_documents_reach_the_builder_though_its_rows_came_first(
    sqlite_db, officer, clock, monkeypatch
):
    # a maker's documents are written to their pipe by a thread of its own, its rows by
    # another: here the documents come 0.3 s late, as they can on a busy machine. The writer
    # has every row by then; had it stopped the makers at once, the builder would wait for
    # the lost documents for ever.
    monkeypatch.setattr(demo, "IN_PROCESS_LIMIT", 10)
    monkeypatch.setattr(demo, "CHUNK", 20)
    make_chunks = demo._make_chunks

    def late_documents(recipe, chunks, ready, documents):
        sending: list[threading.Thread] = []

        class Late:
            def put(self, item, timeout=None):
                thread = threading.Thread(target=lambda: (time.sleep(0.3), documents.put(item)))
                thread.start()
                sending.append(thread)

        make_chunks(recipe, chunks, ready, Late())
        for thread in sending:  # as a Queue's feeder thread is waited for at exit
            thread.join()

    monkeypatch.setattr(demo, "_make_chunks", late_documents)
    done: list[object] = []
    run = threading.Thread(target=lambda: done.append(demo.generate(officer, 50, seed=5)))
    run.start()
    run.join(30)
    assert done, "the demo still waited for the search index after 30 s"
    assert sqlite_db.execute_sql("SELECT count(*) FROM customer_fts").fetchone()[0] == 50


def test_a_failing_index_helper_leaves_the_register_as_it_was(
    sqlite_db, officer, clock, monkeypatch, tmp_path
):
    monkeypatch.setattr(demo, "IN_PROCESS_LIMIT", 10)
    monkeypatch.setattr(demo, "CHUNK", 20)

    def full_disk(connection, batches, **options):
        raise pw.OperationalError("database or disk is full")

    build = search.build_index_apart
    monkeypatch.setattr(search, "build_index_apart", full_disk)  # the forked helper has it too
    with pytest.raises(DatabaseError, match="disk is full"):
        demo.generate(officer, 50, seed=5)
    assert Customer.select().count() == 0
    assert sqlite_db.execute_sql("SELECT count(*) FROM customer_fts").fetchone()[0] == 0
    assert not list(tmp_path.glob(".finconsole-demo-index-*"))
    monkeypatch.setattr(search, "build_index_apart", build)
    demo.generate(officer, 50, seed=5)  # and the next try works
    assert Customer.select().count() == 50


def test_sqlite_journal_back_to_wal_and_other_console_open(sqlite_db, officer, clock, tmp_path):
    from finconsole.core.store import db as db_mod

    other = db_mod.make_database(f"sqlite:///{tmp_path / 'test.db'}")
    other.connect()
    other.execute_sql("SELECT count(*) FROM customer").fetchone()  # another console reads
    demo.generate(officer, 10, seed=1)
    other.close()
    assert sqlite_db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_sqlite_journal_back_to_wal_when_alone(sqlite_db, officer, clock):
    demo.generate(officer, 10, seed=1)  # switches to a rollback journal and back
    assert sqlite_db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_chunks_do_not_depend_on_each_other(clock):
    from finconsole.core.demo.demo_records import ORDER_SLOTS, PARCEL_SLOTS, RecordFactory

    first = {t: 1 for t in demo.ID_TABLES}
    factory = RecordFactory(4, clock.now(), first)
    factory.chunk(0, 30)
    later = factory.chunk(30, 30)
    assert later == RecordFactory(4, clock.now(), first).chunk(30, 30)  # made alone: the same
    rows = later[0]
    for oid, cid, *_ in rows["order"]:  # each customer's orders take ids from its own block
        assert (cid - 1) * ORDER_SLOTS < oid <= cid * ORDER_SLOTS
    order_ids = {r[0] for r in rows["order"]}
    parcel_ids = [r[0] for r in rows["parcel"]]
    assert len(set(parcel_ids)) == len(parcel_ids)
    for pid, oid, *_ in rows["parcel"]:
        assert oid in order_ids and (oid - 1) * PARCEL_SLOTS < pid <= oid * PARCEL_SLOTS
    assert [r[0] for r in rows["customer"]] == list(range(31, 61))


def test_ids_of_customers_gone_are_not_handed_out_again(db, officer, clock):
    gone = customers.create(officer, {"first_name": "Erased", "last_name": "Person"})["id"]
    Customer.delete().where(Customer.id == gone).execute()  # as an erasure leaves it
    demo.generate(officer, 5, seed=1)
    assert min(c.id for c in Customer.select()) > gone


def test_an_orders_vat_follows_the_rate_of_its_day(db, officer, clock):
    """Finland's VAT rose from 24 % to 25.5 % on 1 September 2024: the order view showed
    25.5 % on a 2023 demo order."""
    import datetime as dt

    demo.generate(officer, 200, seed=4)
    rise = dt.datetime(2024, 8, 31, 21, 0)  # midnight in Helsinki, as naive UTC
    seen = set()
    for order in Order.select():
        rate = 255 / 1255 if order.ordered_at >= rise else 24 / 124
        assert order.tax_cents == round(order.total_cents * rate), order.order_number
        seen.add(order.ordered_at >= rise)
    assert seen == {True, False}  # six years of orders: both rates
