"""Every template in every language names the controller and contact and the legal basis, and
leaves no placeholder unfilled; the customer's language: fi/sv/en, default from config, from the
shop export, settable; migration 3 on an older register."""

from __future__ import annotations

import pytest

from finconsole.core import bootstrap
from finconsole.core.imports.shop_customer_rows import shop_language
from finconsole.core.kernel.errors import ConfigError, ValidationError
from finconsole.core.outbox import templates
from finconsole.core.outbox.template_texts import KINDS, LANGUAGES
from finconsole.core.register import customers
from finconsole.core.store import migrations
from finconsole.core.store.models import AuditEvent, Customer, Meta

VALUES = {
    "name": "Aino",
    "reference": "R-2026-0001",
    "received": None,
    "due": None,
    "request_kind": "x",
    "today": None,
    "reason": "r",
    "answer": "a",
    "article": "Art",
    "holds": "- h",
    "completes": "c",
    "recipients": "",
    "ref_suffix": "",
    "planned": None,
    "recipient": "Perintä Oy",
    "purpose": "p",
    "fields": "f",
    "authority": "Poliisi",
    "inquiry_ref": "",
    "court_order": "",
    "disclosed": None,
    "person": "Aino",
    "change": "c",
    "action": "a",
    "tracking": "JJFI1",
    "order": "A-1",
    "carrier": "Posti",
    "claim_state": "s",
    "claim_text": "t",
}
BASIS = {"fi": "Oikeusperuste:", "sv": "Rättslig grund:", "en": "Legal basis:"}
RIGHTS = {"fi": "Oikeutesi:", "sv": "Dina rättigheter:", "en": "Your rights:"}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_names_controller_contact_basis_and_rights(kind, language):
    subject, body = templates.render(kind, language, VALUES)
    assert "{" not in subject + body and "}" not in subject + body
    assert "Finanime Sekai" in body and "2787109-2" in body
    assert "Kaj Söderholm" in body and "kaj.soderholm@finanime.fi" in body
    assert BASIS[language] in body
    assert (RIGHTS[language] in body) == (kind != "recipient_notice")  # not to a company


def test_unknown_language_falls_back_to_the_configured_default(runtime_config):
    runtime_config.data["customers"]["default_language"] = "sv"
    assert templates.language_or_default("de") == "sv"
    assert templates.language_or_default("en") == "en"


def test_default_language_is_checked():
    with pytest.raises(ConfigError, match="customers.default_language"):
        bootstrap.validate_config({"customers": {"default_language": "de"}}, "c.toml")


def test_language_default_and_setter(db, officer, clock, runtime_config):
    runtime_config.data["customers"]["default_language"] = "sv"
    cid = customers.create(officer, {"first_name": "Aino", "last_name": "Mäki"})["id"]
    assert Customer.get_by_id(cid).language == "sv"
    customers.set_language(officer, cid, "en")
    assert Customer.get_by_id(cid).language == "en"
    assert AuditEvent.select().where(AuditEvent.fields == "language").count() == 1
    customers.set_language(officer, cid, "en")  # unchanged: no event
    assert AuditEvent.select().where(AuditEvent.fields == "language").count() == 1
    with pytest.raises(ValidationError):
        customers.set_language(officer, cid, "de")


@pytest.mark.parametrize(
    "cell, language",
    [("fi", "fi"), ("sv-FI", "sv"), ("en_US", "en"), ("EN", "en"), ("de", ""), ("", "")],
)
def test_shop_export_language(cell, language):
    assert shop_language(cell) == language


def test_migration_3_on_an_older_register(sqlite_db):
    """A version 2 register (no outbox, no recipient email, no confirmation column) gets them;
    running the migration again changes nothing."""
    db = sqlite_db
    db.execute_sql('DROP TABLE "outbox_message"')
    db.execute_sql('ALTER TABLE "disclosure" DROP COLUMN "recipient_email"')
    db.execute_sql('ALTER TABLE "erasure_ledger" DROP COLUMN "confirmation"')
    Meta.update(value="2").where(Meta.key == "schema_version").execute()
    assert migrations.migrate(db) == migrations.CURRENT_VERSION
    assert db.table_exists("outbox_message")
    assert "recipient_email" in {c.name for c in db.get_columns("disclosure")}
    assert "confirmation" in {c.name for c in db.get_columns("erasure_ledger")}
    migrations.MIGRATIONS[2](db)  # idempotent
