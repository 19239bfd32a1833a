"""``_m11_search_streams``: an older PostgreSQL register gets the terms' index by first three
letters (the stream plan's) and finds the same customers with it; running it again changes
nothing; SQLite is left as it was."""

from finconsole.core.register import customers, find
from finconsole.core.store import migrations, search_query
from finconsole.core.store import search_index as search
from finconsole.core.store.db import is_sqlite
from finconsole.core.store.models import Meta

QUERIES = ["anna virt", "virt", "ann", "an vi", "040 123", "sanna@example.fi", "vir exa", "zzz qq"]


def _ids(actor) -> dict[str, list[int]]:
    return {q: [r["id"] for r in find.search(actor, q)] for q in QUERIES}


def test_older_register_gets_the_stream_index(db, officer):
    for first, last, email, phone in [
        ("Anna", "Virtanen", "anna.virtanen@example.fi", "040 123 4567"),
        ("Sanna", "Virta", "sanna@example.fi", ""),
        ("Hanna", "Avirta", "", ""),  # 'anna' and 'virt' inside her tokens, at no start
        ("Annikki", "Viro", "", ""),  # 'ann' and 'vir' starting other words than Anna's
        ("Antti", "Korhonen", "", ""),
    ]:
        customers.create(
            officer, {"first_name": first, "last_name": last, "email": email, "phone": phone}
        )
    number, step = migrations.numbered("search_streams")
    if not is_sqlite():
        db.execute_sql(f"DROP INDEX {search.TERM_STREAM_INDEX}")  # a register before it
        assert not search.has_index(db, search.TERM_STREAM_INDEX)
    before = _ids(officer)
    Meta.update(value=str(number - 1)).where(Meta.key == "schema_version").execute()
    assert migrations.migrate(db) == migrations.CURRENT_VERSION
    step(db)  # twice: no error
    if is_sqlite():
        assert not db.execute_sql(
            "SELECT name FROM sqlite_master WHERE name = ?", (search.TERM_STREAM_INDEX,)
        ).fetchall()
        return
    assert search.has_index(db, search.TERM_STREAM_INDEX)
    search_query.PG_FORCE_PLAN = "stream"
    try:
        assert _ids(officer) == before
    finally:
        search_query.PG_FORCE_PLAN = None
    assert before["anna virt"] == [1] and before["ann"] == [1, 4] and before["vir exa"] == [1, 2]
