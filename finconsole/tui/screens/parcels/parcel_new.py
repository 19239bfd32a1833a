"""Register a parcel on an order: the carrier's tracking code (support, after a phone order
has been sent). The carrier is told from the code when the code says which one it is."""

from __future__ import annotations

from typing import Any

from finconsole.core.parcels.carriers import CARRIERS
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.screens.register.customer_edit import display
from finconsole.tui.widgets.forms.record_form import Field, FormScreen

DETECT = "from the code"
FIELDS = (
    Field("tracking_code", "Tracking code", placeholder="e.g. JJFI12345678901234567"),
    Field("carrier", "Carrier", choices=(DETECT, *CARRIERS)),
)


class NewParcelForm(FormScreen):
    app = ConsoleApp()

    FIELDS = FIELDS

    def __init__(self, order: dict[str, Any]) -> None:
        super().__init__()
        self.order_id = order["id"]
        self.TITLE_TEXT = f"New parcel for order {display(order['order_number'])}"

    def initial_values(self) -> dict[str, str]:
        return {"tracking_code": "", "carrier": DETECT}

    def check(self, values: dict[str, str]) -> dict[str, str]:
        """The service's own code check, as the user types: check digits, carrier formats."""
        from finconsole.core.kernel.errors import ValidationError
        from finconsole.core.parcels import carriers

        try:
            carriers.validate(self._carrier(values), values.get("tracking_code", ""))
        except ValidationError as exc:
            return dict(exc.fields)
        return {}

    def persist(self, values: dict[str, str]) -> dict[str, Any]:
        from finconsole.core.parcels import parcels

        return parcels.create(
            self.app.user, self.order_id, values["tracking_code"], self._carrier(values)
        )

    @staticmethod
    def _carrier(values: dict[str, str]) -> str | None:
        carrier = values.get("carrier", DETECT)
        return None if carrier == DETECT else carrier
