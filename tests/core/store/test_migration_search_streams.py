"""``_m11_search_streams``: an older PostgreSQL register gets the terms' index by first three
letters (the stream plan's) and finds the same customers with it; running it again changes
nothing; SQLite is left as it was."""

from finconsole.core.store import search_index as search
from tests.core.store.index_migrations import PEOPLE, add_people, answers_kept

QUERIES = ["anna virt", "virt", "ann", "an vi", "040 123", "sanna@example.fi", "vir exa", "zzz qq"]


def test_older_register_gets_the_stream_index(db, officer):
    people = [*PEOPLE]
    people.insert(3, ("Annikki", "Viro", "", ""))  # 'ann' and 'vir' starting other words
    add_people(officer, people)
    before = answers_kept(
        db, officer, "search_streams", search.TERM_STREAM_INDEX, "stream", QUERIES
    )
    if before is None:
        return
    assert before["anna virt"] == [1] and before["ann"] == [1, 4] and before["vir exa"] == [1, 2]
