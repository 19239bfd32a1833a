"""One parcel: its facts, its event timeline (newest first) and its claims.

``o`` opens a claim, ``i`` records that the customer was told, ``x`` closes the open claim
with an outcome and notes, ``c`` opens the customer. Escape goes back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Header, Input, Label, Select, Static

from finconsole.core.kernel.text import printable
from finconsole.core.parcels import claims, parcels
from finconsole.core.store.db import thread_connection
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.safe import literal, words
from finconsole.tui.widgets.confirm import ConfirmDialog
from finconsole.tui.widgets.errors import SERVICE_ERRORS, error_text
from finconsole.tui.widgets.forms.unsaved import UnsavedWork
from finconsole.tui.widgets.keybar import KeyBar
from finconsole.tui.widgets.service_call import call_service

OUTCOME_LABELS = {
    "found": "Found",
    "delivered_late": "Delivered late",
    "compensated": "Compensated by the carrier",
    "reshipped": "Reshipped",
    "refunded": "Refunded to the customer",
}

# parcels.follow_up's reasons, as the person chasing the carrier says them
FOLLOW_UP = {
    "no_event": "no tracking event for too long",
    "past_expected": "past the expected delivery",
    "pickup_ending": "the pick-up time is running out",
}


def _time(value) -> str:
    if value is None:
        return "-"
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else value.isoformat()


class CloseClaimDialog(UnsavedWork, ModalScreen[tuple[str, str] | None]):
    """Choose the outcome and add notes; returns (outcome, notes) or None."""

    DEFAULT_CSS = """
    CloseClaimDialog { align: center middle; }
    CloseClaimDialog > Vertical {
        width: 64; max-width: 100%; height: auto; border: thick $warning; padding: 1 2;
        background: $panel;
    }
    CloseClaimDialog Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    CloseClaimDialog Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Close claim")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Close the claim: outcome")
            yield Select(
                [(label, key) for key, label in OUTCOME_LABELS.items()],
                id="outcome",
                prompt="Choose the outcome",
            )
            yield Label("Notes")
            yield Input(id="notes", placeholder="what was agreed (optional)")
            with Horizontal():
                yield Button("Cancel (esc)", id="cancel")
                yield Button("Close claim (ctrl+s)", id="save", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#outcome", Select).focus()
        self.call_after_refresh(self.remember_shown)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.leave_asking(lambda: self.dismiss(None))

    def action_save(self) -> None:
        outcome = self.query_one("#outcome", Select).value
        if outcome is Select.BLANK or outcome not in OUTCOME_LABELS:
            self.notify("Choose an outcome first.", severity="warning")
            return
        self.dismiss((str(outcome), self.query_one("#notes", Input).value))


class ParcelScreen(Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    ParcelScreen #parcel-facts { height: auto; padding: 0 1; }
    ParcelScreen #claim-facts { height: auto; padding: 0 1; color: $warning; }
    ParcelScreen #timeline { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("o", "open_claim", "Open claim"),
        Binding("i", "customer_informed", "Customer told"),
        Binding("x", "close_claim", "Close claim"),
        Binding("c", "open_customer", "Customer"),
    ]

    def __init__(self, parcel_id: int) -> None:
        super().__init__()
        self.parcel_id = parcel_id
        self.parcel: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading ...", id="parcel-facts", markup=False)
        yield Static("", id="claim-facts", markup=False)
        yield DataTable(id="timeline", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("When (UTC)", "Status", "Code", "Where", "What")
        self.load()

    @work(thread=True, exclusive=True, group="parcel")
    def load(self) -> None:
        try:
            with thread_connection():
                parcel = parcels.get(self.app.user, self.parcel_id)
        except SERVICE_ERRORS as exc:
            self.app.call_from_thread(self.notify, error_text(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.show, parcel)

    def show(self, parcel: dict[str, Any]) -> None:
        self.parcel = parcel
        follow = parcel["follow_up"]
        # one fact pair a line: at 80 columns one long line broke a date in two
        facts = (
            f"{parcel['carrier_name']} {printable(parcel['tracking_code'])}  order "
            f"{printable(parcel['order_number'])}  status {words(parcel['status'])}\n"
            f"handed over {_time(parcel['shipped_at'])}  expected {_time(parcel['expected_at'])}\n"
            f"last event {_time(parcel['last_event_at'])}"
            f"  pickup until {_time(parcel['pickup_deadline'])}"
            + (f"\nneeds chasing: {FOLLOW_UP.get(follow, follow)}" if follow else "")
        )
        self.query_one("#parcel-facts", Static).update(facts)
        self.query_one("#claim-facts", Static).update(self._claim_text())
        table = self.query_one(DataTable)
        table.clear()
        table.add_rows(
            [
                literal(_time(e["occurred_at"])),
                literal(words(e["status"])),
                literal(e["code"]),
                literal(e["location"]),
                literal(e["description"]),
            ]
            for e in parcel["events"]
        )

    def _claim_text(self) -> str:
        claim = self.open_claim()
        closed = [c for c in (self.parcel or {}).get("claims", []) if c["closed_at"]]
        if claim:
            told = _time(claim["customer_informed_at"])
            text = (
                f"Open claim #{claim['id']}: opened {_time(claim['opened_at'])}, deadline "
                f"{claim['deadline'].isoformat()}, customer told {told}"
            )
        else:
            text = "No open claim (o opens one)."
        if closed:
            last = closed[0]
            text += f"\nLast closed claim #{last['id']}: {OUTCOME_LABELS[last['outcome']]}"
        return text

    def open_claim(self) -> dict[str, Any] | None:
        for claim in (self.parcel or {}).get("claims", []):
            if claim["closed_at"] is None:
                return claim
        return None

    # --- actions ---------------------------------------------------------------------------

    def run_service(self, call: Callable[[], object], message: str) -> None:
        """Run one claim service in a worker, then reload and say what happened."""
        call_service(
            self, call, lambda _: self.load(), group="parcel-write", exclusive=False, done=message
        )

    def action_open_claim(self) -> None:
        if self.parcel is None:
            return
        if self.open_claim():
            self.notify("This parcel already has an open claim.", severity="warning")
            return
        carrier = self.parcel["carrier_name"]

        def answered(yes: bool | None) -> None:
            if yes:
                actor = self.app.user
                self.run_service(lambda: claims.open_claim(actor, self.parcel_id), "Claim opened.")

        self.app.push_screen(
            ConfirmDialog(f"Open a claim with {carrier} for this parcel?", "Open claim"), answered
        )

    def action_customer_informed(self) -> None:
        claim = self.open_claim()
        if claim is None:
            self.notify("There is no open claim.", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                actor = self.app.user
                self.run_service(
                    lambda: claims.record_customer_informed(actor, claim["id"]),
                    "Recorded that the customer was told.",
                )

        self.app.push_screen(
            ConfirmDialog("Record that the customer was told about the claim today?", "Record"),
            answered,
        )

    def action_close_claim(self) -> None:
        claim = self.open_claim()
        if claim is None:
            self.notify("There is no open claim.", severity="warning")
            return

        def chosen(result: tuple[str, str] | None) -> None:
            if result:
                outcome, notes = result
                actor = self.app.user
                self.run_service(
                    lambda: claims.close_claim(actor, claim["id"], outcome, notes),
                    "Claim closed.",
                )

        self.app.push_screen(CloseClaimDialog(), chosen)

    def action_open_customer(self) -> None:
        if self.parcel is None:
            return
        from finconsole.tui.screens.parcels.customer_link import open_customer

        if not open_customer(self.app, self.parcel):
            self.notify("The customer screen is not available.", severity="warning")

    def action_back(self) -> None:
        self.dismiss(None)
