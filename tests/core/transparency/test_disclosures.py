import datetime as dt

import pytest

from finconsole.core.kernel.errors import PermissionDenied, ValidationError
from finconsole.core.register import customers
from finconsole.core.store.models import AuditEvent, Disclosure, Task
from finconsole.core.transparency import disclosures, tasks
from finconsole.core.transparency.disclosures import DisclosureRefused

TODAY = dt.date(2026, 3, 15)


@pytest.fixture
def customer(db, officer, clock):
    return customers.create(
        officer,
        {"first_name": "Aino", "last_name": "Virtanen", "email": "aino@example.fi"},
        {"street": "Kauppakatu 1", "postcode": "00100", "city": "Helsinki"},
    )


def _data(customer, **changes):
    data = {
        "customer_id": customer["id"],
        "recipient_name": "Perintä Oy",
        "recipient_kind": "debt_collection",
        "data_fields": "first_name, last_name, street",
        "customer_told_at": TODAY - dt.timedelta(days=14),
        "disclosed_at": TODAY,
    }
    data.update(changes)
    return data


def test_debt_collection_allowed_after_notice_days(officer, customer):
    result = disclosures.record(officer, _data(customer))
    assert result["data_fields"] == ["customer.first_name", "customer.last_name", "address.street"]
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert event.action == "record_disclosure"
    assert event.fields == "address.street,customer.first_name,customer.last_name"
    assert "Perintä" not in event.fields


def test_thirteen_days_notice_is_refused_naming_the_rule(officer, customer):
    told = TODAY - dt.timedelta(days=13)
    with pytest.raises(DisclosureRefused) as err:
        disclosures.record(officer, _data(customer, customer_told_at=told))
    assert err.value.rule == disclosures.RULE_NOTICE
    assert err.value.fields == {
        "disclosed_at": "must be at least 14 days after the customer was told (it is 13)"
    }
    assert "the customer is told first" in str(err.value)
    assert Disclosure.select().count() == 0


def test_invoicing_without_telling_the_customer_is_refused(officer, customer):
    with pytest.raises(DisclosureRefused) as err:
        disclosures.record(
            officer, _data(customer, recipient_kind="invoicing", customer_told_at=None)
        )
    assert "customer_told_at" in err.value.fields
    assert "told before" in err.value.fields["customer_told_at"]


def test_notice_days_come_from_the_config(officer, customer, runtime_config):
    runtime_config.data["disclosures"]["notice_days"] = 20
    with pytest.raises(DisclosureRefused):
        disclosures.record(officer, _data(customer))
    told = TODAY - dt.timedelta(days=20)
    assert disclosures.record(officer, _data(customer, customer_told_at=told))["id"]


def test_authority_needs_a_court_order(officer, customer):
    data = _data(customer, recipient_kind="authority", recipient_name="Poliisi")
    with pytest.raises(DisclosureRefused) as err:
        disclosures.record(officer, {**data, "court": "Helsingin käräjäoikeus"})
    assert err.value.rule == disclosures.RULE_COURT_ORDER
    assert set(err.value.fields) == {"court_order_date", "court_case_number"}
    order = {
        "court": "Helsingin käräjäoikeus",
        "court_order_date": "10.3.2026",
        "court_case_number": "R 26/1234",
        "customer_told_at": None,
    }
    result = disclosures.record(officer, {**data, **order})
    assert result["court_order_date"] == dt.date(2026, 3, 10)


def test_court_order_dated_after_the_disclosure_is_refused(officer, customer):
    data = _data(
        customer,
        recipient_kind="authority",
        court="KO",
        court_case_number="1",
        court_order_date=TODAY,
        disclosed_at=TODAY - dt.timedelta(days=1),
    )
    with pytest.raises(DisclosureRefused) as err:
        disclosures.record(officer, data)
    assert "court_order_date" in err.value.fields


def test_other_recipient_needs_a_legal_basis(officer, customer):
    data = _data(customer, recipient_kind="other", customer_told_at=None)
    with pytest.raises(DisclosureRefused) as err:
        disclosures.record(officer, data)
    assert err.value.rule == disclosures.RULE_LEGAL_BASIS
    assert disclosures.record(officer, {**data, "legal_basis": "Tullilaki 1 §"})["id"]


def test_bad_input_names_each_field(officer, customer):
    with pytest.raises(ValidationError) as err:
        disclosures.record(
            officer,
            _data(
                customer,
                customer_id=999,
                recipient_kind="friend",
                data_fields="email, shoe_size, status",
                disclosed_at="2026-04-01",
            ),
        )
    fields = err.value.fields
    assert not isinstance(err.value, DisclosureRefused)
    assert fields["customer_id"] == "no customer with id 999"
    assert "must be one of" in fields["recipient_kind"]
    assert "shoe_size" in fields["data_fields"]
    assert "future" in fields["disclosed_at"]


def test_unknown_field_message_never_repeats_what_looks_like_data(officer, customer):
    with pytest.raises(ValidationError) as err:
        disclosures.record(officer, _data(customer, data_fields="aino@example.fi"))
    assert "aino" not in str(err.value)
    assert "not a field the register stores" in err.value.fields["data_fields"]


def test_ambiguous_field_name_lists_the_choices(officer, customer):
    with pytest.raises(ValidationError) as err:
        disclosures.record(officer, _data(customer, data_fields="status"))
    assert "parcel.status" in err.value.fields["data_fields"]


def test_support_may_not_record_or_list(support, customer):
    with pytest.raises(PermissionDenied):
        disclosures.record(support, _data(customer))
    with pytest.raises(PermissionDenied):
        disclosures.list_disclosures(support)


def test_list_newest_first(officer, customer):
    first = disclosures.record(
        officer,
        _data(
            customer,
            disclosed_at=TODAY - dt.timedelta(days=1),
            customer_told_at=TODAY - dt.timedelta(days=30),
        ),
    )
    second = disclosures.record(officer, _data(customer))
    rows = disclosures.list_disclosures(officer, customer_id=customer["id"])
    assert [r["id"] for r in rows] == [second["id"], first["id"]]


def test_rectification_of_disclosed_field_creates_one_task(officer, support, customer):
    d = disclosures.record(officer, _data(customer))
    current = customers.get(officer, customer["id"], audit_view=False)
    current = customers.update(support, customer["id"], current["version"], {"email": "a@b.fi"})
    assert Task.select().count() == 0  # email was not disclosed
    current = customers.update(support, customer["id"], current["version"], {"last_name": "Koski"})
    customers.update(support, customer["id"], current["version"], {"first_name": "Aini"})
    open_tasks = tasks.open_tasks(officer)
    assert len(open_tasks) == 1
    task = open_tasks[0]
    assert task["kind"] == tasks.INFORM_RECIPIENTS
    assert task["disclosure_id"] == d["id"]
    assert task["due"] == TODAY
    assert task["description"].endswith("rectified: customer.last_name, customer.first_name")
    assert "Koski" not in task["description"] and "Aini" not in task["description"]


def test_address_rectification_creates_task(officer, customer):
    disclosures.record(officer, _data(customer))
    address = customer["addresses"][0]
    customers.update_address(officer, address["id"], address["version"], {"street": "Uusi 2"})
    [task] = tasks.open_tasks(officer)
    assert "address.street" in task["description"]


def test_after_erasure_tasks_keep_no_link_or_personal_data(officer, customer):
    d = disclosures.record(officer, _data(customer))
    ids = disclosures.after_erasure(customer["id"])
    task = Task.get_by_id(ids[0])
    assert task.customer_id is None and task.disclosure_id is None
    assert f"disclosure {d['id']}" in task.description and "Perintä Oy" in task.description
    for value in ("Aino", "Virtanen", "aino@example.fi", "Kauppakatu"):
        assert value not in task.description


def test_mark_task_done(officer, support, customer):
    disclosures.record(officer, _data(customer))
    disclosures.after_erasure(customer["id"])
    [task] = tasks.open_tasks(officer)
    with pytest.raises(PermissionDenied):
        tasks.mark_done(support, task["id"])
    done = tasks.mark_done(officer, task["id"])
    assert done["done_by"] == "kaj" and done["done_at"] is not None
    assert tasks.open_tasks(officer) == []
    assert [t["id"] for t in tasks.recent_done(officer)] == [task["id"]]
