"""Finding and reaching: a customer by id (#1225, or 1225 when it is an id), by the end of a
phone number (4354080, 435 4080), an order number typed in lower case."""

from finconsole.core.orders import orders
from finconsole.core.register import customers, find, overview
from finconsole.core.store import search_index as search
from finconsole.core.store.search_index import FTS_TABLE, TERM_TABLE


def _anna(officer, phone="040 435 4080"):
    return customers.create(
        officer, {"first_name": "Anna", "last_name": "Virtanen", "phone": phone}
    )["id"]


def test_phone_end_finds_the_customer(db, officer):
    cid = _anna(officer)
    customers.create(officer, {"first_name": "Other", "last_name": "Person", "phone": "0401111111"})
    for query in ("4354080", "435 4080", "435-4080", "0404354080"):
        assert [r["id"] for r in find.search(officer, query)] == [cid], query


def test_migration_indexes_the_phone_ends_of_older_entries(db, officer):
    cid = _anna(officer)
    old_doc = "anna virtanen 358404354080 0404354080"  # as indexed before the end token
    search.remove(cid)
    search.write_documents([(cid, old_doc)])
    assert find.search(officer, "4354080") == []
    search.index_phone_ends(db)
    search.index_phone_ends(db)  # twice: nothing doubled
    assert [r["id"] for r in find.search(officer, "435 4080")] == [cid]
    if search.is_sqlite():
        (doc,) = db.execute_sql(f"SELECT doc FROM {FTS_TABLE} WHERE rowid = ?", (cid,)).fetchone()
        assert doc.split().count("4354080") == 1
    else:
        sql = f"SELECT count(*) FROM {TERM_TABLE} WHERE customer_id = %s AND term = %s"
        assert db.execute_sql(sql, (cid, "4354080")).fetchone()[0] == 1


def test_hash_id_opens_that_customer_only(db, officer, support):
    cid = _anna(officer)
    other = customers.create(officer, {"first_name": "Pekka", "last_name": f"Num{cid}"})["id"]
    rows, landing = overview.register_page(support, f"#{cid}")
    assert [r["id"] for r in rows] == [cid] and landing["customer_id"] == cid
    rows, landing = overview.register_page(support, str(cid))  # a bare id: that one first
    assert rows[0]["id"] == cid and landing["by_id"]
    assert [r["id"] for r in find.search(support, f"#{cid}")] == [cid]
    assert overview.register_page(support, "#99999") == ([], None)
    assert other != cid


def test_restricted_customer_not_reached_by_id_by_support(db, officer, support):
    cid = _anna(officer)
    customers.Customer.update(restricted=True).where(customers.Customer.id == cid).execute()
    assert overview.register_page(support, f"#{cid}") == ([], None)
    assert overview.register_page(officer, f"#{cid}")[0][0]["id"] == cid


def test_shopify_hash_order_number_still_lands_on_its_order(db, officer):
    cid = _anna(officer)
    order = orders.create(officer, cid, {"order_number": "#1"})
    rows, landing = overview.register_page(officer, "#1")
    assert landing["order_id"] == order["id"]


def test_lowercase_order_number_lands(db, officer):
    cid = _anna(officer)
    order = orders.create(officer, cid, {"order_number": "FS-102919"})
    landing = overview.locate(officer, "fs-102919")
    assert landing == {"customer_id": cid, "order_id": order["id"], "parcel_id": None}
