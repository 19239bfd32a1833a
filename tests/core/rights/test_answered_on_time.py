"""An erasure answered on time whose held part waits (waiting_for_hold) is not OVERDUE for the
years of the hold: the deadline counts until the answer was given."""

import datetime as dt

from finconsole.cli import main
from finconsole.core.kernel import clock as clock_mod
from finconsole.core.orders import orders
from finconsole.core.register import customers
from finconsole.core.rights import requests
from finconsole.core.store.models import Request


def _held_erasure(officer) -> dict:
    person = customers.create(officer, {"first_name": "Olli", "last_name": "Laskullinen"})
    orders.create(
        officer,
        person["id"],
        {
            "order_number": "FS-9",
            "invoice_status": "open",
            "billing_name": "Olli Laskullinen",
            "ordered_at": dt.datetime(2026, 2, 1),
        },
    )
    req = requests.record(
        officer,
        {
            "kind": "erasure",
            "channel": "email",
            "customer_id": person["id"],
            "identity_method": "signed email",
            "identity_verified": True,
        },
    )
    return requests.execute(officer, req["id"])


def test_waiting_for_hold_is_not_overdue_years_later(db, officer, clock):
    result = _held_erasure(officer)
    assert result["status"] == "waiting_for_hold"
    assert Request.get_by_id(result["id"]).answered_at == dt.date(2026, 3, 15)
    clock_mod.set_clock(clock_mod.FixedClock(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)))
    (row,) = requests.list_open(officer)
    assert row["status"] == "waiting_for_hold" and row["urgency"] == ""


def test_unanswered_request_still_overdue(db, officer, clock):
    person = customers.create(officer, {"first_name": "Eino", "last_name": "Odottaja"})
    requests.record(officer, {"kind": "access", "channel": "email", "customer_id": person["id"]})
    clock_mod.set_clock(clock_mod.FixedClock(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)))
    (row,) = requests.list_open(officer)
    assert row["urgency"] == "overdue"


def test_cli_requests_no_overdue_mark(db, config_file, officer, clock, capsys):
    _held_erasure(officer)
    clock_mod.set_clock(clock_mod.FixedClock(dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)))
    assert main(["--config", str(config_file), "requests"]) == 0
    out = capsys.readouterr().out
    assert "waiting_for_hold" in out and "OVERDUE" not in out


def test_urgency_answered():
    today = dt.date(2027, 3, 1)
    assert requests.urgency(dt.date(2026, 4, 15), "waiting_for_hold", today) == "overdue"
    answered = dt.date(2026, 3, 15)
    assert requests.urgency(dt.date(2026, 4, 15), "waiting_for_hold", today, answered) == ""
