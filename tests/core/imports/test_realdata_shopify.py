"""Real Shopify exports (tests/fixtures/realdata/shopify, SOURCE.txt names each) and the header
lines of real exports whose rows hold personal data (derived/pii_headers): every layout
imports, and what arrives is what the file says."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from finconsole.core.imports import registry
from finconsole.core.store.models import Address, Customer, Order, OrderLine

REAL = Path(__file__).parents[2] / "fixtures" / "realdata"
SHOPIFY = REAL / "shopify"
HEADERS = REAL / "derived" / "pii_headers"
SKRISHNANUNNI = SHOPIFY / "skrishnanunni_customers_export_1.csv"
FOREZIA = SHOPIFY / "forezia_orders_export.csv"
CREYOX = SHOPIFY / "creyox_orders_export_1.csv"
TRANSPORTER = SHOPIFY / "shopify_transporter_orders_template.csv"


def run(actor, kind, path):
    return registry.import_file(actor, kind, path)


def address_of(email: str) -> Address:
    return Customer.get(Customer.email == email).addresses.get()


# --- customers ------------------------------------------------------------------------------


def test_excel_resaved_2022_layout_imports_addresses_and_matches_by_email(db, officer):
    result = run(officer, "shopify-customers", SKRISHNANUNNI)
    assert (result.created, result.rejected) == (8, 0)
    # a US number written with its country code, in a US row
    assert Customer.get(Customer.phone == "+16672391818").phone_review is False
    # the 2022-23 layout's address columns (Address1, City, Country Code, Zip) are read
    place = address_of("testmydemosite@gmail.com")
    assert (place.street, place.street2, place.postcode, place.city, place.country) == (
        "S Thai Food Restaurant",
        "STE B",
        "92591",
        "Temecula",
        "US",
    )
    assert Address.select().count() == result.created
    # "7.02255E+12": no shop id is stored, a warning says why, the email matches instead
    assert Customer.select().where(Customer.shop_ref.is_null(False)).count() == 0
    warned: dict[int, str] = {}
    for warning in result.warnings:
        warned[warning.line] = warned.get(warning.line, "") + warning.reason + "; "
    assert set(warned) == set(range(2, 10))
    assert all("Customer ID: a spreadsheet turned it" in why for why in warned.values())
    assert "7.02255E+12" not in " ".join(warned.values())
    # "9.19961E+11" is not a phone any more: not stored, said so
    assert Customer.get(Customer.email == "skrishnanunni02@gmail.com").phone is None
    assert "phone: a spreadsheet turned it" in warned[3]
    assert "warnings" in result.summary()


def test_reimporting_the_excel_file_changes_nobody(db, officer):
    first = run(officer, "shopify-customers", SKRISHNANUNNI)
    again = run(officer, "shopify-customers", SKRISHNANUNNI)
    # rows with no email and a destroyed id match by name and postcode, not made twice
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
    assert Customer.select().count() == first.created


def rows_under(header_file: Path, values: dict[str, str]) -> list[str]:
    """A data row under a real export's header: ``values`` by column name, the rest empty."""
    header = next(csv.reader(header_file.open(encoding="utf-8-sig")))
    assert set(values) <= set(header), set(values) - set(header)
    return [values.get(name, "") for name in header]


def write_export(path: Path, header_file: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(next(csv.reader(header_file.open(encoding="utf-8-sig"))))
        for values in rows:
            writer.writerow(rows_under(header_file, values))
    return path


@pytest.mark.parametrize(
    ("header", "columns"),
    [
        # current layout, with Customer ID and "Default Address ..." columns
        (
            "mobeen_customers_export_HEADER_ONLY.csv",
            {
                "Customer ID": "'8123456789012",
                "Default Address Address1": "Mannerheimintie 1",
                "Default Address City": "Helsinki",
                "Default Address Zip": "'00100",
                "Default Address Country Code": "FI",
            },
        ),
        # no Customer ID; Company/Address1/Country Code columns (kin, 2022-23 without the id)
        (
            "kin_customers_export_1_HEADER_ONLY.csv",
            {
                "Address1": "Mannerheimintie 1",
                "City": "Helsinki",
                "Zip": "00100",
                "Country": "Finland",
                "Country Code": "FI",
            },
        ),
        # the oldest: no Customer ID, "Accepts Marketing"
        (
            "imagezoo_customers_export_HEADER_ONLY.csv",
            {
                "Address1": "Mannerheimintie 1",
                "City": "Helsinki",
                "Zip": "00100",
                "Country": "Finland",
                "Country Code": "FI",
                "Accepts Marketing": "no",
            },
        ),
    ],
)
def test_every_customer_layout_imports_with_its_address(db, officer, tmp_path, header, columns):
    person = {"First Name": "Aino", "Last Name": "Virtanen", "Email": "aino@example.fi"}
    path = write_export(tmp_path / "export.csv", HEADERS / header, [{**person, **columns}])
    assert (run(officer, "shopify-customers", HEADERS / header).created) == 0  # header only
    result = run(officer, "shopify-customers", path)
    assert (result.created, result.rejected) == (1, 0)
    customer = Customer.get(Customer.email == "aino@example.fi")
    expected_ref = "shopify:8123456789012" if "Customer ID" in columns else None
    assert customer.shop_ref == expected_ref
    place = customer.addresses.get()
    assert (place.street, place.postcode, place.city, place.country) == (
        "Mannerheimintie 1",
        "00100",
        "Helsinki",
        "FI",
    )
    assert (customer.objection_marketing_at is not None) == ("Accepts Marketing" in columns)
    again = run(officer, "shopify-customers", path)  # no id: matched by email
    assert (again.created, again.unchanged) == (0, 1)


def test_a_country_given_only_by_name_is_read(db, officer, tmp_path):
    header = tmp_path / "h.csv"
    header.write_text("First Name,Last Name,Email,Address1,City,Zip,Country\n", encoding="utf-8")
    path = tmp_path / "c.csv"
    path.write_text(
        header.read_text() + "Sven,Berg,sven@example.se,Storgatan 1,Stockholm,111 22,Sweden\n"
        "Bad,Land,bad@example.se,Street 1,City,123,Atlantis\n",
        encoding="utf-8",
    )
    result = run(officer, "shopify-customers", path)
    assert address_of("sven@example.se").country == "SE"
    assert [r.reason.split(";")[0] for r in result.rejects] == [
        "country: is not a country (a two-letter code or a country's name)"
    ]


# --- orders ---------------------------------------------------------------------------------


def test_forezia_draft_orders_without_a_customer_are_skipped_and_counted(db, officer):
    result = run(officer, "shopify-orders", FOREZIA)
    assert result.rejects == [] and result.warnings == []
    # 19 orders: #1001-#1003, #1006, #1007, #1010, #1011, #1017-#1019 have no customer at all
    assert (result.created, result.skipped_no_customer) == (9, 10)
    assert "skipped without a customer 10" in result.summary()
    assert Order.select().count() == 9
    assert Customer.select().count() == 3  # Ayumu Hirano, Karine Ruby, Russell Winfield
    karine = Order.get(Order.order_number == "#1005")
    assert (karine.billing_street, karine.billing_city, karine.billing_country) == (
        "151 O'Connor St",
        "Ottawa",
        "CA",
    )
    assert karine.ordered_at == dt.datetime(2025, 5, 12, 19, 7, 54)  # 15:07:54 -0400
    assert karine.total_cents == 163555
    assert [
        (line.product, line.unit_price_cents) for line in karine.lines.order_by(OrderLine.id)
    ] == [
        ("The Multi-location Snowboard", 73883),
        ("The Videographer Snowboard", 89672),
    ]
    # an order with a name but no address has no country, not Finland
    ayumu = Order.get(Order.order_number == "#1004")
    assert (ayumu.billing_name, ayumu.billing_country, ayumu.shipping_country) == (
        "Ayumu Hirano",
        "",
        "",
    )
    again = run(officer, "shopify-orders", FOREZIA)
    assert (again.created, again.unchanged, again.skipped_no_customer) == (0, 9, 10)


def test_creyox_orders_in_rupees_with_indian_addresses(db, officer):
    result = run(officer, "shopify-orders", CREYOX)
    assert (result.created, result.rejected) == (2, 0)
    order = Order.get(Order.order_number == "#1001")
    assert (order.currency, order.total_cents, order.tax_cents) == ("INR", 10900, 900)
    assert (order.billing_city, order.billing_postcode, order.billing_country) == (
        "rajkot",
        "360001",
        "IN",
    )
    assert order.shipping_city == "Bhubaneswar"
    assert order.ordered_at == dt.datetime(2026, 4, 10, 5, 38, 54)  # 11:08:54 +0530


def test_the_transporter_template_imports(db, officer):
    result = run(officer, "shopify-orders", TRANSPORTER)
    # Shopify's own template has its second item row shifted one column left (the item name
    # under "Lineitem quantity"): that order is rejected whole, naming the field
    assert {r.line for r in result.rejects} == {2, 3, 4}
    refunded = Order.get(Order.order_number == "#MA-1098")
    assert refunded.invoice_status == "credited" and refunded.fulfilment_status == "cancelled"
    assert refunded.ordered_at == dt.datetime(2018, 1, 19, 20, 54, 41)  # Processed At -0800
    assert refunded.billing_country == ""  # no address given
    assert refunded.total_cents == 3000  # no Total column: the line's 30.00
    assert refunded.customer.email == "jane.doe@acme.com"


def transporter_copy(path: Path, *, put_right: bool) -> Path:
    """The template, with its shifted row put right if asked."""
    rows = list(csv.reader(TRANSPORTER.open(encoding="utf-8", newline="")))
    if put_right:
        at = rows[0].index("Billing Name")
        rows[2] = rows[2][: at - 1] + rows[2][at:] + [""]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_the_transporter_templates_shifted_row_is_named(db, officer, tmp_path):
    result = run(officer, "shopify-orders", transporter_copy(tmp_path / "t.csv", put_right=False))
    reasons = {r.line: r.reason for r in result.rejects}
    assert reasons[3].startswith("Lineitem quantity: is not a number")
    assert reasons[2] == "belongs to an order rejected on a later line"
    assert reasons[4] == "belongs to an order rejected on an earlier line"
    assert result.created == 1


def test_the_transporter_template_adds_up_its_total(db, officer, tmp_path):
    path = transporter_copy(tmp_path / "transporter.csv", put_right=True)
    result = run(officer, "shopify-orders", path)
    assert [r.reason for r in result.rejects] == []
    assert result.created == 2
    order = Order.get(Order.order_number == "#MA-1097")
    # its fictional "555 555-5555" is no Canadian number: kept as typed, flagged, a warning
    assert (order.customer.phone, order.customer.phone_review) == ("555 555-5555", True)
    assert [(w.line, w.reason.split(":")[0]) for w in result.warnings] == [(2, "Phone")]
    # lines 2 x 10 + 3 x 20, line taxes 2.60 + 7.80, shipping line 0, discount 10
    assert order.total_cents == 8000 + 1040 - 1000
    assert order.ordered_at == dt.datetime(2018, 1, 4, 23, 51, 23)
    assert (order.billing_name, order.billing_street, order.billing_city) == (
        "Ami Shaperi",
        "150 Elgin St, Unit 56",
        "Ottawa",
    )
    # "Canaada" in Billing Country: the Country Code column is read first
    assert (order.billing_country, order.billing_postcode) == ("CA", "K2P 1L4")
    assert (order.shipping_name, order.shipping_country) == ("Receiver Joe", "CA")
    assert order.customer.email == "john.doe@acme.com"
    assert order.lines.count() == 2


@pytest.mark.parametrize(
    "header",
    [
        "autofulfill_orders_export_HEADER_ONLY.csv",
        "kidsliving_orders_export_HEADER_ONLY.csv",
        "selmanarts_orders_export_HEADER_ONLY.csv",
        "zhangerson_orders_export_HEADER_ONLY.csv",
    ],
)
def test_every_order_export_layout_imports_with_its_address(db, officer, tmp_path, header):
    row = {
        "Name": "#2001",
        "Email": "aino@example.fi",
        "Financial Status": "paid",
        "Currency": "EUR",
        "Total": "25.00",
        "Created at": "2025-06-01 12:00:00 +0300",
        "Lineitem quantity": "1",
        "Lineitem name": "Nendoroid Miku",
        "Lineitem price": "25.00",
        "Billing Name": "Aino Virtanen",
        "Billing Address1": "Mannerheimintie 1",
        "Billing City": "Helsinki",
        "Billing Zip": "00100",
        "Billing Country": "FI",
        "Id": "6634244374859",
    }
    path = write_export(tmp_path / "orders.csv", HEADERS / header, [row])
    assert run(officer, "shopify-orders", HEADERS / header).created == 0
    result = run(officer, "shopify-orders", path)
    assert (result.created, result.rejected) == (1, 0)
    order = Order.get(Order.order_number == "#2001")
    assert order.shop_ref == "shopify:6634244374859"
    assert (order.billing_street, order.billing_postcode, order.billing_country) == (
        "Mannerheimintie 1",
        "00100",
        "FI",
    )
    assert order.ordered_at == dt.datetime(2025, 6, 1, 9, 0)


def test_an_old_layout_without_ids_is_written_in_chunks_not_a_row_at_a_time(
    db, officer, tmp_path, monkeypatch
):
    from finconsole.core.imports import shop_import

    chunks: list[int] = []
    real = shop_import.write_customer_chunk
    monkeypatch.setattr(
        shop_import,
        "write_customer_chunk",
        lambda actor, records, result, **kw: (
            chunks.append(len(records)),
            real(actor, records, result, **kw),
        ),
    )
    header = "First Name,Last Name,Email,Address1,City,Zip,Country Code\n"
    rows = "".join(f"A{n},B{n},p{n}@example.fi,Katu {n},Espoo,02100,FI\n" for n in range(50))
    path = tmp_path / "old.csv"
    path.write_text(header + rows, encoding="utf-8")
    result = run(officer, "shopify-customers", path)
    assert result.created == 50
    assert [n for n in chunks if n] == [50]


def test_excel_damaged_order_ids_and_phones_are_not_used(db, officer, tmp_path):
    """Two orders whose Ids Excel rounded to the same 6.63424E+12 stay two orders."""
    rows = list(csv.reader(CREYOX.open(encoding="utf-8", newline="")))
    ids, phone = rows[0].index("Id"), rows[0].index("Phone")
    for row in rows[1:]:
        row[ids], row[phone] = "6.09758E+12", "9.19961E+11"
    path = tmp_path / "excel.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    result = run(officer, "shopify-orders", path)
    assert (result.created, result.rejected) == (2, 0)
    assert Order.select().where(Order.shop_ref.is_null(False)).count() == 0
    reasons = [w.reason for w in result.warnings]
    assert (
        reasons.count(
            "Id: a spreadsheet turned it into a rounded number (like 7.02E+12), so not used"
        )
        == 2
    )
    assert any(why.startswith("Phone: a spreadsheet") for why in reasons)
    assert Customer.select().where(Customer.phone.is_null(False)).count() == 0
    again = run(officer, "shopify-orders", path)  # matched by the order number instead
    assert (again.created, again.unchanged) == (0, 2)
