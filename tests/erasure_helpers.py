"""Build a customer with everything erasure must reach: addresses, orders in every billing
state, parcels, tracking events, a claim, requests, a disclosure."""

from __future__ import annotations

import datetime as dt

from finconsole.core.register import customers
from finconsole.core.store import search_index as search
from finconsole.core.store.models import (
    Claim,
    Disclosure,
    Order,
    OrderLine,
    Parcel,
    Request,
    TrackingEvent,
)

# Distinctive values: the byte-level test greps the database files for each.
FIRST = "Zqxwerasfirst"
LAST = "Zqxwerasilast"
EMAIL = "zqxw.erasmail@example.fi"
PHONE = "+358401112299"
STREET = "Zqxwstreetkatu 7"
CITY = "Zqxwcityville"
SHIP_NAME = "Zqxwshipname Receiver"
SHIP_STREET = "Zqxwshipstreet 99"
EVENT_PLACE = "Zqxweventplace"
REQUEST_TEXT = "Zqxwrequesttext called from 040"
NOTE = "Zqxwnotetext likes figures"


def make_customer(officer, *, suffix: str = "", **extra) -> int:
    data = {
        "first_name": FIRST + suffix,
        "last_name": LAST + suffix,
        "email": suffix + EMAIL,
        "phone": PHONE[:-2] + (suffix.rjust(2, "0")[-2:] if suffix else "99"),
        "note": NOTE,
        "language": extra.pop("language", "fi"),
    }
    created = customers.create(
        officer,
        data,
        {"street": STREET + suffix, "postcode": "00730", "city": CITY + suffix},
    )
    return created["id"]


def add_order(
    customer_id: int,
    number: str,
    *,
    invoice: str = "none",
    collection: str = "none",
    ordered: dt.datetime = dt.datetime(2026, 2, 1, 10, 0),
    billing_name: str = "",
    with_parcel: bool = True,
) -> Order:
    order = Order.create(
        customer=customer_id,
        order_number=number,
        ordered_at=ordered,
        invoiced_at=ordered if invoice != "none" else None,
        invoice_status=invoice,
        collection_status=collection,
        total_cents=4990,
        billing_name=billing_name,
        shipping_name=SHIP_NAME,
        shipping_street=SHIP_STREET,
        shipping_postcode="00730",
        shipping_city=CITY,
    )
    OrderLine.create(order=order, product="Figure", quantity=1, unit_price_cents=4990)
    if with_parcel:
        parcel = Parcel.create(order=order, carrier="posti", tracking_code=f"JJFI{order.id:08d}")
        TrackingEvent.create(
            parcel=parcel,
            occurred_at=ordered,
            status="in_transit",
            location=EVENT_PLACE,
            description=f"handed to {SHIP_NAME}",
        )
        Claim.create(parcel=parcel, deadline=ordered.date(), notes=f"{SHIP_NAME} waited")
    search.reindex(customer_id)
    return order


def add_request(
    customer_id: int | None, reference: str, kind: str = "erasure", verified: bool = True
) -> Request:
    return Request.create(
        reference=reference,
        customer=customer_id,
        kind=kind,
        subject_description=REQUEST_TEXT,
        details=REQUEST_TEXT,
        identity_method=REQUEST_TEXT,
        identity_verified=verified,
        received_at=dt.date(2026, 3, 10),
        channel="phone",
        deadline=dt.date(2026, 4, 10),
    )


def add_disclosure(customer_id: int) -> Disclosure:
    return Disclosure.create(
        customer=customer_id,
        recipient_name="Perintä Oy",
        recipient_kind="debt_collection",
        disclosed_at=dt.date(2026, 3, 1),
    )


def distinctive_values() -> list[str]:
    return [
        FIRST,
        LAST,
        EMAIL,
        PHONE[1:],
        STREET,
        CITY,
        SHIP_NAME,
        SHIP_STREET,
        EVENT_PLACE,
        "Zqxwrequesttext",
        "Zqxwnotetext",
    ]
