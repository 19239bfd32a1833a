"""WooCommerce exports with one row per order: items packed into `line_items` / `line_item_N`."""

from __future__ import annotations

from pathlib import Path

import pytest

from finconsole.core.imports import registry, woo_items
from finconsole.core.kernel import validation as v
from finconsole.core.store.models import Customer, Order, OrderLine
from tests.core.imports.test_shop_import import counts, erase

FIXTURES = Path(__file__).parents[2] / "fixtures"
LINE_ITEMS = FIXTURES / "woocommerce_orders_line_items.csv"
NUMBERED = FIXTURES / "woocommerce_orders_numbered.csv"
FIGURE = "Figuuri: Miku | 1/7; rajoitettu"

# What the fixture generator puts in some orders (see make_shop_exports.packed_items)
EXPECTED_LINES = {
    "12001": [("Totoro-pehmo", 2, 2900), ("Gunpla RX-78", 3, 3990)],
    "12004": [(FIGURE, 2, 12900), ("Totoro-pehmo", 3, 2900)],  # escaped separators
    "12008": [("Gunpla RX-78", 3, 3990), ("Nendoroid Miku", 1, 4990), ("Mangapaketti", 2, 1550)],
    "12050": [  # 3 stickers for 10.00: 3.33 each
        ("Nendoroid Miku", 3, 4990),
        ("Mangapaketti", 1, 1550),
        (FIGURE, 2, 12900),
        ("Tarrasetti", 3, 333),
    ],
}
# 300 orders of 1 + n % 3 items, and a sticker set in every 50th
ALL_LINES = 100 * (1 + 2 + 3) + 6
# file lines of the bad rows (a quoted newline in every 60th order's note shifts them)
BAD_LINES = [52, 104, 156, 208, 260]
PACKED_REASONS = [
    "line_items: item 2: quantity is not a whole number",
    "line_items: item 1: name is required",
    "line_items: item 1: total is not an amount of money",
    "line_items: item 2: field 2 is not a key:value pair",
    "line_items: item 1: quantity is out of range",
]
NUMBERED_REASONS = [
    "line_item_2: quantity is not a whole number",
    "line_item_1: name is required",
    "line_item_1: total is not an amount of money",
    "line_item_2: field 2 is not a key:value pair",
    "line_item_1: quantity is out of range",
]


def run(actor, path):
    return registry.import_file(actor, "woocommerce-orders", path)


def lines_of(order_number: str) -> list[tuple[str, int, int]]:
    order = Order.get(Order.order_number == order_number)
    query = order.lines.order_by(OrderLine.id)
    return [(line.product, line.quantity, line.unit_price_cents) for line in query]


# --- the packed cell itself -----------------------------------------------------------------


def test_packed_cell_with_escaped_separators_and_metadata():
    cell = (
        r"id:100|name:Figuuri\: Miku \| 1/7\; rajoitettu|product_id:5|sku:FIG-5|quantity:2"
        r"|subtotal:260.00|total:258.00|tax:65.79|meta:Huom=klo 12\:00\, ovikoodi;"
        r"name:Re:Zero Rem|quantity:3|total:10,00|meta:Koko=L,Väri=Sininen;"
    )
    assert woo_items.packed_items(cell) == [(FIGURE, 2, 12900), ("Re:Zero Rem", 3, 333)]


def test_a_backslash_before_anything_else_is_literal():
    assert woo_items.packed_items(r"name:AC\DC-paita|quantity:1|total:20") == [
        (r"AC\DC-paita", 1, 2000)
    ]


@pytest.mark.parametrize(
    "total, count, unit",
    [(1000, 3, 333), (2000, 3, 667), (5, 2, 3), (-5, 2, -3), (0, 4, 0), (9980, 2, 4990)],
)
def test_unit_price_is_the_line_total_divided_rounded_half_up(total, count, unit):
    assert woo_items.unit_cents(total, count) == unit


@pytest.mark.parametrize(
    "cell, reason",
    [
        (
            "name:A|quantity:1|total:1;name:B|quantity:1.5|total:3",
            "item 2: quantity is not a whole number",
        ),
        ("name:A|quantity:kaksi|total:1", "item 1: quantity is not a whole number"),
        ("name:A|quantity:0|total:1", "item 1: quantity is out of range"),
        ("name:A|quantity:-2|total:1", "item 1: quantity is out of range"),
        ("name:A|quantity:inf|total:1", "item 1: quantity is not a whole number"),
        ("name:A|total:1", "item 1: quantity is missing"),
        ("sku:A-1|quantity:1|total:1", "item 1: name is required"),
        ("name: |quantity:1|total:1", "item 1: name is required"),
        ("name:A|quantity:1|total:viisi", "item 1: total is not an amount of money"),
        ("name:A|quantity:1", "item 1: total is missing"),
        ("name:A|quantity 1|total:1", "item 1: field 2 is not a key:value pair"),
        (r"name:A|quantity\:1|total:1", "item 1: field 2 is not a key:value pair"),
        ("name:A|:1|total:1", "item 1: field 2 is not a key:value pair"),
    ],
)
def test_bad_packed_items_name_the_item_and_key(cell, reason):
    with pytest.raises(v.FieldError) as err:
        woo_items.packed_items(cell)
    assert str(err.value) == reason


def test_numbered_columns_in_number_order():
    header = {"line_item_10": 4, "line_item_name": 0, "line_item_2": 3, "line_item_1": 7}
    assert woo_items.numbered_columns(header) == {
        "line_item_1": 7,
        "line_item_2": 3,
        "line_item_10": 4,
    }


# --- importing a whole export --------------------------------------------------------------


def test_one_row_per_order_export_brings_its_items_and_totals(db, officer):
    result = run(officer, LINE_ITEMS)
    assert counts(result) == (300, 0, 0, 0, 5)
    assert Order.select().count() == 300 and OrderLine.select().count() == ALL_LINES
    for number, lines in EXPECTED_LINES.items():
        assert lines_of(number) == lines, number
    first = Order.get(Order.order_number == "12001")
    assert (first.total_cents, first.shipping_cents, first.currency) == (18360, 590, "EUR")
    assert first.customer.shop_ref == "woocommerce:2001"
    assert (first.customer.first_name, first.customer.last_name) == ("Väinö", "Åberg")
    assert first.billing_name == "Väinö Åberg"  # from billing_full_name
    assert Order.get(Order.order_number == "12004").customer.shop_ref is None  # a guest
    assert Customer.select().count() == 300


def test_reimporting_the_export_changes_nothing(db, officer):
    run(officer, LINE_ITEMS)
    ids = [line.id for line in OrderLine.select().order_by(OrderLine.id)]
    again = run(officer, LINE_ITEMS)
    assert counts(again) == (0, 0, 300, 0, 5)
    assert Order.select().count() == 300
    assert [line.id for line in OrderLine.select().order_by(OrderLine.id)] == ids


def test_bad_rows_are_rejected_with_line_and_reason_and_the_rest_imports(db, officer):
    result = run(officer, LINE_ITEMS)
    assert [(r.line, r.reason) for r in result.rejects] == list(zip(BAD_LINES, PACKED_REASONS))
    bad = ["9101", "9102", "9103", "9104", "9105"]
    assert not Order.select().where(Order.order_number.in_(bad)).exists()
    after_bad = ["12051", "12101", "12151", "12201", "12251"]
    assert Order.select().where(Order.order_number.in_(after_bad)).count() == 5


def test_numbered_line_item_columns_read_as_the_same_orders(db, officer):
    result = run(officer, NUMBERED)
    assert counts(result) == (300, 0, 0, 0, 5)
    assert [(r.line, r.reason) for r in result.rejects] == list(zip(BAD_LINES, NUMBERED_REASONS))
    assert OrderLine.select().count() == ALL_LINES
    for number, lines in EXPECTED_LINES.items():
        assert lines_of(number) == lines, number
    # the same orders in the other packing: nothing to change
    assert counts(run(officer, LINE_ITEMS)) == (0, 0, 300, 0, 5)


HEADER = "order_id;order_date;status;order_total;order_currency;billing_email;"
HEADER += "line_items;item_name;item_quantity;item_price\n"


def test_each_row_uses_whichever_item_columns_it_fills(db, officer, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(
        HEADER
        + "1;2026-03-01 10:00;completed;20.00;SEK;aino@esimerkki.fi;"
        + '"name:Juliste|quantity:2|total:20.00";;;\n'
        + "2;2026-03-01 11:00;completed;8.00;EUR;ville@esimerkki.fi;;Tarra;2;3,00\n"
        + "2;2026-03-01 11:00;completed;8.00;EUR;ville@esimerkki.fi;;Pinssi;1;2,00\n"
        + "3;2026-03-01 12:00;completed;7.00;EUR;iida@esimerkki.fi;"
        + "name:Kortti|quantity:1|total:7.00;Muu;1;1,00\n",
        encoding="utf-8",
    )
    result = run(officer, path)
    assert counts(result) == (3, 0, 0, 0, 0)
    assert lines_of("1") == [("Juliste", 2, 1000)]
    assert Order.get(Order.order_number == "1").currency == "SEK"
    assert lines_of("2") == [("Tarra", 2, 300), ("Pinssi", 1, 200)]
    assert lines_of("3") == [("Kortti", 1, 700)]  # both filled: line_items wins


def test_a_packed_row_is_a_whole_order_even_after_its_twin(db, officer, tmp_path):
    path = tmp_path / "twice.csv"
    row = "1;2026-03-01 10:00;completed;{0}.00;EUR;aino@esimerkki.fi;"
    row += "name:Tarra|quantity:{1}|total:{0};;;\n"
    path.write_text(HEADER + row.format(5, 1) + row.format(9, 3), encoding="utf-8")
    result = run(officer, path)
    assert (result.created, result.updated, result.rejected) == (1, 1, 0)
    assert lines_of("1") == [("Tarra", 3, 300)]


def test_orders_of_an_erased_buyer_are_skipped(db, officer):
    run(officer, LINE_ITEMS)
    erase(Order.get(Order.order_number == "12001").customer)
    result = run(officer, LINE_ITEMS)
    assert counts(result) == (0, 0, 299, 1, 5)
    assert not Order.select().where(Order.order_number == "12001").exists()


def test_newer_packed_forms_refuse_what_is_not_an_item():
    from finconsole.core.imports import woo_items as wi

    assert wi.json_items('[{"name": "Miku &amp; Rin", "quantity": 2, "total": "10.00"}]') == [
        ("Miku & Rin", 2, 500)
    ]
    assert wi.legacy_items("Nendoroid Miku (NEN-1) x2 - Koko: L; Figma x1") == [
        ("Nendoroid Miku", 2, 0),
        ("Figma", 1, 0),
    ]
    assert wi.legacy_import_item("NEN-1|2|59.80|Koko\\: L") == [("NEN-1", 2, 2990)]
    for parse, cell in [
        (wi.json_items, "[" * 50000 + "]" * 50000),
        (wi.json_items, '{"name": "x"}'),
        (wi.json_items, '[{"name": "x", "quantity": 1.5, "total": "1"}]'),
        (wi.json_items, "not json"),
        (wi.legacy_items, "no quantity here"),
        (wi.legacy_items, "a" * 2_000_000),
        (wi.legacy_import_item, "NEN-1|2"),
        (wi.legacy_import_item, "NEN-1|two|1.00"),
    ]:
        with pytest.raises(v.FieldError):
            parse(cell)
