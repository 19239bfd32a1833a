"""PostgreSQL picks one of its query plans by estimated cost: each gives the same answer."""

import contextlib

import pytest

from finconsole.core.register import customers
from finconsole.core.store import search_query as search
from finconsole.core.store.db import is_sqlite
from finconsole.core.store.search_index import DOC_TRIGRAM_INDEX
from finconsole.core.store.search_tokens import query_tokens

PEOPLE = [
    ("Anna", "Virtanen", "anna.virtanen@example.fi", "040 123 4567"),
    ("Anni", "Virta", "anni@example.com", "+358 50 765 4321"),
    ("Antti", "Korhonen", "antti.k@example.fi", ""),
    ("Sanna", "Virtanen", "sanna@example.fi", ""),
]
QUERIES = [
    "anna virt", "virt", "an vi", "040 123", "a", "korhonen antti", "example an", "ann vir exa"
]


@pytest.mark.parametrize("plan", ["walk", "drive", "intersect", "stream"])
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


# The planner's estimates of index terms starting with each word or prefix, in a register of
# a million customers like the demo's (measured on it)
MILLION = {
    "teemu": 22861, "tee": 25482, "ma": 230083,
    "korhone": 47961, "kor": 60000,
    "eero": 23024, "eer": 26246, "kinnune": 20968, "kin": 26464,
    "arttumakinen79icloudcom": 1050, "art": 10217, "t": 229246,
    "w": 22713, "7777": 1050, "77": 31533,
}  # fmt: skip


def _plan_at_a_million(monkeypatch, query: str, trigrams: bool = True) -> search.PgPlan:
    monkeypatch.setattr(search, "_estimates", lambda words: {w: MILLION[w] for w in words})
    monkeypatch.setattr(search, "_pg_customers", lambda: 1e6)
    monkeypatch.setattr(search, "_has", lambda index: trigrams or index != DOC_TRIGRAM_INDEX)
    monkeypatch.setattr(search, "PG_FORCE_PLAN", None)
    return search.postgres_plan(query_tokens(query), 50, 0)


def test_a_common_pair_streams_the_rarer_word(monkeypatch):
    """``teemu ma``: ~1,300 customers of a million have both; the 50 lowest ids are among the
    first ~600 Teemus, read in id order, each checked for 'ma' on the document."""
    plan = _plan_at_a_million(monkeypatch, "teemu ma")
    assert "left(term, 3) = %s" in plan.sql and " s1" not in plan.sql
    assert plan.params[:3] == ["tee", "teemu%", 0] and "% ma%" in plan.params


def test_a_name_prefix_streams_its_own_range(monkeypatch):
    plan = _plan_at_a_million(monkeypatch, "korhone")
    assert plan.params[:2] == ["kor", "korhone%"] and "search_doc" not in plan.sql


def test_a_rare_pair_takes_the_bitmap_else_both_streams(monkeypatch):
    """``eero kinnune``: ~190 customers have both, the 50th near id 260,000. The trigram
    index's bitmap reads just those; without it, both words' ranges are read that far and
    merged (a fifth of the cost of checking every Eero's document for 'kinnune')."""
    assert _plan_at_a_million(monkeypatch, "eero kinnune").sql.startswith("WITH cand")
    plan = _plan_at_a_million(monkeypatch, "eero kinnune", trigrams=False)
    assert " s1 ON s1.customer_id = s0.customer_id" in plan.sql and "search_doc" not in plan.sql


@pytest.mark.parametrize("query", ["W-7777", "W-77"])
def test_words_of_digits_never_take_the_bitmap(monkeypatch, query):
    """An order number's digits as typed (``W-7777``): digits make few trigrams, each in a
    good share of the documents, so the trigram index narrows nothing (84 ms at 1M, where
    the drive from the 356 terms starting '7777' takes 1.6 ms)."""
    assert not _plan_at_a_million(monkeypatch, query).sql.startswith("WITH cand")


def test_a_word_that_may_be_rare_is_not_streamed(monkeypatch):
    """An email's one term is estimated at the planner's floor (~1,000): were it streamed,
    all 17,000 ``art…`` entries would be read for it; the drive reads its one term."""
    plan = _plan_at_a_million(monkeypatch, "arttumakinen79@icloud.com")
    assert "left(term" not in plan.sql and plan.params[0] == "arttumakinen79icloudcom%"


def test_a_plans_settings_end_with_it(db, officer):
    """A search inside a longer transaction (a savepoint) puts the planner settings back at
    once; on its own, its transaction's end does."""
    if is_sqlite():
        pytest.skip("PostgreSQL plans")
    for first, last, email, phone in PEOPLE:
        customers.create(
            officer, {"first_name": first, "last_name": last, "email": email, "phone": phone}
        )

    def settings() -> list[str]:
        names = ("enable_hashjoin", "enable_nestloop", "jit")
        return [db.execute_sql(f"SHOW {name}").fetchone()[0] for name in names]

    before = settings()
    for plan in ("drive", "stream"):
        search.PG_FORCE_PLAN = plan
        try:
            with db.atomic():
                assert search.matching_ids("anna virt", 50)
                assert settings() == before, plan
            assert search.matching_ids("anna virt", 50) and settings() == before, plan
        finally:
            search.PG_FORCE_PLAN = None


def test_a_plans_settings_hold_for_its_query_alone(db):
    """Outside a transaction the settings and the query go as one string (one round trip):
    the settings must still hold for the query, and only for it."""
    if is_sqlite():
        pytest.skip("PostgreSQL plans")
    plan = search.PgPlan(
        "SELECT current_setting('enable_hashjoin')", [], ("enable_hashjoin = off",)
    )
    for nested in (False, True):
        with db.atomic() if nested else contextlib.nullcontext():
            assert search.run_postgres_plan(plan) == ["off"], nested
            assert db.execute_sql("SHOW enable_hashjoin").fetchone()[0] == "on", nested


def test_a_word_estimated_far_above_the_guard_walks_without_counting(monkeypatch):
    """``t``: 229,000 terms estimated, 46x the guard's 5,000: counting them first would only
    cost (1-6 ms), so the walk goes ahead at once."""
    plan = _plan_at_a_million(monkeypatch, "t")
    assert plan.sql.startswith("SELECT d.customer_id FROM search_doc d") and not plan.guarded
