import datetime as dt

import pytest

from finconsole.core.kernel.errors import PermissionDenied, ValidationError
from finconsole.core.register import customers
from finconsole.core.store.models import AuthorityInquiry, Task
from finconsole.core.transparency import inquiries, tasks


@pytest.fixture
def people(db, officer, clock):
    return [
        customers.create(officer, {"first_name": n, "last_name": "Testi"})["id"]
        for n in ("Aino", "Eino", "Veera")
    ]


def _inquiry(**changes):
    data = {
        "authority": "Helsingin poliisilaitos",
        "received_at": "2026-03-14",
        "scope": "one",
        "reference": "PO-2026-77",
        "description": "asked for order history",
    }
    data.update(changes)
    return data


def test_one_customer_inquiry_creates_a_task_due_today(officer, people):
    result = inquiries.record(officer, _inquiry(customer_ids=[people[0]]))
    [task] = tasks.open_tasks(officer)
    assert result["task_ids"] == [task["id"]]
    assert task["kind"] == tasks.TELL_CUSTOMER
    assert task["customer_id"] == people[0]
    assert task["due"] == dt.date(2026, 3, 15)
    assert "PO-2026-77" in task["description"]


def test_several_customers_one_task_each(officer, people):
    inquiries.record(officer, _inquiry(scope="several", customer_ids=f"{people[0]}, {people[2]}"))
    open_tasks = tasks.open_tasks(officer)
    assert sorted(t["customer_id"] for t in open_tasks) == [people[0], people[2]]
    assert inquiries.list_inquiries(officer)[0]["customer_ids"] == [people[0], people[2]]


def test_general_inquiry_creates_the_configured_publish_task(officer, people, runtime_config):
    runtime_config.data["disclosures"]["general_inquiry_action"] = "email every customer"
    inquiries.record(officer, _inquiry(scope="general"))
    [task] = tasks.open_tasks(officer)
    assert task["kind"] == tasks.PUBLISH_INQUIRY and task["customer_id"] is None
    assert task["description"].endswith("email every customer")


def test_scope_must_match_the_customers(officer, people):
    for scope, ids in (("one", people[:2]), ("several", people[:1]), ("general", people[:1])):
        with pytest.raises(ValidationError) as err:
            inquiries.record(officer, _inquiry(scope=scope, customer_ids=ids))
        assert "customer_ids" in err.value.fields
    assert AuthorityInquiry.select().count() == 0 and Task.select().count() == 0


def test_bad_input(officer, people):
    with pytest.raises(ValidationError) as err:
        inquiries.record(
            officer,
            _inquiry(authority="", received_at="32.1.2026", scope="all", customer_ids="1,x"),
        )
    assert set(err.value.fields) == {"authority", "received_at", "scope", "customer_ids"}
    with pytest.raises(ValidationError) as err:
        inquiries.record(officer, _inquiry(customer_ids=[999]))
    assert err.value.fields["customer_ids"] == "no customer with id 999"


def test_open_tasks_earliest_due_first(officer, people, clock):
    inquiries.record(officer, _inquiry(customer_ids=[people[1]]))
    clock.advance(days=-2)
    inquiries.record(officer, _inquiry(customer_ids=[people[2]], received_at="2026-03-12"))
    clock.advance(days=2)
    assert [t["customer_id"] for t in tasks.open_tasks(officer)] == [people[2], people[1]]
    assert tasks.open_tasks(officer)[0]["overdue"] is True


def test_support_may_not_record(support, people):
    with pytest.raises(PermissionDenied):
        inquiries.record(support, _inquiry(customer_ids=[people[0]]))
    with pytest.raises(PermissionDenied):
        tasks.open_tasks(support)


def test_erasure_removes_what_an_inquiry_says_of_the_person(db, officer, clock):
    from finconsole.core.erasure import erasure
    from finconsole.core.store.models import InquirySubject

    def person(first, last, **extra):
        data = {"first_name": first, "last_name": last, **extra}
        return customers.create(officer, data)["id"]

    alone = person("Pirjo", "Poistettava", email="pirjo@example.fi")
    quoted = person("Kalle", "Korhonen", email="kalle.k@example.fi", phone="040 123 4567")
    other = person("Eino", "Jäävä")
    inquiries.record(
        officer,
        _inquiry(customer_ids=[alone], description="Pirjo Poistettava, pirjo@example.fi, orders"),
    )
    inquiries.record(
        officer,
        _inquiry(
            scope="several",
            reference="PO-2026-78",
            customer_ids=[quoted, other],
            description="KORHONEN Kalle (kalle.k@example.fi, 040-123 4567) and Eino Jäävä: "
            "deliveries to Korhonen in March",
        ),
    )
    assert "inquiries" in {i.kind for i in erasure.preview(officer, alone).erased}
    letter = erasure.reply_letter(erasure.erase(officer, alone), "en")
    assert "authorities' inquiries said about you" in letter
    erasure.erase(officer, quoted)
    first, second = AuthorityInquiry.select().order_by(AuthorityInquiry.id)
    assert first.description == f"description removed: customer #{alone} was erased"
    assert (first.authority, first.reference) == ("Helsingin poliisilaitos", "PO-2026-77")
    assert second.description == (
        "[erased] ([erased], [erased]) and Eino Jäävä: deliveries to [erased] in March"
    )
    assert [s.customer_id for s in InquirySubject.select()] == [other]


def test_without_person_whole_words_any_spacing(db, officer):
    from finconsole.core.store.models import Customer

    pid = customers.create(
        officer, {"first_name": "Aino", "last_name": "Mäki", "phone": "+358401234567"}
    )["id"]
    person = Customer.get_by_id(pid)
    text = "AINO  MÄKI called from 040 123 4567; Mäkinen and Aino Virtanen too, +3584012345678"
    assert inquiries.without_person(text, person) == (
        "[erased] called from [erased]; Mäkinen and Aino Virtanen too, +3584012345678"
    )
