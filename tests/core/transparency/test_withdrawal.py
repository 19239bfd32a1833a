"""A disclosure or inquiry recorded by mistake is withdrawn (audited, with a reason), not
deleted: its open tasks close, its unsent notices are cancelled, Art 19 skips it."""

import pytest

from finconsole.core.kernel.errors import Conflict, PermissionDenied, ValidationError
from finconsole.core.register import customers
from finconsole.core.store.models import AuditEvent, AuthorityInquiry, Disclosure, Task
from finconsole.core.transparency import disclosures, inquiries, withdrawal


def _inquiry(officer, cid):
    return inquiries.record(
        officer,
        {
            "authority": "Poliisi",
            "received_at": "2026-03-15",
            "scope": "one",
            "customer_ids": [cid],
        },
    )


def test_withdraw_inquiry_closes_its_tasks(db, officer, support, clock):
    cid = customers.create(officer, {"first_name": "Aino", "last_name": "Koski"})["id"]
    first = _inquiry(officer, cid)
    _inquiry(officer, cid)  # the double save
    with pytest.raises(ValidationError):
        withdrawal.withdraw_inquiry(officer, first["id"], "  ")
    with pytest.raises(PermissionDenied):
        withdrawal.withdraw_inquiry(support, first["id"], "recorded twice")
    result = withdrawal.withdraw_inquiry(officer, first["id"], "recorded twice")
    assert result["withdrawn_by"] == "kaj" and result["withdrawal_reason"] == "recorded twice"
    assert AuthorityInquiry.select().count() == 2  # kept, not deleted
    open_tasks = Task.select().where(Task.done_at.is_null())
    assert [t.inquiry_id for t in open_tasks] == [first["id"] + 1]
    assert AuditEvent.select().where(AuditEvent.action == "withdraw_inquiry").count() == 1
    with pytest.raises(Conflict):
        withdrawal.withdraw_inquiry(officer, first["id"], "again")


def test_withdrawn_disclosure_is_not_told_of_rectification(db, officer, clock):
    cid = customers.create(officer, {"first_name": "Aino", "last_name": "Koski"})["id"]
    made = disclosures.record(
        officer,
        {
            "customer_id": str(cid),
            "recipient_name": "Perintä Oy",
            "recipient_kind": "debt_collection",
            "data_fields": "first_name, last_name",
            "customer_told_at": "2026-03-01",
            "disclosed_at": "2026-03-15",
        },
    )
    withdrawal.withdraw_disclosure(officer, made["id"], "wrong customer")
    assert Disclosure.get_by_id(made["id"]).withdrawn_at is not None
    assert disclosures.after_rectification(cid, ["customer.last_name"]) == []
    assert disclosures.get(officer, made["id"])["withdrawal_reason"] == "wrong customer"
