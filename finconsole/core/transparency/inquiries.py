"""Authority inquiries. The register description promises to tell the customer at once when an
authority asks about them (or about customers in general), and never to disclose data without
a court's legally binding order: that rule is enforced by ``disclosures``; this module records
the inquiry and creates the "tell the customer" tasks, due the day it is recorded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from finconsole.core.access import audit
from finconsole.core.kernel import clock, dates, permissions
from finconsole.core.kernel import validation as v
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import NotFound, ValidationError
from finconsole.core.outbox import notices
from finconsole.core.settings import runtime
from finconsole.core.store.db import write_transaction
from finconsole.core.store.models import AuthorityInquiry, Customer, InquirySubject
from finconsole.core.transparency import tasks

SCOPES = ("one", "several", "general")
INPUT_FIELDS = ("authority", "received_at", "scope", "reference", "description", "customer_ids")


def clean(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {n: "is not an inquiry field" for n in set(data) - set(INPUT_FIELDS)}
    out: dict[str, Any] = {}
    checks: dict[str, Callable[[Any], Any]] = {
        "authority": lambda x: v.text(x, max_length=200, required=True),
        "received_at": lambda x: dates.parse(x, required=True),
        "scope": lambda x: v.choice(x, SCOPES),
        "reference": lambda x: v.text(x, max_length=100),
        "description": lambda x: v.text(x, max_length=2000, multiline=True),
        "customer_ids": _customer_ids,
    }
    for name, check in checks.items():
        try:
            out[name] = check(data.get(name))
        except v.FieldError as exc:
            errors[name] = str(exc)
    if not errors:
        if out["received_at"] > clock.today():
            errors["received_at"] = "cannot be in the future"
        scope_error = _scope_error(out["scope"], len(out["customer_ids"]))
        if scope_error:
            errors["customer_ids"] = scope_error
    if errors:
        raise ValidationError(errors)
    return out


def _customer_ids(value: Any) -> list[int]:
    items = (
        value.replace(";", ",").replace(" ", ",").split(",") if isinstance(value, str) else value
    )
    ids = []
    for item in items or []:
        text = str(item).strip()
        if not text:
            continue
        if not text.isdigit():
            raise v.FieldError("must be customer ids (numbers) separated by commas")
        ids.append(int(text))
    ids = list(dict.fromkeys(ids))
    found = (
        {c.id for c in Customer.select(Customer.id).where(Customer.id.in_(ids))} if ids else set()
    )
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise v.FieldError("no customer with id " + ", ".join(missing))
    return ids


def _scope_error(scope: str, count: int) -> str | None:
    if scope == "one" and count != 1:
        return "an inquiry about one customer names exactly one customer id"
    if scope == "several" and count < 2:
        return "an inquiry about several customers names at least two customer ids"
    if scope == "general" and count:
        return "an inquiry about customers in general names no customer"
    return None


def record(actor: Actor, data: dict[str, Any], *, court_order: str = "") -> dict[str, Any]:
    """Record an inquiry and, in the same transaction, its tasks: one "tell the customer" task
    per customer asked about, or for a general inquiry one task to publish it as configured.

    Each customer asked about is sent the notice at once through the outbox (the task stays
    as the officer's check that it went). ``court_order``: the order the inquiry rests on.
    """
    permissions.require(actor, "record_inquiry")
    with write_transaction():
        d = clean(data)
        inquiry = AuthorityInquiry.create(
            authority=d["authority"],
            received_at=d["received_at"],
            scope=d["scope"],
            reference=d["reference"],
            description=d["description"],
            created_by=actor.username,
        )
        task_ids = [_subject_task(inquiry, cid) for cid in d["customer_ids"]]
        if d["scope"] == "general":
            task_ids.append(_general_task(inquiry))
        audit.record(
            actor,
            "record_inquiry",
            "inquiry",
            inquiry.id,
            fields=[k for k in ("authority", "reference", "description") if d[k]],
        )
        message_ids = []
        for customer_id in d["customer_ids"]:  # each customer's own trail shows the inquiry
            event = audit.record(
                actor, "inquiry_subject", "inquiry", inquiry.id, customer_id=customer_id
            )
            message_id = notices.inquiry_notice(
                actor,
                customer_id,
                authority=inquiry.authority,
                received=inquiry.received_at,
                reference=inquiry.reference,
                court_order=_court_order(court_order),
                cause=event.id,
            )
            if message_id is not None:
                message_ids.append(message_id)
    result = inquiry_dict(inquiry)
    result["task_ids"] = task_ids
    result["message_ids"] = message_ids  # the front end sends them at once
    return result


def _court_order(value: str) -> str:
    try:
        return v.text(value, max_length=100)
    except v.FieldError as exc:
        raise ValidationError({"court_order": str(exc)}) from None


def _label(inquiry: AuthorityInquiry) -> str:
    ref = f" (ref. {inquiry.reference})" if inquiry.reference else ""
    return (
        f"inquiry {inquiry.id} from {inquiry.authority}{ref} of {inquiry.received_at.isoformat()}"
    )


def _subject_task(inquiry: AuthorityInquiry, customer_id: int) -> int:
    InquirySubject.create(inquiry=inquiry, customer=customer_id)
    text = f"Tell customer {customer_id} of the authority {_label(inquiry)}"
    return tasks.create(
        tasks.TELL_CUSTOMER, text, customer_id=customer_id, inquiry_id=inquiry.id
    ).id


def _general_task(inquiry: AuthorityInquiry) -> int:
    action = runtime.settings("disclosures")["general_inquiry_action"]
    text = f"General authority {_label(inquiry)} about customers: {action}"
    return tasks.create(tasks.PUBLISH_INQUIRY, text, inquiry_id=inquiry.id).id


def inquiry_dict(inquiry: AuthorityInquiry) -> dict[str, Any]:
    return {
        "id": inquiry.id,
        "authority": inquiry.authority,
        "received_at": inquiry.received_at,
        "scope": inquiry.scope,
        "reference": inquiry.reference,
        "description": inquiry.description,
        "customer_ids": [s.customer_id for s in inquiry.subjects.order_by(InquirySubject.id)],
        "created_by": inquiry.created_by,
        "created_at": inquiry.created_at,
        "withdrawn_at": inquiry.withdrawn_at,
        "withdrawn_by": inquiry.withdrawn_by,
        "withdrawal_reason": inquiry.withdrawal_reason,
    }


def list_inquiries(actor: Actor, *, limit: int = 100) -> list[dict[str, Any]]:
    permissions.require(actor, "view_inquiries")
    query = AuthorityInquiry.select().order_by(
        AuthorityInquiry.received_at.desc(), AuthorityInquiry.id.desc()
    )
    return [inquiry_dict(i) for i in query.limit(limit)]


def get(actor: Actor, inquiry_id: int) -> dict[str, Any]:
    permissions.require(actor, "view_inquiries")
    inquiry = AuthorityInquiry.get_or_none(AuthorityInquiry.id == inquiry_id)
    if inquiry is None:
        raise NotFound(f"no inquiry with id {inquiry_id}")
    return inquiry_dict(inquiry)


# --- erasure ----------------------------------------------------------------------------------


def after_erasure(customer: Customer) -> None:
    """Call inside the erasure, before the customer's rows go.

    The inquiry stays as the record that an authority asked (who, when, its reference and
    scope), but what it says of the erased person goes: an inquiry about this person alone
    loses its description; one about several people loses the person's name, email and phone
    wherever its text quotes them. The link to the person goes too (a minimised customer shell
    would otherwise keep it).
    """
    linked = InquirySubject.select(InquirySubject.inquiry).where(
        InquirySubject.customer == customer.id
    )
    for inquiry in AuthorityInquiry.select().where(AuthorityInquiry.id.in_(linked)):
        others = (
            InquirySubject.select()
            .where(InquirySubject.inquiry == inquiry.id, InquirySubject.customer != customer.id)
            .exists()
        )
        if others:
            text = without_person(inquiry.description, customer)
        else:
            text = f"description removed: customer #{customer.id} was erased"
        if text != inquiry.description:
            AuthorityInquiry.update(description=text).where(
                AuthorityInquiry.id == inquiry.id
            ).execute()
    InquirySubject.delete().where(InquirySubject.customer == customer.id).execute()


ERASED_MARK = "[erased]"


def without_person(text: str, customer: Customer) -> str:
    """``text`` with the customer's full name, surname, email and phone number blanked out
    (any case, any spacing). The first name alone stays: it names no one."""
    first, last = customer.first_name.strip(), customer.last_name.strip()
    names = [f"{first} {last}", f"{last} {first}", f"{last}, {first}", last]
    # whole words only: erasing Mäki must not blank out Mäkinen
    patterns = [
        r"\b" + r"\s+".join(re.escape(word) for word in name.split()) + r"\b"
        for name in names
        if name.strip(", ")
    ]
    if customer.email:
        patterns.append(re.escape(customer.email))
    for number in _phone_forms(customer.phone):
        digits = r"[\s\-]?".join(re.escape(c) for c in number)
        patterns.append(rf"(?<![\d+]){digits}(?!\d)")
    for pattern in sorted(patterns, key=len, reverse=True):  # the full name before the surname
        text = re.sub(pattern, ERASED_MARK, text, flags=re.IGNORECASE)
    return text


def _phone_forms(e164: str | None) -> list[str]:
    """+358401234567 as written in a letter: +358401234567, 0401234567."""
    if not e164:
        return []
    forms = [e164]
    if e164.startswith("+358"):
        forms.append("0" + e164[4:])
    return forms
