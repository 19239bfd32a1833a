"""One order (Enter on an order of the customer screen): its lines, totals, the VAT in them,
how it is paid and its parcels. Esc goes back."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from finconsole.core.kernel.money import format_money
from finconsole.core.kernel.text import printable
from finconsole.core.orders import phone_orders
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.safe import literal, words
from finconsole.tui.widgets.keybar import KeyBar
from finconsole.tui.widgets.service_call import call_service


def totals_text(order: dict[str, Any]) -> str:
    vat, currency = order["tax_cents"], order.get("currency") or "EUR"
    rate = f" ({order['vat_percent']} %)" if order.get("vat_percent") else ""
    return "\n".join(
        [
            f"Subtotal   {format_money(order['subtotal_cents'], currency):>12}",
            f"Shipping   {format_money(order['shipping_cents'], currency):>12}",
            f"Total      {format_money(order['total_cents'], currency):>12}",
            f"VAT in it  {format_money(vat, currency):>12}{rate}",
        ]
    )


class OrderViewScreen(Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    OrderViewScreen #order-head { height: auto; padding: 0 1; text-style: bold; }
    OrderViewScreen #order-lines { height: auto; max-height: 10; }
    OrderViewScreen #order-totals, OrderViewScreen #order-parcels { height: auto; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self.order_id = order_id
        self.order: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("Loading...", id="order-head", markup=False)
            yield DataTable(id="order-lines", cursor_type="row", zebra_stripes=True)
            yield Static("", id="order-totals", markup=False)
            yield Static("", id="order-parcels", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "Order"
        table = self.query_one(DataTable)
        table.add_column("Product", width=36)
        table.add_column("Qty", width=4)
        table.add_column("Unit price", width=11)
        table.add_column("Sum", width=11)
        table.focus()
        call_service(
            self, lambda: phone_orders.view(self.app.user, self.order_id), self.show, group="order"
        )

    def show(self, order: dict[str, Any]) -> None:
        self.order = order
        when = order["ordered_at"].strftime("%Y-%m-%d")
        self.query_one("#order-head", Static).update(
            printable(
                f"Order {order['order_number']} of {when}: {order['payment_state']}, "
                f"{words(order['fulfilment_status'])}"
            )
        )
        table = self.query_one(DataTable)
        table.clear()
        for line in order["lines"]:
            table.add_row(
                literal(line["product"]),
                literal(line["quantity"]),
                literal(format_money(line["unit_price_cents"], order["currency"])),
                literal(format_money(line["sum_cents"], order["currency"])),
            )
        self.query_one("#order-totals", Static).update(totals_text(order))
        parcels = order["parcels"]
        listed = "; ".join(f"{p['tracking_code']} ({words(p['status'])})" for p in parcels)
        text = listed or "none yet (T on the customer's orders adds one)"
        self.query_one("#order-parcels", Static).update(printable(f"Parcels: {text}"))

    def action_back(self) -> None:
        self.dismiss(None)
