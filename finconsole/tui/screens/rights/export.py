"""The access / portability export from the console (officer only).

``ExportDialog`` asks for format, language and file; ``perform`` decides what happens with
them: executing an access request (the request is closed) or a plain export from the
customer screen (``export_customer_dialog``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Select

from finconsole.core.kernel.errors import FinconsoleError, ValidationError
from finconsole.core.rights import export
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.widgets.action_dialog import ActionDialog, label
from finconsole.tui.widgets.forms import file_fields

FORMAT_OPTIONS = [("Letter (text)", "text"), ("Machine-readable (JSON)", "json")]
LANG_OPTIONS = [("The customer's language", ""), ("Finnish", "fi"), ("English", "en")]


class ExportDialog(ActionDialog):
    app = ConsoleApp()

    def __init__(
        self,
        title: str,
        perform: Callable[[dict[str, Any]], Any],
        *,
        default_format: str = "text",
        default_name: str = "export",
    ) -> None:
        super().__init__(title, perform, "Write")
        self.default_format = default_format
        self.default_name = default_name

    def fields(self) -> ComposeResult:
        yield label("Format")
        yield Select(
            FORMAT_OPTIONS, value=self.default_format, allow_blank=False, id="format", compact=True
        )
        yield label("Language of the letter")
        yield Select(LANG_OPTIONS, value="", allow_blank=False, id="lang", compact=True)
        yield label("Write to file (mode 0600; a bare name goes to the outbox, for sftp)")
        yield Input(self._default_path(self.default_format), id="path", compact=True)

    def _default_path(self, fmt: str) -> str:
        suffix = ".json" if fmt == "json" else ".txt"
        return file_fields.outbox_suggestion(self.app.config, f"{self.default_name}{suffix}")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "format":
            path = self.query_one("#path", Input)
            if path.value.endswith((".json", ".txt")):
                path.value = str(
                    Path(path.value).with_suffix(".json" if event.value == "json" else ".txt")
                )

    def values(self) -> dict[str, Any]:
        typed = self.query_one("#path", Input).value.strip()
        return {
            "format": self.query_one("#format", Select).value,
            "lang": self.query_one("#lang", Select).value or None,
            # the whole path, so the written file is named in full (a bare name: the outbox)
            "path": self.target(typed),
        }

    def target(self, typed: str) -> str:
        if not typed:
            return ""
        try:
            return str(file_fields.save_target(self.app.config, typed))
        except FinconsoleError:  # the outbox cannot be made: the write says why
            return typed


def export_customer_dialog(actor, customer_id: int) -> ExportDialog:
    """For the customer screen: ``app.push_screen(export_customer_dialog(actor, id), callback)``;
    the callback gets the written path, or None if cancelled."""

    def perform(values: dict[str, Any]) -> Path:
        if not values["path"]:
            raise ValidationError({"path": "give the file to write the export to"})
        return export.write_export(
            actor, customer_id, values["path"], fmt=values["format"], lang=values["lang"]
        )

    return ExportDialog(
        f"Export everything held about customer {customer_id}",
        perform,
        default_name=f"customer-{customer_id}",
    )
