"""The whole register's schema, in one place.

Personal data lives only in: customer, address, order (billing/shipping name and address),
order_line (no personal data, but belongs to the order), parcel, tracking_event, request
(subject description), disclosure, notification_task notes and outbox_message. The audit trail
and the erasure ledger hold record ids, field names and keyed hashes, never values.

Times are stored as naive UTC datetimes; money as integer cents.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import peewee as pw

from finconsole.core.kernel import clock

database = pw.DatabaseProxy()


def _now():
    return clock.now()


class BaseModel(pw.Model):
    if TYPE_CHECKING:  # what peewee adds at run time, declared for the type checker
        id: Any

    class Meta:
        database = database
        legacy_table_names = False


class _NeverReusedId(pw.AutoField):
    """An id SQLite never hands out again (AUTOINCREMENT); PostgreSQL sequences never do."""

    def ddl(self, ctx):
        node = super().ddl(ctx)
        if isinstance(database.obj, pw.SqliteDatabase):
            return pw.NodeList((node, pw.SQL("AUTOINCREMENT")))
        return node


class Meta(BaseModel):
    """Key/value facts about this database: schema version, restore state, ledger key id."""

    key = pw.CharField(primary_key=True, max_length=64)
    value = pw.TextField()


# --- access control -------------------------------------------------------------------------


class User(BaseModel):
    if TYPE_CHECKING:  # foreign-key ids and back-references peewee adds
        recovery_codes: Any

    username = pw.CharField(max_length=64, unique=True)
    role = pw.CharField(max_length=16)  # officer | support
    password_hash = pw.TextField()
    totp_secret_enc = pw.TextField(null=True)  # encrypted with the key file, never plain
    totp_last_step = pw.BigIntegerField(null=True)  # replay protection
    failed_attempts = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    disabled = pw.BooleanField(default=False)
    created_at = pw.DateTimeField(default=_now)
    password_changed_at = pw.DateTimeField(default=_now)
    last_login_at = pw.DateTimeField(null=True)
    # a pending enrolment: the one-time code (keyed hash) the person logs in with to set their
    # own password and second factor, and when it stops working
    enrol_code_hash = pw.TextField(null=True)
    enrol_expires_at = pw.DateTimeField(null=True)


class RecoveryCode(BaseModel):
    if TYPE_CHECKING:  # foreign-key ids and back-references peewee adds
        user_id: Any

    user = pw.ForeignKeyField(User, backref="recovery_codes", on_delete="CASCADE")
    code_hash = pw.TextField()
    used_at = pw.DateTimeField(null=True)


# --- the register ---------------------------------------------------------------------------


# The purposes a customer can object to; each has an ``objection_<purpose>_at`` column.
OBJECTIONS = ("marketing", "statistics", "profiling")


class Customer(BaseModel):
    if TYPE_CHECKING:  # foreign-key ids and back-references peewee adds
        addresses: Any
        orders: Any
        requests: Any
        disclosures: Any
        inquiries: Any
        tasks: Any

    # AUTOINCREMENT on SQLite: an erased customer's id is never handed out again, so the audit
    # trail, the erasure ledger and request records never point at a different person.
    id = _NeverReusedId()
    # "shopify:123" / "woocommerce:77": the shop's own id, for idempotent imports
    shop_ref = pw.CharField(max_length=64, null=True, unique=True)
    first_name = pw.CharField(max_length=100, default="")
    last_name = pw.CharField(max_length=100, default="")
    email = pw.CharField(max_length=254, null=True, index=True)
    # E.164; as typed (at most 40 characters) when no numbering plan reads it, and then
    # ``phone_review`` is set: an import keeps the number rather than lose the row or guess.
    phone = pw.CharField(max_length=40, null=True, index=True)
    # a default in the schema too: bulk inserts (demo, imports) that name no flag get false
    phone_review = pw.BooleanField(default=False, constraints=[pw.SQL("DEFAULT FALSE")])
    language = pw.CharField(max_length=2, default="fi")  # fi | sv | en: letters and messages
    note = pw.TextField(default="")
    # An objection is on when its date is set (the date it was recorded).
    objection_marketing_at = pw.DateTimeField(null=True)
    objection_statistics_at = pw.DateTimeField(null=True)
    objection_profiling_at = pw.DateTimeField(null=True)
    # Art 18 / erasure hold: only the officer sees it; no search for support, no audiences.
    restricted = pw.BooleanField(default=False)
    created_at = pw.DateTimeField(default=_now)
    updated_at = pw.DateTimeField(default=_now, index=True)
    version = pw.IntegerField(default=1)  # optimistic locking


class Address(BaseModel):
    if TYPE_CHECKING:  # foreign-key ids and back-references peewee adds
        customer_id: Any

    customer = pw.ForeignKeyField(Customer, backref="addresses", on_delete="CASCADE")
    kind = pw.CharField(max_length=16, default="postal")  # postal | billing | shipping
    street = pw.CharField(max_length=200, default="")
    street2 = pw.CharField(max_length=200, default="")
    postcode = pw.CharField(max_length=16, default="", index=True)
    city = pw.CharField(max_length=100, default="")
    country = pw.CharField(max_length=2, default="FI")
    is_default = pw.BooleanField(default=True)
    version = pw.IntegerField(default=1)


class Order(BaseModel):
    if TYPE_CHECKING:  # foreign-key ids and back-references peewee adds
        customer_id: Any
        lines: Any
        parcels: Any

    customer = pw.ForeignKeyField(Customer, backref="orders", on_delete="CASCADE")
    order_number = pw.CharField(max_length=64, unique=True)
    shop_ref = pw.CharField(max_length=64, null=True, unique=True)
    # ordered_at, invoice_status and collection_status are only ever read per customer (through
    # the customer index), so they have no index of their own: see migration 2
    ordered_at = pw.DateTimeField()
    currency = pw.CharField(max_length=3, default="EUR")
    subtotal_cents = pw.IntegerField(default=0)
    shipping_cents = pw.IntegerField(default=0)
    tax_cents = pw.IntegerField(default=0)
    total_cents = pw.IntegerField(default=0)
    # none | open | paid | credited
    invoice_status = pw.CharField(max_length=16, default="paid")
    invoiced_at = pw.DateTimeField(null=True)
    paid_at = pw.DateTimeField(null=True)
    # none | active | closed
    collection_status = pw.CharField(max_length=16, default="none")
    # unfulfilled | partial | fulfilled | cancelled
    fulfilment_status = pw.CharField(max_length=16, default="unfulfilled")
    # What a bookkeeping voucher needs of the buyer, kept minimised under an erasure hold.
    billing_name = pw.CharField(max_length=200, default="")
    billing_street = pw.CharField(max_length=200, default="")
    billing_postcode = pw.CharField(max_length=16, default="")
    billing_city = pw.CharField(max_length=100, default="")
    billing_country = pw.CharField(max_length=2, default="FI")
    shipping_name = pw.CharField(max_length=200, default="")
    shipping_street = pw.CharField(max_length=200, default="")
    shipping_postcode = pw.CharField(max_length=16, default="")
    shipping_city = pw.CharField(max_length=100, default="")
    shipping_country = pw.CharField(max_length=2, default="FI")
    restricted = pw.BooleanField(default=False)
    hold_until = pw.DateField(null=True)  # erasure scheduled for this day
    # how a phone order is paid: paid | invoice | cod (cash on delivery); "" for shop orders
    payment_method = pw.CharField(max_length=16, null=True)  # null: raw bulk inserts (imports)
    created_at = pw.DateTimeField(default=_now)
    updated_at = pw.DateTimeField(default=_now)
    version = pw.IntegerField(default=1)


class OrderLine(BaseModel):
    if TYPE_CHECKING:  # foreign-key ids and back-references peewee adds
        order_id: Any

    order = pw.ForeignKeyField(Order, backref="lines", on_delete="CASCADE")
    product = pw.CharField(max_length=200)
    quantity = pw.IntegerField(default=1)
    unit_price_cents = pw.IntegerField(default=0)


class Parcel(BaseModel):
    if TYPE_CHECKING:  # foreign-key ids and back-references peewee adds
        order_id: Any
        events: Any
        claims: Any

    order = pw.ForeignKeyField(Order, backref="parcels", on_delete="CASCADE")
    carrier = pw.CharField(max_length=32)  # posti | matkahuolto | postnord | dhl | ...
    tracking_code = pw.CharField(max_length=64, index=True)
    # pending | info_received | in_transit | out_for_delivery | attempt_failed |
    # available_for_pickup | delivered | exception | returned_to_sender | lost
    status = pw.CharField(max_length=24, default="pending")  # indexed with last_event_at below
    shipped_at = pw.DateTimeField(null=True)
    expected_at = pw.DateTimeField(null=True)
    delivered_at = pw.DateTimeField(null=True)
    last_event_at = pw.DateTimeField(null=True)  # indexed with status below
    pickup_deadline = pw.DateTimeField(null=True)
    suspected_lost_at = pw.DateTimeField(null=True, index=True)
    created_at = pw.DateTimeField(default=_now)

    class Meta:
        # the parcels queues read one status in time order (keyset pages), and carrier
        # performance reads a period of handovers
        indexes = (
            (("status", "last_event_at", "id"), False),
            (("status", "pickup_deadline", "id"), False),
            (("shipped_at",), False),
        )


class TrackingEvent(BaseModel):
    if TYPE_CHECKING:  # foreign-key ids and back-references peewee adds
        parcel_id: Any

    # no index of its own: the unique (parcel, occurred_at, code) index below starts with it
    parcel = pw.ForeignKeyField(Parcel, backref="events", on_delete="CASCADE", index=False)
    occurred_at = pw.DateTimeField()
    code = pw.CharField(max_length=32, default="")  # the carrier's own event code
    status = pw.CharField(max_length=24)
    location = pw.CharField(max_length=200, default="")
    description = pw.CharField(max_length=500, default="")

    class Meta:
        indexes = ((("parcel", "occurred_at", "code"), True),)  # idempotent imports


class Claim(BaseModel):
    """A lost-parcel claim case with the carrier."""

    if TYPE_CHECKING:  # foreign-key ids and back-references peewee adds
        parcel_id: Any

    parcel = pw.ForeignKeyField(Parcel, backref="claims", on_delete="CASCADE")
    opened_at = pw.DateTimeField(default=_now)
    deadline = pw.DateField(index=True)
    customer_informed_at = pw.DateTimeField(null=True)
    # found | delivered_late | compensated | reshipped | refunded
    outcome = pw.CharField(max_length=24, null=True)
    closed_at = pw.DateTimeField(null=True, index=True)
    notes = pw.TextField(default="")
    opened_by = pw.CharField(max_length=80, default="")

    class Meta:
        indexes = ((("closed_at", "deadline", "id"), False),)  # open claims, soonest first


# --- data-subject requests, disclosures, inquiries ------------------------------------------


class Request(BaseModel):
    if TYPE_CHECKING:  # foreign-key ids and back-references peewee adds
        customer_id: Any

    reference = pw.CharField(max_length=32, unique=True)  # R-2026-0001
    customer = pw.ForeignKeyField(Customer, backref="requests", null=True, on_delete="SET NULL")
    # erasure | access | portability | rectification | objection | restriction
    kind = pw.CharField(max_length=16)
    objection_purpose = pw.CharField(max_length=16, null=True)  # marketing|statistics|profiling
    subject_description = pw.TextField(default="")  # who asked, when no customer is linked
    details = pw.TextField(default="")
    received_at = pw.DateField()
    channel = pw.CharField(max_length=16)  # email | phone | letter | web_form
    identity_method = pw.TextField(default="")
    identity_verified = pw.BooleanField(default=False)
    deadline = pw.DateField(index=True)
    extended_until = pw.DateField(null=True)
    extension_reason = pw.TextField(default="")
    extension_told_at = pw.DateField(null=True)
    # new | verifying | in_progress | waiting_for_hold | done | refused
    status = pw.CharField(max_length=20, default="new", index=True)
    refusal_reason = pw.TextField(default="")
    outcome = pw.TextField(default="")
    created_by = pw.CharField(max_length=80, default="")
    handled_by = pw.CharField(max_length=80, default="")
    closed_at = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=_now)
    version = pw.IntegerField(default=1)
    # the day the person was answered (e.g. an erasure whose held part waits): the deadline
    # counts until then; what remains after it is retention work, not an overdue answer
    answered_at = pw.DateField(null=True)


class Disclosure(BaseModel):
    if TYPE_CHECKING:  # foreign-key ids and back-references peewee adds
        customer_id: Any

    customer = pw.ForeignKeyField(Customer, backref="disclosures", null=True, on_delete="SET NULL")
    recipient_name = pw.CharField(max_length=200)
    recipient_kind = pw.CharField(max_length=20)  # debt_collection | invoicing | authority | other
    # where Art 19 notices to the recipient go (a company's address, not the customer's)
    recipient_email = pw.CharField(max_length=254, default="")
    legal_basis = pw.TextField(default="")
    data_fields = pw.TextField(default="")  # comma-separated field names
    customer_told_at = pw.DateField(null=True)
    disclosed_at = pw.DateField()
    court = pw.CharField(max_length=200, default="")
    court_order_date = pw.DateField(null=True)
    court_case_number = pw.CharField(max_length=100, default="")
    created_by = pw.CharField(max_length=80, default="")
    created_at = pw.DateTimeField(default=_now)
    # a record made by mistake is withdrawn (audited, with the reason), never deleted
    withdrawn_at = pw.DateTimeField(null=True)
    withdrawn_by = pw.CharField(max_length=80, default="")
    withdrawal_reason = pw.TextField(default="")


class AuthorityInquiry(BaseModel):
    if TYPE_CHECKING:  # foreign-key ids and back-references peewee adds
        subjects: Any

    authority = pw.CharField(max_length=200)
    received_at = pw.DateField()
    scope = pw.CharField(max_length=16)  # one | several | general
    reference = pw.CharField(max_length=100, default="")
    description = pw.TextField(default="")
    created_by = pw.CharField(max_length=80, default="")
    created_at = pw.DateTimeField(default=_now)
    withdrawn_at = pw.DateTimeField(null=True)  # as for Disclosure: withdrawn, not deleted
    withdrawn_by = pw.CharField(max_length=80, default="")
    withdrawal_reason = pw.TextField(default="")


class InquirySubject(BaseModel):
    if TYPE_CHECKING:  # foreign-key ids and back-references peewee adds
        inquiry_id: Any
        customer_id: Any

    inquiry = pw.ForeignKeyField(AuthorityInquiry, backref="subjects", on_delete="CASCADE")
    customer = pw.ForeignKeyField(Customer, backref="inquiries", on_delete="CASCADE")


class Task(BaseModel):
    """A to-do for the officer: tell a customer of an inquiry, inform Art 19 recipients, ..."""

    if TYPE_CHECKING:  # foreign-key ids and back-references peewee adds
        customer_id: Any
        inquiry_id: Any
        disclosure_id: Any

    # tell_customer_inquiry | publish_inquiry | inform_recipients
    kind = pw.CharField(max_length=32, index=True)
    customer = pw.ForeignKeyField(Customer, backref="tasks", null=True, on_delete="SET NULL")
    inquiry = pw.ForeignKeyField(AuthorityInquiry, null=True, on_delete="CASCADE")
    disclosure = pw.ForeignKeyField(Disclosure, null=True, on_delete="CASCADE")
    description = pw.TextField(default="")
    due = pw.DateField(index=True)
    done_at = pw.DateTimeField(null=True, index=True)
    done_by = pw.CharField(max_length=80, default="")
    created_at = pw.DateTimeField(default=_now)


# --- accountability -------------------------------------------------------------------------


class AuditEvent(BaseModel):
    """Who did what to which record. Field names only, never values. Hash-chained."""

    at = pw.DateTimeField(default=_now)
    actor = pw.CharField(max_length=80, index=True)  # username or cli:NAME
    channel = pw.CharField(max_length=8)
    action = pw.CharField(max_length=48, index=True)
    target_type = pw.CharField(max_length=32, default="")
    target_id = pw.IntegerField(null=True)
    customer_id = pw.IntegerField(null=True, index=True)
    # a bulk event (import_customers) covers customer_id..last_customer_id: ids are never
    # reused, so the range names exactly the customers that event created
    last_customer_id = pw.IntegerField(null=True, index=True)
    fields = pw.TextField(default="")  # comma-separated field names
    outcome = pw.CharField(max_length=16, default="ok")
    prev_hash = pw.CharField(max_length=64)
    hash = pw.CharField(max_length=64)


class ErasureLedger(BaseModel):
    """One row an erasure, no personal data: restoring a backup replays these."""

    erased_at = pw.DateTimeField(default=_now, index=True)
    customer_id = pw.IntegerField(index=True)  # pseudonymous record id, meaningless once erased
    subject_hash = pw.CharField(max_length=64, index=True)  # keyed hash of email
    phone_hash = pw.CharField(max_length=64, null=True, index=True)
    shop_ref_hash = pw.CharField(max_length=64, null=True, index=True)
    request_ref = pw.CharField(max_length=32, default="")
    status = pw.CharField(max_length=16, default="complete")  # complete | partial
    completes_on = pw.DateField(null=True)
    # the erasure confirmation: queued | sent | expired (not sent in time) | none (no address);
    # that it was sent, never to whom. Nullable: restores copy rows column by column.
    confirmation = pw.CharField(max_length=16, null=True)


# --- messages to customers and recipients ---------------------------------------------------


class OutboxMessage(BaseModel):
    """A message to a customer or a recipient: queued, sent (email or post), failed, cancelled.

    ``recipient``, ``recipient_name``, ``postal_address``, ``subject`` and ``body`` are personal
    data: erased with the customer, and for a message about an erased person (``forget_by``
    set) as soon as it is sent or at ``forget_by`` at the latest. What stays is the record:
    kind, language, state, times, the causing audit event.
    """

    id = _NeverReusedId()
    # request_received | request_extended | request_answered | export_ready | erasure_done |
    # erasure_partial | disclosure_notice | inquiry_notice | recipient_notice | claim_update
    kind = pw.CharField(max_length=24)
    state = pw.CharField(max_length=12, default="queued")  # queued | sent | failed | cancelled
    language = pw.CharField(max_length=2, default="fi")
    customer_id = pw.IntegerField(null=True, index=True)  # pseudonymous: kept after erasure
    reference = pw.CharField(max_length=32, default="", index=True)  # request reference
    recipient = pw.CharField(max_length=254, default="")  # email address; "" = by post only
    recipient_name = pw.CharField(max_length=200, default="")
    postal_address = pw.TextField(default="")
    subject = pw.CharField(max_length=300, default="")
    body = pw.TextField(default="")
    attempts = pw.IntegerField(default=0)
    next_attempt_at = pw.DateTimeField(null=True)
    sent_at = pw.DateTimeField(null=True)
    sent_by = pw.CharField(max_length=8, default="")  # email | post
    reason = pw.CharField(max_length=300, default="")  # the last failure; no personal data
    audit_event_id = pw.IntegerField(null=True)  # the event that caused the message
    forget_by = pw.DateTimeField(null=True)  # erase the personal data by then at the latest
    forgotten_at = pw.DateTimeField(null=True)
    created_by = pw.CharField(max_length=80, default="")
    created_at = pw.DateTimeField(default=_now)
    version = pw.IntegerField(default=1)

    class Meta:
        indexes = (
            (("state", "next_attempt_at", "id"), False),  # what is due to be sent
            (("forget_by",), False),
        )


ALL_MODELS: list[type[BaseModel]] = [
    Meta,
    User,
    RecoveryCode,
    Customer,
    Address,
    Order,
    OrderLine,
    Parcel,
    TrackingEvent,
    Claim,
    Request,
    Disclosure,
    AuthorityInquiry,
    InquirySubject,
    Task,
    AuditEvent,
    ErasureLedger,
    OutboxMessage,
]

# Tables that hold personal data: erasure must cover every one of them.
PERSONAL_DATA_MODELS = [
    Customer,
    Address,
    Order,
    Parcel,
    TrackingEvent,
    Request,
    Disclosure,
    Task,
    OutboxMessage,
]


def is_sqlite(db: pw.Database | None = None) -> bool:
    db = db or database.obj
    return isinstance(db, pw.SqliteDatabase)


def tuples(query: Any) -> Iterator[tuple[Any, ...]]:
    """A peewee query's rows as plain tuples (peewee's type stubs would call them models)."""
    return iter(query.tuples())
