"""_m8_phone_review: a register from before it gets the flag and room for a number as typed."""

from finconsole.core.store import migrations
from finconsole.core.store.models import Customer, Meta


def test_an_older_register_gets_the_phone_review_flag(db):
    Customer.create(first_name="Aino", phone="+358401234567")
    db.execute_sql("ALTER TABLE customer DROP COLUMN phone_review")
    if db.__class__.__name__.startswith("Postgres"):
        db.execute_sql("ALTER TABLE customer ALTER COLUMN phone TYPE VARCHAR(20)")
    number, phone_review = migrations.numbered("phone_review")
    index = number - 1
    Meta.update(value=str(index)).where(Meta.key == "schema_version").execute()
    assert migrations.migrate(db) == migrations.CURRENT_VERSION
    phone_review(db)  # twice: no error
    assert "phone_review" in {c.name for c in db.get_columns("customer")}
    kept = Customer.create(first_name="Zoë", phone="x" * 40, phone_review=True)
    assert Customer.get_by_id(kept.id).phone == "x" * 40  # PostgreSQL enforces the width
    assert Customer.get(Customer.first_name == "Aino").phone_review is False
