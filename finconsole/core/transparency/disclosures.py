"""Disclosures of a customer's data to outside recipients, under the register description's
rules, and the Art 19 duty to tell those recipients of a later rectification or erasure.

The rules (each refusal names the one that stopped it):
- debt collection or invoicing: the customer was told first, at least ``disclosures.notice_days``
  days before the disclosure (the time to contact the shop and settle the matter);
- an authority: only on a court's legally binding order (court, order date, case number);
- anyone else: only with a legal basis stated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from finconsole.core.access import audit
from finconsole.core.kernel import clock, dates, permissions
from finconsole.core.kernel import validation as v
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import NotFound, ValidationError
from finconsole.core.outbox import notices
from finconsole.core.settings import runtime
from finconsole.core.store.db import write_transaction
from finconsole.core.store.models import Customer, Disclosure, Task
from finconsole.core.transparency import datafields, tasks

KINDS = ("debt_collection", "invoicing", "authority", "other")
KIND_TITLES = {
    "debt_collection": "debt collection",
    "invoicing": "invoicing",
    "authority": "authority",
    "other": "other",
}
RULE_NOTICE = "the customer is told first"
RULE_COURT_ORDER = "authorities only on a court order"
RULE_LEGAL_BASIS = "others only with a legal basis"
INPUT_FIELDS = (
    "customer_id",
    "recipient_name",
    "recipient_kind",
    "legal_basis",
    "data_fields",
    "customer_told_at",
    "disclosed_at",
    "court",
    "court_order_date",
    "court_case_number",
    "recipient_email",
)


class DisclosureRefused(ValidationError):
    """A rule of the register description forbids this disclosure. ``rule`` names it."""

    def __init__(self, rule: str, fields: dict[str, str]) -> None:
        super().__init__(fields)
        self.rule = rule

    def __str__(self) -> str:
        summary = "; ".join(f"{name}: {msg}" for name, msg in self.fields.items())
        return f"disclosure refused by the rule '{self.rule}': {summary}"


def notice_days() -> int:
    return int(runtime.settings("disclosures")["notice_days"])


# --- validation ------------------------------------------------------------------------------


def clean(data: dict[str, Any]) -> dict[str, Any]:
    """Validate a disclosure; raises ``ValidationError`` for bad input and ``DisclosureRefused``
    when the input is well formed but a rule forbids the disclosure."""
    errors: dict[str, str] = {n: "is not a disclosure field" for n in set(data) - set(INPUT_FIELDS)}
    out: dict[str, Any] = {}
    checks: dict[str, Callable[[Any], Any]] = {
        "recipient_name": lambda x: v.text(x, max_length=200, required=True),
        "recipient_kind": lambda x: v.choice(x, KINDS),
        "legal_basis": lambda x: v.text(x, max_length=2000, multiline=True),
        "customer_told_at": dates.parse,
        "disclosed_at": lambda x: _past_date(x, required=True),
        "court": lambda x: v.text(x, max_length=200),
        "court_order_date": _past_date,
        "court_case_number": lambda x: v.text(x, max_length=100),
        "recipient_email": lambda x: v.email(x) or "",
        "data_fields": _data_fields,
        "customer_id": _customer_id,
    }
    for name, check in checks.items():
        try:
            out[name] = check(data.get(name))
        except v.FieldError as exc:
            errors[name] = str(exc)
    if errors:
        raise ValidationError(errors)
    _check_rules(out)
    return out


def _past_date(value: object, required: bool = False) -> dt.date | None:
    day = dates.parse(value, required=required)
    if day is not None and day > clock.today():
        raise v.FieldError("cannot be in the future: record a disclosure when it is made")
    return day


def _data_fields(value: Any) -> list[str]:
    names = value.split(",") if isinstance(value, str) else list(value or [])
    names = [str(n) for n in names if str(n).strip()]
    if not names:
        raise v.FieldError("name at least one field that is disclosed (e.g. first_name, email)")
    resolved = []
    for name in names:
        try:
            resolved.append(datafields.resolve(name))
        except KeyError as exc:
            raise v.FieldError(exc.args[0][:200]) from None
    return list(dict.fromkeys(resolved))


def _customer_id(value: object) -> int:
    try:
        customer_id = int(str(value).strip())
    except (TypeError, ValueError):
        raise v.FieldError("must be a customer id (a number)") from None
    if not Customer.select().where(Customer.id == customer_id).exists():
        raise v.FieldError(f"no customer with id {customer_id}")
    return customer_id


def _check_rules(d: dict[str, Any]) -> None:
    kind = d["recipient_kind"]
    if kind in ("debt_collection", "invoicing"):
        _check_notice(d, KIND_TITLES[kind])
    elif kind == "authority":
        _check_court_order(d)
    elif not d["legal_basis"]:
        raise DisclosureRefused(
            RULE_LEGAL_BASIS,
            {"legal_basis": "is required: data goes to other recipients only on a legal basis"},
        )


def _check_notice(d: dict[str, Any], kind_title: str) -> None:
    told, disclosed, days = d["customer_told_at"], d["disclosed_at"], notice_days()
    if told is None:
        raise DisclosureRefused(
            RULE_NOTICE,
            {
                "customer_told_at": f"is required: the customer must be told before data is "
                f"disclosed for {kind_title}"
            },
        )
    gap = (disclosed - told).days
    if gap < days:
        raise DisclosureRefused(
            RULE_NOTICE,
            {
                "disclosed_at": f"must be at least {days} days after the customer was told "
                f"(it is {gap})"
            },
        )


def _check_court_order(d: dict[str, Any]) -> None:
    need = "is required: data goes to an authority only on a court's legally binding order"
    missing = {
        name: need for name in ("court", "court_order_date", "court_case_number") if not d[name]
    }
    if missing:
        raise DisclosureRefused(RULE_COURT_ORDER, missing)
    if d["court_order_date"] > d["disclosed_at"]:
        raise DisclosureRefused(
            RULE_COURT_ORDER,
            {"court_order_date": "must be on or before the disclosure date"},
        )


# --- recording and reading -------------------------------------------------------------------


def check(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Validate without recording: the form asks before the officer sends any data."""
    permissions.require(actor, "record_disclosure")
    return clean(data)


def record(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Record a disclosure the rules allow (officer only). Audited with the field names."""
    permissions.require(actor, "record_disclosure")
    with write_transaction():
        d = clean(data)
        disclosure = Disclosure.create(
            customer=d["customer_id"],
            recipient_name=d["recipient_name"],
            recipient_kind=d["recipient_kind"],
            legal_basis=d["legal_basis"],
            data_fields=",".join(d["data_fields"]),
            customer_told_at=d["customer_told_at"],
            disclosed_at=d["disclosed_at"],
            court=d["court"],
            court_order_date=d["court_order_date"],
            court_case_number=d["court_case_number"],
            recipient_email=d["recipient_email"],
            created_by=actor.username,
        )
        audit.record(
            actor,
            "record_disclosure",
            "disclosure",
            disclosure.id,
            customer_id=d["customer_id"],
            fields=d["data_fields"],
        )
    return disclosure_dict(disclosure)


def field_list(stored: str) -> list[str]:
    """A disclosure's fields as stored ("customer.email,customer.phone") -> a list."""
    return [f for f in stored.split(",") if f]


def disclosure_dict(d: Disclosure) -> dict[str, Any]:
    return {
        "id": d.id,
        "customer_id": d.customer_id,
        "recipient_name": d.recipient_name,
        "recipient_kind": d.recipient_kind,
        "legal_basis": d.legal_basis,
        "data_fields": field_list(d.data_fields),
        "customer_told_at": d.customer_told_at,
        "disclosed_at": d.disclosed_at,
        "court": d.court,
        "court_order_date": d.court_order_date,
        "court_case_number": d.court_case_number,
        "recipient_email": d.recipient_email,
        "created_by": d.created_by,
        "created_at": d.created_at,
        "withdrawn_at": d.withdrawn_at,
        "withdrawn_by": d.withdrawn_by,
        "withdrawal_reason": d.withdrawal_reason,
    }


def list_disclosures(
    actor: Actor, *, customer_id: int | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Newest first; optionally one customer's."""
    permissions.require(actor, "view_disclosures")
    query = Disclosure.select()
    if customer_id is not None:
        query = query.where(Disclosure.customer == customer_id)
    query = query.order_by(Disclosure.disclosed_at.desc(), Disclosure.id.desc()).limit(limit)
    return [disclosure_dict(d) for d in query]


def get(actor: Actor, disclosure_id: int) -> dict[str, Any]:
    permissions.require(actor, "view_disclosures")
    disclosure = Disclosure.get_or_none(Disclosure.id == disclosure_id)
    if disclosure is None:
        raise NotFound(f"no disclosure with id {disclosure_id}")
    return disclosure_dict(disclosure)


# --- Art 19: tell the recipients ---------------------------------------------------------------


def after_rectification(customer_id: int, fields: list[str]) -> list[int]:
    """Call after a customer's personal fields changed ('customer.email', 'address.city', ...).

    For each earlier disclosure that included a changed field, the officer gets a task to
    inform that recipient; an open task for the same disclosure is extended instead of
    repeated. Returns the ids of the tasks created or extended.
    """
    changed = [f for f in fields if f in datafields.FIELDS]
    if not changed:
        return []
    touched = []
    with write_transaction():
        # a withdrawn record was a mistake: nothing went to that recipient
        made = Disclosure.select().where(
            (Disclosure.customer == customer_id) & Disclosure.withdrawn_at.is_null()
        )
        for disclosure in made:
            overlap = [f for f in changed if f in disclosure.data_fields.split(",")]
            if overlap:
                touched.append(_rectification_task(disclosure, overlap).id)
                _tell_recipient(disclosure, "rectification", overlap, forget=False)
    return touched


def _tell_recipient(disclosure: Disclosure, change: str, fields: list[str], *, forget: bool):
    """Art 19 by the outbox, to a recipient whose email address was recorded (the task stays
    as the officer's record and for recipients reached by post)."""
    customer = Customer.get_or_none(Customer.id == disclosure.customer_id)
    person = f"{customer.first_name} {customer.last_name}".strip() if customer else ""
    if customer is not None and customer.email:
        person = f"{person} <{customer.email}>".strip()
    notices.recipient_notice(
        Actor.system(), disclosure, person=person, change=change, changed=fields, forget=forget
    )


def _rectification_task(disclosure: Disclosure, fields: list[str]) -> Task:
    task = Task.get_or_none(
        (Task.kind == tasks.INFORM_RECIPIENTS)
        & (Task.disclosure == disclosure.id)
        & Task.done_at.is_null()
    )
    if task is not None:
        earlier = task.description.rpartition(": ")[2].split(", ")
        task.description = _rectification_text(disclosure, list(dict.fromkeys(earlier + fields)))
        task.save()
        return task
    return tasks.create(
        tasks.INFORM_RECIPIENTS,
        _rectification_text(disclosure, fields),
        customer_id=disclosure.customer_id,
        disclosure_id=disclosure.id,
    )


def _rectification_text(disclosure: Disclosure, fields: list[str]) -> str:
    return (
        f"Inform {disclosure.recipient_name} (disclosure {disclosure.id} of "
        f"{disclosure.disclosed_at.isoformat()}) that customer {disclosure.customer_id}'s data "
        f"was rectified: {', '.join(fields)}"
    )


def after_erasure(customer_id: int) -> list[int]:
    """Call inside the erasure, BEFORE the customer's rows are deleted.

    Creates one task per recipient of an earlier disclosure. The tasks hold no personal data
    and no link to the customer or the disclosure rows (which the erasure deletes): only the
    record ids, the recipient's name and the disclosure date. Returns the task ids.
    """
    created = []
    with write_transaction():
        query = Disclosure.select().where(
            (Disclosure.customer == customer_id) & Disclosure.withdrawn_at.is_null()
        )
        for disclosure in query.order_by(Disclosure.id):
            text = (
                f"Inform {disclosure.recipient_name} (disclosure {disclosure.id} of "
                f"{disclosure.disclosed_at.isoformat()}) that customer record {customer_id} "
                "was erased"
            )
            created.append(tasks.create(tasks.INFORM_RECIPIENTS, text).id)
            # sent with the erasure; the outbox forgets the person's name once it is sent
            _tell_recipient(disclosure, "erasure", [], forget=True)
    return created


# --- telling the customer before a disclosure ---------------------------------------------------


def announce(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Tell the customer of a planned debt-collection or invoicing disclosure, at least
    ``notice_days`` ahead: the notice goes through the outbox; the disclosure is recorded
    later, with the day the customer was told."""
    permissions.require(actor, "announce_disclosure")
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    checks: dict[str, Callable[[Any], Any]] = {
        "customer_id": _customer_id,
        "recipient_name": lambda x: v.text(x, max_length=200, required=True),
        "recipient_kind": lambda x: v.choice(x, ("debt_collection", "invoicing")),
        "data_fields": _data_fields,
        "planned_on": lambda x: dates.parse(x, required=True),
    }
    for name, check in checks.items():
        try:
            out[name] = check(data.get(name))
        except v.FieldError as exc:
            errors[name] = str(exc)
    earliest = clock.today() + dt.timedelta(days=notice_days())
    if "planned_on" not in errors and out["planned_on"] < earliest:
        errors["planned_on"] = f"must be {notice_days()} days ahead at least ({earliest})"
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        event = audit.record(
            actor,
            "announce_disclosure",
            "customer",
            out["customer_id"],
            customer_id=out["customer_id"],
            fields=out["data_fields"],
        )
        message_id = notices.disclosure_notice(
            actor,
            out["customer_id"],
            recipient=out["recipient_name"],
            recipient_kind=out["recipient_kind"],
            fields=out["data_fields"],
            planned=out["planned_on"],
            cause=event.id,
        )
        if message_id is None:  # nothing is recorded then (the transaction rolls back)
            raise ValidationError({"customer_id": "the customer has no email or postal address"})
    return {**out, "message_id": message_id}
