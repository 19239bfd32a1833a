"""Data-subject requests: erasure, access, portability, rectification, objection, restriction.

A request is recorded (by support staff too, e.g. from a phone call), the person's identity is
verified, and the officer executes, refuses, extends or closes it. The answer is due one
calendar month from receipt (GDPR 12(3)); the officer may extend by up to two further months,
with a reason, if the person was told so within the first month.

Executing dispatches by kind to one small function each (``EXECUTORS``): objections set the
customer's objection flag, restriction marks the customer restricted, access and portability
write the export, erasure hands over to ``finconsole.core.erasure.erasure``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import peewee as pw

from finconsole.core.access import audit
from finconsole.core.erasure import erasure
from finconsole.core.kernel import clock, dates, permissions
from finconsole.core.kernel import validation as v
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import Conflict, NotFound, ValidationError
from finconsole.core.outbox import notices
from finconsole.core.register import customers
from finconsole.core.rights import export
from finconsole.core.settings import runtime
from finconsole.core.store.db import is_sqlite, write_transaction
from finconsole.core.store.models import Customer, Request, database

KINDS = ("erasure", "access", "portability", "rectification", "objection", "restriction")
CHANNELS = ("email", "phone", "letter", "web_form")
OBJECTION_PURPOSES = customers.OBJECTIONS
STATUSES = ("new", "verifying", "in_progress", "waiting_for_hold", "done", "refused")
OPEN_STATUSES = ("new", "verifying", "in_progress", "waiting_for_hold")
CLOSED_STATUSES = ("done", "refused")
DUE_SOON_DAYS = 7  # "due this week"


# --- deadline arithmetic ---------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later, clamped to the month's end.

    31 Jan + 1 -> 28 Feb (29 Feb in a leap year); 30 Nov + 3 -> 28/29 Feb.
    """
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return dates.day_in_month(year, month, day.day)


def deadline_for(received: dt.date) -> dt.date:
    """GDPR 12(3): one calendar month from receipt (configurable, default 1)."""
    return add_months(received, runtime.settings("requests")["response_months"])


def due_date(req: Request) -> dt.date:
    """The deadline in force: the extended one if the officer extended it."""
    return req.extended_until or req.deadline


def urgency(
    due: dt.date, status: str, today: dt.date | None = None, answered: dt.date | None = None
) -> str:
    """'overdue', 'due_soon' (within a week) or '' for an open request; '' once closed or
    answered (an erasure waiting for a hold was answered: the deadline counts until then)."""
    if status in CLOSED_STATUSES or answered is not None:
        return ""
    today = today or clock.today()
    if due < today:
        return "overdue"
    if (due - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return ""


# --- reading ---------------------------------------------------------------------------------


def request_dict(
    req: Request, actor: Actor | None = None, customers_by_id: dict[int, Customer] | None = None
) -> dict[str, Any]:
    data = {
        name: getattr(req, name)
        for name in (
            "id",
            "reference",
            "kind",
            "objection_purpose",
            "subject_description",
            "details",
            "received_at",
            "channel",
            "identity_method",
            "identity_verified",
            "deadline",
            "extended_until",
            "extension_reason",
            "extension_told_at",
            "status",
            "refusal_reason",
            "outcome",
            "created_by",
            "handled_by",
            "closed_at",
            "created_at",
            "version",
            "answered_at",
        )
    }
    data["customer_id"] = req.customer_id
    data["due"] = due_date(req)
    data["urgency"] = urgency(data["due"], req.status, answered=req.answered_at)
    data["customer_name"] = _customer_label(req, actor, customers_by_id)
    return data


def _customer_label(
    req: Request, actor: Actor | None, customers_by_id: dict[int, Customer] | None
) -> str:
    if req.customer_id is None:
        return ""
    if customers_by_id is not None:
        customer = customers_by_id.get(req.customer_id)
    else:
        customer = Customer.get_or_none(Customer.id == req.customer_id)
    if customer is None:
        return ""
    if customer.restricted and not (actor and permissions.allowed(actor, "view_restricted")):
        return "(restricted)"
    return f"{customer.first_name} {customer.last_name}".strip()


def _load(request_id: int, version: int | None = None) -> Request:
    req = Request.get_or_none(Request.id == request_id)
    if req is None:
        raise NotFound(f"no request with id {request_id}")
    if version is not None and req.version != version:
        raise Conflict(f"request {req.reference} was changed by someone else")
    return req


def get(actor: Actor, request_id: int) -> dict[str, Any]:
    permissions.require(actor, "view_requests")
    return request_dict(_load(request_id), actor)


def _load_by_reference(reference: str) -> Request:
    req = Request.get_or_none(Request.reference == reference.strip().upper())
    if req is None:
        raise NotFound("no request with that reference")
    return req


def list_open(actor: Actor, *, limit: int = 500) -> list[dict[str, Any]]:
    """Open requests, the most urgent (earliest deadline in force) first."""
    permissions.require(actor, "view_requests")
    due = pw.fn.COALESCE(Request.extended_until, Request.deadline)
    query = (
        Request.select()
        .where(Request.status.in_(OPEN_STATUSES))
        .order_by(due, Request.id)
        .limit(limit)
    )
    rows = list(query)
    ids = {req.customer_id for req in rows if req.customer_id is not None}
    fields = (Customer.id, Customer.first_name, Customer.last_name, Customer.restricted)
    names = {c.id: c for c in Customer.select(*fields).where(Customer.id.in_(list(ids)))}
    return [request_dict(req, actor, names) for req in rows]


def for_customer(customer_id: int) -> list[dict[str, Any]]:
    """Every request linked to a customer, oldest first (for the access export)."""
    query = Request.select().where(Request.customer == customer_id).order_by(Request.id)
    return [request_dict(req) for req in query]


# --- recording -------------------------------------------------------------------------------


def _checked(errors: dict[str, str], name: str, check: Callable[[], Any]) -> Any:
    try:
        return check()
    except v.FieldError as exc:
        errors[name] = str(exc)
        return None


def _clean_date(value: Any, name: str, errors: dict[str, str]) -> dt.date | None:
    """ISO 2026-03-15 or Finnish 15.3.2026, as the officer types it."""
    return _checked(errors, name, lambda: dates.parse(value))


def clean_request(data: dict[str, Any], actor: Actor) -> dict[str, Any]:
    """Validate a new request; raises ``ValidationError`` naming every bad field."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {
        "kind": _checked(errors, "kind", lambda: v.choice(data.get("kind"), KINDS)),
        "channel": _checked(errors, "channel", lambda: v.choice(data.get("channel"), CHANNELS)),
    }
    purpose = data.get("objection_purpose") or None
    if clean["kind"] == "objection":
        purpose = _checked(
            errors, "objection_purpose", lambda: v.choice(purpose, OBJECTION_PURPOSES)
        )
    elif purpose:
        errors["objection_purpose"] = "only an objection has a purpose"
    clean["objection_purpose"] = purpose
    texts = (
        ("subject_description", 2000, True),
        ("details", 4000, True),
        ("identity_method", 500, False),
    )
    for name, limit, multiline in texts:
        try:
            clean[name] = v.text(data.get(name), max_length=limit, multiline=multiline)
        except v.FieldError as exc:
            errors[name] = str(exc)
            clean[name] = ""
    clean["identity_verified"] = bool(data.get("identity_verified"))
    received = _clean_date(data.get("received_at"), "received_at", errors) or clock.today()
    if received > clock.today():
        errors["received_at"] = "must not be in the future"
    clean["received_at"] = received
    clean["customer"] = _clean_customer_id(data.get("customer_id"), errors, actor)
    if clean["customer"] is None and not clean["subject_description"]:
        errors["subject_description"] = "describe who asked when no customer is linked"
    if clean["identity_verified"] and not clean["identity_method"]:
        errors["identity_method"] = "say how the identity was verified"
    if errors:
        raise ValidationError(errors)
    return clean


def _clean_customer_id(value: Any, errors: dict[str, str], actor: Actor) -> int | None:
    """A customer id the actor may see (a restricted customer does not exist for support)."""
    if value in (None, ""):
        return None
    try:
        customer_id = int(value)
    except (TypeError, ValueError):
        errors["customer_id"] = "must be a customer id (a number)"
        return None
    query = Customer.select().where(Customer.id == customer_id)
    if not permissions.allowed(actor, "view_restricted"):
        query = query.where(Customer.restricted == False)  # noqa: E712
    if not query.exists():
        errors["customer_id"] = f"no customer with id {customer_id}"
        return None
    return customer_id


def _next_reference(year: int) -> str:
    """R-YYYY-NNNN, numbered per year. Callers hold the write lock (serialised on both DBs)."""
    if not is_sqlite():
        database.execute_sql("SELECT pg_advisory_xact_lock(4242006)")
    prefix = f"R-{year}-"
    last = (
        Request.select(Request.reference)
        .where(Request.reference.startswith(prefix))
        .order_by(pw.fn.LENGTH(Request.reference).desc(), Request.reference.desc())
        .first()
    )
    number = int(last.reference[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def record(actor: Actor, data: dict[str, Any], *, reply_to: str = "") -> dict[str, Any]:
    """Record an incoming request. The deadline runs from ``received_at`` (default today).

    The person is sent the receipt (reference, due date) by the outbox; ``reply_to`` is the
    address an unknown person asked from (a linked customer's own address comes first).
    """
    permissions.require(actor, "record_request")
    clean = clean_request(data, actor)
    errors: dict[str, str] = {}
    reply_to = _checked(errors, "reply_to", lambda: v.email(reply_to)) or ""
    if errors:
        raise ValidationError(errors)
    if clean["identity_verified"]:
        status = "in_progress"
    else:
        status = "verifying" if clean["identity_method"] else "new"
    with write_transaction():
        req = Request.create(
            reference=_next_reference(clock.today().year),
            deadline=deadline_for(clean["received_at"]),
            status=status,
            created_by=actor.username,
            **clean,
        )
        event = audit.record(
            actor,
            "record_request",
            "request",
            req.id,
            customer_id=req.customer_id,
            fields=[k for k, val in clean.items() if val],
        )
        notices.request_received(actor, req, event.id, email=reply_to)
    return request_dict(req, actor)


# --- lifecycle -------------------------------------------------------------------------------


def _open(request_id: int, version: int | None) -> Request:
    return _still_open(_load(request_id, version))


def _still_open(req: Request) -> Request:
    if req.status in CLOSED_STATUSES:
        raise Conflict(f"request {req.reference} is already {req.status}")
    return req


# What the person is told of each step, through the outbox (in the same transaction).
TELL = {
    "extend_request": notices.request_extended,
    "refuse_request": notices.request_answered,
    "close_request": notices.request_answered,
    "execute_request": notices.request_answered,
}


def _save(actor: Actor, req: Request, action: str, fields: list[str]) -> dict[str, Any]:
    req.version += 1
    req.save()
    event = audit.record(
        actor, action, "request", req.id, customer_id=req.customer_id, fields=fields
    )
    if action in TELL and req.status != "waiting_for_hold":
        TELL[action](actor, req, event.id)
    return request_dict(req, actor)


def verify(
    actor: Actor, request_id: int, method: str, verified: bool, *, version: int | None = None
) -> dict[str, Any]:
    """Note how the identity was checked; verified moves the request on to in_progress."""
    permissions.require(actor, "verify_request")
    errors: dict[str, str] = {}
    method = _checked(errors, "identity_method", lambda: v.text(method, max_length=500))
    if not method:
        errors.setdefault("identity_method", "say how the identity was (or is being) verified")
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        req = _open(request_id, version)
        req.identity_method = method
        req.identity_verified = bool(verified)
        if req.status in ("new", "verifying"):
            req.status = "in_progress" if verified else "verifying"
        req.handled_by = actor.username
        return _save(actor, req, "verify_request", ["identity_method", "identity_verified"])


def link_customer(
    actor: Actor, request_id: int, customer_id: int | str, *, version: int | None = None
) -> dict[str, Any]:
    """Link a request recorded for an unknown person to the customer it turned out to be."""
    permissions.require(actor, "link_request")
    errors: dict[str, str] = {}
    cid = _clean_customer_id(customer_id, errors, actor)
    if cid is None:
        errors.setdefault("customer_id", "give the customer id")
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        req = _open(request_id, version)
        req.customer_id = cid
        return _save(actor, req, "link_request", ["customer"])


def extend(
    actor: Actor,
    request_id: int,
    months: int,
    reason: str,
    told_at: Any,
    *,
    version: int | None = None,
) -> dict[str, Any]:
    """Extend the deadline by ``months`` further months (at most ``max_extension_months``).

    Needs a reason and the date the person was told, which must fall within the first month.
    """
    permissions.require(actor, "extend_request")
    errors: dict[str, str] = {}
    reason = _checked(errors, "extension_reason", lambda: v.text(reason, max_length=2000))
    if not reason and "extension_reason" not in errors:
        errors["extension_reason"] = "give the reason for the extension"
    told = _clean_date(told_at, "extension_told_at", errors)
    if told is None:
        errors.setdefault("extension_told_at", "give the date the person was told")
    limit = runtime.settings("requests")["max_extension_months"]
    if not isinstance(months, int) or not 1 <= months <= limit:
        errors["months"] = f"must be 1 to {limit}"
    if errors or told is None:
        raise ValidationError(errors)
    with write_transaction():
        req = _open(request_id, version)
        _check_told_date(req, told)
        # Counted from receipt, like the first month: 31 Jan + 1 + 2 -> 30 Apr, not 28 Apr.
        response_months = runtime.settings("requests")["response_months"]
        req.extended_until = add_months(req.received_at, response_months + months)
        req.extension_reason = reason
        req.extension_told_at = told
        req.handled_by = actor.username
        fields = ["extended_until", "extension_reason", "extension_told_at"]
        return _save(actor, req, "extend_request", fields)


def _check_told_date(req: Request, told: dt.date) -> None:
    if told < req.received_at:
        raise ValidationError({"extension_told_at": "is before the request was received"})
    if told > req.deadline:
        raise ValidationError(
            {"extension_told_at": "the person must be told within the first month"}
        )
    if told > clock.today():
        raise ValidationError({"extension_told_at": "must not be in the future"})


def refuse(
    actor: Actor, request_id: int, reason: str, *, version: int | None = None
) -> dict[str, Any]:
    """Refuse the request; the reason is what the person is told (Art 12(4))."""
    permissions.require(actor, "refuse_request")
    errors: dict[str, str] = {}
    reason = _checked(
        errors, "refusal_reason", lambda: v.text(reason, max_length=4000, multiline=True)
    )
    if not reason and "refusal_reason" not in errors:
        errors["refusal_reason"] = "give the reason for refusing"
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        req = _open(request_id, version)
        _finish(req, actor, "refused")
        req.refusal_reason = reason
        return _save(actor, req, "refuse_request", ["status", "refusal_reason"])


def close(
    actor: Actor, request_id: int, outcome: str, *, version: int | None = None
) -> dict[str, Any]:
    """Close as done with an outcome (e.g. a rectification made by editing the customer)."""
    permissions.require(actor, "close_request")
    outcome = _clean_outcome(outcome)
    with write_transaction():
        req = _open(request_id, version)
        _finish(req, actor, "done", outcome)
        return _save(actor, req, "close_request", ["status", "outcome"])


def _clean_outcome(outcome: Any) -> str:
    try:
        clean = v.text(outcome, max_length=4000, multiline=True)
    except v.FieldError as exc:
        raise ValidationError({"outcome": str(exc)}) from None
    if not clean:
        raise ValidationError({"outcome": "say what was done"})
    return clean


def _finish(req: Request, actor: Actor, status: str, outcome: str | None = None) -> None:
    req.status = status
    if outcome is not None:
        req.outcome = outcome
    req.handled_by = actor.username
    if status in CLOSED_STATUSES:
        req.closed_at = clock.now()
    if status in (*CLOSED_STATUSES, "waiting_for_hold") and req.answered_at is None:
        req.answered_at = clock.today()


def complete(actor: Actor, reference: str, outcome: str, *, status: str = "done") -> dict[str, Any]:
    """For other services (erasure, retention): record the outcome of a request by reference.

    ``status`` is 'done' or 'waiting_for_hold' (part of the data is held until a date).
    """
    permissions.require(actor, "execute_request")
    if status not in ("done", "waiting_for_hold"):
        raise ValidationError({"status": "must be done or waiting_for_hold"})
    outcome = _clean_outcome(outcome)
    with write_transaction():
        req = _still_open(_load_by_reference(reference))
        _finish(req, actor, status, outcome)
        return _save(actor, req, "close_request", ["status", "outcome"])


# --- executing -------------------------------------------------------------------------------

# Each executor does the work of one kind of request inside the caller's transaction (unless
# it says otherwise) and returns (status, outcome).
Executor = Callable[[Actor, Request, dict[str, Any]], tuple[str, str]]


def _execute_objection(actor: Actor, req: Request, options: dict[str, Any]) -> tuple[str, str]:
    customers.set_objection(actor, req.customer_id, req.objection_purpose or "", True)
    return "done", f"objection to {req.objection_purpose} recorded"


def _execute_restriction(actor: Actor, req: Request, options: dict[str, Any]) -> tuple[str, str]:
    set_restricted(actor, req.customer_id, True)
    return "done", "processing restricted: the data is only stored"


def _execute_rectification(actor: Actor, req: Request, options: dict[str, Any]) -> tuple[str, str]:
    # The correction itself is made by editing the customer; executing records what was done.
    if not options.get("outcome"):
        raise ValidationError({"outcome": "edit the customer first, then say what was corrected"})
    return "done", _clean_outcome(options["outcome"])


def _execute_export(actor: Actor, req: Request, options: dict[str, Any]) -> tuple[str, str]:
    fmt = options.get("format") or ("json" if req.kind == "portability" else "text")
    path = options.get("path")
    if not path:
        raise ValidationError({"path": "give the file to write the export to"})
    export.write_export(actor, req.customer_id, path, fmt=fmt, lang=options.get("lang"))
    return "done", f"{req.kind} export written ({fmt})"


def _execute_erasure(actor: Actor, req: Request, options: dict[str, Any]) -> tuple[str, str]:
    """Hand over to the erasure service, which closes the request with its outcome."""
    erasure.erase(actor, req.customer_id, request_ref=req.reference)
    return "", ""  # the erasure service recorded the outcome itself


EXECUTORS: dict[str, Executor] = {
    "objection": _execute_objection,
    "restriction": _execute_restriction,
    "rectification": _execute_rectification,
    "access": _execute_export,
    "portability": _execute_export,
    "erasure": _execute_erasure,
}
# Kinds whose executor runs its own transactions (erasure checkpoints the WAL afterwards).
SELF_CONTAINED = {"erasure"}


def execute(
    actor: Actor, request_id: int, *, version: int | None = None, **options: Any
) -> dict[str, Any]:
    """Carry out a verified request. ``options``: ``outcome`` (rectification), ``path``,
    ``format``, ``lang`` (access, portability)."""
    permissions.require(actor, "execute_request")
    req = _ready(request_id, version)
    if req.kind in SELF_CONTAINED:
        EXECUTORS[req.kind](actor, req, options)
        return request_dict(_load(request_id), actor)
    with write_transaction():
        req = _ready(request_id, version)
        status, outcome = EXECUTORS[req.kind](actor, req, options)
        req = _load(request_id)  # the executor may have touched the customer, not the request
        _finish(req, actor, status, outcome)
        return _save(actor, req, "execute_request", ["status", "outcome"])


def _ready(request_id: int, version: int | None) -> Request:
    req = _open(request_id, version)
    errors = {}
    if not req.identity_verified:
        errors["identity_verified"] = "verify the person's identity first"
    if req.customer_id is None:
        errors["customer_id"] = "link the request to a customer first"
    if errors:
        raise ValidationError(errors)
    return req


def set_restricted(actor: Actor, customer_id: int, on: bool) -> None:
    """Art 18: a restricted customer is only stored: hidden from support, search, audiences."""
    permissions.require(actor, "restrict_customer")
    with write_transaction():
        customer = Customer.get_or_none(Customer.id == customer_id)
        if customer is None:
            raise NotFound(f"no customer with id {customer_id}")
        if customer.restricted != on:
            Customer.update(
                restricted=on, updated_at=clock.now(), version=Customer.version + 1
            ).where(Customer.id == customer_id).execute()
            audit.record(
                actor,
                "restrict_customer" if on else "lift_restriction",
                "customer",
                customer_id,
                customer_id=customer_id,
                fields=["restricted"],
            )
