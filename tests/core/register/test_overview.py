import datetime as dt

import pytest

from finconsole.core.kernel.errors import NotFound, PermissionDenied
from finconsole.core.orders import orders
from finconsole.core.register import customers, overview
from finconsole.core.store.models import (
    Address,
    AuditEvent,
    Customer,
    Disclosure,
    Order,
    Parcel,
    Request,
    TrackingEvent,
    database,
)

T0 = dt.datetime(2026, 3, 1, 10, 0)


def _customer_with_orders(officer, n_orders=2, first_name="Anna", first_order=1000):
    c = customers.create(
        officer,
        {"first_name": first_name, "last_name": "Virtanen", "email": f"{first_name}@example.fi"},
        {"street": "Kauppakatu 1", "postcode": "00100", "city": "Helsinki"},
    )
    for i in range(n_orders):
        o = orders.create(
            officer,
            c["id"],
            {"order_number": f"#{first_order + i}", "ordered_at": T0 + dt.timedelta(days=i)},
            [{"product": "Figure", "quantity": 2, "unit_price_cents": 1500}],
        )
        code = f"JJFI6{first_order // 1000 - 1:03d}{i}"  # JJFI6000{i} for the first customer
        p = Parcel.create(order=o["id"], carrier="posti", tracking_code=code)
        TrackingEvent.create(parcel=p, occurred_at=T0, status="info_received", code="68")
        TrackingEvent.create(
            parcel=p,
            occurred_at=T0 + dt.timedelta(hours=5),
            status="in_transit",
            code="31",
            description="In transport",
            location="Vantaa",
        )
    return c


def test_overview_holds_everything(db, officer, support, clock):
    c = _customer_with_orders(officer, 3)
    Request.create(
        reference="R-2026-0001",
        customer=c["id"],
        kind="access",
        received_at=T0.date(),
        channel="phone",
        deadline=T0.date() + dt.timedelta(days=30),
    )
    Disclosure.create(
        customer=c["id"],
        recipient_name="Perintä Oy",
        recipient_kind="debt_collection",
        disclosed_at=T0.date(),
    )
    data = overview.customer_overview(officer, c["id"])
    assert data["first_name"] == "Anna"
    assert data["addresses"][0]["city"] == "Helsinki"
    assert [o["order_number"] for o in data["orders"]] == ["#1002", "#1001", "#1000"]
    first = data["orders"][0]
    assert first["lines"][0]["quantity"] == 2
    parcel = first["parcels"][0]
    assert parcel["tracking_code"] == "JJFI60002"
    assert parcel["last_event"] == "In transport"
    assert parcel["last_event_at"] == T0 + dt.timedelta(hours=5)
    assert data["requests"][0]["reference"] == "R-2026-0001"
    assert data["disclosures"][0]["recipient_kind"] == "debt_collection"
    assert data["objections"] == {"marketing": None, "statistics": None, "profiling": None}
    # disclosures are the officer's: support gets the rest of the overview without them
    assert overview.customer_overview(support, c["id"])["disclosures"] is None


def test_overview_audits_once_and_uses_few_queries(db, officer, clock):
    few = _customer_with_orders(officer, 1)
    many = _customer_with_orders(officer, 8, first_name="Aino", first_order=2000)
    before = AuditEvent.select().where(AuditEvent.action == "view_customer").count()
    original = database.obj.execute_sql

    def queries_for(customer_id: int) -> int:
        count = {"n": 0}

        def counting(sql, params=None, *a, **k):
            count["n"] += 1
            return original(sql, params, *a, **k)

        database.obj.execute_sql = counting
        try:
            overview.customer_overview(officer, customer_id)
        finally:
            database.obj.execute_sql = original
        return count["n"]

    with_one, with_eight = queries_for(few["id"]), queries_for(many["id"])
    after = AuditEvent.select().where(AuditEvent.action == "view_customer").count()
    assert after == before + 2
    # not one query per order or parcel: the reads, the key check and the audit append
    assert with_eight == with_one <= 16


def test_support_does_not_see_restricted(db, officer, support, clock):
    c = _customer_with_orders(officer, 2)
    Order.update(restricted=True).where(Order.order_number == "#1000").execute()
    data = overview.customer_overview(support, c["id"])
    assert [o["order_number"] for o in data["orders"]] == ["#1001"]
    assert len(overview.customer_overview(officer, c["id"])["orders"]) == 2
    Customer.update(restricted=True).where(Customer.id == c["id"]).execute()
    with pytest.raises(NotFound):
        overview.customer_overview(support, c["id"])
    assert overview.locate(support, "#1001") is None
    assert overview.locate(officer, "#1001")["customer_id"] == c["id"]


def test_unknown_customer_and_permission(db, officer, clock):
    from finconsole.core.kernel.actor import Actor

    with pytest.raises(NotFound):
        overview.customer_overview(officer, 999)
    stranger = Actor(user_id=9, username="x", role="nobody", channel="tui")
    with pytest.raises(PermissionDenied):
        overview.customer_overview(stranger, 1)
    with pytest.raises(PermissionDenied):
        overview.locate(stranger, "#1000")


def test_locate_order_number_and_tracking_code(db, officer, clock):
    c = _customer_with_orders(officer, 2)
    hit = overview.locate(officer, " #1001 ")
    assert hit["customer_id"] == c["id"] and hit["parcel_id"] is None
    assert hit["order_id"] == orders.find_by_number(officer, "#1001")["id"]
    hit = overview.locate(officer, "jjfi 60000")
    assert hit["customer_id"] == c["id"] and hit["parcel_id"] is not None
    assert overview.locate(officer, "virtanen") is None
    assert overview.locate(officer, "") is None


def test_register_page_rows_paging_and_landing(db, officer, support, clock):
    people = [
        customers.create(
            officer,
            {"first_name": f"Anna{i}", "last_name": "Korhonen", "email": f"a{i}@example.fi"},
            {"street": "Katu 1", "postcode": "00100", "city": f"City{i}"},
        )
        for i in range(5)
    ]
    orders.create(officer, people[2]["id"], {"order_number": "W-77", "ordered_at": T0})
    customers.set_objection(officer, people[1]["id"], "marketing", True)
    rows, landing = overview.register_page(officer, "korhonen", limit=3)
    assert [r["id"] for r in rows] == [p["id"] for p in people[:3]]
    assert rows[2]["last_order_at"] == T0 and rows[0]["city"] == "City0"
    assert rows[1]["flags"] == ["marketing"] and landing is None
    more, _ = overview.register_page(officer, "korhonen", start=rows[-1]["id"], limit=3)
    assert [r["id"] for r in more] == [p["id"] for p in people[3:]]
    recent, _ = overview.register_page(officer, "", limit=2)
    # the fixed clock gives every row the same time: newest id first breaks the tie
    assert [r["id"] for r in recent] == [people[4]["id"], people[3]["id"]]
    older, _ = overview.register_page(
        officer, "", start=(recent[-1]["updated_at"], recent[-1]["id"]), limit=10
    )
    assert {r["id"] for r in older} | {r["id"] for r in recent} == {p["id"] for p in people}
    rows, landing = overview.register_page(support, "W-77")
    assert landing["customer_id"] == people[2]["id"] and rows[0]["id"] == people[2]["id"]
    Customer.update(restricted=True).where(Customer.id == people[0]["id"]).execute()
    rows, _ = overview.register_page(support, "korhonen")
    assert people[0]["id"] not in [r["id"] for r in rows]
    rows, _ = overview.register_page(support, "")
    assert people[0]["id"] not in [r["id"] for r in rows]
    assert customers.summaries([]) == []


def test_console_and_command_line_show_the_same_city(db, officer, clock):
    """The results table of the console and `finconsole find` share one row rule: the city
    is the default address's (the first one added when none is default)."""
    from finconsole.core.register import find

    person = customers.create(
        officer,
        {"first_name": "Kaisa", "last_name": "Kaupunki"},
        {"street": "Aurakatu 1", "postcode": "20100", "city": "Turku"},
    )
    customers.add_address(
        officer, person["id"], {"street": "Isokatu 2", "postcode": "90100", "city": "Oulu"}
    )
    Address.update(is_default=Address.city == "Turku").execute()
    console_rows, _ = overview.register_page(officer, "kaupunki")
    command_line_rows = find.search(officer, "kaupunki")
    assert [r["city"] for r in console_rows] == [r["city"] for r in command_line_rows] == ["Turku"]
    assert customers.recent(officer)[0]["city"] == "Turku"
