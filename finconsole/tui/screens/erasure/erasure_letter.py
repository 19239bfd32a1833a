"""The reply to an erasure request, as the person will read it: Finnish or English, saved to a
file (mode 0600) for sending. Shown after an erasure on the erasure screen."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from finconsole.core.erasure import erasure, erasure_letter
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.screens.transparency.notice import SavePathDialog
from finconsole.tui.widgets.errors import SERVICE_ERRORS, error_text
from finconsole.tui.widgets.keybar import KeyBar


class ErasureLetterScreen(Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    ErasureLetterScreen #letter-title { height: 1; padding: 0 1; color: $text-muted; }
    ErasureLetterScreen #letter-text { padding: 0 1; }
    """
    BINDINGS = [
        Binding("t", "toggle_lang", "Suomi/English"),
        Binding("s", "save", "Save to file"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, result: erasure.ErasureResult) -> None:
        super().__init__()
        self.result = result
        self.lang = result.language if result.language in ("fi", "en") else "fi"
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="letter-title", markup=False)
        with VerticalScroll(id="letter-scroll"):
            yield Static("", id="letter-text", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#letter-scroll").focus()
        self.show_letter()

    def show_letter(self) -> None:
        self.text = erasure.reply_letter(self.result, self.lang)
        language = "Suomi" if self.lang == "fi" else "English"
        self.query_one("#letter-title", Static).update(
            f"Reply letter, customer #{self.result.customer_id} · {language}"
        )
        self.query_one("#letter-text", Static).update(self.text)

    def action_toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "fi" else "fi"
        self.show_letter()

    def action_save(self) -> None:
        ref = self.result.request_ref or f"customer_{self.result.customer_id}"
        name = f"erasure_reply_{ref}_{self.lang}.txt"
        self.app.push_screen(SavePathDialog(name), self.save_to)

    def save_to(self, path: str | None) -> None:
        if path:
            self.write_file(path, self.text)

    @work(thread=True, group="letter-save")
    def write_file(self, path: str, text: str) -> None:
        try:
            written = erasure_letter.save(text, path)
        except SERVICE_ERRORS as exc:
            self.app.call_from_thread(
                self.app.notify, error_text(exc), severity="error", markup=False
            )
            return
        self.app.call_from_thread(self.app.notify, f"Saved to {written}", markup=False)

    def action_back(self) -> None:
        self.app.pop_screen()
