"""Orders and their line items. Invoice and collection status are the officer's to change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from finconsole.core.access import audit
from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel import validation as v
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import Conflict, NotFound, ValidationError
from finconsole.core.store import search_index as search
from finconsole.core.store.db import write_transaction
from finconsole.core.store.models import Customer, Order, OrderLine, Parcel

INVOICE_STATUSES = ("none", "open", "paid", "credited")
COLLECTION_STATUSES = ("none", "active", "closed")
FULFILMENT_STATUSES = ("unfulfilled", "partial", "fulfilled", "cancelled")
BILLING_FIELDS = ("invoice_status", "collection_status")
EDITABLE_FIELDS = ("fulfilment_status", "invoice_status", "collection_status")
ADDRESS_FIELDS = tuple(
    f"{side}_{part}"
    for side in ("billing", "shipping")
    for part in ("name", "street", "postcode", "city", "country")
)


# What the register holds about an order as the customer sees it (the access export too).
CUSTOMER_VISIBLE_FIELDS = (
    "order_number",
    "ordered_at",
    "currency",
    "subtotal_cents",
    "shipping_cents",
    "tax_cents",
    "total_cents",
    "invoice_status",
    "invoiced_at",
    "paid_at",
    "collection_status",
    "fulfilment_status",
    "payment_method",
    *ADDRESS_FIELDS,
)


def order_dict(order: Order, *, with_lines: bool = True) -> dict[str, Any]:
    names = (*CUSTOMER_VISIBLE_FIELDS, "shop_ref", "restricted", "hold_until", "version")
    data = {name: getattr(order, name) for name in names}
    data.update(id=order.id, customer_id=order.customer_id)
    if with_lines:
        data["lines"] = [
            {
                "id": line.id,
                "product": line.product,
                "quantity": line.quantity,
                "unit_price_cents": line.unit_price_cents,
            }
            for line in order.lines.order_by(OrderLine.id)
        ]
    return data


def _visible_order(actor: Actor, order_id: int) -> Order:
    order = Order.get_or_none(Order.id == order_id)
    if order is None or (order.restricted and not permissions.allowed(actor, "view_restricted")):
        raise NotFound(f"no order with id {order_id}")
    return order


def get(actor: Actor, order_id: int) -> dict[str, Any]:
    permissions.require(actor, "view_order")
    return order_dict(_visible_order(actor, order_id))


def for_customer(actor: Actor, customer_id: int) -> list[dict[str, Any]]:
    """A customer's orders, newest first, each with lines and parcel ids."""
    permissions.require(actor, "view_order")
    query = Order.select().where(Order.customer == customer_id)
    if not permissions.allowed(actor, "view_restricted"):
        query = query.where(Order.restricted == False)  # noqa: E712
    rows = []
    for order in query.order_by(Order.ordered_at.desc(), Order.id.desc()):
        data = order_dict(order)
        data["parcel_ids"] = [
            p.id for p in Parcel.select(Parcel.id).where(Parcel.order == order.id)
        ]
        rows.append(data)
    return rows


def find_by_number(actor: Actor, order_number: str) -> dict[str, Any]:
    permissions.require(actor, "view_order")
    order = Order.get_or_none(Order.order_number == order_number.strip())
    if order is None:
        raise NotFound("no order with that number")
    return order_dict(_visible_order(actor, order.id))


def _clean_money(value: Any, name: str, errors: dict[str, str]) -> int:
    try:
        cents = int(value)
    except (TypeError, ValueError):
        errors[name] = "must be a whole number of cents"
        return 0
    if cents < 0 and name != "total_cents":
        errors[name] = "must not be negative"
    return cents


def clean_order(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    try:
        clean["order_number"] = v.text(data.get("order_number"), max_length=64, required=True)
    except v.FieldError as exc:
        errors["order_number"] = str(exc)
    at = data.get("ordered_at") or clock.now()
    if not isinstance(at, dt.datetime):
        errors["ordered_at"] = "must be a date and time"
    clean["ordered_at"] = at
    for name in ("subtotal_cents", "shipping_cents", "tax_cents", "total_cents"):
        clean[name] = _clean_money(data.get(name, 0), name, errors)
    for name, allowed in (
        ("invoice_status", INVOICE_STATUSES),
        ("collection_status", COLLECTION_STATUSES),
        ("fulfilment_status", FULFILMENT_STATUSES),
    ):
        try:
            clean[name] = v.choice(
                data.get(name) or allowed[0 if name != "invoice_status" else 2], allowed
            )
        except v.FieldError as exc:
            errors[name] = str(exc)
    for name in ADDRESS_FIELDS:
        try:
            clean[name] = v.text(data.get(name), max_length=200) or (
                "FI" if name.endswith("country") else ""
            )
        except v.FieldError as exc:
            errors[name] = str(exc)
    clean["currency"] = str(data.get("currency") or "EUR").upper()[:3]
    if errors:
        raise ValidationError(errors)
    return clean


def create(
    actor: Actor, customer_id: int, data: dict[str, Any], lines: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """Create an order with its line items (a phone order)."""
    permissions.require(actor, "create_order")
    clean = clean_order(data)
    if clean["invoice_status"] != "paid" or clean["collection_status"] != "none":
        permissions.require(actor, "update_order_billing")
    with write_transaction():
        if not Customer.select().where(Customer.id == customer_id).exists():
            raise NotFound(f"no customer with id {customer_id}")
        if Order.select().where(Order.order_number == clean["order_number"]).exists():
            raise ValidationError({"order_number": "is already in use"})
        order = Order.create(customer=customer_id, **clean)
        for line in lines:
            OrderLine.create(
                order=order,
                product=v.text(line.get("product"), max_length=200, required=True),
                quantity=int(line.get("quantity", 1)),
                unit_price_cents=int(line.get("unit_price_cents", 0)),
            )
        search.reindex(customer_id)
        audit.record(actor, "create_order", "order", order.id, customer_id=customer_id)
    return order_dict(order)


def update_status(
    actor: Actor,
    order_id: int,
    version: int,
    changes: dict[str, Any],
    original: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Change fulfilment (anyone) or invoice/collection status (officer), optimistically locked."""
    permissions.require(actor, "update_order")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "cannot be changed here" for name in unknown})
    if set(changes) & set(BILLING_FIELDS):
        permissions.require(actor, "update_order_billing")
    errors: dict[str, str] = {}
    allowed = {
        "invoice_status": INVOICE_STATUSES,
        "collection_status": COLLECTION_STATUSES,
        "fulfilment_status": FULFILMENT_STATUSES,
    }
    for name, value in changes.items():
        if value not in allowed[name]:
            errors[name] = "must be one of " + ", ".join(allowed[name])
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        order = _visible_order(actor, order_id)
        if order.version != version:
            before = original or {}
            changed = [f for f in EDITABLE_FIELDS if f in before and getattr(order, f) != before[f]]
            raise Conflict("the order was changed by someone else", changed)
        changed = [k for k, val in changes.items() if getattr(order, k) != val]
        if changed:
            for name in changed:
                setattr(order, name, changes[name])
            if "invoice_status" in changed and changes["invoice_status"] == "paid":
                order.paid_at = clock.now()
            order.version += 1
            order.updated_at = clock.now()
            order.save()
            audit.record(
                actor,
                "update_order",
                "order",
                order.id,
                customer_id=order.customer_id,
                fields=changed,
            )
    return order_dict(order)
