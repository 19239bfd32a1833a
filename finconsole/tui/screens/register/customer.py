"""Customer: everything the register holds about one person, in tabs.

Details (contact, objections with their dates, addresses), Orders (with the parcels of the
highlighted order), Requests and Disclosures. One service call paints it all
(``overview.customer_overview``, which audits the view once). Keys edit the person, an address,
an order; toggle objections; create an order. Billing status is the officer's: for support the
key is hidden, absent from help and the palette, and does nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Static

from finconsole.core.kernel.text import printable
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.safe import literal, words
from finconsole.tui.screens.transparency.disclosures import field_names
from finconsole.tui.widgets.keybar import KeyBar
from finconsole.tui.widgets.paged_table import PagedTable
from finconsole.tui.widgets.record_form import known

OBJECTIONS = (("marketing", "m"), ("statistics", "s"), ("profiling", "p"))
# Column label and width; None takes what is left of the terminal's width (long text
# is cut with an ellipsis instead of pushing the table wider than the screen).
COLUMNS: dict[str, tuple[tuple[str, int | None], ...]] = {
    "#addresses": (("Kind", 8), ("Street", None), ("Postcode", 8), ("City", 14), ("Country", 7)),
    "#orders-table": (
        ("Number", None),
        ("Date", 10),
        ("Total", 12),
        ("Invoice", 8),
        ("Collection", 10),
        ("Fulfilment", 11),
    ),
    "#parcels": (
        ("Carrier", 9),
        ("Tracking code", 15),
        ("Status", 11),
        ("Last event", None),
        ("When", 16),
    ),
    "#requests-table": (
        ("Reference", 12),
        ("Kind", None),
        ("Received", 10),
        ("Deadline", 10),
        ("Status", 16),
    ),
    "#disclosures-table": (
        ("Recipient", None),
        ("Kind", 15),
        ("Fields", 16),
        ("Disclosed", 10),
        ("Told", 10),
    ),
}


OFFICER_ONLY = "Disclosures: officer only. Ask the register officer."

TAB_TITLES = (
    ("details", "1 Details"),
    ("orders", "2 Orders"),
    ("requests", "3 Requests"),
    ("disclosures", "4 Disclosures"),
)


def tab_bar(active: str) -> Text:
    """The tab line: one Static instead of Textual's Tabs (a dozen widgets to restyle each
    time the screen comes back)."""
    line = Text(no_wrap=True)
    for name, title in TAB_TITLES:
        line.append(f" {title} ", style="bold reverse" if name == active else "")
        line.append(" ")
    return line


def column_widths(spec: tuple[tuple[str, int | None], ...], total: int) -> list[int]:
    fixed = sum(w for _, w in spec if w)
    spare = max(total - 2 * len(spec) - 2 - fixed, 10)
    return [w if w else spare for _, w in spec]


class SizedTable(PagedTable):
    """A tab's table that sets its own columns (COLUMNS, by its id) when it is mounted.

    The screen used to do it in its own on_mount, querying each table: when the app shut down
    while the prewarmed screen was still being mounted off-stage, the tables were already gone
    and the query raised NoMatches (seen under load in CI)."""

    def on_mount(self) -> None:
        spec = COLUMNS[f"#{self.id}"]
        for (label, _), cells in zip(spec, column_widths(spec, self.app.size.width)):
            self.add_column(label, width=cells)


def fmt_date(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def fmt_time(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def fmt_money(cents: int, currency: str = "EUR") -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d} {currency}"


def full_name(data: dict[str, Any]) -> str:
    return f"{data.get('first_name', '')} {data.get('last_name', '')}".strip()


def row_of(*values: Any) -> list[Text]:
    return [literal("" if v is None else v) for v in values]


class CustomerScreen(Screen):
    app = ConsoleApp()

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

    def __init__(
        self,
        customer_id: int | None = None,
        *,
        order_id: int | None = None,
        parcel_id: int | None = None,
    ) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.focus_order_id = order_id
        self.focus_parcel_id = parcel_id
        self.data: dict[str, Any] | None = None
        self.painted = 0  # for tests and benchmarks
        self.painted_at: float | None = None
        # The screen to be covered once the data is painted (see open_customer), or None.
        self._push_over: Screen | None = None
        self._styled_for: tuple | None = None

    def show_customer(
        self, customer_id: int, *, order_id: int | None = None, parcel_id: int | None = None
    ) -> None:
        """Reuse this (already built) screen for another customer: nothing of the previous
        one stays on it."""
        self.customer_id = customer_id
        self.focus_order_id, self.focus_parcel_id = order_id, parcel_id
        if self.is_mounted:
            self._forget()
            self.load(audit_view=True)

    def open_over(
        self, screen: Screen, customer_id: int, *, order_id: int | None, parcel_id: int | None
    ) -> None:
        """Load a customer into this off-stage screen and show it once painted: one layout and
        one frame, instead of a "Loading..." frame restyled and laid out again a moment later."""
        if not self.is_mounted:  # still being built: it loads the customer once mounted
            self.customer_id = customer_id
            self.focus_order_id, self.focus_parcel_id = order_id, parcel_id
            self.app.push_screen(self)
            return
        self._push_over = screen
        self.show_customer(customer_id, order_id=order_id, parcel_id=parcel_id)

    @on(events.ScreenResume)
    def _keep_styles(self, event: events.ScreenResume) -> None:
        """Textual restyles every widget of a screen each time it is pushed (most of the cost
        of showing this reused screen). Its styles were computed when it was built and only
        a theme change alters them off-stage, so the restyle runs only then. (Runs before
        Screen's own handler, which reads ``refresh_styles``.)"""
        styled_for = (self.app.theme, self.app.ansi_color)
        if styled_for == self._styled_for:
            event.refresh_styles = False
        self._styled_for = styled_for

    def _push_if_opening(self) -> None:
        over, self._push_over = self._push_over, None
        # Only where it was asked for: not over a screen the user moved to meanwhile.
        if over is not None and self.app.screen is over and self not in self.app.screen_stack:
            self.app.push_screen(self)

    def _forget(self) -> None:
        """Drop what this screen shows of a customer."""
        self.data = None
        self.painted_at = None
        self.query_one("#customer-title", Static).update("Loading...")
        self.query_one("#contact", Static).update("")
        for table in self.query(DataTable):
            table.clear()
        self._switch_to("details")

    def on_screen_suspend(self) -> None:
        # Popped (not just covered by a form): the reusable screen keeps no personal data
        # behind, e.g. after a log-out.
        if self not in self.app.screen_stack and self.is_mounted:
            self._forget()

    def compose(self) -> ComposeResult:
        yield Static("Loading...", id="customer-title", markup=False)
        yield Static(tab_bar("details"), id="tab-bar")
        with ContentSwitcher(initial="details"):
            with VerticalScroll(id="details"):
                yield Static("", id="contact")
                yield SizedTable(id="addresses", cursor_type="row")
            with Vertical(id="orders"):
                yield SizedTable(id="orders-table", cursor_type="row")
                yield Static("Parcels", id="parcels-title", markup=False)
                yield SizedTable(id="parcels", cursor_type="row")
            with Vertical(id="requests"):
                yield SizedTable(id="requests-table", cursor_type="row")
            with Vertical(id="disclosures"):
                yield Static(OFFICER_ONLY, id="disclosures-closed", markup=False)
                yield SizedTable(id="disclosures-table", cursor_type="row")
        yield KeyBar()

    def on_screen_resume(self) -> None:
        if getattr(self, "_reload_on_resume", False):
            # back from a screen that changed the register behind our back (erasure,
            # a parcel claim, a request): an erased customer closes this screen
            self._reload_on_resume = False
            self._forget()
            self.load(audit_view=False, reloading=True)

    @property
    def shown_id(self) -> int:
        """The customer on screen, for an action on them (keys act only once one is shown)."""
        return known(self.customer_id, "customer")

    def on_mount(self) -> None:
        if self.customer_id is not None:
            self.load(audit_view=True)

    # --- loading and painting -------------------------------------------------------------

    @work(thread=True, exclusive=True, group="customer")
    def load(self, audit_view: bool = False, reloading: bool = False) -> None:
        from finconsole.core.kernel.errors import FinconsoleError, NotFound
        from finconsole.core.kernel.validation import format_phone
        from finconsole.core.register.overview import customer_overview
        from finconsole.core.store.db import thread_connection

        customer_id = self.customer_id
        actor = self.app.actor
        if actor is None or customer_id is None:  # logged out meanwhile, or nobody to show
            return
        try:
            with thread_connection():
                data = customer_overview(actor, customer_id, audit_view=audit_view)
            data["phone_display"] = format_phone(data.get("phone"))  # off the UI thread
            if data.get("phone_review"):  # an import kept a number no plan reads
                data["phone_display"] += " (as typed: check it)"
        except NotFound as exc:
            # gone while another screen was on top: erased there, which is no error
            gone = f"Customer #{customer_id} is no longer in the register."
            self.app.call_from_thread(
                self._load_failed, gone if reloading else str(exc), not reloading
            )
            return
        except FinconsoleError as exc:
            self.app.call_from_thread(self._load_failed, str(exc))
            return
        if customer_id == self.customer_id:  # not switched to another customer meanwhile
            self.app.call_from_thread(self.paint, data)

    def _load_failed(self, message: str, error: bool = True) -> None:
        self._push_over = None
        self.app.say(message, error=error)
        if self.data is None and self.is_current:
            self.dismiss()

    def paint(self, data: dict[str, Any]) -> None:
        self.data = data
        title = Text()
        title.append(printable(full_name(data)) or "(no name)", style="bold")
        title.append(f"  #{data['id']}")
        if data["restricted"]:
            title.append("  RESTRICTED", style="bold reverse")
        self.query_one("#customer-title", Static).update(title)
        self.query_one("#contact", Static).update(self._contact_text(data))
        self._fill_addresses(data["addresses"])
        self._fill_orders(data["orders"])
        self._fill_requests(data["requests"])
        self._fill_disclosures(data["disclosures"])
        self._apply_focus()
        self.painted += 1
        self.painted_at = time.perf_counter()
        self._push_if_opening()

    @staticmethod
    def _contact_text(data: dict[str, Any]) -> Text:
        text = Text()
        lines = [
            ("Name", full_name(data)),
            ("Email", data.get("email") or ""),
            ("Phone", data.get("phone_display") or data.get("phone") or ""),
            ("Language", data.get("language") or ""),
            ("Shop id", data.get("shop_ref") or ""),
            ("Customer since", fmt_date(data.get("created_at"))),
            ("Last changed", fmt_time(data.get("updated_at"))),
        ]
        for label, value in lines:
            text.append(f"{label:>15}: ", style="bold")
            text.append(printable(value) + "\n")
        for purpose, key in OBJECTIONS:
            since = data["objections"][purpose]
            state = f"OBJECTS since {fmt_date(since)}" if since else "no objection"
            text.append(f"{purpose.capitalize():>15}: ", style="bold")
            text.append(f"{state}  (key {key})\n", style="bold" if since else "")
        note = data.get("note") or ""
        if note:
            text.append("\n           Note: ", style="bold")
            text.append(printable(note).replace("\\x0a", "\n                 "))
        return text

    def _fill_addresses(self, addresses: list[dict[str, Any]]) -> None:
        table = self.query_one("#addresses", DataTable)
        table.clear()
        for a in addresses:
            street = a["street"] + (f", {a['street2']}" if a["street2"] else "")
            table.add_row(
                *row_of(a["kind"], street, a["postcode"], a["city"], a["country"]),
                key=str(a["id"]),
            )
        table.styles.height = len(addresses) + 1

    def _fill_orders(self, orders: list[dict[str, Any]]) -> None:
        table = self.query_one("#orders-table", DataTable)
        table.clear()
        for o in orders:
            table.add_row(
                *row_of(
                    o["order_number"],
                    fmt_date(o["ordered_at"]),
                    fmt_money(o["total_cents"], o["currency"]),
                    o["invoice_status"],
                    o["collection_status"],
                    o["fulfilment_status"],
                ),
                key=str(o["id"]),
            )
        self._fill_parcels(orders[0] if orders else None)

    def _fill_parcels(self, order: dict[str, Any] | None) -> None:
        table = self.query_one("#parcels", DataTable)
        table.clear()
        title = self.query_one("#parcels-title", Static)
        if order is None:
            title.update("No orders")
            return
        title.update(Text(f"Parcels of order {printable(order['order_number'])}"))
        for p in order["parcels"]:
            event = p["last_event"] + (
                f" ({p['last_event_location']})" if p["last_event_location"] else ""
            )
            table.add_row(
                *row_of(p["carrier"], p["tracking_code"], words(p["status"]), event),
                literal(fmt_time(p["last_event_at"])),
                key=str(p["id"]),
            )

    def _fill_requests(self, requests: list[dict[str, Any]]) -> None:
        table = self.query_one("#requests-table", DataTable)
        table.clear()
        for r in requests:
            kind = r["kind"] + (f" ({r['objection_purpose']})" if r["objection_purpose"] else "")
            table.add_row(
                *row_of(r["reference"], kind, fmt_date(r["received_at"]), fmt_date(r["deadline"])),
                literal(words(r["status"])),
            )

    def _fill_disclosures(self, disclosures: list[dict[str, Any]] | None) -> None:
        table = self.query_one("#disclosures-table", DataTable)
        table.clear()
        # None: this role may not see disclosures (the service left them out)
        self.query_one("#disclosures-closed", Static).display = disclosures is None
        table.display = disclosures is not None
        if disclosures is None:
            return
        for d in disclosures:
            table.add_row(
                *row_of(d["recipient_name"], words(d["recipient_kind"])),
                literal(field_names(d["data_fields"])),
                literal(fmt_date(d["disclosed_at"])),
                literal(fmt_date(d["customer_told_at"]) or "not yet"),
            )

    def _apply_focus(self) -> None:
        """Land on the order (and parcel) the search named, once."""
        if self.focus_order_id is None:
            return
        order_id, parcel_id = self.focus_order_id, self.focus_parcel_id
        self.focus_order_id = self.focus_parcel_id = None
        orders = self.query_one("#orders-table", DataTable)
        try:
            index = orders.get_row_index(str(order_id))
        except Exception:  # noqa: BLE001 - the order may be gone or hidden since the search
            return
        self.action_show_tab("orders")
        orders.move_cursor(row=index)
        if self.data is not None:
            self._fill_parcels(self.data["orders"][index])
        parcels = self.query_one("#parcels", DataTable)
        if parcel_id is not None:
            try:
                parcels.move_cursor(row=parcels.get_row_index(str(parcel_id)))
                parcels.focus()
                return
            except Exception:  # noqa: BLE001
                pass
        orders.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "orders-table" and self.data:
            order = self._order_at(event.cursor_row)
            if order is not None:
                self._fill_parcels(order)

    def _order_at(self, index: int) -> dict[str, Any] | None:
        orders = self.data["orders"] if self.data else []
        return orders[index] if 0 <= index < len(orders) else None

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

    def action_show_tab(self, name: str) -> None:
        # Focus must move into the pane too: focus left in a hidden pane switches back to it.
        self._switch_to(name)
        self.query_one(f"#{name}").query(DataTable).first().focus()

    def _switch_to(self, name: str) -> None:
        self.query_one(ContentSwitcher).current = name
        self.query_one("#tab-bar", Static).update(tab_bar(name))

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
