"""PostgreSQL: the search with and without one of its plans (#19): the bitmap plan (the
documents' trigram index) or the stream plan (the terms' index by first three letters), the
same query mix as ``bench search`` in the same run, taking turns at going first.

Each query runs through ``find.search`` as the console calls it, once as the search chooses
(every plan allowed) and once without the plan named by ``--without`` (default: bitmap);
both must return the same customers. Prints each kind's median and p95 of both, their
ratio, and which plan the two-word queries got. ``--copy NAME`` runs on a kept copy of the
register (as ``bench search --copy``).

    python -m bench search_trigrams --customers 1000000 --pg postgresql://postgres@127.0.0.1:5432/postgres
    python -m bench search_trigrams --customers 1000000 --pg URL --without stream --copy pgs
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.bench_search import _kinds, query_mix
from bench.common import fill, percentile, postgres_copy, postgres_register
from finconsole.core.kernel.actor import Actor
from finconsole.core.register import find
from finconsole.core.store import db, search_query, search_tokens
from finconsole.core.store.search_index import DOC_TRIGRAM_INDEX, TERM_STREAM_INDEX


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench search_trigrams")
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg", metavar="URL", help="the PostgreSQL server")
    parser.add_argument("--rounds", type=int, default=3, help="times each query runs")
    parser.add_argument("--without", choices=("bitmap", "stream"), default="bitmap")
    parser.add_argument("--copy", metavar="NAME", help="on a copy of the register, for NAME")
    args = parser.parse_args(argv)
    if not args.pg:
        print("PostgreSQL only (--pg URL): nothing to measure on SQLite")
        return 0
    if args.copy:
        url = postgres_copy(args.pg, args.customers, args.copy)
        fill(url, args.customers, args.seed)  # migrates the copy, checks its size
    else:
        url = postgres_register(args.pg, args.customers, args.seed)
    db.connect(url)
    try:
        queries = query_mix(args.seed)
        actor = Actor.cli()
        with_index = _timer(actor, None)
        without = _timer(actor, args.without)
        for q in queries[:30]:  # warm the cache as a console that has been open a while
            with_index(q)
            without(q)
        times: dict[str, list[list[float]]] = {"new": [[] for _ in queries], "old": []}
        times["old"] = [[] for _ in queries]
        for rnd in range(args.rounds):
            for i, q in enumerate(queries):
                runs = [("new", with_index), ("old", without)]
                if (i + rnd) % 2:
                    runs.reverse()
                answers = {}
                for name, call in runs:
                    ms, answers[name] = call(q)
                    times[name][i].append(ms)
                if answers["new"] != answers["old"]:
                    raise SystemExit(f"{q!r}: the plans disagree")
        _report(queries, times, args.without)
    finally:
        db.close()
    return 0


def _timer(actor: Actor, without: str | None):
    """A timed search; ``without`` names a plan the search may not choose (its index is
    taken as missing, as in a register before the migration that adds it)."""
    missing = {"bitmap": DOC_TRIGRAM_INDEX, "stream": TERM_STREAM_INDEX}.get(without or "")
    has = search_query._has

    def call(query: str) -> tuple[float, list[int]]:
        search_query._has = lambda index: index != missing and has(index)
        try:
            started = time.perf_counter()
            ids = [row["id"] for row in find.search(actor, query)]
            return (time.perf_counter() - started) * 1000, ids
        finally:
            search_query._has = has

    return call


def _report(queries: list[str], times: dict[str, list[list[float]]], without: str) -> None:
    print(f"PostgreSQL, median / p95 ms of every run; 'without' = no {without} plan, same run")
    for kind, start, end in _kinds():
        new = [ms for runs in times["new"][start:end] for ms in runs]
        old = [ms for runs in times["old"][start:end] for ms in runs]
        ratio = statistics.median(old) / statistics.median(new)
        print(f"  {kind:<12} with {statistics.median(new):6.2f} / {percentile(new, 0.95):6.2f}"
              f"  without {statistics.median(old):6.2f} / {percentile(old, 0.95):6.2f}"
              f"  median ratio {ratio:4.2f}x")  # fmt: skip
    start, end = next((s, e) for kind, s, e in _kinds() if kind == "two_words")
    plans: dict[str, int] = {}
    for q in queries[start:end]:
        plan = search_query.postgres_plan(search_tokens.query_tokens(q), 50, 0)
        name = "bitmap" if "cand AS" in plan.sql else "walk" if plan.guarded else "other"
        name = "stream" if " s0" in plan.sql else name
        plans[name] = plans.get(name, 0) + 1
    print(f"  two_words plans: {plans}")
