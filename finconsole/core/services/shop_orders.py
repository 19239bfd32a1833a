"""Orders from Shopify and WooCommerce exports, with their line items and tracking codes.

Shopify (and per-item WooCommerce exports) write one row per line item: consecutive rows with
the same order key are one order, whose fields come from its first row. An order is matched
by the shop's own order id, then by order number, and belongs to the customer matched by the
shop's customer id, then email; a buyer not yet in the register becomes a new customer.
Orders of an erased person are skipped and counted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from finconsole.core import clock, permissions
from finconsole.core.actor import Actor
from finconsole.core.db import write_transaction
from finconsole.core.models import Customer, Order, OrderLine, Parcel
from finconsole.core.services import search
from finconsole.core.services import shop_formats as fmt
from finconsole.core.services import shop_writer as w
from finconsole.core.services.import_result import ImportResult, Progress
from finconsole.core.services.shop_csv import CsvSource
from finconsole.core.services.shop_formats import CustomerRecord, OrderRecord, Row, RowRejected

CHUNK = 200
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
    *(
        f"{side}_{part}"
        for side in ("billing", "shipping")
        for part in ("name", "street", "postcode", "city", "country")
    ),
)
FORMATS: dict[str, tuple[str, Mapping[str, tuple[str, ...]], Mapping[str, tuple[str, ...]]]] = {
    "shopify": ("Shopify order", fmt.SHOPIFY_ORDER_REQUIRED, fmt.SHOPIFY_ORDER_COLUMNS),
    "woocommerce": ("WooCommerce order", fmt.WOO_ORDER_REQUIRED, fmt.WOO_ORDER_COLUMNS),
}


def import_orders(actor: Actor, path: Path, progress: Progress | None, kind: str) -> ImportResult:
    permissions.require(actor, "import_shop_data")
    label, required, columns = FORMATS[kind]
    result = ImportResult()
    with CsvSource(path) as source:
        source.require(label, required)
        chunk: list[OrderRecord] = []
        for order in _orders(source, fmt.column_map(source, columns), kind, result, progress):
            chunk.append(order)
            if len(chunk) >= CHUNK:
                write_order_chunk(actor, chunk, result)
                chunk = []
        write_order_chunk(actor, chunk, result)
    from finconsole.core.services.shop_import import _audit_run

    _audit_run(actor, label, result)
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
    rows = 0
    for line, row in source:
        rows += 1
        if progress and rows % 1000 == 0:
            progress(rows, source.bytes_done, source.bytes_total)
        r = Row(columns, row)
        key = r.get("name") if kind == "shopify" else r.get("id")
        try:
            if failed_key is not None and key == failed_key:
                raise RowRejected("belongs to an order rejected on an earlier line")
            if current is not None and fmt.same_order(kind, r, current):
                current_rows.append((line, row))
                fmt.add_shopify_item(current, r)
                r.reject_if_errors()
                continue
            if current is not None:
                yield current
            current, current_rows, failed_key = None, [], None
            current = mapper(r, line)
            current_rows = [(line, row)]
        except RowRejected as exc:
            if current is not None and fmt.same_order(kind, r, current):
                # an order is imported whole or not at all: its earlier rows go with it
                for early_line, early_row in current_rows[:-1]:
                    w.add_reject(result, source, early_line, early_row, LATER_LINE)
                current, current_rows = None, []
            w.add_reject(result, source, line, row, str(exc))
            failed_key = key or None
    if current is not None:
        yield current
    if progress:
        progress(rows, source.bytes_total, source.bytes_total)


def write_order_chunk(actor: Actor, orders: Sequence[OrderRecord], result: ImportResult) -> None:
    if not orders:
        return
    with write_transaction():
        erased = w.erased_records([o.buyer for o in orders])
        live = [o for o in orders if id(o.buyer) not in erased]
        result.skipped_erased += len(orders) - len(live)
        stored = _stored_orders(live)
        owners, new_customers = _owners(actor, live, stored)
        touched: set[int] = set()
        events: list[tuple] = []
        for order in live:
            outcome = _upsert(order, stored.get(id(order)), owners[id(order)], events)
            setattr(result, outcome, getattr(result, outcome) + 1)
            if outcome != "unchanged":
                touched.add(owners[id(order)])
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
    from finconsole.core.services.shop_import import create_customers

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


def _upsert(order: OrderRecord, stored: Order | None, customer_id: int, events: list) -> str:
    """Create or update one order; returns 'created', 'updated' or 'unchanged'."""
    if stored is None:
        row = Order.create(
            customer=customer_id,
            order_number=order.order_number,
            shop_ref=order.shop_ref,
            **order.fields,
            invoiced_at=order.fields["ordered_at"]
            if order.fields["invoice_status"] != "none"
            else None,
        )
        OrderLine.insert_many(
            [
                {"order": row.id, "product": p, "quantity": q, "unit_price_cents": c}
                for p, q, c in order.lines
            ]
        ).execute() if order.lines else None
        parcels = _add_parcels(row.id, order.tracking)
        events.append(("import_order", "order", row.id, customer_id, ["order", *parcels]))
        return "created"
    if stored.restricted:
        return "unchanged"  # kept under an erasure hold: the import does not revive it
    changed = [k for k in ORDER_FIELDS if getattr(stored, k) != order.fields[k]]
    if order.shop_ref and stored.shop_ref != order.shop_ref:
        changed.append("shop_ref")
    lines_changed = _replace_lines(stored.id, order.lines)
    parcels = _add_parcels(stored.id, order.tracking)
    if not (changed or lines_changed or parcels):
        return "unchanged"
    values: dict[str, Any] = {k: order.fields[k] for k in changed if k != "shop_ref"}
    if "shop_ref" in changed:
        values["shop_ref"] = order.shop_ref
    Order.update(**values, updated_at=clock.now(), version=Order.version + 1).where(
        Order.id == stored.id
    ).execute()
    fields = changed + (["lines"] if lines_changed else []) + parcels
    events.append(("import_update_order", "order", stored.id, customer_id, fields))
    return "updated"


def _replace_lines(order_id: int, lines: list[tuple[str, int, int]]) -> bool:
    current = [
        (x.product, x.quantity, x.unit_price_cents)
        for x in OrderLine.select().where(OrderLine.order == order_id).order_by(OrderLine.id)
    ]
    if current == lines:
        return False
    OrderLine.delete().where(OrderLine.order == order_id).execute()
    if lines:
        OrderLine.insert_many(
            [
                {"order": order_id, "product": p, "quantity": q, "unit_price_cents": c}
                for p, q, c in lines
            ]
        ).execute()
    return True


def _add_parcels(order_id: int, codes: list[str]) -> list[str]:
    """A parcel for each tracking code the order does not have yet."""
    if not codes:
        return []
    have = {
        p.tracking_code for p in Parcel.select(Parcel.tracking_code).where(Parcel.order == order_id)
    }
    added = []
    for code in codes:
        normal, carrier = identify_parcel(code)
        if normal in have:
            continue
        Parcel.create(order=order_id, carrier=carrier, tracking_code=normal)
        have.add(normal)
        added.append("parcel")
    return added[:1]


def identify_parcel(code: str) -> tuple[str, str]:
    """(normalised code, carrier): the parcels service decides when it is installed."""
    try:
        from finconsole.core.services import carriers  # type: ignore[attr-defined]
    except ImportError:
        return "".join(code.split()).upper(), "unknown"
    normal = carriers.normalise(code)
    return normal, carriers.detect(normal) or "unknown"


def _refresh_search(touched: set[int], new_customers: set[int]) -> None:
    """Order numbers and tracking codes are searchable: reindex every customer whose orders
    changed (new customers got a first entry, without their orders, when created)."""
    for cid in sorted(touched | new_customers):
        search.reindex(cid)
