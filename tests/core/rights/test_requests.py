import datetime as dt

import pytest

from finconsole.core.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationError
from finconsole.core.register import customers
from finconsole.core.rights import requests
from finconsole.core.rights.requests import add_months
from finconsole.core.store.models import AuditEvent, Customer

D = dt.date


def make_customer(actor, **kw):
    data = {"first_name": "Anna", "last_name": "Virtanen", "email": "anna@example.fi"}
    data.update(kw)
    return customers.create(actor, data)


def phone_request(actor, customer_id=None, **kw):
    data = {
        "kind": "objection",
        "objection_purpose": "marketing",
        "channel": "phone",
        "customer_id": customer_id,
        "subject_description": "" if customer_id else "caller said she is Anna V.",
    }
    data.update(kw)
    return requests.record(actor, data)


# --- deadline arithmetic ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 12, 31), 1, D(2027, 1, 31)),  # year boundary
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2027, 11, 30), 3, D(2028, 2, 29)),
        (D(2026, 1, 31), 3, D(2026, 4, 30)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def test_deadline_one_calendar_month_from_receipt(db, officer, clock):
    req = phone_request(officer, subject_description="x", received_at="2026-01-31")
    assert req["deadline"] == D(2026, 2, 28)
    assert req["due"] == D(2026, 2, 28)
    assert req["reference"] == "R-2026-0001"
    assert req["urgency"] == "overdue"  # the clock says 15 March


def test_urgency_markers():
    today = D(2026, 3, 15)
    assert requests.urgency(D(2026, 3, 14), "new", today) == "overdue"
    assert requests.urgency(D(2026, 3, 15), "new", today) == "due_soon"
    assert requests.urgency(D(2026, 3, 22), "in_progress", today) == "due_soon"
    assert requests.urgency(D(2026, 3, 23), "new", today) == ""
    assert requests.urgency(D(2026, 3, 1), "done", today) == ""


def test_finnish_dates_accepted(db, officer, clock):
    req = phone_request(officer, subject_description="x", received_at="31.1.2026")
    assert req["deadline"] == D(2026, 2, 28)
    with pytest.raises(ValidationError, match="received_at: is not a date"):
        phone_request(officer, subject_description="x", received_at="31.2.2026")


def test_received_in_future_refused(db, officer, clock):
    with pytest.raises(ValidationError) as err:
        phone_request(officer, subject_description="x", received_at="2026-03-16")
    assert "received_at" in err.value.fields


# --- recording -------------------------------------------------------------------------------


def test_support_records_phone_request_for_unknown_person(db, support, officer, clock):
    req = phone_request(support)
    assert req["customer_id"] is None and req["status"] == "new"
    assert req["created_by"] == "sanna"
    assert req["deadline"] == D(2026, 4, 15)
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert event.action == "record_request" and "Anna" not in event.fields
    c = make_customer(officer)
    linked = requests.link_customer(support, req["id"], c["id"])
    assert linked["customer_id"] == c["id"]


def test_references_are_numbered_per_year(db, officer, clock):
    refs = [phone_request(officer, subject_description="x")["reference"] for _ in range(3)]
    assert refs == ["R-2026-0001", "R-2026-0002", "R-2026-0003"]
    clock.advance(days=365)
    assert phone_request(officer, subject_description="x")["reference"] == "R-2027-0001"


def test_record_validation_names_every_field(db, support, clock):
    with pytest.raises(ValidationError) as err:
        requests.record(support, {"kind": "gossip", "channel": "pigeon", "customer_id": "abc"})
    assert set(err.value.fields) >= {"kind", "channel", "customer_id"}
    with pytest.raises(ValidationError) as err:
        requests.record(support, {"kind": "objection", "channel": "email", "customer_id": 999})
    assert set(err.value.fields) >= {"objection_purpose", "customer_id"}
    with pytest.raises(ValidationError) as err:
        requests.record(support, {"kind": "access", "channel": "email"})
    assert "subject_description" in err.value.fields
    with pytest.raises(ValidationError) as err:
        phone_request(support, identity_verified=True)
    assert "identity_method" in err.value.fields


def test_verify_moves_status(db, support, clock):
    req = phone_request(support)
    req = requests.verify(support, req["id"], "called back the number on file", False)
    assert req["status"] == "verifying" and not req["identity_verified"]
    req = requests.verify(support, req["id"], "asked order number and postcode", True)
    assert req["status"] == "in_progress" and req["identity_verified"]
    with pytest.raises(ValidationError):
        requests.verify(support, req["id"], "", True)


def test_stale_version_is_a_conflict(db, officer, clock):
    req = phone_request(officer)
    requests.verify(officer, req["id"], "id card", True, version=req["version"])
    with pytest.raises(Conflict):
        requests.verify(officer, req["id"], "passport", True, version=req["version"])


# --- permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda a, r: requests.execute(a, r),
        lambda a, r: requests.refuse(a, r, "manifestly unfounded"),
        lambda a, r: requests.extend(a, r, 1, "complex", "2026-03-15"),
        lambda a, r: requests.close(a, r, "done"),
    ],
)
def test_support_may_not_execute_refuse_extend_close(db, support, call, clock):
    req = phone_request(support)
    with pytest.raises(PermissionDenied):
        call(support, req["id"])
    assert requests.get(support, req["id"])["status"] == "new"


# --- extension -------------------------------------------------------------------------------


def test_extend_needs_reason_and_told_date_within_first_month(db, officer, clock):
    req = phone_request(officer, received_at="2026-01-31")  # deadline 28 Feb
    with pytest.raises(ValidationError) as err:
        requests.extend(officer, req["id"], 2, "", None)
    assert set(err.value.fields) == {"extension_reason", "extension_told_at"}
    with pytest.raises(ValidationError) as err:
        requests.extend(officer, req["id"], 3, "many requests", "2026-02-10")
    assert "months" in err.value.fields
    with pytest.raises(ValidationError, match="within the first month"):
        requests.extend(officer, req["id"], 2, "many requests", "2026-03-01")
    with pytest.raises(ValidationError, match="before the request"):
        requests.extend(officer, req["id"], 2, "many requests", "2026-01-30")
    done = requests.extend(officer, req["id"], 2, "many requests", "2026-02-28")
    assert done["extended_until"] == D(2026, 4, 30)
    assert done["due"] == D(2026, 4, 30) and done["deadline"] == D(2026, 2, 28)
    assert done["handled_by"] == "kaj"


def test_extension_limit_follows_config(db, officer, clock, runtime_config):
    runtime_config.data["requests"]["max_extension_months"] = 1
    req = phone_request(officer, received_at="2026-03-01")
    with pytest.raises(ValidationError):
        requests.extend(officer, req["id"], 2, "complex", "2026-03-02")
    assert requests.extend(officer, req["id"], 1, "complex", "2026-03-02")["due"] == D(2026, 5, 1)


# --- refusing, closing, executing ------------------------------------------------------------


def test_refuse_needs_reason_and_is_final(db, officer, clock):
    req = phone_request(officer)
    with pytest.raises(ValidationError):
        requests.refuse(officer, req["id"], "  ")
    refused = requests.refuse(officer, req["id"], "identity could not be verified")
    assert refused["status"] == "refused" and refused["closed_at"] is not None
    with pytest.raises(Conflict):
        requests.close(officer, req["id"], "done anyway")
    assert requests.list_open(officer) == []


def test_execute_objection_sets_flag(db, officer, support, clock):
    c = make_customer(officer)
    req = phone_request(support, c["id"])
    with pytest.raises(ValidationError, match="verify"):
        requests.execute(officer, req["id"])
    requests.verify(support, req["id"], "order number + postcode", True)
    done = requests.execute(officer, req["id"])
    assert done["status"] == "done" and "marketing" in done["outcome"]
    assert Customer.get_by_id(c["id"]).objection_marketing_at is not None
    with pytest.raises(Conflict):
        requests.execute(officer, req["id"])


def test_execute_needs_linked_customer(db, officer, clock):
    req = phone_request(officer, identity_method="id card", identity_verified=True)
    with pytest.raises(ValidationError) as err:
        requests.execute(officer, req["id"])
    assert "customer_id" in err.value.fields


def test_execute_restriction(db, officer, support, clock):
    c = make_customer(officer)
    req = phone_request(
        officer,
        c["id"],
        kind="restriction",
        objection_purpose=None,
        identity_method="id card",
        identity_verified=True,
    )
    assert requests.execute(officer, req["id"])["status"] == "done"
    assert Customer.get_by_id(c["id"]).restricted
    with pytest.raises(NotFound):
        customers.get(support, c["id"])
    assert requests.get(support, req["id"])["customer_name"] == "(restricted)"


def test_execute_rectification_needs_outcome(db, officer, clock):
    c = make_customer(officer)
    req = phone_request(
        officer,
        c["id"],
        kind="rectification",
        objection_purpose=None,
        identity_method="email from address on file",
        identity_verified=True,
    )
    with pytest.raises(ValidationError, match="outcome"):
        requests.execute(officer, req["id"])
    done = requests.execute(officer, req["id"], outcome="last name corrected")
    assert done["outcome"] == "last name corrected"


def test_execute_access_writes_export(db, officer, clock, tmp_path):
    c = make_customer(officer)
    req = phone_request(
        officer,
        c["id"],
        kind="access",
        objection_purpose=None,
        identity_method="signed letter",
        identity_verified=True,
    )
    with pytest.raises(ValidationError, match="path"):
        requests.execute(officer, req["id"])
    out = tmp_path / "copy.txt"
    done = requests.execute(officer, req["id"], path=str(out), lang="en")
    assert done["status"] == "done" and "Virtanen" in out.read_text()
    assert (out.stat().st_mode & 0o777) == 0o600


def test_list_open_sorted_by_deadline_in_force(db, officer, clock):
    late = phone_request(officer, received_at="2026-03-10")
    early = phone_request(officer, received_at="2026-02-20")
    closed = phone_request(officer, received_at="2026-01-01")
    requests.refuse(officer, closed["id"], "duplicate")
    requests.extend(officer, early["id"], 2, "complex", "2026-03-01")
    assert [r["reference"] for r in requests.list_open(officer)] == [
        late["reference"],
        early["reference"],
    ]


def test_complete_by_reference(db, officer, clock):
    req = phone_request(officer)
    held = requests.complete(officer, req["reference"], "kept invoices", status="waiting_for_hold")
    assert held["status"] == "waiting_for_hold" and held["closed_at"] is None
    assert requests.complete(officer, req["reference"], "erased")["status"] == "done"
    with pytest.raises(NotFound):
        requests.complete(officer, "R-1999-0001", "x")


def test_link_customer_validates(db, support, clock):
    req = phone_request(support)
    c = make_customer(support)
    with pytest.raises(ValidationError, match="customer_id"):
        requests.link_customer(support, req["id"], "")
    with pytest.raises(ValidationError, match="no customer with id 42"):
        requests.link_customer(support, req["id"], "42")
    with pytest.raises(NotFound):
        requests.link_customer(support, 999, str(c["id"]))
    Customer.update(restricted=True).where(Customer.id == c["id"]).execute()
    with pytest.raises(ValidationError, match="no customer with id"):
        requests.link_customer(support, req["id"], c["id"])


def test_execute_erasure_hands_over_to_erasure_service(db, officer, clock, monkeypatch):
    from finconsole.core.erasure import erasure as erasure_service

    calls = []

    def erase(actor, customer_id, *, request_ref=None):
        calls.append((customer_id, request_ref))
        return requests.complete(actor, request_ref, "erased everything")

    monkeypatch.setattr(erasure_service, "erase", erase)
    c = make_customer(officer)
    req = phone_request(
        officer,
        c["id"],
        kind="erasure",
        objection_purpose=None,
        identity_method="id card",
        identity_verified=True,
    )
    done = requests.execute(officer, req["id"])
    assert calls == [(c["id"], req["reference"])]
    assert done["status"] == "done" and done["outcome"] == "erased everything"
