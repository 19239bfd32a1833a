"""Phone orders: several lines, a number from the configured series, the payment chosen.

Support takes an order on the phone: the number comes from ``[orders] phone_series`` (P-1001,
P-1002, ...; never typed, so never invented twice), prices include VAT at
``[orders] vat_percent``, and the payment is paid, an open invoice or cash on delivery. An
invoice or a cash-on-delivery order carries the buyer's name and address (a VAT invoice names
them, Accounting Act), taken from the customer's default address.

``view`` is an order as the order screen shows it: lines with their sums, subtotal, shipping,
total, the VAT in it, the payment state and the parcels.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from finconsole.core.access import audit
from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel import validation as v
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import NotFound, ValidationError
from finconsole.core.orders.orders import FULFILMENT_STATUSES, order_dict
from finconsole.core.settings import runtime
from finconsole.core.store import search_index as search
from finconsole.core.store.db import write_transaction
from finconsole.core.store.models import Address, Customer, Order, OrderLine, Parcel, tuples

PAYMENTS = {"paid": "Paid", "invoice": "Invoice (open)", "cod": "Cash on delivery"}
# the invoice status each payment starts with
INVOICE_STATUS = {"paid": "paid", "invoice": "open", "cod": "none"}
FIRST_NUMBER = 1001
MAX_LINES = 50
_MONEY = re.compile(r"^\d{1,7}([.,]\d{1,2})?$")


def cents(text: Any) -> int | None:
    """'12,90' -> 1290, '' -> 0; None when it is not an amount of euros."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if text >= 0 else None
    value = str(text or "").strip() or "0"
    if not _MONEY.match(value):
        return None
    return int(Decimal(value.replace(",", ".")) * 100)


def vat_in(total_cents: int, percent: float) -> int:
    """The VAT included in a gross amount: total * p / (100 + p), rounded half up."""
    p = Decimal(str(percent))
    vat = Decimal(total_cents) * p / (Decimal(100) + p)
    return int(vat.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _series() -> str:
    series = str(runtime.settings("orders")["phone_series"]).strip()
    if not series or len(series) > 20:
        raise ValidationError({"order_number": "set [orders] phone_series (1-20 characters)"})
    return series


def next_number() -> str:
    """The next free number of the series: one above the highest used (P-1001 first)."""
    series = _series()
    used = Order.select(Order.order_number).where(Order.order_number.startswith(series))
    highest = FIRST_NUMBER - 1
    for number in (str(row[0]) for row in tuples(used)):
        tail = number[len(series) :]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{series}{highest + 1}"


def preview_number(actor: Actor) -> str:
    """The number the next phone order will get (the form shows it; saving assigns it)."""
    permissions.require(actor, "create_order")
    return next_number()


def clean_lines(lines: Sequence[dict[str, Any]], errors: dict[str, str]) -> list[dict[str, Any]]:
    """Lines with a product; a line left wholly empty is skipped. Errors are keyed
    ``product_N``, ``quantity_N``, ``unit_price_N`` (N from 1)."""
    clean = []
    for n, line in enumerate(lines[:MAX_LINES], start=1):
        product = str(line.get("product") or "").strip()
        quantity = str(line.get("quantity") or "").strip()
        price = line.get("unit_price")
        if not product and not str(price or "").strip() and quantity in ("", "1"):
            continue  # an empty row of the form
        try:
            product = v.text(product, max_length=200, required=True)
        except v.FieldError as exc:
            errors[f"product_{n}"] = str(exc)
        if not quantity.isdigit() or not 1 <= int(quantity) <= 9999:
            errors[f"quantity_{n}"] = "must be a whole number from 1 to 9999"
        unit = cents(price)
        if unit is None:
            errors[f"unit_price_{n}"] = "must be an amount in euros, like 12.90"
        if not any(k.endswith(f"_{n}") for k in errors):
            clean.append({"product": product, "quantity": int(quantity), "unit_price_cents": unit})
    if not clean and not errors:
        errors["product_1"] = "an order needs at least one line"
    return clean


def _billing(customer: Customer) -> dict[str, str]:
    """The buyer as a VAT invoice names them: the customer and their default address."""
    address = (
        Address.select()
        .where(Address.customer == customer.id)
        .order_by(Address.is_default.desc(), Address.id)
        .first()
    )
    data = {"billing_name": f"{customer.first_name} {customer.last_name}".strip()}
    if address is not None:
        data.update(
            billing_street=address.street or "",
            billing_postcode=address.postcode or "",
            billing_city=address.city or "",
            billing_country=address.country or "FI",
        )
    return data


def create(
    actor: Actor,
    customer_id: int,
    lines: Sequence[dict[str, Any]],
    *,
    payment: str,
    shipping: Any = 0,
    fulfilment: str = "unfulfilled",
) -> dict[str, Any]:
    """Record a phone order; its number is the series' next. Raises ``ValidationError``
    naming each bad field (``product_2``, ``payment``, ...)."""
    permissions.require(actor, "create_order")
    errors: dict[str, str] = {}
    clean = clean_lines(lines, errors)
    if payment not in PAYMENTS:
        errors["payment"] = "must be one of " + ", ".join(PAYMENTS)
    if fulfilment not in FULFILMENT_STATUSES:
        errors["fulfilment_status"] = "must be one of " + ", ".join(FULFILMENT_STATUSES)
    shipping_cents = cents(shipping)
    if shipping_cents is None:
        errors["shipping"] = "must be an amount in euros, like 5.90"
    if errors:
        raise ValidationError(errors)
    subtotal = sum(line["quantity"] * line["unit_price_cents"] for line in clean)
    total = subtotal + (shipping_cents or 0)
    now = clock.now()
    with write_transaction():
        customer = Customer.get_or_none(Customer.id == customer_id)  # read once: billing names them
        if customer is None:
            raise NotFound(f"no customer with id {customer_id}")
        order = Order.create(
            customer=customer_id,
            order_number=next_number(),  # inside the write: two consoles never get one number
            ordered_at=now,
            subtotal_cents=subtotal,
            shipping_cents=shipping_cents or 0,
            tax_cents=vat_in(total, runtime.settings("orders")["vat_percent"]),
            total_cents=total,
            invoice_status=INVOICE_STATUS[payment],
            invoiced_at=now if payment == "invoice" else None,
            paid_at=now if payment == "paid" else None,
            fulfilment_status=fulfilment,
            payment_method=payment,
            **(_billing(customer) if payment != "paid" else {}),
        )
        OrderLine.insert_many([{**line, "order": order.id} for line in clean]).execute()
        search.reindex(customer_id)
        audit.record(actor, "create_order", "order", order.id, customer_id=customer_id)
    return order_dict(order)


def payment_state(order: dict[str, Any]) -> str:
    """In words: "Paid", "Invoice open", "Cash on delivery (not paid yet)", ..."""
    status = order["invoice_status"]
    if order.get("payment_method") == "cod" and status != "paid":
        return "Cash on delivery (not paid yet)"
    return {
        "paid": "Paid",
        "open": "Invoice open",
        "credited": "Credited",
        "none": "No invoice",
    }.get(status, status)


def view(actor: Actor, order_id: int) -> dict[str, Any]:
    """An order with its lines (each with its sum), totals, the VAT in them and its parcels."""
    permissions.require(actor, "view_order")
    order = Order.get_or_none(Order.id == order_id)
    if order is None or (order.restricted and not permissions.allowed(actor, "view_restricted")):
        raise NotFound(f"no order with id {order_id}")
    data = order_dict(order)
    data["payment_method"] = order.payment_method or ""
    for line in data["lines"]:
        line["sum_cents"] = line["quantity"] * line["unit_price_cents"]
    data["payment_state"] = payment_state(data)
    data["vat_percent"] = _vat_percent(data)
    data["parcels"] = [
        {"id": p.id, "carrier": p.carrier, "tracking_code": p.tracking_code, "status": p.status}
        for p in Parcel.select().where(Parcel.order == order_id).order_by(Parcel.id)
    ]
    return data


def _vat_percent(order: dict[str, Any]) -> float | None:
    """The VAT rate an order's figures imply (a shop export states the tax, not the rate)."""
    net = order["total_cents"] - order["tax_cents"]
    if not order["tax_cents"] or net <= 0:
        return None
    return round(order["tax_cents"] * 100 / net, 1)
