"""A DataTable for one page of rows with fixed column widths.

Textual's DataTable measures every cell of every new row (on idle) to size its columns, even
when each column has a fixed width: for a 200-row page that is ~60 ms, more than the whole
keystroke-to-paint budget. With fixed widths and one-line rows there is nothing to measure, so
this table only updates its virtual size. Any auto-width column falls back to the full work.

``replace_rows`` swaps the whole page at once: ``add_row`` re-validates the cursor (a reactive
with its watchers) and asks for an idle callback once per row, most of the cost of refilling a
200-row page after each keystroke.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import zip_longest
from typing import TypeVar

from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import CellType, RowKey
from textual.widgets.data_table import Row as TableRow

Row = TypeVar("Row")


class PagedTable(DataTable):
    def replace_rows(self, rows: Iterable[Sequence[CellType]]) -> None:
        """``clear()`` then ``add_rows(rows)``, the bookkeeping done once for the page: the
        same rows (one line each, keys generated), cursor and highlight event."""
        self.clear()
        keys = [column.key for column in self.ordered_columns]
        for index, cells in enumerate(rows):
            if len(cells) > len(keys):
                raise ValueError("More values provided than there are columns.")
            row_key = RowKey()
            self._row_locations[row_key] = index
            self._data[row_key] = dict(zip_longest(keys, cells))
            self.rows[row_key] = TableRow(row_key, 1)
            self._new_rows.add(row_key)
        if self.rows:
            self._require_update_dimensions = True
            self.cursor_coordinate = self.cursor_coordinate  # clamped to the new rows
            if keys and self.show_cursor and self.cursor_type != "none":
                self._highlight_cursor()  # as add_row does when the first row arrives
        self._update_count += 1
        self.check_idle()

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
