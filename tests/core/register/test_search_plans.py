"""PostgreSQL picks one of three query plans by estimated cost: each gives the same answer."""

import pytest

from finconsole.core.register import customers
from finconsole.core.store import search_query as search
from finconsole.core.store.db import is_sqlite
from finconsole.core.store.search_tokens import query_tokens

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


def test_a_walk_whose_guard_fails_falls_back_to_the_drive(db, officer, monkeypatch):
    """Every plan costed as a walk, every word counted as too rare for one: the guarded walk
    returns nothing and the drive answers, with the same ids as the default plans."""
    if is_sqlite():
        pytest.skip("PostgreSQL plans")
    for first, last, email, phone in PEOPLE:
        customers.create(
            officer, {"first_name": first, "last_name": last, "email": email, "phone": phone}
        )
    expected = {q: search.matching_ids(q, 50) for q in QUERIES}
    monkeypatch.setattr(search, "PG_COST_WALK", 0.0)
    monkeypatch.setattr(search, "PG_WALK_MIN_TERMS", 10**6)
    for query in QUERIES:
        plan = search.postgres_plan(query_tokens(query), 50, 0)
        assert plan.guarded and search.run_postgres_plan(plan) == [], query
        assert search.matching_ids(query, 50) == expected[query], query
