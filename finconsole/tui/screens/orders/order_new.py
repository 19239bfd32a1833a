"""A phone order for a customer: several lines (ctrl+n adds one), prices in euros with VAT,
the payment chosen (paid, open invoice, cash on delivery). The number is not typed: saving
gives the next one of the configured series (the title shows which it will be)."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from finconsole.core.kernel.errors import FinconsoleError, ValidationError
from finconsole.core.kernel.money import format_money
from finconsole.core.orders import phone_orders
from finconsole.core.orders.orders import FULFILMENT_STATUSES
from finconsole.core.settings import runtime
from finconsole.core.store.db import thread_connection
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.widgets.errors import error_text
from finconsole.tui.widgets.forms.record_form import field_message
from finconsole.tui.widgets.forms.save_once import SaveOnce
from finconsole.tui.widgets.forms.unsaved import UnsavedWork

PAYMENT_OPTIONS = [(title, key) for key, title in phone_orders.PAYMENTS.items()]
FULFILMENT_OPTIONS = [(s.capitalize(), s) for s in FULFILMENT_STATUSES]
LINE_PARTS = (("product", "Product"), ("quantity", "Quantity"), ("unit_price", "Unit price"))


class NewOrderForm(UnsavedWork, SaveOnce, ModalScreen[dict | None]):
    app = ConsoleApp()

    DEFAULT_CSS = """
    NewOrderForm { align: center middle; }
    NewOrderForm > VerticalScroll {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $panel; padding: 0 1;
    }
    NewOrderForm #order-title { text-style: bold; }
    NewOrderForm .row { height: 1; }
    NewOrderForm .row Label { width: 14; }
    NewOrderForm .line-no { width: 3; }
    NewOrderForm .product { width: 1fr; }
    NewOrderForm .quantity { width: 6; margin: 0 1; }
    NewOrderForm .unit_price { width: 12; }
    NewOrderForm .row Select, NewOrderForm #shipping { width: 1fr; }
    NewOrderForm .error { color: $error; padding-left: 3; height: auto; }
    NewOrderForm .error.-empty { display: none; }
    NewOrderForm #order-sum, NewOrderForm .hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+n", "add_line", "Add line"),
        Binding("escape", "cancel", "Cancel"),
        Binding("f1", "app.help", "Help"),
    ]

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.lines = 1

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("New phone order", id="order-title", markup=False)
            yield Static("  #  Product / Quantity / Unit price € (VAT included)", classes="hint")
            yield from self._line(1)
            with Horizontal(classes="row", id="after-lines"):
                yield Label("Shipping €")
                yield Input("0", id="shipping", compact=True)
            yield Static("", id="error-shipping", classes="error -empty", markup=False)
            with Horizontal(classes="row"):
                yield Label("Payment")
                yield Select(
                    PAYMENT_OPTIONS, value="paid", allow_blank=False, id="payment", compact=True
                )
            with Horizontal(classes="row"):
                yield Label("Fulfilment")
                yield Select(
                    FULFILMENT_OPTIONS,
                    value="unfulfilled",
                    allow_blank=False,
                    id="fulfilment_status",
                    compact=True,
                )
            yield Static("", id="order-sum", markup=False)
            yield Static(
                "ctrl+n add a line   ctrl+s save   esc cancel", classes="hint", markup=False
            )

    def _line(self, n: int) -> ComposeResult:
        row = Horizontal(
            Static(f"{n:>2}", classes="line-no", markup=False),
            Input(id=f"product_{n}", classes="product", compact=True, placeholder="product"),
            Input("1", id=f"quantity_{n}", classes="quantity", compact=True),
            Input(id=f"unit_price_{n}", classes="unit_price", compact=True, placeholder="12,90"),
            classes="row line",
        )
        yield row
        yield Static("", id=f"error-line-{n}", classes="error -empty", markup=False)

    def on_mount(self) -> None:
        self.query_one("#product_1", Input).focus()
        self.call_after_refresh(self.remember_shown)
        self.show_number()

    @work(thread=True, group="order-number")
    def show_number(self) -> None:
        """The number saving will give (another console may take it first: then the next)."""
        try:
            with thread_connection():
                number = phone_orders.preview_number(self.app.user)
        except FinconsoleError as exc:
            self.app.call_from_thread(self.app.say, error_text(exc), error=True)
            return
        title = f"New phone order: {number} (the number is given on saving)"
        self.app.call_from_thread(self.query_one("#order-title", Static).update, title)

    # --- lines and sums ---------------------------------------------------------------------

    async def action_add_line(self) -> None:
        self.lines += 1
        n = self.lines
        await self.query_one(VerticalScroll).mount_all(
            list(self._line(n)), before=self.query_one("#after-lines")
        )
        self.query_one(f"#product_{n}", Input).focus()

    def line_values(self) -> list[dict[str, str]]:
        return [
            {part: self.query_one(f"#{part}_{n}", Input).value for part, _ in LINE_PARTS}
            for n in range(1, self.lines + 1)
        ]

    def on_input_changed(self, event: Input.Changed) -> None:
        self.show_sum()

    def show_sum(self) -> None:
        """The total as typed so far, with the VAT in it (what the caller is told)."""
        total = 0
        for line in self.line_values():
            unit = phone_orders.cents(line["unit_price"])
            qty = line["quantity"].strip()
            if unit is not None and qty.isdigit():
                total += int(qty) * unit
        total += phone_orders.cents(self.query_one("#shipping", Input).value) or 0
        percent = runtime.settings("orders")["vat_percent"]
        vat = phone_orders.vat_in(total, percent)
        text = f"Total {format_money(total)}, of which VAT {percent} %: {format_money(vat)}"
        self.query_one("#order-sum", Static).update(text)

    # --- saving -----------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.begin_save():
            self.save(
                self.line_values(),
                str(self.query_one("#payment", Select).value),
                self.query_one("#shipping", Input).value,
                str(self.query_one("#fulfilment_status", Select).value),
            )

    @work(thread=True, group="order-save")
    def save(self, lines: list[dict[str, str]], payment: str, shipping: str, state: str) -> None:
        try:
            with thread_connection():
                result = phone_orders.create(
                    self.app.user,
                    self.customer_id,
                    lines,
                    payment=payment,
                    shipping=shipping,
                    fulfilment=state,
                )
        except ValidationError as exc:
            self.app.call_from_thread(self.refused, exc.fields)
            return
        except FinconsoleError as exc:
            self.app.call_from_thread(self.failed, error_text(exc))
            return
        self.app.call_from_thread(self.saved, result)

    def saved(self, result: dict[str, Any]) -> None:
        total = format_money(result["total_cents"])
        self.app.say(f"Order {result['order_number']} recorded: {total}.")
        self.dismiss(result)

    def failed(self, message: str) -> None:
        self.save_ended()
        self.app.say(message, error=True)

    def refused(self, errors: dict[str, str]) -> None:
        """Each message under its line or field; the cursor to the first."""
        self.save_ended()
        for box in self.query(".error").results(Static):
            box.update("")
            box.add_class("-empty")
        first = None
        for key, message in errors.items():
            part, _, n = key.rpartition("_")
            if n.isdigit() and part in dict(LINE_PARTS):
                target, label = f"#error-line-{n}", f"Line {n}: {dict(LINE_PARTS)[part]}"
                first = first or f"#{key}"
            else:
                target, label = f"#error-{key}", key.replace("_", " ").capitalize()
                first = first or (f"#{key}" if key in ("shipping", "payment") else None)
            boxes = self.query(target)
            if boxes:
                box = boxes.first(Static)
                previous = str(box.render()) if not box.has_class("-empty") else ""
                line = field_message(label, message)
                box.update(f"{previous}; {line}" if previous else line)
                box.remove_class("-empty")
            else:
                self.app.say(field_message(label, message), error=True)
        self.app.say("Not saved: fix the lines marked in red.", error=True)
        if first:
            self.query_one(first).focus()

    def action_cancel(self) -> None:
        self.leave_asking(lambda: self.dismiss(None))
