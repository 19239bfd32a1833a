"""The officer's tasks: tell a customer of an authority inquiry, inform recipients (Art 19).

``TaskPanel`` is the list itself, so the requests queue can show it at its top; ``TasksScreen``
is the panel on a screen of its own.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from finconsole.core.kernel.text import printable
from finconsole.core.transparency import tasks
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.safe import literal
from finconsole.tui.widgets.keybar import KeyBar
from finconsole.tui.widgets.service_call import call_service


class TaskPanel(Vertical):
    app = ConsoleApp()

    DEFAULT_CSS = """
    TaskPanel { height: auto; max-height: 50%; }
    TaskPanel DataTable { height: auto; max-height: 12; }
    TaskPanel #task-status { height: 1; color: $text-muted; padding: 0 1; }
    TaskPanel #task-detail { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("d", "mark_done", "Mark task done"),
        Binding("o", "open_customer", "Customer"),
        Binding("ctrl+r", "reload", "Reload tasks"),
    ]

    def __init__(self, *, id: str | None = "task-panel", hide_when_empty: bool = False) -> None:
        super().__init__(id=id)
        self.rows: list[dict] = []
        self.hide_when_empty = hide_when_empty  # embedded above another list: no empty box
        self.display = not hide_when_empty  # shown once there is something to do

    def compose(self) -> ComposeResult:
        yield Static("", id="task-status", markup=False)
        yield DataTable(id="tasks", cursor_type="row", zebra_stripes=True)
        yield Static("", id="task-detail", markup=False)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Due", "Task", "Details")
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    def load(self) -> None:
        call_service(self, lambda: tasks.open_tasks(self.app.user), self.show, group="tasks")

    def show(self, rows: list[dict]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            due = row["due"].isoformat() + (" !" if row["overdue"] else "")
            table.add_row(literal(due), literal(row["title"]), literal(row["description"]))
        count = len(rows)
        text = f"{count} open task{'s' if count != 1 else ''}: d marks the selected one done"
        self.query_one("#task-status", Static).update(text if rows else "No open tasks.")
        self.display = bool(rows) or not self.hide_when_empty
        self.show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        """The whole description of the selected task: the table cuts it at 80 columns."""
        task = self.selected()
        self.query_one("#task-detail", Static).update(
            printable(task["description"]) if task else ""
        )

    def selected(self) -> dict | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def action_mark_done(self) -> None:
        task = self.selected()
        if task is None:
            self.app.notify("No task selected.", severity="warning")
            return
        self.complete(task["id"])

    def action_open_customer(self) -> None:
        """The customer a task is about ("Tell customer 1225 ..."), on their own screen."""
        task = self.selected()
        if task is None or task["customer_id"] is None:
            self.app.notify("This task names no customer that can be opened.", severity="warning")
            return
        self.app.open_customer(task["customer_id"])

    def complete(self, task_id: int) -> None:
        call_service(
            self,
            lambda: tasks.mark_done(self.app.user, task_id),
            lambda _: self.load(),
            group="tasks-write",
            exclusive=False,
            done=f"Task {task_id} done.",
        )


class TasksScreen(Screen):
    DEFAULT_CSS = """
    TasksScreen TaskPanel { height: 1fr; max-height: 100%; }
    TasksScreen TaskPanel DataTable { height: 1fr; max-height: 100%; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield TaskPanel()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
