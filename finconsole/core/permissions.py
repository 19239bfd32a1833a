"""The one permission table. Every service function calls ``require`` first.

Support staff find, view and edit customers, orders and parcels, and record incoming
requests. Everything else is the register officer's. Add each new operation here.
"""

from __future__ import annotations

from finconsole.core.actor import OFFICER, SUPPORT, Actor
from finconsole.core.errors import PermissionDenied

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
    # disclosures, authority inquiries, tasks, register description
    "record_disclosure": OFFICER_ONLY,
    "view_disclosures": OFFICER_ONLY,
    "record_inquiry": OFFICER_ONLY,
    "view_inquiries": OFFICER_ONLY,
    "view_tasks": OFFICER_ONLY,
    "complete_task": OFFICER_ONLY,
    "generate_notice": OFFICER_ONLY,
    # access control (auth): staff accounts and the audit trail
    "manage_users": OFFICER_ONLY,  # create, list, disable, unlock, reset TOTP
    "view_audit": OFFICER_ONLY,  # read and verify the audit trail
}


def allowed(actor: Actor, operation: str) -> bool:
    if operation not in PERMISSIONS:
        raise KeyError(f"unknown operation {operation!r}: add it to PERMISSIONS")
    return actor.role in PERMISSIONS[operation]


def require(actor: Actor, operation: str) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may perform ``operation``."""
    if not allowed(actor, operation):
        raise PermissionDenied(operation, actor.role)
