"""Access and portability: everything the register holds about one person.

``collect`` gathers it as plain data with stable keys; ``render_json`` gives the machine-readable
copy (portability, Art 20), ``render_text`` a readable letter in Finnish or English (access,
Art 15). Besides contact data, orders, parcels, requests, disclosures and objections, the export
says which staff accounts viewed or changed the record and when (from the audit trail).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from finconsole.core.access import audit
from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import NotFound, ValidationError
from finconsole.core.kernel.files import write_private
from finconsole.core.orders import orders
from finconsole.core.register.customers import OBJECTIONS
from finconsole.core.rights.export_letter import render_text
from finconsole.core.settings import runtime
from finconsole.core.store.db import write_transaction
from finconsole.core.store.models import (
    Address,
    AuditEvent,
    AuthorityInquiry,
    Claim,
    Customer,
    Disclosure,
    InquirySubject,
    Order,
    OrderLine,
    Parcel,
    Request,
    TrackingEvent,
)

FORMATS = ("json", "text")
LANGUAGES = ("fi", "en")
EXPORT_VERSION = "finconsole-export/1"
SECTIONS = (
    "customer",
    "addresses",
    "orders",
    "requests",
    "disclosures",
    "authority_inquiries",
    "objections",
    "record_access",
)

__all__ = ["collect", "render_json", "render_text", "export_customer", "write_export"]


def _pick(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def _customer(customer: Customer) -> dict[str, Any]:
    data = _pick(customer, ("id", "first_name", "last_name", "email", "phone", "language"))
    data.update(_pick(customer, ("note", "restricted", "created_at", "updated_at")))
    return data


def _addresses(customer_id: int) -> list[dict[str, Any]]:
    query = Address.select().where(Address.customer == customer_id).order_by(Address.id)
    names = ("kind", "street", "street2", "postcode", "city", "country", "is_default")
    return [_pick(a, names) for a in query]


ORDER_FIELDS = orders.CUSTOMER_VISIBLE_FIELDS
PARCEL_FIELDS = ("carrier", "tracking_code", "status", "shipped_at", "expected_at", "delivered_at")
EVENT_FIELDS = ("occurred_at", "code", "status", "location", "description")
CLAIM_FIELDS = ("opened_at", "deadline", "customer_informed_at", "outcome", "closed_at")


def _orders(customer_id: int) -> list[dict[str, Any]]:
    rows = []
    query = Order.select().where(Order.customer == customer_id).order_by(Order.ordered_at, Order.id)
    for order in query:
        data = _pick(order, ORDER_FIELDS)
        data["lines"] = [
            _pick(line, ("product", "quantity", "unit_price_cents"))
            for line in order.lines.order_by(OrderLine.id)
        ]
        data["parcels"] = [_parcel(p) for p in order.parcels.order_by(Parcel.id)]
        rows.append(data)
    return rows


def _parcel(parcel: Parcel) -> dict[str, Any]:
    data = _pick(parcel, PARCEL_FIELDS)
    events = parcel.events.order_by(TrackingEvent.occurred_at, TrackingEvent.id)
    data["events"] = [_pick(e, EVENT_FIELDS) for e in events]
    data["claims"] = [_pick(c, CLAIM_FIELDS) for c in parcel.claims.order_by(Claim.id)]
    return data


REQUEST_FIELDS = (
    "reference",
    "kind",
    "objection_purpose",
    "received_at",
    "channel",
    "status",
    "deadline",
    "extended_until",
    "extension_reason",
    "refusal_reason",
    "outcome",
    "closed_at",
)
DISCLOSURE_FIELDS = (
    "recipient_name",
    "recipient_kind",
    "legal_basis",
    "data_fields",
    "disclosed_at",
    "customer_told_at",
    "court",
    "court_order_date",
    "court_case_number",
)


def _requests(customer_id: int) -> list[dict[str, Any]]:
    query = Request.select().where(Request.customer == customer_id).order_by(Request.id)
    return [_pick(r, REQUEST_FIELDS) for r in query]


def _disclosures(customer_id: int) -> list[dict[str, Any]]:
    query = Disclosure.select().where(Disclosure.customer == customer_id).order_by(Disclosure.id)
    return [_pick(d, DISCLOSURE_FIELDS) for d in query]


def _inquiries(customer_id: int) -> list[dict[str, Any]]:
    query = (
        AuthorityInquiry.select()
        .join(InquirySubject)
        .where(InquirySubject.customer == customer_id)
        .order_by(AuthorityInquiry.id)
    )
    return [_pick(i, ("authority", "received_at", "reference")) for i in query]


def _record_access(customer_id: int) -> list[dict[str, Any]]:
    """Who viewed or changed the record and when: the audit trail for this customer."""
    query = (
        AuditEvent.select()
        .where(audit.about_customer(customer_id))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [
        {
            "at": e.at,
            "staff": e.actor,
            "channel": e.channel,
            "record": e.target_type,
            "action": e.action,
            "fields": [f for f in e.fields.split(",") if f],
        }
        for e in query
    ]


def collect(customer_id: int) -> dict[str, Any]:
    """Everything held about one customer, as plain data with stable keys (no permission check:
    callers check ``export_customer``)."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise NotFound(f"no customer with id {customer_id}")
    controller = runtime.settings("controller")
    return {
        "format": EXPORT_VERSION,
        "generated_at": clock.now(),
        "controller": dict(controller),
        "customer": _customer(customer),
        "addresses": _addresses(customer_id),
        "orders": _orders(customer_id),
        "requests": _requests(customer_id),
        "disclosures": _disclosures(customer_id),
        "authority_inquiries": _inquiries(customer_id),
        "objections": {
            purpose: getattr(customer, f"objection_{purpose}_at") for purpose in OBJECTIONS
        },
        "record_access": _record_access(customer_id),
    }


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def render_json(data: dict[str, Any]) -> str:
    """Portability: UTF-8 JSON, keys in a stable order, dates as ISO 8601, money in cents."""
    return json.dumps(data, default=_iso, ensure_ascii=False, indent=2) + "\n"


def _clean_options(fmt: str, lang: str | None, customer_language: str) -> tuple[str, str]:
    errors = {}
    if fmt not in FORMATS:
        errors["format"] = "must be json or text"
    lang = lang or (customer_language if customer_language in LANGUAGES else "fi")
    if lang not in LANGUAGES:
        errors["lang"] = "must be fi or en"
    if errors:
        raise ValidationError(errors)
    return fmt, lang


def export_customer(
    actor: Actor, customer_id: int, *, fmt: str = "json", lang: str | None = None
) -> str:
    """The export as text (JSON or a letter in the customer's language unless ``lang``).

    Audited as ``export_customer``: the audit trail then shows that a copy left the register.
    """
    permissions.require(actor, "export_customer")
    with write_transaction():
        content = _render(customer_id, fmt, lang)
        _audit(actor, customer_id)
    return content


def _render(customer_id: int, fmt: str, lang: str | None) -> str:
    data = collect(customer_id)
    fmt, lang = _clean_options(fmt, lang, data["customer"]["language"])
    return render_json(data) if fmt == "json" else render_text(data, lang)


def _audit(actor: Actor, customer_id: int) -> None:
    audit.record(
        actor, "export_customer", "customer", customer_id, customer_id=customer_id, fields=SECTIONS
    )


def write_export(
    actor: Actor,
    customer_id: int,
    path: str | Path,
    *,
    fmt: str = "json",
    lang: str | None = None,
) -> Path:
    """Write the export to ``path`` (mode 0600); if it cannot be written, nothing is audited."""
    permissions.require(actor, "export_customer")
    path = Path(path).expanduser()
    with write_transaction():
        content = _render(customer_id, fmt, lang)
        write_private(path, content)
        _audit(actor, customer_id)
    return path
