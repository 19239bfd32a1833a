"""Customers and their addresses: create, read, update (optimistically locked), objections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from finconsole.core.access import audit
from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel import validation as v
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import (
    Conflict,
    NotFound,
    PossibleDuplicate,
    ValidationError,
)
from finconsole.core.kernel.languages import LANGUAGES
from finconsole.core.register import duplicates
from finconsole.core.settings import runtime
from finconsole.core.store import search_index as search
from finconsole.core.store.db import is_sqlite, tuples, write_transaction
from finconsole.core.store.models import OBJECTIONS, Address, Customer, database
from finconsole.core.transparency import disclosures

CUSTOMER_FIELDS = ("first_name", "last_name", "email", "phone", "language", "note")
ADDRESS_FIELDS = ("kind", "street", "street2", "postcode", "city", "country", "is_default")
ADDRESS_KINDS = ("postal", "billing", "shipping")


def default_language() -> str:
    """``customers.default_language``: a customer whose language nobody told us gets this."""
    return runtime.settings("customers")["default_language"]


def set_language(actor: Actor, customer_id: int, language: str) -> None:
    """Set the language letters and messages use (an importer whose shop export says it)."""
    permissions.require(actor, "update_customer")
    try:
        language = v.choice(language, LANGUAGES)
    except v.FieldError as exc:
        raise ValidationError({"language": str(exc)}) from None
    with write_transaction():
        changed = (
            Customer.update(language=language, updated_at=clock.now(), version=Customer.version + 1)
            .where((Customer.id == customer_id) & (Customer.language != language))
            .execute()
        )
        if changed:
            audit.record(
                actor,
                "update_customer",
                "customer",
                customer_id,
                customer_id=customer_id,
                fields=["language"],
            )


def id_by_email(actor: Actor, email: str) -> int | None:
    """The customer with this email address (as validated), or None; a restricted customer
    only for the officer. For requests that arrive by email or a web form."""
    permissions.require(actor, "view_customer")
    try:
        address = v.email(email)
    except v.FieldError as exc:
        raise ValidationError({"email": str(exc)}) from None
    if not address:
        raise ValidationError({"email": "give the email address"})
    query = Customer.select(Customer.id).where(Customer.email == address)
    if not permissions.allowed(actor, "view_restricted"):
        query = query.where(Customer.restricted == False)  # noqa: E712
    row = query.order_by(Customer.id).first()
    return row.id if row else None


# --- validation ------------------------------------------------------------------------------

_CUSTOMER_VALIDATORS: dict[str, Callable[[Any], Any]] = {
    "first_name": lambda x: v.text(x, max_length=100),
    "last_name": lambda x: v.text(x, max_length=100),
    "email": v.email,
    "language": lambda x: v.choice(x or default_language(), LANGUAGES),
    "note": lambda x: v.text(x, max_length=2000, multiline=True),
}


def default_country() -> str:
    """``customers.default_country``: where a number is read when the customer has no country."""
    return runtime.settings("customers")["default_country"]


def phone_region(country: str | None) -> str:
    """The country a phone number typed without a country code is read in: the customer's
    own (their address's), else the configured default. The importers read the same way."""
    return v.phone_region(country, default=default_country())


def clean_customer(
    data: dict[str, Any], *, partial: bool = False, country: str | None = None
) -> dict[str, Any]:
    """Validate customer fields; raises ``ValidationError`` with every bad field at once.
    ``country`` is the customer's (their address's): a phone number is read in it."""
    unknown = set(data) - set(CUSTOMER_FIELDS)
    errors = {name: "is not a customer field" for name in unknown}
    clean: dict[str, Any] = {}
    for name in CUSTOMER_FIELDS:
        if partial and name not in data:
            continue
        try:
            if name == "phone":
                clean[name] = v.phone(data.get(name), phone_region(country))
            else:
                clean[name] = _CUSTOMER_VALIDATORS[name](data.get(name))
        except v.FieldError as exc:
            errors[name] = str(exc)
    if not partial and not (clean.get("first_name") or clean.get("last_name")):
        errors.setdefault("last_name", "a name is required")
    if errors:
        raise ValidationError(errors)
    return clean


def clean_address(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    country = data.get("country") or "FI"
    checks: dict[str, Callable[[Any], Any]] = {
        "kind": lambda x: v.choice(x or "postal", ADDRESS_KINDS),
        "street": lambda x: v.text(x, max_length=200),
        "street2": lambda x: v.text(x, max_length=200),
        "postcode": lambda x: v.postcode(x, str(country).upper()),
        "city": lambda x: v.text(x, max_length=100),
        "country": v.country,
        "is_default": bool,
    }
    for name in set(data) - set(ADDRESS_FIELDS):
        errors[name] = "is not an address field"
    for name, check in checks.items():
        if partial and name not in data:
            continue
        try:
            clean[name] = check(data.get(name, True if name == "is_default" else None))
        except v.FieldError as exc:
            errors[name] = str(exc)
    if errors:
        raise ValidationError(errors)
    return clean


# --- reading ---------------------------------------------------------------------------------


def _visible(actor: Actor, customer_id: int) -> Customer:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or (
        customer.restricted and not permissions.allowed(actor, "view_restricted")
    ):
        raise NotFound(f"no customer with id {customer_id}")
    return customer


def flags_of(customer: Customer) -> list[str]:
    flags = [name for name in OBJECTIONS if getattr(customer, f"objection_{name}_at")]
    return flags + (["restricted"] if customer.restricted else [])


def customer_dict(customer: Customer) -> dict[str, Any]:
    data = {name: getattr(customer, name) for name in CUSTOMER_FIELDS}
    data.update(
        phone_review=customer.phone_review,  # kept as typed by an import: to be checked
        id=customer.id,
        shop_ref=customer.shop_ref,
        restricted=customer.restricted,
        created_at=customer.created_at,
        updated_at=customer.updated_at,
        version=customer.version,
        flags=flags_of(customer),
        objections={name: getattr(customer, f"objection_{name}_at") for name in OBJECTIONS},
    )
    return data


def address_dict(address: Address) -> dict[str, Any]:
    data = {name: getattr(address, name) for name in ADDRESS_FIELDS}
    data.update(id=address.id, customer_id=address.customer_id, version=address.version)
    return data


def get(actor: Actor, customer_id: int, *, audit_view: bool = True) -> dict[str, Any]:
    """A customer with addresses. Viewing personal data is audited."""
    permissions.require(actor, "view_customer")
    customer = _visible(actor, customer_id)
    data = customer_dict(customer)
    data["addresses"] = [
        address_dict(a) for a in customer.addresses.order_by(Address.is_default.desc(), Address.id)
    ]
    if audit_view:
        audit.record(actor, "view_customer", "customer", customer.id, customer_id=customer.id)
    return data


_ROW_SQL = (
    "SELECT c.id, c.first_name, c.last_name, c.email, c.phone, c.objection_marketing_at,"
    " c.objection_statistics_at, c.objection_profiling_at, c.restricted, c.updated_at,"
    " (SELECT a.city FROM address a WHERE a.customer_id = c.id"
    "  ORDER BY a.is_default DESC, a.id LIMIT 1),"
    ' (SELECT MAX(o.ordered_at) FROM "order" o WHERE o.customer_id = c.id)'
    " FROM customer c WHERE c.id IN ({marks})"
)


def _as_datetime(value: Any) -> dt.datetime | None:
    """SQLite hands back computed datetimes as text; PostgreSQL as datetimes."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def summaries(ids: list[int]) -> list[dict[str, Any]]:
    """Results-table rows for ``ids`` (in that order) in one query, no audit (nothing is
    opened): the console's register and ``finconsole find`` alike. Keys: id, first_name,
    last_name, email, phone, city (of the default address, else the first one added),
    last_order_at, flags, updated_at. It runs on every keystroke of a search."""
    if not ids:
        return []
    mark = "?" if is_sqlite() else "%s"
    sql = _ROW_SQL.format(marks=", ".join([mark] * len(ids)))
    found = {}
    for row in database.execute_sql(sql, list(ids)):
        cid, first, last, email, phone, marketing, statistics, profiling, restricted = row[:9]
        flags = [
            name
            for name, at in zip(OBJECTIONS, (marketing, statistics, profiling))
            if at is not None
        ] + (["restricted"] if restricted else [])
        found[cid] = {
            "id": cid,
            "first_name": first,
            "last_name": last,
            "email": email,
            "phone": phone,
            "city": row[10] or "",
            "last_order_at": _as_datetime(row[11]),
            "flags": flags,
            "updated_at": _as_datetime(row[9]),
        }
    return [found[cid] for cid in ids if cid in found]


def recent(actor: Actor, *, limit: int = 50, before: tuple | None = None) -> list[dict[str, Any]]:
    """Most recently updated customers first; ``before`` = (updated_at, id) of the last row seen."""
    permissions.require(actor, "search_customers")
    return summaries(recent_ids(actor, limit, before))


def recent_ids(actor: Actor, limit: int, before: tuple | None = None) -> list[int]:
    """Ids of the most recently updated customers the actor may see, keyset-paged."""
    query = Customer.select(Customer.id)
    if not permissions.allowed(actor, "view_restricted"):
        query = query.where(Customer.restricted == False)  # noqa: E712
    if before is not None:
        at, cid = before
        query = query.where(
            (Customer.updated_at < at) | ((Customer.updated_at == at) & (Customer.id < cid))
        )
    query = query.order_by(Customer.updated_at.desc(), Customer.id.desc()).limit(limit)
    return [cid for (cid,) in tuples(query)]


# --- writing ---------------------------------------------------------------------------------


def create(
    actor: Actor,
    data: dict[str, Any],
    address: dict[str, Any] | None = None,
    *,
    allow_duplicate: bool = False,
) -> dict[str, Any]:
    """Create a customer (and optionally a first address) in one transaction.

    Raises ``PossibleDuplicate`` (and writes nothing) when another customer has the same email,
    phone, or name and address, unless ``allow_duplicate`` says the user saw that and goes on.
    """
    permissions.require(actor, "create_customer")
    clean_addr = clean_address(address) if address else None
    clean = clean_customer(data, country=clean_addr["country"] if clean_addr else None)
    with write_transaction():
        if not allow_duplicate:
            _refuse_duplicates(duplicates.matches(actor, clean, clean_addr))
        customer = Customer.create(**clean)
        if clean_addr:
            Address.create(customer=customer, **clean_addr)
        search.reindex(customer.id)
        audit.record(
            actor,
            "create_customer",
            "customer",
            customer.id,
            customer_id=customer.id,
            fields=[k for k, val in clean.items() if val],
        )
    return get(actor, customer.id, audit_view=False)


def customer_country(customer_id: int) -> str | None:
    """The country of the customer's default address (else their first), if any."""
    row = (
        Address.select(Address.country)
        .where(Address.customer == customer_id)
        .order_by(Address.is_default.desc(), Address.id)
        .first()
    )
    return row.country if row else None


def _changed_since(current: Any, original: dict[str, Any], fields: tuple[str, ...]) -> list[str]:
    return [f for f in fields if f in original and getattr(current, f) != original[f]]


def update(
    actor: Actor,
    customer_id: int,
    version: int,
    changes: dict[str, Any],
    original: dict[str, Any] | None = None,
    *,
    allow_duplicate: bool = False,
) -> dict[str, Any]:
    """Apply ``changes`` if the record is still at ``version``.

    If another user saved meanwhile, raises ``Conflict`` naming the fields whose stored value
    now differs from ``original`` (the values this user read), and writes nothing. A changed
    email, phone or name that another customer has raises ``PossibleDuplicate`` unless
    ``allow_duplicate``; fields left as they were are not compared (the demo's shared emails
    do not stop an edit of a note).
    """
    permissions.require(actor, "update_customer")
    clean = clean_customer(changes, partial=True, country=customer_country(customer_id))
    with write_transaction():
        customer = _visible(actor, customer_id)
        if customer.version != version:
            changed = _changed_since(customer, original or {}, CUSTOMER_FIELDS)
            raise Conflict("the customer was changed by someone else", changed)
        changed = [k for k, val in clean.items() if getattr(customer, k) != val]
        if changed and not allow_duplicate:
            _refuse_duplicates(_edit_duplicates(actor, customer, clean, changed))
        if changed:
            values = {k: clean[k] for k in changed}
            if "phone" in changed:
                values["phone_review"] = False  # a number read by its plan: nothing to check
            _save_customer(customer, values)
            audit.record(
                actor,
                "update_customer",
                "customer",
                customer.id,
                customer_id=customer.id,
                fields=changed,
            )
            # Art 19: recipients of earlier disclosures must hear of the rectification
            disclosures.after_rectification(customer.id, [f"customer.{f}" for f in changed])
    return get(actor, customer_id, audit_view=False)


def _refuse_duplicates(found: list[dict[str, Any]]) -> None:
    if found:
        raise PossibleDuplicate(found)


def _edit_duplicates(
    actor: Actor, customer: Customer, clean: dict[str, Any], changed: list[str]
) -> list[dict[str, Any]]:
    probe: dict[str, Any] = {k: clean[k] for k in ("email", "phone") if k in changed}
    if {"first_name", "last_name"} & set(changed):
        for name in ("first_name", "last_name"):
            probe[name] = clean.get(name, getattr(customer, name))
    if not probe:
        return []
    return duplicates.matches(actor, probe, exclude_id=customer.id)


def _save_customer(customer: Customer, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(customer, name, value)
    customer.version += 1
    customer.updated_at = clock.now()
    customer.save()
    if {"first_name", "last_name", "email", "phone"} & set(values):
        search.reindex(customer.id)


def _touch(customer_id: int) -> None:
    """A change to an address or order counts as a change to the customer."""
    Customer.update(updated_at=clock.now(), version=Customer.version + 1).where(
        Customer.id == customer_id
    ).execute()


def add_address(actor: Actor, customer_id: int, data: dict[str, Any]) -> dict[str, Any]:
    permissions.require(actor, "update_customer")
    clean = clean_address(data)
    with write_transaction():
        _visible(actor, customer_id)
        address = Address.create(customer=customer_id, **clean)
        _touch(customer_id)
        search.reindex(customer_id)
        audit.record(
            actor,
            "add_address",
            "address",
            address.id,
            customer_id=customer_id,
            fields=[k for k, val in clean.items() if val],
        )
    return address_dict(address)


def update_address(
    actor: Actor,
    address_id: int,
    version: int,
    changes: dict[str, Any],
    original: dict[str, Any] | None = None,
) -> dict[str, Any]:
    permissions.require(actor, "update_customer")
    with write_transaction():
        address = Address.get_or_none(Address.id == address_id)
        if address is None:
            raise NotFound(f"no address with id {address_id}")
        _visible(actor, address.customer_id)
        merged = {"country": address.country, **changes}
        clean = clean_address(merged, partial=True)
        if address.version != version:
            raise Conflict(
                "the address was changed by someone else",
                _changed_since(address, original or {}, ADDRESS_FIELDS),
            )
        changed = [k for k, val in clean.items() if getattr(address, k) != val]
        if changed:
            for name in changed:
                setattr(address, name, clean[name])
            address.version += 1
            address.save()
            _touch(address.customer_id)
            search.reindex(address.customer_id)
            audit.record(
                actor,
                "update_address",
                "address",
                address.id,
                customer_id=address.customer_id,
                fields=changed,
            )
            disclosures.after_rectification(address.customer_id, [f"address.{f}" for f in changed])
    return address_dict(address)


def set_objection(actor: Actor, customer_id: int, purpose: str, on: bool) -> dict[str, Any]:
    """Record (with today's date) or withdraw an objection to marketing/statistics/profiling."""
    permissions.require(actor, "set_objection")
    if purpose not in OBJECTIONS:
        raise ValidationError({"purpose": "must be one of " + ", ".join(OBJECTIONS)})
    field = f"objection_{purpose}_at"
    with write_transaction():
        customer = _visible(actor, customer_id)
        if bool(getattr(customer, field)) != on:
            _save_customer(customer, {field: clock.now() if on else None})
            audit.record(
                actor,
                "set_objection" if on else "withdraw_objection",
                "customer",
                customer.id,
                customer_id=customer.id,
                fields=[field],
            )
    return get(actor, customer_id, audit_view=False)
