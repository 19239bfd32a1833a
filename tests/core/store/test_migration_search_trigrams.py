"""``_m9_search_trigrams``: an older PostgreSQL register gets the documents' trigram index
and finds the same customers with it; running it again changes nothing; SQLite is left as
it was."""

from finconsole.core.store import search_index as search
from tests.core.store.index_migrations import PEOPLE, add_people, answers_kept

QUERIES = ["anna virt", "virt", "a", "an vi", "040 123", "sanna@example.fi", "zzz qq"]


def test_older_register_gets_the_trigram_index(db, officer):
    add_people(officer, PEOPLE)
    before = answers_kept(
        db, officer, "search_trigrams", search.DOC_TRIGRAM_INDEX, "bitmap", QUERIES
    )
    if before is None:
        return
    assert before["anna virt"] == [1] and before["an vi"] == [1] and before["zzz qq"] == []
