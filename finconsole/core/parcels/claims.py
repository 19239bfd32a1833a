"""Lost-parcel claims with the carrier: open, tell the customer, close with an outcome.

Opening and closing a claim queue a message to the customer in the outbox (claim_update).

The claim deadline follows the carrier's rule (``carriers.settings``): the goods count as lost
``legal_lost_after_expected_days`` after the expected delivery or
``legal_lost_after_handover_days`` after the carrier took them over, whichever comes first,
and the claim is time-barred ``claim_days`` after that.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee as pw

from finconsole.core.access import audit
from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel import validation as v
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import Conflict, NotFound, ValidationError
from finconsole.core.outbox import notices
from finconsole.core.parcels import carriers
from finconsole.core.parcels.rows import queue_row, visible_parcel
from finconsole.core.store.db import write_transaction
from finconsole.core.store.models import Claim, Customer, Order, Parcel

OUTCOMES = ("found", "delivered_late", "compensated", "reshipped", "refunded")
# The parcel never arrived: its status becomes "lost" (unless a delivery was recorded).
LOST_OUTCOMES = ("compensated", "reshipped", "refunded")
DAY = dt.timedelta(days=1)


def claim_dict(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "parcel_id": claim.parcel_id,
        "opened_at": claim.opened_at,
        "deadline": claim.deadline,
        "customer_informed_at": claim.customer_informed_at,
        "outcome": claim.outcome,
        "closed_at": claim.closed_at,
        "notes": claim.notes,
        "opened_by": claim.opened_by,
    }


def deadline_for(
    rules: dict[str, int],
    shipped_at: dt.datetime | None,
    expected_at: dt.datetime | None,
    opened_on: dt.date,
) -> dt.date:
    """The last day to claim: ``claim_days`` after the goods legally count as lost."""
    candidates = []
    if expected_at is not None:
        candidates.append(expected_at.date() + rules["legal_lost_after_expected_days"] * DAY)
    if shipped_at is not None:
        candidates.append(shipped_at.date() + rules["legal_lost_after_handover_days"] * DAY)
    lost_on = min(candidates) if candidates else opened_on
    return lost_on + rules["claim_days"] * DAY


def _parcel(actor: Actor, parcel_id: int) -> tuple[Parcel, int]:
    row = visible_parcel(actor, parcel_id)
    return row, row.order.customer_id


def _claim(actor: Actor, claim_id: int) -> tuple[Claim, int]:
    claim = Claim.get_or_none(Claim.id == claim_id)
    if claim is None:
        raise NotFound(f"no claim with id {claim_id}")
    _, customer_id = _parcel(actor, claim.parcel_id)
    return claim, customer_id


def _notes(value: object) -> str:
    try:
        return v.text(value, max_length=4000, multiline=True)
    except v.FieldError as exc:
        raise ValidationError({"notes": str(exc)}) from None


def open_claim(actor: Actor, parcel_id: int, notes: str = "") -> dict[str, Any]:
    """Open a claim case on a parcel; one open claim a parcel."""
    permissions.require(actor, "manage_claim")
    clean_notes = _notes(notes)
    with write_transaction():
        parcel, customer_id = _parcel(actor, parcel_id)
        if Claim.select().where((Claim.parcel == parcel_id) & Claim.closed_at.is_null()).exists():
            raise Conflict("this parcel already has an open claim")
        now = clock.now()
        rules = carriers.settings(parcel.carrier)
        claim = Claim.create(
            parcel=parcel_id,
            opened_at=now,
            deadline=deadline_for(rules, parcel.shipped_at, parcel.expected_at, now.date()),
            notes=clean_notes,
            opened_by=actor.username,
        )
        event = audit.record(actor, "open_claim", "claim", claim.id, customer_id=customer_id)
        _tell_customer(actor, parcel, customer_id, None, event.id)
    return claim_dict(claim)


def _tell_customer(
    actor: Actor, parcel: Parcel, customer_id: int, outcome: str | None, cause: int
) -> None:
    """The customer hears of the claim through the outbox: opened, then its outcome."""
    order = Order.get_by_id(parcel.order_id)
    notices.claim_update(
        actor,
        customer_id,
        tracking=parcel.tracking_code,
        order=order.order_number,
        carrier=carriers.CARRIERS.get(parcel.carrier, parcel.carrier),
        outcome=outcome,
        cause=cause,
    )


def record_customer_informed(
    actor: Actor, claim_id: int, on: dt.datetime | None = None
) -> dict[str, Any]:
    """Record that the customer was told about the claim (now, unless ``on`` says when)."""
    permissions.require(actor, "manage_claim")
    when = on or clock.now()
    if not isinstance(when, dt.datetime):
        raise ValidationError({"customer_informed_at": "must be a date and time"})
    if when > clock.now():
        raise ValidationError({"customer_informed_at": "must not be in the future"})
    with write_transaction():
        claim, customer_id = _claim(actor, claim_id)
        if claim.closed_at is not None:
            raise Conflict("the claim is closed")
        claim.customer_informed_at = when
        claim.save()
        audit.record(
            actor,
            "claim_customer_informed",
            "claim",
            claim.id,
            customer_id=customer_id,
            fields=["customer_informed_at"],
        )
    return claim_dict(claim)


def close_claim(actor: Actor, claim_id: int, outcome: str, notes: str = "") -> dict[str, Any]:
    """Close a claim with its outcome; notes are added to the claim's notes."""
    permissions.require(actor, "manage_claim")
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": "must be one of " + ", ".join(OUTCOMES)})
    extra = _notes(notes)
    with write_transaction():
        claim, customer_id = _claim(actor, claim_id)
        if claim.closed_at is not None:
            raise Conflict("the claim is already closed")
        claim.outcome = outcome
        claim.closed_at = clock.now()
        if extra:
            claim.notes = f"{claim.notes}\n{extra}".strip()
        claim.save()
        changed = ["outcome", "closed_at"] + (["notes"] if extra else [])
        if outcome in LOST_OUTCOMES:
            Parcel.update(status="lost").where(
                (Parcel.id == claim.parcel_id) & (Parcel.status != "delivered")
            ).execute()
        event = audit.record(
            actor, "close_claim", "claim", claim.id, customer_id=customer_id, fields=changed
        )
        _tell_customer(actor, Parcel.get_by_id(claim.parcel_id), customer_id, outcome, event.id)
    return claim_dict(claim)


# --- open claims queue ------------------------------------------------------------------------


def open_claims_query(actor: Actor) -> pw.ModelSelect[Claim]:
    query = (
        Claim.select(
            Claim,
            Parcel,
            Order.id,
            Order.order_number,
            Order.customer,
            Customer.id,
            Customer.first_name,
            Customer.last_name,
        )
        .join(Parcel)
        .join(Order)
        .join(Customer)
        .where(Claim.closed_at.is_null())
    )
    if not permissions.allowed(actor, "view_restricted"):
        query = query.where((Order.restricted == False) & (Customer.restricted == False))  # noqa: E712
    return query


def _claim_row(claim: Claim) -> dict[str, Any]:
    data = queue_row(claim.parcel, None)
    data.update(claim=claim_dict(claim), key=(claim.deadline, claim.id))
    return data


def open_claims_page(actor: Actor, after: tuple | None, limit: int) -> list[dict[str, Any]]:
    """Open claims, deadline soonest first, keyset-paged on (deadline, claim id)."""
    permissions.require(actor, "follow_parcels")
    query = open_claims_query(actor)
    if after is not None:
        deadline, last_id = after
        query = query.where(
            (Claim.deadline > deadline) | ((Claim.deadline == deadline) & (Claim.id > last_id))
        )
    return [_claim_row(c) for c in query.order_by(Claim.deadline, Claim.id).limit(limit)]


def nearing_deadline(actor: Actor, today: dt.date) -> list[dict[str, Any]]:
    """Open claims whose deadline is within the carrier's ``claim_warn_days`` (or passed)."""
    permissions.require(actor, "follow_parcels")
    rules = carriers.all_settings()
    widest = max(r["claim_warn_days"] for r in rules.values())
    query = open_claims_query(actor).where(Claim.deadline <= today + widest * DAY)
    rows = [_claim_row(c) for c in query.order_by(Claim.deadline, Claim.id)]
    return [
        row
        for row in rows
        if row["claim"]["deadline"]
        <= today + rules.get(row["carrier"], rules["other"])["claim_warn_days"] * DAY
    ]
