"""Look-alike customers: the warning that stops a second record of one person.

A second record defeats the first one's objection (a newsletter goes to the copy) and splits
the person's data (an access request answers from one record). Saving a customer whose email,
phone, or name together with a street address matches another record raises
``PossibleDuplicate`` unless the user chose to go on (``allow_duplicate``); the officer can
merge the two afterwards (``erasure.merge``).

Each rule is one indexed look-up: email by ``lower(email)`` (an expression index: the local
part of an address keeps its case, but people type it either way), phone by its E.164 form,
name and address through the postcode index.
"""

from __future__ import annotations

from typing import Any

import peewee as pw

from finconsole.core.kernel import permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.store.models import Address, Customer

REASONS = ("email", "phone", "name_address")
MAX_MATCHES = 5


def _by_email(email: str) -> Any:
    return Customer.select(Customer.id).where(pw.fn.LOWER(Customer.email) == email.lower())


def _by_phone(phone: str) -> Any:
    return Customer.select(Customer.id).where(Customer.phone == phone)


def _by_name_address(first: str, last: str, street: str, postcode: str) -> Any:
    return (
        Customer.select(Customer.id)
        .join(Address)
        .where(
            Address.postcode == postcode,
            pw.fn.LOWER(Address.street) == street.strip().lower(),
            pw.fn.LOWER(Customer.first_name) == first.strip().lower(),
            pw.fn.LOWER(Customer.last_name) == last.strip().lower(),
        )
    )


def _address_pairs(customer_id: int | None, address: dict[str, Any] | None) -> list[tuple]:
    pairs = []
    if address and address.get("street") and address.get("postcode"):
        pairs.append((address["street"], address["postcode"]))
    if customer_id is not None:
        query = Address.select(Address.street, Address.postcode).where(
            Address.customer == customer_id
        )
        pairs += [(a.street, a.postcode) for a in query if a.street and a.postcode]
    return pairs


def matches(
    actor: Actor,
    data: dict[str, Any],
    address: dict[str, Any] | None = None,
    *,
    exclude_id: int | None = None,
) -> list[dict[str, Any]]:
    """Customers the actor may see that share ``data``'s email or phone, or its first and last
    name together with a street address (``address``, or one of ``exclude_id``'s own).

    ``data`` holds cleaned values; only the keys present are compared (an edit passes what it
    changes). Returns up to five ``{id, first_name, last_name, email, phone, reasons}``.
    """
    permissions.require(actor, "search_customers")
    found: dict[int, list[str]] = {}

    def add(reason: str, query: Any) -> None:
        if exclude_id is not None:
            query = query.where(Customer.id != exclude_id)
        for row in query.limit(MAX_MATCHES * 4):
            found.setdefault(row.id, [])
            if reason not in found[row.id]:
                found[row.id].append(reason)

    if data.get("email"):
        add("email", _by_email(data["email"]))
    if data.get("phone"):
        add("phone", _by_phone(data["phone"]))
    first, last = data.get("first_name") or "", data.get("last_name") or ""
    if first and last:
        for street, postcode in _address_pairs(exclude_id, address):
            add("name_address", _by_name_address(first, last, street, postcode))
    return _described(actor, found)


def _described(actor: Actor, found: dict[int, list[str]]) -> list[dict[str, Any]]:
    if not found:
        return []
    query = Customer.select().where(Customer.id.in_(list(found))).order_by(Customer.id)
    if not permissions.allowed(actor, "view_restricted"):
        query = query.where(Customer.restricted == False)  # noqa: E712
    return [
        {
            "id": c.id,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "email": c.email,
            "phone": c.phone,
            "reasons": found[c.id],
        }
        for c in query.limit(MAX_MATCHES)
    ]
