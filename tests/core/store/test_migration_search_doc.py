"""``_m7_search_doc``: an older PostgreSQL register gets the search's document table, filled
from its term table, and finds the same customers afterwards; running it again changes nothing."""

from finconsole.core.register import customers, find
from finconsole.core.store import migrations
from finconsole.core.store import search_index as search
from finconsole.core.store.db import is_sqlite
from finconsole.core.store.models import Meta

QUERIES = ["anna virt", "virt", "a", "040 123", "sanna@example.fi", "zzz"]


def _ids(actor) -> dict[str, list[int]]:
    return {q: [r["id"] for r in find.search(actor, q)] for q in QUERIES}


def test_older_register_gets_its_documents(db, officer):
    for first, last, email, phone in [
        ("Anna", "Virtanen", "anna.virtanen@example.fi", "040 123 4567"),
        ("Sanna", "Virta", "sanna@example.fi", ""),
        ("Antti", "Korhonen", "", ""),
    ]:
        customers.create(
            officer, {"first_name": first, "last_name": last, "email": email, "phone": phone}
        )
    before = _ids(officer)
    number, _ = migrations.numbered("search_doc")
    position = number - 1
    if not is_sqlite():
        documents = db.execute_sql(f"SELECT * FROM {search.DOC_TABLE} ORDER BY 1").fetchall()
        db.execute_sql(f"DROP TABLE {search.DOC_TABLE}")  # as a register before the migration
    Meta.update(value=str(position)).where(Meta.key == "schema_version").execute()
    assert migrations.migrate(db) == migrations.CURRENT_VERSION
    migrations.MIGRATIONS[position](db)  # twice: no error, nothing added
    assert _ids(officer) == before
    assert before["anna virt"] and len(before["virt"]) == 2 and before["zzz"] == []
    if not is_sqlite():
        rebuilt = db.execute_sql(f"SELECT * FROM {search.DOC_TABLE} ORDER BY 1").fetchall()
        assert [(cid, sorted(doc.split())) for cid, doc in rebuilt] == [
            (cid, sorted(doc.split())) for cid, doc in documents
        ]
        assert all(doc.startswith(" ") and doc.endswith(" ") for _, doc in rebuilt)
        target = db.execute_sql(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attname = 'term'",
            (search.TERM_TABLE,),
        ).fetchone()[0]
        assert target == 1000  # the planner's estimates choose the search's plan
