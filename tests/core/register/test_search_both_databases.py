"""The same text finds the same customers, in the same order, on SQLite and on PostgreSQL.

One demo register (fixed seed) is built on each database; one query set runs on both through
``find.search`` as the console calls it, and the id lists must be equal. PostgreSQL answers
with the term table and one of several plans, SQLite with FTS5: this test is what keeps their
meaning the same.
"""

from __future__ import annotations

import pytest

from finconsole.core.demo import demo
from finconsole.core.kernel.actor import Actor
from finconsole.core.register import find
from finconsole.core.store import db as db_mod
from finconsole.core.store import search_index, search_query
from finconsole.core.store.models import ALL_MODELS, Customer, Order

SIZE = 400
SEED = 7
# PostgreSQL's plans to run the query set with: the cheapest (by estimate), then each forced
PLANS = (None, "walk", "drive", "intersect", "bitmap", "stream")


def _register(url: str, plans: tuple[str | None, ...] = (None,)) -> list[dict[str, list[int]]]:
    """Fill ``url`` with the demo register and run the query set once for each of ``plans``
    (``search_query.PG_FORCE_PLAN``; nothing changes on SQLite)."""
    db_mod.connect(url, migrate=True)
    try:
        demo.generate(Actor.cli(), SIZE, SEED)
        # every 7th customer restricted: support must not find them, on either database
        Customer.update(restricted=True).where(Customer.id.in_(range(7, SIZE + 1, 7))).execute()
        queries = _query_set()
        runs = []
        for plan in plans:
            search_query.PG_FORCE_PLAN = plan
            try:
                runs.append(_answers(queries))
            finally:
                search_query.PG_FORCE_PLAN = None
        return runs
    finally:
        db_mod.close()


def _answers(queries: list[str]) -> dict[str, list[int]]:
    officer = Actor(user_id=1, username="kaj", role="officer", channel="tui")
    support = Actor(user_id=2, username="sanna", role="support", channel="tui")
    out: dict[str, list[int]] = {"#customers": _fingerprint()}
    for q in queries:
        out[q] = [row["id"] for row in find.search(officer, q, limit=500)]
        out["support: " + q] = [row["id"] for row in find.search(support, q, limit=500)]
        page = find.search(officer, q, limit=3)
        after = page[-1]["id"] if page else 0
        second = find.search(officer, q, limit=3, after_id=after)
        out["page 2: " + q] = [row["id"] for row in second]
    return out


def _fingerprint() -> list[int]:
    """The registers themselves must be equal for the comparison to mean anything."""
    rows = Customer.select().order_by(Customer.id)
    return [hash((c.id, c.first_name, c.last_name, c.email, c.phone)) for c in rows]


def _query_set() -> list[str]:
    """Drawn from the register (the same on both: the demo is seeded)."""
    c = Customer.get_by_id(17)
    d = Customer.get_by_id(123)
    order_number = Order.select(Order.order_number).order_by(Order.id).first().order_number
    national = "0" + c.phone[4:] if c.phone else "040"
    domain = (c.email or "x@gmail.com").split("@")[1].split(".")[0]
    return [
        c.last_name[:4],  # one word prefix
        c.last_name,  # one whole word
        f"{c.first_name} {c.last_name[:2]}",  # first name + surname start
        f"{d.first_name} {d.last_name[:3]}",
        f"{c.first_name} {c.last_name[:3]} {domain}",  # three words: two streams and a check
        c.first_name[:3],  # a three-letter stream whose range holds other names too
        f"{d.last_name[:1]} {d.first_name[:1]}",  # two letters, both very common
        "a",  # one letter
        "k",
        c.email or "x@y",  # email
        (d.email or "xy@zz")[:6],  # email fragment
        "gmail",
        national,  # phone, national digits
        f"{national[:3]} {national[3:6]}",  # phone fragment with spaces
        c.phone or "+358",  # E.164
        order_number,  # order number
        order_number.lower().replace("-", ""),
        "zzqxj",  # no match
        "anna zzqxj",
    ]


@pytest.fixture
def both(tmp_path, request):
    """One register on each database (the PostgreSQL one emptied first, as ``db_url`` does)."""
    pg = request.getfixturevalue("pg_url")
    _empty_postgres(pg)
    on_sqlite = _register(f"sqlite:///{tmp_path / 'both.db'}")[0]
    return on_sqlite, _register(pg, PLANS)


def _empty_postgres(url: str) -> None:
    database = db_mod.connect(url, migrate=True)
    tables = [m._meta.table_name for m in ALL_MODELS if m._meta.table_name != "meta"]
    database.execute_sql(
        "TRUNCATE "
        + ", ".join(f'"{t}"' for t in [*tables, *search_index.PG_TABLES])
        + " RESTART IDENTITY CASCADE"
    )
    db_mod.close()


def test_same_customers_same_order_on_both_databases(both):
    on_sqlite, runs = both
    assert any(len(ids) > 50 for ids in on_sqlite.values())  # a common word is in the set
    assert on_sqlite["zzqxj"] == []
    for plan, on_postgres in zip(PLANS, runs, strict=True):
        assert on_sqlite["#customers"] == on_postgres["#customers"]
        for query, ids in on_sqlite.items():
            assert on_postgres[query] == ids, (plan, query)
