"""PostgreSQL: how many index terms start with a word, estimated in Python from the planner's
own statistics of ``search_term.term`` (``pg_stats``), without a round trip per query.

The search picks its plan by these estimates (``search_query.postgres_plan``). Asking the
planner (an EXPLAIN of ``term LIKE 'w%'``) cost a round trip of ~2.6 ms at 1M on 2 cores, a
third of a two-word search. The statistics are read once and kept for a minute (an ANALYZE
changes them: ``forget`` after our own), and the estimate is computed the way PostgreSQL 15
computes it for a prefix LIKE (``patternsel_common`` in selfuncs.c): the share of histogram
bounds the pattern matches (the first and last left out), clamped to [0.0001, 0.9999], for
the part of the column neither null nor a common value, plus the frequencies of the common
values it matches; times the table's rows as the planner scales them (``reltuples`` per page
times the pages the table has now). So the plan thresholds keep their meaning.

The statistics quote column values (terms of customers' names): they are held in this
process's memory only, never written anywhere.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from itertools import accumulate
from typing import NamedTuple

from finconsole.core.store.models import database

TABLE = "search_term"
COLUMN = "term"
MAX_AGE = 60.0  # seconds: autovacuum's ANALYZE of another process is seen within a minute
# Below this many histogram bounds the planner mixes in a heuristic of the prefix's length;
# with fewer (a small register) the caller asks the planner itself
MIN_HISTOGRAM = 100
MIN_SELECTIVITY = 0.0001
MAX_SELECTIVITY = 0.9999


class TermStats(NamedTuple):
    """What the planner knows of ``search_term.term``, sorted here by code point (the terms
    starting with a prefix are then one run of each list, found by bisection)."""

    common: list[str]  # the most common values
    common_sums: list[float]  # their frequencies summed up to and with each
    histogram: list[str]  # the histogram's bounds, less the first and the last
    rest: float  # the share of rows neither null nor a common value
    rows: float  # the table's rows as the planner estimates them


class _Seen(NamedTuple):
    connection: object
    at: float
    stats: TermStats | None


# the last statistics read, and for which database (one assignment: threads read it whole)
_seen: _Seen | None = None


def forget() -> None:
    """After an ANALYZE of the term table: read the statistics again at the next search."""
    global _seen
    _seen = None


def estimates(words: list[str]) -> dict[str, float] | None:
    """The planner's estimate of the rows of ``term LIKE 'w%'`` for each word (letters and
    digits, no wildcard); None when the statistics are too thin to estimate as it does."""
    stats = _stats()
    if stats is None:
        return None
    return {w: estimate(stats, w) for w in words}


def estimate(stats: TermStats, prefix: str) -> float:
    """Rows of ``term LIKE 'prefix%'`` as the planner estimates them (see the module)."""
    first, end = _run(stats.histogram, prefix)
    selectivity = (end - first) / len(stats.histogram)
    selectivity = min(MAX_SELECTIVITY, max(MIN_SELECTIVITY, selectivity))
    selectivity *= stats.rest
    first, end = _run(stats.common, prefix)
    sums = stats.common_sums
    selectivity += (sums[end - 1] if end else 0.0) - (sums[first - 1] if first else 0.0)
    rows = stats.rows * selectivity
    return 1.0 if rows <= 1.0 else float(round(rows))  # the planner's clamp_row_est


def _run(values: list[str], prefix: str) -> tuple[int, int]:
    """Where the values starting with ``prefix`` are in ``values`` (sorted): [first, end)."""
    first = end = bisect_left(values, prefix)
    while end < len(values) and values[end].startswith(prefix):
        end += 1
    return first, end


def _stats() -> TermStats | None:
    global _seen
    connection = database.obj
    now = time.monotonic()
    seen = _seen
    if seen is not None and seen.connection is connection and now - seen.at <= MAX_AGE:
        return seen.stats
    stats = read_stats()
    _seen = _Seen(connection, now, stats)
    return stats


def read_stats() -> TermStats | None:
    """The column's statistics and the table's size, in one query; None without a histogram
    of at least MIN_HISTOGRAM bounds (never analyzed, or a small register)."""
    row = database.execute_sql(
        # float8: the planner's float4 frequencies as it widens them, not as printed
        "SELECT s.null_frac::float8, s.most_common_vals::text::text[], "
        "s.most_common_freqs::float8[], s.histogram_bounds::text::text[], c.reltuples, c.relpages, "
        "pg_relation_size(c.oid) / current_setting('block_size')::int "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_stats s ON s.schemaname = n.nspname "
        "AND s.tablename = c.relname AND s.attname = %s AND NOT s.inherited "
        "WHERE c.oid = to_regclass(%s)",
        (COLUMN, TABLE),
    ).fetchone()
    if row is None:
        return None
    null_frac, values, freqs, bounds, reltuples, relpages, pages = row
    if not bounds or len(bounds) < MIN_HISTOGRAM or not relpages or reltuples < 0:
        return None
    common = sorted(zip(values or [], freqs or [], strict=True))
    sums = list(accumulate(freq for _, freq in common))
    rest = 1.0 - null_frac - (sums[-1] if sums else 0.0)
    rows = round(reltuples / relpages * pages)  # the planner's estimate_rel_size
    histogram = sorted(bounds[1:-1])
    return TermStats([v for v, _ in common], sums, histogram, rest, float(rows))
