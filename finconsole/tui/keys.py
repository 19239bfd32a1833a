"""The keys of the screen in front, as (key, description, node, action) rows.

Help (F1/?) and the command palette both read them from ``Screen.active_bindings``, so what
they list is exactly what the keyboard does now: role-hidden actions (``check_action`` ->
False) never appear.
"""

from __future__ import annotations

from typing import NamedTuple

from textual.actions import parse
from textual.dom import DOMNode
from textual.screen import Screen


class KeyRow(NamedTuple):
    key: str
    description: str
    node: DOMNode
    action: str


def screen_keys(
    screen: Screen, *, include_widgets: bool = False, shown_only: bool = False
) -> list[KeyRow]:
    """Keys of ``screen`` and the app (and of the focused widget when asked), described ones;
    with ``shown_only`` only those meant for the key line (``Binding.show``)."""
    app = screen.app
    rows: list[KeyRow] = []
    seen: set[tuple[str, str]] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or not active.enabled or (shown_only and not binding.show):
            continue
        if not include_widgets and active.node not in (screen, app):
            continue
        if (binding.description, binding.action) in seen:
            continue
        seen.add((binding.description, binding.action))
        rows.append(KeyRow(display_key(app, key), binding.description, active.node, binding.action))
    return rows + _shadowed_screen_keys(screen, seen, shown_only)


def _shadowed_screen_keys(
    screen: Screen, seen: set[tuple[str, str]], shown_only: bool
) -> list[KeyRow]:
    """Keys the screen binds that the focused widget binds too (Enter on a list: the table
    selects the row, the screen opens it). ``active_bindings`` keeps only the widget's, which
    has no description, so the screen's key vanished from the help and the palette."""
    rows: list[KeyRow] = []
    active = screen.active_bindings
    for key, bindings in screen._bindings.key_to_bindings.items():  # the screen's own BINDINGS
        holder = active.get(key)
        if holder is None or holder.node is screen or holder.node is screen.app:
            continue
        for binding in bindings:
            _, name, params = parse(binding.action)
            if not binding.description or screen.check_action(name, params) is False:
                continue
            if shown_only and not binding.show:
                continue
            if (binding.description, binding.action) not in seen:
                seen.add((binding.description, binding.action))
                rows.append(KeyRow(display_key(screen.app, key), binding.description, screen,
                                   binding.action))  # fmt: skip
    return rows


def display_key(app, key: str) -> str:
    try:
        return app.get_key_display(_binding_for(key))
    except Exception:  # noqa: BLE001 - a display nicety must never break help
        return key


def _binding_for(key: str):
    from textual.binding import Binding

    return Binding(key, "", "")
