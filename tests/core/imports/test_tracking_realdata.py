"""Pakettikauppa/Posti status events as its API documentation gives them (realdata/derived/
tracking/*.jsonl, from tracking/pakettikauppa_api_documentation_README.md): ``status_code``,
``event_timestamp`` with no zone (the shop's local time), ``postcode`` and ``post_office``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from finconsole.core.imports import tracking_import
from finconsole.core.store.models import Parcel, TrackingEvent
from tests.factories import make_parcel

TRACKING = Path(__file__).parents[2] / "fixtures" / "realdata" / "derived" / "tracking"
DOCUMENTED = TRACKING / "pakettikauppa_status_response.jsonl"
RENAMED = TRACKING / "pakettikauppa_event_renamed_keys.jsonl"
CODE = "JJFI64574900000137203"


@pytest.fixture
def parcel(db, officer, clock):
    return make_parcel(officer, code=CODE)


def test_the_documented_status_event_imports(parcel, officer):
    result = tracking_import.import_file(officer, DOCUMENTED)
    assert (result.created, result.rejected) == (1, 0)
    event = TrackingEvent.get()
    # 17:34 in Helsinki on 30 September 2016 (EEST, +3)
    assert event.occurred_at == dt.datetime(2016, 9, 30, 14, 34)
    assert (event.code, event.status, event.location) == ("68", "info_received", "87700 KAJAANI")
    assert Parcel.get_by_id(parcel["id"]).carrier == "posti"


def test_the_same_event_with_an_offset_is_the_same_instant(parcel, officer):
    assert tracking_import.import_file(officer, RENAMED).created == 1
    # the documented form, imported after it, is recognised as the same event
    again = tracking_import.import_file(officer, DOCUMENTED)
    assert (again.created, again.unchanged) == (0, 1)
    assert TrackingEvent.select().count() == 1


@pytest.mark.parametrize(
    ("timestamp", "instant"),
    [
        ("2026-01-15 08:00:00", dt.datetime(2026, 1, 15, 6, 0)),  # EET, +2
        ("2026-07-15 08:00:00", dt.datetime(2026, 7, 15, 5, 0)),  # EEST, +3
        ("15.7.2026 8.00", dt.datetime(2026, 7, 15, 5, 0)),
        ("2026-07-15T08:00:00+02:00", dt.datetime(2026, 7, 15, 6, 0)),
    ],
)
def test_times_without_a_zone_are_the_shops(parcel, officer, tmp_path, timestamp, instant):
    path = tmp_path / "events.jsonl"
    event = {"tracking_code": CODE, "status_code": "31", "event_timestamp": timestamp}
    path.write_text(json.dumps(event) + "\n", encoding="utf-8")
    assert tracking_import.import_file(officer, path).created == 1
    assert TrackingEvent.get().occurred_at == instant


@pytest.mark.parametrize("timestamp", ["0001-01-01T00:00:00+02:00", "0001-01-01 00:00:00"])
def test_a_year_one_time_is_a_reject_not_a_crash(parcel, officer, tmp_path, timestamp):
    path = tmp_path / "events.jsonl"
    event = {"tracking_code": CODE, "status_code": "31", "event_timestamp": timestamp}
    path.write_text(json.dumps(event) + "\n", encoding="utf-8")
    result = tracking_import.import_file(officer, path)
    assert [r.reason for r in result.rejects] == [tracking_import.TIME_REJECT]


def test_the_documented_response_array_saved_whole_imports(parcel, officer, tmp_path):
    """The README's "Get Shipment status" response as the API returns it: one JSON array."""
    events = [json.loads(line) for line in DOCUMENTED.read_text(encoding="utf-8").splitlines()]
    path = tmp_path / "response.json"
    path.write_text(json.dumps(events + ["not an event"], indent=2), encoding="utf-8")
    result = tracking_import.import_file(officer, path)
    assert result.created == 1
    assert [(r.line, r.reason) for r in result.rejects] == [(2, "is not a JSON object")]
    assert TrackingEvent.get().location == "87700 KAJAANI"
