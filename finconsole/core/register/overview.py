"""Everything the register holds about one person, read in a handful of queries.

The customer screen paints from one call: contact details and addresses, orders with their
lines and parcels (each with its last tracking event), data-subject requests, disclosures and
objection flags. Opening it is audited once (``view_customer``). Restricted orders stay hidden
from support, and a restricted customer is "not found" for them, as everywhere else.
"""

from __future__ import annotations

import re
from typing import Any

from finconsole.core.access import audit
from finconsole.core.kernel import permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import NotFound
from finconsole.core.orders.orders import order_dict
from finconsole.core.register.customers import address_dict, customer_dict, recent_ids, summaries
from finconsole.core.store import search_query
from finconsole.core.store.models import (
    Address,
    Customer,
    Disclosure,
    ErasureLedger,
    Order,
    OrderLine,
    Parcel,
    Request,
    TrackingEvent,
)
from finconsole.core.transparency.disclosures import field_list


def _not_found_text(customer_id: int) -> str:
    """Say so when the customer was erased (another console may still show them): the
    ledger keeps the record id and the day, nothing of the person."""
    erased = (
        ErasureLedger.select(ErasureLedger.erased_at)
        .where(ErasureLedger.customer_id == customer_id)
        .order_by(ErasureLedger.id.desc())
        .first()
    )
    if erased is None:
        return f"no customer with id {customer_id}"
    return f"customer {customer_id} was erased on {erased.erased_at:%Y-%m-%d}"


def customer_overview(actor: Actor, customer_id: int, *, audit_view: bool = True) -> dict[str, Any]:
    """The customer with ``addresses``, ``orders`` (each with ``lines`` and ``parcels``),
    ``requests`` and ``disclosures`` (None for a role without ``view_disclosures``).
    Raises ``NotFound`` for an unknown or hidden customer."""
    permissions.require(actor, "view_customer")
    see_restricted = permissions.allowed(actor, "view_restricted")
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or (customer.restricted and not see_restricted):
        raise NotFound(_not_found_text(customer_id))
    data = customer_dict(customer)
    data["addresses"] = [
        address_dict(a)
        for a in Address.select()
        .where(Address.customer == customer_id)
        .order_by(Address.is_default.desc(), Address.id)
    ]
    data["orders"] = _orders(customer_id, see_restricted)
    data["requests"] = _requests(customer_id)
    # None (not an empty list) tells the screen the reader may not see them, which differs
    # from "there are none"
    data["disclosures"] = (
        _disclosures(customer_id) if permissions.allowed(actor, "view_disclosures") else None
    )
    if audit_view:
        audit.record(actor, "view_customer", "customer", customer.id, customer_id=customer.id)
    return data


def _orders(customer_id: int, see_restricted: bool) -> list[dict[str, Any]]:
    query = Order.select().where(Order.customer == customer_id)
    if not see_restricted:
        query = query.where(Order.restricted == False)  # noqa: E712
    orders = [
        order_dict(o, with_lines=False)
        for o in query.order_by(Order.ordered_at.desc(), Order.id.desc())
    ]
    by_id = {o["id"]: o for o in orders}
    for o in orders:
        o["lines"], o["parcels"] = [], []
    if not by_id:
        return orders
    for line in OrderLine.select().where(OrderLine.order.in_(list(by_id))).order_by(OrderLine.id):
        by_id[line.order_id]["lines"].append(
            {
                "id": line.id,
                "product": line.product,
                "quantity": line.quantity,
                "unit_price_cents": line.unit_price_cents,
            }
        )
    parcels = list(Parcel.select().where(Parcel.order.in_(list(by_id))).order_by(Parcel.id))
    last_events = _last_events([p.id for p in parcels])
    for p in parcels:
        by_id[p.order_id]["parcels"].append(_parcel_dict(p, last_events.get(p.id)))
    return orders


def _parcel_dict(parcel: Parcel, last_event: TrackingEvent | None) -> dict[str, Any]:
    return {
        "id": parcel.id,
        "order_id": parcel.order_id,
        "carrier": parcel.carrier,
        "tracking_code": parcel.tracking_code,
        "status": parcel.status,
        "shipped_at": parcel.shipped_at,
        "delivered_at": parcel.delivered_at,
        "last_event_at": last_event.occurred_at if last_event else parcel.last_event_at,
        "last_event": (last_event.description or last_event.status) if last_event else "",
        "last_event_location": last_event.location if last_event else "",
    }


def _last_events(parcel_ids: list[int]) -> dict[int, TrackingEvent]:
    """The newest event of each parcel, in one query (a parcel has a few dozen at most)."""
    if not parcel_ids:
        return {}
    newest: dict[int, TrackingEvent] = {}
    for event in (
        TrackingEvent.select()
        .where(TrackingEvent.parcel.in_(parcel_ids))
        .order_by(TrackingEvent.occurred_at, TrackingEvent.id)
    ):
        newest[event.parcel_id] = event  # ascending: the last one written wins
    return newest


def _requests(customer_id: int) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "reference": r.reference,
            "kind": r.kind,
            "objection_purpose": r.objection_purpose,
            "received_at": r.received_at,
            "channel": r.channel,
            "deadline": r.extended_until or r.deadline,
            "status": r.status,
        }
        for r in Request.select()
        .where(Request.customer == customer_id)
        .order_by(Request.received_at.desc(), Request.id.desc())
    ]


def _disclosures(customer_id: int) -> list[dict[str, Any]]:
    return [
        {
            "id": d.id,
            "recipient_name": d.recipient_name,
            "recipient_kind": d.recipient_kind,
            "data_fields": field_list(d.data_fields),
            "disclosed_at": d.disclosed_at,
            "customer_told_at": d.customer_told_at,
        }
        for d in Disclosure.select()
        .where(Disclosure.customer == customer_id)
        .order_by(Disclosure.disclosed_at.desc(), Disclosure.id.desc())
    ]


def locate(actor: Actor, query: str) -> dict[str, Any] | None:
    """A query that is exactly an order number or a tracking code: where it lands.

    Returns ``{"customer_id", "order_id", "parcel_id"}`` (parcel_id None for an order number)
    or None. Case and spaces in a tracking code do not matter. Hidden records never land.
    """
    permissions.require(actor, "search_customers")
    text = query.strip()
    if not text or len(text) > 64:
        return None
    see_restricted = permissions.allowed(actor, "view_restricted")
    hit = _order_numbered(text)
    parcel_id = None
    if hit is None:
        code = "".join(text.split()).upper()
        parcel = (
            Parcel.select(Parcel.id, Parcel.order)
            .where(Parcel.tracking_code == code)
            .order_by(Parcel.id.desc())
            .first()
        )
        if parcel is None:
            return None
        parcel_id = parcel.id
        hit = (
            Order.select(Order.id, Order.customer, Order.restricted)
            .where(Order.id == parcel.order_id)
            .first()
        )
    if hit is None or (hit.restricted and not see_restricted):
        return None
    owner = Customer.select(Customer.restricted).where(Customer.id == hit.customer_id).first()
    if owner is None or (owner.restricted and not see_restricted):
        return None
    return {"customer_id": hit.customer_id, "order_id": hit.id, "parcel_id": parcel_id}


def _order_numbered(text: str) -> Order | None:
    """The order numbered ``text``, or numbered so in capitals (``fs-102919``: the shop's
    numbers are upper case, people type them as they come)."""
    for number in dict.fromkeys((text, text.upper())):
        hit = (
            Order.select(Order.id, Order.customer, Order.restricted)
            .where(Order.order_number == number)
            .first()
        )
        if hit is not None:
            return hit
    return None


_ID_QUERY = re.compile(r"^(#)?\s*(\d{1,12})$")


def locate_id(actor: Actor, query: str) -> tuple[int | None, bool]:
    """A query that is a customer id: ``#1225``, or ``1225`` when that id exists.

    Returns (the customer id if that customer exists and this user may see it, whether the
    query was marked ``#``: then it means the id and nothing else).
    """
    permissions.require(actor, "search_customers")
    match = _ID_QUERY.match(query.strip())
    if match is None:
        return None, False
    marked, customer_id = bool(match.group(1)), int(match.group(2))
    owner = Customer.select(Customer.restricted).where(Customer.id == customer_id).first()
    if owner is None or (owner.restricted and not permissions.allowed(actor, "view_restricted")):
        return None, marked
    return customer_id, marked


# --- the register's result pages ------------------------------------------------------------


def register_page(
    actor: Actor, query: str, *, start: Any = None, limit: int = 200
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One page of the register for the console: (rows, landing).

    An empty ``query`` pages the most recently updated customers (``start`` is the
    (updated_at, id) keyset of the previous page's last row); otherwise the matches in id order
    (``start`` is the last id seen). On the first page, a query that is exactly an order number
    or tracking code also returns where it lands, and that customer comes first.
    """
    permissions.require(actor, "search_customers")
    limit = max(1, min(int(limit), search_query.MAX_LIMIT))
    if not query.strip():
        return summaries(recent_ids(actor, limit, start)), None
    landing = None
    if start is None and any(ch.isdigit() for ch in query):
        landing = locate(actor, query)
        by_id, marked = locate_id(actor, query)
        if marked and landing is None:  # "#1225" (no Shopify order "#1225"): customer 1225
            if by_id is None:
                return [], None
            return summaries([by_id]), {"customer_id": by_id, "order_id": None, "by_id": True}
        if landing is None and by_id is not None:
            landing = {"customer_id": by_id, "order_id": None, "by_id": True}
    include_restricted = permissions.allowed(actor, "view_restricted")
    ids = search_query.matching_ids(query, limit, start or 0, include_restricted)
    if landing:
        ids = [landing["customer_id"]] + [i for i in ids if i != landing["customer_id"]]
    return summaries(ids), landing
