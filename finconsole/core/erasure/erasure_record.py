"""What an erasure did, rebuilt whenever it is asked for: the reply letter of an erasure made
yesterday, or re-run on a held shell, names everything that was erased, not only what the
last run found left (the search-index entry).

Nothing here holds personal data: the erasure ledger (dates, status, request reference), the
audit trail (which kinds were erased, by event), and the held orders still kept (order
numbers, holds and their dates).
"""

from __future__ import annotations

import os
from pathlib import Path

from finconsole.core.erasure import holds
from finconsole.core.erasure.erasure_letter import KIND_TEXT
from finconsole.core.erasure.result import ERASE, KEEP, ErasureResult, Item
from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import FinconsoleError, NotFound
from finconsole.core.store.models import AuditEvent, Customer, ErasureLedger, Order

ERASING_EVENTS = ("erase_customer", "complete_erasure")


def was_erased(customer_id: int) -> bool:
    return ErasureLedger.select().where(ErasureLedger.customer_id == customer_id).exists()


def result_of(actor: Actor, customer_id: int, *, language: str | None = None) -> ErasureResult:
    """Every erasure of ``customer_id`` so far, as one result: the kinds erased by each run,
    what holds still keep, the first run's date and the ledger's status."""
    permissions.require(actor, "erase_customer")
    rows = list(
        ErasureLedger.select()
        .where(ErasureLedger.customer_id == customer_id)
        .order_by(ErasureLedger.id)
    )
    if not rows:
        raise NotFound(f"customer {customer_id} has not been erased")
    first, last = rows[0], rows[-1]
    shell = Customer.get_or_none(Customer.id == customer_id)
    return ErasureResult(
        customer_id=customer_id,
        status=last.status,
        items=_erased_items(customer_id) + _kept_items(customer_id),
        language=language or (shell.language if shell is not None else "") or "fi",
        completes_on=last.completes_on,
        request_ref=last.request_ref or first.request_ref,
        at=first.erased_at,
    )


def _erased_items(customer_id: int) -> list[Item]:
    counts: dict[str, int] = {}
    events = AuditEvent.select(AuditEvent.fields).where(
        (AuditEvent.customer_id == customer_id) & AuditEvent.action.in_(ERASING_EVENTS)
    )
    for event in events:
        for kind in filter(None, (event.fields or "").split(",")):
            counts[kind.strip()] = counts.get(kind.strip(), 0) + 1
    # in the letter's order; codes it has no words for (order_record) are left out
    return [Item(kind, counts[kind], ERASE) for kind in KIND_TEXT if kind in counts]


def _kept_items(customer_id: int) -> list[Item]:
    today = clock.today()
    items = []
    held = Order.select().where((Order.customer == customer_id) & (Order.restricted == True))  # noqa: E712
    for order in held.order_by(Order.id):
        for hold in holds.active_holds(order, today):
            items.append(Item("order_record", 1, KEEP, hold.code, hold.order_number, hold.until))
    return items


def check_writable(path: str | Path) -> Path:
    """Fail now, before anything is erased, if the letter could not be written to ``path``."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise FinconsoleError(f"cannot write the letter to {target}: it is a folder")
    probe = target.with_name(f".{target.name}.{os.getpid()}.probe")
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise FinconsoleError(
            f"cannot write the letter to {target}: {exc.strerror}; nothing was erased"
        ) from None
    probe.unlink(missing_ok=True)
    return target
