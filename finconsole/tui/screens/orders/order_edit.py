"""Change an order's fulfilment (anyone) and its invoice and collection status (the register
officer only: support never sees those fields, and the service refuses them anyway)."""

from __future__ import annotations

from typing import Any

from finconsole.core.orders.orders import (
    BILLING_FIELDS,
    COLLECTION_STATUSES,
    FULFILMENT_STATUSES,
    INVOICE_STATUSES,
)
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.screens.register.customer_edit import changes_from, display
from finconsole.tui.widgets.forms.record_form import Field, FormScreen, known

FULFILMENT = Field("fulfilment_status", "Fulfilment", choices=FULFILMENT_STATUSES)
BILLING = (
    Field("invoice_status", "Invoice", choices=INVOICE_STATUSES),
    Field("collection_status", "Collection", choices=COLLECTION_STATUSES),
)


class OrderForm(FormScreen):
    app = ConsoleApp()

    def __init__(self, order: dict[str, Any], *, billing_first: bool = False) -> None:
        super().__init__()
        self.order_id = order["id"]
        self.TITLE_TEXT = f"Order {display(order['order_number'])}"
        self.version = order["version"]
        self.billing_first = billing_first
        self.original = {f.name: order.get(f.name) for f in (FULFILMENT, *BILLING)}

    def may_bill(self) -> bool:
        from finconsole.core.kernel import permissions

        actor = self.app.actor
        return actor is not None and permissions.allowed(actor, "update_order_billing")

    def fields(self):
        if not self.may_bill():
            return (FULFILMENT,)
        return (*BILLING, FULFILMENT) if self.billing_first else (FULFILMENT, *BILLING)

    def initial_values(self) -> dict[str, str]:
        return {k: display(v) for k, v in self.original.items()}

    def check(self, values: dict[str, str]) -> dict[str, str]:
        allowed = {f.name: f.choices for f in self.fields()}
        return {
            k: "must be one of " + ", ".join(allowed[k])
            for k, v in values.items()
            if v not in allowed[k]
        }

    def persist(self, values: dict[str, str]) -> dict[str, Any]:
        from finconsole.core.orders import orders

        changes = changes_from(values, self.original)
        if not changes:
            return {"id": self.order_id, "unchanged": True}
        return orders.update_status(
            self.app.user, self.order_id, known(self.version, "version"), changes, self.original
        )

    def reload(self) -> dict[str, str]:
        from finconsole.core.orders import orders

        fresh = orders.get(self.app.user, self.order_id)
        self.version = fresh["version"]
        self.original = {f.name: fresh.get(f.name) for f in (FULFILMENT, *BILLING)}
        return {k: display(v) for k, v in self.original.items()}


__all__ = ["OrderForm", "BILLING_FIELDS"]
