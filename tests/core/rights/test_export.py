import datetime as dt
import json

import pytest

from finconsole.core.kernel.errors import NotFound, PermissionDenied, ValidationError
from finconsole.core.orders import orders
from finconsole.core.register import customers
from finconsole.core.rights import export, requests
from finconsole.core.store.models import (
    AuditEvent,
    AuthorityInquiry,
    Disclosure,
    InquirySubject,
    Order,
    Parcel,
    TrackingEvent,
)


@pytest.fixture
def anna(db, officer, support, clock):
    c = customers.create(
        officer,
        {
            "first_name": "Anna",
            "last_name": "Virtanen",
            "email": "anna@example.fi",
            "phone": "040 123 4567",
            "language": "fi",
        },
        {"street": "Joutsentie 8", "postcode": "00730", "city": "Helsinki"},
    )
    order = orders.create(
        officer,
        c["id"],
        {"order_number": "#1001", "total_cents": 2490, "billing_name": "Anna Virtanen"},
        [{"product": "Totoro plush", "quantity": 2, "unit_price_cents": 1245}],
    )
    parcel = Parcel.create(order=order["id"], carrier="posti", tracking_code="JJFI123")
    TrackingEvent.create(
        parcel=parcel, occurred_at=dt.datetime(2026, 3, 2), status="delivered", location="Vantaa"
    )
    Disclosure.create(
        customer=c["id"],
        recipient_name="Perintä Oy",
        recipient_kind="debt_collection",
        data_fields="name,address",
        disclosed_at=dt.date(2026, 3, 1),
    )
    inquiry = AuthorityInquiry.create(
        authority="Poliisi", received_at=dt.date(2026, 3, 3), scope="one"
    )
    InquirySubject.create(inquiry=inquiry, customer=c["id"])
    requests.record(support, {"kind": "access", "channel": "email", "customer_id": c["id"]})
    customers.set_objection(officer, c["id"], "statistics", True)
    customers.get(support, c["id"])  # support viewed the record: audited
    return c


def test_json_export_has_stable_keys_and_everything(anna, officer):
    data = json.loads(export.export_customer(officer, anna["id"], fmt="json"))
    assert list(data) == [
        "format",
        "generated_at",
        "controller",
        "customer",
        "addresses",
        "orders",
        "requests",
        "disclosures",
        "authority_inquiries",
        "objections",
        "record_access",
    ]
    assert data["customer"]["email"] == "anna@example.fi"
    assert data["addresses"][0]["postcode"] == "00730"
    order = data["orders"][0]
    assert order["lines"][0] == {"product": "Totoro plush", "quantity": 2, "unit_price_cents": 1245}
    assert order["parcels"][0]["events"][0]["location"] == "Vantaa"
    assert data["requests"][0]["kind"] == "access"
    assert data["disclosures"][0]["recipient_name"] == "Perintä Oy"
    assert data["authority_inquiries"][0]["authority"] == "Poliisi"
    assert data["objections"]["statistics"].startswith("2026-03-15")
    assert data["objections"]["marketing"] is None
    viewers = {(e["staff"], e["action"]) for e in data["record_access"]}
    assert ("sanna", "view_customer") in viewers and ("kaj", "create_customer") in viewers
    assert data["controller"]["business_id"] == "2787109-2"


def test_text_letter_in_finnish_and_english(anna, officer):
    fi = export.export_customer(officer, anna["id"], fmt="text")  # the customer's language
    assert "Tietopyyntö" in fi and "Finanime Sekai (2787109-2)" in fi
    assert "Tilastointi: kielletty 2026-03-15" in fi and "Markkinointi: ei kieltoa" in fi
    assert "Totoro plush" in fi and "JJFI123" in fi and "Perintä Oy" in fi
    assert "sanna: katsoi tietojasi" in fi and "Kaj Söderholm" in fi
    assert "tietojen tarkastus" in fi and "maksettu" in fi and "toimitettu" in fi
    assert all(len(line) <= 78 for line in fi.splitlines())
    en = export.export_customer(officer, anna["id"], fmt="text", lang="en")
    assert "Access request" in en and "Statistics: objected since 2026-03-15" in en
    assert "Staff accounts that viewed or changed your data" in en
    assert "sanna: viewed your data" in en


def test_export_is_audited_officer_only(anna, officer, support):
    with pytest.raises(PermissionDenied):
        export.export_customer(support, anna["id"])
    export.export_customer(officer, anna["id"])
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert event.action == "export_customer" and event.customer_id == anna["id"]
    assert "orders" in event.fields.split(",")
    assert "@" not in event.fields and "Virtanen" not in event.fields


def test_bad_options_and_unknown_customer(anna, officer):
    with pytest.raises(ValidationError) as err:
        export.export_customer(officer, anna["id"], fmt="xml", lang="sv")
    assert set(err.value.fields) == {"format", "lang"}
    with pytest.raises(NotFound):
        export.export_customer(officer, 99999)


def test_write_export_mode_0600_and_not_audited_on_failure(anna, officer, tmp_path):
    path = export.write_export(officer, anna["id"], tmp_path / "a.json")
    assert path.stat().st_mode & 0o777 == 0o600
    before = AuditEvent.select().count()
    with pytest.raises(OSError):
        export.write_export(officer, anna["id"], tmp_path / "missing" / "a.json")
    assert AuditEvent.select().count() == before


def test_customer_text_is_printable_in_letter(db, officer, clock):
    c = customers.create(officer, {"first_name": "Eve", "last_name": "X", "note": "a\tb"})
    Order.create(
        customer=c["id"],
        order_number="1",
        ordered_at=dt.datetime(2026, 1, 1),
        billing_name="Eve\x1b[2J",
    )
    text = export.export_customer(officer, c["id"], fmt="text")
    assert "\x1b" not in text and "\\x1b[2J" in text


def test_letters_name_fields_in_the_letters_language(anna, officer):
    """No internal names (identity_method, customer.email, debt_collection) in a letter."""
    request = requests.record(
        officer, {"kind": "erasure", "channel": "phone", "customer_id": anna["id"]}
    )
    requests.verify(officer, request["id"], "id card", True)
    customers.update(officer, anna["id"], _version(anna["id"]), {"email": "a2@example.fi"})
    Disclosure.create(
        customer=anna["id"],
        recipient_name="Lasku Oy",
        recipient_kind="invoicing",
        data_fields="customer.email,address.street",
        disclosed_at=dt.date(2026, 3, 4),
    )
    fi = " ".join(export.export_customer(officer, anna["id"], fmt="text").split())
    assert "henkilöllisyyden tarkistustapa" in fi and "(sähköpostiosoite)" in fi
    assert "Perintä Oy (perintä): nimi, osoite" in fi
    assert "Lasku Oy (laskutus): sähköpostiosoite, katuosoite" in fi
    en = " ".join(export.export_customer(officer, anna["id"], fmt="text", lang="en").split())
    assert "how your identity was checked" in en and "(email address)" in en
    for letter in (fi, en):
        body = letter.split("Helsinki", 1)[1]  # past the shop's own header line
        for internal in ("identity_method", "identity_verified", "customer.", "debt_collection"):
            assert internal not in body
        assert not [w for w in body.split() if "_" in w.strip("(),:;.")]


def _version(customer_id):
    from finconsole.core.store.models import Customer

    return Customer.get_by_id(customer_id).version
