"""Byte-level permanence on SQLite: after an erasure commits, no byte of the erased values
remains in the main file, the WAL or a journal (search index included)."""

import datetime as dt
from pathlib import Path

from finconsole.core.erasure import erasure
from finconsole.core.register import customers
from finconsole.core.store.models import Order
from finconsole.core.transparency import inquiries
from tests.factories import (
    EMAIL,
    FIRST,
    LAST,
    PHONE,
    STREET,
    add_order,
    add_request,
    distinctive_values,
    make_customer,
)


def raw_bytes(db_path: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-journal"):
        file = Path(str(db_path) + suffix)
        if file.exists():
            data += file.read_bytes()
    return data.lower()


def needles(values):
    """Each value as stored (UTF-8) and as the search index folds it (lower-case tokens)."""
    out = set()
    for value in values:
        out.add(value.lower().encode())
        out.update(t.encode() for t in value.lower().replace(".", " ").split() if len(t) > 5)
    # The index stores terms prefix-compressed against the previous term ("zqxw" + "erasmail"):
    # the distinctive tails must be gone too.
    out.update(FRAGMENTS)
    return out


FRAGMENTS = {
    b"erasfirst", b"erasilast", b"erasmail", b"401112299", b"streetkatu", b"cityville",
    b"shipname", b"shipstreet", b"eventplace", b"requesttext", b"notetext",
}  # fmt: skip


def found(db_path, values):
    data = raw_bytes(db_path)
    return sorted(n.decode() for n in needles(values) if n in data)


def populate(officer):
    # a bystander keeps pages in use, so freed pages are not simply dropped
    customers.create(officer, {"first_name": "Bystander", "last_name": "Person"})
    cid = make_customer(officer)
    for n in range(3):
        add_order(cid, f"P-{n}", invoice="none")
    add_request(cid, "R-2026-0100")
    # an authority's inquiry about the person, quoting them in its free text
    inquiries.record(
        officer,
        {
            "authority": "Helsingin poliisilaitos",
            "received_at": "2026-03-14",
            "scope": "one",
            "description": f"{FIRST} {LAST} ({EMAIL}) asked about",
            "customer_ids": [cid],
        },
    )
    return cid


def test_values_are_in_the_files_before_erasure(sqlite_db, officer, clock, tmp_path):
    populate(officer)
    # the test can see every value and fragment (in the tables and in the search index)
    assert found(tmp_path / "test.db", distinctive_values()) == sorted(
        n.decode() for n in needles(distinctive_values())
    )


def test_full_erasure_leaves_no_byte(sqlite_db, officer, clock, tmp_path):
    cid = populate(officer)
    result = erasure.erase(officer, cid, request_ref="R-2026-0100")
    assert result.status == "complete" and result.permanent
    assert found(tmp_path / "test.db", distinctive_values()) == []


def test_partial_erasure_leaves_no_byte_of_the_erased_parts(sqlite_db, officer, clock, tmp_path):
    cid = populate(officer)
    held = add_order(cid, "P-held", invoice="paid", ordered=dt.datetime(2026, 2, 1))
    Order.update(
        billing_name="Invoiced Buyer Oy", billing_street="Laskukatu 1", billing_city="Espoo"
    ).where(Order.id == held.id).execute()
    result = erasure.erase(officer, cid, request_ref="R-2026-0100")
    assert result.status == "partial"
    # the customer's own name, email, phone, address, note, parcels, events, request text
    assert found(tmp_path / "test.db", distinctive_values()) == []
    data = raw_bytes(tmp_path / "test.db")
    assert b"invoiced buyer oy" in data  # what the voucher keeps is still there


def test_retention_completion_leaves_no_byte(sqlite_db, officer, clock, tmp_path):
    cid = make_customer(officer)
    add_order(cid, "P-old", invoice="paid", ordered=dt.datetime(2020, 3, 1))
    erasure.erase(officer, cid)
    data = raw_bytes(tmp_path / "test.db")
    assert f"{FIRST} {LAST}".lower().encode() in data  # kept as the billing name
    assert STREET.lower().encode() in data
    clock.at = dt.datetime(2027, 1, 2, tzinfo=dt.UTC)
    from finconsole.core.erasure import retention

    assert retention.run(officer).done["complete_erasures"] == 1
    assert found(tmp_path / "test.db", [FIRST, LAST, STREET, EMAIL, PHONE[1:]]) == []


def test_earlier_values_of_an_edited_customer_are_gone_too(sqlite_db, officer, clock, tmp_path):
    cid = make_customer(officer, suffix="q")
    before = customers.get(officer, cid, audit_view=False)
    customers.update(
        officer,
        cid,
        before["version"],
        {"first_name": "Zqxwrenamedfirst", "email": "zqxw.renamedmail@example.fi"},
    )
    erasure.erase(officer, cid)
    values = [FIRST + "q", "q" + EMAIL, "Zqxwrenamedfirst", "zqxw.renamedmail@example.fi"]
    assert found(tmp_path / "test.db", values) == []
    data = raw_bytes(tmp_path / "test.db")
    assert b"renamedfirst" not in data and b"renamedmail" not in data


def test_a_reader_blocking_the_checkpoint_is_reported_and_retention_finishes(
    sqlite_db, officer, clock, tmp_path, monkeypatch
):
    from peewee import sqlite3

    from finconsole.core.erasure import retention

    monkeypatch.setattr(erasure, "CHECKPOINT_TRIES", 2)
    cid = populate(officer)
    reader = sqlite3.connect(str(tmp_path / "test.db"), isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM customer").fetchone()  # holds a snapshot
    result = erasure.erase(officer, cid)
    assert result.status == "complete" and not result.permanent
    assert found(tmp_path / "test.db", distinctive_values())  # still in the WAL's old frames
    reader.execute("COMMIT")
    reader.close()
    retention.run(officer)
    assert found(tmp_path / "test.db", distinctive_values()) == []


def test_other_jobs_deletions_are_made_permanent_by_the_run(
    sqlite_db, officer, clock, tmp_path, monkeypatch
):
    from finconsole.core.erasure import retention
    from finconsole.core.store.models import TrackingEvent

    cid = make_customer(officer)
    add_order(cid, "P-job", invoice="paid")

    def purge(actor):
        return TrackingEvent.delete().execute()

    monkeypatch.setattr(retention, "JOBS", retention.JOBS + [retention.Job("purge", "x", purge)])
    assert b"eventplace" in raw_bytes(tmp_path / "test.db")
    assert retention.run(officer).done["purge"] == 1
    assert b"eventplace" not in raw_bytes(tmp_path / "test.db")
