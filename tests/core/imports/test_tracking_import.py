import json

import pytest

from finconsole.core.imports import tracking_import
from finconsole.core.imports.import_result import write_rejects
from finconsole.core.kernel.errors import PermissionDenied, ValidationError
from finconsole.core.store.models import Parcel, TrackingEvent
from tests.factories import at, make_parcel

CSV = """tracking_code,time,event_code,location,description
rr 123456785 fi,2026-03-10T09:00:00+02:00,68,,pre-information
RR123456785FI,2026-03-11T10:00:00Z,31,Vantaa,in transport
RR123456785FI,2026-03-12T08:30:00+02:00,91,Kallio,at the post office
RR999999995FI,2026-03-12T08:30:00+02:00,22,Nowhere,no such parcel
RR123456785FI,2026-03-12T09:00:00+02:00,12,Kallio,unknown code
RR123456785FI,2026-03-12 at nine,22,Kallio,not a time
RR123456785FI,2026-03-12T09:00:00+02:00,Aino Lahti,Kallio,a name in the code column
"""


@pytest.fixture
def parcel(db, officer, clock):
    return make_parcel(officer, code="RR123456785FI")


def test_csv_import_is_idempotent_and_reports_rejects(parcel, officer, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(CSV)
    result = tracking_import.import_file(officer, path)
    assert (result.created, result.unchanged) == (3, 0)
    assert [(r.line, r.reason) for r in result.rejects] == [
        (5, "unknown tracking code"),
        (6, "unknown event code '12' for posti"),
        (7, "time is not a date and time (ISO 8601, e.g. 2026-03-12T09:00:00+02:00)"),
        (8, "no event code or status posti knows"),
    ]
    row = Parcel.get_by_id(parcel["id"])
    assert row.status == "available_for_pickup"
    assert row.last_event_at == at(12, 6).replace(minute=30)  # 08:30 +02:00
    assert row.shipped_at == at(11, 10)
    assert row.pickup_deadline == at(19, 6).replace(minute=30)
    again = tracking_import.import_file(officer, path)
    assert (again.created, again.unchanged, again.rejected) == (0, 3, 4)
    assert TrackingEvent.select().count() == 3
    out = tmp_path / "rejects.csv"
    write_rejects(out, again.rejects)
    assert (
        out.read_text().splitlines()[1].startswith("5,unknown tracking code,rejected,RR999999995FI")
    )


def test_rejects_file_cells_never_run_as_formulas(tmp_path):
    from finconsole.core.imports.import_result import Reject

    out = tmp_path / "rejects.csv"
    write_rejects(
        out,
        [Reject(2, "bad row", {"name": "=1+1", "phone": "+358401234567", "@SUM(A1)": "-x"})],
        [Reject(3, "phone: kept as typed", {"name": "Aino"}, warning=True)],
    )
    # the header comes from the imported file as much as the cells do
    assert out.read_text().splitlines() == [
        "line,reason,kind,name,phone,'@SUM(A1)",
        "2,bad row,rejected,'=1+1,+358401234567,'-x",
        "3,phone: kept as typed,warning,Aino,,",
    ]


def test_jsonl_import_with_status_words_and_carrier(parcel, officer, tmp_path):
    lines = [
        {
            "tracking_code": "RR123456785FI",
            "time": "2026-03-11T10:00:00+00:00",
            "status": "in_transit",
        },
        {
            "tracking_code": "RR123456785FI",
            "carrier": "posti",
            "occurred_at": "2026-03-13T10:00:00+02:00",
            "event_code": "22",
            "location": "Kallio\x00",
        },
        {
            "tracking_code": "RR123456785FI",
            "carrier": "ups",
            "time": "2026-03-13T10:00:00Z",
            "status": "delivered",
        },
        "not an object",
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n{broken\n")
    result = tracking_import.import_file(officer, path)
    assert result.created == 2
    assert [(r.line, r.reason) for r in result.rejects] == [
        (3, "unknown tracking code"),
        (4, "is not a JSON object"),
        (6, "is not a JSON object"),
    ]
    row = Parcel.get_by_id(parcel["id"])
    assert row.status == "delivered" and row.delivered_at == at(13, 8)
    assert row.pickup_deadline is None
    event = TrackingEvent.get(TrackingEvent.code == "22")
    assert event.location == "Kallio"
    assert tracking_import.import_file(officer, path).created == 0


def test_late_older_event_does_not_change_status(parcel, officer, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("tracking_code,time,status\nRR123456785FI,2026-03-13T10:00:00Z,delivered\n")
    tracking_import.import_file(officer, path)
    path.write_text("tracking_code,time,event_code\nRR123456785FI,2026-03-11T10:00:00Z,31\n")
    tracking_import.import_file(officer, path)
    row = Parcel.get_by_id(parcel["id"])
    assert row.status == "delivered" and row.shipped_at == at(11, 10)


def test_file_without_needed_columns(parcel, officer, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,when\nx,y\n")
    with pytest.raises(ValidationError, match="tracking_code"):
        tracking_import.import_file(officer, path)
    path.write_text("")
    with pytest.raises(ValidationError, match="empty"):
        tracking_import.import_file(officer, path)


def test_ambiguous_code_needs_carrier(db, officer, clock, tmp_path):
    make_parcel(officer, code="ABCD12345", carrier="other")
    make_parcel(officer, code="ABCD12345", carrier="budbee")
    path = tmp_path / "a.csv"
    path.write_text(
        "tracking_code,carrier,time,status\n"
        "ABCD12345,,2026-03-13T10:00:00Z,delivered\n"
        "ABCD12345,Budbee,2026-03-13T10:00:00Z,delivered\n"
    )
    result = tracking_import.import_file(officer, path)
    assert result.created == 1
    assert [r.line for r in result.rejects] == [2]


def test_support_may_not_import(db, support, tmp_path):
    with pytest.raises(PermissionDenied):
        tracking_import.import_file(support, tmp_path / "x.csv")


def test_import_agrees_with_derive(parcel, officer, tmp_path):
    """The import's SQL and ``parcels.derive`` are the same rule."""
    import random

    from finconsole.core.parcels import parcels

    rng = random.Random(3)
    codes = ["68", "13", "31", "45", "56", "71", "22", "20", "91"]
    lines = ["tracking_code,time,event_code"]
    for _ in range(30):
        day, hour = rng.randint(1, 14), rng.choice([8, 9])
        lines.append(f"RR123456785FI,2026-03-{day:02d}T{hour:02d}:00:00Z,{rng.choice(codes)}")
    path = tmp_path / "random.csv"
    path.write_text("\n".join(lines) + "\n")
    tracking_import.import_file(officer, path)
    events = [
        {"occurred_at": e.occurred_at, "status": e.status, "id": e.id}
        for e in TrackingEvent.select()
    ]
    expected = parcels.derive(events, 7)
    row = Parcel.get_by_id(parcel["id"])
    for name, value in expected.items():
        assert getattr(row, name) == value, name


def test_progress_and_a_windows_1252_file(parcel, officer, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        b"tracking_code,time,event_code,location\n"
        b"RR123456785FI,2026-03-11T10:00:00Z,31,J\xe4rvenp\xe4\xe4\n"
    )
    calls = []
    result = tracking_import.import_file(officer, path, progress=lambda *a: calls.append(a))
    assert result.created == 1
    assert calls[-1] == (1, path.stat().st_size, path.stat().st_size)
    assert TrackingEvent.get().location == "Järvenpää"  # read as Windows-1252, not mangled


def test_missing_file_is_a_clear_error(db, officer, tmp_path):
    with pytest.raises(FileNotFoundError):
        tracking_import.import_file(officer, tmp_path / "nope.csv")


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_spreadsheet_delimiters(parcel, officer, tmp_path, delimiter):
    path = tmp_path / "excel.csv"
    header = delimiter.join(["Tracking_Code", "Time", "Event_Code", "Location"])
    line = delimiter.join(["RR123456785FI", "2026-03-11T10:00:00Z", "31", "Vantaa, Finland"])
    path.write_text(f"\ufeff{header}\n{line}\n", encoding="utf-8")
    result = tracking_import.import_file(officer, path)
    assert (result.created, result.rejected) == (1, 0)
    assert TrackingEvent.get().location == "Vantaa, Finland"


def test_year_0001_rejects_its_event_not_the_import(parcel, officer, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "tracking_code,time,event_code\n"
        "RR123456785FI,0001-01-01T00:00:00+02:00,31\n"
        "RR123456785FI,2026-03-11T10:00:00Z,31\n"
    )
    result = tracking_import.import_file(officer, path)
    assert (result.created, result.rejected) == (1, 1)
    assert result.rejects[0].line == 2
