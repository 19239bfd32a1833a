"""PostgreSQL: the search's estimates of a word's index terms, computed from the planner's
statistics in Python (``search_stats``), are the planner's own, and are read again after an
ANALYZE of ours."""

import random

import pytest

from finconsole.core.store import bulk, search_index, search_query, search_stats
from finconsole.core.store.db import is_sqlite
from finconsole.core.store.search_index import TERM_TABLE

NAMES = ["anna", "anni", "antti", "mikko", "mikael", "laine", "lahtinen", "korhonen", "ääri"]
PREFIXES = ["a", "an", "ann", "mik", "mikk", "la", "lah", "k", "ä", "ää", "z", "7", "ab"]


@pytest.fixture
def pg(db):
    if is_sqlite():
        pytest.skip("PostgreSQL statistics")
    search_stats.forget()
    yield db
    search_stats.forget()


def _add_terms(db, customers: int, seed: int) -> None:
    """Each customer a common name (the statistics' common values) and a rarer term (their
    histogram), then ANALYZE as a bulk load ends."""
    rng = random.Random(seed)
    pairs = []
    for cid in range(1, customers + 1):
        pairs.append((rng.choice(NAMES), cid))
        pairs.append((f"{rng.choice(NAMES)[:3]}{rng.randrange(10**5)}", cid))
    bulk.copy_in(TERM_TABLE, ("term", "customer_id"), pairs)
    db.execute_sql(f"ANALYZE {TERM_TABLE}")


def _words() -> list[str]:
    whole = [f"{n[:3]}{d}" for n in NAMES for d in ("1", "12", "99999")]
    return NAMES + PREFIXES + whole


def test_estimates_are_the_planners(pg):
    _add_terms(pg, 6000, seed=3)
    words = _words()
    ours = search_stats.estimates(words)
    assert ours is not None
    assert ours == search_query.planner_estimates(words)
    assert ours["z"] == ours["7"]  # no term starts so: both at the planner's floor
    assert ours["an"] > ours["ann"] > ours["anna"] > ours["z"]


def test_thin_statistics_ask_the_planner(pg):
    _add_terms(pg, 20, seed=3)  # too few distinct terms for a histogram of 100 bounds
    assert search_stats.estimates(["anna"]) is None
    assert search_query._estimates(["anna"]) == search_query.planner_estimates(["anna"])


def test_statistics_are_kept_until_an_analyze_of_ours(pg, monkeypatch):
    _add_terms(pg, 3000, seed=3)
    reads = []
    read = search_stats.read_stats
    monkeypatch.setattr(search_stats, "read_stats", lambda: reads.append(1) or read())
    before = search_stats.estimates(["anna", "mik"])
    assert search_stats.estimates(["anna", "mik"]) == before and len(reads) == 1
    pg.execute_sql(f"DELETE FROM {TERM_TABLE} WHERE term LIKE 'mik%%'")
    _add_terms(pg, 6000, seed=4)
    search_index.finish_bulk_load()  # an import's end: its ANALYZE, and ours forgotten
    after = search_stats.estimates(["anna", "mik"])
    assert len(reads) == 2 and after != before
    assert after == search_query.planner_estimates(["anna", "mik"])
