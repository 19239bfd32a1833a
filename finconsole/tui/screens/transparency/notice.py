"""The register description and the record of processing (officer), generated from the
configuration and the schema: view in Finnish, Swedish or English, save to a file."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, Input, Label, Static

from finconsole.core.kernel.errors import FinconsoleError
from finconsole.core.transparency import documents, notice
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.widgets.forms import file_fields
from finconsole.tui.widgets.keybar import KeyBar

LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}


class NoticeScreen(Screen):
    app = ConsoleApp()

    DEFAULT_CSS = """
    NoticeScreen #notice-title { height: 1; padding: 0 1; color: $text-muted; }
    NoticeScreen #notice-text { padding: 0 1; }
    """
    BINDINGS = [
        # Save first and short words: all four keys fit the 80-column key line beside who is
        # logged in (s was cut off); r and m toggle (notice <-> record, text <-> Markdown)
        Binding("s", "save", "Save"),
        Binding("l", "toggle_lang", "fi/sv/en"),
        Binding("r", "toggle_record", "Record"),
        Binding("m", "toggle_format", "Markdown"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lang = "fi"
        self.record = False
        self.fmt = "text"
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="notice-title", markup=False)
        with VerticalScroll(id="notice-scroll"):
            yield Static("", id="notice-text", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#notice-scroll").focus()
        self.refresh_text()

    def refresh_text(self) -> None:
        try:
            self.text = documents.generate(
                self.app.user, lang=self.lang, fmt=self.fmt, record=self.record
            )
        except FinconsoleError as exc:
            self.text = ""
            self.app.notify(str(exc), severity="error", markup=False)
        what = "Record of processing (Art 30)" if self.record else "Privacy notice"
        self.query_one("#notice-title", Static).update(
            f"{what} · {LANGUAGE_NAMES[self.lang]} · {self.fmt}"
        )
        self.query_one("#notice-text", Static).update(self.text)
        self.query_one("#notice-scroll", VerticalScroll).scroll_home(animate=False)

    def _langs(self) -> tuple[str, ...]:
        return notice.RECORD_LANGS if self.record else notice.LANGS

    def action_toggle_lang(self) -> None:
        langs = self._langs()
        self.lang = langs[(langs.index(self.lang) + 1) % len(langs)]
        self.refresh_text()

    def action_toggle_record(self) -> None:
        self.record = not self.record
        if self.lang not in self._langs():  # the record is Finnish or English
            self.lang = self._langs()[0]
        self.refresh_text()

    def action_toggle_format(self) -> None:
        self.fmt = "markdown" if self.fmt == "text" else "text"
        self.refresh_text()

    def default_file_name(self) -> str:
        base = "processing_record" if self.record else "register_description"
        return f"{base}_{self.lang}.{'md' if self.fmt == 'markdown' else 'txt'}"

    def action_save(self) -> None:
        self.app.push_screen(SavePathDialog(self.default_file_name()), self.save_to)

    def save_to(self, path: str | None) -> None:
        if path:
            self.write_file(path, self.text)

    @work(thread=True, group="notice-save")
    def write_file(self, path: str, text: str) -> None:
        try:
            written = documents.save(text, path)
        except FinconsoleError as exc:
            self.app.call_from_thread(self.app.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.app.notify, f"Saved to {written}", markup=False)


class SavePathDialog(ModalScreen[str | None]):
    app = ConsoleApp()
    DEFAULT_CSS = """
    SavePathDialog { align: center middle; }
    SavePathDialog > Vertical {
        width: 70; max-width: 100%; height: auto; border: thick $primary; padding: 1 2;
        background: $panel;
    }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, suggestion: str) -> None:
        super().__init__()
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        # a bare name goes to the account's outbox (sftp: get outbox/NAME); the whole path shown
        config = self.app.config
        with Vertical():
            yield Label("Save to file (Enter saves, Escape cancels; sftp fetches outbox/):")
            yield Input(value=file_fields.outbox_suggestion(config, self.suggestion), id="path")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if not typed:
            self.dismiss(None)
            return
        config = self.app.config
        try:
            self.dismiss(str(file_fields.save_target(config, typed)))
        except FinconsoleError as exc:
            self.notify(str(exc), severity="error", markup=False)

    def action_cancel(self) -> None:
        self.dismiss(None)
