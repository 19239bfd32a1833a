"""What the tests of migrations that add a PostgreSQL search index share: a few people, a
register as it was before the migration, and the upgrade (run twice: it must be idempotent)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import peewee as pw

from finconsole.core.register import customers, find
from finconsole.core.store import migrations, search_query
from finconsole.core.store import search_index as search
from finconsole.core.store.db import is_sqlite
from finconsole.core.store.models import Meta

# people whose tokens a new index must find the same way as before it
PEOPLE = [
    ("Anna", "Virtanen", "anna.virtanen@example.fi", "040 123 4567"),
    ("Sanna", "Virta", "sanna@example.fi", ""),
    ("Hanna", "Avirta", "", ""),  # 'anna' and 'virt' inside her tokens, at no start
    ("Antti", "Korhonen", "", ""),
]


def add_people(officer, people: list[tuple[str, str, str, str]]) -> None:
    for first, last, email, phone in people:
        customers.create(
            officer, {"first_name": first, "last_name": last, "email": email, "phone": phone}
        )


def as_before(db: pw.Database, migration: str, index: str) -> Callable[[pw.Database], None]:
    """The register as before ``migration``: without ``index`` (PostgreSQL), one schema
    version back. Returns the migration's step."""
    number, step = migrations.numbered(migration)
    if not is_sqlite():
        db.execute_sql(f"DROP INDEX {index}")
        assert not search.has_index(db, index)
    Meta.update(value=str(number - 1)).where(Meta.key == "schema_version").execute()
    return step


def upgraded(db: pw.Database, step: Callable[[pw.Database], None], index: str) -> bool:
    """Migrate, then the step again (no error); False on SQLite, which gets no such index."""
    assert migrations.migrate(db) == migrations.CURRENT_VERSION
    step(db)
    if is_sqlite():
        assert not db.execute_sql(
            "SELECT name FROM sqlite_master WHERE name = ?", (index,)
        ).fetchall()
        return False
    assert search.has_index(db, index)
    return True


def found(actor, queries: list[str]) -> dict[str, list[int]]:
    """The customer ids each query finds, as the console's search returns them."""
    return {q: [r["id"] for r in find.search(actor, q)] for q in queries}


@contextmanager
def plan_forced(plan: str) -> Iterator[None]:
    """Every PostgreSQL search in the block takes ``plan``."""
    search_query.PG_FORCE_PLAN = plan
    try:
        yield
    finally:
        search_query.PG_FORCE_PLAN = None


def answers_kept(
    db: pw.Database, actor, migration: str, index: str, plan: str, queries: list[str]
) -> dict[str, list[int]] | None:
    """What ``queries`` find before ``migration``; after it ``plan`` (which reads ``index``)
    must find the same. None on SQLite, which gets no such index."""
    step = as_before(db, migration, index)
    before = found(actor, queries)
    if not upgraded(db, step, index):
        return None
    with plan_forced(plan):
        assert found(actor, queries) == before
    return before
