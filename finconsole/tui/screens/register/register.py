"""Register (home): search as you type, a keyset-paged results table, Enter opens the customer.

Each keystroke starts a search in a thread worker; ``exclusive=True`` cancels the older one and
a cancelled worker never paints. The table holds one page (``PAGE_SIZE`` rows), never the whole
register. An empty query lists the most recently updated customers. A query that is exactly an
order number or a tracking code "lands": that customer is listed first and Enter opens them with
the order or parcel highlighted.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import Reactive
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey
from textual.worker import get_current_worker

from finconsole.core.kernel.text import printable
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.widgets.keybar import KeyBar
from finconsole.tui.widgets.paged_table import PagedTable, move_within_page

PAGE_SIZE = 200
MIN_QUERY = 2  # one letter prefix-matches a large part of the register: wait for two
COLUMNS = ("Id", "Name", "Email", "Phone", "City", "Last order", "Obj")
# Share of the spare width each column gets, and its minimum width.
WIDTHS = ((0.0, 7), (0.40, 15), (0.25, 12), (0.10, 13), (0.15, 9), (0.10, 10), (0.0, 3))
# Below this width the last order date gives way: the id, the phone's end and the city tell
# three "Virtanen, Anna" apart, a date does not.
WIDE = 92
PHONE = COLUMNS.index("Phone")  # cut from the left: the number's end tells people apart
FLAG_LETTERS = {"marketing": "M", "statistics": "S", "profiling": "P", "restricted": "R"}


def flag_letters(flags: list[str]) -> str:
    return "".join(FLAG_LETTERS.get(f, "?") for f in flags)


def summary_values(row: dict[str, Any]) -> list[str]:
    # a partial erasure leaves a nameless restricted shell: say so, as the customer screen does
    name = f"{row['last_name']}, {row['first_name']}".strip(", ") or "(no name)"
    last = row.get("last_order_at")
    return [
        str(row["id"]),
        name,
        row.get("email") or "",
        row.get("phone") or "",
        row.get("city") or "",
        last.strftime("%Y-%m-%d") if last else "",
        flag_letters(row.get("flags", [])),
    ]


def fit(value: str, width: int, *, keep_end: bool = False) -> str:
    """``value`` made printable and cut (with an ellipsis) or padded to ``width`` cells;
    ``keep_end`` cuts from the left instead (a phone number's end)."""
    if width <= 0:
        return ""
    text = printable(value)
    if cell_len(text) > width:
        if keep_end:
            return "…" + text[len(text) - width + 1 :]
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def line_width(widths: list[int]) -> int:
    shown = [w for w in widths if w > 0]
    return sum(shown) + 2 * (len(shown) - 1)


def line_of(values: list[str], widths: list[int]) -> Text:
    """One results row as one literal line: customer data never becomes markup.

    The table has a single column of pre-laid-out lines, because rendering one cell per row
    is six times cheaper than six: it keeps a keystroke's repaint inside the budget."""
    cells = (
        fit(v, w, keep_end=i == PHONE) for i, (v, w) in enumerate(zip(values, widths)) if w > 0
    )
    return Text("  ".join(cells), no_wrap=True)


class ResultLine:
    """A results row, laid out (``line_of``) when the table first draws it: an 80x24 terminal
    shows 19 rows of a 200-row page, and the rest mostly never."""

    __slots__ = ("row", "widths", "text")

    def __init__(self, row: dict[str, Any], widths: list[int]) -> None:
        self.row = row
        self.widths = widths
        self.text: Text | None = None

    def __rich__(self) -> Text:
        if self.text is None:
            self.text = line_of(summary_values(self.row), self.widths)
        return self.text

    def __str__(self) -> str:
        return self.__rich__().plain


class SearchBox(Input):
    """The search field: Down moves into the results."""

    BINDINGS = [Binding("down", "screen.focus_results", "Results", show=False)]
    # Input sets its virtual size (the text's width, for scrolling long text) on every key,
    # and Widget declares that size as needing a layout: a reflow and repaint of the whole
    # screen per keystroke. The box's own size never changes and it has no scrollbar, so
    # repainting the box is enough (scrolling reads the size itself, not the layout).
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)


class RegisterScreen(Screen):
    app = ConsoleApp()

    TITLE_TEXT = "Register"
    HELP_NOTES = (
        "Type a name, email, phone (or its end, 435 4080), postcode, order number or tracking "
        "code; results follow as you type. An exact order number or tracking code lands on "
        "its customer: Enter opens them with the order or parcel highlighted. #1225 (or "
        "1225) opens customer 1225.",
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
        self.rows_query: str | None = None  # the search the rows on screen answer
        self.open_when_shown = False  # Enter came before the rows of the text typed
        self.searches_painted = 0  # for tests and benchmarks: bumped after each paint
        self.cursor_to_end = False  # paging back from the table lands on the page's last row
        self.fresh_rows = False
        self.keep_id: int | None = None  # a refresh puts the cursor back on this customer
        self.stale_on_resume = False  # see on_screen_suspend
        self.widths: list[int] = []
        self.asked: tuple[str, int] | None = None  # the search last started: (text, page)
        self.answered = False  # its rows are the ones shown
        self.table_shows: tuple[list[dict[str, Any]], list[int]] | None = None  # rows, widths

    def compose(self) -> ComposeResult:
        yield SearchBox(
            placeholder="Find: name, email, phone, order number, tracking code", id="search"
        )
        yield PagedTable(id="results", cursor_type="row", zebra_stripes=True)
        yield Static("", id="status", markup=False)
        yield KeyBar()

    def on_screen_suspend(self) -> None:
        # a full screen on top (a customer, another area) may rename or erase customers; a
        # dialog (help, the palette, the menu) changes nothing, so closing it needs no search
        self.stale_on_resume = not isinstance(self.app.screen, ModalScreen)

    def on_screen_resume(self) -> None:
        if self.searches_painted and self.stale_on_resume:
            self.action_refresh()

    def on_mount(self) -> None:
        self.widths = self._column_widths(self.app.size.width)
        table = self.query_one(DataTable)
        table.add_column(
            line_of(list(COLUMNS), self.widths), width=line_width(self.widths), key="row"
        )
        self.query_one(SearchBox).focus()
        self.start_search(0)

    def on_resize(self) -> None:
        widths = self._column_widths(self.size.width)
        if widths != self.widths:
            self.widths = widths
            column = self.query_one(DataTable).columns[ColumnKey("row")]
            column.label = line_of(list(COLUMNS), widths)
            column.width = line_width(widths)
            self._fill_table()

    @staticmethod
    def _column_widths(total: int) -> list[int]:
        """Each column's width (0: not shown)."""
        specs = list(WIDTHS)
        if total < WIDE:
            specs[COLUMNS.index("Last order")] = (0.0, 0)
        count = sum(1 for _, minimum in specs if minimum)
        spare = max(total - 2 * (count - 1) - 4, 0)  # gaps, padding and the scrollbar
        base = sum(minimum for _, minimum in specs)
        extra = max(spare - base, 0)
        return [minimum + int(extra * share) if minimum else 0 for share, minimum in specs]

    def _fill_table(self) -> None:
        table = self.query_one(PagedTable)
        cursor = table.cursor_row
        # the same rows again (a key that does not change the search: a space, the first
        # letter): the table and its drawn lines stay, only the cursor goes where a refill
        # would put it
        if self.table_shows != (self.rows, self.widths):
            table.replace_rows([ResultLine(r, self.widths)] for r in self.rows)
            self.table_shows = (self.rows, self.widths)
        elif self.fresh_rows and cursor:
            table.move_cursor(row=0)
        kept = next((i for i, r in enumerate(self.rows) if r["id"] == self.keep_id), None)
        if kept is not None:
            table.move_cursor(row=kept)
        elif self.cursor_to_end and self.rows:
            table.move_cursor(row=len(self.rows) - 1)
        elif 0 < cursor < len(self.rows) and not self.fresh_rows:
            table.move_cursor(row=cursor)
        self.cursor_to_end = self.fresh_rows = False
        self.keep_id = None

    # --- searching ------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.open_when_shown = False
        if self.asked == (self.searched_text(), 0):
            # the text searched for is the same (a space after a word, a first letter): no
            # new query; show its rows again (the status follows the text) once they are here
            if self.answered:
                self.show_rows(self.asked[0], 0, self.rows, self.landing)
            return
        self.page_starts = [None]
        self.start_search(0)

    def searched_text(self) -> str:
        """What the search box asks for now, as the search is run with it."""
        query = self.query_text.strip()
        return "" if 0 < len(query) < MIN_QUERY else query

    def start_search(self, page: int) -> None:
        self.asked, self.answered = (self.searched_text(), page), False
        self.run_search(self.searched_text(), self.page_starts[page], page)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str, start: Any, page: int) -> None:
        from finconsole.core.kernel.errors import FinconsoleError
        from finconsole.core.store.db import thread_connection

        worker = get_current_worker()
        if self.app.actor is None:  # the session ended meanwhile
            return
        try:
            with thread_connection():
                rows, landing = self._fetch(query, start)
        except FinconsoleError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._search_failed, str(exc))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self.show_rows, query, page, rows, landing)

    def _search_failed(self, message: str) -> None:
        self.asked = None  # the next key searches again, whatever it types
        self.app.say(message, error=True)

    def _fetch(self, query: str, start: Any) -> tuple[list[dict], dict | None]:
        from finconsole.core.register.overview import register_page

        return register_page(self.app.user, query, start=start, limit=PAGE_SIZE)

    def show_rows(self, query: str, page: int, rows: list[dict], landing: dict | None) -> None:
        self.rows = rows
        self.rows_query = query
        self.answered = self.answered or (query, page) == self.asked
        self.landing = landing
        self.fresh_rows = True
        self._fill_table()
        del self.page_starts[page + 1 :]
        self._show_status(query, page)
        self.searches_painted += 1
        if self.searches_painted == 1:
            self.set_timer(0.2, self.prewarm)
        if self.open_when_shown and query == self.searched_text():
            self.open_when_shown = False
            if self.rows:
                self.open_row(0)

    def prewarm(self) -> None:
        """After the first paint, while the user types: build the customer screen and load
        the modules and data opening a customer needs."""
        from finconsole.tui.screens.register.customer import prewarm

        prewarm(self.app)
        self.warm_modules()

    @work(thread=True, group="prewarm")
    def warm_modules(self) -> None:
        import finconsole.core.kernel.validation as validation
        import finconsole.core.register.overview  # noqa: F401

        validation.format_phone("+358401234567")  # loads the phone metadata

    def _show_status(self, query: str, page: int) -> None:
        n = len(self.rows)
        full = n >= PAGE_SIZE
        where = f" (page {page + 1})" if page else ""
        more = " - PgDn for more" if full else ""
        if self.landing and self.landing.get("by_id"):
            text = f"Customer {self.landing['customer_id']} is the first row: Enter opens them"
        elif self.query_text.strip().startswith("#") and not n and not page:
            text = f"No customer with id {self.query_text.strip()[1:].strip()}"
        elif self.landing:
            what = "parcel" if self.landing.get("parcel_id") else "order"
            text = f"The {what} belongs to the first customer: Enter opens it"
        elif not query:
            short = 0 < len(self.query_text.strip()) < MIN_QUERY
            text = ("Type 2+ characters. " if short else "") + "Recently updated customers"
            text += f" (page {page + 1}){more}"
        elif not page and not full:
            text = f"{n} match{'es' if n != 1 else ''}" if n else "No customer matches"
        elif not n:
            text = f"No more matches{where} - PgUp goes back"
        else:
            # a page holds at most PAGE_SIZE rows: the total is not counted (it would cost a
            # full scan of a common name), so say which rows these are, never "200 matches"
            first = page * PAGE_SIZE + 1
            text = f"Matches {first}–{first + n - 1}{where}{more or ', the last'}"
        self.query_one("#status", Static).update(text, layout=False)  # one line, fixed height

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
        if move_within_page(self.query_one(DataTable), forward=True):
            return
        if len(self.rows) < PAGE_SIZE:
            self.app.bell()
            return
        page = len(self.page_starts)
        self.page_starts.append(self._next_start())
        self.start_search(page)

    def action_previous_page(self) -> None:
        table = self.query_one(DataTable)
        if move_within_page(table, forward=False):
            return
        if len(self.page_starts) <= 1:
            self.app.bell()
            return
        self.page_starts.pop()
        self.start_search(len(self.page_starts) - 1)
        self.cursor_to_end = table.has_focus

    def action_refresh(self) -> None:
        """The same page again, the cursor on the same customer if they are still on it."""
        table = self.query_one(DataTable)
        if table.has_focus and 0 <= table.cursor_row < len(self.rows):
            self.keep_id = self.rows[table.cursor_row]["id"]
        self.start_search(len(self.page_starts) - 1)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter typed right after the text (a fast typist, a paste, a slow link) arrives before
        # that text's results: open its first row once they are shown, never the row of the
        # previous search still on screen
        if self.rows_query != self.searched_text():
            self.open_when_shown = True
            return
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
        from finconsole.tui.screens.register.customer import open_customer

        row = self.rows[index]
        landing = self.landing if self.landing and self.landing["customer_id"] == row["id"] else {}
        open_customer(
            self.app,
            row["id"],
            order_id=landing.get("order_id"),
            parcel_id=landing.get("parcel_id"),
        )

    def action_new_customer(self) -> None:
        from finconsole.tui.screens.register.customer_edit import CustomerForm

        def created(result: dict | None) -> None:
            if result:
                from finconsole.tui.screens.register.customer import open_customer

                self.action_refresh()
                open_customer(self.app, result["id"])

        self.app.push_screen(CustomerForm(None), created)
