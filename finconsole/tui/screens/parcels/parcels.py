"""Parcels: the follow-up queues (in transit, awaiting pickup, suspected lost, open claims).

Keys 1-4 switch queue; PgDn/PgUp (or ] and [) page (keyset pages of 200); Enter opens the customer
(or the parcel when the customer screen is not available); ``t`` opens the parcel and its
timeline; ``r`` applies the lost rule again and reloads.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from finconsole.core.parcels import parcels
from finconsole.core.store.db import thread_connection
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.safe import literal, words
from finconsole.tui.screens.parcels.customer_link import open_customer
from finconsole.tui.widgets.errors import SERVICE_ERRORS, error_text
from finconsole.tui.widgets.keybar import KeyBar
from finconsole.tui.widgets.paged_table import move_within_page

PAGE_SIZE = 200
TITLES = {
    "in_transit": "In transit",
    "awaiting_pickup": "Awaiting pickup",
    "suspected_lost": "Suspected lost",
    "open_claims": "Open claims",
}
SHORT_TITLES = {
    "in_transit": "Transit",
    "awaiting_pickup": "Pickup",
    "suspected_lost": "Lost?",
    "open_claims": "Claims",
}
# The queue's own date right after the order: at 80 columns the long tracking code is what
# runs past the edge (t opens the parcel with it in full), never the date the queue is about.
COLUMNS = ("Customer", "Order", "When", "Status", "Carrier", "Tracking code")
# Below WIDE columns the carrier gives way (the code's own letters tell it, t shows it) so the
# tracking code is never cut: it is what support reads out to the carrier.
WIDE = 100
NARROW_WIDTHS = {"Customer": 14, "Order": 9, "When": 10, "Status": 13, "Tracking code": 22}
WHEN_LABELS = {
    "in_transit": "Last event",
    "awaiting_pickup": "Pick up by",
    "suspected_lost": "Lost since",
    "open_claims": "Claim due",
}


def _when(queue: str, row: dict[str, Any]) -> str:
    """The column the queue is sorted by, as a short date."""
    value = {
        "in_transit": row.get("last_event_at"),
        "awaiting_pickup": row.get("pickup_deadline"),
        "suspected_lost": row.get("lost_since") or row.get("suspected_lost_at"),
        "open_claims": (row.get("claim") or {}).get("deadline"),
    }[queue]
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d") if hasattr(value, "hour") else value.isoformat()


def _count(value: int) -> str:
    return f"{parcels.COUNT_CAP}+" if value > parcels.COUNT_CAP else str(value)


class ParcelsScreen(Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    ParcelsScreen #queues { height: 1; padding: 0 1; background: $boost; }
    ParcelsScreen #parcel-table { height: 1fr; }
    ParcelsScreen #parcels-status { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("1", "show_queue('in_transit')", "In transit"),
        Binding("2", "show_queue('awaiting_pickup')", "Pickup"),
        Binding("3", "show_queue('suspected_lost')", "Lost?"),
        Binding("4", "show_queue('open_claims')", "Claims"),
        Binding("enter", "open_customer", "Customer", show=False),
        Binding("t", "open_parcel", "Parcel"),
        Binding("r", "refresh", "Refresh"),
        # PgDn/PgUp scroll the page, then turn it (as on the Register); ] and [ turn it at once
        Binding("pagedown", "next_page", "Next page", priority=True, show=False),
        Binding("pageup", "previous_page", "Prev page", priority=True, show=False),
        Binding("right_square_bracket", "turn_page(1)", "Next page"),
        Binding("left_square_bracket", "turn_page(-1)", "Prev page"),
    ]

    def __init__(self, queue: str = "in_transit") -> None:
        super().__init__()
        self.queue = queue
        self.pages: list[tuple | None] = [None]  # the keyset start of each page seen
        self.rows: list[dict[str, Any]] = []
        self.counts: dict[str, int] = {}
        self.column_keys: list = []  # of COLUMNS, to relabel "When" for each queue
        self.columns: list[str] = list(COLUMNS)  # those shown at this width

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="queues", markup=False)
        yield DataTable(id="parcel-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="parcels-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        if self.app.size.width < WIDE:
            self.columns = [c for c in COLUMNS if c in NARROW_WIDTHS]
            self.column_keys = [table.add_column(c, width=NARROW_WIDTHS[c]) for c in self.columns]
        else:
            self.columns = list(COLUMNS)
            self.column_keys = table.add_columns(*COLUMNS)
        self.refresh_queues(flag=True)

    # The queues show at once; the lost rule (seconds on a big register) runs after them and
    # the page reloads when it flagged anything.

    # --- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="parcels")
    def refresh_queues(self, flag: bool = False, recount: bool = True) -> None:
        """The current page and (unless only turning a page) the four counts; with ``flag``
        the lost rule runs afterwards."""
        try:
            with thread_connection():
                self._load(recount)
                if flag and parcels.flag_suspected(self.app.user):
                    self._load(recount=True)
        except SERVICE_ERRORS as exc:
            self.app.call_from_thread(self.notify, error_text(exc), severity="error", markup=False)

    def _load(self, recount: bool) -> None:
        rows = parcels.queue(self.app.user, self.queue, after=self.pages[-1], limit=PAGE_SIZE)
        # a page turn keeps the counts shown: four capped COUNTs a keypress would double its cost
        counts = parcels.counts(self.app.user) if recount else self.counts
        self.app.call_from_thread(self.show_rows, counts, rows)

    def show_rows(self, counts: dict[str, int], rows: list[dict[str, Any]]) -> None:
        self.counts, self.rows = counts, rows
        tabs = "  ".join(
            f"{'▶' if name == self.queue else ' '}{i} {title} ({_count(counts.get(name, 0))})"
            for i, (name, title) in enumerate(SHORT_TITLES.items(), start=1)
        )
        self.query_one("#queues", Static).update(tabs)
        table = self.query_one(DataTable)
        table.clear()
        when = self.column_keys[self.columns.index("When")]
        table.columns[when].label = Text(WHEN_LABELS[self.queue])
        table.add_rows([literal(cells[c]) for c in self.columns] for cells in self._cells(rows))
        self.query_one("#parcels-status", Static).update(
            f"{TITLES[self.queue]}: {len(rows)} shown, page {len(self.pages)}"
            " | Enter customer  t parcel  PgDn PgUp pages"
        )
        table.focus()

    def _cells(self, rows: list[dict[str, Any]]):
        for row in rows:
            yield {
                "Customer": row["customer_name"],
                "Order": row["order_number"],
                "When": _when(self.queue, row),
                "Status": words(row["status"]),
                "Carrier": row["carrier_name"],
                "Tracking code": row["tracking_code"],
            }

    # --- actions ---------------------------------------------------------------------------

    def action_show_queue(self, name: str) -> None:
        self.queue = name
        self.pages = [None]
        self.refresh_queues()

    def action_refresh(self) -> None:
        self.refresh_queues(flag=True)

    def action_next_page(self) -> None:
        if not move_within_page(self.query_one(DataTable), forward=True):
            self.action_turn_page(1)

    def action_previous_page(self) -> None:
        if not move_within_page(self.query_one(DataTable), forward=False):
            self.action_turn_page(-1)

    def action_turn_page(self, step: int) -> None:
        if step > 0 and len(self.rows) == PAGE_SIZE:
            self.pages.append(self.rows[-1]["key"])
            self.refresh_queues(recount=False)
        elif step < 0 and len(self.pages) > 1:
            self.pages.pop()
            self.refresh_queues(recount=False)

    def selected(self) -> dict[str, Any] | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_customer()

    def action_open_customer(self) -> None:
        row = self.selected()
        if row is not None and not open_customer(self.app, row):
            self.action_open_parcel()

    def action_open_parcel(self) -> None:
        row = self.selected()
        if row is None:
            return
        from finconsole.tui.screens.parcels.parcel import ParcelScreen

        self.app.push_screen(ParcelScreen(row["id"]), self._refresh_after)

    def _refresh_after(self, _result: object) -> None:
        self.refresh_queues()
