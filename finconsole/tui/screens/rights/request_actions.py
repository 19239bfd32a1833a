"""The request keys shared by the list and the detail screen.

A screen mixes in ``RequestActions`` and provides ``selected()`` (the request dict acted on)
and ``reload()``. Support staff see verify only; the officer's keys are hidden from them (and
the services refuse them anyway). Executing dispatches by kind to one method each
(``EXECUTE_FLOWS``): the lead can point "erasure" at the erasure preview screen.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from textual import work
from textual.binding import Binding
from textual.notifications import SeverityLevel

from finconsole.core.kernel import permissions
from finconsole.core.kernel.errors import FinconsoleError
from finconsole.core.rights import requests
from finconsole.core.settings import runtime
from finconsole.core.store.db import thread_connection
from finconsole.tui.console_app import ConsoleApp
from finconsole.tui.safe import words
from finconsole.tui.screens.rights.export import ExportDialog
from finconsole.tui.widgets.confirm import ConfirmDialog
from finconsole.tui.widgets.errors import error_text
from finconsole.tui.widgets.request_dialogs import ExtendDialog, TextDialog, VerifyDialog

OFFICER_ACTIONS = {"extend", "execute", "refuse", "close"}

REQUEST_BINDINGS = [
    Binding("v", "verify", "Verify"),
    Binding("x", "extend", "Extend"),
    Binding("e", "execute", "Execute"),
    Binding("r", "refuse", "Refuse"),
    Binding("c", "close", "Close"),
    Binding("l", "link", "Link"),
    Binding("o", "open_customer", "Customer"),
]

EXECUTE_FLOWS = {
    "objection": "execute_confirmed",
    "restriction": "execute_confirmed",
    "erasure": "execute_erasure",
    "rectification": "execute_with_outcome",
    "access": "execute_export",
    "portability": "execute_export",
}

CONFIRM_QUESTIONS = {
    "objection": "Record the objection to {purpose} for this customer?",
    "restriction": "Restrict processing: the customer is then only stored, hidden from "
    "support and left out of every audience. Go ahead?",
    "erasure": "Erase this customer now? What no law or open case holds is erased "
    "permanently and cannot be restored.",
}


def _erasure_screen() -> type | None:
    try:
        from finconsole.tui.screens.erasure.erasure import ErasureScreen
    except ImportError:
        return None
    params = inspect.signature(ErasureScreen.__init__).parameters
    return ErasureScreen if "request_ref" in params else None


class RequestActions:
    """Mixin for a Screen: verify, extend, execute, refuse, close the selected request."""

    app = ConsoleApp()
    if TYPE_CHECKING:  # the Screen this is mixed into provides it

        def notify(
            self,
            message: str,
            *,
            title: str = "",
            severity: SeverityLevel = "information",
            timeout: float | None = None,
            markup: bool = True,
        ) -> None: ...

    def selected(self) -> dict[str, Any] | None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        actor = self.app.actor
        if actor is None:  # logging out: the key line is redrawn once more before the screen goes
            return False
        if action in OFFICER_ACTIONS:
            return permissions.allowed(actor, "execute_request")
        return True

    def _target(self) -> dict[str, Any] | None:
        req = self.selected()
        if req is None:
            self.notify("No request selected.", severity="warning")
        elif req["status"] in requests.CLOSED_STATUSES:
            self.notify(f"{req['reference']} is already {req['status']}.", severity="warning")
            return None
        return req

    def _after(self, result: dict[str, Any] | None) -> None:
        if result:
            status = words(result["status"])
            self.notify(f"{result['reference']}: {status}", markup=False)
            self.reload()

    def _extended(self, result: dict[str, Any] | None) -> None:
        """An extension leaves the status as it was: say what changed, the deadline."""
        if result:
            due = result["due"].isoformat()
            self.notify(f"{result['reference']}: deadline extended to {due}", markup=False)
            self.reload()

    def action_open_customer(self) -> None:
        req = self.selected()
        if req is None:
            self.notify("No request selected.", severity="warning")
        elif req["customer_id"] is None:
            self.notify("No customer linked yet (l links one).", severity="warning")
        else:
            self.app.open_customer(req["customer_id"])

    def action_verify(self) -> None:
        if req := self._target():
            actor = self.app.user
            perform = lambda v: requests.verify(  # noqa: E731
                actor, req["id"], v["method"], v["verified"], version=req["version"]
            )
            self.app.push_screen(VerifyDialog(req, perform), self._after)

    def action_extend(self) -> None:
        if req := self._target():
            actor = self.app.user
            perform = lambda v: requests.extend(  # noqa: E731
                actor, req["id"], v["months"], v["reason"], v["told_at"], version=req["version"]
            )
            limit = runtime.settings("requests")["max_extension_months"]
            self.app.push_screen(ExtendDialog(req, perform, limit), self._extended)

    def action_refuse(self) -> None:
        if req := self._target():
            actor = self.app.user
            perform = lambda v: requests.refuse(  # noqa: E731
                actor, req["id"], v["text"], version=req["version"]
            )
            title = f"Refuse {req['reference']}"
            dialog = TextDialog(title, "Reason (the person is told it)", perform, "Refuse")
            self.app.push_screen(dialog, self._after)

    def action_close(self) -> None:
        if req := self._target():
            actor = self.app.user
            perform = lambda v: requests.close(  # noqa: E731
                actor, req["id"], v["text"], version=req["version"]
            )
            dialog = TextDialog(
                f"Close {req['reference']}", "Outcome: what was done", perform, "Close"
            )
            self.app.push_screen(dialog, self._after)

    def action_link(self) -> None:
        if req := self._target():
            actor = self.app.user
            perform = lambda v: requests.link_customer(  # noqa: E731
                actor, req["id"], v["text"], version=req["version"]
            )
            title = f"Link {req['reference']} to a customer"
            dialog = TextDialog(
                title, "Customer id (find it on the register screen)", perform, "Link"
            )
            self.app.push_screen(dialog, self._after)

    def action_execute(self) -> None:
        req = self._target()
        if req is None:
            return
        # Said before any dialog opens; the service checks the same again.
        if not req["identity_verified"]:
            self.notify("Verify the person's identity first (v).", severity="warning")
        elif req["customer_id"] is None:
            self.notify("Link the request to a customer first (l).", severity="warning")
        else:
            getattr(self, EXECUTE_FLOWS[req["kind"]])(req)

    # --- one flow per kind ---------------------------------------------------------------

    def execute_confirmed(self, req: dict[str, Any]) -> None:
        question = CONFIRM_QUESTIONS[req["kind"]].format(purpose=req["objection_purpose"])

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_execute(req)

        self.app.push_screen(ConfirmDialog(f"{req['reference']}: {question}"), answered)

    def execute_erasure(self, req: dict[str, Any]) -> None:
        """The erasure area's preview screen when it takes the request, else a confirmation."""
        screen_cls = _erasure_screen()
        if screen_cls is None:
            self.execute_confirmed(req)
            return
        screen = screen_cls(req["customer_id"], request_ref=req["reference"])
        self.app.push_screen(screen, lambda _: self.reload())

    def execute_with_outcome(self, req: dict[str, Any]) -> None:
        actor = self.app.user
        perform = lambda v: requests.execute(  # noqa: E731
            actor, req["id"], version=req["version"], outcome=v["text"]
        )
        dialog = TextDialog(
            f"Rectification {req['reference']}",
            "Edit the customer first; then say what was corrected",
            perform,
            "Done",
        )
        self.app.push_screen(dialog, self._after)

    def execute_export(self, req: dict[str, Any]) -> None:
        actor = self.app.user
        written: dict[str, str] = {}

        def perform(values: dict[str, Any]) -> Any:
            result = requests.execute(actor, req["id"], version=req["version"], **values)
            written["path"] = values["path"]
            return result

        def after(result: Any) -> None:
            self._after(result)
            if result is not None and written:  # the whole path: over SSH, sftp fetches it
                self.app.say(f"Export written to {written['path']}")

        dialog = ExportDialog(
            f"{req['kind'].capitalize()} request {req['reference']}: write the export",
            perform,
            default_format="json" if req["kind"] == "portability" else "text",
            default_name=req["reference"],
        )
        self.app.push_screen(dialog, after)

    @work(thread=True, exclusive=True, group="request-execute")
    def run_execute(self, req: dict[str, Any]) -> None:
        try:
            with thread_connection():
                result = requests.execute(self.app.user, req["id"], version=req["version"])
        except FinconsoleError as exc:
            self.app.call_from_thread(self.notify, error_text(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._after, result)
