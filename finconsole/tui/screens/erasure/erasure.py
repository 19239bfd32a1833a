"""Erasure of one customer: the preview (what is erased, what is kept, why, until when), then
the erasure itself after an explicit confirmation. Register officer only: the service refuses
anyone else, and the screen says so instead of offering the key."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from finconsole.core.erasure import erasure
from finconsole.core.erasure.erasure_letter import KIND_SHORT, REASON_SHORT
from finconsole.core.store.db import thread_connection
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.safe import literal
from finconsole.tui.widgets.confirm import ConfirmDialog
from finconsole.tui.widgets.errors import SERVICE_ERRORS, error_text
from finconsole.tui.widgets.keybar import KeyBar

COLUMNS = ("Data", "Action", "Why", "Until")


class ErasureScreen(Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    ErasureScreen #title { padding: 0 1; text-style: bold; }
    ErasureScreen #items { height: 1fr; }
    ErasureScreen #erasure-status { padding: 0 1; height: auto; }
    """
    BINDINGS = [
        Binding("e", "erase", "Erase…"),
        Binding("l", "letter", "Reply letter"),
        Binding("r", "refresh", "Refresh"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, customer_id: int, request_ref: str | None = None) -> None:
        """``request_ref``: the erasure request this closes (from the requests screen)."""
        super().__init__()
        self.customer_id = customer_id
        self.request_ref = request_ref
        self.preview: erasure.ErasureResult | None = None
        self.done = False
        self.result: erasure.ErasureResult | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        title = f"Erasure of customer #{self.customer_id}"
        if self.request_ref:
            title += f" (request {self.request_ref})"
        yield Static(title, id="title", markup=False)
        yield DataTable(id="items", cursor_type="row", zebra_stripes=True)
        yield Static("Loading the preview…", id="erasure-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.action_refresh()

    # --- preview ---------------------------------------------------------------------------

    def action_refresh(self) -> None:
        if not self.done:
            self.load_preview()

    @work(thread=True, exclusive=True, group="erasure")
    def load_preview(self) -> None:
        try:
            with thread_connection():
                result = erasure.preview(self.app.user, self.customer_id)
        except SERVICE_ERRORS as exc:
            self.app.call_from_thread(self.show_error, error_text(exc))
            return
        self.app.call_from_thread(self.show_preview, result)

    def show_preview(self, result: erasure.ErasureResult) -> None:
        self.preview = result
        self.show_items(result)
        if result.kept:
            when = f" from {result.completes_on}" if result.completes_on else " when settled"
            text = f"Press e to erase. Held records are kept restricted and erased{when}."
        else:
            text = "Press e to erase everything now. This cannot be undone."
        self.set_status(text)

    def show_items(self, result: erasure.ErasureResult) -> None:
        """The plan before the erasure ("erase", "keep"), what happened after it."""
        erase, keep = ("erased", "kept") if self.done else ("erase", "keep")
        table = self.query_one(DataTable)
        table.clear()
        for item in result.erased:
            what = KIND_SHORT.get(item.kind, item.kind)
            table.add_row(literal(f"{what} ({item.count})"), literal(erase), literal(""),
                          literal(""))  # fmt: skip
        for item in result.kept:
            until = item.until.isoformat() if item.until else "settled"
            table.add_row(
                literal(f"order {item.ref}: billing data"),
                literal(keep),
                literal(REASON_SHORT.get(item.reason, item.reason)),
                literal(until),
            )

    # --- erasing ---------------------------------------------------------------------------

    def action_erase(self) -> None:
        if self.done or self.preview is None:
            return
        kept = (
            f" {len(self.preview.kept)} held record(s) stay restricted."
            if self.preview.kept
            else ""
        )
        question = f"Erase customer #{self.customer_id} permanently?{kept} This cannot be undone."
        self.app.push_screen(ConfirmDialog(question, "Erase"), self.confirmed)

    def confirmed(self, answer: bool | None) -> None:
        if answer:
            self.set_status("Erasing…")
            self.run_erasure()

    @work(thread=True, exclusive=True, group="erasure")
    def run_erasure(self) -> None:
        try:
            with thread_connection():
                result = erasure.erase(
                    self.app.user, self.customer_id, request_ref=self.request_ref
                )
        except SERVICE_ERRORS as exc:
            self.app.call_from_thread(self.show_error, error_text(exc))
            return
        self.app.call_from_thread(self.show_result, result)

    def show_result(self, result: erasure.ErasureResult) -> None:
        self.done = True
        self.result = result
        self.refresh_bindings()  # e Erase… leaves the key line: there is nothing left to erase
        self.show_items(result)
        if result.status == "complete":
            text = "Erased. Nothing about this customer remains in the register. l: reply letter"
        else:
            when = f" on {result.completes_on}" if result.completes_on else " when settled"
            text = f"Erased in part: held records are restricted, erased{when}. l: letter"
        self.set_status(text)
        self.notify(text, markup=False)
        if not result.permanent:
            from finconsole.tui.widgets import permanence_watch

            permanence_watch.after_erasure(self.app, result.permanence_note)

    def action_letter(self) -> None:
        if self.result is None:
            self.notify("The reply letter is written once the erasure is done.", markup=False)
            return
        from finconsole.tui.screens.erasure.erasure_letter import ErasureLetterScreen

        self.app.push_screen(ErasureLetterScreen(self.result))

    # --- helpers ---------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.set_status(message)
        self.notify(message, severity="error", markup=False)

    def set_status(self, text: str) -> None:
        self.query_one("#erasure-status", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "erase" and self.done:
            return False
        return True

    def action_back(self) -> None:
        # dismiss, not pop: the screen that opened this one (a request) reloads its status
        if len(self.app.screen_stack) > 1:
            self.dismiss(self.result)
