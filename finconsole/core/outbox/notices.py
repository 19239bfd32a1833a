"""One function per kind of message: the other domains call these inside their transaction.

Each finds the person's address and language, fills the kind's placeholders in that language
and queues the message. A person with neither an email address nor a postal address gets no
message (there is nowhere to send it); the function returns None then.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from finconsole.core.kernel import clock
from finconsole.core.kernel.actor import Actor
from finconsole.core.outbox import templates
from finconsole.core.outbox.outbox import Recipient, mail_settings, queue

__all__ = ["Recipient", "recipient_of"]
from finconsole.core.settings import runtime
from finconsole.core.store.models import Address, Customer, ErasureLedger


def recipient_of(customer: Customer | None) -> Recipient:
    """The customer's email, name, postal address (default first) and language."""
    if customer is None:
        return Recipient()
    address = (
        Address.select()
        .where(Address.customer == customer.id)
        .order_by(Address.is_default.desc(), Address.id)
        .first()
    )
    postal = ""
    if address is not None and (address.street or address.city):
        lines = [address.street, address.street2, f"{address.postcode} {address.city}".strip()]
        if address.country and address.country != "FI":
            lines.append(address.country)
        postal = "\n".join(line for line in lines if line)
    name = f"{customer.first_name} {customer.last_name}".strip()
    return Recipient(customer.email or "", name, postal, customer.language)


def _customer(customer_id: int | None) -> Customer | None:
    return Customer.get_or_none(Customer.id == customer_id) if customer_id else None


def _lang(to: Recipient) -> str:
    return templates.language_or_default(to.language)


def _reachable(to: Recipient) -> bool:
    return bool(to.email or to.postal_address)


# --- requests ----------------------------------------------------------------------------------


def _request_values(req: Any, lang: str) -> dict[str, Any]:
    return {
        "reference": req.reference,
        "received": req.received_at,
        "due": req.extended_until or req.deadline,
        "request_kind": templates.word(lang, req.kind),
        "today": clock.today(),
    }


def request_received(actor: Actor, req: Any, cause: int, email: str = "") -> int | None:
    """The receipt: reference and due date. ``email``: where an unknown person asked from."""
    to = recipient_of(_customer(req.customer_id))
    if not to.email and email:
        to = Recipient(email, to.name, to.postal_address, to.language)
    return _queue_request(actor, "request_received", req, to, cause, {})


def request_extended(actor: Actor, req: Any, cause: int) -> int | None:
    extra = {"reason": req.extension_reason}
    return _queue_request(actor, "request_extended", req, None, cause, extra)


def request_answered(actor: Actor, req: Any, cause: int) -> int | None:
    """The answer: what was done, or the refusal with its reason (Art 12(4)). An access or
    portability request done gets the export-ready message; an erasure its confirmation."""
    if req.kind == "erasure" and req.status != "refused":
        return None  # the erasure service sends the confirmation itself
    if req.kind in ("access", "portability") and req.status == "done":
        return _queue_request(actor, "export_ready", req, None, cause, {})
    to = recipient_of(_customer(req.customer_id))
    lang = _lang(to)
    if req.status == "refused":
        answer = templates.word(lang, "refused", reason=req.refusal_reason)
    else:
        answer = templates.word(lang, "done", outcome=req.outcome)
    extra = {"answer": answer, "article": templates.article(lang, req.kind)}
    return _queue_request(actor, "request_answered", req, to, cause, extra)


def _queue_request(
    actor: Actor, kind: str, req: Any, to: Recipient | None, cause: int, extra: dict[str, Any]
) -> int | None:
    to = to or recipient_of(_customer(req.customer_id))
    if not _reachable(to):
        return None
    values = {**_request_values(req, _lang(to)), **extra}
    message = queue(
        actor, kind, to, values, customer_id=req.customer_id, reference=req.reference, cause=cause
    )
    return message.id


# --- erasure -----------------------------------------------------------------------------------


def erasure_confirmation(
    actor: Actor,
    to: Recipient,
    *,
    customer_id: int,
    status: str,
    kept: list[tuple[str, str, dt.date | None]],
    completes_on: dt.date | None,
    disclosed: bool,
    request_ref: str,
    cause: int | None = None,
) -> int | None:
    """The erasure confirmation, from the address as it was before the erasure (``to``).

    ``kept``: (order number, hold code, until) of what a hold keeps. The message forgets the
    address once sent; the ledger row records that a confirmation is queued (or none). Only
    by email and with ``[mail]`` set: it must go now, not wait days for the post.
    """
    if not to.email or mail_settings() is None:
        # only email goes at once; a letter would keep the postal address for days (the
        # officer has the erasure reply letter, which names no one, for the post)
        to = Recipient()
    ledger = ErasureLedger.update(confirmation="queued" if _reachable(to) else "none").where(
        (ErasureLedger.customer_id == customer_id) & ErasureLedger.confirmation.is_null()
    )
    ledger.execute()
    if not _reachable(to):
        return None
    lang = _lang(to)
    holds = "\n".join(
        f"- {templates.word(lang, 'order')} {ref}: "
        + templates.word(lang, reason, until=templates.date_text(until, lang))
        for ref, reason, until in kept
    )
    values = {
        "today": clock.today(),
        "holds": holds,
        "completes": templates.date_text(completes_on, lang)
        or templates.word(lang, "when_cases_end"),
        "recipients": templates.word(lang, "recipients") if disclosed else "",
        "ref_suffix": f" ({request_ref})" if request_ref else "",
    }
    kind = "erasure_partial" if status == "partial" else "erasure_done"
    message = queue(
        actor,
        kind,
        to,
        values,
        customer_id=customer_id,
        reference=request_ref,
        cause=cause,
        forget=True,
    )
    return message.id


# --- disclosures and inquiries -----------------------------------------------------------------


def disclosure_notice(
    actor: Actor,
    customer_id: int,
    *,
    recipient: str,
    recipient_kind: str,
    fields: list[str],
    planned: dt.date,
    cause: int,
) -> int | None:
    """Told before the disclosure, ``disclosures.notice_days`` ahead (register description)."""
    to = recipient_of(_customer(customer_id))
    if not _reachable(to):
        return None
    lang = _lang(to)
    values = {
        "planned": planned,
        "recipient": recipient,
        "purpose": templates.word(lang, recipient_kind),
        "fields": ", ".join(templates.word(lang, f.partition(".")[2] or f) for f in fields),
    }
    message = queue(actor, "disclosure_notice", to, values, customer_id=customer_id, cause=cause)
    return message.id


def inquiry_notice(
    actor: Actor,
    customer_id: int,
    *,
    authority: str,
    received: dt.date,
    reference: str,
    court_order: str,
    cause: int,
) -> int | None:
    """Told at once when an authority asks about the person (register description)."""
    to = recipient_of(_customer(customer_id))
    if not _reachable(to):
        return None
    lang = _lang(to)
    values = {
        "authority": authority,
        "received": received,
        "inquiry_ref": templates.word(lang, "inquiry_ref", ref=reference) if reference else "",
        "court_order": templates.word(lang, "court_order", ref=court_order) if court_order else "",
    }
    message = queue(actor, "inquiry_notice", to, values, customer_id=customer_id, cause=cause)
    return message.id


def recipient_notice(
    actor: Actor,
    disclosure: Any,
    *,
    person: str,
    change: str,
    changed: list[str],
    forget: bool,
) -> int | None:
    """Art 19: tell a recipient of the person's data of its rectification or erasure.

    Goes to the disclosure's ``recipient_email`` in the register's default language. With
    ``forget`` (an erasure) the person's name leaves the row once the notice is sent.
    """
    if not disclosure.recipient_email or (forget and mail_settings() is None):
        return None  # an erased person's name waits nowhere: the officer's task stays
    lang = templates.language_or_default(runtime.settings("customers")["default_language"])
    to = Recipient(disclosure.recipient_email, "", "", lang)
    fields = [f.partition(".")[2] or f for f in disclosure.data_fields.split(",") if f]
    values = {
        "disclosed": disclosure.disclosed_at,
        "person": person,
        "fields": ", ".join(templates.word(lang, f) for f in fields),
        "change": templates.word(lang, f"{change}_change"),
        "action": templates.word(
            lang,
            f"{change}_action",
            changed=", ".join(templates.word(lang, f.partition(".")[2] or f) for f in changed),
        ),
    }
    message = queue(
        actor,
        "recipient_notice",
        to,
        values,
        customer_id=disclosure.customer_id,
        forget=forget,
    )
    return message.id


# --- lost parcels ------------------------------------------------------------------------------


def claim_update(
    actor: Actor,
    customer_id: int,
    *,
    tracking: str,
    order: str,
    carrier: str,
    outcome: str | None,
    cause: int,
) -> int | None:
    """A claim opened with the carrier (``outcome`` None) or closed with its outcome."""
    to = recipient_of(_customer(customer_id))
    if not _reachable(to):
        return None
    lang = _lang(to)
    if outcome is None:
        state = templates.word(lang, "claim_opened")
        text = templates.word(
            lang, "claim_opened_text", day=templates.date_text(clock.today(), lang)
        )
    else:
        state = templates.word(lang, "claim_closed")
        text = templates.word(lang, "claim_closed_text", outcome=templates.word(lang, outcome))
    values = {
        "tracking": tracking,
        "order": order,
        "carrier": carrier,
        "claim_state": state,
        "claim_text": text,
    }
    message = queue(actor, "claim_update", to, values, customer_id=customer_id, cause=cause)
    return message.id
