"""finconsole erase / retention run / backup / restore: exit codes and the no-terminal rule."""

import datetime as dt
import os

import pytest

from finconsole.cli import context as context_mod
from finconsole.core.erasure import backup
from finconsole.core.store import meta
from finconsole.core.store.models import Customer, Request
from finconsole.entry import main
from tests.factories import add_order, add_request, make_customer


@pytest.fixture
def terminal(monkeypatch):
    def set_terminal(is_tty: bool, answer: str = "yes"):
        monkeypatch.setattr(context_mod, "stdin_is_terminal", lambda: is_tty)
        monkeypatch.setattr("builtins.input", lambda prompt: answer)

    set_terminal(False)
    return set_terminal


def run(config_file, *args):
    return main(["--config", str(config_file), *args])


def test_preview_prints_and_changes_nothing(db, config_file, officer, clock, capsys, terminal):
    cid = make_customer(officer)
    add_order(cid, "C-1", invoice="paid", ordered=dt.datetime(2026, 2, 1))
    assert run(config_file, "erase", str(cid), "--preview") == 0
    out = capsys.readouterr().out
    assert (
        "erase  name, email, phone, note (1)" in out
        and "keep   order C-1" in out
        and "2032-12-31" in out
    )
    assert "Accounting Act" in out
    assert Customer.get_by_id(cid).first_name


def test_no_terminal_without_yes_exits_2(db, config_file, officer, clock, capsys, terminal):
    cid = make_customer(officer)
    assert run(config_file, "erase", str(cid)) == 2
    assert "--yes" in capsys.readouterr().err
    assert Customer.select().where(Customer.id == cid).exists()


def test_terminal_asks_and_no_cancels(db, config_file, officer, clock, capsys, terminal):
    cid = make_customer(officer)
    terminal(True, "no")
    assert run(config_file, "erase", str(cid)) == 1
    assert "cancelled" in capsys.readouterr().err
    assert Customer.select().where(Customer.id == cid).exists()
    terminal(True, "yes")
    assert run(config_file, "erase", str(cid)) == 0
    assert not Customer.select().where(Customer.id == cid).exists()


def test_full_erasure_exit_0_closes_request_and_writes_letter(
    db, config_file, officer, clock, capsys, terminal, tmp_path
):
    cid = make_customer(officer, language="en")
    add_request(cid, "R-2026-0042")
    letter = tmp_path / "letter.txt"
    code = run(config_file, "erase", str(cid), "--yes", "--request", "R-2026-0042", "--letter",
               str(letter))  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "erasure complete" in out and "request R-2026-0042: done" in out
    text = letter.read_text()
    assert "No data about you remains" in text and "R-2026-0042" in text
    assert os.stat(letter).st_mode & 0o777 == 0o600
    assert Request.get().status == "done"


def test_partial_erasure_exit_3_prints_what_and_until(
    db, config_file, officer, clock, capsys, terminal, tmp_path
):
    cid = make_customer(officer)  # language fi
    add_order(cid, "C-2", invoice="paid", ordered=dt.datetime(2026, 2, 1))
    add_request(cid, "R-2026-0043")
    letter = tmp_path / "kirje.txt"
    code = run(config_file, "erase", str(cid), "--yes", "--request", "R-2026-0043",
               "--letter", str(letter))  # fmt: skip
    assert code == 3
    out = capsys.readouterr().out
    assert "erasure partial" in out and "keep   order C-2" in out and "2032-12-31" in out
    assert "waiting_for_hold" in out and "2033-01-01" in out
    text = letter.read_text()
    assert "kirjanpitolaki (1336/1997) 2 luku 10 §" in text and "säilytetään 6 vuotta" in text
    assert "Säilytetään 31.12.2032 asti." in text
    assert "Zqxw" not in text


def test_unknown_customer_exit_1(db, config_file, clock, capsys, terminal):
    assert run(config_file, "erase", "4242", "--yes") == 1
    assert "no customer with id 4242" in capsys.readouterr().err


def test_retention_run(db, config_file, officer, clock, capsys, terminal):
    cid = make_customer(officer)
    add_order(cid, "C-3", invoice="paid", ordered=dt.datetime(2019, 2, 1))  # kept to 2025
    order = add_order(cid, "C-4", invoice="none", collection="active", with_parcel=False)
    assert run(config_file, "erase", str(cid), "--yes") == 3
    from finconsole.core.store.models import Order

    Order.update(collection_status="closed").where(Order.id == order.id).execute()
    assert run(config_file, "retention", "run") == 0
    assert "complete_erasures: 1" in capsys.readouterr().out
    assert not Customer.select().where(Customer.id == cid).exists()


def sqlite_only():
    from finconsole.core.store.db import is_sqlite

    if not is_sqlite():
        pytest.skip("SQLite backups")


def test_backup_and_restore_commands(db, config_file, officer, clock, capsys, terminal, tmp_path):
    sqlite_only()
    cid = make_customer(officer)
    path = tmp_path / "cli-backup.db"
    assert run(config_file, "backup", str(path)) == 0
    clock.advance(minutes=1)
    assert run(config_file, "erase", str(cid), "--yes") == 0
    assert run(config_file, "restore", str(path)) == 2  # no terminal, no --yes
    assert "--yes" in capsys.readouterr().err
    assert run(config_file, "restore", str(path), "--yes") == 0
    assert "1 erasure(s) made since the backup re-applied" in capsys.readouterr().out
    assert not Customer.select().where(Customer.id == cid).exists()


def test_cli_refuses_a_pending_restore(
    db, config_file, officer, clock, capsys, terminal, monkeypatch
):
    sqlite_only()
    meta.put(backup.RESTORE_PENDING, "1")
    meta.put(backup.RESTORE_SINCE, "2026-03-15T12:00:00")
    assert run(config_file, "erase", "1", "--preview") == 1
    assert "restore --resume" in capsys.readouterr().err
    from textual.app import App

    run_app = App.run

    def headless(self, *args, **kwargs):
        kwargs.update(headless=True, size=(80, 24))
        return run_app(self, *args, **kwargs)

    monkeypatch.setattr(App, "run", headless)
    monkeypatch.setenv("FINCONSOLE_NO_TERMINAL_CHECK", "1")  # headless: no terminal
    # the console refuses it too: it closes as the database is opened, before any login
    assert run(config_file) == 1
    assert "restore --resume" in capsys.readouterr().err
    assert run(config_file, "restore", "--resume") == 0
    assert run(config_file, "restore") == 2


def test_postgres_backup_gives_guidance(db, config_file, clock, capsys, terminal, tmp_path):
    from finconsole.core.store.db import is_sqlite

    if is_sqlite():
        pytest.skip("PostgreSQL path")
    assert run(config_file, "backup", str(tmp_path / "x")) == 1
    assert "pg_dump" in capsys.readouterr().err


def test_an_unwritable_letter_path_fails_before_the_erasure(
    db, config_file, officer, clock, capsys, terminal, tmp_path
):
    cid = make_customer(officer)
    missing = tmp_path / "no-such-folder" / "letter.txt"
    assert run(config_file, "erase", str(cid), "--yes", "--letter", str(missing)) == 1
    err = capsys.readouterr().err
    assert "cannot write the letter" in err and "nothing was erased" in err
    assert Customer.select().where(Customer.id == cid).exists()  # not erased
    assert run(config_file, "erase", str(cid), "--yes", "--letter", str(tmp_path)) == 1
    assert "it is a folder" in capsys.readouterr().err
    assert Customer.select().where(Customer.id == cid).exists()


def test_the_letter_asked_for_again_names_everything_erased(
    db, config_file, officer, clock, capsys, terminal, tmp_path
):
    cid = make_customer(officer, language="en")
    add_order(cid, "C-7", invoice="none")
    assert run(config_file, "erase", str(cid), "--yes") == 0
    again = tmp_path / "again.txt"
    assert run(config_file, "erase", str(cid), "--yes", "--letter", str(again), "--lang", "en") == 0
    out = capsys.readouterr().out
    assert "nothing more to erase" in out
    text = again.read_text()
    for words in ("your name, email address", "your postal addresses", "orders that no law",
                  "parcel tracking codes", "your entry in our search index"):  # fmt: skip
        assert words in text
    assert "No data about you remains" in text


def test_a_held_shell_erased_again_gets_the_whole_letter(
    db, config_file, officer, clock, capsys, terminal, tmp_path
):
    cid = make_customer(officer, language="en")
    add_order(cid, "C-8", invoice="paid", ordered=dt.datetime(2026, 2, 1))
    assert run(config_file, "erase", str(cid), "--yes") == 3
    letter = tmp_path / "second.txt"
    args = ["--yes", "--letter", str(letter), "--lang", "en"]
    assert run(config_file, "erase", str(cid), *args) == 3
    text = letter.read_text()
    assert "your name, email address" in text and "your postal addresses" in text
    assert "Order C-8" in text and "Kept until 2032-12-31." in text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_busy_reader_leaves_the_erasure_pending_until_a_later_command(
    db, config_file, officer, clock, capsys, terminal, tmp_path
):
    from peewee import sqlite3

    from finconsole.core.store import permanence

    cid = make_customer(officer)
    reader = sqlite3.connect(str(tmp_path / "test.db"), isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM customer").fetchone()  # holds a snapshot
    assert run(config_file, "erase", str(cid), "--yes") == 0
    assert "not yet gone from the database files" in capsys.readouterr().out
    assert run(config_file, "compact") == 1
    assert "still not permanent" in capsys.readouterr().err
    reader.execute("COMMIT")
    reader.close()
    assert run(config_file, "user", "list") == 0  # the next command's start finishes it
    assert permanence.pending() == 0
    assert run(config_file, "compact") == 0
    assert "every erasure is permanent" in capsys.readouterr().out
