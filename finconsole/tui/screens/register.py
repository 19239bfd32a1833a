"""Register (home): search as you type, a keyset-paged results table, Enter opens the customer.

Each keystroke starts a search in a thread worker; ``exclusive=True`` cancels the older one and
a cancelled worker never paints. The table holds one page (``PAGE_SIZE`` rows), never the whole
register. An empty query lists the most recently updated customers. A query that is exactly an
order number or a tracking code "lands": that customer is listed first and Enter opens them with
the order or parcel highlighted.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.worker import get_current_worker

from finconsole.tui.safe import literal

PAGE_SIZE = 200
MIN_QUERY = 2  # one letter prefix-matches a large part of the register: wait for two
COLUMNS = ("Name", "Email", "Phone", "City", "Last order", "Obj")
# Share of the spare width each column gets, and its minimum width.
WIDTHS = ((0.28, 14), (0.30, 14), (0.16, 13), (0.14, 8), (0.12, 10), (0.0, 4))
FLAG_LETTERS = {"marketing": "M", "statistics": "S", "profiling": "P", "restricted": "R"}


def flag_letters(flags: list[str]) -> str:
    return "".join(FLAG_LETTERS.get(f, "?") for f in flags)


def summary_cells(row: dict[str, Any]) -> list[Text]:
    """One results row. Every cell is a literal Text: customer data is never markup."""
    name = f"{row['last_name']}, {row['first_name']}".strip(", ")
    last = row.get("last_order_at")
    return [
        literal(name),
        literal(row.get("email") or ""),
        literal(row.get("phone") or ""),
        literal(row.get("city") or ""),
        literal(last.strftime("%Y-%m-%d") if last else ""),
        literal(flag_letters(row.get("flags", []))),
    ]


class SearchBox(Input):
    """The search field: Down moves into the results."""

    BINDINGS = [Binding("down", "screen.focus_results", "Results", show=False)]


class RegisterScreen(Screen):
    TITLE_TEXT = "Register"
    HELP_NOTES = (
        "Type a name, email, phone, postcode, order number or tracking code; results follow "
        "as you type. An exact order number or tracking code lands on its customer: Enter "
        "opens them with the order or parcel highlighted.",
        "Obj column: M marketing, S statistics, P profiling objection; R restricted.",
    )
    BINDINGS = [
        # priority: the search box and the table bind PageUp/PageDown to scrolling themselves
        Binding("pagedown", "next_page", "Next page", priority=True),
        Binding("pageup", "previous_page", "Prev page", priority=True, show=False),
        Binding("ctrl+f,slash", "focus_search", "Search"),
        Binding("ctrl+n", "new_customer", "New customer"),
        Binding("enter", "open_selected", "Open", show=False),
        Binding("ctrl+r", "refresh", "Refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.page_starts: list[Any] = [None]  # keyset of each page seen; None = first page
        self.rows: list[dict[str, Any]] = []
        self.landing: dict[str, Any] | None = None
        self.query_text = ""
        self.searches_painted = 0  # for tests and benchmarks: bumped after each paint
        self.cursor_to_end = False  # paging back from the table lands on the page's last row

    def compose(self) -> ComposeResult:
        yield Header()
        yield SearchBox(
            placeholder="Find: name, email, phone, order number, tracking code", id="search"
        )
        yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
        yield Static("", id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in zip(COLUMNS, self._column_widths(self.app.size.width)):
            table.add_column(label, width=width, key=label)
        self.query_one(SearchBox).focus()
        self.start_search(0)

    def on_resize(self) -> None:
        table = self.query_one(DataTable)
        for label, width in zip(COLUMNS, self._column_widths(self.size.width)):
            table.columns[label].width = width
        table.refresh()

    @staticmethod
    def _column_widths(total: int) -> list[int]:
        spare = max(total - 2 * len(COLUMNS) - 2, 0)  # cell padding and the scrollbar
        base = sum(minimum for _, minimum in WIDTHS)
        extra = max(spare - base, 0)
        return [minimum + int(extra * share) for share, minimum in WIDTHS]

    # --- searching ------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.page_starts = [None]
        self.start_search(0)

    def start_search(self, page: int) -> None:
        query = self.query_text.strip()
        if 0 < len(query) < MIN_QUERY:
            query = ""
        self.run_search(query, self.page_starts[page], page)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str, start: Any, page: int) -> None:
        from finconsole.core.db import thread_connection
        from finconsole.core.errors import FinconsoleError

        worker = get_current_worker()
        try:
            with thread_connection():
                rows, landing = self._fetch(query, start)
        except FinconsoleError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.app.say, str(exc), error=True)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self.show_rows, query, page, rows, landing)

    def _fetch(self, query: str, start: Any) -> tuple[list[dict], dict | None]:
        from finconsole.core.services import customers, overview, search

        actor = self.app.actor
        if not query:
            return customers.recent(actor, limit=PAGE_SIZE, before=start), None
        landing = None
        if start is None and any(ch.isdigit() for ch in query):
            landing = overview.locate(actor, query)
        rows = search.search(actor, query, limit=PAGE_SIZE, after_id=start or 0)
        if landing:
            rows = [r for r in rows if r["id"] != landing["customer_id"]]
            rows = customers.summaries([landing["customer_id"]]) + rows
        return rows, landing

    def show_rows(self, query: str, page: int, rows: list[dict], landing: dict | None) -> None:
        table = self.query_one(DataTable)
        table.clear()
        table.add_rows(summary_cells(r) for r in rows)
        self.rows = rows
        self.landing = landing
        if self.cursor_to_end and rows:
            table.move_cursor(row=len(rows) - 1)
        self.cursor_to_end = False
        del self.page_starts[page + 1 :]
        self._show_status(query, page)
        self.searches_painted += 1

    def _show_status(self, query: str, page: int) -> None:
        n = len(self.rows)
        more = " - PgDn for more" if n >= PAGE_SIZE else ""
        if self.landing:
            what = "parcel" if self.landing.get("parcel_id") else "order"
            text = f"The {what} belongs to the first customer: Enter opens it"
        elif not query:
            short = 0 < len(self.query_text.strip()) < MIN_QUERY
            text = ("Type 2+ characters. " if short else "") + "Recently updated customers"
        else:
            text = f"{n} match{'es' if n != 1 else ''}" if n else "No customer matches"
        self.query_one("#status", Static).update(f"{text} (page {page + 1}){more}")

    # --- keys -----------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one(SearchBox).focus()

    def action_focus_results(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            table.focus()

    def _next_start(self) -> Any:
        last = self.rows[-1]
        if self.query_text.strip() and len(self.query_text.strip()) >= MIN_QUERY:
            return max(r["id"] for r in self.rows)
        return (last["updated_at"], last["id"])

    def action_next_page(self) -> None:
        """In the table, PageDown scrolls the page first; at its end (or from the search box)
        it fetches the next page of the register."""
        table = self.query_one(DataTable)
        if table.has_focus and table.cursor_row < table.row_count - 1:
            table.action_page_down()
            return
        if len(self.rows) < PAGE_SIZE:
            self.app.bell()
            return
        page = len(self.page_starts)
        self.page_starts.append(self._next_start())
        self.start_search(page)

    def action_previous_page(self) -> None:
        table = self.query_one(DataTable)
        if table.has_focus and table.cursor_row > 0:
            table.action_page_up()
            return
        if len(self.page_starts) <= 1:
            self.app.bell()
            return
        self.page_starts.pop()
        self.start_search(len(self.page_starts) - 1)
        self.cursor_to_end = table.has_focus

    def action_refresh(self) -> None:
        self.start_search(len(self.page_starts) - 1)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.rows:
            self.open_row(0)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_row(event.cursor_row)

    def action_open_selected(self) -> None:
        table = self.query_one(DataTable)
        if self.rows:
            self.open_row(table.cursor_row if table.has_focus else 0)

    def open_row(self, index: int) -> None:
        if not 0 <= index < len(self.rows):
            return
        from finconsole.tui.screens.customer import CustomerScreen

        row = self.rows[index]
        landing = self.landing if self.landing and self.landing["customer_id"] == row["id"] else {}
        self.app.push_screen(
            CustomerScreen(
                row["id"],
                order_id=landing.get("order_id"),
                parcel_id=landing.get("parcel_id"),
            )
        )

    def action_new_customer(self) -> None:
        from finconsole.tui.screens.customer_edit import CustomerForm

        def created(result: dict | None) -> None:
            if result:
                from finconsole.tui.screens.customer import CustomerScreen

                self.action_refresh()
                self.app.push_screen(CustomerScreen(result["id"]))

        self.app.push_screen(CustomerForm(None), created)
