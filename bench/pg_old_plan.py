"""The PostgreSQL search plan before #19 (term table only), kept so ``bench search --pg`` can
time it against the current one in the same run. Same answers; only the plan differs."""

from __future__ import annotations

from finconsole.core.store.models import database
from finconsole.core.store.search_index import TERM_TABLE
from finconsole.core.store.search_tokens import query_tokens


def matching_ids(query: str, limit: int = 50, after_id: int = 0) -> list[int]:
    """``search_query.matching_ids`` as it was (restricted customers included)."""
    words = query_tokens(query)
    return _postgres_ids(words, limit, after_id, "") if words else []


# Term counts (capped) pick the plan: below PG_RARE the word drives; when every word
# reaches PG_COMMON, walking the customers in id order fills a page soonest.
PG_RARE = 300
PG_COMMON = 20_000
_PG_HAS_TERM = (
    f" AND EXISTS (SELECT 1 FROM {TERM_TABLE} t WHERE t.customer_id = c.id AND t.term LIKE %s)"
)
_PG_WORD_IDS = f"SELECT customer_id FROM {TERM_TABLE} WHERE term LIKE %s"


def _postgres_ids(words: list[str], limit: int, after_id: int, restricted: str) -> list[int]:
    """Three plans, chosen by how many index terms each word matches.

    A rare word (a surname, a phone number, an order number): take its few customers from
    the term index and check the other words per customer. Only very common words (``s k``):
    walk the customers in id order, checking each word, until a page is full. In between
    (``antti vi``): intersect the words' customer sets with hashes, which reads each word's
    index range once instead of probing per customer.
    """
    counts = {w: _count_upto(w, PG_COMMON) for w in words}
    rarest = min(words, key=lambda w: counts[w])
    if counts[rarest] < PG_RARE:
        others = [w for w in words if w != rarest]
        sql = (
            f"WITH hits AS MATERIALIZED (SELECT DISTINCT customer_id FROM {TERM_TABLE} "
            "WHERE term LIKE %s AND customer_id > %s) "
            "SELECT c.id FROM hits h JOIN customer c ON c.id = h.customer_id WHERE TRUE"
            + restricted
            + _PG_HAS_TERM * len(others)
            + " ORDER BY c.id LIMIT %s"
        )
        params = [rarest + "%", after_id] + [w + "%" for w in others] + [limit]
        return _without_hash_joins(sql, params)
    if counts[rarest] >= PG_COMMON:
        sql = (
            "SELECT c.id FROM customer c WHERE c.id > %s"
            + restricted
            + _PG_HAS_TERM * len(words)
            + " ORDER BY c.id LIMIT %s"
        )
        return _without_hash_joins(sql, [after_id] + [w + "%" for w in words] + [limit])
    intersection = " INTERSECT ".join([_PG_WORD_IDS] * len(words))
    sql = (
        f"SELECT c.id FROM customer c WHERE c.id IN ({intersection}) AND c.id > %s"
        + restricted
        + " ORDER BY c.id LIMIT %s"
    )
    params = [w + "%" for w in words] + [after_id, limit]
    return [row[0] for row in database.execute_sql(sql, params)]


def _without_hash_joins(sql: str, params: list) -> list[int]:
    """Nested loops only: a hash join would first read every term of a common word."""
    with database.atomic():
        database.execute_sql("SET LOCAL enable_hashjoin = off")
        database.execute_sql("SET LOCAL enable_mergejoin = off")
        ids = [row[0] for row in database.execute_sql(sql, params)]
        database.execute_sql("SET LOCAL enable_hashjoin TO DEFAULT")
        database.execute_sql("SET LOCAL enable_mergejoin TO DEFAULT")
    return ids


def _count_upto(word: str, cap: int) -> int:
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {TERM_TABLE} WHERE term LIKE %s LIMIT %s) x"
    return database.execute_sql(sql, (word + "%", cap)).fetchone()[0]
