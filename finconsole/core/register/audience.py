"""Who may be used for marketing, statistics or profiling: the ONE place that rule lives.

``eligible(purpose)`` is the customers without an objection to that purpose who are not
restricted (Art 18, or held minimised under an erasure hold). Every list or export made for
one of these purposes starts from it; the marketing list also lists an email address once,
and not at all when any customer with that address objects. ``write_csv`` streams the CSV a
newsletter tool
(marketing: email, first name, language) or a statistics job (no direct identifiers) takes,
in keyset-paged batches so memory stays bounded at a million customers on either database.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any, TextIO

import peewee as pw

from finconsole.core.access import audit
from finconsole.core.kernel import permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import ValidationError
from finconsole.core.kernel.text import spreadsheet_safe
from finconsole.core.register.customers import OBJECTIONS
from finconsole.core.store.db import is_sqlite, write_transaction
from finconsole.core.store.models import Address, Customer, Order, database

PURPOSES = OBJECTIONS
EXPORTABLE = ("marketing", "statistics")
BATCH = 5000
MARKETING_COLUMNS = ("email", "first_name", "language")
STATISTICS_COLUMNS = (
    "row",
    "first_order_year",
    "postcode_area",
    "city",
    "language",
    "orders",
    "total_cents",
)


def eligible(purpose: str) -> Any:
    """Customers that may be used for ``purpose``: no objection to it, not restricted."""
    if purpose not in PURPOSES:
        raise ValidationError({"purpose": "must be one of " + ", ".join(PURPOSES)})
    return Customer.select().where(
        getattr(Customer, f"objection_{purpose}_at").is_null(),
        Customer.restricted == False,  # noqa: E712
    )


def _batches(query: Any, *columns: pw.Field) -> Iterator[list[Any]]:
    """Keyset pages by id of (id, *columns) tuples: bounded memory without server-side
    cursors, and no model instances (four times faster at a million rows)."""
    last_id = 0
    while True:
        page = (
            query.select(Customer.id, *columns)
            .where(Customer.id > last_id)
            .order_by(Customer.id)
            .limit(BATCH)
        )
        # The raw cursor: text and integer columns need no conversion, and peewee's per-row
        # processing would double the cost.
        batch = database.execute(page).fetchall()
        if not batch:
            return
        yield batch
        last_id = batch[-1][0]


def marketing_rows() -> Iterator[dict[str, Any]]:
    """Newsletter rows: one per email address (compared without case), and none for an
    address that any customer holding it objected to marketing with, or holds restricted.

    Several records can share an address (a family, a duplicate, the demo): an objection made
    on one of them is the person's, so it stops the address, and a list must not mail one
    address several times. The row is the lowest-id record's, which is always in some batch.
    """
    query = eligible("marketing").where(Customer.email.is_null(False), Customer.email != "")
    for batch in _batches(query, Customer.email, Customer.first_name, Customer.language):
        first_ids = _first_unblocked_ids({email.lower() for _, email, _, _ in batch})
        for customer_id, email, first_name, language in batch:
            if first_ids.get(email.lower()) == customer_id:
                yield {"email": email, "first_name": first_name, "language": language}


def _first_unblocked_ids(emails: set[str]) -> dict[str, int]:
    """For each (lower-cased) address that no holder blocks: the lowest id holding it.
    One look-up through the ``lower(email)`` index per address, whoever holds it."""
    lowered = pw.fn.LOWER(Customer.email)
    blocked = pw.Case(
        None,
        [((Customer.objection_marketing_at.is_null(False)) | (Customer.restricted == True), 1)],  # noqa: E712
        0,
    )
    query = (
        Customer.select(lowered, pw.fn.MIN(Customer.id), pw.fn.SUM(blocked))
        .where(lowered.in_(_values(list(emails))))
        .group_by(lowered)
    )
    return {email: first for email, first, n_blocked in database.execute(query) if not n_blocked}


def _values(values: list[str]) -> Any:
    """The right side of an IN: the values themselves on SQLite; on PostgreSQL one array
    parameter (``IN (SELECT unnest(...))``), since planning an IN-list of 5,000 constants
    took longer than the look-ups it plans."""
    if is_sqlite():
        return values
    return pw.NodeList(
        [pw.SQL("SELECT unnest("), pw.Value(values, unpack=False), pw.SQL(")")], parens=True
    )


def statistics_rows() -> Iterator[dict[str, Any]]:
    """Statistics rows with no direct identifiers: no id, name, email, phone or street.

    ``row`` is a running number of this file only; the postcode is cut to its area (00730 ->
    007), which is what a regional statistic needs.
    """
    number = 0
    for batch in _batches(eligible("statistics"), Customer.language):
        # An id range, not IN (5000 ids): a cheap index range scan and a short statement;
        # figures of ineligible customers in the range are fetched but never looked up.
        lo, hi = batch[0][0], batch[-1][0]
        orders = _order_figures(lo, hi)
        places = _default_places(lo, hi)
        for customer_id, language in batch:
            number += 1
            count, total, first_year = orders.get(customer_id, (0, 0, ""))
            postcode, city = places.get(customer_id, ("", ""))
            yield {
                "row": number,
                "first_order_year": first_year,
                "postcode_area": postcode[:3],
                "city": city,
                "language": language,
                "orders": count,
                "total_cents": total,
            }


def _order_figures(lo: int, hi: int) -> dict[int, tuple[int, int, int | str]]:
    query: Any = (
        Order.select(
            Order.customer,
            pw.fn.COUNT(Order.id).alias("n"),
            pw.fn.COALESCE(pw.fn.SUM(Order.total_cents), 0).alias("total"),
            pw.fn.MIN(Order.ordered_at).alias("first"),
        )
        .where(Order.customer.between(lo, hi), Order.restricted == False)  # noqa: E712
        .group_by(Order.customer)
        .tuples()
    )
    out: dict[int, tuple[int, int, int | str]] = {}
    for customer_id, count, total, first in query:
        # SQLite returns MIN() of a datetime as ISO text, PostgreSQL a datetime
        year = int(first[:4]) if isinstance(first, str) else first.year
        out[customer_id] = (count, int(total), year)
    return out


def _default_places(lo: int, hi: int) -> dict[int, tuple[str, str]]:
    places: dict[int, tuple[str, str]] = {}
    query: Any = (
        Address.select(Address.customer, Address.postcode, Address.city)
        .where(Address.customer.between(lo, hi))
        .order_by(Address.is_default.desc(), Address.id)
        .tuples()
    )
    for customer_id, postcode, city in query:
        places.setdefault(customer_id, (postcode, city))  # the default address wins
    return places


ROWS = {
    "marketing": (MARKETING_COLUMNS, marketing_rows),
    "statistics": (STATISTICS_COLUMNS, statistics_rows),
}


def write_csv(actor: Actor, purpose: str, out: TextIO) -> int:
    """Write the audience for ``purpose`` as CSV to ``out``; returns the number of rows.

    Audited as ``export_audience`` with the columns written (field names, never values).
    """
    permissions.require(actor, "export_audience")
    if purpose not in EXPORTABLE:
        raise ValidationError({"purpose": "must be marketing or statistics"})
    columns, rows = ROWS[purpose]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows():
        writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
        count += 1
    with write_transaction():
        audit.record(actor, "export_audience", f"{purpose}_audience", None, fields=columns)
    return count
