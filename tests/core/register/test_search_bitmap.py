"""PostgreSQL's bitmap plan (the documents' trigram index): when the words together match
more documents than it reads (``PG_BITMAP_MAX``) the search answers with another plan, and
the answer is the same; the overflow marker never reaches the caller."""

import pytest

from finconsole.core.register import customers, find
from finconsole.core.store import search_query
from finconsole.core.store.db import is_sqlite
from finconsole.core.store.search_tokens import query_tokens


@pytest.fixture
def pg(db, monkeypatch):
    if is_sqlite():
        pytest.skip("PostgreSQL plans")
    monkeypatch.setattr(search_query, "PG_FORCE_PLAN", None)
    return db


def _make(officer) -> None:
    for i in range(6):
        customers.create(
            officer,
            {"first_name": "Pekka", "last_name": f"Aaltonen{'x' * i}", "email": f"p{i}@suomi24.fi"},
        )
    customers.create(officer, {"first_name": "Teppo", "last_name": "Aalto", "email": ""})


def _search(officer, query: str, limit: int = 50, after: int = 0) -> list[int]:
    return [r["id"] for r in find.search(officer, query, limit=limit, after_id=after)]


def test_overflow_answers_with_another_plan(pg, officer, monkeypatch):
    _make(officer)
    expected = {q: _search(officer, q) for q in ("pekka aa", "aalto", "suomi24 fi", "pe aal")}
    monkeypatch.setattr(search_query, "PG_FORCE_PLAN", "bitmap")
    monkeypatch.setattr(search_query, "PG_BITMAP_MAX", 2)  # every query here overflows
    for query, ids in expected.items():
        assert _search(officer, query) == ids, query
    assert expected["pekka aa"] == [1, 2, 3, 4, 5, 6] and expected["aalto"] == list(range(1, 8))
    assert _search(officer, "pekka aa", limit=2, after=2) == [3, 4]


def test_bitmap_plan_marks_an_overflow(pg, officer, monkeypatch):
    _make(officer)
    monkeypatch.setattr(search_query, "PG_BITMAP_MAX", 2)
    plan = search_query.postgres_plan(query_tokens("pekka aa"), 50, 0, force="bitmap")
    assert search_query.run_postgres_plan(plan) == [search_query.PG_BITMAP_OVERFLOW]
    monkeypatch.setattr(search_query, "PG_BITMAP_MAX", 6)
    plan = search_query.postgres_plan(query_tokens("pekka aa"), 50, 0, force="bitmap")
    assert search_query.run_postgres_plan(plan) == [1, 2, 3, 4, 5, 6]


def test_a_word_inside_a_token_is_no_match(pg, officer, monkeypatch):
    """The index is asked for '%ekka%'; each candidate is then checked for a token that
    starts with the word: 'ekka' is inside 'pekka' but starts no token."""
    _make(officer)
    monkeypatch.setattr(search_query, "PG_FORCE_PLAN", "bitmap")
    assert _search(officer, "ekka aa") == []
    assert _search(officer, "pekk altonen") == []
    assert _search(officer, "pekk aaltonenxx") == [3, 4, 5, 6]
