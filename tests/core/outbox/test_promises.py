"""Every promise sends its message, through a real SMTP server on a loopback port:
request received, extension with reasons, the answer, access export ready, erasure done (and
done in part, holds named), disclosure pre-notice, authority inquiry notice, Art 19 notices to
recipients, lost-parcel claim updates."""

from __future__ import annotations

import datetime as dt

from finconsole.core.erasure import erasure
from finconsole.core.outbox import outbox
from finconsole.core.parcels import claims
from finconsole.core.register import customers
from finconsole.core.rights import requests
from finconsole.core.store.models import (
    AuditEvent,
    Customer,
    Disclosure,
    ErasureLedger,
    OutboxMessage,
    Parcel,
)
from finconsole.core.transparency import disclosures, inquiries
from tests.factories import add_order, make_customer


def _customer(officer, language="fi", email="aino@example.fi"):
    return customers.create(
        officer,
        {"first_name": "Aino", "last_name": "Mäki", "email": email, "language": language},
        {"street": "Kuusitie 3", "postcode": "00730", "city": "Helsinki"},
        allow_duplicate=True,  # two people of one name at one address, told apart by email
    )["id"]


def _send(officer, inbox, expected=1):
    report = outbox.send_due(officer)
    assert report.sent == expected, report.reasons
    return inbox.body()


def test_request_received_names_reference_and_due_date(db, mail, officer, clock):
    cid = _customer(officer)
    req = requests.record(officer, {"kind": "access", "channel": "email", "customer_id": cid})
    body = _send(officer, mail)
    rcpt, message = mail.received[0]
    assert rcpt == ["aino@example.fi"]
    assert message["Subject"] == f"Pyyntösi on vastaanotettu ({req['reference']})"
    assert message["From"] == "rekisteri@finanime.fi"
    assert message["Reply-To"] == "kaj.soderholm@finanime.fi"
    assert message["Content-Language"] == "fi"
    assert "Hei Aino Mäki," in body and req["reference"] in body
    assert "15.4.2026" in body  # received 15.3., due one calendar month later
    assert "Kaj Söderholm" in body and "2787109-2" in body  # the controller and contact
    assert "12 artiklan 3 kohta" in body and "tietosuoja.fi" in body  # basis and rights
    row = OutboxMessage.get()
    assert row.state == "sent" and row.sent_by == "email" and row.attempts == 1
    cause = AuditEvent.get_by_id(row.audit_event_id)
    assert cause.action == "record_request" and cause.target_id == req["id"]


def test_templates_in_swedish_and_english(db, mail, officer, clock):
    sv = _customer(officer, "sv", "sv@example.fi")
    en = _customer(officer, "en", "en@example.fi")
    requests.record(officer, {"kind": "erasure", "channel": "email", "customer_id": sv})
    requests.record(officer, {"kind": "erasure", "channel": "email", "customer_id": en})
    outbox.send_due(officer)
    sv_body, en_body = mail.body(0), mail.body(1)
    assert "Hej Aino Mäki," in sv_body and "Vi svarar senast 15.4.2026" in sv_body
    assert "Personuppgiftsansvarig: Finanime Sekai" in sv_body
    assert "Dear Aino Mäki," in en_body and "by 15 April 2026" in en_body
    assert "Controller: Finanime Sekai" in en_body and "Article 12(3)" in en_body


def test_extension_gives_the_reason_and_new_date(db, mail, officer, clock):
    cid = _customer(officer)
    req = requests.record(
        officer,
        {"kind": "access", "channel": "email", "customer_id": cid, "identity_verified": True,
         "identity_method": "replied from the registered address"},
    )  # fmt: skip
    requests.extend(officer, req["id"], 2, "many requests at once", "2026-03-15")
    _send(officer, mail, expected=2)
    assert "Syy: many requests at once" in mail.body(1)
    assert "15.6.2026" in mail.body(1)


def test_answer_and_refusal(db, mail, officer, clock):
    cid = _customer(officer)
    data = {"kind": "rectification", "channel": "email", "customer_id": cid}
    done = requests.record(officer, data)
    refused = requests.record(officer, data)
    requests.close(officer, done["id"], "the address was corrected")
    requests.refuse(officer, refused["id"], "the identity could not be verified")
    _send(officer, mail, expected=4)
    bodies = [mail.body(i) for i in range(4)]
    assert any("Toimenpide: the address was corrected" in b for b in bodies)
    assert any("Syy: the identity could not be verified" in b for b in bodies)


def test_access_export_ready(db, mail, officer, clock, tmp_path):
    cid = _customer(officer)
    req = requests.record(
        officer,
        {"kind": "access", "channel": "email", "customer_id": cid, "identity_verified": True,
         "identity_method": "signed letter"},
    )  # fmt: skip
    requests.execute(officer, req["id"], path=str(tmp_path / "export.txt"))
    _send(officer, mail, expected=2)
    assert mail.received[1][1]["Subject"] == f"Tietojesi kopio on valmis ({req['reference']})"
    assert "15 artikla" in mail.body(1)


def test_erasure_confirmation_is_sent_with_the_erasure_and_forgets_the_address(
    db, mail, officer, clock
):
    cid = make_customer(officer, language="en")
    result = erasure.erase(officer, cid)
    assert result.status == "complete"
    rcpt, message = mail.received[-1]  # sent at once, no send run needed
    assert rcpt == ["zqxw.erasmail@example.fi"]
    assert message["Subject"] == "Your data has been erased"
    assert "permanently erased all personal data" in mail.body()
    row = OutboxMessage.get(OutboxMessage.kind == "erasure_done")
    assert row.state == "sent" and row.recipient == "" and row.body == "" and row.forgotten_at
    assert ErasureLedger.get(ErasureLedger.customer_id == cid).confirmation == "sent"
    sent = AuditEvent.get((AuditEvent.action == "send_message") & (AuditEvent.target_id == row.id))
    assert sent.outcome == "sent" and sent.customer_id == cid and sent.fields == "erasure_done"


def test_partial_erasure_names_the_holds(db, mail, officer, clock):
    cid = make_customer(officer)
    add_order(cid, "A-100", invoice="paid", ordered=dt.datetime(2026, 2, 1))
    erasure.erase(officer, cid)
    body = mail.body()
    assert mail.received[-1][1]["Subject"] == "Tietosi on poistettu osittain"
    assert "- tilaus A-100: kirjanpidon tosite (kirjanpitolaki 2:10) 31.12.2032 asti" in body
    assert "poistetaan 1.1.2033" in body


def test_disclosure_pre_notice(db, mail, officer, clock):
    cid = _customer(officer)
    done = disclosures.announce(
        officer,
        {"customer_id": cid, "recipient_name": "Perintä Oy", "recipient_kind": "debt_collection",
         "data_fields": "first_name,last_name,email", "planned_on": "2026-03-29"},
    )  # fmt: skip
    assert done["message_id"]
    body = _send(officer, mail)
    assert "Luovutamme aikaisintaan 29.3.2026" in body and "Perintä Oy (perintä)" in body
    assert "etunimi, sukunimi, sähköpostiosoite" in body


def test_disclosure_pre_notice_needs_the_notice_days(db, mail, officer, clock):
    cid = _customer(officer)
    try:
        disclosures.announce(
            officer,
            {"customer_id": cid, "recipient_name": "Perintä Oy", "recipient_kind": "invoicing",
             "data_fields": "email", "planned_on": "2026-03-20"},
        )  # fmt: skip
    except Exception as exc:  # noqa: BLE001
        assert "planned_on" in str(exc) and "14 days" in str(exc)
    else:
        raise AssertionError("a notice only five days ahead was accepted")
    assert (
        OutboxMessage.select().count() == 0
        and AuditEvent.select().where(AuditEvent.action == "announce_disclosure").count() == 0
    )


def test_authority_inquiry_notice(db, mail, officer, clock):
    cid = _customer(officer)
    row = inquiries.record(
        officer,
        {"authority": "Helsingin poliisilaitos", "received_at": "2026-03-15", "scope": "one",
         "reference": "5500/R/123/26", "customer_ids": [cid]},
        court_order="H 26/1234",
    )  # fmt: skip
    assert outbox.send_one(officer, row["message_ids"][0])  # at once
    body = mail.body()
    assert "Helsingin poliisilaitos tiedusteli meiltä 15.3.2026" in body
    assert "(viite 5500/R/123/26)" in body and "tuomioistuimen määräys H 26/1234" in body
    assert "ilman tuomioistuimen lainvoimaista määräystä" in body


def test_art19_notice_to_each_recipient_on_erasure(db, mail, officer, clock):
    cid = make_customer(officer)
    for name, address in (("Perintä Oy", "perinta@example.com"), ("Lasku Oy", "")):
        Disclosure.create(
            customer=cid,
            recipient_name=name,
            recipient_kind="debt_collection",
            recipient_email=address,
            data_fields="customer.email,customer.first_name",
            disclosed_at=dt.date(2026, 3, 1),
        )
    erasure.erase(officer, cid)
    by_rcpt = {tuple(r): m for r, m in mail.received}
    notice = by_rcpt[("perinta@example.com",)]
    assert notice["Subject"] == "Ilmoitus: luovutettujen tietojen poistamista"
    assert ("zqxw.erasmail@example.fi",) in by_rcpt  # and the person's own confirmation
    assert len(mail.received) == 2  # the recipient with no email address keeps its task
    art19 = OutboxMessage.get(OutboxMessage.kind == "recipient_notice")
    assert art19.state == "sent" and art19.forgotten_at and art19.body == ""


def test_art19_notice_on_rectification(db, mail, officer, clock):
    cid = _customer(officer)
    Disclosure.create(
        customer=cid,
        recipient_name="Perintä Oy",
        recipient_kind="debt_collection",
        recipient_email="perinta@example.com",
        data_fields="customer.email",
        disclosed_at=dt.date(2026, 3, 1),
    )
    version = Customer.get_by_id(cid).version
    customers.update(officer, cid, version, {"email": "aino.uusi@example.fi"})
    body = _send(officer, mail)
    assert "Pyydämme oikaisemaan tiedot (sähköpostiosoite)" in body


def test_claim_updates_for_a_lost_parcel(db, mail, officer, clock):
    cid = _customer(officer)
    order = add_order(cid, "A-7")
    parcel = Parcel.get(Parcel.order == order.id)
    for claim in list(parcel.claims):
        claim.delete_instance()
    opened = claims.open_claim(officer, parcel.id)
    claims.close_claim(officer, opened["id"], "reshipped")
    _send(officer, mail, expected=2)
    assert (
        f"Lähetyksesi {parcel.tracking_code}: selvitys aloitettu" == mail.received[0][1]["Subject"]
    )
    assert "lähetämme tilauksen uudelleen" in mail.body(1)
