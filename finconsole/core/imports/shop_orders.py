"""Orders from Shopify and WooCommerce exports, with their line items and tracking codes.

Shopify (and per-item WooCommerce exports) write one row per line item: consecutive rows with
the same order key are one order, whose fields come from its first row. One-row-per-order
WooCommerce exports pack the items into a cell (``woo_items``): each such row is one order.
An order is matched by the shop's own order id, then by order number, and belongs to the
customer matched by the shop's customer id, then email; a buyer not yet in the register
becomes a new customer. Orders of an erased person are skipped and counted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from finconsole.core.imports import shop_formats as fmt
from finconsole.core.imports import shop_writer as w
from finconsole.core.imports import woo_items
from finconsole.core.imports.import_result import (
    ImportResult,
    Progress,
    stopping_after_writes,
)
from finconsole.core.imports.shop_csv import CsvSource, ImportFormatError
from finconsole.core.imports.shop_formats import CustomerRecord, OrderRecord, Row, RowRejected
from finconsole.core.imports.shop_import import audit_run, create_customers
from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.orders.orders import ADDRESS_FIELDS
from finconsole.core.parcels import carriers
from finconsole.core.store import search_index as search
from finconsole.core.store.db import large_cache, write_transaction
from finconsole.core.store.models import Customer, Order, OrderLine

CHUNK = 500
ORDER_TABLE = '"order"'  # a reserved word in SQL
LINE_COLUMNS = ("order_id", "product", "quantity", "unit_price_cents")
PARCEL_COLUMNS = ("order_id", "carrier", "tracking_code", "status", "created_at")
LATER_LINE = "belongs to an order rejected on a later line"
ORDER_FIELDS = (
    "ordered_at",
    "paid_at",
    "currency",
    "subtotal_cents",
    "shipping_cents",
    "tax_cents",
    "total_cents",
    "invoice_status",
    "fulfilment_status",
    *ADDRESS_FIELDS,
)
ORDER_COLUMNS = (
    ("id", "customer_id", "order_number", "shop_ref")
    + ORDER_FIELDS
    + ("invoiced_at", "collection_status", "restricted", "created_at", "updated_at", "version")
)
FORMATS: dict[str, tuple[str, Mapping[str, tuple[str, ...]], Mapping[str, tuple[str, ...]]]] = {
    "shopify": ("Shopify order", fmt.SHOPIFY_ORDER_REQUIRED, fmt.SHOPIFY_ORDER_COLUMNS),
    "woocommerce": ("WooCommerce order", fmt.WOO_ORDER_REQUIRED, fmt.WOO_ORDER_COLUMNS),
}


def import_shopify_orders(
    actor: Actor, path: Path, *, progress: Progress | None = None
) -> ImportResult:
    return import_orders(actor, Path(path), progress, "shopify")


def import_woocommerce_orders(
    actor: Actor, path: Path, *, progress: Progress | None = None
) -> ImportResult:
    return import_orders(actor, Path(path), progress, "woocommerce")


def import_orders(actor: Actor, path: Path, progress: Progress | None, kind: str) -> ImportResult:
    permissions.require(actor, "import_shop_data")
    label, required, columns = FORMATS[kind]
    result = ImportResult()
    with CsvSource(path) as source, large_cache():
        source.require(label, required)
        result.name_source(path)
        chunk: list[OrderRecord] = []
        keys: set[str] = set()
        found = fmt.column_map(source, columns)
        if kind == "woocommerce":
            found |= woo_items.numbered_columns(source.columns)
        with stopping_after_writes(result, lambda: audit_run(actor, label, result)):
            try:
                for order in _orders(source, found, kind, result, progress):
                    order_keys = {k for k in (order.shop_ref, order.order_number) if k}
                    if order_keys & keys or len(chunk) >= CHUNK:
                        # the same order twice in one chunk: write the first before the second
                        write_order_chunk(actor, chunk, result)
                        chunk, keys = [], set()
                    chunk.append(order)
                    keys |= order_keys
            except ImportFormatError:
                write_order_chunk(actor, chunk, result)  # the message promises the orders before
                raise
            write_order_chunk(actor, chunk, result)
    audit_run(actor, label, result)
    return result


def _orders(
    source: CsvSource,
    columns: dict[str, int | None],
    kind: str,
    result: ImportResult,
    progress: Progress | None,
) -> Iterator[OrderRecord]:
    """Group line-item rows into orders; a bad row rejects its whole order."""
    mapper = fmt.shopify_order if kind == "shopify" else fmt.woo_order
    current: OrderRecord | None = None
    current_rows: list[tuple[int, list[str]]] = []  # the rows of ``current``, for rejects
    failed_key: str | None = None  # later items of a rejected order are rejected with it
    skipped_key: str | None = None  # later items of an order with no customer are skipped
    numbered = tuple(woo_items.numbered_columns(columns))
    rows = 0
    for line, row in source:
        rows += 1
        if progress and rows % 1000 == 0:
            progress(rows, source.bytes_done, source.bytes_total)
        r = Row(columns, row, numbered)
        key = r.get("name") if kind == "shopify" else r.get("id")
        if skipped_key is not None and key == skipped_key:
            continue
        skipped_key = None
        try:
            if failed_key is not None and key == failed_key:
                raise RowRejected("belongs to an order rejected on an earlier line")
            if current is not None and fmt.same_order(kind, r, current):
                current_rows.append((line, row))
                fmt.add_shopify_item(current, r)
                r.reject_if_errors()
                continue
            if current is not None:
                yield _warned(fmt.finish_order(current), current_rows, source, result)
            current, current_rows, failed_key = None, [], None
            current = mapper(r, line)
            current_rows = [(line, row)]
        except fmt.NoCustomer:
            result.skipped_no_customer += 1
            skipped_key = key or None
        except RowRejected as exc:
            if current is not None and fmt.same_order(kind, r, current):
                # an order is imported whole or not at all: its earlier rows go with it
                for early_line, early_row in current_rows[:-1]:
                    w.add_reject(result, source, early_line, early_row, LATER_LINE)
                current, current_rows = None, []
            w.add_reject(result, source, line, row, str(exc))
            failed_key = key or None
    if current is not None:
        yield _warned(fmt.finish_order(current), current_rows, source, result)
    if progress:
        progress(rows, source.bytes_total, source.bytes_total)


def _warned(
    order: OrderRecord, rows: list[tuple[int, list[str]]], source: CsvSource, result: ImportResult
) -> OrderRecord:
    """The order, its warnings (a buyer's phone kept as typed, an id a spreadsheet destroyed)
    listed with its first row (the order goes in)."""
    if order.warnings:
        line, row = rows[0]
        raw = source.raw(row) if len(result.warnings) < w.RAW_REJECTS_KEPT else {}
        result.warn(line, order.warnings, raw)
    return order


def write_order_chunk(actor: Actor, orders: Sequence[OrderRecord], result: ImportResult) -> None:
    if not orders:
        return
    with result.committing(), write_transaction():
        w.lock_imports()  # another console importing the same file waits
        erased = w.erased_records([o.buyer for o in orders])
        live = [o for o in orders if id(o.buyer) not in erased]
        result.skipped_erased += len(orders) - len(live)
        stored = _stored_orders(live)
        owners, new_customers = _owners(actor, live, stored)
        events: list[tuple] = []
        parcels: list[tuple] = []
        new = [o for o in live if id(o) not in stored]
        _create_orders(new, owners, events, parcels)
        result.created += len(new)
        touched = {owners[id(o)] for o in new}
        old = [(o, stored[id(o)]) for o in live if id(o) in stored]
        lines_of = _stored_lines([row.id for _, row in old])
        codes_of = _stored_codes([row.id for _, row in old])
        for order, row in old:
            changed = _update_order(order, row, lines_of, codes_of, events, parcels)
            result.updated += changed
            result.unchanged += not changed
            if changed:
                touched.add(row.customer_id)
        w.insert_many("parcel", PARCEL_COLUMNS, parcels)
        _refresh_search(touched, new_customers)
        w.audit_many(actor, events)


def _stored_orders(orders: Sequence[OrderRecord]) -> dict[int, Order]:
    by_ref = {
        o.shop_ref: o
        for o in Order.select().where(
            Order.shop_ref.in_([x.shop_ref for x in orders if x.shop_ref])
        )
    }
    found = {id(x): by_ref[x.shop_ref] for x in orders if x.shop_ref in by_ref}
    numbers = [x.order_number for x in orders if id(x) not in found]
    by_number = {o.order_number: o for o in Order.select().where(Order.order_number.in_(numbers))}
    for x in orders:
        if id(x) not in found and x.order_number in by_number:
            found[id(x)] = by_number[x.order_number]
    return found


def _owners(
    actor: Actor, orders: Sequence[OrderRecord], stored: dict[int, Order]
) -> tuple[dict[int, int], set[int]]:
    """``id(order)`` -> customer id; buyers not in the register are created first."""
    owners = {id(o): stored[id(o)].customer_id for o in orders if id(o) in stored}
    buyers = [o.buyer for o in orders if id(o) not in owners]
    matched = w.existing_customers(buyers)
    _record_objections(actor, [o.buyer for o in orders], matched, owners, orders)
    new: dict[tuple, CustomerRecord] = {}
    for order in orders:
        if id(order) in owners:
            continue
        if id(order.buyer) in matched:
            owners[id(order)] = matched[id(order.buyer)]["id"]
            continue
        new.setdefault(_buyer_key(order.buyer), order.buyer)
    created = dict(zip(new, create_customers(actor, list(new.values()))))
    for order in orders:
        if id(order) not in owners:
            owners[id(order)] = created[_buyer_key(order.buyer)]
    return owners, set(created.values())


def _buyer_key(buyer: CustomerRecord) -> tuple:
    if buyer.shop_ref:
        return ("ref", buyer.shop_ref)
    if buyer.email:
        return ("email", buyer.email)
    return ("name", buyer.first_name, buyer.last_name, buyer.phone)


def _record_objections(actor, buyers, matched, owners, orders) -> None:
    """'Accepts marketing: no' on an order sets the buyer's objection (never clears one)."""
    ids = {matched[id(b)]["id"] for b in buyers if b.marketing_no and id(b) in matched}
    ids |= {owners[id(o)] for o in orders if o.buyer.marketing_no and id(o) in owners}
    if not ids:
        return
    query = Customer.select(Customer.id).where(
        Customer.id.in_(list(ids)) & Customer.objection_marketing_at.is_null()
    )
    newly = [c.id for c in query]
    if newly:
        Customer.update(
            objection_marketing_at=clock.now(),
            updated_at=clock.now(),
            version=Customer.version + 1,
        ).where(Customer.id.in_(newly)).execute()
        w.audit_many(
            actor,
            [("import_set_objection", "customer", c, c, ["objection_marketing_at"]) for c in newly],
        )


def _create_orders(
    orders: Sequence[OrderRecord], owners: dict[int, int], events: list, parcels: list
) -> None:
    """Insert new orders with their lines in bulk; their parcels are added to ``parcels``."""
    ids = w.allocate_ids(ORDER_TABLE, len(orders))
    now = w.db_now()
    rows = []
    for order, oid in zip(orders, ids):
        fields = order.fields
        invoiced = fields["ordered_at"] if fields["invoice_status"] != "none" else None
        rows.append(
            (oid, owners[id(order)], order.order_number, order.shop_ref)
            + tuple(fields[k] for k in ORDER_FIELDS)
            + (invoiced, "none", False, now, now, 1)
        )
        new_parcels = _parcel_rows(oid, order.tracking, set())
        parcels += new_parcels
        fields_named = ["order", "lines"] + (["parcel"] if new_parcels else [])
        events.append(("import_order", "order", oid, owners[id(order)], fields_named))
    w.insert_many(ORDER_TABLE, ORDER_COLUMNS, rows)
    w.insert_many(
        "order_line",
        LINE_COLUMNS,
        [(oid, *line) for order, oid in zip(orders, ids) for line in order.lines],
    )


def _update_order(
    order: OrderRecord,
    stored: Order,
    lines_of: dict[int, list[tuple[str, int, int]]],
    codes_of: dict[int, set[str]],
    events: list,
    parcels: list,
) -> bool:
    """Bring a stored order up to date; True if anything changed."""
    if stored.restricted:
        return False  # kept under an erasure hold: the import does not revive it
    changed = [k for k in ORDER_FIELDS if getattr(stored, k) != order.fields[k]]
    values: dict[str, Any] = {k: order.fields[k] for k in changed}
    if order.shop_ref and stored.shop_ref != order.shop_ref:
        changed.append("shop_ref")
        values["shop_ref"] = order.shop_ref
    if lines_of.get(stored.id, []) != order.lines:
        changed.append("lines")
        OrderLine.delete().where(OrderLine.order == stored.id).execute()
        w.insert_many("order_line", LINE_COLUMNS, [(stored.id, *line) for line in order.lines])
    new_parcels = _parcel_rows(stored.id, order.tracking, codes_of.get(stored.id, set()))
    if new_parcels:
        changed.append("parcel")
        parcels += new_parcels
    if not changed:
        return False
    Order.update(**values, updated_at=clock.now(), version=Order.version + 1).where(
        Order.id == stored.id
    ).execute()
    events.append(("import_update_order", "order", stored.id, stored.customer_id, changed))
    return True


def _stored_lines(order_ids: Sequence[int]) -> dict[int, list[tuple[str, int, int]]]:
    out: dict[int, list[tuple[str, int, int]]] = {}
    query = (
        "SELECT order_id, product, quantity, unit_price_cents FROM order_line "
        "WHERE order_id IN ({}) ORDER BY order_id, id"
    )
    for oid, product, qty, cents in w.select_in(query, order_ids):
        out.setdefault(oid, []).append((product, qty, cents))
    return out


def _stored_codes(order_ids: Sequence[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    query = "SELECT order_id, tracking_code FROM parcel WHERE order_id IN ({})"
    for oid, code in w.select_in(query, order_ids):
        out.setdefault(oid, set()).add(code)
    return out


def _parcel_rows(order_id: int, codes: list[str], have: set[str]) -> list[tuple]:
    """Rows for the tracking codes the order has no parcel for yet."""
    rows = []
    now = w.db_now()
    for code in codes:
        normal, carrier = identify_parcel(code)
        if normal not in have:
            have.add(normal)
            rows.append((order_id, carrier, normal, "pending", now))
    return rows


def identify_parcel(code: str) -> tuple[str, str]:
    """(normalised code, carrier) as the carriers module reads the code."""
    normal = carriers.normalise(code)
    return normal, carriers.detect(normal) or "unknown"


def _refresh_search(touched: set[int], new_customers: set[int]) -> None:
    """Order numbers and tracking codes are searchable: reindex every customer whose orders
    changed (new customers got a first entry, without their orders, when created)."""
    search.reindex_many(sorted(touched | new_customers))
