"""WooCommerce exports with one row per order: items packed into `line_items` / `line_item_N`."""

from __future__ import annotations

import pytest

from finconsole.core.services import validation as v
from finconsole.core.services import woo_items

FIGURE = "Figuuri: Miku | 1/7; rajoitettu"


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
