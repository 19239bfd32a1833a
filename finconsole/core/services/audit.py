"""The audit trail: who did what to which record, never the values. Hash-chained.

Each event stores the hash of the previous one, so changing, deleting or reordering an event
breaks the chain, which ``verify`` reports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from finconsole.core import clock
from finconsole.core.actor import Actor
from finconsole.core.db import is_sqlite, write_transaction
from finconsole.core.models import AuditEvent, database

GENESIS = "0" * 64


def _digest(event: AuditEvent) -> str:
    parts = [
        event.prev_hash,
        event.at.isoformat(timespec="microseconds"),
        event.actor,
        event.channel,
        event.action,
        event.target_type,
        "" if event.target_id is None else str(event.target_id),
        "" if event.customer_id is None else str(event.customer_id),
        event.fields,
        event.outcome,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def record(
    actor: Actor,
    action: str,
    target_type: str = "",
    target_id: int | None = None,
    *,
    customer_id: int | None = None,
    fields: Iterable[str] = (),
    outcome: str = "ok",
) -> AuditEvent:
    """Append one event. Call inside the service's transaction so both commit together."""
    with write_transaction():
        _lock_chain_head()
        last = AuditEvent.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).first()
        event = AuditEvent(
            at=clock.now(),
            actor=actor.username,
            channel=actor.channel,
            action=action,
            target_type=target_type,
            target_id=target_id,
            customer_id=customer_id,
            fields=",".join(sorted(set(fields))),
            outcome=outcome,
            prev_hash=last.hash if last else GENESIS,
        )
        event.hash = _digest(event)
        event.save(force_insert=True)
    return event


def _lock_chain_head() -> None:
    """On PostgreSQL two consoles could append at once and fork the chain: serialise them."""
    if not is_sqlite():
        database.execute_sql("SELECT pg_advisory_xact_lock(4242001)")
