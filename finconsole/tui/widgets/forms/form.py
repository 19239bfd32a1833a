"""One labelled form field with its error line: the service's per-field message appears right
under the field it is about."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from finconsole.core.kernel.text import printable


class FormField(Vertical):
    DEFAULT_CSS = """
    FormField { height: auto; }
    FormField > Horizontal { height: auto; }
    FormField Label { width: 20; padding: 1 1 0 0; }
    FormField Input, FormField Select { width: 1fr; }
    FormField .field-error { color: $error; padding-left: 20; height: auto; display: none; }
    FormField.-invalid .field-error { display: block; }
    FormField.-compact Label { padding: 0 1 0 0; }
    """

    def __init__(
        self,
        name: str,
        label: str,
        *,
        placeholder: str = "",
        value: str = "",
        options: list[tuple[str, str]] | None = None,
        compact: bool = False,
    ) -> None:
        super().__init__(id=f"field-{name}", classes="-compact" if compact else "")
        self.compact = compact
        self.field_name = name
        self.label = label
        self.placeholder = placeholder
        self.initial = value
        self.options = options

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.label, markup=False)
            if self.options is not None:
                yield Select(
                    self.options,
                    id=self.field_name,
                    allow_blank=False,
                    value=self.initial,
                    compact=self.compact,
                )
            else:
                yield Input(
                    value=self.initial,
                    placeholder=self.placeholder,
                    id=self.field_name,
                    compact=self.compact,
                )
        yield Static("", classes="field-error", id=f"error-{self.field_name}", markup=False)

    @property
    def value(self) -> str:
        if self.options is not None:
            return str(self.query_one(Select).value)
        return self.query_one(Input).value

    @value.setter
    def value(self, new: str) -> None:
        if self.options is not None:
            self.query_one(Select).value = new
        else:
            self.query_one(Input).value = new

    def set_error(self, message: str | None) -> None:
        self.query_one(".field-error", Static).update(printable(message or ""))
        self.set_class(bool(message), "-invalid")

    @property
    def error(self) -> str:
        return (
            str(self.query_one(".field-error", Static).render())
            if self.has_class("-invalid")
            else ""
        )


def show_errors(fields: list[FormField], errors: dict[str, str]) -> None:
    """Put each message under its field; clear the others."""
    for field in fields:
        field.set_error(errors.get(field.field_name))
