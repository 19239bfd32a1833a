"""Customer: everything the register holds about one person, in tabs.

Details (contact, objections with their dates, addresses), Orders (with the parcels of the
highlighted order), Requests and Disclosures. One service call paints it all
(``overview.customer_overview``, which audits the view once). Keys edit the person, an address,
an order; toggle objections; create an order. Billing status is the officer's: for support the
key is hidden, absent from help and the palette, and does nothing.

This module holds the screen with its keys and the actions they run (forms, objections, the
screens of other areas for this customer), and ``prewarm``/``open_customer``, which build it
once and reuse it. What it shows and how it loads is ``customer_view``; its tables and
formatting are ``customer_tabs``.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from finconsole.tui.screens.register.customer_tabs import fmt_date
from finconsole.tui.screens.register.customer_view import CustomerView


class CustomerScreen(CustomerView):
    TITLE_TEXT = "Customer"
    HELP_NOTES = (
        "Objection keys record an objection with today's date; pressing the key again "
        "withdraws it after a confirmation.",
    )
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("e", "edit_customer", "Edit"),
        Binding("a", "edit_address", "Address"),
        Binding("A", "add_address", "Add address", show=False),
        Binding("n", "new_order", "New order"),
        Binding("o", "edit_order", "Order status"),
        Binding("b", "edit_billing", "Billing"),
        Binding("m", "toggle_objection('marketing')", "Marketing obj.", show=False),
        Binding("s", "toggle_objection('statistics')", "Statistics obj.", show=False),
        Binding("p", "toggle_objection('profiling')", "Profiling obj.", show=False),
        Binding("1", "show_tab('details')", "Details tab", show=False),
        Binding("2", "show_tab('orders')", "Orders tab", show=False),
        Binding("3", "show_tab('requests')", "Requests tab", show=False),
        Binding("4", "show_tab('disclosures')", "Disclosures tab", show=False),
        Binding("r", "reload", "Reload", show=False),
        Binding("t", "open_parcel", "Parcel", show=False),
        Binding("T", "new_parcel", "Add parcel", show=False),
        Binding("q", "new_request", "Request", show=False),
        Binding("w", "export", "Export", show=False),
        Binding("d", "disclose", "Disclose", show=False),
        Binding("x", "erase", "Erase", show=False),
        Binding("M", "merge", "Merge duplicate", show=False),
    ]
    # Officer-only actions and the permission each needs (hidden and inert for support).
    OFFICER_ACTIONS = {
        "edit_billing": "update_order_billing",
        "export": "export_customer",
        "disclose": "record_disclosure",
        "erase": "preview_erasure",
        "merge": "merge_customers",
    }
    # --- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        actor = self.app.actor
        if actor is None:  # logged out or not yet in: nothing to do here
            return False
        if action in self.OFFICER_ACTIONS:
            from finconsole.core.kernel import permissions

            return permissions.allowed(actor, self.OFFICER_ACTIONS[action])
        return True

    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load(audit_view=False)

    def _open_form(self, form, *, land_on_order: bool = False) -> None:
        def done(result: dict | None) -> None:
            if result is None:
                return
            if result.get("unchanged"):
                self.app.say("Nothing changed.")
            if land_on_order:
                self.focus_order_id = result["id"]
            self.load(audit_view=False)

        self.app.push_screen(form, done)

    def action_edit_customer(self) -> None:
        if self.data:
            from finconsole.tui.screens.register.customer_edit import CustomerForm

            self._open_form(CustomerForm(self.data))

    def _selected_address(self) -> dict[str, Any] | None:
        addresses = self.data["addresses"] if self.data else []
        if not addresses:
            return None
        table = self.query_one("#addresses", DataTable)
        index = table.cursor_row if 0 <= table.cursor_row < len(addresses) else 0
        return addresses[index]

    def action_edit_address(self) -> None:
        if self.data:
            from finconsole.tui.screens.register.address_edit import AddressForm

            self._open_form(AddressForm(self.shown_id, self._selected_address()))

    def action_add_address(self) -> None:
        if self.data:
            from finconsole.tui.screens.register.address_edit import AddressForm

            self._open_form(AddressForm(self.shown_id, None))

    def action_new_order(self) -> None:
        if self.data:
            from finconsole.tui.screens.orders.order_new import NewOrderForm

            self._open_form(NewOrderForm(self.shown_id), land_on_order=True)

    @on(DataTable.RowSelected, "#orders-table")
    def _order_chosen(self, event: DataTable.RowSelected) -> None:
        """Enter on an order: its lines, totals, VAT, payment and parcels."""
        order = self._order_at(event.cursor_row)
        if order is not None:
            from finconsole.tui.screens.orders.order_view import OrderViewScreen

            self._push_and_reload(OrderViewScreen(order["id"]))

    def _selected_order(self) -> dict[str, Any] | None:
        table = self.query_one("#orders-table", DataTable)
        order = self._order_at(table.cursor_row)
        if order is None:
            self.app.say("This customer has no orders.", error=True)
        return order

    def action_edit_order(self) -> None:
        order = self._selected_order()
        if order is not None:
            from finconsole.tui.screens.orders.order_edit import OrderForm

            self._open_form(OrderForm(order))

    def action_new_parcel(self) -> None:
        order = self._selected_order()
        if order is not None:
            from finconsole.tui.screens.parcels.parcel_new import NewParcelForm

            self.focus_order_id = order["id"]  # back on the order, its new parcel listed
            self._open_form(NewParcelForm(order))

    def action_edit_billing(self) -> None:
        order = self._selected_order()
        if order is not None:
            from finconsole.tui.screens.orders.order_edit import OrderForm

            self._open_form(OrderForm(order, billing_first=True))

    def action_toggle_objection(self, purpose: str) -> None:
        if not self.data:
            return
        since = self.data["objections"][purpose]
        if since is None:
            self.save_objection(purpose, True)
            return
        from finconsole.tui.widgets.confirm import ConfirmDialog

        question = (
            f"Withdraw the {purpose} objection recorded on {fmt_date(since)}? "
            f"The customer's data may then be used for {purpose} again."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.save_objection(purpose, False)

        self.app.push_screen(ConfirmDialog(question, "Withdraw"), answered)

    @work(thread=True, group="customer-write")
    def save_objection(self, purpose: str, on: bool) -> None:
        from finconsole.core.kernel.errors import FinconsoleError
        from finconsole.core.register import customers
        from finconsole.core.store.db import thread_connection

        try:
            with thread_connection():
                customers.set_objection(self.app.user, self.shown_id, purpose, on)
        except FinconsoleError as exc:
            self.app.call_from_thread(self.app.say, str(exc), error=True)
            return
        done = "recorded" if on else "withdrawn"
        self.app.call_from_thread(self.app.say, f"Objection to {purpose} {done}.")
        self.app.call_from_thread(self.load, False)

    # --- other areas' screens for this customer --------------------------------------------

    def _push_and_reload(self, screen) -> None:
        self._reload_on_resume = True
        self.app.push_screen(screen)

    def action_open_parcel(self) -> None:
        """The highlighted parcel's event timeline and claim keys."""
        table = self.query_one("#parcels", DataTable)
        if not self.data or table.row_count == 0:
            self.app.say("No parcel to open: highlight an order that has parcels.", error=True)
            return
        from finconsole.tui.screens.parcels.parcel import ParcelScreen

        row_key = table.coordinate_to_cell_key(Coordinate(max(table.cursor_row, 0), 0)).row_key
        self._push_and_reload(ParcelScreen(int(str(row_key.value))))

    def action_new_request(self) -> None:
        if self.data:
            from finconsole.tui.screens.rights.request_form import RequestFormScreen

            self._push_and_reload(RequestFormScreen(customer_id=self.customer_id))

    def action_export(self) -> None:
        if self.data:
            from finconsole.tui.screens.rights.export import export_customer_dialog

            def written(path) -> None:
                if path:
                    self.app.say(f"Export written to {path}")

            self.app.push_screen(export_customer_dialog(self.app.actor, self.shown_id), written)

    def action_disclose(self) -> None:
        if self.data:
            from finconsole.tui.screens.transparency.disclosures import DisclosureForm

            self._push_and_reload(DisclosureForm(customer_id=self.customer_id))

    def action_erase(self) -> None:
        if self.data:
            from finconsole.tui.screens.erasure.erasure import ErasureScreen

            self._push_and_reload(ErasureScreen(self.shown_id))

    def action_merge(self) -> None:
        if self.data:
            from finconsole.tui.screens.erasure.merge import start_merge

            def merged() -> None:
                self.load(False)

            start_merge(self.app, self.shown_id, merged)


INSTALLED_NAME = "customer"


def prewarm(app) -> None:
    """Build the customer screen once, while the user is still typing, so that opening a
    customer only loads and paints data (building a screen costs ~150 ms)."""
    if INSTALLED_NAME in app._installed_screens:
        return
    app.install_screen(CustomerScreen(), INSTALLED_NAME)
    app._get_screen(INSTALLED_NAME)  # mounts it off-stage (Textual has no public call)


def open_customer(
    app, customer_id: int, *, order_id: int | None = None, parcel_id: int | None = None
) -> None:
    """Show a customer, reusing the prewarmed screen when it is free."""
    screen = app._installed_screens.get(INSTALLED_NAME)
    if not isinstance(screen, CustomerScreen) or screen in app.screen_stack:
        app.push_screen(CustomerScreen(customer_id, order_id=order_id, parcel_id=parcel_id))
        return
    screen.open_over(app.screen, customer_id, order_id=order_id, parcel_id=parcel_id)
