"""WooCommerce REST API (v3) JSON: orders and customers as ``GET /wp-json/wc/v3/orders`` and
``/customers`` return them (a JSON array, or one object).

``finconsole import woocommerce-json FILE`` tells orders from customers by their keys (an
order has ``line_items``). Each object is flattened into the columns of the CSV exports and
goes through the same validation and writing as they do, so the register cannot tell the
two apart. Times come from the ``*_gmt`` fields (UTC) where the object has them, else the
local ones are read in the shop's time zone. A reject's "line" is the object's place in the
array (1 = the first).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from finconsole.core.imports import shop_formats as fmt
from finconsole.core.imports.import_result import (
    ImportResult,
    Progress,
    stopping_after_writes,
)
from finconsole.core.imports.reading import encoding
from finconsole.core.imports.reading.limits import (
    ImportFormatError,
    load_json_document,
    open_regular,
)
from finconsole.core.imports.shop_customer_rows import FIELDS, CustomerReader
from finconsole.core.imports.shop_formats import CustomerRecord, OrderRecord, RowRejected
from finconsole.core.imports.shop_import import audit_run, write_customer_chunk
from finconsole.core.imports.shop_orders import write_order_chunk
from finconsole.core.kernel import permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.store.db import large_cache

# An API page holds at most 100 objects (a few hundred kB): a file far larger than any
# page is not one, and is refused before it is read into memory.
MAX_BYTES = 64 << 20
CHUNK = 500
TRACKING_META = "_wc_shipment_tracking_items"  # the Shipment Tracking extension's order meta


def import_woocommerce_json(
    actor: Actor, path: Path, *, progress: Progress | None = None
) -> ImportResult:
    permissions.require(actor, "import_shop_data")
    objects = read_objects(Path(path))
    result = ImportResult()
    result.name_source(Path(path))
    is_orders = any("line_items" in o for o in objects)
    label = "WooCommerce order" if is_orders else "WooCommerce customer"
    # a fault after a chunk was committed: exit 4, saying how many were written
    with large_cache(), stopping_after_writes(result, lambda: audit_run(actor, label, result)):
        if is_orders:
            _import_orders(actor, objects, result)
        else:
            _import_customers(actor, objects, result)
    if progress:
        progress(len(objects), 1, 1)
    audit_run(actor, label, result)
    return result


def read_objects(path: Path) -> list[dict[str, Any]]:
    """The file's objects; ``ImportFormatError`` (nothing imported) for anything else: not
    a regular file, over ``MAX_BYTES``, not text, not JSON, nested too deep."""
    with open_regular(path) as fh:
        text = encoding.read_document(fh, MAX_BYTES, "not a WooCommerce API response")
    data = load_json_document(text)
    objects = data if isinstance(data, list) else [data]
    if not objects or not all(isinstance(o, dict) and "id" in o for o in objects):
        raise ImportFormatError(
            "the file is not WooCommerce JSON: expected orders or customers (objects with an id)"
        )
    return objects


def _text(value: Any) -> str:
    """A JSON value as the cell a CSV export would hold."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _part(obj: dict[str, Any], key: str) -> dict[str, Any]:
    """A nested object (``billing``, ``shipping``); {} when absent or not an object."""
    value = obj.get(key)
    return value if isinstance(value, dict) else {}


# an address's parts (``street`` ...) and the WooCommerce keys they are read from
_PARTS = {
    "first": "first_name",
    "last": "last_name",
    "street": "address_1",
    "street2": "address_2",
    "postcode": "postcode",
    "city": "city",
    "country": "country",
}


def _address(obj: dict[str, Any], side: str) -> dict[str, str]:
    """The ``billing`` or ``shipping`` address as part -> cell (``_PARTS``)."""
    part_of = _part(obj, side)
    return {part: _text(part_of.get(key)) for part, key in _PARTS.items()}


def _utc(obj: dict[str, Any], name: str) -> str:
    """``date_created_gmt`` marked as UTC, else the local ``date_created`` as it is."""
    gmt = _text(obj.get(f"{name}_gmt"))
    return f"{gmt}Z" if gmt and not gmt.endswith("Z") else gmt or _text(obj.get(name))


# --- customers ------------------------------------------------------------------------------


def _customer_cells(obj: dict[str, Any]) -> list[str]:
    billing = _part(obj, "billing")
    address = _address(obj, "billing")  # street .. country: the customer's columns
    values = {
        **address,
        "id": _text(obj.get("id")),
        "first_name": _text(obj.get("first_name")) or address["first"],
        "last_name": _text(obj.get("last_name")) or address["last"],
        "email": _text(obj.get("email")) or _text(billing.get("email")),
        "phone": _text(billing.get("phone")),
    }
    return [values.get(name, "") for name in FIELDS]


def _import_customers(actor: Actor, objects: list[dict], result: ImportResult) -> None:
    reader = CustomerReader({name: i for i, name in enumerate(FIELDS)}, "woocommerce:", "id")
    chunk: list[CustomerRecord] = []
    for number, obj in enumerate(objects, start=1):
        try:
            record = reader(_customer_cells(obj), number)
        except RowRejected as exc:
            result.reject(number, str(exc), {})
            continue
        result.warn(number, record.warnings, {})
        chunk.append(record)
        if len(chunk) >= CHUNK:
            write_customer_chunk(actor, chunk, result)
            chunk = []
    write_customer_chunk(actor, chunk, result)


# --- orders ---------------------------------------------------------------------------------

_ORDER_NAMES = (
    "id number date status total email customer_id first_name last_name phone currency "
    "shipping taxes paid_at line_items tracking"
).split() + [f"{side}_{part}" for side in ("billing", "shipping") for part in _PARTS]
_ORDER_COLUMNS: dict[str, int | None] = {name: i for i, name in enumerate(_ORDER_NAMES)}


def _order_cells(obj: dict[str, Any]) -> list[str]:
    billing = _part(obj, "billing")
    values = {
        "id": _text(obj.get("id")),
        "number": _text(obj.get("number")),
        "date": _utc(obj, "date_created"),
        "status": _text(obj.get("status")),
        "total": _text(obj.get("total")),
        "email": _text(billing.get("email")),
        "customer_id": _text(obj.get("customer_id")),
        "first_name": _text(billing.get("first_name")),
        "last_name": _text(billing.get("last_name")),
        "phone": _text(billing.get("phone")),
        "currency": _text(obj.get("currency")),
        "shipping": _text(obj.get("shipping_total")),
        "taxes": _text(obj.get("total_tax")),
        "paid_at": _utc(obj, "date_paid"),
        "line_items": json.dumps(obj.get("line_items") or []),
        "tracking": ",".join(_tracking_codes(obj)),
    }
    for side in ("billing", "shipping"):
        for part, text in _address(obj, side).items():
            values[f"{side}_{part}"] = text
    return [values.get(name, "") for name in _ORDER_NAMES]


def _tracking_codes(obj: dict[str, Any]) -> list[str]:
    codes = []
    for meta in obj.get("meta_data") or []:
        if isinstance(meta, dict) and meta.get("key") == TRACKING_META:
            for item in meta.get("value") or []:
                if isinstance(item, dict) and item.get("tracking_number"):
                    codes.append(_text(item["tracking_number"]))
    return codes


def _import_orders(actor: Actor, objects: list[dict], result: ImportResult) -> None:
    chunk: list[OrderRecord] = []
    keys: set[str] = set()
    for number, obj in enumerate(objects, start=1):
        try:
            order = fmt.woo_order(fmt.Row(_ORDER_COLUMNS, _order_cells(obj)), number)
        except RowRejected as exc:
            result.reject(number, str(exc), {})
            continue
        result.warn(number, order.warnings, {})
        if order.shop_ref in keys or len(chunk) >= CHUNK:
            write_order_chunk(actor, chunk, result)
            chunk, keys = [], set()
        chunk.append(order)
        keys.add(order.shop_ref or "")
    write_order_chunk(actor, chunk, result)
