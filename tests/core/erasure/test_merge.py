"""Merging a duplicate: everything moves to the kept record, the stricter objection wins, the
other record is gone for good, and the trail of both stays readable under the kept one."""

import io
from pathlib import Path

import pytest

from finconsole.core.access import audit
from finconsole.core.erasure import merge
from finconsole.core.kernel.errors import NotFound, PermissionDenied, ValidationError
from finconsole.core.register import audience, customers, find
from finconsole.core.store.db import is_sqlite
from finconsole.core.store.models import (
    Address,
    Customer,
    Disclosure,
    InquirySubject,
    Order,
    Parcel,
    Request,
    Task,
)
from finconsole.core.transparency import inquiries
from tests.factories import add_disclosure, add_order, add_request

OTHER_NAME = "Zqxwmergedcopy"


def _pair(officer):
    keep = customers.create(
        officer,
        {"first_name": "Anna", "last_name": "Virtanen", "email": "avirtanen@gmail.com"},
        {"street": "Kaskenkatu 6", "postcode": "20700", "city": "Turku"},
    )["id"]
    other = customers.create(
        officer,
        {
            "first_name": OTHER_NAME,
            "last_name": "Virtanen",
            "email": "AVirtanen@gmail.com",
            "phone": "040 435 4080",
            "note": "prefers email",
        },
        {"street": "Zqxwmergedkatu 1", "postcode": "00100", "city": "Helsinki"},
        allow_duplicate=True,
    )["id"]
    return keep, other


def test_merge_carries_everything_over(db, officer, clock):
    keep, other = _pair(officer)
    customers.set_objection(officer, other, "marketing", True)
    order = add_order(other, "W-9")
    add_request(other, "R-2026-0009", kind="access")
    add_disclosure(other)
    inquiry = {"authority": "Poliisi", "received_at": "2026-03-01", "scope": "one"}
    inquiries.record(officer, inquiry | {"customer_ids": [other]})
    inquiries.record(officer, inquiry | {"customer_ids": [keep, other], "scope": "several"})
    objected_at = Customer.get_by_id(other).objection_marketing_at

    done = merge.merge(officer, keep, other)

    assert done["moves"]["orders"] == 1 and done["moves"]["requests"] == 1
    assert Customer.get_or_none(Customer.id == other) is None
    kept = Customer.get_by_id(keep)
    assert kept.objection_marketing_at == objected_at  # the stricter objection wins
    assert kept.phone == "+358404354080" and kept.email == "avirtanen@gmail.com"
    assert "prefers email" in kept.note
    assert Order.get_by_id(order.id).customer_id == keep
    assert Parcel.select().join(Order).where(Order.customer == keep).count() == 1
    assert Request.get(Request.reference == "R-2026-0009").customer_id == keep
    assert Disclosure.select().where(Disclosure.customer == keep).count() == 1
    assert Task.select().where(Task.customer == other).count() == 0
    assert InquirySubject.select().where(InquirySubject.customer == keep).count() == 2
    streets = {a.street for a in Address.select().where(Address.customer == keep)}
    assert streets == {"Kaskenkatu 6", "Zqxwmergedkatu 1"}
    default = Address.get((Address.customer == keep) & Address.is_default)
    assert default.street == "Kaskenkatu 6"
    # the merged record's terms left the index; the kept one is found by the other's phone
    assert find.search(officer, OTHER_NAME) == []
    assert [r["id"] for r in find.search(officer, "0404354080")] == [keep]
    # the trail: the merge event, and the other record's history under the kept customer
    events = audit.search(officer, customer_id=keep, limit=500)
    assert events[0]["action"] == "merge_customer" and events[0]["target_id"] == other
    assert any(e["customer_id"] == other and e["action"] == "create_customer" for e in events)
    # the audience no longer mails the shared address: the objection is the person's
    out = io.StringIO()
    audience.write_csv(officer, "marketing", out)
    assert "avirtanen" not in out.getvalue().lower()


def test_merge_leaves_no_byte_of_the_other_record(db, db_url, officer, clock):
    if not is_sqlite():
        pytest.skip("byte-level check of the SQLite files")
    keep, other = _pair(officer)
    merge.merge(officer, keep, other)
    path = Path(db_url.removeprefix("sqlite:///"))
    data = b"".join(
        Path(str(path) + s).read_bytes()
        for s in ("", "-wal", "-journal")
        if Path(str(path) + s).exists()
    ).lower()
    assert b"zqxwmergedcopy" not in data and b"mergedcopy" not in data


def test_merge_is_the_officers_and_refuses_nonsense(db, officer, support, clock):
    keep, other = _pair(officer)
    with pytest.raises(PermissionDenied):
        merge.merge(support, keep, other)
    with pytest.raises(ValidationError):
        merge.merge(officer, keep, keep)
    with pytest.raises(NotFound):
        merge.merge(officer, keep, 999_999)
    Customer.update(restricted=True).where(Customer.id == other).execute()
    with pytest.raises(ValidationError) as err:
        merge.merge(officer, keep, other)
    assert "restricted" in str(err.value)
    assert Customer.select().count() == 2  # nothing written


def test_preview_counts_without_writing(db, officer, clock):
    keep, other = _pair(officer)
    add_order(other, "W-1")
    customers.set_objection(officer, keep, "statistics", True)
    seen = merge.preview(officer, keep, other)
    assert seen["moves"]["orders"] == 1 and seen["moves"]["addresses"] == 1
    assert seen["objections"]["statistics"] is not None
    assert Customer.select().count() == 2
