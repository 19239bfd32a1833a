"""Withdrawing a disclosure or an authority inquiry recorded by mistake (a double save, the
wrong customer). The record stays, marked withdrawn with who, when and why: the audit trail
and the register description's promises are checked against these records, so nothing is
deleted. Its open tasks are closed and its notices not yet sent are cancelled.
"""

from __future__ import annotations

from typing import Any

from finconsole.core.access import audit
from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel import validation as v
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import Conflict, NotFound, ValidationError
from finconsole.core.store.db import write_transaction
from finconsole.core.store.models import (
    AuditEvent,
    AuthorityInquiry,
    Disclosure,
    OutboxMessage,
    Task,
)
from finconsole.core.transparency import disclosures, inquiries


def _reason(value: Any) -> str:
    try:
        text = v.text(value, max_length=500, required=True)
    except v.FieldError as exc:
        raise ValidationError({"reason": str(exc)}) from None
    return text


def withdraw_inquiry(actor: Actor, inquiry_id: int, reason: str) -> dict[str, Any]:
    """Mark an inquiry withdrawn (officer): its open tasks are done, its unsent notices
    cancelled. A second withdrawal is refused (``Conflict``)."""
    permissions.require(actor, "record_inquiry")
    why = _reason(reason)
    with write_transaction():
        inquiry = _withdraw(AuthorityInquiry, "inquiry", inquiry_id, actor, why)
        audit.record(actor, "withdraw_inquiry", "inquiry", inquiry_id, fields=["withdrawn_at"])
        return inquiries.inquiry_dict(inquiry)


def withdraw_disclosure(actor: Actor, disclosure_id: int, reason: str) -> dict[str, Any]:
    """Mark a disclosure withdrawn (officer), as for an inquiry."""
    permissions.require(actor, "record_disclosure")
    why = _reason(reason)
    with write_transaction():
        disclosure = _withdraw(Disclosure, "disclosure", disclosure_id, actor, why)
        audit.record(
            actor,
            "withdraw_disclosure",
            "disclosure",
            disclosure_id,
            customer_id=disclosure.customer_id,
            fields=["withdrawn_at"],
        )
        return disclosures.disclosure_dict(disclosure)


def _withdraw(model: Any, kind: str, record_id: int, actor: Actor, why: str) -> Any:
    """Mark the ``kind`` record (``model``, whose tasks point to it by a field named ``kind``)
    withdrawn, close its open tasks and cancel its unsent notices; the caller audits it."""
    record = model.get_or_none(model.id == record_id)
    if record is None:
        raise NotFound(f"no {kind} with id {record_id}")
    if record.withdrawn_at is not None:
        raise Conflict(
            f"{kind} {record_id} was already withdrawn on {record.withdrawn_at:%Y-%m-%d}"
        )
    record.withdrawn_at = clock.now()
    record.withdrawn_by = actor.username
    record.withdrawal_reason = why
    record.save()
    _close_tasks(getattr(Task, kind) == record_id, actor)
    _cancel_notices(kind, record_id)
    return record


def _close_tasks(which: Any, actor: Actor) -> None:
    Task.update(done_at=clock.now(), done_by=actor.username).where(
        which & Task.done_at.is_null()
    ).execute()


def _cancel_notices(target_type: str, target_id: int) -> None:
    """The notices this record caused that have not gone yet: a mistaken record tells no one."""
    causes = AuditEvent.select(AuditEvent.id).where(
        (AuditEvent.target_type == target_type) & (AuditEvent.target_id == target_id)
    )
    OutboxMessage.update(state="cancelled").where(
        OutboxMessage.audit_event_id.in_(causes) & OutboxMessage.state.in_(["queued", "failed"])
    ).execute()
