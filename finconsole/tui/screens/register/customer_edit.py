"""Edit a customer's contact details, or create a new customer (a phone order) with a first
address."""

from __future__ import annotations

from functools import partial
from typing import Any

from finconsole.core.register import customers
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.widgets.forms.record_form import Field, FormScreen, known, shown

CUSTOMER_FIELDS = (
    Field("first_name", "First name"),
    Field("last_name", "Last name"),
    Field("email", "Email", placeholder="name@example.fi"),
    Field("phone", "Phone", placeholder="040 123 4567 or +358..."),
    Field("language", "Language", choices=("fi", "sv", "en")),
    Field("note", "Note"),
)
ADDRESS_FIELDS = (
    Field("street", "Street"),
    Field("postcode", "Postcode", placeholder="00100"),
    Field("city", "City"),
    Field("country", "Country", placeholder="FI"),
)


display = shown


def changes_from(values: dict[str, str], original: dict[str, Any]) -> dict[str, str]:
    """The fields the user changed (compared with what the form showed)."""
    return {k: v for k, v in values.items() if v != display(original.get(k))}


def errors_of(clean, values: dict[str, Any]) -> dict[str, str]:
    from finconsole.core.kernel.errors import ValidationError

    try:
        clean(values)
    except ValidationError as exc:
        return exc.fields
    return {}


class CustomerForm(FormScreen):
    """``CustomerForm(customer)`` edits; ``CustomerForm(None)`` creates."""

    app = ConsoleApp()

    def __init__(self, customer: dict[str, Any] | None) -> None:
        super().__init__()
        self.customer_id = customer["id"] if customer else None
        self.TITLE_TEXT = "Edit customer" if customer else "New customer"
        # set when the user saw the duplicate warning and chose to save anyway
        self.allow_duplicate = False
        self.country: str | None = None  # the customer's: a phone number is read in it
        if customer:
            self.version = customer["version"]
            self.original = {f.name: customer.get(f.name) for f in CUSTOMER_FIELDS}
            addresses = customer.get("addresses") or []  # the default address first
            self.country = addresses[0]["country"] if addresses else None

    def fields(self):
        return CUSTOMER_FIELDS if self.customer_id else CUSTOMER_FIELDS + ADDRESS_FIELDS

    def initial_values(self) -> dict[str, str]:
        if self.customer_id:
            return {k: display(v) for k, v in self.original.items()}
        return {"language": customers.default_language(), "country": customers.default_country()}

    def _split(self, values: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        names = {f.name for f in CUSTOMER_FIELDS}
        person = {k: v for k, v in values.items() if k in names}
        address = {k: v for k, v in values.items() if k not in names}
        return person, address

    def check(self, values: dict[str, str]) -> dict[str, str]:
        from finconsole.core.register.customers import clean_address, clean_customer

        person, address = self._split(values)
        country = self.country
        if self.customer_id is None:
            country = address.get("country") if self._has_address(address) else None
        elif person.get("phone") == display(self.original.get("phone")):
            # unchanged: a number an import kept as typed must not block editing the rest
            person.pop("phone", None)
        errors = errors_of(partial(clean_customer, country=country), person)
        if self._has_address(address):
            errors.update(errors_of(clean_address, address))
        return errors

    @staticmethod
    def _has_address(address: dict[str, str]) -> bool:
        return any(address.get(k) for k in ("street", "postcode", "city"))

    def persist(self, values: dict[str, str]) -> dict[str, Any]:
        from finconsole.core.kernel.errors import PossibleDuplicate

        try:
            return self._write(values)
        except PossibleDuplicate as exc:
            return {"possible_duplicates": exc.matches}

    def _write(self, values: dict[str, str]) -> dict[str, Any]:
        from finconsole.core.register import customers

        actor = self.app.user
        person, address = self._split(values)
        go_on = self.allow_duplicate
        if self.customer_id is None:
            first = address if self._has_address(address) else None
            return customers.create(actor, person, first, allow_duplicate=go_on)
        changes = changes_from(person, self.original)
        if not changes:
            return {"id": self.customer_id, "unchanged": True}
        return customers.update(
            actor,
            self.customer_id,
            known(self.version, "version"),
            changes,
            self.original,
            allow_duplicate=go_on,
        )

    def _saved(self, result: dict[str, Any]) -> None:
        if "possible_duplicates" not in result:
            super()._saved(result)
            return
        from finconsole.tui.widgets.duplicate import DuplicateDialog

        self.save_ended()

        def decided(choice: tuple[str, int | None] | None) -> None:
            if choice is None:
                return
            action, other_id = choice
            if action == "save":
                self.allow_duplicate = True
                self.action_save()
            elif other_id is not None:
                self.dismiss(None)
                self.app.open_customer(other_id)

        self.app.push_screen(DuplicateDialog(result["possible_duplicates"]), decided)

    def reload(self) -> dict[str, str]:
        from finconsole.core.register import customers

        fresh = customers.get(self.app.user, known(self.customer_id, "customer"), audit_view=False)
        self.version = fresh["version"]
        self.original = {f.name: fresh.get(f.name) for f in CUSTOMER_FIELDS}
        return {k: display(v) for k, v in self.original.items()}
