"""Test factories: records built through the real services (customers, orders, parcels,
requests, disclosures), one place for every test that needs them.

Parcel tests use a customer with an order and parcels (make_order, make_parcel, s10, at);
erasure tests use a customer with everything erasure must reach: addresses, orders in every
billing state, parcels, tracking events, a claim, requests, a disclosure (make_customer,
add_order, add_request, add_disclosure), with distinctive values the byte-level tests grep
the database files for (distinctive_values)."""

from __future__ import annotations

import datetime as dt
import itertools

from finconsole.core.orders import orders
from finconsole.core.parcels import parcels
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

_numbers = itertools.count(1)


def s10(serial: int, country: str = "FI", prefix: str = "RR") -> str:
    """A valid UPU S10 code for an 8-digit serial."""
    from finconsole.core.parcels.carriers import s10_check_digit

    digits = f"{serial:08d}"
    return f"{prefix}{digits}{s10_check_digit(digits)}{country}"


def make_order(actor, *, restricted: bool = False) -> dict:
    customer = customers.create(actor, {"first_name": "Aino", "last_name": "Lahti"})
    order = orders.create(actor, customer["id"], {"order_number": f"FS-{next(_numbers)}"})
    if restricted:
        from finconsole.core.store.models import Order

        Order.update(restricted=True).where(Order.id == order["id"]).execute()
    return order


def make_parcel(actor, order=None, *, code=None, carrier=None, **times) -> dict:
    order = order or make_order(actor)
    code = code or s10(next(_numbers))
    return parcels.create(actor, order["id"], code, carrier, **times)


def at(day: int, hour: int = 12) -> dt.datetime:
    """A naive UTC time in March 2026 (the test clock stands at the 15th, 12:00)."""
    return dt.datetime(2026, 3, day, hour, 0)


# --- everything erasure must reach ---------------------------------------------------

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
