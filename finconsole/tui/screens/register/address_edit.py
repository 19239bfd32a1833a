"""Edit one address of a customer, or add one."""

from __future__ import annotations

from typing import Any

from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.screens.register.customer_edit import changes_from, display, errors_of
from finconsole.tui.widgets.forms.record_form import Field, FormScreen, known

FIELDS = (
    Field("kind", "Kind", choices=("postal", "billing", "shipping")),
    Field("street", "Street"),
    Field("street2", "Street 2"),
    Field("postcode", "Postcode", placeholder="00100"),
    Field("city", "City"),
    Field("country", "Country", placeholder="FI"),
)


class AddressForm(FormScreen):
    """``AddressForm(customer_id, address)`` edits; with ``address=None`` it adds one."""

    app = ConsoleApp()

    FIELDS = FIELDS

    def __init__(self, customer_id: int, address: dict[str, Any] | None) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.address_id = address["id"] if address else None
        self.TITLE_TEXT = "Edit address" if address else "New address"
        if address:
            self.version = address["version"]
            self.original = {f.name: address.get(f.name) for f in FIELDS}

    def initial_values(self) -> dict[str, str]:
        if self.address_id:
            return {k: display(v) for k, v in self.original.items()}
        return {"kind": "postal", "country": "FI"}

    def check(self, values: dict[str, str]) -> dict[str, str]:
        from finconsole.core.register.customers import clean_address

        return errors_of(clean_address, values)

    def persist(self, values: dict[str, str]) -> dict[str, Any]:
        from finconsole.core.register import customers

        actor = self.app.user
        if self.address_id is None:
            return customers.add_address(actor, self.customer_id, values)
        changes = changes_from(values, self.original)
        if not changes:
            return {"id": self.address_id, "unchanged": True}
        return customers.update_address(
            actor, self.address_id, known(self.version, "version"), changes, self.original
        )

    def reload(self) -> dict[str, str]:
        from finconsole.core.kernel.errors import NotFound
        from finconsole.core.register import customers

        fresh = customers.get(self.app.user, self.customer_id, audit_view=False)
        address = next((a for a in fresh["addresses"] if a["id"] == self.address_id), None)
        if address is None:
            raise NotFound(f"no address with id {self.address_id}")
        self.version = address["version"]
        self.original = {f.name: address.get(f.name) for f in FIELDS}
        return {k: display(v) for k, v in self.original.items()}
