import datetime as dt

import pytest

from finconsole.core.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationError
from finconsole.core.parcels import carriers, claims, parcels
from finconsole.core.settings import runtime
from finconsole.core.store.models import AuditEvent, Parcel
from tests.factories import at, make_order, make_parcel

RULES = carriers.settings("posti", {})


def test_deadline_law_defaults():
    opened = dt.date(2026, 3, 15)
    # expected 1.3. + 14 days = 15.3.; handover 1.3. + 28 = 29.3.: the earlier counts
    assert claims.deadline_for(RULES, at(1), at(1), opened) == dt.date(2027, 3, 15)
    # only the handover known: 28 days
    assert claims.deadline_for(RULES, at(1), None, opened) == dt.date(2027, 3, 29)
    # expected long after handover: handover + 28 is earlier
    assert claims.deadline_for(RULES, at(1), at(1) + dt.timedelta(days=20), opened) == dt.date(
        2027, 3, 29
    )
    # nothing known: from the day the claim was opened
    assert claims.deadline_for(RULES, None, None, opened) == dt.date(2027, 3, 15)


def test_deadline_follows_config(db, officer, clock):
    runtime.settings("carriers")["ups"] = {"claim_days": 60, "legal_lost_after_handover_days": 10}
    parcel = make_parcel(officer, code="1Z999AA10123456784", shipped_at=at(1))
    claim = claims.open_claim(officer, parcel["id"])
    assert claim["deadline"] == dt.date(2026, 3, 11) + dt.timedelta(days=60)


def test_claim_open_to_closed(db, support, clock):
    parcel = make_parcel(support, shipped_at=at(1))
    claim = claims.open_claim(support, parcel["id"], "asked Posti by phone")
    assert claim["opened_by"] == "sanna" and claim["closed_at"] is None
    with pytest.raises(Conflict):
        claims.open_claim(support, parcel["id"])
    informed = claims.record_customer_informed(support, claim["id"])
    assert informed["customer_informed_at"] == clock.now().replace(tzinfo=None)
    closed = claims.close_claim(support, claim["id"], "compensated", "paid 25 EUR")
    assert closed["outcome"] == "compensated"
    assert closed["notes"] == "asked Posti by phone\npaid 25 EUR"
    assert Parcel.get_by_id(parcel["id"]).status == "lost"
    with pytest.raises(Conflict):
        claims.close_claim(support, claim["id"], "found")
    with pytest.raises(Conflict):
        claims.record_customer_informed(support, claim["id"])
    actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert actions[-3:] == ["open_claim", "claim_customer_informed", "close_claim"]
    # closed: a new claim may be opened
    assert claims.open_claim(support, parcel["id"])["id"] != claim["id"]


def test_claim_errors(db, officer, support, clock):
    parcel = make_parcel(officer)
    claim = claims.open_claim(officer, parcel["id"])
    with pytest.raises(ValidationError) as err:
        claims.close_claim(officer, claim["id"], "vanished")
    assert "outcome" in err.value.fields
    with pytest.raises(ValidationError):
        claims.record_customer_informed(
            officer, claim["id"], clock.now().replace(tzinfo=None) + dt.timedelta(days=1)
        )
    with pytest.raises(NotFound):
        claims.open_claim(officer, 99999)
    with pytest.raises(NotFound):
        claims.close_claim(officer, 99999, "found")
    hidden = make_parcel(officer, make_order(officer, restricted=True))
    with pytest.raises(NotFound):
        claims.open_claim(support, hidden["id"])
    closed = claims.close_claim(officer, claim["id"], "found")
    assert closed["outcome"] == "found"
    assert Parcel.get_by_id(parcel["id"]).status == "pending"


def test_claim_permission_refused_for_unknown_role(db, clock):
    from finconsole.core.kernel.actor import Actor

    guest = Actor(user_id=9, username="guest", role="guest", channel="tui")
    with pytest.raises(PermissionDenied):
        claims.open_claim(guest, 1)
    with pytest.raises(PermissionDenied):
        parcels.queue(guest, "open_claims")


def test_open_claims_queue_and_overdue(db, officer, clock):
    soon = make_parcel(officer, shipped_at=at(1))
    later = make_parcel(officer, shipped_at=at(10))
    claim_later = claims.open_claim(officer, later["id"])
    claim_soon = claims.open_claim(officer, soon["id"])
    rows = parcels.queue(officer, "open_claims")
    assert [r["claim"]["id"] for r in rows] == [claim_soon["id"], claim_later["id"]]
    page2 = parcels.queue(officer, "open_claims", after=rows[0]["key"])
    assert [r["claim"]["id"] for r in page2] == [claim_later["id"]]
    assert parcels.overdue(officer) == []
    clock.advance(days=365 + 14 - 30)  # within 30 days of the first deadline
    kinds = [(r["kind"], r["claim_id"]) for r in parcels.overdue(officer)]
    assert kinds == [("claim_deadline", claim_soon["id"])]
