"""``_m9_search_trigrams``: an older PostgreSQL register gets the documents' trigram index
and finds the same customers with it; running it again changes nothing; SQLite is left as
it was."""

from finconsole.core.store import search_index as search
from tests.core.store.index_migrations import (
    PEOPLE,
    add_people,
    as_before,
    found,
    plan_forced,
    upgraded,
)

QUERIES = ["anna virt", "virt", "a", "an vi", "040 123", "sanna@example.fi", "zzz qq"]


def test_older_register_gets_the_trigram_index(db, officer):
    add_people(officer, PEOPLE)
    step = as_before(db, "search_trigrams", search.DOC_TRIGRAM_INDEX)
    before = found(officer, QUERIES)
    if not upgraded(db, step, search.DOC_TRIGRAM_INDEX):
        return
    with plan_forced("bitmap"):
        assert found(officer, QUERIES) == before
    assert before["anna virt"] == [1] and before["an vi"] == [1] and before["zzz qq"] == []
