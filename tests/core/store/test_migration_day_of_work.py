"""Migration 6 (day of work) on an older register: the answer date (backfilled for erasures already
waiting for a hold), the withdrawal fields, the phone ends in the search index."""

from finconsole.core.register import customers, find
from finconsole.core.rights import requests
from finconsole.core.store import migrations
from finconsole.core.store import search_index as search
from finconsole.core.store.models import Meta, Request

NEW_COLUMNS = {
    "request": ["answered_at"],
    "order": ["payment_method"],
    "disclosure": ["withdrawn_at", "withdrawn_by", "withdrawal_reason"],
    "authority_inquiry": ["withdrawn_at", "withdrawn_by", "withdrawal_reason"],
}


def test_older_register_is_upgraded(db, officer, clock):
    cid = customers.create(
        officer, {"first_name": "Olli", "last_name": "L", "phone": "0404354080"}
    )["id"]
    req = requests.record(officer, {"kind": "erasure", "channel": "email", "customer_id": cid})
    Request.update(status="waiting_for_hold", outcome="erased 2026-03-02: customer (1)").where(
        Request.id == req["id"]
    ).execute()
    search.remove(cid)
    search.write_documents([(cid, "olli l 358404354080 0404354080")])  # the old document
    for table, columns in NEW_COLUMNS.items():
        for column in columns:
            db.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    number, day_of_work = migrations.numbered("day_of_work")
    Meta.update(value=str(number - 1)).where(Meta.key == "schema_version").execute()
    assert migrations.migrate(db) == migrations.CURRENT_VERSION
    day_of_work(db)  # twice: no error, nothing doubled
    for table, columns in NEW_COLUMNS.items():
        assert set(columns) <= {c.name for c in db.get_columns(table)}
    assert str(Request.get_by_id(req["id"]).answered_at) == "2026-03-02"
    assert requests.list_open(officer)[0]["urgency"] == ""
    assert [r["id"] for r in find.search(officer, "435 4080")] == [cid]
