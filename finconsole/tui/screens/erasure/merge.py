"""Merge a duplicate into the customer on screen (officer only).

``M`` on the customer screen asks for the other record's id (``#1225`` or ``1225``), shows what
would move and the objections after the merge, and merges only on an explicit yes. The other
record is deleted for good, so the question names both ids.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input

from finconsole.core.erasure import merge
from finconsole.core.kernel.errors import ValidationError
from finconsole.tui.widgets.action_dialog import ActionDialog, label

MOVE_WORDS = {
    "orders": "order(s) with their parcels",
    "addresses": "address(es)",
    "requests": "request(s)",
    "disclosures": "disclosure(s)",
    "tasks": "task(s)",
    "inquiries": "authority inquiry subject(s)",
}


def parse_id(text: str) -> int:
    raw = text.strip().removeprefix("#")
    if not raw.isdigit():
        raise ValidationError({"other": "type the other customer's id, e.g. 1225"})
    return int(raw)


class MergeDialog(ActionDialog):
    """Asks for the other customer; dismisses with the merge preview (nothing written yet)."""

    def __init__(self, actor: Any, keep_id: int) -> None:
        def perform(values: dict[str, Any]) -> dict[str, Any]:
            return merge.preview(actor, keep_id, parse_id(values["other"]))

        super().__init__(f"Merge a duplicate into customer #{keep_id}", perform, "Preview")

    def fields(self) -> ComposeResult:
        yield label("Id of the other customer (it is merged into this one, then deleted)")
        yield Input("", id="other", placeholder="e.g. 1225", compact=True)

    def values(self) -> dict[str, Any]:
        return {"other": self.query_one("#other", Input).value}


def question(seen: dict[str, Any]) -> str:
    moves = [f"{n} {MOVE_WORDS[k]}" for k, n in seen["moves"].items() if n]
    objecting = [p for p, at in seen["objections"].items() if at]
    return (
        f"Merge customer #{seen['other_id']} into #{seen['keep_id']}?\n"
        f"Moves: {', '.join(moves) or 'nothing but the name and contact details it adds'}.\n"
        f"Objections afterwards: {', '.join(objecting) or 'none'}.\n"
        f"Customer #{seen['other_id']} is then deleted for good."
    )


def start_merge(app: Any, keep_id: int, merged: Callable[[], None]) -> None:
    """The whole flow: ask for the id, show the preview, merge on yes; ``merged`` after."""
    from finconsole.tui.widgets.confirm import ConfirmDialog

    def previewed(seen: dict[str, Any] | None) -> None:
        if seen:
            app.push_screen(ConfirmDialog(question(seen), "Merge"), confirmed(seen))

    def confirmed(seen: dict[str, Any]) -> Callable[[bool | None], None]:
        def answer(yes: bool | None) -> None:
            if yes:
                app.run_worker(
                    lambda: _merge(app, seen, merged), thread=True, group="customer-write"
                )

        return answer

    app.push_screen(MergeDialog(app.user, keep_id), previewed)


def _merge(app: Any, seen: dict[str, Any], merged: Callable[[], None]) -> None:
    from finconsole.core.kernel.errors import FinconsoleError
    from finconsole.core.store.db import thread_connection

    try:
        with thread_connection():
            merge.merge(app.user, seen["keep_id"], seen["other_id"])
    except FinconsoleError as exc:
        app.call_from_thread(app.say, str(exc), error=True)
        return
    app.call_from_thread(app.say, f"Customer #{seen['other_id']} merged into #{seen['keep_id']}.")
    app.call_from_thread(merged)
