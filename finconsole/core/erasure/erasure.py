"""Erasure: "all personal data is deleted on request, immediately and permanently, unless
legislation, open invoices or debt collection prevent it".

Everything not held is hard-deleted at once: the customer, addresses, orders without a hold
(with lines, parcels, tracking events, claims), the search-index entry, the free text of the
person's requests. What a hold keeps (see ``holds``) is minimised and restricted: the order
keeps only what the voucher or claim needs (billing name and address, lines, totals) and is
shown only to the officer; the customer row stays as an empty restricted shell (no name,
email, phone, note or objection history) while such orders exist.

Why the order carries the name and not the customer row: a VAT invoice names the buyer and
address *as invoiced*, which is what the voucher must keep; the customer row may have changed
since. The shell exists only because ``Order.customer`` is required and it groups the held
orders for the retention run, the ledger and the officer. When the last hold ends, the retention
run (``complete_due``) deletes the orders and the shell.

Permanence (``store.permanence``): SQLite runs with ``secure_delete`` and FTS5
``secure-delete``; after the commit ``wal_checkpoint(TRUNCATE)`` folds the WAL into the main
file and empties it. PostgreSQL: the touched tables are rewritten (``VACUUM FULL``). A reader
that prevents either leaves the work pending (recorded in the erasure's own transaction) for
the background, the next command or ``finconsole compact``; see the README for what stays out
of reach.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from finconsole.core.access import audit
from finconsole.core.erasure import holds, ledger
from finconsole.core.erasure.erasure_letter import reply_letter  # noqa: F401 (part of the API)
from finconsole.core.erasure.holds import Hold
from finconsole.core.erasure.result import ERASE, KEEP, ErasureResult, Item
from finconsole.core.kernel import clock, permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import Conflict, NotFound, ValidationError
from finconsole.core.outbox import notices, outbox
from finconsole.core.register.customers import OBJECTIONS
from finconsole.core.store import busy, permanence
from finconsole.core.store import search_index as search
from finconsole.core.store.db import is_sqlite, write_transaction
from finconsole.core.store.models import (
    Address,
    Claim,
    Customer,
    Disclosure,
    ErasureLedger,
    InquirySubject,
    Order,
    OrderLine,
    Parcel,
    Request,
    Task,
    TrackingEvent,
)
from finconsole.core.transparency import disclosures, inquiries

# Tables an erasure writes to: compacted afterwards on PostgreSQL.
# deferred completions: customers a transaction, and how long a busy batch is tried again
# (a shop import's chunk holds the write lock a few seconds at most; see store.busy)
BATCH = 50
BUSY_SECONDS = 120.0

TOUCHED_TABLES = [
    "customer",
    "address",
    "order",
    "order_line",
    "parcel",
    "tracking_event",
    "claim",
    "request",
    "task",
    "disclosure",
    "authority_inquiry",
    "inquiry_subject",
    *search.PG_TABLES,
    "outbox_message",
]
REQUEST_TEXT_FIELDS = ("subject_description", "details", "identity_method")
SHIPPING_FIELDS = ("shipping_name", "shipping_street", "shipping_postcode", "shipping_city")

# Other areas that keep personal data in tables of their own append a function here:
# ``eraser(customer_id)`` runs inside the erasure's transaction, before the customer row goes,
# and must hard-delete (or blank) that person's rows. Add the tables to TOUCHED_TABLES too.
ERASERS: list[Callable[[int], None]] = [outbox.forget_customer]


@dataclass
class _Plan:
    customer: Customer
    free_orders: list[int]
    held: dict[int, list[Hold]]  # order id -> holds in force
    items: list[Item]


# --- planning (shared by preview and erase) ---------------------------------------------------


def _customer(customer_id: int, *, lock: bool = False) -> Customer:
    """The customer; with ``lock`` (inside a write transaction) no other console erases or
    edits them until it commits (SQLite's IMMEDIATE transaction already serialises writers)."""
    query = Customer.select().where(Customer.id == customer_id)
    if lock and not is_sqlite():
        query = query.for_update()
    customer = query.first()
    if customer is None:
        erased = (
            ErasureLedger.select(ErasureLedger.erased_at)
            .where(ErasureLedger.customer_id == customer_id)
            .order_by(ErasureLedger.id.desc())
            .first()
        )
        if erased is not None:
            raise NotFound(f"customer {customer_id} was erased on {erased.erased_at:%Y-%m-%d}")
        raise NotFound(f"no customer with id {customer_id}")
    return customer


def _plan(customer: Customer, today: dt.date, *, ignore_holds: bool = False) -> _Plan:
    orders = list(Order.select().where(Order.customer == customer.id).order_by(Order.id))
    held = {}
    for order in orders:
        in_force = [] if ignore_holds else holds.active_holds(order, today)
        if in_force:
            held[order.id] = in_force
    free = [o.id for o in orders if o.id not in held]
    return _Plan(customer, free, held, _items(customer, orders, free, held))


def _items(customer: Customer, orders: list[Order], free: list[int], held: dict) -> list[Item]:
    order_ids = [o.id for o in orders]
    parcels = Parcel.select(Parcel.id).where(Parcel.order.in_(order_ids))
    held_orders = [o for o in orders if o.id in held]
    counts = {
        "contact": 0 if is_shell(customer) else 1,
        "objections": sum(1 for name in OBJECTIONS if getattr(customer, f"objection_{name}_at")),
        "addresses": Address.select().where(Address.customer == customer.id).count(),
        "orders": len(free),
        "parcels": parcels.count() if order_ids else 0,
        "tracking_events": (
            TrackingEvent.select().where(TrackingEvent.parcel.in_(parcels)).count()
            if order_ids
            else 0
        ),
        "shipping_details": sum(
            1 for o in held_orders if any(getattr(o, name) for name in SHIPPING_FIELDS)
        ),
        "request_text": Request.select().where(Request.customer == customer.id).count(),
        "disclosures": Disclosure.select().where(Disclosure.customer == customer.id).count(),
        "inquiries": InquirySubject.select().where(InquirySubject.customer == customer.id).count(),
        "search_index": 1,
    }
    items = [Item(kind, n, ERASE) for kind, n in counts.items() if n]
    for order_holds in held.values():
        items += [
            Item("order_record", 1, KEEP, h.code, h.order_number, h.until) for h in order_holds
        ]
    return items


def exists(customer_id: int) -> bool:
    """The customer's row is there (whole, or the restricted shell of a partial erasure)."""
    return Customer.select().where(Customer.id == customer_id).exists()


def is_shell(customer: Customer) -> bool:
    """What a partial erasure leaves: restricted, no name, no identifiers, no note."""
    return (
        customer.restricted
        and not (customer.first_name or customer.last_name or customer.note)
        and not (customer.email or customer.phone or customer.shop_ref)
    )


def preview(actor: Actor, customer_id: int) -> ErasureResult:
    """What an erasure would do now: each kind of data, erased or kept (why, until when)."""
    permissions.require(actor, "preview_erasure")
    customer = _customer(customer_id)
    plan = _plan(customer, clock.today())
    audit.record(actor, "preview_erasure", "customer", customer_id, customer_id=customer_id)
    return _result(plan, "preview")


def _result(plan: _Plan, status: str, request_ref: str = "") -> ErasureResult:
    all_holds = [h for hs in plan.held.values() for h in hs]
    return ErasureResult(
        customer_id=plan.customer.id,
        status=status,
        items=plan.items,
        language=plan.customer.language or "fi",
        completes_on=holds.erase_on(all_holds),
        request_ref=request_ref,
    )


# --- erasing ----------------------------------------------------------------------------------


def erase(actor: Actor, customer_id: int, *, request_ref: str | None = None) -> ErasureResult:
    """Erase a customer now, keeping (minimised, restricted) only what a hold needs.

    Returns the result with status ``complete`` or ``partial``; with ``request_ref`` the
    erasure request is closed (done, or waiting for hold) with the outcome.
    """
    permissions.require(actor, "erase_customer")
    with write_transaction():
        search.purge_if_stale()  # an import killed before its purge kept old values there
        customer = _customer(customer_id, lock=True)
        request = _erasure_request(request_ref, customer_id) if request_ref else None
        plan = _plan(customer, clock.today())
        status = "partial" if plan.held else "complete"
        result = _result(plan, status, request_ref or "")
        identifiers = _identifier_hashes(customer)
        to = notices.recipient_of(customer)  # the confirmation's address, before it is erased
        _apply(plan, request)
        _record_ledger(customer_id, identifiers, result)
        if request is not None:
            _close_request(request, actor, result)
        event = audit.record(
            actor,
            "erase_customer",
            "customer",
            customer_id,
            customer_id=customer_id,
            fields=[i.kind for i in result.erased],
            outcome=status,
        )
        confirmation = _queue_confirmation(actor, to, result, event.id)
        permanence.request()  # committed with the erasure: a kill after it leaves it pending
    if confirmation is not None:  # sent with the erasure; the outbox then forgets the address
        outbox.send_for_erased(actor, customer_id)
    outcome = permanence.settle(TOUCHED_TABLES, large=False)  # requested in the transaction
    result.permanent, result.permanence_note = outcome.done, outcome.reason
    return result


def _queue_confirmation(
    actor: Actor, to: notices.Recipient, result: ErasureResult, cause: int
) -> int | None:
    """The confirmation to the person (done, or done in part with the holds named)."""
    return notices.erasure_confirmation(
        actor,
        to,
        customer_id=result.customer_id,
        status=result.status,
        kept=[(i.ref, i.reason, i.until) for i in result.kept],
        completes_on=result.completes_on,
        disclosed=any(i.kind == "disclosures" for i in result.erased),
        request_ref=result.request_ref,
        cause=cause,
    )


def replay(customer_id: int, *, complete: bool) -> bool:
    """Re-apply a ledger entry to a restored database (no new ledger row, no request change).

    ``complete`` (the ledger says the erasure was completed) erases everything regardless of
    holds: the restored copy must not bring back what the live register had already erased.
    Returns False if the customer is not in this database.
    """
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        return False
    plan = _plan(customer, clock.today(), ignore_holds=complete)
    _apply(plan, None)
    return True


def _apply(plan: _Plan, request: Request | None) -> None:
    """Delete what is not held and minimise what is. Runs inside the caller's transaction."""
    cid = plan.customer.id
    order_ids = plan.free_orders + list(plan.held)
    _delete_parcels(order_ids)
    _delete_orders(plan.free_orders)
    for order_id, order_holds in plan.held.items():
        _minimise_order(order_id, order_holds, plan.customer)
    Address.delete().where(Address.customer == cid).execute()
    _clear_request_texts(cid, request)
    _neutralise_tasks(cid)
    inquiries.after_erasure(plan.customer)
    for eraser in ERASERS:
        eraser(cid)
    search.remove(cid)
    if plan.held:
        _minimise_customer(plan.customer)
    else:
        Customer.delete().where(Customer.id == cid).execute()


def _delete_parcels(order_ids: list[int]) -> None:
    if not order_ids:
        return
    parcels = Parcel.select(Parcel.id).where(Parcel.order.in_(order_ids))
    TrackingEvent.delete().where(TrackingEvent.parcel.in_(parcels)).execute()
    Claim.delete().where(Claim.parcel.in_(parcels)).execute()
    Parcel.delete().where(Parcel.order.in_(order_ids)).execute()


def _delete_orders(order_ids: list[int]) -> None:
    if order_ids:
        OrderLine.delete().where(OrderLine.order.in_(order_ids)).execute()
        Order.delete().where(Order.id.in_(order_ids)).execute()


def _minimise_order(order_id: int, order_holds: list[Hold], customer: Customer) -> None:
    """Keep only what the voucher or claim needs; fill in the buyer if the order lacks it."""
    order = Order.get_by_id(order_id)
    if not order.billing_name.strip():
        order.billing_name = f"{customer.first_name} {customer.last_name}".strip()
    if not order.billing_street.strip():
        address = _billing_address(customer.id)
        if address is not None:
            order.billing_street = address.street
            order.billing_postcode = address.postcode
            order.billing_city = address.city
            order.billing_country = address.country
    for name in SHIPPING_FIELDS:
        setattr(order, name, "")
    order.restricted = True
    order.hold_until = holds.erase_on(order_holds)
    order.updated_at = clock.now()
    order.version += 1
    order.save()


def _billing_address(customer_id: int) -> Address | None:
    return (
        Address.select()
        .where(Address.customer == customer_id)
        .order_by((Address.kind == "billing").desc(), Address.is_default.desc(), Address.id)
        .first()
    )


def _minimise_customer(customer: Customer) -> None:
    """The empty, restricted shell that groups held orders: no personal data at all."""
    Customer.update(
        first_name="",
        last_name="",
        email=None,
        phone=None,
        note="",
        shop_ref=None,
        objection_marketing_at=None,
        objection_statistics_at=None,
        objection_profiling_at=None,
        restricted=True,
        updated_at=clock.now(),
        version=Customer.version + 1,
    ).where(Customer.id == customer.id).execute()


def _clear_request_texts(customer_id: int, request: Request | None) -> None:
    """Requests stay as a record of how they were handled; who asked and what they wrote go."""
    cleared = {getattr(Request, name): "" for name in REQUEST_TEXT_FIELDS}
    condition = Request.customer == customer_id
    if request is not None:
        condition |= Request.id == request.id
    Request.update(cleared).where(condition).execute()


def _neutralise_tasks(customer_id: int) -> None:
    """Task notes may quote the person. Recipients of earlier disclosures get an Art 19 task
    (recipient and date only), then the disclosure records about the person go."""
    Task.update(description=f"customer #{customer_id} was erased; details removed").where(
        Task.customer == customer_id
    ).execute()
    disclosures.after_erasure(customer_id)
    Disclosure.delete().where(Disclosure.customer == customer_id).execute()


# --- requests and the ledger ------------------------------------------------------------------


def _erasure_request(reference: str, customer_id: int) -> Request:
    request = Request.get_or_none(Request.reference == reference.strip().upper())
    if request is None:
        raise NotFound("no request with that reference")
    if request.kind != "erasure":
        raise ValidationError({"request": "is not an erasure request"})
    if request.customer_id not in (None, customer_id):
        raise ValidationError({"request": "belongs to another customer"})
    if request.status in ("done", "refused"):
        raise Conflict(f"request {request.reference} is already closed")
    if not request.identity_verified:
        # an impostor's request must not erase someone: verify first (requests screen)
        raise ValidationError({"request": "the requester's identity is not verified yet"})
    return request


def _close_request(request: Request, actor: Actor, result: ErasureResult) -> None:
    """Only the status fields are written: the row loaded earlier still holds the old text."""
    complete = result.status == "complete"
    Request.update(
        status="done" if complete else "waiting_for_hold",
        outcome=outcome_text(result),
        handled_by=actor.username,
        closed_at=clock.now() if complete else None,
        answered_at=clock.today(),  # the confirmation (or the letter) answers the person now
        version=Request.version + 1,
    ).where(Request.id == request.id).execute()


def outcome_text(result: ErasureResult) -> str:
    """One line for the request record: kinds and order numbers only, no personal data."""
    erased = ", ".join(f"{i.kind} ({i.count})" for i in result.erased) or "nothing"
    text = f"erased {result.at:%Y-%m-%d}: {erased}"
    if result.kept:
        kept = "; ".join(
            f"order {i.ref} kept ({i.reason}" + (f" until {i.until})" if i.until else ")")
            for i in result.kept
        )
        text += f". Kept: {kept}"
    return text


def _identifier_hashes(customer: Customer) -> dict[str, str | None]:
    return {
        "subject_hash": ledger.hash_identifier("email", customer.email)
        or ledger.hash_identifier("customer", str(customer.id)),
        "phone_hash": ledger.hash_identifier("phone", customer.phone),
        "shop_ref_hash": ledger.hash_identifier("shop_ref", customer.shop_ref),
    }


def _record_ledger(customer_id: int, identifiers: dict, result: ErasureResult) -> None:
    """A new ledger row, or (erasing a held shell again) the open partial row updated."""
    open_row = (
        ErasureLedger.select()
        .where((ErasureLedger.customer_id == customer_id) & (ErasureLedger.status == "partial"))
        .first()
    )
    if open_row is not None:
        open_row.status = result.status
        open_row.completes_on = result.completes_on
        open_row.request_ref = result.request_ref or open_row.request_ref
        open_row.save()
        return
    ErasureLedger.create(
        erased_at=result.at,
        customer_id=customer_id,
        request_ref=result.request_ref,
        status=result.status,
        completes_on=result.completes_on,
        **identifiers,
    )


# --- deferred completion (run by the retention job) -------------------------------------------


def complete_due(actor: Actor) -> int:
    """Erase the held orders whose every hold ended; delete shells left with none.

    Returns how many customers' erasures completed. One short transaction per ``BATCH``
    customers, so a long run never holds the write lock for long, and few enough that a run
    beside a shop import does not wait for the lock once per customer; a batch that finds the
    database busy is tried again for up to ``BUSY_SECONDS`` (``store.busy``), so the run
    finishes between the import's chunks. ``retention.run`` makes it permanent at the end.
    """
    permissions.require(actor, "run_retention")
    today = clock.today()
    partial = ErasureLedger.select(ErasureLedger.customer_id).where(
        ErasureLedger.status == "partial"
    )
    due: dict[int, list[int]] = {}
    for order in Order.select(Order.id, Order.customer).where(
        Order.customer.in_(partial) & (Order.restricted == True) & holds.hold_ended(today)  # noqa: E712
    ):
        due.setdefault(order.customer_id, []).append(order.id)
    empty = Customer.select(Customer.id).where(
        Customer.id.in_(partial)
        & Customer.id.not_in(Order.select(Order.customer).where(Order.customer.in_(partial)))
    )
    for row in empty:
        due.setdefault(row.id, [])
    todo = sorted(due.items())
    batches = [todo[at : at + BATCH] for at in range(0, len(todo), BATCH)]
    return sum(
        busy.retry(functools.partial(_complete_batch, actor, batch), seconds=BUSY_SECONDS)
        for batch in batches
    )


def _complete_batch(actor: Actor, batch: list[tuple[int, list[int]]]) -> int:
    with write_transaction():
        return sum(int(_complete_one(actor, cid, order_ids)) for cid, order_ids in batch)


def _complete_one(actor: Actor, customer_id: int, order_ids: list[int]) -> bool:
    with write_transaction():
        query = ErasureLedger.select().where(
            (ErasureLedger.customer_id == customer_id) & (ErasureLedger.status == "partial")
        )
        row = (query if is_sqlite() else query.for_update()).first()
        if row is None:
            return False  # another run (cron, a console's start) finished it meanwhile
        _delete_parcels(order_ids)
        _delete_orders(order_ids)
        left = list(Order.select().where(Order.customer == customer_id))
        if left:
            remaining = [h for o in left for h in holds.holds_of(o)]
            row.completes_on = holds.erase_on(remaining)
            row.save()
            done = False
        else:
            search.remove(customer_id)
            Customer.delete().where(Customer.id == customer_id).execute()
            row.status = "complete"
            row.completes_on = None
            row.save()
            _finish_request(row.request_ref, actor)
            done = True
        audit.record(
            actor,
            "complete_erasure",
            "customer",
            customer_id,
            customer_id=customer_id,
            fields=["order_record"],
            outcome="complete" if done else "partial",
        )
    return done


def _finish_request(reference: str, actor: Actor) -> None:
    if not reference:
        return
    request = Request.get_or_none(Request.reference == reference)
    if request is None or request.status != "waiting_for_hold":
        return
    outcome = (request.outcome + f". Held data erased {clock.today():%Y-%m-%d}").strip(". ")
    Request.update(
        status="done",
        closed_at=clock.now(),
        outcome=outcome,
        handled_by=request.handled_by or actor.username,
        version=Request.version + 1,
    ).where(Request.id == request.id).execute()


# --- permanence -------------------------------------------------------------------------------


def make_permanent(
    tables: Iterable[str] = TOUCHED_TABLES, *, request: bool = True, large: bool = False
) -> bool:
    """After the commit: empty the SQLite WAL into the zeroed main file, or rewrite the
    PostgreSQL tables (``store.permanence``). ``request``: record the deletion first (callers
    whose transaction did not). ``large``: rewrite a large PostgreSQL register's tables too
    (the retention run); otherwise that is left pending for it.

    Returns False if it is pending: finished by the next command, the console in the
    background, ``retention run`` or ``finconsole compact``.
    """
    return permanence_outcome(tables, request=request, large=large).done


def permanence_outcome(
    tables: Iterable[str] = TOUCHED_TABLES, *, request: bool = True, large: bool = False
) -> permanence.Outcome:
    """``make_permanent`` with the reason when it is pending."""
    if request:
        permanence.request()
    return permanence.settle(tables, large=large)


def pending() -> int:
    """How many deletions of personal data are not yet permanent in the database files."""
    return permanence.pending()


def settle(*, quick: bool = True, large: bool = False) -> permanence.Outcome:
    """Finish pending permanence work now if no reader prevents it (no permission needed:
    it only removes what was already deleted). For the console's background retry and the
    start of every command; a large PostgreSQL register waits for ``large`` (retention run,
    ``compact``)."""
    return permanence.settle(TOUCHED_TABLES, quick=quick, large=large)


def compact(actor: Actor) -> permanence.Outcome:
    """``finconsole compact``: finish every pending erasure's permanence now, waiting the full
    busy timeout for readers (SQLite) or rewriting the tables (PostgreSQL)."""
    permissions.require(actor, "run_retention")
    return settle(quick=False, large=True)
