"""Carrier performance (officer): per carrier over a period, a table and a bar chart."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Static
from textual_plotext import PlotextPlot

from finconsole.core.kernel import clock
from finconsole.core.parcels import carrier_stats
from finconsole.core.store.db import thread_connection
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.safe import literal
from finconsole.tui.widgets.errors import SERVICE_ERRORS, error_text
from finconsole.tui.widgets.keybar import KeyBar

DEFAULT_DAYS = 90
LEGEND = "% of parcels: suspected lost (left bar), claimed (right bar)"


def _percent(share: float) -> str:
    return f"{share * 100:.1f} %"


class CarrierPerformanceScreen(Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    CarrierPerformanceScreen #period { height: 3; padding: 0 1; }
    CarrierPerformanceScreen #period Input { width: 18; }
    CarrierPerformanceScreen #period Label { padding: 1 1 0 1; }
    CarrierPerformanceScreen #performance { height: auto; max-height: 12; }
    CarrierPerformanceScreen #chart { height: 1fr; min-height: 8; }
    CarrierPerformanceScreen #performance-status { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("ctrl+r", "reload", "Show period"),
        Binding("ctrl+t", "toggle_chart", "Other chart"),
        Binding("escape", "app.navigate('register')", "Back"),  # as F1 promises
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self.chart = "shares"

    def compose(self) -> ComposeResult:
        today = clock.today()
        yield Header()
        with Horizontal(id="period"):
            yield Label("From")
            since = (today - dt.timedelta(days=DEFAULT_DAYS)).isoformat()
            yield Input(since, id="since", placeholder="YYYY-MM-DD")
            yield Label("to")
            yield Input(today.isoformat(), id="until", placeholder="YYYY-MM-DD")
        yield DataTable(id="performance", cursor_type="row", zebra_stripes=True)
        yield PlotextPlot(id="chart")
        yield Static("", id="performance-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            "Carrier", "Sent", "Delivered", "Median days", "Suspected lost", "Claimed"
        )
        self.action_reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        try:
            since = dt.date.fromisoformat(self.query_one("#since", Input).value.strip())
            until = dt.date.fromisoformat(self.query_one("#until", Input).value.strip())
        except ValueError:
            self.notify("Dates are YYYY-MM-DD.", severity="warning")
            return
        self.load(since, until)

    @work(thread=True, exclusive=True, group="performance")
    def load(self, since: dt.date, until: dt.date) -> None:
        try:
            with thread_connection():
                rows = carrier_stats.performance(self.app.user, since, until)
        except SERVICE_ERRORS as exc:
            self.app.call_from_thread(self.notify, error_text(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.show, rows, since, until)

    def show(self, rows: list[dict[str, Any]], since: dt.date, until: dt.date) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        table.add_rows(
            [
                literal(r["carrier_name"]),
                literal(r["sent"]),
                literal(r["delivered"]),
                literal("-" if r["median_days"] is None else r["median_days"]),
                literal(_percent(r["suspected_lost_share"])),
                literal(_percent(r["claimed_share"])),
            ]
            for r in rows
        )
        self.query_one("#performance-status", Static).update(
            f"Parcels handed over {since} to {until}: {sum(r['sent'] for r in rows)}"
        )
        self.draw()

    def action_toggle_chart(self) -> None:
        """Between median days to delivery and the shares suspected lost / claimed."""
        self.chart = "median" if self.chart == "shares" else "shares"
        self.draw()

    def draw(self) -> None:
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        names = [r["carrier_name"] for r in self.rows]
        if names and self.chart == "median":
            plt.bar(names, [r["median_days"] or 0 for r in self.rows])
            plt.title("Median days to delivery")
        elif names:
            # no plotext legend: it is drawn inside the plot area, over the first bars; the
            # title says which bar is which instead
            plt.multiple_bar(
                names,
                [
                    [round(r["suspected_lost_share"] * 100, 1) for r in self.rows],
                    [round(r["claimed_share"] * 100, 1) for r in self.rows],
                ],
            )
            plt.title(LEGEND)
        else:
            plt.title("No parcels handed over in this period")
        plot.refresh()
