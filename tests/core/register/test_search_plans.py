"""PostgreSQL picks one of three query plans by estimated cost: each gives the same answer."""

import pytest

from finconsole.core.register import customers
from finconsole.core.store import search_index as search
from finconsole.core.store.db import is_sqlite

PEOPLE = [
    ("Anna", "Virtanen", "anna.virtanen@example.fi", "040 123 4567"),
    ("Anni", "Virta", "anni@example.com", "+358 50 765 4321"),
    ("Antti", "Korhonen", "antti.k@example.fi", ""),
    ("Sanna", "Virtanen", "sanna@example.fi", ""),
]
QUERIES = ["anna virt", "virt", "an vi", "040 123", "a", "korhonen antti", "example an"]


@pytest.mark.parametrize("plan", ["walk", "drive", "intersect"])
def test_every_plan_gives_the_same_answer(db, officer, monkeypatch, plan):
    if is_sqlite():
        pytest.skip("PostgreSQL plans")
    for first, last, email, phone in PEOPLE:
        customers.create(
            officer, {"first_name": first, "last_name": last, "email": email, "phone": phone}
        )
    expected = {q: search.matching_ids(q, 50) for q in QUERIES}  # default thresholds
    monkeypatch.setattr(search, "PG_FORCE_PLAN", plan)
    for query in QUERIES:
        assert search.matching_ids(query, 50) == expected[query], query
    assert search.matching_ids("virt", 1) == expected["virt"][:1]
    assert search.matching_ids("virt", 50, after_id=expected["virt"][0]) == expected["virt"][1:]
    assert expected["anna virt"] and expected["virt"] and len(expected["an vi"]) == 2
