"""The audit trail: who did what to which record, never the values. Hash-chained.

Each event stores the hash of the previous one, so changing, deleting or reordering an event
breaks the chain, which ``verify`` reports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from typing import Any

import peewee as pw

from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.store.db import is_sqlite, write_transaction
from finconsole.core.store.models import AuditEvent, Meta, database

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
    last = getattr(event, "last_customer_id", None)
    if last is not None:
        parts.append(str(last))  # only range events: every other event hashes as before
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
        prev_hash = chain_head()
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
            prev_hash=prev_hash,
        )
        event.hash = _digest(event)
        event.save(force_insert=True)
    return event


def chain_head() -> str:
    """The hash the next event chains to, with the chain locked for this transaction.
    Every writer of audit events (``record``, bulk imports) starts here."""
    _lock_chain_head()
    last = AuditEvent.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).first()
    return last.hash if last else GENESIS


def _lock_chain_head() -> None:
    """On PostgreSQL two consoles could append at once and fork the chain: serialise them."""
    if not is_sqlite():
        database.execute_sql("SELECT pg_advisory_xact_lock(4242001)")


# --- reading the trail -----------------------------------------------------------------------

ANCHOR_KEY = "audit_anchor"  # Meta: prev_hash of the oldest kept event, once old ones are pruned


@dataclass(frozen=True)
class ChainReport:
    """The result of ``verify``: ``broken_id`` is the first event that does not fit the chain."""

    checked: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify(actor: Actor, *, batch: int = 5000) -> ChainReport:
    """Walk the whole chain in id order, a batch at a time.

    A changed event no longer hashes to its stored hash; a deleted or reordered one leaves the
    next event's ``prev_hash`` pointing at something else. Either way the first event that does
    not fit is reported.
    """
    permissions.require(actor, "view_audit")
    anchor = Meta.get_or_none(Meta.key == ANCHOR_KEY)
    expected_prev = anchor.value if anchor else GENESIS
    checked, after = 0, 0
    while True:
        events = list(
            AuditEvent.select().where(AuditEvent.id > after).order_by(AuditEvent.id).limit(batch)
        )
        for event in events:
            if event.prev_hash != expected_prev:
                return ChainReport(checked, event.id, "an earlier event was removed or moved")
            if not isinstance(event.at, dt.datetime) or _digest(event) != event.hash:
                return ChainReport(checked, event.id, "the event was changed")
            expected_prev = event.hash
            checked += 1
        if len(events) < batch:
            return ChainReport(checked)
        after = events[-1].id


def search(
    actor: Actor,
    *,
    username: str | None = None,
    customer_id: int | None = None,
    action: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Events newest first, one keyset page (``before_id`` = the last id of the previous page).

    ``action`` matches a prefix (``login`` finds login, login_failed ...); dates are inclusive.
    """
    permissions.require(actor, "view_audit")
    query = AuditEvent.select()
    if username:
        query = query.where(AuditEvent.actor == username)
    if customer_id is not None:
        query = query.where(about_customer(customer_id))
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if since:
        query = query.where(AuditEvent.at >= dt.datetime.combine(since, dt.time()))
    if until:
        next_day = dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
        query = query.where(AuditEvent.at < next_day)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return [_event_dict(e) for e in query.order_by(AuditEvent.id.desc()).limit(limit)]


MERGE_ACTION = "merge_customer"  # target_id: the record merged away; customer_id: the one kept


def merged_into(customer_id: int) -> list[int]:
    """The customer and every record merged into it, however many merges deep."""
    ids, todo = [customer_id], [customer_id]
    while todo:
        found = [
            row.target_id
            for row in AuditEvent.select(AuditEvent.target_id).where(
                (AuditEvent.action == MERGE_ACTION) & AuditEvent.customer_id.in_(todo)
            )
            if row.target_id is not None and row.target_id not in ids
        ]
        ids += found
        todo = found
    return ids


def about_customer(customer_id: int) -> pw.Expression:
    """Events about one customer: their own, bulk events whose id range covers them, and
    those of records merged into them (the chain is never rewritten to move them)."""
    expressions = [
        (AuditEvent.customer_id == cid)
        | ((AuditEvent.last_customer_id >= cid) & (AuditEvent.customer_id <= cid))
        for cid in merged_into(customer_id)
    ]
    return reduce(operator.or_, expressions)


def customers_text(event: dict[str, Any]) -> str:
    """The customer column of an event as shown: '12', or '12-20011' for a bulk event."""
    first, last = event["customer_id"], event.get("last_customer_id")
    if first is None:
        return ""
    return f"{first}-{last}" if last is not None and last != first else str(first)


def _event_dict(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        # a stored time that is not one (an edited row) shows as empty, never ends the console
        "at": event.at if isinstance(event.at, dt.datetime) else None,
        "actor": event.actor,
        "channel": event.channel,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "customer_id": event.customer_id,
        "last_customer_id": event.last_customer_id,
        "fields": event.fields,
        "outcome": event.outcome,
    }
