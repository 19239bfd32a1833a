"""Phone orders: several lines, numbers from the configured series, the payment chosen, the
order's view with its lines, totals, VAT and parcels."""

import pytest

from finconsole.core.kernel.errors import ValidationError
from finconsole.core.orders import orders, phone_orders
from finconsole.core.register import customers
from finconsole.core.store.models import Order
from tests.factories import make_parcel


@pytest.fixture
def anna(db, officer, clock):
    return customers.create(
        officer,
        {"first_name": "Anna", "last_name": "Virtanen"},
        {"street": "Kaskenkatu 6", "postcode": "20700", "city": "Turku"},
    )["id"]


LINES = [
    {"product": "Totoro plush", "quantity": "2", "unit_price": "24,90"},
    {"product": "Poster", "quantity": "1", "unit_price": "9.90"},
    {"product": "", "quantity": "1", "unit_price": ""},  # an empty row of the form
]


def test_several_lines_numbered_from_the_series(anna, support):
    first = phone_orders.create(support, anna, LINES, payment="paid", shipping="5,90")
    second = phone_orders.create(support, anna, LINES[:1], payment="cod")
    assert (first["order_number"], second["order_number"]) == ("P-1001", "P-1002")
    assert [line["product"] for line in first["lines"]] == ["Totoro plush", "Poster"]
    assert first["subtotal_cents"] == 2 * 2490 + 990
    assert first["total_cents"] == 2 * 2490 + 990 + 590
    assert first["tax_cents"] == phone_orders.vat_in(6560, 25.5) == 1333
    assert first["invoice_status"] == "paid" and first["paid_at"] is not None


def test_series_from_the_config(anna, support, runtime_config):
    runtime_config.data["orders"]["phone_series"] = "PH-"
    orders.create(support, anna, {"order_number": "PH-2041"})  # one typed earlier
    assert phone_orders.create(support, anna, LINES, payment="paid")["order_number"] == "PH-2042"


def test_payment_chosen_invoice_names_the_buyer(anna, support):
    made = phone_orders.create(support, anna, LINES, payment="invoice")
    order = Order.get_by_id(made["id"])
    assert order.invoice_status == "open" and order.invoiced_at and order.paid_at is None
    assert (order.billing_name, order.billing_city) == ("Anna Virtanen", "Turku")
    cod = phone_orders.create(support, anna, LINES, payment="cod")
    assert phone_orders.view(support, cod["id"])["payment_state"].startswith("Cash on delivery")


def test_bad_lines_are_named(anna, support):
    bad = [
        {"product": "Plush", "quantity": "0", "unit_price": "1"},
        {"product": "", "quantity": "1", "unit_price": "abc"},
    ]
    with pytest.raises(ValidationError) as info:
        phone_orders.create(support, anna, bad, payment="later")
    assert set(info.value.fields) == {"quantity_1", "product_2", "unit_price_2", "payment"}
    with pytest.raises(ValidationError) as info:
        phone_orders.create(support, anna, [], payment="paid")
    assert "product_1" in info.value.fields
    assert Order.select().count() == 0


def test_view_has_lines_totals_vat_and_parcels(anna, support):
    made = phone_orders.create(support, anna, LINES, payment="paid", shipping="5,90")
    parcel = make_parcel(support, made)
    seen = phone_orders.view(support, made["id"])
    assert [line["sum_cents"] for line in seen["lines"]] == [4980, 990]
    assert seen["vat_percent"] == 25.5
    assert [p["tracking_code"] for p in seen["parcels"]] == [parcel["tracking_code"]]
