import pytest

from finconsole.core.kernel.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    PossibleDuplicate,
    ValidationError,
)
from finconsole.core.orders import orders
from finconsole.core.register import customers
from finconsole.core.store.models import AuditEvent, Customer


def make(actor, allow_duplicate=False, **kw):
    data = {
        "first_name": "Anna",
        "last_name": "Virtanen",
        "email": "anna@example.fi",
        "phone": "040 123 4567",
    }
    data.update(kw)
    return customers.create(
        actor,
        data,
        {"street": "Joutsentie 8", "postcode": "00730", "city": "Helsinki"},
        allow_duplicate=allow_duplicate,
    )


def test_create_normalises_phone_and_audits_fields_not_values(db, officer):
    c = make(officer)
    assert c["phone"] == "+358401234567"
    assert c["addresses"][0]["city"] == "Helsinki"
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert event.action == "create_customer"
    assert "email" in event.fields and "anna" not in event.fields


def test_same_number_in_two_formats(db, officer):
    a = make(officer, phone="+358401234567")
    with pytest.raises(PossibleDuplicate) as err:  # one number, however it is typed
        make(officer, phone="040-123 4567", email="b@example.fi", first_name="Bea")
    assert err.value.matches[0]["reasons"] == ["phone"]
    b = make(officer, phone="040-123 4567", email="b@example.fi", allow_duplicate=True)
    assert a["phone"] == b["phone"]


def test_duplicate_warning_on_create_names_each_reason(db, officer, support):
    a = make(officer)
    with pytest.raises(PossibleDuplicate) as err:
        make(support, email="ANNA@example.fi", phone="", first_name="Ann")
    assert [(m["id"], m["reasons"]) for m in err.value.matches] == [(a["id"], ["email"])]
    assert "anna" not in str(err.value).lower()  # ids only in the message
    with pytest.raises(PossibleDuplicate) as err:  # same name and address, new contact
        make(support, email="other@example.fi", phone="050 999 8888")
    assert err.value.matches[0]["reasons"] == ["name_address"]
    assert Customer.select().count() == 1  # nothing written
    make(support, email="other@example.fi", phone="050 999 8888", allow_duplicate=True)
    assert Customer.select().count() == 2


def test_duplicate_warning_on_edit_only_for_what_changed(db, officer):
    a = make(officer)
    b = make(officer, email="b@example.fi", phone="050 111 2222", first_name="Bea")
    with pytest.raises(PossibleDuplicate):
        customers.update(officer, b["id"], b["version"], {"email": "anna@example.fi"})
    shared = customers.update(
        officer, b["id"], b["version"], {"email": "anna@example.fi"}, allow_duplicate=True
    )
    # editing something else of a customer that shares an email warns no more
    customers.update(officer, shared["id"], shared["version"], {"note": "VIP"})
    with pytest.raises(PossibleDuplicate) as err:  # renamed to Anna at the same address
        customers.update(officer, b["id"], shared["version"] + 1, {"first_name": "Anna"})
    assert a["id"] in [m["id"] for m in err.value.matches]


def test_duplicate_warning_hides_restricted_customers_from_support(db, officer, support):
    a = make(officer)
    Customer.update(restricted=True).where(Customer.id == a["id"]).execute()
    customers.create(support, {"last_name": "X", "email": "anna@example.fi"})
    with pytest.raises(PossibleDuplicate):
        customers.create(officer, {"last_name": "Y", "email": "anna@example.fi"})


def test_validation_lists_every_bad_field(db, officer):
    with pytest.raises(ValidationError) as err:
        customers.create(officer, {"first_name": "A", "email": "not-an-email", "phone": "12"})
    assert set(err.value.fields) == {"email", "phone"}
    assert "not-an-email" not in str(err.value)
    with pytest.raises(ValidationError) as err:
        customers.create(officer, {"first_name": "A"}, {"postcode": "123"})
    assert err.value.fields == {"postcode": "must be 5 digits"}
    assert Customer.select().count() == 0


def test_name_required_and_control_characters_refused(db, officer):
    with pytest.raises(ValidationError, match="a name is required"):
        customers.create(officer, {"email": "x@example.fi"})
    with pytest.raises(ValidationError, match="control characters"):
        customers.create(officer, {"first_name": "A\x1b]0;pwn\x07"})


def test_update_with_optimistic_lock(db, officer, support):
    c = make(officer)
    original = {k: c[k] for k in customers.CUSTOMER_FIELDS}
    updated = customers.update(support, c["id"], c["version"], {"last_name": "Korhonen"}, original)
    assert updated["last_name"] == "Korhonen" and updated["version"] == c["version"] + 1
    with pytest.raises(Conflict) as err:
        customers.update(officer, c["id"], c["version"], {"email": "new@example.fi"}, original)
    assert err.value.fields == ["last_name"]
    assert customers.get(officer, c["id"])["email"] == "anna@example.fi"


def test_objection_records_date(db, officer, clock):
    c = make(officer)
    after = customers.set_objection(officer, c["id"], "marketing", True)
    assert after["objections"]["marketing"] == clock.now().replace(tzinfo=None)
    assert after["flags"] == ["marketing"]
    assert customers.set_objection(officer, c["id"], "marketing", False)["flags"] == []


def test_restricted_customer_hidden_from_support(db, officer, support):
    c = make(officer)
    Customer.update(restricted=True).where(Customer.id == c["id"]).execute()
    with pytest.raises(NotFound):
        customers.get(support, c["id"])
    assert customers.get(officer, c["id"])["restricted"] is True


def test_order_billing_is_officer_only(db, officer, support):
    c = make(officer)
    o = orders.create(
        support,
        c["id"],
        {"order_number": "FS-1001", "total_cents": 2590},
        [{"product": "Totoro plush", "quantity": 1, "unit_price_cents": 2590}],
    )
    with pytest.raises(PermissionDenied):
        orders.update_status(support, o["id"], o["version"], {"invoice_status": "open"})
    changed = orders.update_status(officer, o["id"], o["version"], {"invoice_status": "open"})
    assert changed["invoice_status"] == "open"
    assert orders.for_customer(officer, c["id"])[0]["lines"][0]["product"] == "Totoro plush"
    with pytest.raises(ValidationError):
        orders.create(officer, c["id"], {"order_number": "FS-1001"})
