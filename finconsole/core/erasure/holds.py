"""What keeps an erased customer's order from being deleted at once, and until when.

Three holds, from the register description's "unless legislation, open invoices or debt
collection prevent it":

- ``voucher``: an invoiced order (invoice status open, paid or credited) is a bookkeeping
  voucher. Accounting Act 1336/1997 2:10 keeps vouchers 6 years from the end of the calendar
  year in which the financial year ended (financial-year end and years in ``[retention]``).
- ``open_invoice``: the invoice is unpaid; the claim needs the buyer's name and billing address.
- ``collection``: an active debt-collection case needs the same.

What a hold keeps is the order minimised: billing name and address, lines and totals. An order
with no hold left is erased by the retention run (``Order.hold_until`` is the day it may go).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from finconsole.core.kernel import dates
from finconsole.core.kernel.errors import ConfigError
from finconsole.core.settings import runtime
from finconsole.core.store.models import Order

VOUCHER = "voucher"
OPEN_INVOICE = "open_invoice"
COLLECTION = "collection"
INVOICED_STATUSES = ("open", "paid", "credited")


@dataclass(frozen=True)
class Hold:
    """One reason to keep one order. ``until`` is the last day kept; None: until the case ends."""

    code: str
    order_id: int
    order_number: str
    until: dt.date | None = None


def financial_year_end(on: dt.date) -> dt.date:
    """The last day of the financial year that ``on`` belongs to."""
    text = runtime.settings("retention")["financial_year_end"]
    try:
        month, day = (int(part) for part in text.split("-"))
        dt.date(2000, month, day)  # a leap year: 02-29 is a valid setting
    except ValueError:
        raise ConfigError("'retention.financial_year_end' must be MM-DD, e.g. 12-31") from None

    end = dates.day_in_month(on.year, month, day)
    return end if on <= end else dates.day_in_month(on.year + 1, month, day)


def voucher_kept_until(voucher_date: dt.date) -> dt.date:
    """Accounting Act 2:10: 6 years from the end of the calendar year the financial year ended."""
    years = runtime.settings("retention")["voucher_years"]
    return dt.date(financial_year_end(voucher_date).year + years, 12, 31)


def holds_of(order: Order) -> list[Hold]:
    """Every hold on ``order`` (empty when nothing keeps it). Ended date holds are left out
    by the caller comparing ``until`` with today, so this stays a pure function of the order."""
    found = []
    if order.invoice_status in INVOICED_STATUSES:
        when = order.invoiced_at or order.ordered_at
        found.append(Hold(VOUCHER, order.id, order.order_number, voucher_kept_until(when.date())))
    if order.invoice_status == "open":
        found.append(Hold(OPEN_INVOICE, order.id, order.order_number))
    if order.collection_status == "active":
        found.append(Hold(COLLECTION, order.id, order.order_number))
    return found


def active_holds(order: Order, today: dt.date) -> list[Hold]:
    """The holds still in force on ``today``."""
    return [h for h in holds_of(order) if h.until is None or h.until >= today]


def erase_on(holds: list[Hold]) -> dt.date | None:
    """The day the last dated hold ends (the order may go then), or None if none is dated."""
    dated = [h.until for h in holds if h.until is not None]
    return max(dated) + dt.timedelta(days=1) if dated else None


def hold_ended(today: dt.date) -> pw.Expression:
    """SQL: a minimised order whose every hold has ended (date passed, invoice paid or
    credited, collection closed)."""
    return (
        (Order.invoice_status != "open")
        & (Order.collection_status != "active")
        & (Order.hold_until.is_null() | (Order.hold_until <= today))
    )
