"""Sending: retries with backoff, the reason kept, STARTTLS required and verified, a refused
address failed at once, cancel / resend / sent by post, the [mail] settings checked."""

from __future__ import annotations

import pytest

from finconsole.core.kernel.errors import ConfigError, Conflict, PermissionDenied
from finconsole.core.outbox import outbox, smtp
from finconsole.core.register import customers
from finconsole.core.rights import requests
from finconsole.core.store.models import AuditEvent, OutboxMessage
from tests.core.outbox.conftest import use_mail
from tests.mail_helpers import free_port, mail_section, make_certificate, smtp_server


def _queue_receipt(officer, email="aino@example.fi") -> str:
    cid = customers.create(officer, {"first_name": "Aino", "last_name": "Mäki", "email": email})[
        "id"
    ]
    return requests.record(officer, {"kind": "access", "channel": "web_form", "customer_id": cid})[
        "reference"
    ]


def test_unreachable_server_keeps_the_message_queued_then_delivers(db, officer, clock, tmp_path):
    port = free_port()  # nothing listens here yet
    use_mail(tmp_path, mail_section(port))
    reference = _queue_receipt(officer)
    report = outbox.send_due(officer)
    assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
    row = OutboxMessage.get()
    assert row.state == "queued" and row.attempts == 1
    assert row.reason == f"cannot connect to 127.0.0.1:{port}: Connection refused"
    assert "aino" not in row.reason  # a reason names no one
    clock.advance(seconds=30)
    assert outbox.send_due(officer).retrying == 0  # backoff: not due again yet
    clock.advance(minutes=1)
    with smtp_server() as (inbox, live_port):
        use_mail(tmp_path, mail_section(live_port))
        assert outbox.send_due(officer).sent == 1
    row = OutboxMessage.get()
    assert row.state == "sent" and row.attempts == 2 and row.reason == ""
    assert reference in inbox.body()
    outcomes = [e.outcome for e in AuditEvent.select().where(AuditEvent.action == "send_message")]
    assert outcomes == ["retry", "sent"]


def test_backoff_doubles_and_gives_up_after_max_attempts(db, officer, clock, tmp_path):
    from finconsole.core.settings import runtime

    use_mail(tmp_path, mail_section(free_port()))
    runtime.settings("outbox")["max_attempts"] = 12
    _queue_receipt(officer)
    waits = []
    for _ in range(11):
        outbox.send_due(officer)
        row = OutboxMessage.get()
        assert row.state == "queued"
        waits.append(round((row.next_attempt_at - clock.now().replace(tzinfo=None)).seconds / 60))
        clock.advance(hours=7)
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360]  # at most six hours apart
    assert outbox.send_due(officer).failed == 1  # the twelfth try failed: given up
    assert OutboxMessage.get().state == "failed"


def test_server_without_starttls_is_not_sent_to(db, officer, clock, tmp_path):
    with smtp_server() as (inbox, port):  # offers no STARTTLS
        use_mail(tmp_path, mail_section(port, tls="starttls"))
        _queue_receipt(officer)
        report = outbox.send_due(officer)
    assert inbox.received == [] and report.retrying == 1
    assert (
        OutboxMessage.get().reason == f"127.0.0.1:{port} does not offer STARTTLS: nothing was sent"
    )


def test_starttls_with_a_verified_certificate(db, officer, clock, tmp_path):
    import ssl

    cert, key = make_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with smtp_server(tls_context=context, require_starttls=True) as (inbox, port):
        # the system's CAs do not know the test certificate: refused, nothing sent
        use_mail(tmp_path, mail_section(port, tls="starttls"))
        _queue_receipt(officer)
        outbox.send_due(officer)
        assert inbox.received == []
        assert OutboxMessage.get().reason.startswith("TLS certificate not accepted")
        # trusting it (ca_file), the message goes over TLS
        use_mail(tmp_path, mail_section(port, tls="starttls", ca_file=str(cert)))
        clock.advance(minutes=2)
        assert outbox.send_due(officer).sent == 1
    assert len(inbox.received) == 1


def test_login_with_a_password_from_the_environment(db, officer, clock, tmp_path, monkeypatch):
    import ssl

    from aiosmtpd.smtp import AuthResult

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"rekisteri" and auth_data.password == b"s3cret pass"
        return AuthResult(success=ok)

    cert, key = make_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("FC_MAIL_PW", "s3cret pass")
    with smtp_server(
        tls_context=context, require_starttls=True, authenticator=authenticate, auth_required=True
    ) as (inbox, port):
        section = mail_section(
            port, tls="starttls", ca_file=str(cert), user="rekisteri", password_env="FC_MAIL_PW"
        )
        use_mail(tmp_path, section)
        _queue_receipt(officer)
        assert outbox.send_due(officer).sent == 1
        monkeypatch.setenv("FC_MAIL_PW", "wrong")
        _queue_receipt(officer, "other@example.fi")
        outbox.send_due(officer)
    assert len(inbox.received) == 1
    failed = OutboxMessage.get(OutboxMessage.state == "queued")
    assert failed.reason and "wrong" not in failed.reason and "s3cret" not in failed.reason


def test_a_refused_address_fails_at_once(db, officer, clock, tmp_path):
    class Refusing:
        async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
            return "550 5.1.1 no such user here"

    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        use_mail(tmp_path, mail_section(port))
        _queue_receipt(officer)
        report = outbox.send_due(officer)
    finally:
        controller.stop()
    row = OutboxMessage.get()
    assert report.failed == 1 and row.state == "failed"
    assert row.reason == "the server refused the recipient (550)"


def test_without_mail_messages_wait_to_be_posted(db, officer, clock):
    reference = _queue_receipt(officer)
    report = outbox.send_due(officer)
    assert not report.configured and report.waiting == 1
    message_id = OutboxMessage.get().id
    letter = outbox.letter_text(officer, message_id)
    assert letter.startswith("Finanime Sekai\nJoutsentie 8\n00730 Helsinki")
    assert "Aino Mäki" in letter and reference in letter
    outbox.mark_sent_by_post(officer, message_id)
    row = OutboxMessage.get()
    assert row.state == "sent" and row.sent_by == "post"
    with pytest.raises(Conflict):
        outbox.cancel(officer, message_id)


def test_cancel_and_resend(db, mail, officer, clock, support):
    _queue_receipt(officer)
    message_id = OutboxMessage.get().id
    with pytest.raises(PermissionDenied):
        outbox.cancel(support, message_id)
    assert outbox.cancel(officer, message_id)["state"] == "cancelled"
    assert outbox.send_due(officer).sent == 0 and mail.received == []
    assert outbox.resend(officer, message_id)["state"] == "queued"
    assert outbox.send_due(officer).sent == 1 and len(mail.received) == 1
    assert [m["state"] for m in outbox.list_messages(officer, state="sent")] == ["sent"]


@pytest.mark.parametrize(
    "section, message",
    [
        ({"smtp_url": "http://x", "from": "a@b.fi"}, "must be smtp://HOST"),
        ({"smtp_url": "smtp://mail.example.fi", "tls": "none", "from": "a@b.fi"}, "only to a"),
        ({"smtp_url": "smtps://mail.example.fi", "tls": "starttls", "from": "a@b.fi"}, "smtps"),
        ({"smtp_url": "smtp://mail.example.fi"}, "mail.from"),
        ({"smtp_url": "smtp://h", "from": "a@b.fi", "pasword": "x"}, "unknown key 'pasword'"),
        ({"smtp_url": "smtp://h", "from": "a@b.fi", "timeout_seconds": "5"}, "whole number"),
        (
            {"smtp_url": "smtp://h", "from": "a@b.fi", "password_file": "p", "password_env": "P"},
            "not both",
        ),
    ],
)
def test_mail_settings_are_checked(section, message):
    with pytest.raises(ConfigError, match=message):
        smtp.validate_config(section, "config.toml")


def test_mail_settings_defaults():
    s = smtp.settings_from({"smtp_url": "smtps://mail.example.fi", "from": "a@b.fi"}, None)
    assert (s.host, s.port, s.tls) == ("mail.example.fi", 465, "tls")
    s = smtp.settings_from({"smtp_url": "smtp://127.0.0.1:25", "tls": "none", "from": "a@b"}, None)
    assert (s.port, s.tls) == (25, "none")
    assert smtp.settings_from({}, None) is None
