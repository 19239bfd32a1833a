"""The role matrix: every operation in PERMISSIONS, and every public service function of the
core (reads too), called as each role through the real code.

To add an operation: add one entry to CASES that calls a service function which needs it.
To add a service function (a public function of ``finconsole.core`` whose first parameter is
``actor``): add it to SERVICES with the operation that guards it, or to BUILDING_BLOCKS with why
it is no door of its own. ``test_every_operation_has_a_case`` and
``test_every_service_function_is_in_the_matrix`` fail until you do, so nothing goes untested.
A case runs against a small world (a customer, a restricted customer, an order, a user).
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import io
import itertools
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from finconsole.core.access import audit, auth, users
from finconsole.core.demo import demo
from finconsole.core.erasure import (
    backup,
    erasure,
    erasure_record,
    key_rotation,
    ledger_copy,
    merge,
    retention,
)
from finconsole.core.imports import (
    registry,
    shop_customers,
    shop_orders,
    tracking_import,
    woo_json,
)
from finconsole.core.kernel import clock as clock_mod
from finconsole.core.kernel.actor import OFFICER, ROLES, Actor
from finconsole.core.kernel.errors import (
    AuthenticationFailed,
    Conflict,
    FinconsoleError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from finconsole.core.kernel.permissions import PERMISSIONS
from finconsole.core.orders import orders, phone_orders
from finconsole.core.outbox import outbox
from finconsole.core.parcels import carrier_stats, claims, parcels
from finconsole.core.register import audience, customers, duplicates, find, overview
from finconsole.core.rights import export, requests
from finconsole.core.store.db import is_sqlite
from finconsole.core.store.models import Customer
from finconsole.core.transparency import disclosures, documents, inquiries, tasks, withdrawal

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


def _cancelled(w: World) -> int:
    message_id = _queued_message(w)
    outbox.cancel(w.officer, message_id)
    return message_id


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


def _verify_against_backup(a: Actor, w: World) -> Any:
    import sqlite3

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "witness.db"
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE audit_event (id INTEGER PRIMARY KEY, prev_hash, hash)")
        conn.execute("CREATE TABLE meta (key PRIMARY KEY, value)")
        conn.close()
        return audit.verify_against_backup(a, path)


def _rotate_key(a: Actor, w: World) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        return key_rotation.rotate(a, Path(folder) / "new.key")


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
    "merge_customers": Case(lambda a, w: merge.merge(a, w.customer_id, _new_customer(w))),
    "run_retention": Case(lambda a, w: retention.run(a)),
    "backup_database": Case(_backup),
    "restore_database": Case(_restore),
    "rotate_key": Case(_rotate_key),
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
    hidden = customers.create(
        officer, {"first_name": "Ville", "last_name": "Virtanen", "email": "ville@example.fi"}
    )
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


# --- every public service function, as each role ----------------------------------------------

CORE = Path(__file__).parents[3] / "finconsole" / "core"
STRONG_PASSWORD = "correct horse battery staple 42"


@dataclass(frozen=True)
class Call:
    """One service function under the matrix. ``operation`` names the PERMISSIONS entry whose
    roles may call it (None: every role, e.g. one's own password); ``run`` defaults to that
    operation's CASE. ``check(role, result, world)`` asserts what an allowed role may see of a
    read that filters rather than refuses (disclosures, restricted customers)."""

    operation: str | None
    run: Callable[[Actor, World], Any] | None = None
    denied: type[Exception] = PermissionDenied
    check: Callable[[str, Any, World], None] | None = None


def _user(w: World) -> str:
    name = f"staff{next(_numbers)}"
    users.create(w.officer, name, "support", STRONG_PASSWORD)
    return name


def _claim(w: World) -> int:
    return claims.open_claim(w.officer, _parcel(w))["id"]


def _reference(w: World) -> str:
    return requests.get(w.officer, _new_request(w))["reference"]


def _erased_record(a: Actor, w: World) -> Any:
    customer_id = _new_customer(w)
    erasure.erase(w.officer, customer_id)
    return erasure_record.result_of(a, customer_id)


def _ledger_file(a: Actor, w: World, replay: bool) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.json"
        if not replay:
            return ledger_copy.save(a, path)
        ledger_copy.save(w.officer, path)
        return ledger_copy.replay(a, path)


def _pending_restore(a: Actor, w: World) -> Any:
    try:
        return backup.resume(a)
    except ValidationError as exc:  # allowed, and nothing to resume: not a refusal
        assert "restore" in exc.fields
        return None


def _demo_officer(a: Actor, w: World) -> Any:
    return users.create_demo_officer(a)  # None: the world has users, nothing is made


def _auth_refused(call: Callable[[], Any]) -> None:
    """Own-account calls open to every role: a wrong password is refused as such."""
    with pytest.raises(AuthenticationFailed):
        call()


def _hidden_for_support(ids: Callable[[Any], list[int]]):
    def check(role: str, result: Any, w: World) -> None:
        assert (w.restricted_id in ids(result)) == (role == OFFICER)

    return check


def _disclosures_for_officer(role: str, result: Any, w: World) -> None:
    assert (result["disclosures"] is None) == (role != OFFICER)


def _retention_only_for_officer(role: str, result: Any, w: World) -> None:
    # support's console start does nothing (None) rather than refuse
    assert (result is None) == (role != OFFICER)


def _ids(rows: Any) -> list[int]:
    return [r["id"] for r in rows]


SHOP = Path(__file__).parents[2] / "fixtures"

SERVICES: dict[str, Call] = {
    # access
    "access.audit.verify": Call("view_audit", lambda a, w: audit.verify(a)),
    "access.audit.search": Call("view_audit"),
    "access.audit.verify_against_backup": Call("view_audit", _verify_against_backup),
    "access.auth.reauthenticate": Call(
        None, lambda a, w: _auth_refused(lambda: auth.reauthenticate(a, "wrong", "000000"))
    ),
    "access.auth.change_password": Call(
        None,
        lambda a, w: _auth_refused(
            lambda: auth.change_password(a, "wrong", "000000", STRONG_PASSWORD)
        ),
    ),
    "access.users.create": Call(
        "manage_users",
        lambda a, w: users.create(a, f"new{next(_numbers)}", "support", STRONG_PASSWORD),
    ),
    "access.users.create_demo_officer": Call("manage_users", _demo_officer),
    "access.users.create_enrolling": Call(
        "manage_users",
        lambda a, w: users.create_enrolling(a, f"new{next(_numbers)}", "support"),
    ),
    "access.users.list_users": Call("manage_users"),
    "access.users.disable": Call("manage_users", lambda a, w: users.disable(a, _user(w))),
    "access.users.enable": Call("manage_users", lambda a, w: users.enable(a, _user(w))),
    "access.users.unlock": Call("manage_users", lambda a, w: users.unlock(a, _user(w))),
    "access.users.reset_totp": Call("manage_users", lambda a, w: users.reset_totp(a, _user(w))),
    # demo
    "demo.demo.generate": Call("generate_demo"),
    # erasure, merge, retention, backups
    "erasure.backup.backup": Call("backup_database"),
    "erasure.backup.restore": Call("restore_database"),
    "erasure.backup.resume": Call("restore_database", _pending_restore),
    "erasure.key_rotation.rotate": Call("rotate_key"),
    "erasure.erasure.preview": Call("preview_erasure"),
    "erasure.erasure.erase": Call("erase_customer"),
    "erasure.erasure.complete_due": Call("run_retention", lambda a, w: erasure.complete_due(a)),
    "erasure.erasure.compact": Call("run_retention", lambda a, w: erasure.compact(a)),
    "erasure.erasure_record.result_of": Call("erase_customer", lambda a, w: _erased_record(a, w)),
    "erasure.ledger_copy.save": Call("backup_database", lambda a, w: _ledger_file(a, w, False)),
    "erasure.ledger_copy.replay": Call("restore_database", lambda a, w: _ledger_file(a, w, True)),
    "erasure.ledger_copy.replay_read": Call(
        "restore_database",
        lambda a, w: ledger_copy.replay_read(a, backup.database_id(), []),
    ),
    "erasure.merge.preview": Call(
        "merge_customers", lambda a, w: merge.preview(a, w.customer_id, _new_customer(w))
    ),
    "erasure.merge.merge": Call("merge_customers"),
    "erasure.retention.run": Call("run_retention"),
    "erasure.retention.run_due": Call(
        None,
        lambda a, w: retention.run_due(a),
        check=_retention_only_for_officer,
    ),
    # imports
    "imports.shop_customers.import_shopify_customers": Call(
        "import_shop_data",
        lambda a, w: shop_customers.import_shopify_customers(a, SHOP / "shopify_customers.csv"),
    ),
    "imports.shop_customers.import_woocommerce_customers": Call(
        "import_shop_data",
        lambda a, w: shop_customers.import_woocommerce_customers(
            a, SHOP / "woocommerce_customers.csv"
        ),
    ),
    "imports.shop_orders.import_shopify_orders": Call(
        "import_shop_data",
        lambda a, w: shop_orders.import_shopify_orders(a, SHOP / "shopify_orders.csv"),
    ),
    "imports.shop_orders.import_woocommerce_orders": Call(
        "import_shop_data",
        lambda a, w: shop_orders.import_woocommerce_orders(a, SHOP / "woocommerce_orders.csv"),
    ),
    "imports.registry.import_file": Call("import_shop_data"),
    "imports.woo_json.import_woocommerce_json": Call(
        "import_shop_data",
        lambda a, w: woo_json.import_woocommerce_json(
            a,
            SHOP / "realdata" / "derived" / "woocommerce" / "wc_rest_v3_orders_first_response.json",
        ),
    ),
    # outbox
    "outbox.outbox.list_messages": Call("view_outbox"),
    "outbox.outbox.get": Call("view_outbox", lambda a, w: outbox.get(a, _queued_message(w))),
    "outbox.outbox.letter_text": Call(
        "view_outbox", lambda a, w: outbox.letter_text(a, _queued_message(w))
    ),
    "outbox.outbox.cancel": Call("manage_outbox"),
    "outbox.outbox.resend": Call("manage_outbox", lambda a, w: outbox.resend(a, _cancelled(w))),
    "outbox.outbox.mark_sent_by_post": Call(
        "manage_outbox", lambda a, w: outbox.mark_sent_by_post(a, _queued_message(w))
    ),
    "outbox.outbox.send_due": Call("send_outbox"),
    "imports.shop_orders.import_orders": Call(
        "import_shop_data",
        lambda a, w: shop_orders.import_orders(a, SHOP / "shopify_orders.csv", None, "shopify"),
    ),
    "imports.tracking_import.import_file": Call("import_tracking"),
    # orders
    "orders.orders.get": Call("view_order"),
    "orders.orders.for_customer": Call(
        "view_order", lambda a, w: orders.for_customer(a, w.customer_id)
    ),
    "orders.orders.find_by_number": Call(
        "view_order", lambda a, w: orders.find_by_number(a, "W-1")
    ),
    "orders.orders.create": Call("create_order"),
    "orders.phone_orders.create": Call(
        "create_order",
        lambda a, w: phone_orders.create(
            a,
            w.customer_id,
            [{"product": "Plush", "quantity": "1", "unit_price": "9"}],
            payment="invoice",
        ),
    ),
    "orders.phone_orders.preview_number": Call(
        "create_order", lambda a, w: phone_orders.preview_number(a)
    ),
    "orders.phone_orders.view": Call("view_order", lambda a, w: phone_orders.view(a, w.order_id)),
    "orders.orders.update_status": Call("update_order"),
    # parcels
    "parcels.carrier_stats.performance": Call("view_carrier_performance"),
    "parcels.claims.open_claim": Call("manage_claim"),
    "parcels.claims.record_customer_informed": Call(
        "manage_claim", lambda a, w: claims.record_customer_informed(a, _claim(w))
    ),
    "parcels.claims.close_claim": Call(
        "manage_claim", lambda a, w: claims.close_claim(a, _claim(w), "found")
    ),
    "parcels.claims.open_claims_page": Call(
        "follow_parcels", lambda a, w: claims.open_claims_page(a, None, 10)
    ),
    "parcels.claims.nearing_deadline": Call(
        "follow_parcels", lambda a, w: claims.nearing_deadline(a, clock_mod.today())
    ),
    "parcels.parcels.get": Call("view_parcel"),
    "parcels.parcels.for_order": Call("view_parcel", lambda a, w: parcels.for_order(a, w.order_id)),
    "parcels.parcels.find_by_code": Call(
        "view_parcel", lambda a, w: parcels.find_by_code(a, "JJFI000000001")
    ),
    "parcels.parcels.create": Call("create_parcel"),
    "parcels.parcels.flag_suspected": Call(
        "follow_parcels", lambda a, w: parcels.flag_suspected(a)
    ),
    "parcels.parcels.queue": Call("follow_parcels"),
    "parcels.parcels.counts": Call("follow_parcels", lambda a, w: parcels.counts(a)),
    "parcels.parcels.purge_tracking_events": Call("purge_tracking_events"),
    "parcels.parcels.overdue": Call("follow_parcels", lambda a, w: parcels.overdue(a)),
    # register
    "register.audience.write_csv": Call("export_audience"),
    "register.customers.get": Call("view_customer"),
    "register.customers.recent": Call(
        "search_customers",
        lambda a, w: customers.recent(a),
        check=_hidden_for_support(_ids),
    ),
    "register.customers.create": Call("create_customer"),
    "register.customers.update": Call("update_customer"),
    "register.customers.set_language": Call(
        "update_customer", lambda a, w: customers.set_language(a, w.customer_id, "sv")
    ),
    "register.customers.id_by_email": Call(
        "view_customer", lambda a, w: customers.id_by_email(a, "nobody@example.fi")
    ),
    "register.customers.add_address": Call(
        "update_customer",
        lambda a, w: customers.add_address(a, w.customer_id, {"street": f"Katu {next(_numbers)}"}),
    ),
    "register.customers.update_address": Call(
        "update_customer",
        lambda a, w: customers.update_address(a, *_address(w), {"city": f"Espoo{next(_numbers)}"}),
    ),
    "register.customers.set_objection": Call("set_objection"),
    "register.duplicates.matches": Call(
        "search_customers",
        lambda a, w: duplicates.matches(a, {"email": "ville@example.fi"}),
        check=_hidden_for_support(_ids),
    ),
    "register.find.search": Call(
        "search_customers",
        lambda a, w: find.search(a, "virtanen"),
        check=_hidden_for_support(_ids),
    ),
    "register.overview.customer_overview": Call(
        "view_customer",
        lambda a, w: overview.customer_overview(a, w.customer_id),
        check=_disclosures_for_officer,
    ),
    "register.overview.locate": Call("search_customers", lambda a, w: overview.locate(a, "W-1")),
    "register.overview.locate_id": Call(
        "search_customers",
        lambda a, w: overview.locate_id(a, f"#{w.restricted_id}"),
        check=_hidden_for_support(lambda found: [found[0]] if found[0] else []),
    ),
    "register.overview.register_page": Call(
        "search_customers",
        lambda a, w: overview.register_page(a, "virtanen"),
        check=_hidden_for_support(lambda page: _ids(page[0])),
    ),
    # rights
    "rights.export.export_customer": Call("export_customer"),
    "rights.export.write_export": Call(
        "export_customer", lambda a, w: _write_export(a, w.customer_id)
    ),
    "rights.requests.get": Call("view_requests", lambda a, w: requests.get(a, _new_request(w))),
    "rights.requests.list_open": Call("view_requests"),
    "rights.requests.record": Call("record_request"),
    "rights.requests.verify": Call("verify_request"),
    "rights.requests.link_customer": Call("link_request"),
    "rights.requests.extend": Call("extend_request"),
    "rights.requests.refuse": Call("refuse_request"),
    "rights.requests.close": Call("close_request"),
    "rights.requests.complete": Call(
        "execute_request", lambda a, w: requests.complete(a, _reference(w), "answered")
    ),
    "rights.requests.execute": Call("execute_request"),
    "rights.requests.set_restricted": Call("restrict_customer"),
    # transparency
    "transparency.disclosures.check": Call(
        "record_disclosure", lambda a, w: disclosures.check(a, _disclosure(w))
    ),
    "transparency.disclosures.record": Call("record_disclosure"),
    "transparency.disclosures.announce": Call("announce_disclosure"),
    "transparency.disclosures.list_disclosures": Call("view_disclosures"),
    "transparency.disclosures.get": Call(
        "view_disclosures",
        lambda a, w: disclosures.get(a, disclosures.record(w.officer, _disclosure(w))["id"]),
    ),
    "transparency.inquiries.record": Call("record_inquiry"),
    "transparency.inquiries.list_inquiries": Call("view_inquiries"),
    "transparency.inquiries.get": Call(
        "view_inquiries",
        lambda a, w: inquiries.get(a, inquiries.record(w.officer, _inquiry(w))["id"]),
    ),
    "transparency.withdrawal.withdraw_inquiry": Call(
        "record_inquiry",
        lambda a, w: withdrawal.withdraw_inquiry(
            a, inquiries.record(w.officer, _inquiry(w))["id"], "recorded twice"
        ),
    ),
    "transparency.withdrawal.withdraw_disclosure": Call(
        "record_disclosure",
        lambda a, w: withdrawal.withdraw_disclosure(
            a, disclosures.record(w.officer, _disclosure(w))["id"], "wrong customer"
        ),
    ),
    "transparency.documents.generate": Call("generate_notice"),
    "transparency.tasks.open_tasks": Call("view_tasks"),
    "transparency.tasks.recent_done": Call("view_tasks", lambda a, w: tasks.recent_done(a)),
    "transparency.tasks.mark_done": Call("complete_task"),
}

# Public functions that take an actor but are no door of their own: each runs only inside a
# service above, after that service's permission check.
BUILDING_BLOCKS: dict[str, str] = {
    "imports.shop_import.audit_run": "the one event of an import's run",
    "outbox.outbox.queue": "writes the message a service's notice asks for",
    "outbox.outbox.send_one": "one message of send_due's run",
    "outbox.outbox.send_for_erased": "the erasure's own confirmation, sent by erase",
    "outbox.notices.request_received": "the message of the request service that calls it",
    "outbox.notices.request_extended": "the message of the request service that calls it",
    "outbox.notices.request_answered": "the message of the request service that calls it",
    "outbox.notices.erasure_confirmation": "the message of the erasure that calls it",
    "outbox.notices.disclosure_notice": "the message of the disclosure service that calls it",
    "outbox.notices.inquiry_notice": "the message of the inquiry service that calls it",
    "outbox.notices.recipient_notice": "the Art 19 message of the service that calls it",
    "outbox.notices.claim_update": "the message of the claim service that calls it",
    "access.audit.record": "appends the event of the service that called it",
    "imports.shop_import.write_customer_chunk": "one chunk of import_file's run",
    "imports.shop_import.create_customers": "inserts for write_customer_chunk",
    "imports.shop_import.update_customers": "updates for write_customer_chunk",
    "imports.shop_fresh.load": "a first import's load, for import_file's run",
    "imports.shop_orders.write_order_chunk": "one chunk of import_orders' run",
    "imports.shop_writer.audit_many": "the audit events of an import chunk",
    "kernel.permissions.allowed": "the check itself",
    "kernel.permissions.require": "the check itself",
    "parcels.claims.open_claims_query": "the query open_claims_page and nearing_deadline page",
    "parcels.rows.visible_parcel": "the visibility rule of the parcel services",
    "register.customers.recent_ids": "the ids recent and register_page describe",
}


def _address(w: World) -> tuple[int, int]:
    address = customers.add_address(w.officer, w.customer_id, {"street": "Katu 1"})
    return address["id"], address["version"]


def _write_export(a: Actor, customer_id: int) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        return export.write_export(a, customer_id, Path(folder) / "export.json")


def service_functions() -> set[str]:
    """Every public function defined in finconsole.core whose first parameter is ``actor``."""
    found = set()
    for path in sorted(CORE.rglob("*.py")):
        dotted = ".".join(path.relative_to(CORE).with_suffix("").parts)
        module = importlib.import_module(f"finconsole.core.{dotted}")
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function):
                continue
            if function.__module__ != module.__name__:
                continue  # imported from elsewhere: counted where it is defined
            params = list(inspect.signature(function).parameters)
            if params[:1] == ["actor"]:
                found.add(f"{dotted}.{name}")
    return found


def test_every_service_function_is_in_the_matrix():
    found = service_functions()
    missing = sorted(found - set(SERVICES) - set(BUILDING_BLOCKS))
    assert not missing, f"add to SERVICES (or BUILDING_BLOCKS) in {__file__}: {missing}"
    stale = sorted((set(SERVICES) | set(BUILDING_BLOCKS)) - found)
    assert not stale, f"no such service function any more: {stale}"
    unknown = {c.operation for c in SERVICES.values()} - set(PERMISSIONS) - {None}
    assert not unknown, f"SERVICES names operations PERMISSIONS lacks: {unknown}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(SERVICES))
def test_service_function_under_role(name, role, world):
    call = SERVICES[name]
    run = call.run or CASES[call.operation].run
    denied = call.denied if call.run else CASES[call.operation].denied
    actor = Actor(user_id=None, username=f"test-{role}", role=role, channel="tui")
    if call.operation is None or role in PERMISSIONS[call.operation]:
        result = run(actor, world)  # must not raise
        if call.check:
            call.check(role, result, world)
    else:
        with pytest.raises(denied):
            run(actor, world)
