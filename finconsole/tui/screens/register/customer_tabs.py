"""The customer screen's tabs: their titles and tables, and how a customer's values are shown.

``COLUMNS`` (label and width of each tab table's columns, by the table's id), ``SizedTable``
(a table that sets those columns itself), the tab line, and the formatting helpers the screen
paints with (dates, money, names, table rows, the contact block of the Details tab).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text

from finconsole.core.kernel.text import printable
from finconsole.tui.safe import literal
from finconsole.tui.widgets.paged_table import PagedTable

OBJECTIONS = (("marketing", "m"), ("statistics", "s"), ("profiling", "p"))
# Column label and width; None takes what is left of the terminal's width (long text
# is cut with an ellipsis instead of pushing the table wider than the screen).
COLUMNS: dict[str, tuple[tuple[str, int | None], ...]] = {
    "#addresses": (("Kind", 8), ("Street", None), ("Postcode", 8), ("City", 14), ("Country", 7)),
    "#orders-table": (
        ("Number", None),
        ("Date", 10),
        ("Total", 12),
        ("Invoice", 8),
        ("Collection", 10),
        ("Fulfilment", 11),
    ),
    "#parcels": (
        ("Carrier", 9),
        ("Tracking code", 15),
        ("Status", 11),
        ("Last event", None),
        ("When", 16),
    ),
    "#requests-table": (
        ("Reference", 12),
        ("Kind", None),
        ("Received", 10),
        ("Deadline", 10),
        ("Status", 16),
    ),
    "#disclosures-table": (
        ("Recipient", None),
        ("Kind", 15),
        ("Fields", 16),
        ("Disclosed", 10),
        ("Told", 10),
    ),
}


OFFICER_ONLY = "Disclosures: officer only. Ask the register officer."

TAB_TITLES = (
    ("details", "1 Details"),
    ("orders", "2 Orders"),
    ("requests", "3 Requests"),
    ("disclosures", "4 Disclosures"),
)


def tab_bar(active: str) -> Text:
    """The tab line: one Static instead of Textual's Tabs (a dozen widgets to restyle each
    time the screen comes back)."""
    line = Text(no_wrap=True)
    for name, title in TAB_TITLES:
        line.append(f" {title} ", style="bold reverse" if name == active else "")
        line.append(" ")
    return line


def column_widths(spec: tuple[tuple[str, int | None], ...], total: int) -> list[int]:
    fixed = sum(w for _, w in spec if w)
    spare = max(total - 2 * len(spec) - 2 - fixed, 10)
    return [w if w else spare for _, w in spec]


class SizedTable(PagedTable):
    """A tab's table that sets its own columns (COLUMNS, by its id) when it is mounted.

    The screen used to do it in its own on_mount, querying each table: when the app shut down
    while the prewarmed screen was still being mounted off-stage, the tables were already gone
    and the query raised NoMatches (seen under load in CI)."""

    def on_mount(self) -> None:
        spec = COLUMNS[f"#{self.id}"]
        for (label, _), cells in zip(spec, column_widths(spec, self.app.size.width)):
            self.add_column(label, width=cells)


def fmt_date(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def fmt_time(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def full_name(data: dict[str, Any]) -> str:
    return f"{data.get('first_name', '')} {data.get('last_name', '')}".strip()


def row_of(*values: Any) -> list[Text]:
    return [literal("" if v is None else v) for v in values]


def contact_text(data: dict[str, Any]) -> Text:
    text = Text()
    lines = [
        ("Name", full_name(data)),
        ("Email", data.get("email") or ""),
        ("Phone", data.get("phone_display") or data.get("phone") or ""),
        ("Language", data.get("language") or ""),
        ("Shop id", data.get("shop_ref") or ""),
        ("Customer since", fmt_date(data.get("created_at"))),
        ("Last changed", fmt_time(data.get("updated_at"))),
    ]
    for label, value in lines:
        text.append(f"{label:>15}: ", style="bold")
        text.append(printable(value) + "\n")
    for purpose, key in OBJECTIONS:
        since = data["objections"][purpose]
        state = f"OBJECTS since {fmt_date(since)}" if since else "no objection"
        text.append(f"{purpose.capitalize():>15}: ", style="bold")
        text.append(f"{state}  (key {key})\n", style="bold" if since else "")
    note = data.get("note") or ""
    if note:
        text.append("\n           Note: ", style="bold")
        text.append(printable(note).replace("\\x0a", "\n                 "))
    return text
