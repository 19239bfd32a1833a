"""The run's audit event says which file an import came from: its name and SHA-256."""

import hashlib
from pathlib import Path

from finconsole.core.imports import registry
from finconsole.core.imports.import_result import file_identity
from finconsole.core.store.models import AuditEvent

FIXTURES = Path(__file__).parent.parent.parent / "fixtures"


def test_the_name_is_one_printable_word_and_the_hash_is_of_the_bytes(tmp_path):
    path = tmp_path / "asiakkaat, joulu\t2026.csv"
    path.write_bytes(b"Email\r\nx@example.fi\r\n")
    name, digest = file_identity(path)
    assert name == "file:asiakkaat__joulu_2026.csv"
    assert digest == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_order_import_names_its_file(sqlite_db, officer):
    path = FIXTURES / "shopify_orders.csv"
    registry.import_file(officer, "shopify-orders", path)
    run = AuditEvent.get(AuditEvent.action.startswith("import_shopify_order"))
    assert f"sha256:{hashlib.sha256(path.read_bytes()).hexdigest()}" in run.fields.split(",")
    assert "file:shopify_orders.csv" in run.fields.split(",")
