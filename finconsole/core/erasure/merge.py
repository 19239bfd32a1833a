"""Merging two records of one person: everything moves to the record kept, the other goes.

A duplicate customer defeats an objection (the copy gets the newsletter) and splits an access
answer. The officer merges OTHER into KEEP: orders (with their lines, parcels, tracking events
and claims), addresses the kept record lacks, data-subject requests, disclosures, tasks and
inquiry subjects move over; each objection stands if either record made it, with the earlier
date (the stricter one wins); contact fields the kept record lacks are filled from the other.
Then the other record is hard-deleted with its search-index terms, the way an erasure deletes
(secure delete, then the WAL is folded in or PostgreSQL vacuumed), and one audit event
``merge_customer`` (target OTHER, customer KEEP) records it. The audit trail itself is
hash-chained and never rewritten: ``audit.about_customer(KEEP)`` follows merge events, so the
kept customer's trail shows the other record's history too.

A restricted record (Art 18, or an erasure shell held for the Accounting Act) is not merged:
its data may only be stored, and the restriction is lifted (or the hold ends) first.

Other areas that keep rows per customer in tables of their own append a ``mover(keep, other)``
to ``MOVERS``; it runs inside the merge's transaction before the other record goes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from finconsole.core.access import audit
from finconsole.core.erasure.erasure import make_permanent
from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import NotFound, ValidationError
from finconsole.core.register.customers import OBJECTIONS
from finconsole.core.store import search_index as search
from finconsole.core.store.db import is_sqlite, write_transaction
from finconsole.core.store.models import (
    Address,
    Customer,
    Disclosure,
    InquirySubject,
    Order,
    Request,
    Task,
)

MOVERS: list[Callable[[int, int], None]] = []
FILLED_FIELDS = ("first_name", "last_name", "email", "phone", "shop_ref")
TOUCHED_TABLES = [
    "customer",
    "address",
    "order",
    "request",
    "disclosure",
    "task",
    "inquiry_subject",
    *search.PG_TABLES,
]


def _locked(customer_id: int, role: str) -> Customer:
    query = Customer.select().where(Customer.id == customer_id)
    if not is_sqlite():
        query = query.for_update()
    customer = query.first()
    if customer is None:
        raise NotFound(f"no customer with id {customer_id}")
    if customer.restricted:
        raise ValidationError(
            {role: f"customer {customer_id} is restricted: lift the restriction first"}
        )
    return customer


def preview(actor: Actor, keep_id: int, other_id: int) -> dict[str, Any]:
    """What a merge would move: counts of each kind of record, and the objections after it."""
    permissions.require(actor, "merge_customers")
    keep, other = _pair(keep_id, other_id)
    return {
        "keep_id": keep.id,
        "other_id": other.id,
        "moves": _counts(other.id),
        "objections": _merged_objections(keep, other),
    }


def _pair(keep_id: int, other_id: int) -> tuple[Customer, Customer]:
    if keep_id == other_id:
        raise ValidationError({"other": "a customer cannot be merged into itself"})
    return _locked(keep_id, "keep"), _locked(other_id, "other")


def _counts(other_id: int) -> dict[str, int]:
    return {
        "orders": Order.select().where(Order.customer == other_id).count(),
        "addresses": Address.select().where(Address.customer == other_id).count(),
        "requests": Request.select().where(Request.customer == other_id).count(),
        "disclosures": Disclosure.select().where(Disclosure.customer == other_id).count(),
        "tasks": Task.select().where(Task.customer == other_id).count(),
        "inquiries": InquirySubject.select().where(InquirySubject.customer == other_id).count(),
    }


def _merged_objections(keep: Customer, other: Customer) -> dict[str, Any]:
    merged = {}
    for purpose in OBJECTIONS:
        dates = [d for d in (getattr(c, f"objection_{purpose}_at") for c in (keep, other)) if d]
        merged[purpose] = min(dates) if dates else None
    return merged


def merge(actor: Actor, keep_id: int, other_id: int) -> dict[str, Any]:
    """Merge customer ``other_id`` into ``keep_id``; returns what moved (as ``preview``)."""
    permissions.require(actor, "merge_customers")
    with write_transaction():
        keep, other = _pair(keep_id, other_id)
        moved = _counts(other.id)
        objections = _merged_objections(keep, other)
        changed = _absorb_fields(keep, other, objections)
        _move_addresses(keep.id, other.id)
        Order.update(customer=keep.id).where(Order.customer == other.id).execute()
        Request.update(customer=keep.id).where(Request.customer == other.id).execute()
        Disclosure.update(customer=keep.id).where(Disclosure.customer == other.id).execute()
        Task.update(customer=keep.id).where(Task.customer == other.id).execute()
        _move_inquiry_subjects(keep.id, other.id)
        for mover in MOVERS:
            mover(keep.id, other.id)
        search.remove(other.id)
        Customer.delete().where(Customer.id == other.id).execute()
        search.reindex(keep.id)
        audit.record(
            actor,
            "merge_customer",
            "customer",
            other.id,
            customer_id=keep.id,
            fields=[k for k, n in moved.items() if n] + changed,
        )
    permanent = make_permanent(TOUCHED_TABLES)
    return {
        "keep_id": keep_id,
        "other_id": other_id,
        "moves": moved,
        "objections": objections,
        "permanent": permanent,
    }


def _absorb_fields(keep: Customer, other: Customer, objections: dict[str, Any]) -> list[str]:
    """Fill what the kept record lacks; the stricter objection wins. Returns changed fields."""
    changed = []
    for name in FILLED_FIELDS:
        if not getattr(keep, name) and getattr(other, name):
            setattr(keep, name, getattr(other, name))
            changed.append(name)
    if other.note and other.note not in keep.note:
        keep.note = f"{keep.note}\n{other.note}".strip()
        changed.append("note")
    for purpose, at in objections.items():
        field = f"objection_{purpose}_at"
        if getattr(keep, field) != at:
            setattr(keep, field, at)
            changed.append(field)
    if "shop_ref" in changed:  # unique: the other record lets go of it first
        Customer.update(shop_ref=None).where(Customer.id == other.id).execute()
    keep.version += 1
    keep.updated_at = clock.now()
    keep.save()
    return changed


def _move_addresses(keep_id: int, other_id: int) -> None:
    """Addresses the kept record lacks move over (not as default); same ones are dropped."""
    known = {
        (a.street.strip().lower(), a.postcode, a.city.strip().lower())
        for a in Address.select().where(Address.customer == keep_id)
    }
    keep_has_default = bool(known)
    for address in Address.select().where(Address.customer == other_id):
        key = (address.street.strip().lower(), address.postcode, address.city.strip().lower())
        if key in known:
            address.delete_instance()
            continue
        known.add(key)
        address.customer_id = keep_id
        address.is_default = address.is_default and not keep_has_default
        address.save()


def _move_inquiry_subjects(keep_id: int, other_id: int) -> None:
    already = InquirySubject.select(InquirySubject.inquiry).where(
        InquirySubject.customer == keep_id
    )
    InquirySubject.delete().where(
        (InquirySubject.customer == other_id) & InquirySubject.inquiry.in_(already)
    ).execute()
    InquirySubject.update(customer=keep_id).where(InquirySubject.customer == other_id).execute()
