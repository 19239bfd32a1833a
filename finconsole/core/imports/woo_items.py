"""Line items packed into one cell by WooCommerce order export plug-ins.

One-row-per-order exports (SkyVerge Customer/Order CSV Export, default format) write every
item of the order into a ``line_items`` cell; the CSV Import Suite format writes one item a
column, ``line_item_1``, ``line_item_2``, ... An item is ``key:value`` pairs joined by ``|``,
items are joined by ``;``::

    name:Nendoroid Miku|product_id:12|sku:NEN-1|quantity:2|total:99.80|meta:Koko=L

``total`` is the line total (all of the quantity, after discounts). The exporter escapes the
three separators inside keys and values with a backslash (``\\:``, ``\\|``, ``\\;``); any other
backslash is literal. A pair is split at its first unescaped ``:``, so older exports that did
not escape a colon in a product name still read right. Keys this register has no use for
(``sku``, ``product_id``, ``subtotal``, ``tax``, ``meta``, ``refunded`` ...) are ignored.

Errors are ``FieldError`` whose message names the item and key, never a value.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from finconsole.core.imports.shop_csv import money_cents, quantity
from finconsole.core.kernel import validation as v

Line = tuple[str, int, int]  # product, quantity, unit price in cents

NUMBERED_COLUMN = re.compile(r"^(?:line|order)_item_(\d+)$")
MAX_LEGACY_ITEM = 1000  # a name, a SKU and a variation; the pattern must not face megabytes
LEGACY_ITEM = re.compile(r"^(?P<name>.*?)(?: \((?P<sku>[^()]*)\))? x(?P<qty>\d+)(?: - .*)?$", re.S)
_ESCAPED = re.compile(r"\\([:|;])")


def _split(text: str, separator: str, limit: int = 0) -> list[str]:
    """``text`` split at every ``separator`` not escaped with a backslash."""
    return re.split(r"(?<!\\)" + re.escape(separator), text, maxsplit=limit)


def _unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text).strip()


def packed_items(cell: str) -> list[Line]:
    """Every item of a ``line_items`` cell; an error names the item by its place (1, 2 ...)."""
    lines = []
    for number, text in enumerate(_split(cell, ";"), start=1):
        if not text.strip():
            continue
        try:
            lines.append(packed_item(text))
        except v.FieldError as exc:
            raise v.FieldError(f"item {number}: {exc}") from None
    return lines


def parser(column: str, cell: str) -> Callable[[str], list[Line]]:
    """How to read a packed cell of ``column``: JSON (the "import" formats), the legacy
    single column, a legacy ``order_item_N`` or the pipe-delimited ``key:value`` form."""
    if column == "order_items":
        return legacy_items
    if column.startswith("order_item_"):
        return legacy_import_item
    if cell.lstrip().startswith("["):
        return json_items
    return packed_items if column == "line_items" else one_item


def json_items(cell: str) -> list[Line]:
    """A JSON array of items with ``name``, ``quantity`` and ``total`` (the line total)."""
    try:
        items = json.loads(cell)
    except (ValueError, RecursionError):
        raise v.FieldError("is not valid JSON") from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise v.FieldError("is not a list of items")
    lines = []
    for number, item in enumerate(items, start=1):
        fields = {str(k).casefold(): "" if val is None else str(val) for k, val in item.items()}
        # WooCommerce keeps product names HTML-escaped ("Ship Your Idea &ndash; Black")
        fields["name"] = html.unescape(fields.get("name", ""))
        try:
            lines.append(_line(fields))
        except v.FieldError as exc:
            raise v.FieldError(f"item {number}: {exc}") from None
    return lines


def legacy_items(cell: str) -> list[Line]:
    """SkyVerge's legacy single column: ``Name (SKU) x2 - Size: L; Other x1``. It holds no
    prices: the lines are kept at 0 (the order's total is in its own column)."""
    lines = []
    for number, text in enumerate(cell.split("; "), start=1):
        if not text.strip():
            continue
        if len(text) > MAX_LEGACY_ITEM:
            raise v.FieldError(f"item {number}: is longer than {MAX_LEGACY_ITEM} characters")
        m = LEGACY_ITEM.match(text.strip())
        if not m or not m.group("name").strip():
            raise v.FieldError(f"item {number}: is not 'name x quantity'")
        name = _parsed("name", v.text, m.group("name"), max_length=200, required=True)
        lines.append((name, _parsed("quantity", whole_quantity, m.group("qty")), 0))
    return lines


def legacy_import_item(cell: str) -> list[Line]:
    """A legacy CSV Import Suite ``order_item_N``: ``SKU|quantity|line total|meta...``; the
    product is named by its SKU (or ``product_id:N``), as the export has no name."""
    parts = _split(cell, "|")
    if len(parts) < 3:
        raise v.FieldError("is not 'sku|quantity|total'")
    name = _parsed("sku", v.text, _unescape(parts[0]), max_length=200, required=True)
    count = _parsed("quantity", whole_quantity, parts[1])
    total = _parsed("total", money_cents, parts[2], required=True)
    return [(name, count, unit_cents(total, count))]


def one_item(cell: str) -> list[Line]:
    """The single item of a ``line_item_N`` cell, as a list like ``packed_items``."""
    return [packed_item(cell)]


def packed_item(text: str) -> Line:
    return _line(item_fields(text))


def _line(fields: dict[str, str]) -> Line:
    product = _parsed("name", v.text, fields.get("name", ""), max_length=200, required=True)
    count = _parsed("quantity", whole_quantity, fields.get("quantity", ""))
    total = _parsed("total", money_cents, fields.get("total", ""), required=True)
    return product, count, unit_cents(total, count)


def item_fields(text: str) -> dict[str, str]:
    """``key:value|key:value`` -> {key: value}, unescaped."""
    fields = {}
    for place, pair in enumerate(_split(text, "|"), start=1):
        parts = _split(pair, ":", 1)
        if len(parts) != 2 or not parts[0].strip():
            raise v.FieldError(f"field {place} is not a key:value pair")
        fields[_unescape(parts[0]).casefold()] = _unescape(parts[1])
    return fields


def _parsed(key: str, parse: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return parse(*args, **kwargs)
    except v.FieldError as exc:
        raise v.FieldError(f"{key} {exc}") from None


def whole_quantity(value: str) -> int:
    """A packed item's quantity: required and whole ('2'; never '1.5' read as 1)."""
    raw = value.strip().replace(",", ".")
    if not raw:
        raise v.FieldError("is missing")
    try:
        whole = Decimal(raw) % 1 == 0
    except InvalidOperation:
        whole = False
    if not whole:
        raise v.FieldError("is not a whole number")
    return quantity(raw)


def unit_cents(total_cents: int, count: int) -> int:
    """The unit price of a line: its total / quantity, rounded half up to the cent."""
    return int((Decimal(total_cents) / count).to_integral_value(ROUND_HALF_UP))


def numbered_columns(columns: Mapping[str, int | None]) -> dict[str, int | None]:
    """The ``line_item_N`` columns of a file (normalised header -> index), by N."""
    found = [(int(m.group(1)), name) for name in columns if (m := NUMBERED_COLUMN.match(name))]
    return {name: columns[name] for _, name in sorted(found)}
