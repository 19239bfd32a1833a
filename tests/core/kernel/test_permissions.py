"""Every operation in PERMISSIONS, under every role, through the real service functions.

To add an operation: add one entry to CASES that calls a service function which needs it.
``test_every_operation_has_a_case`` fails until you do, so no operation goes untested.
A case runs against a small world (a customer, a restricted customer, an order, a user).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from finconsole.core.access import audit, users
from finconsole.core.demo import demo
from finconsole.core.erasure import backup, erasure, retention
from finconsole.core.imports import registry, tracking_import
from finconsole.core.kernel import clock as clock_mod
from finconsole.core.kernel.actor import ROLES, Actor
from finconsole.core.kernel.errors import Conflict, FinconsoleError, NotFound, PermissionDenied
from finconsole.core.kernel.permissions import PERMISSIONS
from finconsole.core.orders import orders
from finconsole.core.outbox import outbox
from finconsole.core.parcels import carrier_stats, claims, parcels
from finconsole.core.register import audience, customers, find
from finconsole.core.rights import export, requests
from finconsole.core.store.db import is_sqlite
from finconsole.core.store.models import Customer
from finconsole.core.transparency import disclosures, documents, inquiries, tasks

_numbers = itertools.count(1)
_SHOP_EXPORT = Path(__file__).parents[2] / "fixtures" / "shopify_customers.csv"


@dataclass
class World:
    officer: Actor
    customer_id: int
    restricted_id: int
    order_id: int


@dataclass(frozen=True)
class Case:
    run: Callable[[Actor, World], Any]
    # What a role without the permission gets: PermissionDenied, or NotFound where the rule
    # hides the record rather than refusing the call (restricted customers).
    denied: type[Exception] = PermissionDenied


def _version(customer_id: int) -> int:
    return Customer.get_by_id(customer_id).version


def _order_version(order_id: int) -> int:
    return orders.get(Actor.system(), order_id)["version"]


def _disclosure(w: World) -> dict[str, Any]:
    today = clock_mod.today()
    return {
        "customer_id": w.customer_id,
        "recipient_name": "Perintä Oy",
        "recipient_kind": "debt_collection",
        "data_fields": "first_name, last_name",
        "customer_told_at": today - dt.timedelta(days=14),
        "disclosed_at": today,
    }


def _inquiry(w: World) -> dict[str, Any]:
    return {
        "authority": "Helsingin poliisilaitos",
        "received_at": clock_mod.today().isoformat(),
        "scope": "one",
        "customer_ids": [w.customer_id],
    }


def _new_request(w: World, *, linked: bool = True, verified: bool = False) -> int:
    data = {
        "kind": "objection",
        "objection_purpose": "marketing",
        "channel": "phone",
        "customer_id": w.customer_id if linked else None,
        "subject_description": "" if linked else "caller",
        "identity_method": "id card" if verified else "",
        "identity_verified": verified,
    }
    return requests.record(w.officer, data)["id"]


def _demo(actor: Actor) -> None:
    """The world has customers, so an allowed actor gets past the permission to the Conflict."""
    try:
        demo.generate(actor, 1)
    except Conflict:
        pass


def _announcement(w: World) -> dict[str, Any]:
    Customer.update(email="world@example.fi").where(Customer.id == w.customer_id).execute()
    return {
        "customer_id": w.customer_id,
        "recipient_name": "Perintä Oy",
        "recipient_kind": "debt_collection",
        "data_fields": "email",
        "planned_on": clock_mod.today() + dt.timedelta(days=30),
    }


def _queued_message(w: World) -> int:
    return disclosures.announce(w.officer, _announcement(w))["message_id"]


def _new_task(w: World) -> int:
    return inquiries.record(w.officer, _inquiry(w))["task_ids"][0]


def _parcel(w: World) -> int:
    from finconsole.core.parcels.carriers import s10_check_digit

    digits = f"{next(_numbers):08d}"
    code = f"RR{digits}{s10_check_digit(digits)}FI"
    return parcels.create(w.officer, w.order_id, code)["id"]


def _import_empty_tracking_file(actor: Actor) -> Any:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.csv"
        path.write_text("tracking_code,time,status\n")
        return tracking_import.import_file(actor, path)


def _sqlite_only(call: Callable[[], Any]) -> Any:
    """Backups are SQLite's: on PostgreSQL an allowed actor gets pg_dump guidance instead."""
    try:
        return call()
    except FinconsoleError as exc:
        if isinstance(exc, PermissionDenied) or is_sqlite():
            raise
        return None


def _backup(a: Actor, w: World) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        return _sqlite_only(lambda: backup.backup(a, Path(folder) / "backup.db"))


def _restore(a: Actor, w: World) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "backup.db"
        _sqlite_only(lambda: backup.backup(w.officer, path))
        return _sqlite_only(lambda: backup.restore(a, path))


def _new_customer(w: World) -> int:
    return customers.create(w.officer, {"last_name": f"Erased{next(_numbers)}"})["id"]


CASES: dict[str, Case] = {
    # register
    "search_customers": Case(lambda a, w: find.search(a, "virtanen")),
    "view_customer": Case(lambda a, w: customers.get(a, w.customer_id)),
    "create_customer": Case(lambda a, w: customers.create(a, {"last_name": "Korhonen"})),
    "update_customer": Case(
        lambda a, w: customers.update(
            a, w.customer_id, _version(w.customer_id), {"note": f"n{next(_numbers)}"}
        )
    ),
    "set_objection": Case(
        lambda a, w: customers.set_objection(a, w.customer_id, "marketing", True)
    ),
    "view_restricted": Case(lambda a, w: customers.get(a, w.restricted_id), denied=NotFound),
    # orders
    "view_order": Case(lambda a, w: orders.get(a, w.order_id)),
    "create_order": Case(
        lambda a, w: orders.create(a, w.customer_id, {"order_number": f"P-{next(_numbers)}"})
    ),
    "update_order": Case(
        lambda a, w: orders.update_status(
            a, w.order_id, _order_version(w.order_id), {"fulfilment_status": "fulfilled"}
        )
    ),
    "update_order_billing": Case(
        lambda a, w: orders.update_status(
            a, w.order_id, _order_version(w.order_id), {"invoice_status": "open"}
        )
    ),
    # disclosures, authority inquiries, tasks, register description
    "record_disclosure": Case(lambda a, w: disclosures.record(a, _disclosure(w))),
    "view_disclosures": Case(lambda a, w: disclosures.list_disclosures(a)),
    "record_inquiry": Case(lambda a, w: inquiries.record(a, _inquiry(w))),
    "view_inquiries": Case(lambda a, w: inquiries.list_inquiries(a)),
    "view_tasks": Case(lambda a, w: tasks.open_tasks(a)),
    "complete_task": Case(lambda a, w: tasks.mark_done(a, _new_task(w))),
    "generate_notice": Case(lambda a, w: documents.generate(a)),
    "announce_disclosure": Case(lambda a, w: disclosures.announce(a, _announcement(w))),
    # the outbox
    "view_outbox": Case(lambda a, w: outbox.list_messages(a)),
    "send_outbox": Case(lambda a, w: outbox.send_due(a)),
    "manage_outbox": Case(lambda a, w: outbox.cancel(a, _queued_message(w))),
    # parcels
    "view_parcel": Case(lambda a, w: parcels.get(a, _parcel(w))),
    "create_parcel": Case(lambda a, w: _parcel(World(a, w.customer_id, 0, w.order_id))),
    "follow_parcels": Case(lambda a, w: parcels.queue(a, "in_transit")),
    "manage_claim": Case(lambda a, w: claims.open_claim(a, _parcel(w))),
    "import_tracking": Case(lambda a, w: _import_empty_tracking_file(a)),
    "view_carrier_performance": Case(
        lambda a, w: carrier_stats.performance(a, dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    ),
    "purge_tracking_events": Case(lambda a, w: parcels.purge_tracking_events(a)),
    # erasure, retention, backups
    "preview_erasure": Case(lambda a, w: erasure.preview(a, w.customer_id)),
    "erase_customer": Case(lambda a, w: erasure.erase(a, _new_customer(w))),
    "run_retention": Case(lambda a, w: retention.run(a)),
    "backup_database": Case(_backup),
    "restore_database": Case(_restore),
    # data-subject requests, access exports, audiences
    "view_requests": Case(lambda a, w: requests.list_open(a)),
    "record_request": Case(
        lambda a, w: requests.record(
            a, {"kind": "access", "channel": "phone", "customer_id": w.customer_id}
        )
    ),
    "verify_request": Case(lambda a, w: requests.verify(a, _new_request(w), "id card", True)),
    "link_request": Case(
        lambda a, w: requests.link_customer(a, _new_request(w, linked=False), w.customer_id)
    ),
    "execute_request": Case(lambda a, w: requests.execute(a, _new_request(w, verified=True))),
    "refuse_request": Case(lambda a, w: requests.refuse(a, _new_request(w), "duplicate")),
    "extend_request": Case(
        lambda a, w: requests.extend(a, _new_request(w), 1, "complex", clock_mod.today())
    ),
    "close_request": Case(lambda a, w: requests.close(a, _new_request(w), "answered")),
    "restrict_customer": Case(lambda a, w: requests.set_restricted(a, w.customer_id, True)),
    "export_customer": Case(lambda a, w: export.export_customer(a, w.customer_id)),
    "export_audience": Case(lambda a, w: audience.write_csv(a, "marketing", io.StringIO())),
    # access control
    "manage_users": Case(lambda a, w: users.list_users(a)),
    "view_audit": Case(lambda a, w: audit.search(a)),
    # foundation
    "generate_demo": Case(lambda a, w: _demo(a)),
    # import (shop exports)
    "import_shop_data": Case(
        lambda a, w: registry.import_file(a, "shopify-customers", _SHOP_EXPORT)
    ),
}


@pytest.fixture
def world(db, officer, clock) -> World:
    customer = customers.create(officer, {"first_name": "Anna", "last_name": "Virtanen"})
    hidden = customers.create(officer, {"first_name": "Ville", "last_name": "Virtanen"})
    Customer.update(restricted=True).where(Customer.id == hidden["id"]).execute()
    order = orders.create(officer, customer["id"], {"order_number": "W-1"})
    return World(officer, customer["id"], hidden["id"], order["id"])


def test_every_operation_has_a_case():
    missing = sorted(set(PERMISSIONS) - set(CASES))
    assert not missing, f"add a case to tests/core/kernel/test_permissions.py CASES for: {missing}"
    assert not set(CASES) - set(PERMISSIONS), "CASES names an operation PERMISSIONS lacks"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(PERMISSIONS))
def test_operation_under_role(operation, role, world):
    if operation not in CASES:
        pytest.fail(f"no case for {operation!r}: add one to CASES")
    case = CASES[operation]
    actor = Actor(user_id=None, username=f"test-{role}", role=role, channel="tui")
    if role in PERMISSIONS[operation]:
        case.run(actor, world)  # must not raise
    else:
        with pytest.raises(case.denied):
            case.run(actor, world)
