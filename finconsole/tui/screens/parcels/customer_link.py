"""From a parcel (a queue row or the parcel screen) to its customer, landing on its order."""

from __future__ import annotations

import importlib
from typing import Any

CUSTOMER_SCREEN = "finconsole.tui.screens.register.customer:CustomerScreen"


def customer_screen_class():
    """The console engineer's customer screen, when it is installed."""
    module, _, name = CUSTOMER_SCREEN.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def open_customer(app, row: dict[str, Any]) -> bool:
    """Push the customer screen on the row's order and parcel; False when there is none."""
    screen_cls = customer_screen_class()
    if screen_cls is None:
        return False
    try:
        screen = screen_cls(row["customer_id"], order_id=row["order_id"], parcel_id=row["id"])
    except TypeError:  # a customer screen that cannot land on an order
        screen = screen_cls(row["customer_id"])
    app.push_screen(screen)
    return True
