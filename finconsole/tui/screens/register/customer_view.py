"""The customer screen's body: loading one customer and painting them in tabs.

``CustomerView`` holds what is shown and how it gets there: the widgets, the worker that
loads ``overview.customer_overview`` (which audits the view once) and paints every tab, the
focus on the order or parcel a search named, switching tabs, and the reuse of one prewarmed
screen for customer after customer. It binds no keys: ``customer.CustomerScreen`` adds those
and the actions they run.
"""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Static

from finconsole.core.kernel.money import format_money
from finconsole.core.kernel.text import printable
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.safe import literal, words
from finconsole.tui.screens.register.customer_tabs import (
    OFFICER_ONLY,
    SizedTable,
    contact_text,
    fmt_date,
    fmt_time,
    full_name,
    row_of,
    tab_bar,
)
from finconsole.tui.screens.transparency.disclosures import field_names
from finconsole.tui.widgets.forms.record_form import known
from finconsole.tui.widgets.keybar import KeyBar


class CustomerView(Screen):
    """One customer in tabs (Details, Orders, Requests, Disclosures), loaded off the UI thread."""

    app = ConsoleApp()

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
            # erased meanwhile (here or on another console): nothing of them stays shown
            self.app.call_from_thread(self._gone, str(exc), reloading)
            return
        except FinconsoleError as exc:
            self.app.call_from_thread(self._load_failed, str(exc))
            return
        if customer_id == self.customer_id:  # not switched to another customer meanwhile
            self.app.call_from_thread(self.paint, data)

    def _gone(self, message: str, reloading: bool) -> None:
        """The customer is not (or no longer) in the register: clear what the screen showed
        of them and close it, saying why ("customer 765 was erased on ...")."""
        if self.data is not None:
            self._forget()
        if "was erased" in message:
            self._load_failed(f"C{message[1:]}: the screen is cleared.", False)
        else:
            self._load_failed(message, not reloading)

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
        self.query_one("#contact", Static).update(contact_text(data))
        self._fill_addresses(data["addresses"])
        self._fill_orders(data["orders"])
        self._fill_requests(data["requests"])
        self._fill_disclosures(data["disclosures"])
        self._apply_focus()
        self.painted += 1
        self.painted_at = time.perf_counter()
        self._push_if_opening()

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
                    format_money(o["total_cents"], o["currency"]),
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

    def action_show_tab(self, name: str) -> None:
        # Focus must move into the pane too: focus left in a hidden pane switches back to it.
        self._switch_to(name)
        self.query_one(f"#{name}").query(DataTable).first().focus()

    def _switch_to(self, name: str) -> None:
        self.query_one(ContentSwitcher).current = name
        self.query_one("#tab-bar", Static).update(tab_bar(name))
