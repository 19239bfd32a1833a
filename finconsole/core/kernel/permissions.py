"""The one permission table. Every service function calls ``require`` first.

Support staff find, view and edit customers, orders and parcels, and record incoming
requests. Everything else is the register officer's. Add each new operation here.
"""

from __future__ import annotations

from finconsole.core.kernel.actor import OFFICER, SUPPORT, Actor
from finconsole.core.kernel.errors import PermissionDenied

BOTH = frozenset({OFFICER, SUPPORT})
OFFICER_ONLY = frozenset({OFFICER})

PERMISSIONS: dict[str, frozenset[str]] = {
    # register
    "search_customers": BOTH,
    "view_customer": BOTH,
    "create_customer": BOTH,
    "update_customer": BOTH,
    "set_objection": BOTH,
    "view_restricted": OFFICER_ONLY,
    # orders
    "view_order": BOTH,
    "create_order": BOTH,
    "update_order": BOTH,
    "update_order_billing": OFFICER_ONLY,  # invoice and collection status
    # parcels (tracking, lost-parcel follow-up, claims)
    "view_parcel": BOTH,
    "create_parcel": BOTH,
    "follow_parcels": BOTH,  # queues, the lost rule, the overdue list
    "manage_claim": BOTH,
    "import_tracking": OFFICER_ONLY,
    "view_carrier_performance": OFFICER_ONLY,
    "purge_tracking_events": OFFICER_ONLY,
    # erasure, retention, backups (erasure area)
    "preview_erasure": OFFICER_ONLY,
    "erase_customer": OFFICER_ONLY,
    "merge_customers": OFFICER_ONLY,  # two records of one person become one
    "run_retention": OFFICER_ONLY,
    "backup_database": OFFICER_ONLY,
    "restore_database": OFFICER_ONLY,
    "rotate_key": OFFICER_ONLY,  # re-key the register under a new key file
    # data-subject requests, access exports, audiences (requests area)
    "view_requests": BOTH,
    "record_request": BOTH,  # e.g. from a phone call
    "verify_request": BOTH,  # note how the identity was checked
    "link_request": BOTH,  # link a request recorded without a customer
    "execute_request": OFFICER_ONLY,
    "refuse_request": OFFICER_ONLY,
    "extend_request": OFFICER_ONLY,
    "close_request": OFFICER_ONLY,
    "restrict_customer": OFFICER_ONLY,
    "export_customer": OFFICER_ONLY,
    "export_audience": OFFICER_ONLY,
    # disclosures, authority inquiries, tasks, register description
    "record_disclosure": OFFICER_ONLY,
    "view_disclosures": OFFICER_ONLY,
    "record_inquiry": OFFICER_ONLY,
    "view_inquiries": OFFICER_ONLY,
    "view_tasks": OFFICER_ONLY,
    "complete_task": OFFICER_ONLY,
    "generate_notice": OFFICER_ONLY,
    # the outbox: messages to customers and recipients
    "view_outbox": OFFICER_ONLY,
    "send_outbox": OFFICER_ONLY,
    "manage_outbox": OFFICER_ONLY,  # cancel, resend, mark sent by post
    "announce_disclosure": OFFICER_ONLY,
    # access control (auth): staff accounts and the audit trail
    "manage_users": OFFICER_ONLY,  # create, list, disable, unlock, reset TOTP
    "view_audit": OFFICER_ONLY,  # read and verify the audit trail
    # import (shop exports): bulk writes of personal data are the officer's
    "import_shop_data": OFFICER_ONLY,
    # foundation: demo register
    "generate_demo": OFFICER_ONLY,
}


def allowed(actor: Actor, operation: str) -> bool:
    if operation not in PERMISSIONS:
        raise KeyError(f"unknown operation {operation!r}: add it to PERMISSIONS")
    return actor.role in PERMISSIONS[operation]


def require(actor: Actor, operation: str) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may perform ``operation``."""
    if not allowed(actor, operation):
        raise PermissionDenied(operation, actor.role)
