"""Importing the shop's own exports: every kind, idempotence, rejects, consent, erasure."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from finconsole.core.erasure import ledger
from finconsole.core.imports import registry
from finconsole.core.imports.shop_csv import ImportFormatError
from finconsole.core.kernel import clock as core_clock
from finconsole.core.kernel.errors import PermissionDenied
from finconsole.core.register import customers, find
from finconsole.core.store import search_index as search
from finconsole.core.store.models import (
    Address,
    Customer,
    ErasureLedger,
    Order,
    OrderLine,
    Parcel,
)

FIXTURES = Path(__file__).parents[2] / "fixtures"
SHOPIFY_CUSTOMERS = FIXTURES / "shopify_customers.csv"
SHOPIFY_ORDERS = FIXTURES / "shopify_orders.csv"
WOO_CUSTOMERS = FIXTURES / "woocommerce_customers.csv"
WOO_ORDERS = FIXTURES / "woocommerce_orders.csv"


def run(actor, kind, path):
    return registry.import_file(actor, kind, path)


def counts(result):
    return (
        result.created,
        result.updated,
        result.unchanged,
        result.skipped_erased,
        result.rejected,
    )


def physical_line(path: Path, needle: str, encoding: str = "utf-8-sig") -> int:
    """The 1-based line of the file on which ``needle`` first appears."""
    for number, line in enumerate(path.read_bytes().decode(encoding).split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def rewrite(source: Path, target: Path, change, encoding="utf-8-sig", delimiter=","):
    """A copy of an export with ``change(row_dict)`` applied to every data row."""
    text = source.read_bytes().decode(encoding)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    out = io.StringIO()
    writer = csv.DictWriter(out, reader.fieldnames, delimiter=delimiter)
    writer.writeheader()
    for row in reader:
        change(row)
        writer.writerow(row)
    target.write_text(out.getvalue(), encoding="utf-8")
    return target


def test_shopify_customers_import_and_reimport(db, officer, clock):
    first = run(officer, "shopify-customers", SHOPIFY_CUSTOMERS)
    assert counts(first) == (300, 0, 0, 0, 3)
    again = run(officer, "shopify-customers", SHOPIFY_CUSTOMERS)
    assert counts(again) == (0, 0, 300, 0, 3)
    assert Customer.select().count() == 300
    customer = Customer.get(Customer.shop_ref == "shopify:7000001")  # leading ' dropped
    assert customer.phone.startswith("+358")
    address = customer.addresses.get()
    assert len(address.postcode) == 5 and address.postcode.isdigit()


def test_rejects_name_the_file_line_and_no_personal_data(db, officer):
    result = run(officer, "shopify-customers", SHOPIFY_CUSTOMERS)
    by_line = {r.line: r.reason for r in result.rejects}
    # quoted newlines (notes) come before these rows: lines are file lines, not record numbers
    assert (
        by_line[physical_line(SHOPIFY_CUSTOMERS, "'9000001")] == "email and name are both missing"
    )
    assert "email" in by_line[physical_line(SHOPIFY_CUSTOMERS, "'9000002")]
    assert "postcode" in by_line[physical_line(SHOPIFY_CUSTOMERS, "'9000003")]
    for reject in result.rejects:
        assert "esimerkki" not in reject.reason and "Eero" not in reject.reason


def test_newer_export_updates_and_never_duplicates(db, officer, clock, tmp_path):
    run(officer, "shopify-customers", SHOPIFY_CUSTOMERS)

    def rename(row):
        if row["Customer ID"] == "'7000002":
            row["Last Name"] = "Äijälä-Uusi"
            row["Default Address City"] = "Kemi"

    newer = rewrite(SHOPIFY_CUSTOMERS, tmp_path / "newer.csv", rename)
    result = run(officer, "shopify-customers", newer)
    assert counts(result) == (0, 1, 299, 0, 3)
    customer = Customer.get(Customer.shop_ref == "shopify:7000002")
    assert customer.last_name == "Äijälä-Uusi" and customer.version == 2
    assert customer.addresses.get().city == "Kemi"
    assert [r["id"] for r in find.search(officer, "aijala uusi")] == [customer.id]
    assert Customer.select().count() == 300


def test_match_by_email_adopts_the_shop_id(db, officer):
    made = customers.create(
        officer, {"first_name": "Helmi", "last_name": "X", "email": _email_of("'7000001")}
    )
    result = run(officer, "shopify-customers", SHOPIFY_CUSTOMERS)
    assert (result.created, result.updated) == (299, 1)
    assert Customer.get_by_id(made["id"]).shop_ref == "shopify:7000001"


def _email_of(customer_id: str) -> str:
    text = SHOPIFY_CUSTOMERS.read_bytes().decode("utf-8-sig")
    for row in csv.DictReader(io.StringIO(text, newline="")):
        if row["Customer ID"] == customer_id:
            return row["Email"]
    raise AssertionError(customer_id)


def test_marketing_no_sets_objection_and_import_never_clears_it(db, officer, clock, tmp_path):
    run(officer, "shopify-customers", SHOPIFY_CUSTOMERS)
    objecting = Customer.get(Customer.shop_ref == "shopify:7000005")  # every 5th says no
    assert objecting.objection_marketing_at == core_clock.now()
    assert Customer.get(Customer.shop_ref == "shopify:7000004").objection_marketing_at is None
    customers.set_objection(
        officer, Customer.get(Customer.shop_ref == "shopify:7000004").id, "marketing", True
    )

    def consent_all(row):
        row["Accepts Email Marketing"] = "yes"

    result = run(
        officer, "shopify-customers", rewrite(SHOPIFY_CUSTOMERS, tmp_path / "y.csv", consent_all)
    )
    assert result.updated == 0
    assert Customer.get(Customer.shop_ref == "shopify:7000005").objection_marketing_at is not None
    assert Customer.get(Customer.shop_ref == "shopify:7000004").objection_marketing_at is not None


def erase(customer: Customer) -> None:
    """What the erasure service leaves behind: a ledger entry and no rows."""
    ErasureLedger.create(
        customer_id=customer.id,
        subject_hash=ledger.hash_identifier("email", customer.email),
        phone_hash=ledger.hash_identifier("phone", customer.phone),
        shop_ref_hash=ledger.hash_identifier("shop_ref", customer.shop_ref),
    )
    search.remove(customer.id)
    customer.delete_instance(recursive=True)


def test_erased_customer_is_not_brought_back(db, officer):
    run(officer, "shopify-customers", SHOPIFY_CUSTOMERS)
    run(officer, "shopify-orders", SHOPIFY_ORDERS)
    victim = Customer.get(Customer.shop_ref == "shopify:7000003")
    email = victim.email
    erase(victim)
    result = run(officer, "shopify-customers", SHOPIFY_CUSTOMERS)
    assert counts(result) == (0, 0, 299, 1, 3)
    orders = run(officer, "shopify-orders", SHOPIFY_ORDERS)
    assert orders.skipped_erased == 1 and orders.created == 0
    assert not Customer.select().where(Customer.email == email).exists()
    assert all(r["email"] != email for r in find.search(officer, email, limit=500))


def test_shopify_orders_grouped_with_lines_parcels_and_statuses(db, officer):
    run(officer, "shopify-customers", SHOPIFY_CUSTOMERS)
    result = run(officer, "shopify-orders", SHOPIFY_ORDERS)
    assert counts(result) == (120, 0, 0, 0, 3)
    assert Customer.select().count() == 300  # every buyer matched by email
    order = Order.get(Order.order_number == "#1003")
    assert order.shop_ref == "shopify:5500003"
    rows = [r for r in _rows(SHOPIFY_ORDERS, ";") if r["Name"] == "#1003"]
    assert OrderLine.select().where(OrderLine.order == order).count() == len(rows)
    assert order.total_cents == 6480 and order.shipping_cents == 590
    assert Parcel.get(Parcel.order == order).tracking_code == "JJFI643123450000003"
    assert Order.get(Order.order_number == "#1007").fulfilment_status == "cancelled"
    assert Order.get(Order.order_number == "#1005").invoice_status == "open"  # outstanding
    assert Order.get(Order.order_number == "#1004").invoice_status == "credited"
    again = run(officer, "shopify-orders", SHOPIFY_ORDERS)
    assert counts(again) == (0, 0, 120, 0, 3)
    assert Parcel.select().count() == 40 and Order.select().count() == 120


def _rows(path: Path, delimiter: str) -> list[dict]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_order_rejects_take_the_whole_order(db, officer):
    result = run(officer, "shopify-orders", SHOPIFY_ORDERS)
    reasons = {r.line: r.reason for r in result.rejects}
    assert reasons[physical_line(SHOPIFY_ORDERS, "#9001")] == "Created at: is not a possible date"
    total_line = physical_line(SHOPIFY_ORDERS, "#9002")
    assert reasons[total_line] == "Total: is not an amount of money"
    assert reasons[total_line + 1] == "belongs to an order rejected on an earlier line"
    assert not Order.select().where(Order.order_number.in_(["#9001", "#9002"])).exists()


def test_orders_create_unknown_buyers_and_marketing_no_objects(db, officer, clock):
    result = run(officer, "shopify-orders", SHOPIFY_ORDERS)
    assert result.created == 120
    assert Customer.select().count() == 120
    buyer = Order.get(Order.order_number == "#1010").customer  # "Accepts Marketing" no
    assert buyer.objection_marketing_at == core_clock.now()
    assert buyer.first_name and buyer.last_name


def test_woocommerce_customers_latin1_and_orders(db, officer, clock):
    result = run(officer, "woocommerce-customers", WOO_CUSTOMERS)
    assert counts(result) == (250, 0, 0, 0, 2)
    names = {c.last_name for c in Customer.select()}
    assert names & {"Hämäläinen", "Mäkinen", "Söderholm", "Ääpälä", "Öhman", "Åberg"}
    assert Customer.get(Customer.shop_ref == "woocommerce:304").objection_marketing_at is not None
    orders = run(officer, "woocommerce-orders", WOO_ORDERS)
    assert counts(orders) == (100, 0, 0, 0, 1)
    assert Customer.select().count() == 250
    order = Order.get(Order.order_number == "W8005")
    assert order.customer.shop_ref == "woocommerce:305"
    assert Parcel.get(Parcel.order == order).tracking_code == "RR123456785FI"
    assert Order.get(Order.order_number == "W8003").fulfilment_status == "cancelled"
    assert Order.get(Order.order_number == "W8002").invoice_status == "open"
    assert counts(run(officer, "woocommerce-orders", WOO_ORDERS)) == (0, 0, 100, 0, 1)


def test_imported_customers_are_found_at_once(db, officer):
    run(officer, "shopify-customers", SHOPIFY_CUSTOMERS)
    run(officer, "shopify-orders", SHOPIFY_ORDERS)
    customer = Customer.get(Customer.shop_ref == "shopify:7000003")
    national = "0" + customer.phone[4:]
    for query in (
        customer.email,
        national,
        customer.phone,
        f"{customer.first_name} {customer.last_name}",
        "1003",
    ):
        assert customer.id in [r["id"] for r in find.search(officer, query, limit=500)], query
    order = Order.get(Order.order_number == "#1003")
    assert order.customer_id == customer.id


def test_missing_columns_name_them(db, officer, tmp_path):
    bad = tmp_path / "orders.csv"
    bad.write_text("Name;Email;Total\n#1;a@b.fi;1,00\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as err:
        run(officer, "shopify-orders", bad)
    assert "Created at" in str(err.value) and "Lineitem name" in str(err.value)
    # Customer ID is not required (older exports have none), the names are
    with pytest.raises(ImportFormatError, match="First Name, Last Name"):
        run(officer, "shopify-customers", WOO_CUSTOMERS)


def test_support_may_not_import(db, support):
    with pytest.raises(PermissionDenied):
        run(support, "shopify-customers", SHOPIFY_CUSTOMERS)
    assert Customer.select().count() == 0


def test_progress_is_reported(db, officer, tmp_path):
    calls = []
    registry.import_file(
        officer, "shopify-customers", SHOPIFY_CUSTOMERS, progress=lambda *a: calls.append(a)
    )
    rows, done, total = calls[-1]
    assert rows == 303 and done == total == SHOPIFY_CUSTOMERS.stat().st_size


@pytest.mark.parametrize("default_first", [True, False])
def test_an_import_changes_the_default_address_of_a_customer_with_several(
    db, officer, tmp_path, default_first
):
    run(officer, "shopify-customers", SHOPIFY_CUSTOMERS)
    customer = Customer.get(Customer.shop_ref == "shopify:7000002")
    imported = customer.addresses.get()
    other = dict(street="Toinen tie 2", street2="", postcode="90100", city="Oulu", country="FI")
    Address.create(customer=customer, kind="postal", is_default=False, version=1, **other)
    if not default_first:  # the default one is the newer
        Address.update(is_default=False).where(Address.id == imported.id).execute()
        parts = ("street", "street2", "postcode", "city", "country")
        again = {k: getattr(imported, k) for k in parts}
        Address.create(customer=customer, kind="postal", is_default=True, version=1, **again)

    def move(row):
        if row["Customer ID"] == "'7000002":
            row["Default Address City"] = "Kemi"

    result = run(officer, "shopify-customers", rewrite(SHOPIFY_CUSTOMERS, tmp_path / "m.csv", move))
    assert result.updated == 1
    default = customer.addresses.where(Address.is_default).get()
    assert default.city == "Kemi"
    assert customer.addresses.where(Address.street == "Toinen tie 2").get().city == "Oulu"


def test_restricted_customer_is_not_changed_by_an_import(db, officer, tmp_path):
    run(officer, "shopify-customers", SHOPIFY_CUSTOMERS)
    held = Customer.get(Customer.shop_ref == "shopify:7000006")
    Customer.update(restricted=True).where(Customer.id == held.id).execute()

    def rename(row):
        if row["Customer ID"] == "'7000006":
            row["First Name"] = "Uusi"

    result = run(
        officer, "shopify-customers", rewrite(SHOPIFY_CUSTOMERS, tmp_path / "r.csv", rename)
    )
    assert (result.updated, result.unchanged) == (0, 300)
    assert Customer.get_by_id(held.id).first_name == held.first_name


def test_duplicate_rows_in_one_file_make_one_customer(db, officer, tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text(
        "Customer ID,First Name,Last Name,Email,Phone\n"
        "'1,Aino,Mäki,aino@esimerkki.fi,\n"
        "'1,Aino,Mäki-Uusi,aino@esimerkki.fi,0401234567\n",
        encoding="utf-8",
    )
    result = run(officer, "shopify-customers", path)
    assert (result.created, result.updated) == (1, 1)
    customer = Customer.get()
    assert (customer.last_name, customer.phone) == ("Mäki-Uusi", "+358401234567")


def test_audit_chain_stays_valid_after_bulk_events(db, officer):
    from finconsole.core.access import audit
    from finconsole.core.store.models import AuditEvent

    run(officer, "shopify-customers", SHOPIFY_CUSTOMERS)
    run(officer, "shopify-orders", SHOPIFY_ORDERS)
    created = AuditEvent.select().where(AuditEvent.action == "import_customers")
    assert sum(e.last_customer_id - e.customer_id + 1 for e in created) == 300
    report = audit.verify(officer)
    assert report.ok and report.checked == AuditEvent.select().count()


def test_a_bad_line_item_rejects_the_rows_before_it_too(db, officer, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "Name,Email,Created at,Total,Lineitem name,Lineitem quantity,Lineitem price\r\n"
        "#1,aino@esimerkki.fi,2026-03-01 10:00:00 +0200,10.00,Juliste,1,5.00\r\n"
        "#1,aino@esimerkki.fi,,,Pehmo,kaksi,5.00\r\n"
        "#1,aino@esimerkki.fi,,,Manga,1,5.00\r\n"
        "#2,ville@esimerkki.fi,2026-03-01 11:00:00 +0200,3.00,Tarra,1,3.00\r\n",
        encoding="utf-8",
    )
    result = run(officer, "shopify-orders", path)
    assert [(r.line, r.reason) for r in result.rejects] == [
        (2, "belongs to an order rejected on a later line"),
        (3, "Lineitem quantity: is not a number"),
        (4, "belongs to an order rejected on an earlier line"),
    ]
    assert [o.order_number for o in Order.select()] == ["#2"]


def test_newer_order_export_updates_status_lines_and_parcels(db, officer, tmp_path):
    run(officer, "shopify-orders", SHOPIFY_ORDERS)
    before = Order.get(Order.order_number == "#1004")

    def ship(row):
        if row["Name"] == "#1004" and row["Financial Status"]:
            row["Fulfillment Status"] = "fulfilled"
            row["Tracking Number"] = "JJFI 6431 2345 0099 999"
            row["Lineitem quantity"] = "3"

    newer = rewrite(SHOPIFY_ORDERS, tmp_path / "o.csv", ship, delimiter=";")
    result = run(officer, "shopify-orders", newer)
    assert counts(result) == (0, 1, 119, 0, 3)
    after = Order.get_by_id(before.id)
    assert after.fulfilment_status == "fulfilled" and after.version == before.version + 1
    assert after.lines.order_by(OrderLine.id).first().quantity == 3
    assert Parcel.get(Parcel.order == after).tracking_code == "JJFI643123450099999"
    assert customer_ids_for("JJFI643123450099999", officer) == [after.customer_id]


def customer_ids_for(query, actor):
    return [r["id"] for r in find.search(actor, query)]


def test_same_order_twice_in_a_file_is_one_order(db, officer, tmp_path):
    path = tmp_path / "o.csv"
    path.write_text(
        "Name,Email,Created at,Total,Lineitem name,Id\n"
        "#1,aino@esimerkki.fi,2026-03-01 10:00,10.00,Juliste,11\n"
        "#2,ville@esimerkki.fi,2026-03-01 11:00,3.00,Tarra,12\n"
        "#1,aino@esimerkki.fi,2026-03-01 10:00,12.00,Juliste,11\n",
        encoding="utf-8",
    )
    result = run(officer, "shopify-orders", path)
    assert (result.created, result.updated) == (2, 1)
    assert Order.get(Order.order_number == "#1").total_cents == 1200


def test_each_imported_customer_finds_the_bulk_event_that_created_them(db, officer):
    from finconsole.core.access import audit
    from finconsole.core.rights import export
    from finconsole.core.store.models import AuditEvent

    run(officer, "shopify-customers", SHOPIFY_CUSTOMERS)
    events = list(AuditEvent.select().where(AuditEvent.action == "import_customers"))
    assert len(events) < 10  # one a run of consecutive ids, not one a customer
    for customer in Customer.select():
        trail = audit.search(officer, customer_id=customer.id)
        assert [e["actor"] for e in trail if e["action"] == "import_customers"] == [
            officer.username
        ]
        access = export.collect(customer.id)["record_access"]
        assert "import_customers" in [a["action"] for a in access]
    first = events[0]
    assert audit.customers_text(audit._event_dict(first)) == (
        f"{first.customer_id}-{first.last_customer_id}"
    )
    # the range is hashed: widening it to claim other customers breaks the chain
    AuditEvent.update(last_customer_id=first.last_customer_id + 1000).where(
        AuditEvent.id == first.id
    ).execute()
    assert audit.verify(officer).broken_id == first.id


def test_id_runs():
    from finconsole.core.imports.shop_writer import id_runs

    assert id_runs([]) == []
    assert id_runs([7, 1, 2, 3, 9, 8]) == [(1, 3), (7, 9)]
    assert id_runs([5]) == [(5, 5)]
    assert id_runs([4, 2, 3]) == [(2, 4)] and id_runs(list(range(10, 20))) == [(10, 19)]


def test_reimport_leaves_no_trace_of_old_values_in_the_search_index(
    sqlite_db, officer, clock, tmp_path
):
    """A bulk re-import drops updated customers' old entries without FTS5's secure delete
    (which costs minutes), then merges the index: the old surname is gone from its pages,
    and secure delete is on again for everything else (erasure)."""

    def old_name(row):
        if row["Customer ID"] == "'7000002":
            row["Last Name"] = "Xyzvanhanimi"

    def new_name(row):
        if row["Customer ID"] == "'7000002":
            row["Last Name"] = "Uusinimi"

    run(officer, "shopify-customers", rewrite(SHOPIFY_CUSTOMERS, tmp_path / "a.csv", old_name))
    pages = "SELECT group_concat(hex(block), '') FROM customer_fts_data"
    old = b"vanhanimi".hex().upper()
    assert old in sqlite_db.execute_sql(pages).fetchone()[0]
    result = run(
        officer, "shopify-customers", rewrite(SHOPIFY_CUSTOMERS, tmp_path / "b.csv", new_name)
    )
    assert result.updated == 1
    customer = Customer.get(Customer.shop_ref == "shopify:7000002")
    assert [r["id"] for r in find.search(officer, "uusinimi")] == [customer.id]
    assert find.search(officer, "xyzvanhanimi") == []
    assert old not in sqlite_db.execute_sql(pages).fetchone()[0]
    sqlite_db.execute_sql("INSERT INTO customer_fts(customer_fts) VALUES('integrity-check')")
    config = dict(sqlite_db.execute_sql("SELECT k, v FROM customer_fts_config").fetchall())
    assert config["secure-delete"] == 1


def test_an_import_killed_before_its_purge_is_purged_by_the_next_erasure(sqlite_db, officer, clock):
    """A re-import commits its chunks with stale entries and purges them at its end: killed
    in between, the old values would stay in the index pages; an erasure purges them first."""
    from finconsole.core.erasure import erasure
    from finconsole.core.register import customers
    from finconsole.core.store import search_index
    from finconsole.core.store.db import write_transaction

    cid = customers.create(officer, {"first_name": "Olli", "last_name": "Xyzvanhanimi"})["id"]
    Customer.update(last_name="Uusinimi").where(Customer.id == cid).execute()
    with write_transaction(), search_index.stale_entries_allowed():  # a chunk, then the kill
        search_index.reindex_many([cid])
    assert search_index.stale_entries_left()
    pages = "SELECT group_concat(hex(block), '') FROM customer_fts_data"
    assert b"vanhanimi".hex().upper() in sqlite_db.execute_sql(pages).fetchone()[0]
    erasure.erase(officer, cid)
    assert b"vanhanimi".hex().upper() not in sqlite_db.execute_sql(pages).fetchone()[0]
    assert not search_index.stale_entries_left()
