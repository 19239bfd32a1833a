"""Issue 6 end to end: support records a phone erasure request, the officer executes it."""

import datetime as dt

from finconsole.core.erasure import erasure
from finconsole.core.orders import orders
from finconsole.core.register import customers, find
from finconsole.core.rights import requests
from finconsole.core.store.models import Customer, ErasureLedger, Request


def test_phone_request_to_complete_erasure(db, officer, support, clock):
    person = customers.create(
        support,
        {"first_name": "Pirjo", "last_name": "Poistettava", "email": "pirjo@example.fi"},
        {"street": "Kuusitie 3", "postcode": "00270", "city": "Helsinki"},
    )
    req = requests.record(
        support,
        {
            "kind": "erasure",
            "channel": "phone",
            "customer_id": person["id"],
            "identity_method": "called back on the number on file",
        },
    )
    requests.verify(support, req["id"], "called back on the number on file", True)
    done = requests.execute(officer, req["id"])
    assert done["status"] == "done"
    assert Customer.get_or_none(Customer.id == person["id"]) is None
    assert find.search(officer, "poistettava") == []
    assert ErasureLedger.select().where(ErasureLedger.customer_id == person["id"]).count() == 1
    assert Request.get_by_id(req["id"]).subject_description == ""


def test_invoiced_order_keeps_a_restricted_voucher(db, officer, clock):
    person = customers.create(officer, {"first_name": "Olli", "last_name": "Laskullinen"})
    orders.create(
        officer,
        person["id"],
        {
            "order_number": "FS-9",
            "invoice_status": "open",
            "billing_name": "Olli Laskullinen",
            "ordered_at": dt.datetime(2026, 2, 1),
        },
    )
    req = requests.record(
        officer,
        {
            "kind": "erasure",
            "channel": "email",
            "customer_id": person["id"],
            "identity_method": "signed email",
            "identity_verified": True,
        },
    )
    result = requests.execute(officer, req["id"])
    assert result["status"] == "waiting_for_hold"
    kept = erasure.preview(officer, person["id"]).kept
    assert {item.ref for item in kept if item.ref} == {"FS-9"}
    assert Customer.get_by_id(person["id"]).restricted


def test_erasure_request_reference_in_any_case(db, officer, clock):
    person = customers.create(officer, {"first_name": "Pia", "last_name": "Pienikirjain"})
    req = requests.record(
        officer, {"kind": "erasure", "channel": "email", "customer_id": person["id"]}
    )
    requests.verify(officer, req["id"], "replied from the address on file", True)
    result = erasure.erase(officer, person["id"], request_ref=f" {req['reference'].lower()} ")
    assert result.status == "complete"
    assert Request.get_by_id(req["id"]).status == "done"
