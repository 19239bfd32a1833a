"""The column layouts of real shop exports: which header names mean which field.

Columns are found by name (case, spaces and a BOM ignored), the first alias a file has
winning, so every period's layout reads through one table:

- Shopify customers: the current export (``Customer ID``, ``Default Address Address1`` ...),
  the 2022-23 one (``Customer ID``, ``Company``, ``Address1``, ``Country Code`` ...) and older
  ones with no ``Customer ID`` at all (customers are then matched by email).
- Shopify orders: the admin export, and Shopify's own Transporter import template
  (``Processed At``, no ``Total``: the total is then added up from the lines, shipping lines
  and taxes).
- WooCommerce: every built-in format of SkyVerge's Customer/Order CSV Export (default,
  one row per item, CSV Import Suite "import", and the legacy ones with ``Order ID``, ``Date``,
  ``Billing Post code`` ...), and WooCommerce's own order CSV.

A column named in ``*_REQUIRED`` must be there, else the file is not that kind of export.
"""

from __future__ import annotations

import re

# What Excel does to a long number it re-saves: 7022550000000 -> "7.02255E+12". The digits
# past the sixth are gone for good, so such an id or phone can never be matched or dialled.
SPREADSHEET_WARNING = "a spreadsheet turned it into a rounded number (like 7.02E+12)"
_SPREADSHEET_NUMBER = re.compile(r"^[+-]?\d(?:[.,]\d+)?E\+?\d+$", re.IGNORECASE)


def spreadsheet_damaged(value: str) -> bool:
    """Was this id or phone turned into a rounded number by a spreadsheet (``9.19961E+11``)?"""
    if "E" not in value and "e" not in value:
        return False  # nearly every value: no regex in a million-row loop
    return bool(_SPREADSHEET_NUMBER.match(value.strip().lstrip("'")))


# --- Shopify customers ---------------------------------------------------------------------

SHOPIFY_CUSTOMER_REQUIRED = {
    "first_name": ("First Name",),
    "last_name": ("Last Name",),
    "email": ("Email",),
}
SHOPIFY_CUSTOMER_COLUMNS = {
    **SHOPIFY_CUSTOMER_REQUIRED,
    "id": ("Customer ID", "Customer Id"),  # absent from exports before 2022
    "phone": ("Phone",),
    "address_phone": ("Default Address Phone",),
    "marketing": ("Accepts Email Marketing", "Accepts Marketing"),
    "note": ("Note",),
    "street": ("Default Address Address1", "Address1", "Address 1"),
    "street2": ("Default Address Address2", "Address2", "Address 2"),
    "postcode": ("Default Address Zip", "Zip", "Postal Code"),
    "city": ("Default Address City", "City"),
    # the code where the export has one: older layouts hold the name in "Country"
    "country": (
        "Default Address Country Code",
        "Country Code",
        "Default Address Country",
        "Country",
    ),
    "language": ("Language", "Locale"),
}

# --- Shopify orders (admin export and the Transporter template) ----------------------------

SHOPIFY_ORDER_REQUIRED = {
    "name": ("Name",),
    "email": ("Email",),
    "created_at": ("Created at", "Processed At"),
    "item_name": ("Lineitem name",),
}
_SIDE_COLUMNS = (
    ("name", ("Name",)),
    ("first", ("First Name",)),
    ("last", ("Last Name",)),
    ("street", ("Address1", "Street")),
    ("street2", ("Address2",)),
    ("postcode", ("Zip",)),
    ("city", ("City",)),
    ("country", ("Country Code", "Country")),
    ("phone", ("Phone",)),
)
SHOPIFY_ORDER_COLUMNS = {
    **SHOPIFY_ORDER_REQUIRED,
    "total": ("Total",),  # Transporter has none: added up (shop_formats.finish_order)
    "id": ("Id",),
    "financial": ("Financial Status",),
    "paid_at": ("Paid at",),
    "fulfilment": ("Fulfillment Status",),
    "marketing": ("Accepts Marketing", "Accepts Email Marketing", "Buyer Accepts Marketing"),
    "currency": ("Currency",),
    "subtotal": ("Subtotal",),
    "shipping": ("Shipping",),
    "taxes": ("Taxes", "Total Tax"),
    "discount": ("Discount Amount",),
    "cancelled_at": ("Cancelled at",),
    "outstanding": ("Outstanding Balance",),
    "item_quantity": ("Lineitem quantity",),
    "item_price": ("Lineitem price",),
    "tracking": ("Tracking Number", "Fulfillment Tracking Number", "Tracking Numbers", "Tracking"),
    "phone": ("Phone", "Billing Phone"),
    # Transporter: a shipping line and the line taxes on any row of the order
    "shipping_line_price": ("Shipping line price",),
    **{f"tax_{n}_price": (f"Tax {n} Price",) for n in (1, 2, 3)},
    **{
        f"{side}_{part}": tuple(f"{side.title()} {c}" for c in columns)
        for side in ("billing", "shipping")
        for part, columns in _SIDE_COLUMNS
    },
}

# --- WooCommerce customers (SkyVerge default, import and legacy formats) -------------------

WOO_CUSTOMER_REQUIRED = {
    "email": ("email", "user_email", "billing_email", "Email"),
    "first_name": ("first_name", "billing_first_name", "First Name"),
    "last_name": ("last_name", "billing_last_name", "Last Name"),
}
WOO_CUSTOMER_COLUMNS = {
    **WOO_CUSTOMER_REQUIRED,
    "id": ("customer_id", "id", "user_id"),  # the import format has none: matched by email
    "phone": ("billing_phone", "phone"),
    "marketing": ("marketing_opt_in", "accepts_marketing", "newsletter", "subscribed"),
    "street": ("billing_address_1", "Address"),
    "street2": ("billing_address_2", "Address 2"),
    "postcode": ("billing_postcode", "Post code", "Postcode"),
    "city": ("billing_city", "City"),
    "country": ("billing_country", "Country"),
    "language": ("language", "locale", "wpml_language"),
}

# --- WooCommerce orders --------------------------------------------------------------------

WOO_ORDER_REQUIRED = {
    "id": ("order_id", "id", "Order ID", "Order Number", "Order #"),
    "date": ("order_date", "date", "created_at", "date_created", "Order Date", "Date"),
    "status": ("status", "order_status", "Order Status", "Status"),
    "total": ("order_total", "total", "Order Total", "Order Total Amount"),
    "email": ("customer_email", "billing_email", "Billing Email", "Billing Email Address"),
}
_WOO_SIDE = (
    ("first", ("first_name", "First Name")),
    ("last", ("last_name", "Last Name")),
    ("name", ("name", "full_name")),
    ("street", ("address_1", "Address 1")),
    ("street2", ("address_2", "Address 2")),
    ("postcode", ("postcode", "Post code", "Postcode", "Zip")),
    ("city", ("city", "City")),
    ("country", ("country", "Country", "Country Code")),
    ("phone", ("phone", "Phone")),
)
WOO_ORDER_COLUMNS = {
    **WOO_ORDER_REQUIRED,
    "number": ("order_number", "order_number_formatted"),
    "date_gmt": ("date_gmt", "order_date_gmt", "date_created_gmt"),
    "customer_id": ("customer_id", "customer_user"),  # an email in the import formats
    "first_name": ("billing_first_name", "Billing First Name"),
    "last_name": ("billing_last_name", "Billing Last Name"),
    "phone": ("billing_phone", "Billing Phone"),
    "currency": ("order_currency", "currency", "Order Currency"),
    "subtotal": ("order_subtotal", "subtotal", "Order Subtotal Amount"),
    "shipping": (
        "order_shipping",
        "shipping_total",
        "total_shipping",
        "Shipping",
        "Order Shipping Amount",
    ),
    "taxes": ("order_tax", "tax_total", "cart_tax", "Tax", "Order Total Tax Amount"),
    "paid_at": ("paid_date", "date_paid", "Paid Date"),
    "marketing": ("marketing_opt_in", "accepts_marketing"),
    "item_name": ("item_name", "line_item_name", "product_name", "Item Name"),
    "item_quantity": ("item_quantity", "quantity", "Item Amount", "Quantity"),
    "item_price": ("item_price", "item_cost", "Item Cost"),
    "item_total": ("item_total", "Row Price"),  # the line's total: unit = total / quantity
    "line_items": ("line_items",),  # packed items (woo_items); JSON in the "import" format
    "order_items": ("Order Items",),  # legacy single column: "Name (SKU) x2; Other x1"
    "tracking": ("tracking_number", "tracking_code", "_tracking_number"),
    **{
        f"{side}_{part}": tuple(
            f"{side}_{c}" if c.islower() else f"{side.title()} {c}" for c in columns
        )
        for side in ("billing", "shipping")
        for part, columns in _WOO_SIDE
        if part != "phone"
    },
}
