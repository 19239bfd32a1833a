"""The erasure ledger saved before a restore with the server's tools and replayed after it: a
customer erased since the dump does not come back (both backends)."""

import datetime as dt
import json
import os

import pytest

from finconsole.cli import main
from finconsole.core.erasure import backup, erasure, ledger_copy
from finconsole.core.kernel.errors import ValidationError
from finconsole.core.register import customers
from finconsole.core.store.models import Address, AuditEvent, Customer, ErasureLedger, Meta, Order
from tests.factories import add_order, make_customer


def snapshot(cid):
    """What a dump taken now holds of the customer (the rows to put back)."""
    return (
        Customer.select().where(Customer.id == cid).dicts().get(),
        list(Address.select().where(Address.customer == cid).dicts()),
        list(Order.select().where(Order.customer == cid).dicts()),
    )


def restore_snapshot(rows, ledger_ids_to_forget):
    """Play pg_restore of that dump: the rows are back, the later ledger entries gone."""
    customer, addresses, orders = rows
    Customer.delete().where(Customer.id == customer["id"]).execute()  # a shell, if any
    Customer.insert(**customer).execute()
    for row in addresses:
        Address.insert(**row).execute()
    for row in orders:
        Order.delete().where(Order.id == row["id"]).execute()
        Order.insert(**row).execute()
    ErasureLedger.delete().where(ErasureLedger.id.in_(ledger_ids_to_forget)).execute()


def test_erased_since_the_dump_is_erased_again(db, officer, clock, tmp_path):
    keep = customers.create(officer, {"first_name": "Pysyy", "last_name": "Tallella"})["id"]
    gone = make_customer(officer, suffix="1")
    dumped = snapshot(gone)  # the nightly dump
    clock.advance(hours=2)
    erasure.erase(officer, gone)
    [entry] = ErasureLedger.select()
    path = tmp_path / "ledger.jsonl"
    assert ledger_copy.save(officer, path) == 1
    assert os.stat(path).st_mode & 0o777 == 0o600
    with pytest.raises(ValidationError, match="exists"):
        ledger_copy.save(officer, path)
    register = backup.stored_database_id()
    restore_snapshot(dumped, [entry.id])
    # the dump predates the register's id (made by the first backup or ledger save)
    Meta.delete().where(Meta.key == backup.DATABASE_ID).execute()
    assert Customer.select().where(Customer.id == gone).exists()  # back from the dump
    done = ledger_copy.replay(officer, path)
    assert backup.stored_database_id() == register
    assert done == {"added": 1, "finished": 0, "erased": 1}
    assert {c.id for c in Customer.select()} == {keep}
    [again] = ErasureLedger.select()
    assert (again.id, again.customer_id, again.subject_hash) == (
        entry.id,
        gone,
        entry.subject_hash,
    )
    assert ledger_copy.replay(officer, path) == {"added": 0, "finished": 0, "erased": 0}
    actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert actions[-3:] == ["save_erasure_ledger", "restore_database", "restore_database"]
    # the next erasure gets a fresh ledger id (PostgreSQL: the sequence was moved on)
    erasure.erase(officer, keep)
    assert ErasureLedger.select().count() == 2


def test_an_erasure_completed_since_the_dump_is_finished(db, officer, clock, tmp_path):
    held = make_customer(officer, suffix="2")
    add_order(held, "L-1", invoice="paid", ordered=dt.datetime(2026, 2, 1))
    assert erasure.erase(officer, held).status == "partial"
    [entry] = ErasureLedger.select()
    path = tmp_path / "ledger.jsonl"
    ledger_copy.save(officer, path)
    # since the dump, the hold ended and the retention run completed the erasure
    lines = path.read_text().splitlines()
    saved = json.loads(lines[1])
    saved["status"] = "complete"
    path.write_text("\n".join([lines[0], json.dumps(saved)]) + "\n")
    done = ledger_copy.replay(officer, path)
    assert done == {"added": 0, "finished": 1, "erased": 1}
    assert not Customer.select().where(Customer.id == held).exists()
    assert not Order.select().exists()
    assert ErasureLedger.get_by_id(entry.id).status == "complete"


def test_an_erasure_made_after_the_restore_keeps_its_own_entry(db, officer, clock, tmp_path):
    first = make_customer(officer, suffix="4")
    dumped = snapshot(first)
    erasure.erase(officer, first)
    path = tmp_path / "ledger.jsonl"
    ledger_copy.save(officer, path)
    restore_snapshot(dumped, [e.id for e in ErasureLedger.select()])
    ErasureLedger.delete().execute()
    # before --ledger ran, someone erased another customer: it took the saved entry's id
    other = make_customer(officer, suffix="5")
    erasure.erase(officer, other)
    assert ledger_copy.replay(officer, path) == {"added": 1, "finished": 0, "erased": 1}
    assert ledger_copy.replay(officer, path) == {"added": 0, "finished": 0, "erased": 0}
    assert sorted(e.customer_id for e in ErasureLedger.select()) == sorted([first, other])
    assert not Customer.select().where(Customer.id.in_([first, other])).exists()


def test_other_files_are_refused(db, officer, clock, tmp_path):
    junk = tmp_path / "junk.jsonl"
    junk.write_text("not json\n")
    with pytest.raises(ValidationError, match="not a saved"):
        ledger_copy.replay(officer, junk)
    with pytest.raises(ValidationError, match="no such file"):
        ledger_copy.replay(officer, tmp_path / "missing.jsonl")
    backup.database_id()  # this register has its id (its first backup or ledger save made it)
    other = tmp_path / "other.jsonl"
    header = {"finconsole_ledger": 1, "database_id": "another", "saved_at": "2026-03-15"}
    other.write_text(json.dumps(header) + "\n")
    with pytest.raises(ValidationError, match="another register"):
        ledger_copy.replay(officer, other)


def test_command_line(db, config_file, officer, clock, capsys, tmp_path, monkeypatch):
    from finconsole.cli import context as context_mod

    monkeypatch.setattr(context_mod, "stdin_is_terminal", lambda: False)
    gone = make_customer(officer, suffix="3")
    dumped = snapshot(gone)
    erasure.erase(officer, gone)
    path = tmp_path / "saved.jsonl"

    def run(*args):
        return main(["--config", str(config_file), "restore", *args])

    assert run("--save-ledger", str(path)) == 0
    assert "restore --ledger" in capsys.readouterr().out
    restore_snapshot(dumped, [e.id for e in ErasureLedger.select()])
    assert run("--ledger", str(path)) == 2  # no terminal: needs --yes
    assert "--yes" in capsys.readouterr().err
    assert run("--ledger", str(path), "--yes") == 0
    assert "1 customer(s) erased again" in capsys.readouterr().out
    assert not Customer.select().where(Customer.id == gone).exists()
    assert run(str(tmp_path / "b.db"), "--ledger", str(path)) == 2
    assert run("--ledger", str(tmp_path / "nope.jsonl"), "--yes") == 1
    assert "no such file" in capsys.readouterr().err
