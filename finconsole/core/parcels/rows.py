"""A parcel as the parcel services return it: one parcel, its events, a queue row.

Shared by ``parcels`` and ``claims`` (which lists claimed parcels as queue rows).
"""

from __future__ import annotations

from typing import Any

from finconsole.core.kernel import permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import NotFound
from finconsole.core.parcels import carriers
from finconsole.core.store.models import Order, Parcel, TrackingEvent


def parcel_dict(parcel: Parcel) -> dict[str, Any]:
    data = {
        name: getattr(parcel, name)
        for name in (
            "id",
            "carrier",
            "tracking_code",
            "status",
            "shipped_at",
            "expected_at",
            "delivered_at",
            "last_event_at",
            "pickup_deadline",
            "suspected_lost_at",
        )
    }
    data["order_id"] = parcel.order_id
    data["carrier_name"] = carriers.CARRIERS.get(parcel.carrier, parcel.carrier)
    return data


def event_dict(event: TrackingEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "occurred_at": event.occurred_at,
        "code": event.code,
        "status": event.status,
        "location": event.location,
        "description": event.description,
    }


def visible_parcel(actor: Actor, parcel_id: int) -> Parcel:
    row = (
        Parcel.select(Parcel, Order.id, Order.customer, Order.restricted, Order.order_number)
        .join(Order)
        .where(Parcel.id == parcel_id)
        .first()
    )
    if row is None or (row.order.restricted and not permissions.allowed(actor, "view_restricted")):
        raise NotFound(f"no parcel with id {parcel_id}")
    return row


def queue_row(parcel: Parcel, sort_value: Any) -> dict[str, Any]:
    """A parcel as a queue lists it: with its order number and customer, keyed for paging."""
    data = parcel_dict(parcel)
    order = parcel.order
    data.update(
        order_number=order.order_number,
        customer_id=order.customer_id,
        customer_name=f"{order.customer.first_name} {order.customer.last_name}".strip(),
        key=(sort_value, parcel.id),
    )
    return data
