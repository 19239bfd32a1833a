import datetime as dt
from types import SimpleNamespace

import pytest

from finconsole.core.kernel.errors import NotFound, PermissionDenied, ValidationError
from finconsole.core.parcels import carriers, parcels
from finconsole.core.store.models import AuditEvent, Parcel, TrackingEvent
from tests.factories import at, make_order, make_parcel

RULES = carriers.settings("posti", {})  # lost_after 7, transit 2, overdue 5, pickup warn 2
NOW = at(15)


def p(status="in_transit", **times):
    values = dict(shipped_at=None, expected_at=None, last_event_at=None, pickup_deadline=None)
    values.update(times)
    return SimpleNamespace(status=status, **values)


def ev(day, status, hour=12, id=0):
    return {"occurred_at": at(day, hour), "status": status, "id": id}


def test_derive_status_from_latest_event():
    events = [ev(10, "in_transit", id=2), ev(9, "info_received", id=1), ev(12, "delivered", id=3)]
    result = parcels.derive(events, 7)
    assert result["status"] == "delivered"
    assert result["last_event_at"] == at(12)
    assert result["shipped_at"] == at(10)
    assert result["delivered_at"] == at(12)
    assert result["pickup_deadline"] is None


def test_derive_pickup_deadline_and_ties():
    events = [ev(10, "in_transit", id=1), ev(11, "available_for_pickup", id=2)]
    assert parcels.derive(events, 7)["pickup_deadline"] == at(18)
    tie = [ev(11, "out_for_delivery", id=5), ev(11, "attempt_failed", id=6)]
    assert parcels.derive(tie, 7)["status"] == "attempt_failed"
    assert parcels.derive([], 7)["status"] == "pending"


@pytest.mark.parametrize(
    "parcel,reason",
    [
        (p(last_event_at=NOW - dt.timedelta(days=7)), "no_event"),
        (p(last_event_at=NOW - dt.timedelta(days=7) + dt.timedelta(seconds=1)), None),
        (p(shipped_at=NOW - dt.timedelta(days=7)), "no_event"),
        # transit 2 + overdue 5 = 7 days after handover with no expected date
        (
            p(shipped_at=NOW - dt.timedelta(days=6), last_event_at=NOW - dt.timedelta(days=1)),
            None,
        ),
        (p(expected_at=NOW - dt.timedelta(days=5), last_event_at=NOW), "past_expected"),
        (p(expected_at=NOW - dt.timedelta(days=5, seconds=-1), last_event_at=NOW), None),
        (p("delivered", last_event_at=NOW - dt.timedelta(days=30)), None),
        (p("info_received", last_event_at=NOW - dt.timedelta(days=30)), None),
        (p("available_for_pickup", pickup_deadline=NOW + dt.timedelta(days=2)), "pickup_ending"),
        (p("available_for_pickup", pickup_deadline=NOW + dt.timedelta(days=2, seconds=1)), None),
        (p("available_for_pickup", pickup_deadline=NOW - dt.timedelta(days=1)), "pickup_ending"),
    ],
)
def test_lost_rule_boundaries(parcel, reason):
    assert parcels.follow_up(parcel, NOW, RULES) == reason


def test_create_parcel_validates_and_detects(db, officer, clock):
    order = make_order(officer)
    parcel = parcels.create(officer, order["id"], "rr 123456785 fi")
    assert (parcel["carrier"], parcel["tracking_code"]) == ("posti", "RR123456785FI")
    assert parcel["status"] == "pending"
    with pytest.raises(ValidationError) as err:
        parcels.create(officer, order["id"], "RR123456785FI")
    assert "tracking_code" in err.value.fields
    with pytest.raises(ValidationError):
        parcels.create(officer, order["id"], "RR123456784FI")
    with pytest.raises(NotFound):
        parcels.create(officer, 999999, "RR123456785FI", "postnord")
    assert AuditEvent.select().where(AuditEvent.action == "create_parcel").count() == 1


def test_restricted_order_parcels_hidden_from_support(db, officer, support, clock):
    order = make_order(officer, restricted=True)
    parcel = make_parcel(officer, order)
    assert parcels.get(officer, parcel["id"])["id"] == parcel["id"]
    with pytest.raises(NotFound):
        parcels.get(support, parcel["id"])
    with pytest.raises(NotFound):
        make_parcel(support, order)


def _add_events(parcel_id, *events):
    for day, status in events:
        TrackingEvent.create(parcel=parcel_id, occurred_at=at(day), code=status, status=status)
    last = max(at(day) for day, _ in events)
    status = max(events)[1]
    Parcel.update(status=status, last_event_at=last, shipped_at=at(events[0][0])).where(
        Parcel.id == parcel_id
    ).execute()


def test_flag_suspected_and_queue(db, officer, support, clock):
    stale = make_parcel(officer)
    fresh = make_parcel(officer)
    _add_events(stale["id"], (5, "in_transit"), (8, "in_transit"))  # 7 days silent at the 15th
    _add_events(fresh["id"], (13, "in_transit"), (14, "in_transit"))
    assert parcels.flag_suspected(support) == 1
    assert parcels.flag_suspected(support) == 0  # already flagged
    rows = parcels.queue(support, "suspected_lost")
    assert [r["id"] for r in rows] == [stale["id"]]
    assert rows[0]["customer_name"] == "Aino Lahti"
    # a newer event takes it out of the queue; silence again flags it again
    _add_events(stale["id"], (15, "in_transit"))
    assert parcels.queue(support, "suspected_lost") == []
    clock.advance(days=7)
    assert parcels.flag_suspected(support) == 2


def test_in_transit_queue_pages_stalest_first(db, officer, clock):
    ids = []
    for day, status in [(3, "in_transit"), (1, "exception"), (2, "out_for_delivery")]:
        parcel = make_parcel(officer)
        _add_events(parcel["id"], (day, status))
        ids.append(parcel["id"])
    delivered = make_parcel(officer)
    _add_events(delivered["id"], (4, "delivered"))
    first = parcels.queue(officer, "in_transit", limit=2)
    assert [r["id"] for r in first] == [ids[1], ids[2]]
    rest = parcels.queue(officer, "in_transit", after=first[-1]["key"], limit=2)
    assert [r["id"] for r in rest] == [ids[0]]
    assert parcels.counts(officer)["in_transit"] == 3


def test_awaiting_pickup_queue_and_overdue(db, officer, clock):
    ending = make_parcel(officer)
    later = make_parcel(officer)
    Parcel.update(status="available_for_pickup", pickup_deadline=at(16)).where(
        Parcel.id == ending["id"]
    ).execute()
    Parcel.update(status="available_for_pickup", pickup_deadline=at(21)).where(
        Parcel.id == later["id"]
    ).execute()
    rows = parcels.queue(officer, "awaiting_pickup")
    assert [r["id"] for r in rows] == [ending["id"], later["id"]]
    overdue = parcels.overdue(officer)
    assert [(r["kind"], r["parcel_id"]) for r in overdue] == [("pickup_ending", ending["id"])]


def test_unknown_queue_and_permissions(db, officer, support):
    with pytest.raises(ValidationError):
        parcels.queue(officer, "everything")
    with pytest.raises(PermissionDenied):
        parcels.purge_tracking_events(support)


def test_purge_tracking_events(db, officer, clock):
    old = make_parcel(officer)
    recent = make_parcel(officer)
    _add_events(old["id"], (1, "in_transit"), (2, "delivered"))
    _add_events(recent["id"], (10, "in_transit"), (11, "delivered"))
    Parcel.update(delivered_at=at(2)).where(Parcel.id == old["id"]).execute()
    Parcel.update(delivered_at=at(11)).where(Parcel.id == recent["id"]).execute()
    from finconsole.core.settings import runtime

    runtime.settings("retention")["tracking_event_days"] = 10
    assert parcels.purge_tracking_events(officer) == 2
    assert TrackingEvent.select().where(TrackingEvent.parcel == old["id"]).count() == 0
    assert TrackingEvent.select().where(TrackingEvent.parcel == recent["id"]).count() == 2
    assert parcels.purge_tracking_events(officer) == 0


def test_get_find_and_for_order(db, officer, support, clock):
    order = make_order(officer)
    parcel = make_parcel(officer, order, code="JJFI 1234 5678 9012", shipped_at=at(1))
    _add_events(parcel["id"], (2, "in_transit"), (3, "out_for_delivery"))
    data = parcels.get(support, parcel["id"])
    assert (data["order_id"], data["order_number"]) == (order["id"], order["order_number"])
    assert [e["status"] for e in data["events"]] == ["out_for_delivery", "in_transit"]
    assert data["follow_up"] == "no_event" and data["claims"] == []
    assert [p["id"] for p in parcels.find_by_code(support, "jjfi123456789012")] == [parcel["id"]]
    assert [p["id"] for p in parcels.for_order(support, order["id"])] == [parcel["id"]]
    with pytest.raises(NotFound):
        parcels.get(support, 424242)
    with pytest.raises(NotFound):
        parcels.for_order(support, 424242)
    hidden = make_order(officer, restricted=True)
    make_parcel(officer, hidden, code="JJFI99999999999")
    assert parcels.find_by_code(support, "JJFI99999999999") == []
    assert len(parcels.find_by_code(officer, "JJFI99999999999")) == 1


def test_retention_run_purges_tracking_events(db, officer, clock):
    from finconsole.core.erasure import retention
    from finconsole.core.settings import runtime

    parcel = make_parcel(officer)
    _add_events(parcel["id"], (1, "in_transit"), (2, "delivered"))
    Parcel.update(delivered_at=at(2)).where(Parcel.id == parcel["id"]).execute()
    runtime.settings("retention")["tracking_event_days"] = 10
    report = retention.run(officer)
    assert report.done["purge_tracking_events"] == 2 and report.ok
