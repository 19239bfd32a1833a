"""The audit trail: who did what to which record, never the values. Hash-chained, keyed.

Each event stores the hash of the previous one, so changing, deleting or reordering an event
breaks the chain, which ``verify`` reports. The hashes are HMAC-SHA256 under a key derived
from the key file (``meta.audit_chain`` says so): whoever can write the database but lacks the
key file cannot recompute a chain after an edit. The ends of the chain (first and last event)
are kept outside the database, in a checkpoint file next to the key (``audit_head``), so that
cutting events off either end, or all of them, is found too.

A chain from before #16 (plain SHA-256) is verified and re-hashed under the key at the first
start with the key (``upgrade_chain``), audited; a broken one is left as it is, for ``verify``
to report.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from pathlib import Path
from typing import Any

import peewee as pw
from peewee import sqlite3  # type: ignore[attr-defined]  # pysqlite3 when installed

from finconsole.core.access import audit_head, keyring
from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import FinconsoleError, ValidationError
from finconsole.core.settings import keys, runtime
from finconsole.core.store import meta
from finconsole.core.store.db import after_commit, is_sqlite, write_transaction
from finconsole.core.store.models import AuditEvent, Meta, database

GENESIS = "0" * 64
CHAIN_KEY = "audit_chain"  # Meta: present when the chain is keyed (HMAC under the key file)
KEYED = "hmac-sha256"


def chain_key(master: bytes | None = None) -> bytes:
    """The audit chain's key, derived from the key file (or from ``master``)."""
    return keys.subkey(master or runtime.master_key(), "audit")


def is_keyed() -> bool:
    """True when the chain is keyed, or empty (its first event will be)."""
    if Meta.select().where(Meta.key == CHAIN_KEY).exists():
        return True
    return not AuditEvent.select().exists()


def digest(event: Any, key: bytes | None) -> str:
    """The hash of one event (a model or any object with its attributes) chained to its
    ``prev_hash``: HMAC under ``key``; plain SHA-256 for a chain from before #16 (None)."""
    message = event_message(event)
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def event_message(event: Any) -> bytes:
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
    return "\x1f".join(parts).encode()


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
        prev_hash, key = chain_start()
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
        event.hash = digest(event, key)
        event.save(force_insert=True)
    return event


def chain_start() -> tuple[str, bytes | None]:
    """The hash the next event chains to and the key to hash it with, the chain locked for
    this transaction; the checkpoint file is brought up to date once it commits. Every
    writer of audit events (``record``, bulk imports) starts here."""
    _lock_chain_head()
    # every audited write comes here: one read of both flags, and none under an old key
    wanted = Meta.key.in_([keyring.FINGERPRINT_KEY, CHAIN_KEY])
    flags: dict[str, str] = {row.key: row.value for row in Meta.select().where(wanted)}
    keyring.ensure_still_current(flags.get(keyring.FINGERPRINT_KEY))
    last = AuditEvent.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).first()
    keyed = CHAIN_KEY in flags
    if last is None and not keyed:
        meta.put(CHAIN_KEY, KEYED)  # a new chain is keyed from its first event
        keyed = True
    after_commit(write_checkpoint)
    return (last.hash if last else GENESIS), (chain_key() if keyed else None)


def chain_head() -> str:
    """The hash the next event chains to (see ``chain_start``)."""
    return chain_start()[0]


def chain_ends() -> tuple[tuple[int, str] | None, tuple[int, str] | None]:
    """(first event's id and prev_hash, last event's id and hash), None for an empty chain."""
    first = AuditEvent.select(AuditEvent.id, AuditEvent.prev_hash).order_by(AuditEvent.id).first()
    last = AuditEvent.select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).first()
    return (
        (first.id, first.prev_hash) if first else None,
        (last.id, last.hash) if last else None,
    )


def write_checkpoint() -> None:
    """Write the committed chain's ends to the checkpoint file (read now: what committed).

    Runs after the commit: a failure here (a full disk, a read-only folder) must not make a
    done operation look failed, so it leaves the checkpoint behind, which proves less but is
    never wrong.
    """
    try:
        first, last = chain_ends()
        audit_head.write(first, last, chain_key(), clock.now().isoformat())
    except (OSError, FinconsoleError, pw.DatabaseError):
        pass


class ChainBroken(FinconsoleError):
    """The chain does not verify: re-keying it would hide where it was changed."""


def rehash_chain(new_master: bytes, old_master: bytes) -> int:
    """Verify the chain under its key (``old_master``'s, or plain SHA-256 for a chain from
    before #16) and hash it again under ``new_master``'s, in the caller's transaction.
    Returns the events re-hashed; raises ``ChainBroken`` (nothing changed) if it does not
    verify."""
    _lock_chain_head()
    keyed = Meta.select().where(Meta.key == CHAIN_KEY).exists()
    old_key, new_key = (chain_key(old_master) if keyed else None), chain_key(new_master)
    anchor = Meta.get_or_none(Meta.key == ANCHOR_KEY)
    old_prev = new_prev = anchor.value if anchor else GENESIS
    updates: list[tuple[str, str, int]] = []
    for event in AuditEvent.select().order_by(AuditEvent.id).iterator():
        if event.prev_hash != old_prev or not isinstance(event.at, dt.datetime):
            raise ChainBroken(_broken_text(event.id))
        if digest(event, old_key) != event.hash:
            raise ChainBroken(_broken_text(event.id))
        old_prev = event.hash
        event.prev_hash = new_prev
        new_prev = digest(event, new_key)
        updates.append((event.prev_hash, new_prev, event.id))
    marks = "%s" if database.param == "%s" else "?"
    for start in range(0, len(updates), 5000):
        database.cursor().executemany(
            f"UPDATE audit_event SET prev_hash = {marks}, hash = {marks} WHERE id = {marks}",
            updates[start : start + 5000],
        )
    meta.put(CHAIN_KEY, KEYED)
    after_commit(write_checkpoint)
    return len(updates)


def _broken_text(event_id: int) -> str:
    return (
        f"the audit trail is broken at event {event_id}: it was not re-keyed, which would "
        "hide that ('finconsole audit verify' shows where)"
    )


def upgrade_chain() -> int:
    """A chain from before #16 (plain SHA-256) re-hashed under the key file, once, audited.
    A broken one is left as it is (``verify`` reports it). Returns the events re-hashed."""
    if is_keyed():
        return 0
    master = runtime.master_key()
    try:
        with write_transaction():
            if is_keyed():
                return 0  # another process did it meanwhile
            count = rehash_chain(master, master)
            record(Actor.system(), "rekey_audit_chain", "database", fields=["audit_event"])
    except ChainBroken:
        return 0
    return count


def _lock_chain_head() -> None:
    """On PostgreSQL two consoles could append at once and fork the chain: serialise them."""
    if not is_sqlite():
        database.execute_sql("SELECT pg_advisory_xact_lock(4242001)")


# --- reading the trail -----------------------------------------------------------------------

ANCHOR_KEY = "audit_anchor"  # Meta: prev_hash of the oldest kept event, once old ones are pruned


@dataclass(frozen=True)
class ChainReport:
    """The result of ``verify``: ``broken_id`` is the first event that does not fit the chain
    (0 when the chain's end is missing: events cut off, or all of them)."""

    checked: int
    broken_id: int | None = None
    reason: str = ""
    keyed: bool = True
    checkpoint: str = ""  # what the chain was compared with, for the report

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify(actor: Actor, *, batch: int = 5000) -> ChainReport:
    """Walk the whole chain in id order, a batch at a time, then compare its ends with the
    checkpoint file.

    A changed event no longer hashes to its stored hash (and without the key file nobody can
    recompute it); a deleted or reordered one leaves the next event's ``prev_hash`` pointing at
    something else; events cut off either end, or all of them, no longer match the checkpoint.
    The first event that does not fit is reported.
    """
    permissions.require(actor, "view_audit")
    keyed = Meta.select().where(Meta.key == CHAIN_KEY).exists()
    walked = _walk(chain_key() if keyed else None, batch)
    if isinstance(walked, ChainReport):
        return ChainReport(walked.checked, walked.broken_id, walked.reason, keyed)
    checked, first, last = walked
    if not keyed and checked:
        return ChainReport(checked, None, "", False, "unkeyed chain from before #16")
    return compare_with_checkpoint(checked, first, last)


def _walk(key: bytes | None, batch: int) -> ChainReport | tuple:
    anchor = Meta.get_or_none(Meta.key == ANCHOR_KEY)
    expected_prev = anchor.value if anchor else GENESIS
    checked, after = 0, 0
    first = last = None
    while True:
        events = list(
            AuditEvent.select().where(AuditEvent.id > after).order_by(AuditEvent.id).limit(batch)
        )
        for event in events:
            if event.prev_hash != expected_prev:
                return ChainReport(checked, event.id, "an earlier event was removed or moved")
            if not isinstance(event.at, dt.datetime) or digest(event, key) != event.hash:
                return ChainReport(checked, event.id, "the event was changed")
            first = first or (event.id, event.prev_hash)
            last = (event.id, event.hash)
            expected_prev = event.hash
            checked += 1
        if len(events) < batch:
            return checked, first, last
        after = events[-1].id


def compare_with_checkpoint(
    checked: int, first: tuple[int, str] | None, last: tuple[int, str] | None
) -> ChainReport:
    """The walked chain's ends against the checkpoint file (see ``audit_head``)."""
    head, problem, same_key = _checkpoint()
    if problem.endswith("cannot be read"):  # a torn write after a power cut, say: as if absent
        return ChainReport(checked, checkpoint=f"{problem}: only the chain itself was checked")
    if problem:
        return ChainReport(checked, 0, problem)
    if head is None:
        return ChainReport(checked, checkpoint="no checkpoint file for this database yet")
    where = f"the checkpoint of {head.written_at[:19] or 'an earlier write'}"
    if head.empty:
        return ChainReport(checked, checkpoint=f"{where} saw no events")
    if last is None:
        return ChainReport(0, 0, f"every event was removed ({where} names event {head.last_id})")
    if first is None or first[0] != head.first_id or (same_key and first[1] != head.first_prev):
        return ChainReport(
            checked,
            first[0] if first else 0,
            f"events at the start were removed ({where} names event {head.first_id} as the first)",
        )
    row = AuditEvent.get_or_none(AuditEvent.id == head.last_id)
    if row is None or (same_key and row.hash != head.last_hash):
        return ChainReport(
            checked,
            head.last_id,
            f"events at the end were removed or replaced ({where} "
            f"names event {head.last_id}, the chain ends at event {last[0]})",
        )
    return ChainReport(checked, checkpoint=f"its ends match {where}")


def verify_against_backup(actor: Actor, path: Path) -> ChainReport:
    """The live chain against a backup's (an SQLite copy: a witness the live database cannot
    change): the backup's first event must still be the first and its last one still there,
    with the same hash when no key rotation came between. Run ``verify`` for the rest."""
    permissions.require(actor, "view_audit")
    first, last, fingerprint = _backup_ends(Path(path))
    where = f"the backup {Path(path).name}"
    if last is None:
        return ChainReport(0, checkpoint=f"{where} holds no events")
    same_key = fingerprint in (None, keyring.fingerprint(runtime.master_key()))
    row = AuditEvent.select().order_by(AuditEvent.id).first()
    if row is None:
        return ChainReport(0, 0, f"every event was removed ({where} names event {last[0]})")
    if first is not None and (row.id != first[0] or (same_key and row.prev_hash != first[1])):
        return ChainReport(
            0, row.id, f"events at the start were removed ({where} starts at event {first[0]})"
        )
    kept = AuditEvent.get_or_none(AuditEvent.id == last[0])
    if kept is None or (same_key and kept.hash != last[1]):
        return ChainReport(
            0, last[0], f"events were removed or replaced since {where} (it names event {last[0]})"
        )
    return ChainReport(0, checkpoint=f"its events up to {last[0]} match {where}")


def _backup_ends(path: Path) -> tuple[tuple[int, str] | None, tuple[int, str] | None, Any]:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            first = conn.execute(
                "SELECT id, prev_hash FROM audit_event ORDER BY id LIMIT 1"
            ).fetchone()
            last = conn.execute(
                "SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1"
            ).fetchone()
            row = conn.execute(
                "SELECT value FROM meta WHERE key = ?", (keyring.FINGERPRINT_KEY,)
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        raise ValidationError({"backup": "is not a finconsole backup"}) from None
    return (
        (tuple(first) if first else None),
        (tuple(last) if last else None),
        (row[0] if row else None),
    )


def _checkpoint() -> tuple[audit_head.Head | None, str, bool]:
    """The checkpoint, a problem with it, and whether it was written under the current key
    (one written before a key rotation proves the ids of the ends, not their hashes)."""
    head, problem = audit_head.read(chain_key())
    if head is not None or not problem.startswith("the checkpoint was changed"):
        return head, problem, True
    for old in keyring.history():
        older, older_problem = audit_head.read(chain_key(old))
        if older is not None:
            return older, "", False
    return None, problem, True


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
