"""The audit hash chain: changed, deleted and reordered events are found; filters and paging."""

from __future__ import annotations

import datetime as dt

import pytest

from finconsole.cli import main
from finconsole.core.access import audit
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import PermissionDenied
from finconsole.core.store.models import AuditEvent, database


@pytest.fixture
def five(db, clock, officer):
    for i in range(5):
        audit.record(officer, "view_customer", "customer", i, customer_id=i, fields=["email"])
        clock.advance(days=1)
    return officer


def test_intact_chain(five):
    report = audit.verify(five)
    assert report.ok and report.checked == 5


def test_hand_edited_event_is_found(five):
    database.execute_sql("UPDATE audit_event SET fields = 'phone' WHERE id = 3")
    report = audit.verify(five)
    assert (report.broken_id, report.checked) == (3, 2)
    assert "changed" in report.reason


def test_deleted_event_is_found(five):
    database.execute_sql("DELETE FROM audit_event WHERE id = 2")
    assert audit.verify(five).broken_id == 3


def test_deleted_first_event_is_found(five):
    database.execute_sql("DELETE FROM audit_event WHERE id = 1")
    assert audit.verify(five).broken_id == 2


def test_reordered_events_are_found(five):
    # Swap the whole content (hashes too) of events 2 and 4: each still hashes correctly.
    columns = ["at", "actor", "action", "target_id", "customer_id", "fields", "prev_hash", "hash"]
    rows = {
        i: database.execute_sql(
            f"SELECT {', '.join(columns)} FROM audit_event WHERE id = {i}"
        ).fetchone()
        for i in (2, 4)
    }
    sets = ", ".join(f"{c} = %s" if not _sqlite() else f"{c} = ?" for c in columns)
    for target, source in ((2, 4), (4, 2)):
        database.execute_sql(f"UPDATE audit_event SET {sets} WHERE id = {target}", rows[source])
    assert audit.verify(five).broken_id == 2


def _sqlite() -> bool:
    from finconsole.core.store.db import is_sqlite

    return is_sqlite()


def test_verify_in_batches(five):
    database.execute_sql("UPDATE audit_event SET action = 'x' WHERE id = 5")
    assert audit.verify(five, batch=2).broken_id == 5


def test_support_may_not_read_the_trail(five, support):
    with pytest.raises(PermissionDenied):
        audit.verify(support)
    with pytest.raises(PermissionDenied):
        audit.search(support)


def test_search_filters_and_keyset_pages(five, clock):
    audit.record(Actor.cli(), "user_created", "user", 9)
    assert [e["id"] for e in audit.search(five)] == [6, 5, 4, 3, 2, 1]
    assert [e["id"] for e in audit.search(five, username="kaj", limit=2)] == [5, 4]
    assert [e["id"] for e in audit.search(five, username="kaj", before_id=4, limit=2)] == [3, 2]
    assert [e["id"] for e in audit.search(five, customer_id=2)] == [3]
    assert [e["id"] for e in audit.search(five, action="user")] == [6]
    day = dt.date(2026, 3, 16)
    assert [e["id"] for e in audit.search(five, since=day, until=day)] == [2]


def test_cli_verify_names_the_broken_event(five, config_file, capsys):
    assert main(["--config", str(config_file), "audit", "verify"]) == 0
    assert "5 events" in capsys.readouterr().out
    database.execute_sql("UPDATE audit_event SET outcome = 'ok2' WHERE id = 4")
    assert main(["--config", str(config_file), "audit", "verify"]) == 1
    assert "event 4" in capsys.readouterr().err


def test_cli_show_filters(five, config_file, capsys):
    assert main(["--config", str(config_file), "audit", "show", "--customer", "3"]) == 0
    out = capsys.readouterr().out
    assert "view_customer" in out and len(out.strip().splitlines()) == 2
    assert AuditEvent.select().count() == 5
