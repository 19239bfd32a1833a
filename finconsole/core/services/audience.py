"""Who may be used for marketing, statistics or profiling: the ONE place that rule lives.

``eligible(purpose)`` is the customers without an objection to that purpose who are not
restricted (Art 18, or held minimised under an erasure hold). Every list or export made for
one of these purposes starts from it. ``write_csv`` streams the CSV a newsletter tool
(marketing: email, first name, language) or a statistics job (no direct identifiers) takes,
in keyset-paged batches so memory stays bounded at a million customers on either database.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any, TextIO

import peewee as pw

from finconsole.core import permissions
from finconsole.core.actor import Actor
from finconsole.core.db import write_transaction
from finconsole.core.errors import ValidationError
from finconsole.core.models import Address, Customer, Order
from finconsole.core.services import audit

PURPOSES = ("marketing", "statistics", "profiling")
EXPORTABLE = ("marketing", "statistics")
BATCH = 2000
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


def eligible(purpose: str) -> pw.ModelSelect:
    """Customers that may be used for ``purpose``: no objection to it, not restricted."""
    if purpose not in PURPOSES:
        raise ValidationError({"purpose": "must be one of " + ", ".join(PURPOSES)})
    return Customer.select().where(
        getattr(Customer, f"objection_{purpose}_at").is_null(),
        Customer.restricted == False,  # noqa: E712
    )


def _batches(query: pw.ModelSelect) -> Iterator[list[Customer]]:
    """Keyset pages by id: bounded memory without server-side cursors."""
    last_id = 0
    while True:
        batch = list(query.where(Customer.id > last_id).order_by(Customer.id).limit(BATCH))
        if not batch:
            return
        yield batch
        last_id = batch[-1].id


def marketing_rows() -> Iterator[dict[str, Any]]:
    """Newsletter rows: only customers with an email address."""
    query = eligible("marketing").where(Customer.email.is_null(False), Customer.email != "")
    for batch in _batches(query):
        for c in batch:
            yield {"email": c.email, "first_name": c.first_name, "language": c.language}


def statistics_rows() -> Iterator[dict[str, Any]]:
    """Statistics rows with no direct identifiers: no id, name, email, phone or street.

    ``row`` is a running number of this file only; the postcode is cut to its area (00730 ->
    007), which is what a regional statistic needs.
    """
    number = 0
    for batch in _batches(eligible("statistics")):
        ids = [c.id for c in batch]
        orders = _order_figures(ids)
        places = _default_places(ids)
        for c in batch:
            number += 1
            count, total, first = orders.get(c.id, (0, 0, None))
            postcode, city = places.get(c.id, ("", ""))
            yield {
                "row": number,
                "first_order_year": first.year if first else "",
                "postcode_area": postcode[:3],
                "city": city,
                "language": c.language,
                "orders": count,
                "total_cents": total,
            }


def _order_figures(ids: list[int]) -> dict[int, tuple[int, int, Any]]:
    query = (
        Order.select(
            Order.customer,
            pw.fn.COUNT(Order.id).alias("n"),
            pw.fn.COALESCE(pw.fn.SUM(Order.total_cents), 0).alias("total"),
            pw.fn.MIN(Order.ordered_at).alias("first"),
        )
        .where(Order.customer.in_(ids), Order.restricted == False)  # noqa: E712
        .group_by(Order.customer)
        .tuples()
    )
    out = {}
    for customer_id, count, total, first in query:
        if isinstance(first, str):  # SQLite returns MIN() of a datetime as text
            first = pw.format_date_time(first, Order.ordered_at.formats)
        out[customer_id] = (count, int(total), first)
    return out


def _default_places(ids: list[int]) -> dict[int, tuple[str, str]]:
    places: dict[int, tuple[str, str]] = {}
    query = (
        Address.select(Address.customer, Address.postcode, Address.city)
        .where(Address.customer.in_(ids))
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
        writer.writerow(row)
        count += 1
    with write_transaction():
        audit.record(actor, "export_audience", f"{purpose}_audience", None, fields=columns)
    return count
