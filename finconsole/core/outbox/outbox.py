"""The outbox service: queue a message, send what is due, cancel, resend, mark sent by post,
and forget the address of an erased person.

A message is queued inside the transaction of the service that caused it, so it exists exactly
when that change does. Sending happens afterwards, outside any transaction: a message is
claimed (its next attempt moved past a lease, so two consoles and a cron job never send it
twice), handed to the mail server, and its outcome recorded. A failure that may pass (the
server down, a timeout, no STARTTLS) keeps it queued with the reason and a later next attempt
(doubling from one minute, at most six hours); after ``outbox.max_attempts`` tries, or a
refusal of the address itself, it is failed. The console and ``finconsole outbox send`` both
run ``send_due``.

A message about an erased person carries ``forget_by``: its address, name and text are erased
as soon as it is sent, or at ``forget_by`` (``outbox.forget_hours`` after the erasure) if it
could not be sent by then. The erasure ledger then records that the confirmation was sent (or
not), never to whom.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from finconsole.core.access import audit
from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import Conflict, NotFound, ValidationError
from finconsole.core.outbox import smtp, templates
from finconsole.core.settings import runtime
from finconsole.core.store import permanence
from finconsole.core.store.db import write_transaction
from finconsole.core.store.models import AuditEvent, ErasureLedger, OutboxMessage

STATES = ("queued", "sent", "failed", "cancelled")
ERASURE_KINDS = ("erasure_done", "erasure_partial")
LEASE = dt.timedelta(minutes=10)  # a claimed message is not claimed again meanwhile
FIRST_RETRY = dt.timedelta(minutes=1)
LAST_RETRY = dt.timedelta(hours=6)
PERSONAL_FIELDS = ("recipient", "recipient_name", "postal_address", "subject", "body")


@dataclass(frozen=True)
class Recipient:
    """Where a message goes: an email address, and a postal address for a printed letter."""

    email: str = ""
    name: str = ""
    postal_address: str = ""
    language: str = ""


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    forgotten: int = 0
    waiting: int = 0  # queued, not due yet or by post only
    configured: bool = True
    reasons: list[str] = field(default_factory=list)

    def in_words(self) -> str:
        if not self.configured:
            return f"no [mail] server configured: {self.waiting} message(s) wait to be posted"
        text = f"{self.sent} sent, {self.retrying} to retry, {self.failed} failed"
        if self.forgotten:
            text += f", {self.forgotten} erased person's address(es) forgotten"
        return text


# --- queueing (called by other services inside their transaction) -----------------------------


def queue(
    actor: Actor,
    kind: str,
    to: Recipient,
    values: dict[str, Any],
    *,
    customer_id: int | None = None,
    reference: str = "",
    cause: int | None = None,
    forget: bool = False,
) -> OutboxMessage:
    """Write the message from its template and queue it. ``cause``: the audit event's id.

    ``forget``: the person is being erased; the address goes once sent or after the bound.
    """
    language = templates.language_or_default(to.language)
    subject, body = templates.render(kind, language, {"name": to.name, **values})
    now = clock.now()
    hours = runtime.settings("outbox")["forget_hours"]
    with write_transaction():
        message = OutboxMessage.create(
            kind=kind,
            language=language,
            customer_id=customer_id,
            reference=reference,
            recipient=to.email or "",
            recipient_name=to.name,
            postal_address=to.postal_address,
            subject=subject,
            body=body,
            next_attempt_at=now,
            audit_event_id=cause,
            forget_by=now + dt.timedelta(hours=hours) if forget else None,
            created_by=actor.username,
            created_at=now,
        )
        audit.record(
            actor, "queue_message", "outbox", message.id, customer_id=customer_id, fields=[kind]
        )
    return message


# --- reading -----------------------------------------------------------------------------------


def message_dict(m: OutboxMessage, *, with_body: bool = False) -> dict[str, Any]:
    data = {
        name: getattr(m, name)
        for name in (
            "id",
            "kind",
            "state",
            "language",
            "customer_id",
            "reference",
            "recipient",
            "recipient_name",
            "subject",
            "attempts",
            "next_attempt_at",
            "sent_at",
            "sent_by",
            "reason",
            "audit_event_id",
            "forget_by",
            "forgotten_at",
            "created_by",
            "created_at",
            "version",
        )
    }
    data["to"] = m.recipient or ("by post" if m.postal_address else "")
    if m.forgotten_at is not None:
        data["to"] = "(erased)"
    if with_body:
        data["body"] = m.body
        data["postal_address"] = m.postal_address
    return data


def list_messages(
    actor: Actor, *, state: str | None = None, limit: int = 500
) -> list[dict[str, Any]]:
    """Newest first; ``state`` narrows to one state."""
    permissions.require(actor, "view_outbox")
    query = OutboxMessage.select()
    if state:
        if state not in STATES:
            raise ValidationError({"state": "must be one of " + ", ".join(STATES)})
        query = query.where(OutboxMessage.state == state)
    return [message_dict(m) for m in query.order_by(OutboxMessage.id.desc()).limit(limit)]


def _load(message_id: int) -> OutboxMessage:
    message = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
    if message is None:
        raise NotFound(f"no outbox message with id {message_id}")
    return message


def get(actor: Actor, message_id: int) -> dict[str, Any]:
    permissions.require(actor, "view_outbox")
    return message_dict(_load(message_id), with_body=True)


def letter_text(actor: Actor, message_id: int) -> str:
    """The message as a letter to print and post: the address block, the subject, the text."""
    permissions.require(actor, "view_outbox")
    m = _load(message_id)
    if m.forgotten_at is not None:
        raise Conflict(f"message {m.id} was about an erased person: its text is gone")
    block = "\n".join(line for line in [m.recipient_name, m.postal_address] if line.strip())
    c = runtime.settings("controller")
    sender = f"{c['name']}\n{c['street']}\n{c['postcode']} {c['city']}"
    audit.record(actor, "print_message", "outbox", m.id, customer_id=m.customer_id)
    today = templates.date_text(clock.today(), m.language)
    return f"{sender}\n\n{block or '(no postal address)'}\n\n{today}\n\n{m.subject}\n\n{m.body}"


def failures_since(since: dt.datetime) -> int:
    """Sending attempts that failed since ``since``, by whoever ran them (this console, another,
    the cron job): the console's background worker tells the officer at once."""
    return (
        AuditEvent.select()
        .where(
            (AuditEvent.action == "send_message")
            & AuditEvent.outcome.in_(("failed", "retry"))
            & (AuditEvent.at >= since)
        )
        .count()
    )


# --- the officer's actions ---------------------------------------------------------------------


def _change(actor: Actor, message_id: int, action: str, allowed: tuple[str, ...], **values):
    with write_transaction():
        m = _load(message_id)
        if m.state not in allowed:
            raise Conflict(f"message {m.id} is {m.state}: cannot {action.replace('_', ' ')}")
        for name, value in values.items():
            setattr(m, name, value)
        m.version += 1
        m.save()
        audit.record(actor, action, "outbox", m.id, customer_id=m.customer_id, fields=list(values))
        return m


def cancel(actor: Actor, message_id: int) -> dict[str, Any]:
    permissions.require(actor, "manage_outbox")
    m = _change(actor, message_id, "cancel_message", ("queued", "failed"), state="cancelled")
    if m.forget_by is not None:
        _forget(m, "cancelled")
    return message_dict(m)


def resend(actor: Actor, message_id: int) -> dict[str, Any]:
    """Queue a failed, cancelled or sent message again, from the first attempt."""
    permissions.require(actor, "manage_outbox")
    if _load(message_id).forgotten_at is not None:
        raise Conflict(f"message {message_id} was about an erased person: its address is gone")
    m = _change(
        actor,
        message_id,
        "resend_message",
        ("failed", "cancelled", "sent"),
        state="queued",
        attempts=0,
        reason="",
        next_attempt_at=clock.now(),
    )
    return message_dict(m)


def mark_sent_by_post(actor: Actor, message_id: int) -> dict[str, Any]:
    """The officer printed the letter and posted it."""
    permissions.require(actor, "manage_outbox")
    m = _change(
        actor,
        message_id,
        "post_message",
        ("queued", "failed"),
        state="sent",
        sent_by="post",
        sent_at=clock.now(),
        reason="",
    )
    if m.forget_by is not None:
        _forget(m, "sent")
    return message_dict(m)


# --- sending -----------------------------------------------------------------------------------


def mail_settings() -> smtp.MailSettings | None:
    config = runtime.get_config()
    return smtp.settings_from(config["mail"], config.base_dir)


def send_due(
    actor: Actor, *, settings: smtp.MailSettings | None = None, limit: int = 200
) -> SendReport:
    """Send every message that is due; forget erased people's addresses past their bound."""
    permissions.require(actor, "send_outbox")
    report = SendReport()
    report.forgotten = forget_expired()
    settings = settings or mail_settings()
    if settings is None:
        report.configured = False
    else:
        for message_id in _due_ids(limit):
            send_one(actor, message_id, settings=settings, report=report)
    report.waiting = OutboxMessage.select().where(OutboxMessage.state == "queued").count()
    if report.forgotten or report.sent:
        make_permanent()
    return report


def _due_ids(limit: int) -> list[int]:
    query = (
        OutboxMessage.select(OutboxMessage.id)
        .where(
            (OutboxMessage.state == "queued")
            & (OutboxMessage.recipient != "")
            & (OutboxMessage.next_attempt_at <= clock.now())
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    return [m.id for m in query]


def send_one(
    actor: Actor,
    message_id: int,
    *,
    settings: smtp.MailSettings | None = None,
    report: SendReport | None = None,
) -> bool:
    """Send one message now if it is due and [mail] is set; True if the server took it."""
    settings = settings or mail_settings()
    report = report if report is not None else SendReport()
    if settings is None:
        report.configured = False
        return False
    message = _claim(message_id)
    if message is None:
        return False
    try:
        smtp.deliver(settings, _email(message, settings))
    except smtp.MailError as exc:
        _record_failure(actor, message, exc, report)
        return False
    _record_sent(actor, message)
    report.sent += 1
    return True


def send_for_erased(actor: Actor, customer_id: int) -> SendReport:
    """Right after an erasure: its confirmation and Art 19 notices go now, and are forgotten
    once sent (what cannot go now is retried until ``forget_by``)."""
    report = SendReport()
    settings = mail_settings()
    if settings is None:
        report.configured = False
        return report
    query = OutboxMessage.select(OutboxMessage.id).where(
        (OutboxMessage.customer_id == customer_id)
        & (OutboxMessage.state == "queued")
        & OutboxMessage.forget_by.is_null(False)
    )
    for row in list(query):
        send_one(actor, row.id, settings=settings, report=report)
    return report


def _claim(message_id: int) -> OutboxMessage | None:
    now = clock.now()
    with write_transaction():
        claimed = (
            OutboxMessage.update(
                attempts=OutboxMessage.attempts + 1,
                next_attempt_at=now + LEASE,
                version=OutboxMessage.version + 1,
            )
            .where(
                (OutboxMessage.id == message_id)
                & (OutboxMessage.state == "queued")
                & (OutboxMessage.recipient != "")
                & (OutboxMessage.next_attempt_at <= now)
            )
            .execute()
        )
        return OutboxMessage.get_by_id(message_id) if claimed == 1 else None


def _email(message: OutboxMessage, settings: smtp.MailSettings) -> EmailMessage:
    email = EmailMessage()
    email["From"] = settings.sender
    email["To"] = message.recipient
    if settings.reply_to:
        email["Reply-To"] = settings.reply_to
    email["Subject"] = message.subject
    email["Date"] = formatdate(clock.now().timestamp())
    email["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2])
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies back
    email.set_content(message.body)
    email["Content-Language"] = message.language  # after set_content, which drops Content-*
    return email


def _record_sent(actor: Actor, message: OutboxMessage) -> None:
    with write_transaction():
        OutboxMessage.update(
            state="sent",
            sent_at=clock.now(),
            sent_by="email",
            reason="",
            next_attempt_at=None,
            version=OutboxMessage.version + 1,
        ).where(OutboxMessage.id == message.id).execute()
        audit.record(
            actor,
            "send_message",
            "outbox",
            message.id,
            customer_id=message.customer_id,
            fields=[message.kind],
            outcome="sent",
        )
        if message.forget_by is not None:
            _forget(_load(message.id), "sent")


def _record_failure(
    actor: Actor, message: OutboxMessage, exc: smtp.MailError, report: SendReport
) -> None:
    attempts = message.attempts
    give_up = exc.permanent or attempts >= runtime.settings("outbox")["max_attempts"]
    delay = min(FIRST_RETRY * 2 ** (attempts - 1), LAST_RETRY)
    now = clock.now()
    with write_transaction():
        OutboxMessage.update(
            state="failed" if give_up else "queued",
            reason=exc.reason[:300],
            # the failure time for a failed one (the console reports failures since a time)
            next_attempt_at=now if give_up else now + delay,
            version=OutboxMessage.version + 1,
        ).where(OutboxMessage.id == message.id).execute()
        audit.record(
            actor,
            "send_message",
            "outbox",
            message.id,
            customer_id=message.customer_id,
            fields=[message.kind],
            outcome="failed" if give_up else "retry",
        )
        if give_up and message.forget_by is not None:
            _forget(_load(message.id), "expired")
    if give_up:
        report.failed += 1
    else:
        report.retrying += 1
    report.reasons.append(f"message {message.id}: {exc.reason}")


# --- forgetting --------------------------------------------------------------------------------


def _forget(message: OutboxMessage, outcome: str) -> None:
    """Erase the message's personal data; an erasure confirmation's outcome goes to the
    ledger (sent / expired / cancelled), never the address."""
    blank = {getattr(OutboxMessage, name): "" for name in PERSONAL_FIELDS}
    OutboxMessage.update({**blank, OutboxMessage.forgotten_at: clock.now()}).where(
        OutboxMessage.id == message.id
    ).execute()
    if message.kind in ERASURE_KINDS and message.customer_id is not None:
        ErasureLedger.update(confirmation=outcome).where(
            (ErasureLedger.customer_id == message.customer_id)
            & (ErasureLedger.confirmation == "queued")
        ).execute()


def forget_expired() -> int:
    """Past its bound, an erased person's unsent message loses its address: failed."""
    now = clock.now()
    due = list(
        OutboxMessage.select().where(
            OutboxMessage.forget_by.is_null(False)
            & (OutboxMessage.forget_by <= now)
            & OutboxMessage.forgotten_at.is_null()
        )
    )
    for message in due:
        with write_transaction():
            if message.state == "queued":
                OutboxMessage.update(
                    state="failed",
                    reason="not sent in time: the erased person's address was forgotten",
                    next_attempt_at=now,
                ).where(OutboxMessage.id == message.id).execute()
            _forget(message, "sent" if message.state == "sent" else "expired")
    return len(due)


def forget_customer(customer_id: int) -> None:
    """The erasure's hook (runs in its transaction): every message about the person loses its
    personal data, except the notices this very erasure queued to be sent (``forget_by``)."""
    keep = OutboxMessage.forget_by.is_null(False) & (OutboxMessage.state == "queued")
    rows = OutboxMessage.select(OutboxMessage.id).where(
        (OutboxMessage.customer_id == customer_id) & ~keep & OutboxMessage.forgotten_at.is_null()
    )
    _blank([m.id for m in rows])


def forget_customers(customer_ids: list[int]) -> None:
    """A restore's replay: the restored outbox forgets everyone the ledger says was erased,
    including notices that were still waiting when the backup was taken."""
    for start in range(0, len(customer_ids), 500):
        part = customer_ids[start : start + 500]
        rows = OutboxMessage.select(OutboxMessage.id).where(
            OutboxMessage.customer_id.in_(part) & OutboxMessage.forgotten_at.is_null()
        )
        _blank([m.id for m in rows])


def _blank(ids: list[int]) -> None:
    if not ids:
        return
    blank = {getattr(OutboxMessage, name): "" for name in PERSONAL_FIELDS}
    OutboxMessage.update(
        {
            **blank,
            OutboxMessage.forgotten_at: clock.now(),
            OutboxMessage.state: pw_case_cancelled(),
        }
    ).where(OutboxMessage.id.in_(ids)).execute()


def pw_case_cancelled() -> Any:
    """A queued message about an erased person is cancelled; others keep their state."""
    from peewee import Case

    return Case(None, [(OutboxMessage.state == "queued", "cancelled")], OutboxMessage.state)


def make_permanent() -> None:
    """Forgotten addresses leave the SQLite WAL (or PostgreSQL's dead tuples) now; a reader
    that prevents it is waited for briefly only (``store.permanence``)."""
    permanence.settle(["outbox_message"], mark=False)
