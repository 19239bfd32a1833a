"""Finding customers in the search index: the ids matching every word of a query.

SQLite answers with one FTS5 MATCH of the query's tokens as quoted prefixes. PostgreSQL has
five plans over ``search_term`` and ``search_doc`` (walk, drive, intersect, bitmap, stream)
and runs the cheapest by the planner's own estimates (``postgres_plan``). User text never
reaches MATCH unquoted: tokens (``search_tokens.query_tokens``) are letters and digits only,
each double-quoted; on PostgreSQL they are bound parameters with no LIKE wildcard in them.
"""

from __future__ import annotations

import json
import math
import time
from itertools import combinations
from typing import NamedTuple

from finconsole.core.store import search_stats
from finconsole.core.store.models import database, is_sqlite
from finconsole.core.store.search_index import (
    DOC_TABLE,
    DOC_TRIGRAM_INDEX,
    FTS_TABLE,
    STREAM_PREFIX,
    TERM_STREAM_INDEX,
    TERM_TABLE,
    has_index,
)
from finconsole.core.store.search_tokens import query_tokens

MAX_LIMIT = 500


def matching_ids(
    query: str, limit: int, after_id: int = 0, include_restricted: bool = False
) -> list[int]:
    """Customer ids matching every query word, ascending, after ``after_id``."""
    words = query_tokens(query)
    if not words:
        return []
    restricted_clause = "" if include_restricted else " AND c.restricted = {false}"
    if is_sqlite():
        match = " AND ".join(f'"{w}"*' for w in words)
        sql = (
            f"SELECT c.id FROM {FTS_TABLE} f JOIN customer c ON c.id = f.rowid "
            f"WHERE {FTS_TABLE} MATCH ? AND f.rowid > ?"
            + restricted_clause.format(false=0)
            + " ORDER BY f.rowid LIMIT ?"
        )
        params: tuple = (match, after_id, limit)
    else:
        restricted = restricted_clause.format(false="false")
        plan = postgres_plan(words, limit, after_id, restricted)
        ids = run_postgres_plan(plan)
        if ids == [PG_BITMAP_OVERFLOW]:  # the words together were common after all
            plan = postgres_plan(words, limit, after_id, restricted, bitmap=False)
            ids = run_postgres_plan(plan)
        if not ids and plan.guarded:  # the walk's guard found the rarest word rare after all
            ids = run_postgres_plan(postgres_plan(words, limit, after_id, restricted, "drive"))
        return ids
    return [row[0] for row in database.execute_sql(sql, params)]


# The PostgreSQL plan is chosen by cost, from the planner's own estimate of each word's index
# terms (its statistics of ``search_term.term``, 1,000 buckets). Measured on 2 cores, in µs:
PG_COST_ENTRY = 0.4  # reading and sorting one index entry of a word's range
PG_COST_PROBE = 6.0  # checking one candidate customer's document (an index look-up)
PG_COST_WALK = 1.0  # checking the next document in a walk in id order (a LIKE, no look-up)
PG_TERMS_PER_CUSTOMER = 1.6  # a name matches a customer's name and their email parts
# The bitmap plan (the documents' trigram index): a fixed cost for its index scan (GIN's fast
# scan skips through a common trigram's list by a rare one's), a little for each index term
# of the rarest word (its trigrams' lists grow with it), then each matching document checked
PG_COST_BITMAP = 1500.0
PG_COST_BITMAP_TERM = 0.02
# The bitmap plan reads at most this many documents: beyond it (words that go together, as
# ``suomi24 fi``, are more common together than their shares say) it answers only
# PG_BITMAP_OVERFLOW and the search runs the cheapest other plan instead.
PG_BITMAP_MAX = 3000
PG_BITMAP_OVERFLOW = -1
# The index is asked for the first letters of a word only (their inner trigrams): the later
# trigrams of a name (``korhonen``: "one", "nen") are in most documents and cost more to
# read than they remove; the exact check of each candidate is on the whole word
PG_BITMAP_LOOKUP = 4
# A walk reads on until the page is full, all the register when nothing matches: before one,
# the rarest word's terms are counted up to this (cheap) and it drives if it has fewer. Below
# it the planner's estimate of a word is unsure: no stream plan either (``_stream_words``).
PG_WALK_MIN_TERMS = 5000
PG_WALK_SURE = 10  # estimated at 10x that or more, the word is common: no count before the walk
# The stream plan (the terms' index by first three letters, ``search_index.TERM_STREAM_INDEX``):
# reading one entry of a word's three-letter range in id order, from the index alone, and
# checking the term against the whole word (measured ~0.2-0.3 µs on 2 cores)
PG_COST_STREAM_ENTRY = 0.3
# None picks the cheapest plan; "walk", "drive", "intersect", "bitmap" or "stream" forces one
PG_FORCE_PLAN: str | None = None
_PG_DOC_HAS = " AND d.doc LIKE %s"
# Nested loops in id order stop when the page is full, where a hash or merge join would first
# read every row of a common word; no parallel workers (their start costs more than a page);
# the joins in the order written (the document is checked before the customer row is read);
# each document and customer looked up by its key (the planner, thinking '% w%' rare, would
# otherwise scan all the documents once and match every candidate against them).
_PG_SETTINGS = (
    "enable_hashjoin = off",
    "enable_mergejoin = off",
    "enable_seqscan = off",
    "enable_material = off",
    "max_parallel_workers_per_gather = 0",
    "join_collapse_limit = 1",
    "jit = off",  # a plan's cost estimate can pass jit_above_cost: compiling took 25 ms
)
# The stream plan: its words' id-ordered lists merged (a merge join, nothing else: no sort,
# no hash), each from its index alone (no bitmap scan); the other checks are subqueries
_PG_STREAM_SETTINGS = (
    "enable_hashjoin = off",
    "enable_nestloop = off",
    "enable_sort = off",
    "enable_seqscan = off",
    "enable_bitmapscan = off",
    "enable_material = off",
    "max_parallel_workers_per_gather = 0",
    "jit = off",
)


class PgPlan(NamedTuple):
    """A PostgreSQL search plan: its SQL, parameters, the planner settings (``SET LOCAL``) it
    runs with, and whether it is a walk that returns nothing when its guard fails."""

    sql: str
    params: list
    settings: tuple[str, ...]
    guarded: bool = False


class _Words(NamedTuple):
    """What the cost model knows of a query's words (``postgres_plan``)."""

    ordered: list[str]  # rarest first
    estimates: dict[str, float]  # index terms starting with each word (and each range)
    share: dict[str, float]  # the share of customers having each word
    limit: int
    customers: float

    @property
    def every(self) -> float:
        """The share of customers having every word, were the words independent."""
        return math.prod(self.share.values())


def postgres_plan(
    words: list[str],
    limit: int,
    after_id: int,
    restricted: str = "",
    force: str | None = None,
    bitmap: bool = True,
) -> PgPlan:
    """The plan that finds ``words`` on PostgreSQL (``run_postgres_plan``; ``bench search``
    EXPLAINs it); ``force`` names one (else ``PG_FORCE_PLAN``, else the cheapest).

    Four plans, the cheapest by estimated cost. Walk: the documents in id order, checking
    each word with a LIKE, until a page is full; cheapest when the words together match a
    good share of the register (``e``, ``s k``, ``virtanen``). Drive: the rarest word's
    customers from the term index, sorted, their documents checked for the other words until
    the page is full (``teemu ma``, a phone number, an order number). Intersect: the two
    rarest words' customer sets intersected with a hash, then the others checked: when both
    are middling (``lauri heino``), reading both ranges once beats checking thousands of
    documents that do not match. Bitmap (where the register has the documents' trigram
    index): the documents having every word's trigrams, from the index, checked with the
    LIKEs and sorted: when the words together are rare though each is common (``pekka aa``:
    ~400 customers of a million, where ``aa`` alone has 37,000 index terms). Stream (where
    the register has the terms' index by first three letters): the customers of one or two
    words of three letters or more read from that index in id order (two merged), the other
    words checked on the document, until the page is full: a name prefix (``korhone``: ~60
    index entries) and a first name with a common surname start (``teemu ma``).
    """
    # a word of letters only is most often a name, common enough for the stream plan, whose
    # cost needs its three-letter range: estimated in the same planning step (one round trip)
    names = [w[:STREAM_PREFIX] for w in words if len(w) > STREAM_PREFIX and w.isalpha()]
    estimates = _estimates(list(dict.fromkeys(words + names)))
    customers = max(1.0, _pg_customers())
    share = {w: min(1.0, estimates[w] / PG_TERMS_PER_CUSTOMER / customers) for w in words}
    ordered = sorted(words, key=lambda w: estimates[w])
    counts = _Words(ordered, estimates, share, limit, customers)
    costs = _plan_costs(counts)
    together = customers * counts.every  # the customers having every word
    # a one-letter word has no trigram to look up; a word of digits has, but ten symbols make
    # few trigrams, each in a good share of the documents (phones, order numbers, postcodes):
    # the index narrows nothing ('w 7777': 84 ms by the bitmap, 1.6 ms by the drive at 1M)
    indexable = any(len(w) > 1 and not w.isdigit() for w in words)
    if bitmap and indexable and together * 4 < PG_BITMAP_MAX and _has(DOC_TRIGRAM_INDEX):
        costs["bitmap"] = (
            PG_COST_BITMAP + estimates[ordered[0]] * PG_COST_BITMAP_TERM + together * PG_COST_PROBE
        )
    forced = force or PG_FORCE_PLAN
    streams, stream_cost = _stream_option(counts, forced)
    if stream_cost is not None:
        costs["stream"] = stream_cost
    if forced == "bitmap" and not bitmap:  # after the bitmap overflowed: any other plan
        forced = None
    if forced == "stream" and not streams:  # no word of three letters to read in id order
        forced = None
    plan = forced or min(costs, key=lambda name: costs[name])
    if plan == "walk":
        # no guard when the rarest word is estimated far above it: its count would only cost
        # (5,000 index entries read: 1-6 ms for 't' under load) and the walk goes ahead anyway
        unsure = estimates[ordered[0]] < PG_WALK_MIN_TERMS * PG_WALK_SURE
        return _pg_walk(ordered, limit, after_id, restricted, guard=not forced and unsure)
    if plan == "bitmap":
        return _pg_bitmap(ordered, limit, after_id, restricted)
    if plan == "stream":
        checked = [w for w in ordered if w not in streams]
        return _pg_stream(streams, checked, limit, after_id, restricted)
    if plan == "drive" or len(ordered) == 1:
        drive = f"SELECT customer_id FROM {TERM_TABLE} WHERE term LIKE %s AND customer_id > %s"
        params = [ordered[0] + "%", after_id]
        checked = ordered[1:]
    else:
        drive = (
            f"SELECT customer_id FROM {TERM_TABLE} WHERE term LIKE %s AND customer_id > %s "
            f"INTERSECT SELECT customer_id FROM {TERM_TABLE} WHERE term LIKE %s "
            "AND customer_id > %s"
        )
        params = [ordered[0] + "%", after_id, ordered[1] + "%", after_id]
        checked = ordered[2:]
    doc_join = f" JOIN {DOC_TABLE} d ON d.customer_id = h.customer_id" if checked else ""
    # a subquery, not a CTE: the planner knows its rows come in id order and needs no sort
    sql = (
        f"SELECT h.customer_id FROM (SELECT DISTINCT customer_id FROM ({drive}) x "
        f"ORDER BY customer_id) h{doc_join} JOIN customer c ON c.id = h.customer_id "
        "WHERE TRUE" + _PG_DOC_HAS * len(checked) + restricted + " ORDER BY h.customer_id LIMIT %s"
    )
    params += [_doc_pattern(w) for w in checked] + [limit]
    # the hash join of the intersection is a set operation, not a join: still allowed
    return PgPlan(sql, params, _PG_SETTINGS)


def _plan_costs(counts: _Words) -> dict[str, float]:
    """Estimated µs of each plan (see ``postgres_plan``)."""
    ordered, estimates, share, limit, customers = counts
    both = counts.every
    costs = {"walk": min(customers, limit / max(both, 1e-9)) * PG_COST_WALK}
    rarest = ordered[0]
    rest = both / share[rarest]
    candidates = estimates[rarest] / PG_TERMS_PER_CUSTOMER
    checks = min(candidates, limit / max(rest, 1e-9)) if len(ordered) > 1 else limit
    costs["drive"] = estimates[rarest] * PG_COST_ENTRY + checks * PG_COST_PROBE
    if len(ordered) > 1:
        second = ordered[1]
        rest = rest / share[second]
        common = candidates * share[second]
        checks = min(common, limit / max(rest, 1e-9)) if len(ordered) > 2 else min(common, limit)
        reading = (estimates[rarest] + estimates[second]) * PG_COST_ENTRY
        costs["intersect"] = reading + checks * PG_COST_PROBE
    return costs


def _stream_option(counts: _Words, forced: str | None) -> tuple[list[str], float | None]:
    """The stream plan's words and its estimated µs (None: not to be chosen by cost).

    Not when the rarest word may be rare: its estimate is then no better than the planner's
    floor (~1,000 terms for ``arttumakinen79icloudcom``, which has one), and the stream would
    read its whole three-letter range (17,000 ``art…`` entries) where the drive reads one
    term. Nor are the ranges estimated then (a planning step, ~0.3 ms each), unless the plan
    is forced. ``estimates`` gains the ranges' estimates.
    """
    ordered, estimates = counts.ordered, counts.estimates
    sure = estimates[ordered[0]] >= PG_WALK_MIN_TERMS
    if not (sure or forced == "stream") or not _has(TERM_STREAM_INDEX):
        return [], None
    ranges = {w[:STREAM_PREFIX] for w in ordered if len(w) > STREAM_PREFIX} - set(estimates)
    estimates.update(_estimates(sorted(ranges)))
    streams = _stream_words(counts)
    if not (streams and sure):
        return streams, None
    return streams, _stream_cost(streams, counts)


def _stream_words(counts: _Words) -> list[str]:
    """The words the stream plan reads in id order: the one, or the two, of three letters or
    more whose reading costs least (``_stream_cost``); none when no word is that long."""
    long = [w for w in counts.ordered if len(w) >= STREAM_PREFIX]
    options = [[w] for w in long] + [list(pair) for pair in combinations(long, 2)]
    if not options:
        return []
    return min(options, key=lambda s: _stream_cost(s, counts))


def _stream_cost(streams: list[str], counts: _Words) -> float:
    """Estimated µs of the stream plan reading ``streams``. The page is full once ``limit``
    customers having every word are found: at that share of the id range (all of it when
    fewer match). Up to there each stream word's whole three-letter range is read (``hei``
    for ``heidi``: Heikki and Heinonen too), and each customer having all the stream words
    is checked (document, customer row)."""
    _, estimates, share, limit, customers = counts
    scanned = min(1.0, limit / max(counts.every * customers, 1e-9))
    entries = sum(estimates[w[:STREAM_PREFIX]] for w in streams) * scanned
    passing = customers * scanned * math.prod(share[w] for w in streams)
    return entries * PG_COST_STREAM_ENTRY + passing * PG_COST_PROBE


def _pg_stream(
    streams: list[str], checked: list[str], limit: int, after_id: int, restricted: str
) -> PgPlan:
    """Each stream word's customers from the terms' index by first three letters, in id order
    and without duplicates, merged (a merge join stops where the page is full), then the
    other words checked on the document and the customer row read, one customer at a time.

    The merged list is a subquery with OFFSET 0 so that the checks, subqueries the planner
    keeps as they are, run after the merge and only for the customers it yields; a CASE
    runs the document's check before the customer row's (the planner orders plain ANDs by
    its cost guess, which put the customer row first: twice the look-ups).

    Each word's LIKE takes its pattern from a subquery, which the planner cannot see into:
    the settings leave it this one plan whatever the estimates, and estimating ``term LIKE
    'mikko%'`` against the 1,000 common values and 1,000 histogram bounds of ``term`` was
    most of the planning (0.42 of 0.44 ms for two words at 1M; 0.09 ms without, the
    execution the same).
    """
    lists, params = [], []
    for i, word in enumerate(streams):
        lists.append(
            f"(SELECT DISTINCT customer_id FROM {TERM_TABLE} WHERE left(term, {STREAM_PREFIX}) "
            f"= %s AND term LIKE (SELECT %s::text) AND customer_id > %s ORDER BY customer_id) s{i}"
        )
        params += [word[:STREAM_PREFIX], word + "%", after_id]
    merged = lists[0] + "".join(
        f" JOIN {part} ON s{i}.customer_id = s0.customer_id" for i, part in enumerate(lists[1:], 1)
    )
    customer = f"(SELECT TRUE FROM customer c WHERE c.id = h.customer_id{restricted})"
    check = customer
    if checked:  # the document first (it removes most), in this order whatever the costs say
        document = (
            f"(SELECT TRUE FROM {DOC_TABLE} d WHERE d.customer_id = h.customer_id"
            + _PG_DOC_HAS * len(checked)
            + ")"
        )
        check = f"CASE WHEN {document} THEN {customer} ELSE FALSE END"
        params += [_doc_pattern(w) for w in checked]
    sql = (
        f"SELECT h.customer_id FROM (SELECT s0.customer_id FROM {merged} "
        f"ORDER BY s0.customer_id OFFSET 0) h WHERE {check} ORDER BY h.customer_id LIMIT %s"
    )
    return PgPlan(sql, [*params, limit], _PG_STREAM_SETTINGS)


def _pg_walk(words: list[str], limit: int, after_id: int, restricted: str, guard: bool) -> PgPlan:
    """With ``guard``, the walk first counts the rarest word's terms up to PG_WALK_MIN_TERMS
    (an InitPlan, run once before the scan) and returns nothing if it has fewer: a walk for
    a word that is rare after all would read every document."""
    gate = ""
    params: list = [after_id]
    if guard:
        gate = (
            f" AND (SELECT count(*) FROM (SELECT 1 FROM {TERM_TABLE} WHERE term LIKE %s "
            "LIMIT %s) g) >= %s"
        )
        params += [words[0] + "%", PG_WALK_MIN_TERMS, PG_WALK_MIN_TERMS]
    sql = (
        f"SELECT d.customer_id FROM {DOC_TABLE} d JOIN customer c ON c.id = d.customer_id "
        "WHERE d.customer_id > %s"
        + gate
        + _PG_DOC_HAS * len(words)
        + restricted
        + " ORDER BY d.customer_id LIMIT %s"
    )
    params += [_doc_pattern(w) for w in words] + [limit]
    # no sort: the planner thinks '% w%' rare and would sort the matching documents
    return PgPlan(sql, params, (*_PG_SETTINGS, "enable_sort = off"), guarded=guard)


def _pg_bitmap(words: list[str], limit: int, after_id: int, restricted: str) -> PgPlan:
    """The documents having every word (at most PG_BITMAP_MAX of them, else only
    PG_BITMAP_OVERFLOW), found with the trigram index, sorted, then their customers read
    until the page is full.

    The index is asked for a word's inner trigrams only (``doc LIKE '%lauri%'``: "lau",
    "aur", "uri"): the word-start ones of ``'% lauri%'`` ("  l", " la") are in most
    documents and made the index scan 3-4x slower at 1M. ``strpos(doc, ' lauri') > 0``, which
    the index cannot answer, then checks each candidate exactly as ``doc LIKE '% lauri%'``.
    A two-letter word has no inner trigram and keeps its word-start LIKE; a one-letter word
    is only checked. The candidates are a MATERIALIZED CTE with no ORDER BY: the planner
    reads the trigram index rather than walking the documents in id order.
    """
    conditions = ""
    params: list = [after_id]
    for w in words:
        if len(w) == 2:
            conditions += _PG_DOC_HAS
            params.append(_doc_pattern(w))
        else:
            conditions += (
                " AND d.doc LIKE %s AND strpos(d.doc, %s) > 0"
                if len(w) > 2
                else (" AND strpos(d.doc, %s) > 0")
            )
            params += [f"%{w[:PG_BITMAP_LOOKUP]}%", f" {w}"] if len(w) > 2 else [f" {w}"]
    sql = (
        f"WITH cand AS MATERIALIZED (SELECT d.customer_id FROM {DOC_TABLE} d "
        f"WHERE d.customer_id > %s{conditions} LIMIT %s) "
        "(SELECT h.customer_id FROM (SELECT customer_id FROM cand ORDER BY customer_id "
        "OFFSET 0) h JOIN customer c ON c.id = h.customer_id "
        "WHERE (SELECT count(*) FROM cand) <= %s" + restricted + " ORDER BY h.customer_id "
        "LIMIT %s) UNION ALL SELECT %s WHERE (SELECT count(*) FROM cand) > %s"
    )
    cap = PG_BITMAP_MAX
    params += [cap + 1, cap, limit, PG_BITMAP_OVERFLOW, cap]
    return PgPlan(sql, params, _PG_SETTINGS)


def _doc_pattern(word: str) -> str:
    """'% w%': some token of the document (space-separated, with a space before the first)
    starts with ``word`` (letters and digits only: no LIKE wildcard can be in it)."""
    return f"% {word}%"


def run_postgres_plan(plan: PgPlan) -> list[int]:
    """Run a plan of ``postgres_plan`` with its planner settings (``SET LOCAL``: for this
    transaction; put back at once when it is a savepoint of a longer one).

    With psycopg2, which sends several statements as one query string, the settings go with
    the query; and outside a transaction that string is the transaction (PostgreSQL runs a
    string of several statements as one, ``SET LOCAL`` included): one round trip where
    BEGIN, the query and COMMIT took three (each ~0.1 ms, more under load)."""
    settings = [f"SET LOCAL {s}" for s in plan.settings]
    if _sends_several() and not database.in_transaction():  # (peewee: autocommit, no BEGIN)
        cursor = database.execute_sql("; ".join([*settings, plan.sql]), plan.params)
        return [row[0] for row in cursor]
    nested = database.in_transaction()  # then the atomic block below is only a savepoint
    with database.atomic():
        if _sends_several():
            cursor = database.execute_sql("; ".join([*settings, plan.sql]), plan.params)
        else:
            _run_all(settings)
            cursor = database.execute_sql(plan.sql, plan.params)
        ids = [row[0] for row in cursor]
        if nested:
            _run_all([f"SET LOCAL {s.split(' =')[0]} TO DEFAULT" for s in plan.settings])
    return ids


def _sends_several() -> bool:
    """psycopg2 (which has ``copy_expert``) sends a string of several statements as one;
    psycopg 3 binds parameters on the server, one statement at a time."""
    return hasattr(database.cursor(), "copy_expert")


def _run_all(statements: list[str]) -> None:
    """Statements without parameters: in one round trip with psycopg2 (which sends several
    at once), one by one with a driver that does not (psycopg 3 with parameters)."""
    if _sends_several():
        database.execute_sql("; ".join(statements))
    else:
        for statement in statements:
            database.execute_sql(statement)


def _estimates(words: list[str]) -> dict[str, float]:
    """The planner's estimate of the index terms starting with each word or prefix (its
    statistics of ``search_term.term``): computed here from the statistics
    (``search_stats``), or, when they are too thin for that, one planning step for all."""
    if not words:
        return {}
    known = search_stats.estimates(words)
    return known if known is not None else planner_estimates(words)


def planner_estimates(words: list[str]) -> dict[str, float]:
    """The planner's own estimates of ``_estimates``: an EXPLAIN, no index read."""
    one = f"SELECT 1 FROM {TERM_TABLE} WHERE term LIKE %s"
    sql = "EXPLAIN (FORMAT JSON) " + " UNION ALL ".join([one] * len(words))
    plan = database.execute_sql(sql, [w + "%" for w in words]).fetchone()[0]
    if isinstance(plan, str):  # a driver that does not parse JSON
        plan = json.loads(plan)
    top = plan[0]["Plan"]
    nodes = top["Plans"] if len(words) > 1 else [top]  # an Append of one scan a word
    return {w: float(node["Plan Rows"]) for w, node in zip(words, nodes, strict=True)}


_customers_seen: dict[str, tuple[float, float]] = {}  # database name -> (read at, count)
# (database name, index name) -> (read at, the register has the index)
_indexes_seen: dict[tuple[str, str], tuple[float, bool]] = {}


def _has(index: str) -> bool:
    """Whether the register has the index a plan needs (the documents' trigram index, the
    terms' stream index): read again once a minute, as a migration adds them."""
    now = time.monotonic()
    key = (str(getattr(database.obj, "database", "")), index)
    at, has = _indexes_seen.get(key, (-1e9, False))
    if now - at > 60:
        has = has_index(database, index)
        _indexes_seen[key] = (now, has)
    return has


def _pg_customers() -> float:
    """How many documents there are, from the statistics (no count of the table); read
    again at most once a minute (it moves only with imports and erasures)."""
    now = time.monotonic()
    name = str(getattr(database.obj, "database", ""))
    at, count = _customers_seen.get(name, (-1e9, 0.0))
    if now - at > 60:
        row = database.execute_sql(
            "SELECT reltuples FROM pg_class WHERE relname = %s", (DOC_TABLE,)
        ).fetchone()
        count = float(row[0]) if row and row[0] and row[0] > 0 else 0.0
        _customers_seen[name] = (now, count)
    return count or 1000.0
