"""An erased person's address leaves the outbox: at once once the confirmation is sent, at the
bound if it cannot be; older messages with the erasure; a restored backup's with the replay.
Checked in the SQLite files' bytes, as the erasure permanence tests do."""

from __future__ import annotations

from finconsole.core.erasure import backup, erasure
from finconsole.core.outbox import outbox
from finconsole.core.rights import requests
from finconsole.core.store.models import ErasureLedger, OutboxMessage
from tests.core.erasure.test_erasure_permanence import found
from tests.core.outbox.conftest import use_mail
from tests.factories import distinctive_values, make_customer
from tests.mail_helpers import free_port, mail_section, smtp_server


def _with_history(officer) -> int:
    """A customer who was already sent a message (their request's receipt)."""
    cid = make_customer(officer)
    requests.record(officer, {"kind": "erasure", "channel": "email", "customer_id": cid})
    return cid


def test_erasure_sends_its_confirmation_and_leaves_no_byte(sqlite_db, officer, clock, tmp_path):
    with smtp_server() as (inbox, port):
        use_mail(tmp_path, mail_section(port))
        cid = _with_history(officer)
        outbox.send_due(officer)
        erasure.erase(officer, cid)
    assert [r for r, _ in inbox.received] == [["zqxw.erasmail@example.fi"]] * 2
    assert "Tietosi on poistettu" in inbox.received[1][1]["Subject"]
    assert found(tmp_path / "test.db", distinctive_values()) == []
    assert ErasureLedger.get().confirmation == "sent"
    assert all(m.forgotten_at for m in OutboxMessage.select())


def test_unsent_confirmation_keeps_the_address_only_until_the_bound(
    sqlite_db, officer, clock, tmp_path
):
    use_mail(tmp_path, mail_section(free_port()))  # the mail server is down
    cid = make_customer(officer)
    erasure.erase(officer, cid)
    row = OutboxMessage.get(OutboxMessage.kind == "erasure_done")
    assert row.state == "queued" and row.recipient == "zqxw.erasmail@example.fi"
    assert row.reason.startswith("cannot connect") and ErasureLedger.get().confirmation == "queued"
    clock.advance(hours=23)
    outbox.send_due(officer)  # still failing, still within the bound
    assert OutboxMessage.get_by_id(row.id).forgotten_at is None
    clock.advance(hours=1)
    report = outbox.send_due(officer)
    assert report.forgotten == 1
    row = OutboxMessage.get_by_id(row.id)
    assert row.state == "failed" and row.recipient == "" and row.body == ""
    assert row.reason == "not sent in time: the erased person's address was forgotten"
    assert ErasureLedger.get().confirmation == "expired"
    assert found(tmp_path / "test.db", distinctive_values()) == []


def test_without_mail_no_confirmation_keeps_the_address(sqlite_db, officer, clock, tmp_path):
    cid = _with_history(officer)  # its receipt waits to be posted (no [mail])
    erasure.erase(officer, cid)
    assert ErasureLedger.get().confirmation == "none"
    receipt = OutboxMessage.get()
    assert receipt.state == "cancelled" and receipt.forgotten_at and receipt.body == ""
    assert found(tmp_path / "test.db", distinctive_values()) == []


def test_restore_replay_clears_the_outbox(sqlite_db, officer, clock, tmp_path):
    use_mail(tmp_path, mail_section(free_port()))
    cid = make_customer(officer)
    erasure.erase(officer, cid)  # the confirmation waits (server down) with the address
    clock.advance(minutes=1)
    backup.backup(officer, tmp_path / "b.db")
    clock.advance(minutes=1)
    backup.restore(officer, tmp_path / "b.db")
    row = OutboxMessage.get(OutboxMessage.kind == "erasure_done")
    assert row.forgotten_at and row.recipient == "" and row.state == "cancelled"
    assert found(tmp_path / "test.db", distinctive_values()) == []


def test_the_retention_run_forgets_too(sqlite_db, officer, clock, tmp_path):
    """Even with no `outbox send` cron job, the retention run (or an officer's console start)
    keeps the bound."""
    from finconsole.core.erasure import retention

    use_mail(tmp_path, mail_section(free_port()))
    erasure.erase(officer, make_customer(officer))
    clock.advance(hours=25)
    assert retention.run(officer).done["forget_unsent_confirmations"] == 1
    assert found(tmp_path / "test.db", distinctive_values()) == []
