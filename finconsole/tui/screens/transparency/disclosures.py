"""Disclosures (officer): the list, newest first, and a form to record one. A refused
disclosure shows the rule that stopped it and each message under its field."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from finconsole.core.kernel import clock
from finconsole.core.kernel.errors import FinconsoleError, ValidationError
from finconsole.core.kernel.text import printable
from finconsole.core.store.db import thread_connection
from finconsole.core.transparency import disclosures, withdrawal
from finconsole.core.transparency.disclosures import DisclosureRefused
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.safe import literal
from finconsole.tui.widgets.forms.form import FormField, show_errors
from finconsole.tui.widgets.forms.save_once import SaveOnce
from finconsole.tui.widgets.forms.unsaved import UnsavedWork
from finconsole.tui.widgets.keybar import KeyBar
from finconsole.tui.widgets.paged_table import row_at_cursor
from finconsole.tui.widgets.request_dialogs import TextDialog
from finconsole.tui.widgets.service_call import call_service

KIND_OPTIONS = [(disclosures.KIND_TITLES[k].capitalize(), k) for k in disclosures.KINDS]


class DisclosuresScreen(Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    DisclosuresScreen #disclosures { height: 1fr; }
    DisclosuresScreen #detail { height: auto; max-height: 6; padding: 0 1; }
    """
    BINDINGS = [
        Binding("n", "new", "Record disclosure"),
        Binding("o", "open_customer", "Customer"),
        Binding("w", "withdraw", "Withdraw"),
        Binding("ctrl+r", "reload", "Reload"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Disclosures, newest first. n records a new one.", id="status", markup=False)
        yield DataTable(id="disclosures", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail", markup=False)
        yield KeyBar()

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Date", "Recipient", "Kind", "Customer", "Fields")
        table.focus()
        self.load()

    def action_reload(self) -> None:
        self.load()

    def load(self) -> None:
        call_service(
            self, lambda: disclosures.list_disclosures(self.app.user), self.show, group="list"
        )

    def show(self, rows: list[dict]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for r in rows:
            table.add_row(
                literal(r["disclosed_at"].isoformat()),
                literal(r["recipient_name"]),
                # a withdrawn record says so where its kind stood (the name stays readable)
                literal(
                    "WITHDRAWN"
                    if r["withdrawn_at"]
                    else disclosures.KIND_TITLES[r["recipient_kind"]]
                ),
                literal(r["customer_id"] if r["customer_id"] is not None else "erased"),
                literal(field_names(r["data_fields"])),
            )
        self.show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        """What the table has no room for: basis, notice, court order, who recorded it."""
        row = self.highlighted()
        self.query_one("#detail", Static).update("" if row is None else printable(detail_text(row)))

    def action_new(self) -> None:
        self.app.push_screen(DisclosureForm(), self._reload_if_saved)

    def highlighted(self) -> dict | None:
        return row_at_cursor(self.query_one(DataTable), self.rows)

    def action_open_customer(self) -> None:
        row = self.highlighted()
        if row is None or row["customer_id"] is None:
            self.app.say("No customer to open: the disclosure's customer was erased.", error=True)
            return
        self.app.open_customer(row["customer_id"])

    def action_withdraw(self) -> None:
        """A disclosure recorded by mistake is withdrawn with a reason (audited), not deleted."""
        row = self.highlighted()
        if row is None:
            return
        if row["withdrawn_at"]:
            self.app.say(f"Disclosure {row['id']} is already withdrawn.", error=True)
            return
        ident = row["id"]

        def perform(values: dict) -> dict:
            return withdrawal.withdraw_disclosure(self.app.user, ident, values["text"])

        def done(result: dict | None) -> None:
            if result:
                self.app.say(f"Disclosure {ident} withdrawn.")
                self.load()

        dialog = TextDialog(
            f"Withdraw disclosure {ident}", "Why (recorded by mistake, ...)", perform, "Withdraw"
        )
        self.app.push_screen(dialog, done)

    def _reload_if_saved(self, saved: object) -> None:
        if saved:
            self.load()


def field_names(fields: list[str]) -> str:
    """Field names without their table: "email, first_name"."""
    return ", ".join(name.partition(".")[2] or name for name in fields)


def detail_text(d: dict) -> str:
    parts = [f"Disclosure {d['id']} to {d['recipient_name']}: {', '.join(d['data_fields'])}."]
    if d["customer_told_at"]:
        parts.append(f"Customer told {d['customer_told_at'].isoformat()}.")
    if d["court"]:
        order = d["court_order_date"].isoformat() if d["court_order_date"] else ""
        parts.append(f"Court order: {d['court']} {order} case {d['court_case_number']}.")
    if d["legal_basis"]:
        parts.append(f"Legal basis: {d['legal_basis']}.")
    parts.append(f"Recorded by {d['created_by']}.")
    if d["withdrawn_at"]:
        parts.append(
            f"WITHDRAWN {d['withdrawn_at']:%Y-%m-%d} by {d['withdrawn_by']}: "
            f"{d['withdrawal_reason']}"
        )
    return " ".join(parts)


class DisclosureForm(UnsavedWork, SaveOnce, Screen[bool]):
    app = ConsoleApp()

    DEFAULT_CSS = """
    DisclosureForm #rule { color: $error; height: auto; padding: 0 1; }
    DisclosureForm #hint { color: $text-muted; height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, customer_id: int | None = None) -> None:
        super().__init__()
        self.customer_id = customer_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            f"Debt collection / invoicing: tell the customer at least "
            f"{disclosures.notice_days()} days first. Authority: only on a court order. "
            "Other: a legal basis.",
            id="hint",
            markup=False,
        )
        yield Static("", id="rule", markup=False)
        with VerticalScroll():
            yield from self.fields()
        yield KeyBar()

    def fields(self) -> list[FormField]:
        today = clock.today().isoformat()
        return [
            FormField("customer_id", "Customer id", value=str(self.customer_id or "")),
            FormField("recipient_name", "Recipient"),
            FormField(
                "recipient_email", "Recipient email", placeholder="for Art 19 notices (optional)"
            ),
            FormField(
                "recipient_kind", "Recipient kind", options=KIND_OPTIONS, value="debt_collection"
            ),
            FormField("data_fields", "Data (fields)", placeholder="first_name, last_name, street"),
            FormField("customer_told_at", "Customer told on", placeholder="YYYY-MM-DD"),
            FormField("disclosed_at", "Disclosed on", value=today),
            FormField("legal_basis", "Legal basis"),
            FormField("court", "Court"),
            FormField("court_order_date", "Court order date", placeholder="YYYY-MM-DD"),
            FormField("court_case_number", "Case number"),
        ]

    def on_mount(self) -> None:
        self.query(FormField).first().query_one("Input").focus()
        self.call_after_refresh(self.remember_shown)

    def values(self) -> dict[str, str]:
        return {f.field_name: f.value for f in self.query(FormField)}

    def action_save(self) -> None:
        if self.begin_save():
            self.save(self.values())

    def action_cancel(self) -> None:
        self.leave_asking(lambda: self.dismiss(False))

    @work(thread=True, group="disclosure-save")
    def save(self, data: dict[str, str]) -> None:
        try:
            with thread_connection():
                result = disclosures.record(self.app.user, data)
        except ValidationError as exc:
            self.app.call_from_thread(self.refused, exc)
            return
        except FinconsoleError as exc:
            self.app.call_from_thread(self.failed, str(exc))
            return
        self.app.call_from_thread(self.saved, result)  # closing: no second save after this

    def failed(self, message: str) -> None:
        self.app.notify(message, severity="error", markup=False)
        self.save_ended()

    def refused(self, exc: ValidationError) -> None:
        self.save_ended()
        fields = list(self.query(FormField))
        show_errors(fields, exc.fields)
        first = next((f for f in fields if f.field_name in exc.fields), None)
        if first is not None:  # bring the first message into view
            first.query_one("Input, Select").focus()
        rule = self.query_one("#rule", Static)
        if isinstance(exc, DisclosureRefused):
            rule.update(f"Refused by the rule: {exc.rule}.")
        else:
            rule.update("Check the fields marked below.")

    def saved(self, result: dict) -> None:
        self.app.notify(f"Disclosure {result['id']} recorded.", markup=False)
        self.dismiss(True)
