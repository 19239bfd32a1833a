import pytest

from finconsole.core.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationError
from finconsole.core.orders import orders
from finconsole.core.register import customers
from finconsole.core.store.models import AuditEvent, Customer


def make(actor, **kw):
    data = {
        "first_name": "Anna",
        "last_name": "Virtanen",
        "email": "anna@example.fi",
        "phone": "040 123 4567",
    }
    data.update(kw)
    return customers.create(
        actor, data, {"street": "Joutsentie 8", "postcode": "00730", "city": "Helsinki"}
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
    b = make(officer, phone="040-123 4567", email="b@example.fi")
    assert a["phone"] == b["phone"]


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
