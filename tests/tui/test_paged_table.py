"""PagedTable.replace_rows: one step that leaves the table as clear() + add_rows() would."""

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from finconsole.tui.widgets.paged_table import PagedTable

ROWS = [(f"r{i}", str(i)) for i in range(30)]


class Tables(App):
    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[tuple[str, int]] = []

    def compose(self) -> ComposeResult:
        for name in ("slow", "fast"):
            table = PagedTable(id=name, cursor_type="row")
            table.add_column("name", width=6)
            table.add_column("n", width=4)
            yield table

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.highlighted.append((event.data_table.id or "", event.cursor_row))


def _shown(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_replace_rows_leaves_what_clear_and_add_rows_leave():
    app = Tables()
    async with app.run_test(size=(40, 30)) as pilot:
        slow, fast = app.query_one("#slow", PagedTable), app.query_one("#fast", PagedTable)
        for rows in (ROWS, ROWS[:3], [], ROWS[5:]):
            slow.move_cursor(row=2)
            fast.move_cursor(row=2)
            slow.clear()
            slow.add_rows(rows)
            fast.replace_rows(rows)
            await pilot.pause()
            assert _shown(fast) == _shown(slow) == [list(r) for r in rows]
            assert fast.cursor_row == slow.cursor_row == 0
            assert fast.virtual_size == slow.virtual_size
        # the highlight event of the first row arriving, as add_row posts it
        fast_events = [row for name, row in app.highlighted if name == "fast"]
        assert fast_events == [row for name, row in app.highlighted if name == "slow"] != []
        fast.move_cursor(row=7)
        await pilot.pause()
        assert fast.cursor_row == 7


async def test_replace_rows_refuses_a_row_wider_than_the_columns():
    app = Tables()
    async with app.run_test(size=(40, 30)):
        table = app.query_one("#fast", PagedTable)
        try:
            table.replace_rows([("a", "b", "c")])
        except ValueError:
            return
        raise AssertionError("a row of three cells in a table of two columns was accepted")
