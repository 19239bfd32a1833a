"""Parcels: registering them, their status from events, the lost rule, the follow-up queues.

A parcel's status is the status of its latest event (by time, then by arrival). The lost rule
flags a parcel still under way as *suspected lost* when nothing new has happened for
``lost_after_days`` since its last event, or when it is ``overdue_days`` past its expected
delivery (per carrier, see ``carriers.DEFAULT_SETTINGS``). ``suspected_lost_at`` keeps the
moment of the flag; a newer event takes the parcel out of the queue again.
"""

from __future__ import annotations

import datetime as dt
import heapq
import operator
from functools import reduce
from typing import Any

import peewee as pw

from finconsole.core.access import audit
from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import ValidationError
from finconsole.core.orders import orders
from finconsole.core.parcels import carriers, claims
from finconsole.core.parcels.rows import (  # noqa: F401 (part of this module's API)
    event_dict,
    parcel_dict,
    queue_row,
    visible_parcel,
)
from finconsole.core.store import search_index as search
from finconsole.core.store.db import write_transaction
from finconsole.core.store.models import Claim, Customer, Order, Parcel, TrackingEvent

DAY = dt.timedelta(days=1)
QUEUES = ("in_transit", "awaiting_pickup", "suspected_lost", "open_claims")
PAGE = 200


# --- reading ---------------------------------------------------------------------------------


def get(actor: Actor, parcel_id: int) -> dict[str, Any]:
    """One parcel with its order, customer id, event timeline (newest first) and claims."""
    permissions.require(actor, "view_parcel")
    parcel = visible_parcel(actor, parcel_id)
    data = parcel_dict(parcel)
    data["customer_id"] = parcel.order.customer_id
    data["order_number"] = parcel.order.order_number
    events = parcel.events.order_by(TrackingEvent.occurred_at.desc(), TrackingEvent.id.desc())
    data["events"] = [event_dict(e) for e in events]
    data["claims"] = [claims.claim_dict(c) for c in parcel.claims.order_by(Claim.id.desc())]
    data["follow_up"] = follow_up(parcel, clock.now(), carriers.settings(parcel.carrier))
    return data


def for_order(actor: Actor, order_id: int) -> list[dict[str, Any]]:
    permissions.require(actor, "view_parcel")
    orders._visible_order(actor, order_id)
    query = Parcel.select().where(Parcel.order == order_id).order_by(Parcel.id)
    return [parcel_dict(p) for p in query]


def find_by_code(actor: Actor, code: str) -> list[dict[str, Any]]:
    """Parcels with this tracking code (normalised first), for support's lookups."""
    permissions.require(actor, "view_parcel")
    query = Parcel.select().join(Order).where(Parcel.tracking_code == carriers.normalise(code))
    if not permissions.allowed(actor, "view_restricted"):
        query = query.where(Order.restricted == False)  # noqa: E712
    return [parcel_dict(p) for p in query]


# --- writing ---------------------------------------------------------------------------------


def create(
    actor: Actor,
    order_id: int,
    tracking_code: str,
    carrier: str | None = None,
    *,
    shipped_at: dt.datetime | None = None,
    expected_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """Register a parcel on an order. The code is validated (and the carrier detected)."""
    permissions.require(actor, "create_parcel")
    name, code = carriers.validate(carrier, tracking_code)
    for field, value in (("shipped_at", shipped_at), ("expected_at", expected_at)):
        if value is not None and not isinstance(value, dt.datetime):
            raise ValidationError({field: "must be a date and time"})
    with write_transaction():
        order = orders._visible_order(actor, order_id)
        taken = Parcel.select().where((Parcel.tracking_code == code) & (Parcel.carrier == name))
        if taken.exists():
            raise ValidationError({"tracking_code": "is already registered for this carrier"})
        status = "in_transit" if shipped_at else "pending"
        parcel = Parcel.create(
            order=order_id,
            carrier=name,
            tracking_code=code,
            status=status,
            shipped_at=shipped_at,
            expected_at=expected_at,
            # the handover is the first thing known: queues sort by it until events come
            last_event_at=shipped_at,
        )
        search.reindex(order.customer_id)
        audit.record(actor, "create_parcel", "parcel", parcel.id, customer_id=order.customer_id)
    return parcel_dict(parcel)


# --- status from events ------------------------------------------------------------------------


_HANDED_OVER = frozenset(carriers.HANDED_OVER)


def fold(events) -> tuple[str, Any, Any, Any, Any]:
    """(status, last event, handover, first delivery, last pickup notice) from
    ``(occurred_at, status)`` pairs in time order (ties in arrival order).

    The one rule for a parcel's state: the latest event decides the status. Times pass
    through untouched, so the import can fold raw database values.
    """
    status, last, handed, delivered, pickup = "pending", None, None, None, None
    for occurred_at, event_status in events:
        status, last = event_status, occurred_at
        if handed is None and event_status in _HANDED_OVER:
            handed = occurred_at
        if event_status == "delivered" and delivered is None:
            delivered = occurred_at
        elif event_status == "available_for_pickup":
            pickup = occurred_at
    return status, last, handed, delivered, pickup


def derive(events: list[dict[str, Any]], pickup_days: int) -> dict[str, Any]:
    """Status, times and pickup deadline from a parcel's events (dicts, any order)."""
    ordered = sorted(events, key=lambda e: (e["occurred_at"], e.get("id") or 0))
    status, last, handed, delivered, pickup = fold((e["occurred_at"], e["status"]) for e in ordered)
    return {
        "status": status,
        "last_event_at": last,
        "shipped_at": handed,
        "delivered_at": delivered,
        "pickup_deadline": (
            pickup + pickup_days * DAY if status == "available_for_pickup" and pickup else None
        ),
    }


# --- the lost rule ---------------------------------------------------------------------------


def follow_up(parcel: Any, now: dt.datetime, rules: dict[str, int]) -> str | None:
    """Why a parcel needs chasing: ``no_event``, ``past_expected``, ``pickup_ending`` or None.

    ``parcel`` is anything with the Parcel's attributes. Each limit is inclusive: exactly
    ``lost_after_days`` without an event is already suspected.
    """
    if parcel.status in carriers.ACTIVE_STATUSES:
        last = parcel.last_event_at or parcel.shipped_at
        if last is not None and now - last >= rules["lost_after_days"] * DAY:
            return "no_event"
        expected = parcel.expected_at
        if expected is None and parcel.shipped_at is not None:
            expected = parcel.shipped_at + rules["transit_days"] * DAY
        if expected is not None and now - expected >= rules["overdue_days"] * DAY:
            return "past_expected"
    if parcel.status == "available_for_pickup" and parcel.pickup_deadline is not None:
        if parcel.pickup_deadline - now <= rules["pickup_warn_days"] * DAY:
            return "pickup_ending"
    return None


def _lost_condition(name: str, rules: dict[str, int], now: dt.datetime) -> pw.Expression:
    """The lost rule for one carrier as SQL (the same as ``follow_up``'s first two reasons)."""
    silent = now - rules["lost_after_days"] * DAY
    overdue = now - rules["overdue_days"] * DAY
    no_event = (Parcel.last_event_at <= silent) | (
        Parcel.last_event_at.is_null() & (Parcel.shipped_at <= silent)
    )
    past_expected = (Parcel.expected_at <= overdue) | (
        Parcel.expected_at.is_null() & (Parcel.shipped_at <= overdue - rules["transit_days"] * DAY)
    )
    return (Parcel.carrier == name) & (no_event | past_expected)


def flag_suspected(actor: Actor) -> int:
    """Flag every parcel the lost rule now catches; returns how many were newly flagged.

    One UPDATE over the parcels under way (the status index), each carrier's rule OR-ed.
    """
    permissions.require(actor, "follow_parcels")
    now = clock.now()
    unflagged = Parcel.suspected_lost_at.is_null() | (
        Parcel.last_event_at >= Parcel.suspected_lost_at
    )
    rules = [_lost_condition(name, r, now) for name, r in carriers.all_settings().items()]
    with write_transaction():
        flagged = (
            Parcel.update(suspected_lost_at=now)
            .where(
                Parcel.status.in_(carriers.ACTIVE_STATUSES)
                & unflagged
                & reduce(operator.or_, rules)
            )
            .execute()
        )
        if flagged:
            audit.record(actor, "flag_suspected_lost", "parcel", None, fields=["suspected_lost_at"])
    return flagged


# --- queues ----------------------------------------------------------------------------------


def _base(actor: Actor) -> pw.ModelSelect[Parcel]:
    query = (
        Parcel.select(
            Parcel,
            Order.id,
            Order.order_number,
            Order.customer,
            Customer.id,
            Customer.first_name,
            Customer.last_name,
        )
        .join(Order)
        .join(Customer)
    )
    if not permissions.allowed(actor, "view_restricted"):
        query = query.where((Order.restricted == False) & (Customer.restricted == False))  # noqa: E712
    return query


def _after(column: pw.Field, id_column: pw.Field, after: tuple | None) -> pw.ColumnBase:
    if after is None:
        return pw.SQL("1 = 1")
    value, last_id = after
    return (column > value) | ((column == value) & (id_column > last_id))


def _by_column(query, column, after, limit):
    rows = query.where(_after(column, Parcel.id, after)).order_by(column, Parcel.id).limit(limit)
    return [queue_row(p, getattr(p, column.name)) for p in rows]


def queue(
    actor: Actor, name: str, *, after: tuple | None = None, limit: int = PAGE
) -> list[dict[str, Any]]:
    """One page of a follow-up queue, keyset-paged by ``after`` (the last row's ``key``).

    in_transit: stalest first; awaiting_pickup: pickup deadline soonest first;
    suspected_lost: flagged earliest first; open_claims: claim deadline soonest first.
    """
    permissions.require(actor, "follow_parcels")
    if name not in QUEUES:
        raise ValidationError({"queue": "must be one of " + ", ".join(QUEUES)})
    if name == "in_transit":
        return _in_transit(actor, after, limit)
    if name == "awaiting_pickup":
        query = _base(actor).where(Parcel.status == "available_for_pickup")
        return _by_column(query, Parcel.pickup_deadline, after, limit)
    if name == "suspected_lost":
        rows = _by_column(_suspected(actor), Parcel.suspected_lost_at, after, limit)
        settings = carriers.all_settings()
        for row in rows:
            row["lost_since"] = lost_since(row, settings.get(row["carrier"]) or {})
        return rows
    return claims.open_claims_page(actor, after, limit)


def lost_since(parcel: dict[str, Any], rules: dict[str, int]) -> dt.datetime | None:
    """When the lost rule first caught the parcel (the flag itself may be set much later: the
    first run over an old register flags hundreds at once): the earlier of its last sign of
    life plus ``lost_after_days`` and its expected delivery plus ``overdue_days``, never later
    than the flag."""
    flagged = parcel.get("suspected_lost_at")
    if not rules:
        return flagged
    moments = []
    last = parcel.get("last_event_at") or parcel.get("shipped_at")
    if last is not None:
        moments.append(last + rules["lost_after_days"] * DAY)
    expected = parcel.get("expected_at")
    if expected is None and parcel.get("shipped_at") is not None:
        expected = parcel["shipped_at"] + rules["transit_days"] * DAY
    if expected is not None:
        moments.append(expected + rules["overdue_days"] * DAY)
    if flagged is not None:
        moments.append(flagged)
    return min(moments) if moments else None


def _suspected(actor: Actor) -> pw.ModelSelect[Parcel]:
    return _base(actor).where(
        Parcel.suspected_lost_at.is_null(False)
        & Parcel.status.in_(carriers.ACTIVE_STATUSES)
        & (Parcel.last_event_at.is_null() | (Parcel.last_event_at < Parcel.suspected_lost_at))
    )


def _in_transit(actor: Actor, after: tuple | None, limit: int) -> list[dict[str, Any]]:
    """One indexed, ordered query per status, merged: far cheaper than sorting an IN (...)."""
    pages = [
        _by_column(_base(actor).where(Parcel.status == status), Parcel.last_event_at, after, limit)
        for status in carriers.ACTIVE_STATUSES
    ]
    return list(heapq.merge(*pages, key=lambda r: (r["key"][0] or dt.datetime.min, r["key"][1])))[
        :limit
    ]


COUNT_CAP = 999


def counts(actor: Actor) -> dict[str, int]:
    """How many parcels each queue holds, counted up to ``COUNT_CAP + 1`` (shown as "999+"):
    an exact count of a large queue would cost more than the page itself."""
    permissions.require(actor, "follow_parcels")
    base = _base(actor)
    queries: dict[str, pw.ModelSelect[Any]] = {
        "in_transit": base.where(Parcel.status.in_(carriers.ACTIVE_STATUSES)),
        "awaiting_pickup": base.where(Parcel.status == "available_for_pickup"),
        "suspected_lost": _suspected(actor),
        "open_claims": claims.open_claims_query(actor),
    }
    return {name: query.limit(COUNT_CAP + 1).count() for name, query in queries.items()}


# --- retention -------------------------------------------------------------------------------


def purge_tracking_events(actor: Actor) -> int:
    """Delete tracking events of parcels delivered (or returned, or lost) longer ago than
    ``retention.tracking_event_days``: they hold names and pickup locations. Returns the count.

    For the retention job list (``finconsole retention run``).
    """
    from finconsole.core.settings import runtime

    permissions.require(actor, "purge_tracking_events")
    days = runtime.settings("retention")["tracking_event_days"]
    cutoff = clock.now() - days * DAY
    finished = Parcel.select(Parcel.id).where(
        ((Parcel.status == "delivered") & (Parcel.delivered_at <= cutoff))
        | (Parcel.status.in_(("returned_to_sender", "lost")) & (Parcel.last_event_at <= cutoff))
    )
    with write_transaction():
        deleted = TrackingEvent.delete().where(TrackingEvent.parcel.in_(finished)).execute()
        if deleted:
            audit.record(actor, "purge_tracking_events", "tracking_event", None)
    return deleted


# --- the daily overdue list ------------------------------------------------------------------


def overdue(actor: Actor) -> list[dict[str, Any]]:
    """What needs chasing today: suspected-lost parcels without an open claim, parcels whose
    pickup period is ending, and open claims nearing their deadline. Flags first."""
    permissions.require(actor, "follow_parcels")
    flag_suspected(actor)
    now = clock.now()
    all_rules = carriers.all_settings()
    rows: list[dict[str, Any]] = []
    open_claim = Claim.select(Claim.parcel).where(Claim.closed_at.is_null())
    for parcel in (
        _suspected(actor)
        .where(Parcel.id.not_in(open_claim))
        .order_by(Parcel.suspected_lost_at, Parcel.id)
    ):
        rules = all_rules.get(parcel.carrier, all_rules["other"])
        reason = follow_up(parcel, now, rules) or "no_event"
        rows.append(_overdue_row("suspected_lost", queue_row(parcel, None), reason=reason))
    for name, rules in all_rules.items():
        query = _base(actor).where(
            (Parcel.carrier == name)
            & (Parcel.status == "available_for_pickup")
            & (Parcel.pickup_deadline <= now + rules["pickup_warn_days"] * DAY)
        )
        for parcel in query.order_by(Parcel.pickup_deadline, Parcel.id):
            row = queue_row(parcel, None)
            rows.append(_overdue_row("pickup_ending", row, deadline=parcel.pickup_deadline))
    for row in claims.nearing_deadline(actor, now.date()):
        claim = row["claim"]
        rows.append(
            _overdue_row("claim_deadline", row, deadline=claim["deadline"], claim_id=claim["id"])
        )
    return rows


def _overdue_row(kind: str, row: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A flat record for scripts and mail: ids, codes and dates, no names."""
    data = {
        "kind": kind,
        "parcel_id": row["id"],
        "customer_id": row["customer_id"],
        "order_number": row["order_number"],
        "carrier": row["carrier"],
        "tracking_code": row["tracking_code"],
        "status": row["status"],
        "last_event_at": row["last_event_at"],
        "reason": kind,
        "deadline": None,
        "claim_id": None,
    }
    data.update(extra)
    return data
