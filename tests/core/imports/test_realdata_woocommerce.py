"""WooCommerce as shops export it: the header of every SkyVerge Customer/Order CSV Export
format (tests/fixtures/realdata/derived/skyverge_headers) with rows written under it, and the
WooCommerce REST API v3 JSON examples (derived/woocommerce, SOURCE.txt names each)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from finconsole.core.imports import registry
from finconsole.core.imports.shop_csv import ImportFormatError
from finconsole.core.store.models import Customer, Order, OrderLine

REAL = Path(__file__).parents[2] / "fixtures" / "realdata" / "derived"
SKYVERGE = REAL / "skyverge_headers"
WOO_JSON = REAL / "woocommerce"
ORDER_JSON = WOO_JSON / "wc_rest_v3_orders_first_response.json"
CUSTOMER_JSON = WOO_JSON / "wc_rest_v3_customers_first_response.json"


def run(actor, kind, path):
    return registry.import_file(actor, kind, path)


def header_of(name: str) -> list[str]:
    """A SkyVerge header; ``order_item_[i]`` / ``shipping_method_[i]`` are expanded at export
    time, into as many numbered columns as the largest order has items."""
    header = next(csv.reader((SKYVERGE / name).open(encoding="utf-8")))
    expanded = []
    for column in header:
        if column.endswith("_[i]"):
            expanded += [column.replace("[i]", "1"), column.replace("[i]", "2")]
        else:
            expanded.append(column)
    return expanded


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            assert set(row) <= set(header), set(row) - set(header)
            writer.writerow([row.get(column, "") for column in header])
    return path


BUYER = {
    "billing_first_name": "Aino",
    "billing_last_name": "Virtanen",
    "billing_email": "aino@example.fi",
    "billing_address_1": "Mannerheimintie 1",
    "billing_postcode": "00100",
    "billing_city": "Helsinki",
    "billing_country": "FI",
    "shipping_first_name": "Aino",
    "shipping_last_name": "Virtanen",
    "shipping_address_1": "Kauppakatu 2",
    "shipping_postcode": "33100",
    "shipping_city": "Tampere",
    "shipping_country": "FI",
}
LEGACY_BUYER = {
    "Billing First Name": "Aino",
    "Billing Last Name": "Virtanen",
    "Billing Email": "aino@example.fi",
    "Billing Address 1": "Mannerheimintie 1",
    "Billing Post code": "00100",
    "Billing City": "Helsinki",
    "Billing Country": "Finland",  # the legacy formats write the country's name
    "Shipping First Name": "Aino",
    "Shipping Last Name": "Virtanen",
    "Shipping Address 1": "Kauppakatu 2",
    "Shipping Post code": "33100",
    "Shipping City": "Tampere",
    "Shipping Country": "Finland",
}
ITEMS = "name:Nendoroid Miku|sku:NEN-1|quantity:2|total:59.80;name:Figma Rei|quantity:1|total:30.00"
JSON_ITEMS = json.dumps(
    [
        {"name": "Nendoroid Miku", "quantity": 2, "total": "59.80"},
        {"name": "Figma Rei", "quantity": 1, "total": "30.00"},
    ]
)
# (header file, rows): each writes order 1001 with the two items above
ORDER_FORMATS = {
    "default": (
        "skyverge_orders_default_header.csv",
        [
            {
                "order_id": "1001",
                "order_number": "1001",
                "date": "2016-09-06 06:29:00",
                "status": "completed",
                "order_total": "89.80",
                "shipping_total": "0.00",
                "customer_id": "5",
                "line_items": ITEMS,
                **BUYER,
            }
        ],
    ),
    "default_one_row_per_item": (
        "skyverge_orders_default_one_row_per_item_header.csv",
        [
            {
                "order_id": "1001",
                "order_number": "1001",
                "date": "2016-09-06 06:29:00",
                "status": "completed",
                "order_total": "89.80",
                "customer_id": "5",
                "item_name": name,
                "item_quantity": qty,
                "item_total": total,
                **BUYER,
            }
            for name, qty, total in (("Nendoroid Miku", "2", "59.80"), ("Figma Rei", "1", "30.00"))
        ],
    ),
    "import": (
        "skyverge_orders_import_header.csv",
        [
            {
                "id": "1001",
                "order_number": "1001",
                "created_at": "2016-09-06 06:29:00",
                "status": "completed",
                "total": "89.80",
                "customer_user": "aino@example.fi",
                "line_items": JSON_ITEMS,
                **BUYER,
            }
        ],
    ),
    "legacy_import": (
        "skyverge_orders_legacy_import_header.csv",
        [
            {
                "order_id": "1001",
                "order_number": "1001",
                "date": "9/6/2016  6:29:00",
                "status": "completed",
                "order_total": "89.80",
                "customer_user": "aino@example.fi",
                "order_item_1": "NEN-1|2|59.80",
                "order_item_2": "product_id:12|1|30.00|Koko\\: L: S",
                **BUYER,
            }
        ],
    ),
    "legacy_one_row_per_item": (
        "skyverge_orders_legacy_one_row_per_item_header.csv",
        [
            {
                "Order ID": "1001",
                "Date": "9/6/2016  6:29:00",
                "Order Status": "completed",
                "Order Total": "89.80",
                "Item Name": name,
                "Item Amount": qty,
                "Row Price": total,
                **LEGACY_BUYER,
            }
            for name, qty, total in (("Nendoroid Miku", "2", "59.80"), ("Figma Rei", "1", "30.00"))
        ],
    ),
    "legacy_single_column": (
        "skyverge_orders_legacy_single_column_header.csv",
        [
            {
                "Order ID": "1001",
                "Date": "9/6/2016  6:29:00",
                "Order Status": "completed",
                "Order Total": "89.80",
                "Order Items": "Nendoroid Miku (NEN-1) x2 - Koko: L; Figma Rei x1",
                **LEGACY_BUYER,
            }
        ],
    ),
}


@pytest.mark.parametrize("name", ORDER_FORMATS)
def test_every_skyverge_order_format_imports(db, officer, tmp_path, name):
    header_file, rows = ORDER_FORMATS[name]
    header = header_of(header_file)
    path = write(tmp_path / f"{name}.csv", header, rows)
    assert run(officer, "woocommerce-orders", write(tmp_path / "h.csv", header, [])).created == 0
    result = run(officer, "woocommerce-orders", path)
    assert ([r.reason for r in result.rejects], result.created) == ([], 1)
    order = Order.get(Order.shop_ref == "woocommerce:1001")
    assert order.order_number == "1001" and order.total_cents == 8980
    # 06:29 in Helsinki (EEST, +3) on 6 September 2016, whichever way the date was written
    assert order.ordered_at == dt.datetime(2016, 9, 6, 3, 29)
    assert (order.billing_street, order.billing_postcode, order.billing_city) == (
        "Mannerheimintie 1",
        "00100",
        "Helsinki",
    )
    assert (order.billing_country, order.shipping_country, order.shipping_city) == (
        "FI",
        "FI",
        "Tampere",
    )
    lines = [(x.product, x.quantity) for x in order.lines.order_by(OrderLine.id)]
    if name == "legacy_import":  # sku|quantity|total: only the SKU names the product
        assert lines == [("NEN-1", 2), ("product_id:12", 1)]
    else:
        assert lines == [("Nendoroid Miku", 2), ("Figma Rei", 1)]
    prices = [x.unit_price_cents for x in order.lines.order_by(OrderLine.id)]
    assert prices == ([0, 0] if name == "legacy_single_column" else [2990, 3000])
    buyer = order.customer
    assert buyer.email == "aino@example.fi"
    # "import" formats write the buyer's email where the others write the user id
    assert buyer.shop_ref == ("woocommerce:5" if name.startswith("default") else None)
    again = run(officer, "woocommerce-orders", path)
    assert (again.created, again.unchanged) == (0, 1)


CUSTOMER_FORMATS = {
    "default": (
        "skyverge_customers_default_header.csv",
        {
            "customer_id": "5",
            "first_name": "Aino",
            "last_name": "Virtanen",
            "email": "aino@example.fi",
            "date_registered": "2016-09-06 06:29:00",
            **BUYER,
        },
    ),
    "import": (
        "skyverge_customers_import_header.csv",
        {"username": "aino", "email": "aino@example.fi", **BUYER},
    ),
    "legacy": (
        "skyverge_customers_legacy_header.csv",
        {
            "ID": "5",
            "First Name": "Aino",
            "Last Name": "Virtanen",
            "Email": "aino@example.fi",
            "Address": "Mannerheimintie 1",
            "Post code": "00100",
            "City": "Helsinki",
            "Country": "Finland",
        },
    ),
}


@pytest.mark.parametrize("name", CUSTOMER_FORMATS)
def test_every_skyverge_customer_format_imports(db, officer, tmp_path, name):
    header_file, row = CUSTOMER_FORMATS[name]
    path = write(tmp_path / f"{name}.csv", header_of(header_file), [row])
    result = run(officer, "woocommerce-customers", path)
    assert ([r.reason for r in result.rejects], result.created) == ([], 1)
    customer = Customer.get(Customer.email == "aino@example.fi")
    assert (customer.first_name, customer.last_name) == ("Aino", "Virtanen")
    assert customer.shop_ref == (None if name == "import" else "woocommerce:5")
    place = customer.addresses.get()
    assert (place.street, place.postcode, place.city, place.country) == (
        "Mannerheimintie 1",
        "00100",
        "Helsinki",
        "FI",
    )
    assert run(officer, "woocommerce-customers", path).unchanged == 1


# --- REST API JSON ------------------------------------------------------------------------


FICTIONAL_PHONE = "(555) 555-5555"  # no US number: kept as typed, flagged, a warning


def assert_phone_kept_for_review(result, customer: Customer) -> None:
    """The example's fictional number is no reason to lose the object: it is imported with
    the number as typed, the customer flagged, and one warning (without the number)."""
    assert [(w.line, w.warning) for w in result.warnings] == [(1, True)]
    assert result.warnings[0].reason.startswith(("phone", "billing_phone"))
    assert FICTIONAL_PHONE not in result.warnings[0].reason
    assert (customer.phone, customer.phone_review) == (FICTIONAL_PHONE, True)


def test_rest_api_orders(db, officer):
    result = run(officer, "woocommerce-json", ORDER_JSON)
    assert (result.created, result.rejected) == (1, 0)
    order = Order.get(Order.shop_ref == "woocommerce:727")
    assert_phone_kept_for_review(result, order.customer)
    # date_created 16:28:02 is the shop's local time; date_created_gmt says 19:28:02 UTC
    assert order.ordered_at == dt.datetime(2017, 3, 22, 19, 28, 2)
    assert order.paid_at == dt.datetime(2017, 3, 22, 19, 28, 8)
    assert (order.order_number, order.currency, order.total_cents) == ("727", "USD", 2935)
    assert (order.shipping_cents, order.tax_cents) == (1000, 135)
    assert (order.invoice_status, order.fulfilment_status) == ("paid", "unfulfilled")
    assert (order.billing_name, order.billing_street, order.billing_postcode) == (
        "John Doe",
        "969 Market",
        "94103",
    )
    assert (order.billing_city, order.billing_country) == ("San Francisco", "US")
    lines = [
        (x.product, x.quantity, x.unit_price_cents) for x in order.lines.order_by(OrderLine.id)
    ]
    assert lines == [
        ("Woo Single #1", 2, 300),
        ("Ship Your Idea \u2013 Color: Black, Size: M Test", 1, 1200),
    ]
    assert order.customer.email == "john.doe@example.com"
    assert order.customer.shop_ref is None  # customer_id 0: a guest
    again = run(officer, "woocommerce-json", ORDER_JSON)
    assert (again.created, again.unchanged) == (0, 1)


def test_rest_api_order_without_gmt_fields_is_read_in_the_shop_zone(db, officer, tmp_path):
    data = json.loads(ORDER_JSON.read_text(encoding="utf-8"))
    for key in [k for k in data if k.endswith("_gmt")]:
        del data[key]
    path = tmp_path / "local.json"
    path.write_text(json.dumps([data]), encoding="utf-8")
    assert run(officer, "woocommerce-json", path).created == 1
    # 16:28:02 in Helsinki (EET, +2 until 26 March 2017)
    assert Order.get().ordered_at == dt.datetime(2017, 3, 22, 14, 28, 2)


def test_rest_api_customers(db, officer):
    result = run(officer, "woocommerce-json", CUSTOMER_JSON)
    assert (result.created, result.rejected) == (1, 0)
    customer = Customer.get(Customer.shop_ref == "woocommerce:25")
    assert_phone_kept_for_review(result, customer)
    assert (customer.first_name, customer.last_name, customer.email) == (
        "John",
        "Doe",
        "john.doe@example.com",
    )
    place = customer.addresses.get()
    assert (place.street, place.city, place.postcode, place.country) == (
        "969 Market",
        "San Francisco",
        "94103",
        "US",
    )


def test_a_response_on_one_line_over_the_csv_line_limit_imports(db, officer, tmp_path):
    """An API writes its response on one line: the 1 MiB line limit of exports does not
    apply to a whole JSON document (its limit is its size, 64 MiB)."""
    data = json.loads(ORDER_JSON.read_text(encoding="utf-8"))
    data["meta_data"] = [*data.get("meta_data", []), {"key": "_log", "value": "x" * (2 << 20)}]
    path = tmp_path / "one_line.json"
    path.write_text(json.dumps([data]), encoding="utf-8")
    assert "\n" not in path.read_text(encoding="utf-8")
    assert run(officer, "woocommerce-json", path).created == 1


@pytest.mark.parametrize(
    "content",
    ["", "{", "[1, 2]", '{"no": "id"}', "[]", "[" * 100000 + "]" * 100000, '"text"'],
)
def test_what_is_not_woocommerce_json_is_refused_whole(db, officer, tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(
        ImportFormatError, match="not WooCommerce JSON|not valid JSON|nested deeper than 64"
    ):
        run(officer, "woocommerce-json", path)
    assert Customer.select().count() == 0


def test_json_kind_is_offered():
    kind = registry.KINDS["woocommerce-json"]
    assert kind.shop and "JSON" in kind.label


def test_a_csv_with_a_gmt_column_takes_its_instant(db, officer, tmp_path):
    header = [
        "id",
        "date_created",
        "date_created_gmt",
        "status",
        "total",
        "billing_email",
        "item_name",
        "item_quantity",
        "item_price",
    ]
    row = {
        "id": "727",
        "date_created": "2017-03-22T16:28:02",
        "date_created_gmt": "2017-03-22T19:28:02",
        "status": "processing",
        "total": "6.00",
        "billing_email": "john.doe@example.com",
        "item_name": "Woo Single #1",
        "item_quantity": "2",
        "item_price": "3.00",
    }
    assert run(officer, "woocommerce-orders", write(tmp_path / "o.csv", header, [row])).created == 1
    assert Order.get().ordered_at == dt.datetime(2017, 3, 22, 19, 28, 2)
