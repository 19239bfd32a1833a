"""A keyboard form for editing one record, with the behaviour every edit screen shares:

- field-level validation messages as you type (after a field was touched) and on save, from
  the same validators the services use, and from ``ValidationError.fields`` the service raises;
- saving in a thread worker; a ``Conflict`` (another console saved meanwhile) shows which fields
  changed and offers Reload (take theirs) or Re-apply (put my values on top of theirs, knowingly)
  - never a silent overwrite.

Subclasses set ``TITLE_TEXT`` and ``FIELDS`` and implement ``initial_values``, ``check``,
``persist`` and (for editing) ``reload``; ``persist`` and ``reload`` run in a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from finconsole.core.kernel.errors import FinconsoleError
from finconsole.core.kernel.text import printable
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.widgets.forms.save_once import SaveOnce
from finconsole.tui.widgets.forms.unsaved import UnsavedWork

T = TypeVar("T")


def known(value: T | None, what: str) -> T:
    """``value``, which an edit form always has once it has read its record (``what`` names
    it); ``FinconsoleError`` if it is missing after all, shown as any other refusal."""
    if value is None:
        raise FinconsoleError(f"this form has no {what}: close it and open the record again")
    return value


def shown(value: Any) -> str:
    """How a stored value appears in a field (control characters made visible)."""
    return "" if value is None else printable(value)


# A message that goes on from the field's name as a sentence ("Email is required"); any other
# stands after a colon ("Tracking code: the check digit of this code is wrong").
_VERBS = {"is", "are", "must", "cannot", "can", "has", "have", "was", "needs", "does", "should"}


def field_message(label: str, message: str) -> str:
    name = label.rstrip(": ")
    first = message.split(" ", 1)[0].lower()
    return f"{name} {message}" if first in _VERBS else f"{name}: {message}"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    choices: tuple[str, ...] = ()  # a Select when set
    placeholder: str = ""


class FormScreen(UnsavedWork, SaveOnce, ModalScreen[dict | None]):
    app = ConsoleApp()

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > VerticalScroll {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $panel; padding: 0 1;
    }
    FormScreen .form-title { text-style: bold; }
    FormScreen .row { height: 1; }
    FormScreen .form-title { margin-bottom: 1; }
    FormScreen .row Label { width: 16; }
    FormScreen .row Input, FormScreen .row Select { width: 1fr; }
    FormScreen .error { color: $error; padding-left: 16; height: auto; }
    FormScreen .error.-empty { display: none; }
    FormScreen .hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
        Binding("f1", "app.help", "Help"),
    ]
    TITLE_TEXT = "Edit"
    FIELDS: tuple[Field, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.version: int | None = None
        self.original: dict[str, Any] = {}
        self.touched: set[str] = set()

    # --- to implement ---------------------------------------------------------------------

    def fields(self) -> tuple[Field, ...]:
        return self.FIELDS

    def initial_values(self) -> dict[str, str]:
        return {f.name: "" for f in self.fields()}

    def check(self, values: dict[str, str]) -> dict[str, str]:
        """Field -> message for every invalid field (pure: no database)."""
        return {}

    def persist(self, values: dict[str, str]) -> dict[str, Any]:
        """Save (worker thread); may raise the services' errors."""
        raise NotImplementedError

    def reload(self) -> dict[str, str] | None:
        """Fresh values from the database (worker thread); sets version and original."""
        return None

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        values = self.initial_values()
        with VerticalScroll():
            yield Static(self.TITLE_TEXT, classes="form-title", markup=False)
            for field in self.fields():
                with Horizontal(classes="row"):
                    yield Label(field.label, markup=False)
                    yield self._widget_for(field, values.get(field.name, ""))
                yield Static("", id=f"error-{field.name}", classes="error -empty", markup=False)
            yield Static("ctrl+s save   esc cancel   tab next field", classes="hint", markup=False)

    def _widget_for(self, field: Field, value: str):
        if field.choices:
            return Select(
                [(c, c) for c in field.choices],
                value=value if value in field.choices else field.choices[0],
                allow_blank=False,
                compact=True,
                id=f"field-{field.name}",
            )
        return Input(
            printable(value),
            placeholder=field.placeholder,
            compact=True,
            id=f"field-{field.name}",
        )

    def on_mount(self) -> None:
        first = self.fields()[0] if self.fields() else None
        if first is not None:
            self.query_one(f"#field-{first.name}").focus()
        self.remember_shown()  # what esc may close without asking

    # --- values and messages --------------------------------------------------------------

    def field_widget(self, name: str) -> Input | Select:
        widget = self.query_one(f"#field-{name}")
        assert isinstance(widget, Input | Select)  # fields are made as one or the other
        return widget

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for field in self.fields():
            widget = self.field_widget(field.name)
            out[field.name] = str(widget.value) if widget.value is not None else ""
        return out

    def set_values(self, values: dict[str, str]) -> None:
        for field in self.fields():
            widget = self.field_widget(field.name)
            value = values.get(field.name, "")
            with widget.prevent(Input.Changed, Select.Changed):
                widget.value = value if not isinstance(widget, Input) else printable(value)

    def show_errors(self, errors: dict[str, str], *, only_touched: bool = False) -> None:
        for field in self.fields():
            message = errors.get(field.name, "")
            if only_touched and field.name not in self.touched:
                message = ""
            box = self.query_one(f"#error-{field.name}", Static)
            box.update(field_message(field.label, message) if message else "")
            box.set_class(not message, "-empty")
        unknown = {k: m for k, m in errors.items() if k not in {f.name for f in self.fields()}}
        if unknown and not only_touched:
            self.app.say("; ".join(f"{k}: {m}" for k, m in unknown.items()), error=True)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._field_changed(event.input.id)

    def on_select_changed(self, event: Select.Changed) -> None:
        self._field_changed(event.select.id)

    def _field_changed(self, widget_id: str | None) -> None:
        if not widget_id or not widget_id.startswith("field-"):
            return
        self.touched.add(widget_id.removeprefix("field-"))
        self.show_errors(self.check(self.values()), only_touched=True)

    # --- saving ---------------------------------------------------------------------------

    def typed_values(self) -> dict[str, Any]:
        """The form's own values (UnsavedWork compares them with those shown)."""
        return self.values()

    def action_cancel(self) -> None:
        """Close; typed changes are thrown away only when the user says so."""
        self.leave_asking(lambda: self.dismiss(None))

    def action_save(self) -> None:
        if self.saving:
            return
        values = self.values()
        errors = self.check(values)
        if errors:
            self._refused(errors)
            return
        self.begin_save()
        self.save_worker(values)

    @work(thread=True, exclusive=True, group="form-save")
    def save_worker(self, values: dict[str, str]) -> None:
        from finconsole.core.kernel.errors import Conflict, FinconsoleError, ValidationError
        from finconsole.core.store.db import thread_connection

        call = self.app.call_from_thread
        if self.app.actor is None:  # the session ended meanwhile: nobody to act as
            return
        try:
            with thread_connection():
                result = self.persist(values)
        except ValidationError as exc:
            call(self._failed_validation, exc.fields)
        except Conflict as exc:
            call(self._conflicted, exc.fields, values)
        except FinconsoleError as exc:
            call(self._failed, str(exc))
        else:
            call(self._saved, result)

    def _saved(self, result: dict[str, Any]) -> None:
        self.save_ended()
        self.app.say(f"{self.TITLE_TEXT}: saved.")
        self.dismiss(result)

    def _failed(self, message: str) -> None:
        self.save_ended()
        self.app.say(message, error=True)

    def _failed_validation(self, errors: dict[str, str]) -> None:
        self.save_ended()
        self._refused(errors)

    def _refused(self, errors: dict[str, str]) -> None:
        """Mark the bad fields and put the cursor on the first: what is typed next fixes it."""
        self.touched.update(errors)
        self.show_errors(errors)
        self.app.say("Not saved: fix the fields marked in red.", error=True)
        bad = next((f for f in self.fields() if f.name in errors), None)
        widget = self.query_one(f"#field-{bad.name}") if bad else None
        if widget is not None and not widget.has_focus:  # focusing selects the field's text
            widget.focus()

    def _conflicted(self, fields: list[str], values: dict[str, str]) -> None:
        self.save_ended()
        self.fetch_theirs(fields, values)

    @work(thread=True, exclusive=True, group="form-save")
    def fetch_theirs(self, fields: list[str], values: dict[str, str]) -> None:
        """What the other person saved, to show beside what this user typed. The form's
        version stays the one it was opened with: only Reload or Re-apply moves it on."""
        from finconsole.core.kernel.errors import FinconsoleError
        from finconsole.core.store.db import thread_connection

        version, original = self.version, dict(self.original)
        try:
            with thread_connection():
                fresh = self.reload() or {}
        except FinconsoleError:
            fresh = {}  # the dialog still names the fields
        finally:
            self.version, self.original = version, original
        self.app.call_from_thread(self._ask_conflict, fields, values, fresh)

    def _ask_conflict(
        self, fields: list[str], values: dict[str, str], fresh: dict[str, str]
    ) -> None:
        from finconsole.tui.widgets.conflict import ConflictDialog

        # Only what this user changed is re-applied; the rest follows the saved record.
        mine = {k: v for k, v in values.items() if v != shown(self.original.get(k))}
        labels = {f.name: f.label.rstrip(": ") for f in self.fields()}
        both = [
            (labels.get(name, name), values.get(name, ""), fresh.get(name, ""))
            for name in fields
            if name in fresh
        ]

        def decided(choice: str | None) -> None:
            if choice in ("reload", "reapply"):
                self.refetch(choice, mine)

        self.app.push_screen(ConflictDialog(fields, both), decided)

    @work(thread=True, exclusive=True, group="form-save")
    def refetch(self, choice: str, mine: dict[str, str]) -> None:
        from finconsole.core.kernel.errors import FinconsoleError
        from finconsole.core.store.db import thread_connection

        try:
            with thread_connection():
                fresh = self.reload()
        except FinconsoleError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._refetched, choice, fresh or {}, mine)

    def _refetched(self, choice: str, fresh: dict[str, str], mine: dict[str, str]) -> None:
        if choice == "reload":
            self.set_values(fresh)
            self.remember_shown()
            self.touched.clear()
            self.show_errors({})
            self.app.say("Reloaded: the form shows what is saved now.")
        else:
            self.set_values({**fresh, **mine})
            self.action_save()
