"""What the columns of Shopify and WooCommerce exports mean: rows -> validated records.

Every mapper takes ``(source, row)`` and returns a record or raises ``RowRejected`` with a
reason that names fields, never values. Columns are found by name through alias lists, so
a re-ordered or extended export reads the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from finconsole.core.imports import woo_items
from finconsole.core.imports.layouts import (  # noqa: F401  (re-exported: the importers' tables)
    SHOPIFY_CUSTOMER_COLUMNS,
    SHOPIFY_CUSTOMER_REQUIRED,
    SHOPIFY_ORDER_COLUMNS,
    SHOPIFY_ORDER_REQUIRED,
    SPREADSHEET_WARNING,
    WOO_CUSTOMER_COLUMNS,
    WOO_CUSTOMER_REQUIRED,
    WOO_ORDER_COLUMNS,
    WOO_ORDER_REQUIRED,
    spreadsheet_damaged,
)
from finconsole.core.imports.reading.phones import KEPT, read_phone
from finconsole.core.imports.shop_csv import (
    CsvSource,
    money_cents,
    quantity,
    says_no,
    shop_id,
    timestamp,
)
from finconsole.core.kernel import countries
from finconsole.core.kernel import validation as v


class RowRejected(ValueError):
    """The row cannot be imported; ``str(err)`` is the reason (no personal data)."""


class NoCustomer(RowRejected):
    """An order with neither email nor name (a Shopify draft order): skipped and counted."""


@dataclass(slots=True)
class CustomerRecord:
    line: int
    shop_ref: str | None
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    note: str = ""
    address: dict[str, Any] | None = None  # street, street2, postcode, city, country
    marketing_no: bool = False
    language: str = ""  # fi | sv | en when the export says so ("" -> the configured default)
    document: str = ""  # its search index entry, if the customer turns out to be new
    warnings: tuple[str, ...] = ()  # imported, but the summary says this (no personal data)
    # why the phone was kept as typed ("" = read, or none): the review flag (its reason is
    # among ``warnings`` too)
    phone_review: str = ""


@dataclass(slots=True)
class OrderRecord:
    line: int
    kind: str  # shopify | woocommerce
    shop_ref: str | None
    order_number: str
    buyer: CustomerRecord  # who the order belongs to (matched by shop id, then email)
    fields: dict[str, Any]
    lines: list[tuple[str, int, int]] = field(default_factory=list)  # product, qty, unit cents
    tracking: list[str] = field(default_factory=list)
    extra_cents: int = 0  # shipping lines and taxes on later rows (Transporter), for a total
    warnings: tuple[str, ...] = ()  # imported, but the summary says this (no personal data)


class Row:
    """One CSV row read through a column map; collects field errors instead of raising.
    ``numbered`` names the map's ``line_item_N`` columns, found once a file."""

    def __init__(
        self, columns: dict[str, int | None], row: list[str], numbered: tuple[str, ...] = ()
    ) -> None:
        self.columns = columns
        self.row = row
        self.numbered = numbered
        self.errors: dict[str, str] = {}
        self.warnings: list[str] = []

    def intact(self, label: str, value: str) -> str:
        """``value``, or "" with a warning when a spreadsheet destroyed it (``7.02255E+12``):
        such an id would match the wrong record, such a phone the wrong person."""
        if spreadsheet_damaged(value):
            self.warnings.append(f"{label}: {SPREADSHEET_WARNING}, so not used")
            return ""
        return value

    def get(self, name: str) -> str:
        index = self.columns.get(name)
        if index is None or index >= len(self.row):
            return ""
        return self.row[index].strip()

    def check(self, name: str, parse, *args: Any, **kwargs: Any) -> Any:
        try:
            return parse(*args, **kwargs)
        except v.FieldError as exc:
            self.errors[name] = str(exc)
            return None

    def reject_if_errors(self) -> None:
        if self.errors:
            raise RowRejected("; ".join(f"{k}: {m}" for k, m in self.errors.items()))


def column_map(source: CsvSource, aliases: Mapping[str, tuple[str, ...]]) -> dict[str, int | None]:
    return {name: source.find(*names) for name, names in aliases.items()}


def person(r: Row, prefix: str, ref: str | None, line: int) -> CustomerRecord:
    """Name, email and phone from ``{prefix}first_name`` etc.; a name or an email is required."""
    first = r.check(f"{prefix}first_name", v.text, r.get(f"{prefix}first_name"), max_length=100)
    last = r.check(f"{prefix}last_name", v.text, r.get(f"{prefix}last_name"), max_length=100)
    email = r.check(f"{prefix}email", v.email, r.get(f"{prefix}email"))
    if not (first or last or email) and not r.errors:
        raise RowRejected("email and name are both missing")
    buyer = CustomerRecord(line, ref, first or "", last or "", email, None)
    countries = (r.get("billing_country"), r.get("shipping_country"))
    buyer_phone(buyer, r, f"{prefix}phone", "billing_phone", countries)
    return buyer


def buyer_phone(
    buyer: CustomerRecord, r: Row, name: str, label: str, countries: tuple[str, ...]
) -> None:
    """The phone in column ``name``, read in the first of ``countries`` (those of the address
    it belongs to first; codes or names); one no plan reads there is kept and flagged, one a
    spreadsheet destroyed (``9.19961E+11``) is not used: either is a warning naming ``label``
    (in ``r.warnings``, which the order record takes)."""
    buyer.phone, review = read_phone(r.intact(label, shop_id(r.get(name))), *countries)
    if review:
        buyer.phone_review = f"{label}: {KEPT}"
        r.warnings.append(buyer.phone_review)


def address(r: Row, prefix: str) -> dict[str, Any] | None:
    """street/street2/postcode/city/country under ``prefix``; None when all are empty."""
    country = r.check(f"{prefix}country", country_code, r.get(f"{prefix}country"))
    data = {
        "street": r.check(f"{prefix}street", v.text, r.get(f"{prefix}street"), max_length=200),
        "street2": r.check(f"{prefix}street2", v.text, r.get(f"{prefix}street2"), max_length=200),
        "postcode": r.check(
            f"{prefix}postcode", v.postcode, shop_id(r.get(f"{prefix}postcode")), country or "FI"
        ),
        "city": r.check(f"{prefix}city", v.text, r.get(f"{prefix}city"), max_length=100),
    }
    if not any(data.values()):
        return None
    data["country"] = country or "FI"
    return {k: val or "" for k, val in data.items()}


def country_code(value: str) -> str:
    """A country as a code or a name (``FI``, ``Finland``, ``Suomi``) -> its ISO code; ""
    when empty."""
    if not value.strip():
        return ""
    code = countries.code_of(value)
    if code is None:
        raise v.FieldError("is not a country (a two-letter code or a country's name)")
    return code


def split_name(full: str) -> tuple[str, str]:
    """'Matti Meikäläinen' -> ('Matti', 'Meikäläinen'): exports give buyers one name field."""
    parts = full.strip().rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])


# --- Shopify ------------------------------------------------------------------------------

SHOPIFY_INVOICE = {
    "pending": "open",
    "authorized": "open",
    "partially_paid": "open",
    "paid": "paid",
    "partially_refunded": "paid",
    "refunded": "credited",
    "voided": "none",
    "expired": "none",
}
SHOPIFY_FULFILMENT = {"fulfilled": "fulfilled", "partial": "partial", "restocked": "cancelled"}


def shopify_order(r: Row, line: int) -> OrderRecord:
    """The first row of an order (order fields), with its own line item."""
    name = r.check("Name", v.text, r.get("name"), max_length=64, required=True)
    ref = r.intact("Id", shop_id(r.get("id")))
    buyer = _shopify_buyer(r, line)
    fields = _order_addresses(r)
    fields.update(
        ordered_at=r.check("Created at", timestamp, r.get("created_at"), required=True),
        paid_at=r.check("Paid at", timestamp, r.get("paid_at")),
        currency=(r.get("currency") or "EUR").upper()[:3],
        subtotal_cents=r.check("Subtotal", money_cents, r.get("subtotal")),
        shipping_cents=r.check("Shipping", money_cents, r.get("shipping")),
        tax_cents=r.check("Taxes", money_cents, r.get("taxes")),
        # no Total column (Transporter): added up once the order is read (finish_order)
        total_cents=r.check("Total", money_cents, r.get("total"), required=True)
        if has(r, "total")
        else None,
        discount_cents=r.check("Discount Amount", money_cents, r.get("discount")),
    )
    outstanding = r.check("Outstanding Balance", money_cents, r.get("outstanding")) or 0
    cancelled = r.check("Cancelled at", timestamp, r.get("cancelled_at"))
    invoice = SHOPIFY_INVOICE.get(r.get("financial").casefold(), "paid")
    fields["invoice_status"] = "open" if outstanding > 0 else invoice
    fulfilment = SHOPIFY_FULFILMENT.get(r.get("fulfilment").casefold(), "unfulfilled")
    fields["fulfilment_status"] = "cancelled" if cancelled else fulfilment
    record = OrderRecord(line, "shopify", f"shopify:{ref}" if ref else None, name, buyer, fields)
    add_shopify_item(record, r)
    r.reject_if_errors()
    record.warnings = tuple(r.warnings)
    return record


def has(r: Row, name: str) -> bool:
    """Does the file have this column at all?"""
    return r.columns.get(name) is not None


def side_name(r: Row, side: str) -> str:
    """``Billing Name``, else ``Billing First Name`` + ``Billing Last Name``."""
    full = r.get(f"{side}_name")
    return full or f"{r.get(f'{side}_first')} {r.get(f'{side}_last')}".strip()


def _shopify_buyer(r: Row, line: int) -> CustomerRecord:
    first, last = split_name(side_name(r, "billing") or side_name(r, "shipping"))
    email = r.check("Email", v.email, r.get("email"))
    if not (first or last or email) and not r.errors:
        # a draft order nobody bought: nothing to register (skipped and counted)
        raise NoCustomer("the order has no customer (no email, no name)")
    buyer = CustomerRecord(line, None, first, last, email, None)
    billing, shipping = r.get("billing_country"), r.get("shipping_country")
    if r.get("phone"):  # Phone / Billing Phone: read in the billing country
        buyer_phone(buyer, r, "phone", "Phone", (billing, shipping))
    else:
        buyer_phone(buyer, r, "shipping_phone", "Shipping Phone", (shipping, billing))
    buyer.marketing_no = says_no(r.get("marketing"))
    return buyer


def _order_addresses(r: Row) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for side in ("billing", "shipping"):
        # no address at all: the country is unknown, not Finland
        place = address(r, f"{side}_") or {"street": "", "postcode": "", "city": "", "country": ""}
        name = r.check(f"{side}_name", v.text, side_name(r, side), max_length=200)
        fields[f"{side}_name"] = name or ""
        fields[f"{side}_street"] = ", ".join(
            p for p in (place["street"], place.get("street2")) if p
        )
        fields[f"{side}_postcode"] = place["postcode"]
        fields[f"{side}_city"] = place["city"]
        fields[f"{side}_country"] = place["country"]
    return fields


def add_shopify_item(record: OrderRecord, r: Row) -> None:
    """A line item (every row of the order has one) and any tracking codes on the row."""
    product = r.check("Lineitem name", v.text, r.get("item_name"), max_length=200)
    qty = r.check("Lineitem quantity", quantity, r.get("item_quantity"))
    price = r.check("Lineitem price", money_cents, r.get("item_price"))
    if r.get("item_total") and not r.get("item_price"):
        # one row per item with the line's total (SkyVerge): the unit price is total / qty
        total = r.check("item_total", money_cents, r.get("item_total"))
        price = woo_items.unit_cents(total or 0, qty or 1)
    if product:
        record.lines.append((product, qty or 1, price or 0))
    add_tracking(record, r.get("tracking"))
    if not has(r, "total"):
        for name in ("shipping_line_price", "tax_1_price", "tax_2_price", "tax_3_price"):
            record.extra_cents += r.check(name, money_cents, r.get(name)) or 0


def finish_order(record: OrderRecord) -> OrderRecord:
    """An export without a Total (the Transporter template): lines, shipping lines and
    taxes, less the discount. Called once the order's last row is read."""
    fields = record.fields
    discount = fields.pop("discount_cents", 0) or 0
    if fields.get("total_cents") is None:
        lines = sum(qty * cents for _, qty, cents in record.lines)
        shipping, tax = fields.get("shipping_cents") or 0, fields.get("tax_cents") or 0
        fields["total_cents"] = lines + shipping + tax + record.extra_cents - discount
        fields["subtotal_cents"] = fields.get("subtotal_cents") or lines
    return record


def add_tracking(record: OrderRecord, value: str) -> None:
    for code in value.replace(";", ",").replace("|", ",").split(","):
        code = "".join(code.split()).upper()
        if code and code not in record.tracking and len(code) <= 64:
            record.tracking.append(code)


# --- WooCommerce --------------------------------------------------------------------------

# WooCommerce status -> (invoice status, fulfilment status)
WOO_STATUS = {
    "pending": ("open", "unfulfilled"),
    "on-hold": ("open", "unfulfilled"),
    "processing": ("paid", "unfulfilled"),
    "completed": ("paid", "fulfilled"),
    "cancelled": ("none", "cancelled"),
    "refunded": ("credited", "cancelled"),
    "failed": ("none", "cancelled"),
}


def woo_order(r: Row, line: int) -> OrderRecord:
    ref = shop_id(r.get("id"))
    if not ref:
        raise RowRejected("order_id is missing")
    if spreadsheet_damaged(ref):
        raise RowRejected(f"order_id: {SPREADSHEET_WARNING}")  # no number to match it by
    number = shop_id(r.get("number")) or ref
    customer_id = r.intact("customer_id", shop_id(r.get("customer_id")))
    # the "import" formats write the customer's email in customer_user: not an id
    known = customer_id not in ("", "0") and "@" not in customer_id
    buyer = person(r, "", f"woocommerce:{customer_id}" if known else None, line)
    buyer.marketing_no = says_no(r.get("marketing"))
    status = r.get("status").casefold().removeprefix("wc-")
    if status not in WOO_STATUS:
        r.errors["status"] = "is not a WooCommerce order status"
    invoice, fulfilment = WOO_STATUS.get(status, ("none", "unfulfilled"))
    fields = _woo_addresses(r, buyer)
    fields.update(
        ordered_at=_woo_date(r),
        paid_at=r.check("paid_date", timestamp, r.get("paid_at")),
        currency=(r.get("currency") or "EUR").upper()[:3],
        subtotal_cents=r.check("order_subtotal", money_cents, r.get("subtotal")),
        shipping_cents=r.check("order_shipping", money_cents, r.get("shipping")),
        tax_cents=r.check("order_tax", money_cents, r.get("taxes")),
        total_cents=r.check("order_total", money_cents, r.get("total"), required=True),
        invoice_status=invoice,
        fulfilment_status=fulfilment,
    )
    record = OrderRecord(line, "woocommerce", f"woocommerce:{ref}", number, buyer, fields)
    add_woo_items(record, r)
    r.reject_if_errors()
    record.warnings = tuple(r.warnings)
    return record


def _woo_date(r: Row) -> Any:
    """The order's time: its GMT column where the export has one, else the local time
    (read in the shop's time zone)."""
    if r.get("date_gmt"):
        return r.check("date_gmt", timestamp, r.get("date_gmt"), utc=True)
    return r.check("order_date", timestamp, r.get("date"), required=True)


def add_woo_items(record: OrderRecord, r: Row) -> None:
    """The row's packed items (``line_items`` or ``line_item_N``), else its one item in
    per-item columns (the same columns as Shopify's once mapped by name)."""
    packed = packed_cells(r)
    if not packed:
        add_shopify_item(record, r)
        return
    for name, cell in packed:
        record.lines += r.check(name, woo_items.parser(name, cell), cell) or []
    add_tracking(record, r.get("tracking"))


def packed_cells(r: Row) -> list[tuple[str, str]]:
    """(column, cell) holding packed items: ``line_items`` if filled, else each filled
    ``line_item_N`` in number order; empty for a one-row-per-item row."""
    for name in ("line_items", "order_items"):
        if r.get(name):
            return [(name, r.get(name))]
    return [(name, r.get(name)) for name in r.numbered if r.get(name)]


def _woo_addresses(r: Row, buyer: CustomerRecord) -> dict[str, Any]:
    billing_name = r.get("billing_name") or f"{buyer.first_name} {buyer.last_name}".strip()
    shipping_name = (
        r.get("shipping_name") or f"{r.get('shipping_first')} {r.get('shipping_last')}".strip()
    )
    r.columns = {**r.columns, "billing_name": None, "shipping_name": None}
    fields = _order_addresses(r)
    fields["billing_name"] = r.check("billing_name", v.text, billing_name, max_length=200) or ""
    fields["shipping_name"] = r.check("shipping_name", v.text, shipping_name, max_length=200) or ""
    return fields


def same_order(kind: str, r: Row, record: OrderRecord) -> bool:
    """Is this row another line item of ``record`` (exports repeat the order's key)?
    A row with packed items is a whole order of its own."""
    if kind != "shopify" and packed_cells(r):
        return False
    key = r.get("name") if kind == "shopify" else shop_id(r.get("id"))
    current = record.order_number if kind == "shopify" else (record.shop_ref or "").split(":")[-1]
    return bool(key) and key == current
