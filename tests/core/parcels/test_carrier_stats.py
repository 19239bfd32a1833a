import datetime as dt

import pytest

from finconsole.core.kernel.errors import PermissionDenied, ValidationError
from finconsole.core.parcels import carrier_stats, claims
from finconsole.core.store.models import Parcel
from tests.factories import at, make_parcel, s10

PERIOD = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _parcel(officer, code, carrier, shipped, delivered=None, suspected=False):
    parcel = make_parcel(officer, code=code, carrier=carrier, shipped_at=shipped)
    Parcel.update(delivered_at=delivered, suspected_lost_at=at(14) if suspected else None).where(
        Parcel.id == parcel["id"]
    ).execute()
    return parcel


def test_performance_per_carrier(db, officer, clock):
    _parcel(officer, s10(1), "posti", at(1), at(2))
    _parcel(officer, s10(2), "posti", at(1), at(4))
    lost = _parcel(officer, s10(3), "posti", at(2), suspected=True)
    _parcel(officer, s10(4), "posti", at(2), at(3), suspected=True)
    _parcel(officer, "1Z999AA10123456784", "ups", at(3), at(5, 0))
    _parcel(officer, s10(5), "posti", dt.datetime(2026, 2, 27), at(2))  # before
    claims.open_claim(officer, lost["id"])
    rows = carrier_stats.performance(officer, *PERIOD)
    assert [r["carrier"] for r in rows] == ["posti", "ups"]
    posti, ups = rows
    assert (posti["sent"], posti["delivered"], posti["median_days"]) == (4, 3, 1.0)
    assert posti["suspected_lost_share"] == 0.5 and posti["claimed_share"] == 0.25
    assert (ups["sent"], ups["median_days"], ups["claimed_share"]) == (1, 1.5, 0.0)


def test_performance_refusals(db, officer, support):
    with pytest.raises(PermissionDenied):
        carrier_stats.performance(support, *PERIOD)
    with pytest.raises(ValidationError):
        carrier_stats.performance(officer, PERIOD[1], PERIOD[0])
    with pytest.raises(ValidationError):
        carrier_stats.performance(officer, dt.date(2020, 1, 1), dt.date(2026, 1, 1))
    assert carrier_stats.performance(officer, *PERIOD) == []
