"""Carrier performance for the officer: per carrier over a period of handovers.

Parcels sent (handed over in the period), median days from handover to delivery, and the
share of those parcels ever flagged suspected lost and the share with a claim.
"""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

import peewee as pw

from finconsole.core.kernel import permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import ValidationError
from finconsole.core.parcels import carriers
from finconsole.core.store.db import tuples
from finconsole.core.store.models import Claim, Parcel

MAX_PERIOD_DAYS = 3 * 366


def performance(actor: Actor, since: dt.date, until: dt.date) -> list[dict[str, Any]]:
    """One row a carrier with parcels handed over from ``since`` to ``until`` (inclusive)."""
    permissions.require(actor, "view_carrier_performance")
    if not isinstance(since, dt.date) or not isinstance(until, dt.date):
        raise ValidationError({"period": "needs a start and an end date"})
    if until < since:
        raise ValidationError({"until": "must not be before the start"})
    if (until - since).days > MAX_PERIOD_DAYS:
        raise ValidationError({"period": "may be at most three years"})
    start = dt.datetime.combine(since, dt.time())
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
    in_period = (Parcel.shipped_at >= start) & (Parcel.shipped_at < end)
    claimed = {
        carrier: count
        for carrier, count in tuples(
            Claim.select(Parcel.carrier, pw.fn.COUNT(Claim.parcel.distinct()))
            .join(Parcel)
            .where(in_period)
            .group_by(Parcel.carrier)
        )
    }
    per_carrier: dict[str, dict[str, Any]] = {}
    rows = Parcel.select(
        Parcel.carrier, Parcel.shipped_at, Parcel.delivered_at, Parcel.suspected_lost_at
    ).where(in_period)
    for carrier, shipped, delivered, suspected in tuples(rows):
        entry = per_carrier.setdefault(carrier, {"sent": 0, "suspected": 0, "days": []})
        entry["sent"] += 1
        entry["suspected"] += suspected is not None
        if delivered is not None and delivered >= shipped:
            entry["days"].append((delivered - shipped).total_seconds() / 86400)
    return [_row(name, entry, claimed.get(name, 0)) for name, entry in _ordered(per_carrier)]


def _ordered(per_carrier: dict[str, dict[str, Any]]):
    order = list(carriers.CARRIERS)
    return sorted(
        per_carrier.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)
    )


def _row(name: str, entry: dict[str, Any], claimed: int) -> dict[str, Any]:
    sent = entry["sent"]
    return {
        "carrier": name,
        "carrier_name": carriers.CARRIERS.get(name, name),
        "sent": sent,
        "delivered": len(entry["days"]),
        "median_days": round(statistics.median(entry["days"]), 1) if entry["days"] else None,
        "suspected_lost_share": entry["suspected"] / sent if sent else 0.0,
        "claimed_share": claimed / sent if sent else 0.0,
    }
