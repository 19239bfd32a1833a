"""A new order for a customer (a phone order): one product line, prices in euros."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from finconsole.core.orders.orders import FULFILMENT_STATUSES
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.widgets.record_form import Field, FormScreen

FIELDS = (
    Field("order_number", "Order number", placeholder="e.g. P-1042"),
    Field("product", "Product"),
    Field("quantity", "Quantity"),
    Field("unit_price", "Unit price €", placeholder="12.90"),
    Field("shipping", "Shipping €", placeholder="5.90"),
    Field("fulfilment_status", "Fulfilment", choices=FULFILMENT_STATUSES),
)
_MONEY = re.compile(r"^\d{1,7}([.,]\d{1,2})?$")


def cents(text: str) -> int | None:
    """'12,90' -> 1290; None when it is not an amount of euros."""
    text = text.strip() or "0"
    if not _MONEY.match(text):
        return None
    try:
        return int(Decimal(text.replace(",", ".")) * 100)
    except InvalidOperation:
        return None


class NewOrderForm(FormScreen):
    app = ConsoleApp()

    TITLE_TEXT = "New order"
    FIELDS = FIELDS

    def __init__(self, customer_id: int, suggested_number: str = "") -> None:
        super().__init__()
        self.customer_id = customer_id
        self.suggested_number = suggested_number

    def initial_values(self) -> dict[str, str]:
        return {
            "order_number": self.suggested_number,
            "quantity": "1",
            "shipping": "0",
            "fulfilment_status": "unfulfilled",
        }

    def check(self, values: dict[str, str]) -> dict[str, str]:
        from finconsole.core.kernel import validation as v

        errors: dict[str, str] = {}
        for name, limit in (("order_number", 64), ("product", 200)):
            try:
                v.text(values.get(name), max_length=limit, required=True)
            except v.FieldError as exc:
                errors[name] = str(exc)
        quantity = values.get("quantity", "").strip()
        if not quantity.isdigit() or not 1 <= int(quantity) <= 9999:
            errors["quantity"] = "must be a whole number from 1 to 9999"
        for name in ("unit_price", "shipping"):
            if cents(values.get(name, "")) is None:
                errors[name] = "must be an amount in euros, like 12.90"
        return errors

    def persist(self, values: dict[str, str]) -> dict[str, Any]:
        from finconsole.core.orders import orders

        quantity = int(values["quantity"])
        unit = cents(values["unit_price"]) or 0
        shipping = cents(values["shipping"]) or 0
        data = {
            "order_number": values["order_number"],
            "subtotal_cents": quantity * unit,
            "shipping_cents": shipping,
            "total_cents": quantity * unit + shipping,
            "fulfilment_status": values["fulfilment_status"],
        }
        line = {"product": values["product"], "quantity": quantity, "unit_price_cents": unit}
        return orders.create(self.app.user, self.customer_id, data, [line])
