"""The command line that feeds the register and empties the outbox, against a real SMTP
server on a loopback port: requests add, inquiries add, outbox list/send/cancel/resend/show/
posted, and erase sending its confirmation."""

from __future__ import annotations

import json

import pytest

from finconsole.cli import main
from finconsole.core.register import customers
from finconsole.core.settings import config as config_mod
from finconsole.core.settings import keys
from finconsole.core.store import db as db_mod
from finconsole.core.store.models import OutboxMessage
from tests.core.erasure.test_erasure_permanence import found
from tests.factories import distinctive_values, make_customer
from tests.mail_helpers import free_port, mail_section, smtp_server


def write_config(tmp_path, db_url, mail: dict | None) -> str:
    data = config_mod.defaults()
    data["database"]["url"] = db_url
    data["mail"] = mail or {}
    path = tmp_path / "mail-config.toml"
    config_mod.write(path, data, force=True)
    if not (tmp_path / "finconsole.key").exists():
        keys.create_key_file(tmp_path / "finconsole.key")
    return str(path)


@pytest.fixture
def anna(db, officer, clock):
    return customers.create(
        officer,
        {"first_name": "Anna", "last_name": "Lind", "email": "anna@example.fi", "language": "sv"},
    )["id"]


def run(config, *args):
    code = main(["--config", config, *args])
    return code


def test_request_added_on_the_command_line_sends_its_receipt(anna, db_url, tmp_path, capsys):
    with smtp_server() as (inbox, port):
        config = write_config(tmp_path, db_url, mail_section(port))
        assert run(config, "requests", "add", "--customer", str(anna), "--kind", "access") == 0
        assert capsys.readouterr().out == "R-2026-0001 due 2026-04-15\n"
        assert run(config, "outbox", "send") == 0
        assert capsys.readouterr().out.startswith("1 sent, 0 to retry, 0 failed")
    rcpt, message = inbox.received[0]
    assert rcpt == ["anna@example.fi"] and message["Content-Language"] == "sv"
    assert message["Subject"] == "Din begäran har tagits emot (R-2026-0001)"
    body = inbox.body()
    assert "Referens: R-2026-0001" in body and "Vi svarar senast 15.4.2026." in body
    print("\n--- as the test server received it ---\n" + inbox.raw[0].decode())


def test_request_from_an_unknown_address_and_json(db, db_url, clock, tmp_path, capsys):
    with smtp_server() as (inbox, port):
        config = write_config(tmp_path, db_url, mail_section(port))
        args = ["requests", "add", "--email", "Who@Example.FI", "--kind", "erasure"]
        assert run(config, *args, "--channel", "web", "--json") == 0
        row = json.loads(capsys.readouterr().out)[0]
        assert row["reference"] == "R-2026-0001" and row["due"] == "2026-04-15"
        assert row["customer_id"] is None and row["status"] == "new"
        assert run(config, "outbox", "send") == 0
    assert inbox.received[0][0] == ["Who@example.fi"]
    assert "Hei,\n" in inbox.body()  # no name known: the default language (fi)


def test_request_add_errors_are_one_line(anna, db_url, tmp_path, capsys):
    config = write_config(tmp_path, db_url, None)
    assert run(config, "requests", "add", "--customer", "99999", "--kind", "access") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no customer with id 99999" in err
    assert run(config, "requests", "add", "--email", "not-an-address", "--kind", "access") == 1
    assert "not a valid email address" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        run(config, "requests", "add", "--customer", str(anna))  # no --kind
    assert exc.value.code == 2
    assert run(config, "requests", "add", "--customer", str(anna), "--kind", "objection") == 1
    assert "objection_purpose" in capsys.readouterr().err


def test_unreachable_server_then_a_later_send_delivers(anna, db_url, clock, tmp_path, capsys):
    port = free_port()
    config = write_config(tmp_path, db_url, mail_section(port))
    assert run(config, "requests", "add", "--customer", str(anna), "--kind", "access") == 0
    assert run(config, "outbox", "send") == 3  # done in part: one waits for a retry
    out = capsys.readouterr().out
    assert f"message 1: cannot connect to 127.0.0.1:{port}: Connection refused" in out
    assert run(config, "outbox", "list", "--state", "queued", "--json") == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert row["state"] == "queued" and row["reason"].startswith("cannot connect")
    clock.advance(minutes=5)
    with smtp_server() as (inbox, live):
        config = write_config(tmp_path, db_url, mail_section(live))
        assert run(config, "outbox", "send") == 0
    assert "R-2026-0001" in inbox.body()


def test_inquiry_notice_goes_at_once(anna, db_url, tmp_path, capsys):
    with smtp_server() as (inbox, port):
        config = write_config(tmp_path, db_url, mail_section(port))
        args = ["inquiries", "add", "--customer", str(anna), "--authority", "Poliisi"]
        assert run(config, *args, "--court-order", "H 26/9") == 0
    out = capsys.readouterr().out
    assert "inquiry 1 recorded" in out and "notice 1: sent" in out
    assert "Poliisi frågade oss 15.3.2026" in inbox.body()
    assert "domstolens beslut H 26/9" in inbox.body()


def test_without_mail_print_and_mark_posted(anna, db_url, tmp_path, capsys):
    config = write_config(tmp_path, db_url, None)
    assert run(config, "requests", "add", "--customer", str(anna), "--kind", "access") == 0
    assert run(config, "outbox", "send") == 0
    assert "no [mail] server configured: 1 message(s) wait" in capsys.readouterr().out
    assert run(config, "outbox", "show", "1") == 0
    letter = capsys.readouterr().out
    assert "Anna Lind" in letter and "R-2026-0001" in letter
    assert run(config, "outbox", "posted", "1") == 0
    assert run(config, "outbox", "list") == 0
    out = capsys.readouterr().out
    assert "marked sent by post" in out and "sent" in out.splitlines()[-1]
    assert run(config, "outbox", "cancel", "1") == 1
    assert "is sent: cannot cancel message" in capsys.readouterr().err
    assert run(config, "outbox", "resend", "1") == 0
    assert run(config, "outbox", "cancel", "1") == 0
    assert run(config, "outbox", "show", "42") == 1
    assert "no outbox message with id 42" in capsys.readouterr().err


def test_cli_erasure_sends_the_confirmation_and_leaves_no_byte(
    sqlite_db, officer, clock, tmp_path, capsys
):
    cid = make_customer(officer)
    db_url = f"sqlite:///{tmp_path / 'test.db'}"
    with smtp_server() as (inbox, port):
        config = write_config(tmp_path, db_url, mail_section(port))
        db_mod.close()
        assert run(config, "erase", str(cid), "--yes") == 0
    assert inbox.received[0][0] == ["zqxw.erasmail@example.fi"]
    assert found(tmp_path / "test.db", distinctive_values()) == []
    db_mod.connect(db_url)
    assert OutboxMessage.get().state == "sent"


def test_disclosure_announced_on_the_command_line(anna, db_url, tmp_path, capsys):
    config = write_config(tmp_path, db_url, None)
    args = ["disclosures", "announce", "--customer", str(anna), "--recipient", "Perintä Oy"]
    args += ["--kind", "debt_collection", "--fields", "first_name,email"]
    assert run(config, *args, "--on", "2026-04-01") == 0
    assert capsys.readouterr().out == "notice 1 queued: disclosure on 2026-04-01\n"
    assert run(config, *args, "--on", "2026-03-20") == 1
    assert "14 days ahead" in capsys.readouterr().err
