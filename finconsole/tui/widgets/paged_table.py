"""A DataTable for one page of rows with fixed column widths.

Textual's DataTable measures every cell of every new row (on idle) to size its columns, even
when each column has a fixed width: for a 200-row page that is ~60 ms, more than the whole
keystroke-to-paint budget. With fixed widths and one-line rows there is nothing to measure, so
this table only updates its virtual size. Any auto-width column falls back to the full work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

Row = TypeVar("Row")


class PagedTable(DataTable):
    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        if any(column.auto_width for column in self.columns.values()):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header_height = self.header_height if self.show_header else 0
        self.virtual_size = Size(
            width + self._row_label_column_width, self._total_row_height + header_height
        )


def move_within_page(table: DataTable, forward: bool) -> bool:
    """PageDown/PageUp on a table that holds one page of a longer list: while the focused
    table's cursor is not yet on the page's last (first) row, scroll the table and return True;
    otherwise return False and the caller turns to the next (previous) page. The screen must
    bind the keys with ``priority=True``: DataTable binds them to its own scrolling, which
    would otherwise never let them reach the screen."""
    if not table.has_focus:
        return False
    if forward and table.cursor_row < table.row_count - 1:
        table.action_page_down()
        return True
    if not forward and table.cursor_row > 0:
        table.action_page_up()
        return True
    return False


def row_at_cursor(table: DataTable, rows: Sequence[Row]) -> Row | None:
    """The row of ``rows`` (the table's rows, in order) under the cursor; None when the list is
    empty or the cursor is off it."""
    cursor = table.cursor_row
    if cursor is None or not 0 <= cursor < len(rows):
        return None
    return rows[cursor]
