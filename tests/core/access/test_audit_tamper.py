"""Tampering with the audit trail that a plain hash chain let through (#16): cutting events off
its end or start, deleting all of them, an edit followed by recomputing the later hashes with
the public algorithm. The chain is keyed and its ends are kept in a checkpoint file."""

from __future__ import annotations

import hashlib
import json

import pytest

from finconsole.core.access import audit, audit_head
from finconsole.core.store import meta
from finconsole.core.store.models import AuditEvent, Meta, database


@pytest.fixture
def chain(db, clock, officer):
    for i in range(150):
        audit.record(officer, "view_customer", "customer", i, customer_id=i, fields=["email"])
    assert audit.verify(officer).ok
    return officer


def test_the_chain_is_keyed_and_its_ends_are_in_the_checkpoint(chain):
    last = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    plain = hashlib.sha256(audit.event_message(last)).hexdigest()
    assert last.hash != plain  # not the public algorithm: HMAC under the key file
    head, problem = audit_head.read(audit.chain_key())
    assert problem == "" and (head.first_id, head.last_id, head.last_hash) == (1, 150, last.hash)
    assert oct(audit_head.path().stat().st_mode & 0o777) == "0o600"
    report = audit.verify(chain)
    assert report.ok and report.checked == 150 and "ends match" in report.checkpoint


def test_truncating_the_last_50_is_found(chain):
    database.execute_sql("DELETE FROM audit_event WHERE id > 100")
    report = audit.verify(chain)
    assert not report.ok and report.broken_id == 150
    assert "events at the end were removed" in report.reason


def test_truncating_then_appending_is_found(chain, officer):
    """Ids freed at the end are handed out again (SQLite): the checkpoint's last hash differs."""
    database.execute_sql("DELETE FROM audit_event WHERE id > 100")
    checkpoint = audit_head.path().read_text()
    for _ in range(60):
        audit.record(officer, "login")
    audit_head.path().write_text(checkpoint)  # the copy the tamperer could not rewrite
    assert not audit.verify(chain).ok


def test_deleting_every_event_is_found(chain):
    database.execute_sql("DELETE FROM audit_event")
    report = audit.verify(chain)
    assert not report.ok and report.checked == 0
    assert "every event was removed" in report.reason


def test_deleting_the_first_100_and_the_anchor_is_found(chain):
    hundredth = AuditEvent.get_by_id(100).hash
    database.execute_sql("DELETE FROM audit_event WHERE id <= 100")
    meta.put(audit.ANCHOR_KEY, hundredth)
    report = audit.verify(chain)
    assert not report.ok and "events at the start were removed" in report.reason
    Meta.delete().where(Meta.key == audit.ANCHOR_KEY).execute()
    assert not audit.verify(chain).ok


def test_an_edit_with_the_later_hashes_recomputed_publicly_is_found(chain):
    events = list(AuditEvent.select().order_by(AuditEvent.id))
    prev = events[40].prev_hash
    for event in events[40:]:  # what anyone could do to the chain before #16
        if event.id == 41:
            event.fields = "phone"
        event.prev_hash = prev
        event.hash = hashlib.sha256(audit.event_message(event)).hexdigest()
        event.save()
        prev = event.hash
    report = audit.verify(chain)
    assert report.broken_id == 41 and "changed" in report.reason


def test_a_changed_checkpoint_is_found(chain):
    file = audit_head.path()
    data = json.loads(file.read_text())
    for entry in data.values():
        entry["last_id"] = 120
    file.write_text(json.dumps(data))
    report = audit.verify(chain)
    assert not report.ok and "checkpoint was changed" in report.reason


def test_a_rolled_back_event_never_reaches_the_checkpoint(chain, officer):
    from finconsole.core.store.db import write_transaction

    with pytest.raises(RuntimeError), write_transaction():
        audit.record(officer, "login")
        raise RuntimeError("the service failed after its audit event")
    head, _ = audit_head.read(audit.chain_key())
    assert head.last_id == 150 and audit.verify(chain).ok


# --- a chain from before #16 ----------------------------------------------------------------


def _make_unkeyed(officer):
    """Hash the chain as before #16 (plain SHA-256) and drop the keyed mark."""
    prev = audit.GENESIS
    for event in AuditEvent.select().order_by(AuditEvent.id):
        event.prev_hash = prev
        event.hash = audit.digest(event, None)
        event.save()
        prev = event.hash
    Meta.delete().where(Meta.key == audit.CHAIN_KEY).execute()
    audit_head.path().unlink()


def test_an_unkeyed_chain_is_verified_then_rekeyed_audited(chain, officer):
    _make_unkeyed(officer)
    report = audit.verify(officer)
    assert report.ok and not report.keyed
    assert audit.upgrade_chain() == 150
    report = audit.verify(officer)
    assert (
        report.ok and report.keyed and report.checked == 151 and "ends match" in report.checkpoint
    )
    assert AuditEvent.select().order_by(AuditEvent.id.desc()).first().action == "rekey_audit_chain"
    assert audit.upgrade_chain() == 0  # once


def test_a_broken_unkeyed_chain_is_not_rekeyed(chain, officer):
    _make_unkeyed(officer)
    database.execute_sql("UPDATE audit_event SET outcome = 'denied' WHERE id = 7")
    assert audit.upgrade_chain() == 0
    report = audit.verify(officer)
    assert report.broken_id == 7 and not report.keyed


# --- a backup as a witness --------------------------------------------------------------------


def test_a_backup_witnesses_events_removed_since(sqlite_db, clock, officer, tmp_path):
    from finconsole.core.erasure import backup

    for _ in range(30):
        audit.record(officer, "login")
    backup.backup(officer, tmp_path / "b.db")
    assert audit.verify_against_backup(officer, tmp_path / "b.db").ok
    audit_head.path().unlink()  # the checkpoint lost too: the backup still tells
    sqlite_db.execute_sql("DELETE FROM audit_event WHERE id > 20")
    report = audit.verify_against_backup(officer, tmp_path / "b.db")
    assert not report.ok and "removed or replaced since the backup b.db" in report.reason
    sqlite_db.execute_sql("DELETE FROM audit_event")
    assert (
        "every event was removed" in audit.verify_against_backup(officer, tmp_path / "b.db").reason
    )


def test_cli_verify_reports_a_wholesale_deletion(chain, config_file, capsys, tmp_path):
    from finconsole.cli import main

    assert main(["--config", str(config_file), "audit", "verify"]) == 0
    assert "intact: 150 events (its ends match the checkpoint" in capsys.readouterr().out
    database.execute_sql("DELETE FROM audit_event")
    assert main(["--config", str(config_file), "audit", "verify"]) == 1
    err = capsys.readouterr().err.strip()
    assert "every event was removed" in err and len(err.splitlines()) == 1
