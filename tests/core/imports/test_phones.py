"""Phone numbers read in the row's own country, stored in E.164; a number no plan reads is
kept as typed and flagged, never a lost row and never a number of another country."""

from __future__ import annotations

import csv

import pytest

from finconsole.core.imports import registry
from finconsole.core.imports.import_result import write_rejects
from finconsole.core.imports.reading.phones import read_phone
from finconsole.core.kernel.errors import ValidationError
from finconsole.core.register import customers
from finconsole.core.settings import runtime
from finconsole.core.settings.config import Config, defaults
from finconsole.core.store.models import Customer, Order


@pytest.mark.parametrize(
    ("raw", "countries", "e164"),
    [
        ("071 407 1173", ("ZA",), "+27714071173"),
        ("7055715151", ("CA",), "+17055715151"),
        ("040 123 4567", ("FI",), "+358401234567"),
        ("040 123 4567", (), "+358401234567"),  # no country: the configured default (FI)
        ("018 12345", ("AX",), "+3581812345"),  # Åland: Mariehamn's landline
        ("0457 551 2345", ("ax",), "+3584575512345"),  # any case
        ("0501 234 5678", ("TR",), "+905012345678"),  # a Turkish 0501, not a Finnish 050
        ("071 407 1173", ("", "Narnia", "ZA"), "+27714071173"),  # the first usable country
        ("+358 40 123 4567", ("ZA",), "+358401234567"),  # a country code wins over the row's
        # countries as older layouts write them: names (kernel/countries), in any language
        ("071 407 1173", ("South Africa",), "+27714071173"),
        ("7055715151", ("Canada",), "+17055715151"),
        ("018 12345", ("Ahvenanmaa",), "+3581812345"),
    ],
)
def test_a_number_is_read_in_its_rows_country(raw, countries, e164):
    assert read_phone(raw, *countries) == (e164, False)


@pytest.mark.parametrize(
    ("raw", "countries", "kept"),
    [
        ("puh. iltaisin", ("FI",), "puh. iltaisin"),
        ("12345", ("FI",), "12345"),
        ("00358401234567", ("CA",), "00358401234567"),  # 00 is no exit code in Canada
        ("040\x1b[2J 123", ("FI",), "040 [2J 123"),  # control characters never kept
    ],
)
def test_a_number_no_plan_reads_is_kept_as_typed_and_flagged(raw, countries, kept):
    assert read_phone(raw, *countries) == (kept, True)


def test_the_configured_default_country_reads_a_number_without_one():
    data = defaults()
    data["customers"]["default_country"] = "ZA"
    runtime.set_config(Config(data, None))
    assert read_phone("071 407 1173") == ("+27714071173", False)
    # the row's own country comes first (Finland's plan happens to read these digits too)
    assert read_phone("071 407 1173", "FI") == ("+358714071173", False)


CUSTOMERS = (
    "Customer ID,First Name,Last Name,Email,Phone,Default Address Address1,"
    "Default Address City,Default Address Zip,Default Address Country Code\n"
    "'1,Thandi,Nkosi,thandi@example.co.za,071 407 1173,1 Long St,Cape Town,8001,ZA\n"
    "'2,Ben,Roy,ben@example.ca,7055715151,2 Main St,Sudbury,P3A 1A1,CA\n"
    "'3,Aino,Lahti,aino@esimerkki.fi,040 123 4567,Tie 1,Oulu,'90100,FI\n"
    "'4,Åsa,Eriksson,asa@esimerkki.ax,018 12345,Torggatan 1,Mariehamn,'22100,AX\n"
    "'5,Eero,Puhelin,eero@esimerkki.fi,soita iltaisin,,,,\n"
)


def _imported(officer, tmp_path, kind: str, text: str, name: str = "customers.csv"):
    """``text`` written to a file in ``tmp_path`` and imported as ``kind``."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return registry.import_file(officer, kind, path)


def test_customers_import_foreign_numbers_and_keeps_garbage_with_a_warning(db, officer, tmp_path):
    result = _imported(officer, tmp_path, "shopify-customers", CUSTOMERS)
    assert (result.created, result.rejected, len(result.warnings)) == (5, 0, 1)
    assert result.summary().endswith("rejected 0, warnings 1")
    phones = {c.email: (c.phone, c.phone_review) for c in Customer.select()}
    assert phones == {
        "thandi@example.co.za": ("+27714071173", False),
        "ben@example.ca": ("+17055715151", False),
        "aino@esimerkki.fi": ("+358401234567", False),
        "asa@esimerkki.ax": ("+3581812345", False),
        "eero@esimerkki.fi": ("soita iltaisin", True),
    }
    warning = result.warnings[0]
    assert (warning.line, warning.warning) == (6, True)
    assert warning.reason.startswith("phone: not a valid phone number")
    assert "soita" not in warning.reason  # reasons never hold the value
    out = tmp_path / "rejects.csv"
    write_rejects(out, result.rejects, result.warnings)
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["line"], r["kind"], r["Phone"]) for r in rows] == [
        ("6", "warning", "soita iltaisin")
    ]
    # the next export has the number right: stored in E.164 and the flag cleared
    again = _imported(
        officer, tmp_path, "shopify-customers", CUSTOMERS.replace("soita iltaisin", "040 765 4321")
    )
    assert (again.updated, again.unchanged, again.warnings) == (1, 4, [])
    eero = Customer.get(Customer.email == "eero@esimerkki.fi")
    assert (eero.phone, eero.phone_review) == ("+358407654321", False)


ORDERS = (
    "Name,Email,Created at,Total,Lineitem name,Billing Name,Billing Country,Phone,"
    "Shipping Name,Shipping Country,Shipping Phone\n"
    "#1,thandi@example.co.za,2026-02-01 12:00 +0200,10.00,Kirja,,,,T Nkosi,ZA,071 407 1173\n"
    "#2,ben@example.ca,2026-02-01 12:00 +0200,10.00,Kirja,Ben Roy,CA,7055715151,,,\n"
    "#3,x@example.com,2026-02-01 12:00 +0200,10.00,Kirja,X Y,FI,,X Y,FI,not a number\n"
)


def test_shopify_orders_read_the_phone_in_its_addresss_country(db, officer, tmp_path):
    result = _imported(officer, tmp_path, "shopify-orders", ORDERS, "orders.csv")
    assert (result.created, result.rejected) == (3, 0)  # no order lost to a phone
    assert [(w.line, w.reason.split(":")[0]) for w in result.warnings] == [(4, "Shipping Phone")]
    phones = {o.order_number: (o.customer.phone, o.customer.phone_review) for o in Order.select()}
    assert phones == {
        "#1": ("+27714071173", False),
        "#2": ("+17055715151", False),
        "#3": ("not a number", True),
    }


def test_woocommerce_orders_read_the_billing_phone_in_the_billing_country(db, officer, tmp_path):
    result = _imported(
        officer,
        tmp_path,
        "woocommerce-orders",
        "order_id,order_date,status,order_total,customer_email,billing_first_name,"
        "billing_last_name,billing_phone,billing_country,item_name\n"
        "77,2026-02-01 12:00:00,completed,10.00,ben@example.ca,Ben,Roy,705-571-5151,CA,Kirja\n",
        "orders.csv",
    )
    assert (result.created, result.rejected, result.warnings) == (1, 0, [])
    assert Customer.get(Customer.email == "ben@example.ca").phone == "+17055715151"


def test_the_customer_form_reads_a_phone_in_the_customers_country(db, officer):
    found = customers.create(
        officer,
        {"first_name": "Thandi", "last_name": "Nkosi", "phone": "071 407 1173"},
        {"street": "1 Long St", "postcode": "8001", "city": "Cape Town", "country": "ZA"},
    )
    assert found["phone"] == "+27714071173"
    changed = customers.update(officer, found["id"], found["version"], {"phone": "082 555 1234"})
    assert changed["phone"] == "+27825551234"  # read in the customer's address country
    with pytest.raises(ValidationError, match="phone"):
        customers.create(officer, {"last_name": "Roy", "phone": "12345"})


def test_saving_a_number_clears_the_review_flag(db, officer, tmp_path):
    _imported(officer, tmp_path, "shopify-customers", CUSTOMERS)
    eero = Customer.get(Customer.email == "eero@esimerkki.fi")
    shown = customers.get(officer, eero.id)
    assert shown["phone_review"] is True
    customers.update(officer, eero.id, eero.version, {"phone": "040 765 4321"})
    assert Customer.get_by_id(eero.id).phone_review is False


def test_default_country_must_be_an_iso_code():
    from finconsole.core.bootstrap import validate_config
    from finconsole.core.kernel.errors import ConfigError

    assert validate_config({"customers": {"default_country": "AX"}})["customers"] == {
        "default_language": "fi",
        "default_country": "AX",
    }
    with pytest.raises(ConfigError, match="customers.default_country"):
        validate_config({"customers": {"default_country": "Finland"}})


def test_a_customer_row_with_a_country_name_reads_its_phone_there(db, officer, tmp_path):
    """Legacy WooCommerce customer exports write the country's name (``Canada``)."""
    result = _imported(
        officer,
        tmp_path,
        "woocommerce-customers",
        "customer_id,first_name,last_name,email,billing_phone,billing_address_1,"
        "billing_postcode,billing_city,billing_country\n"
        "7,Ben,Roy,ben@example.ca,705-571-5151,2 Main St,P3A 1A1,Sudbury,Canada\n",
    )
    assert (result.created, result.rejected, result.warnings) == (1, 0, [])
    ben = Customer.get(Customer.email == "ben@example.ca")
    assert (ben.phone, ben.addresses.get().country) == ("+17055715151", "CA")
