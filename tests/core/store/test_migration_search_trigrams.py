"""``_m9_search_trigrams``: an older PostgreSQL register gets the documents' trigram index
and finds the same customers with it; running it again changes nothing; SQLite is left as
it was."""

from finconsole.core.register import find
from finconsole.core.store import search_index as search
from finconsole.core.store import search_query
from tests.core.store.index_migrations import add_people, as_before, upgraded

QUERIES = ["anna virt", "virt", "a", "an vi", "040 123", "sanna@example.fi", "zzz qq"]


def _ids(actor) -> dict[str, list[int]]:
    return {q: [r["id"] for r in find.search(actor, q)] for q in QUERIES}


def test_older_register_gets_the_trigram_index(db, officer):
    add_people(
        officer,
        [
            ("Anna", "Virtanen", "anna.virtanen@example.fi", "040 123 4567"),
            ("Sanna", "Virta", "sanna@example.fi", ""),
            ("Hanna", "Avirta", "", ""),  # 'anna' and 'virt' inside her tokens, at no start
            ("Antti", "Korhonen", "", ""),
        ],
    )
    step = as_before(db, "search_trigrams", search.DOC_TRIGRAM_INDEX)
    before = _ids(officer)
    if not upgraded(db, step, search.DOC_TRIGRAM_INDEX):
        return
    search_query.PG_FORCE_PLAN = "bitmap"
    try:
        assert _ids(officer) == before
    finally:
        search_query.PG_FORCE_PLAN = None
    assert before["anna virt"] == [1] and before["an vi"] == [1] and before["zzz qq"] == []
