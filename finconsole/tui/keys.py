"""The keys of the screen in front, as (key, description, node, action) rows.

Help (F1/?) and the command palette both read them from ``Screen.active_bindings``, so what
they list is exactly what the keyboard does now: role-hidden actions (``check_action`` ->
False) never appear.
"""

from __future__ import annotations

from typing import NamedTuple

from textual.dom import DOMNode
from textual.screen import Screen


class KeyRow(NamedTuple):
    key: str
    description: str
    node: DOMNode
    action: str


def screen_keys(screen: Screen, *, include_widgets: bool = False) -> list[KeyRow]:
    """Keys of ``screen`` and the app (and of the focused widget when asked), described ones."""
    app = screen.app
    rows: list[KeyRow] = []
    seen: set[tuple[str, str]] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or not active.enabled:
            continue
        if not include_widgets and active.node not in (screen, app):
            continue
        if (binding.description, binding.action) in seen:
            continue
        seen.add((binding.description, binding.action))
        rows.append(KeyRow(display_key(app, key), binding.description, active.node, binding.action))
    return rows


def display_key(app, key: str) -> str:
    try:
        return app.get_key_display(_binding_for(key))
    except Exception:  # noqa: BLE001 - a display nicety must never break help
        return key


def _binding_for(key: str):
    from textual.binding import Binding

    return Binding(key, "", "")
