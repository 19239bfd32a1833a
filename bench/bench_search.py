"""Search speed over a fixed mix of 210 realistic queries, against a LIKE '%q%' scan.

python -m bench search [--customers N] [--seed S] [--pg URL [--copy NAME]] [--baseline-sample K]

The mix (drawn with a fixed seed from the register itself): one letter, two letters, longer
name prefixes, two-word names (first name and the start of a surname), emails and email
fragments, phone fragments in several formats, order numbers, tracking codes, and words
that match no one. Each query runs through ``search.search`` exactly as the
console calls it (first page of 50, summaries included). On PostgreSQL the same queries also
run through the plan before #19 (``bench/pg_old_plan.py``: term table only), in the same run,
each kind's before and after side by side. The baseline is the obvious query
without an index: every word must occur (LIKE '%w%') in a name, email, phone, postcode,
order number or tracking code; it is run on every K-th query of the mix, because a scan of a
million rows takes seconds. ``--copy NAME`` runs on a copy of the PostgreSQL register
(``bench.common.postgres_copy``, made once and kept), migrated by the code being measured:
for trying a new index or migration without changing the register other checkouts share.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from bench import pg_old_plan
from bench.common import (
    describe,
    fill,
    percentile,
    postgres_copy,
    postgres_register,
    sqlite_register,
)
from finconsole.core.kernel.actor import Actor
from finconsole.core.register import customers, find
from finconsole.core.store import db, search_query, search_tokens
from finconsole.core.store.models import Address, Customer, Order, Parcel, database

MIX = {"one_letter": 15, "two_letters": 15, "prefix": 30, "two_words": 40, "email": 15}
MIX.update(email_part=15, phone=30, order=20, tracking=20, no_match=10)  # 210 in all


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench search")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg", metavar="URL", help="run on this PostgreSQL server instead")
    parser.add_argument(
        "--copy", metavar="NAME", help="PostgreSQL: on a copy of the register, named for NAME"
    )
    parser.add_argument("--baseline-sample", type=int, default=10, metavar="K")
    parser.add_argument(
        "--explain", action="store_true", help="PostgreSQL: EXPLAIN the slowest query of each kind"
    )
    args = parser.parse_args(argv)
    if args.pg and args.copy:
        url = postgres_copy(args.pg, args.customers, args.copy)
        fill(url, args.customers, args.seed)  # migrates the copy, checks its size
    elif args.pg:
        url = postgres_register(args.pg, args.customers, args.seed)
    else:
        url = sqlite_register(args.customers, args.seed)
    db.connect(url)
    try:
        queries = query_mix(args.seed)
        actor = Actor.cli()
        for q in queries[:20]:  # warm the cache as a console that has been open a while
            find.search(actor, q)
        if db.is_sqlite():
            indexed = [timed(lambda q=q: find.search(actor, q)) for q in queries]
            before = None
        else:  # each query through both plans, taking turns at going first (cache fairness)
            indexed, before = [], []
            for i, q in enumerate(queries):
                calls = [lambda q=q: find.search(actor, q), lambda q=q: old_search(q)]
                first, second = (0, 1) if i % 2 == 0 else (1, 0)
                times = {first: timed(calls[first]), second: timed(calls[second])}
                indexed.append(times[0])
                before.append(times[1])
        report(indexed, queries, args.baseline_sample, before)
        if args.explain and not db.is_sqlite():
            explain_slowest(indexed, queries)
    finally:
        db.close()
    return 0


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def old_search(query: str) -> None:
    """The PostgreSQL plan before #19, with the same summaries the console reads."""
    customers.summaries(pg_old_plan.matching_ids(query, 50))


def report(
    indexed: list[float], queries: list[str], sample: int, before: list[float] | None
) -> None:
    backend = "SQLite" if db.is_sqlite() else "PostgreSQL"
    total = Customer.select().count()
    print(f"{backend}, {total:,} customers")
    print(f"indexed search: {describe(indexed)}")
    if before:
        print(f"the plan before #19 (same queries, same run): {describe(before)}")
    for kind, start, end in _kinds():
        part = indexed[start:end]
        was = ""
        if before:
            old = before[start:end]
            was = f"  (before: {statistics.median(old):6.2f} / {percentile(old, 0.95):6.2f})"
        print(f"  {kind:<13} median {statistics.median(part):6.2f} ms  p95 "
              f"{percentile(part, 0.95):6.2f} ms{was}  e.g. {queries[start]!r}")  # fmt: skip
    slow = sorted(zip(queries, indexed), key=lambda kv: -kv[1])[:5]
    print("  slowest: " + ", ".join(f"{q!r} {ms:.1f} ms" for q, ms in slow))
    picked = queries[::sample]
    scans = [timed(lambda q=q: like_scan(q)) for q in picked]
    same = indexed[::sample]
    print(f"LIKE '%q%' scan: {describe(scans)} (every {sample}th query)")
    ratio = statistics.median(scans) / statistics.median(same)
    print(f"ratio (scan median / indexed median, same {len(picked)} queries): {ratio:,.0f}x")


def explain_slowest(indexed: list[float], queries: list[str]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each kind's slowest query, as the search runs it."""
    for kind, start, end in _kinds():
        ms, query = max(zip(indexed[start:end], queries[start:end]))
        words = search_tokens.query_tokens(query)
        if not words:
            continue
        plan = search_query.postgres_plan(words, 50, 0, " AND c.restricted = false")
        with database.atomic():
            for setting in plan.settings:
                database.execute_sql(f"SET LOCAL {setting}")
            sql = "EXPLAIN (ANALYZE, BUFFERS) " + plan.sql
            rows = database.execute_sql(sql, plan.params).fetchall()
        print(f"-- {kind}: {query!r} ({ms:.1f} ms in the run)")
        print("\n".join("   " + row[0] for row in rows))


def _kinds():
    start = 0
    for kind, count in MIX.items():
        yield kind, start, start + count
        start += count


def query_mix(seed: int) -> list[str]:
    """200 queries drawn from the register with a fixed seed, grouped as in ``MIX``."""
    rng = random.Random(seed)
    top = Customer.select(Customer.id).order_by(Customer.id.desc()).first().id

    def someone() -> Customer:
        while True:
            found = Customer.get_or_none(Customer.id == rng.randint(1, top))
            if found is not None:
                return found

    out: list[str] = []
    for length in (1, 2):
        for _ in range(MIX["one_letter" if length == 1 else "two_letters"]):
            c = someone()
            out.append((c.last_name if rng.random() < 0.5 else c.first_name)[:length])
    for _ in range(MIX["prefix"]):
        c = someone()
        out.append(c.last_name[: rng.randint(3, len(c.last_name))])
    for _ in range(MIX["two_words"]):
        c = someone()
        out.append(f"{c.first_name} {c.last_name[: rng.randint(2, len(c.last_name))]}")
    while len(out) < _end("email"):
        email = someone().email
        if email:
            out.append(email)
    while len(out) < _end("email_part"):
        email = someone().email
        if email:  # the start of the address, or a part of it (the domain, the local part)
            part = rng.choice([email[: rng.randint(4, len(email) - 1)], email.split("@")[1],
                               email.split("@")[0]])  # fmt: skip
            out.append(part)
    while len(out) < _end("phone"):
        phone = someone().phone
        if phone:
            national = "0" + phone[4:]
            out.append(
                rng.choice([national, f"{national[:3]} {national[3:6]} {national[6:]}", phone,
                            national[: rng.randint(5, 8)], f"+358 {phone[4:6]} {phone[6:9]}"])
            )  # fmt: skip
    orders = Order.select(Order.order_number).order_by(Order.id)
    count = orders.count()
    for _ in range(MIX["order"]):
        out.append(orders.offset(rng.randrange(count)).limit(1).scalar())
    parcels = Parcel.select(Parcel.tracking_code).order_by(Parcel.id)
    count = parcels.count()
    for _ in range(MIX["tracking"]):
        out.append(parcels.offset(rng.randrange(count)).limit(1).scalar())
    for _ in range(MIX["no_match"]):  # a typo: letters no name starts with
        c = someone()
        out.append(rng.choice(["qx", "zq", "xw"]) + c.last_name[:3].lower())
    return out


def _end(kind: str) -> int:
    """Where ``kind``'s queries end in the mix."""
    return next(end for name, _, end in _kinds() if name == kind)


def like_scan(query: str, limit: int = 50) -> list[int]:
    """The same question without an index: every word somewhere in the customer's fields."""
    words = search_tokens.query_tokens(query) or [query]
    mark = "?" if db.is_sqlite() else "%s"
    one_word = (
        f"(c.first_name LIKE {mark} OR c.last_name LIKE {mark} OR c.email LIKE {mark} "
        f"OR c.phone LIKE {mark} "
        f"OR EXISTS (SELECT 1 FROM address a WHERE a.customer_id = c.id "
        f"AND a.postcode LIKE {mark}) "
        f'OR EXISTS (SELECT 1 FROM "order" o WHERE o.customer_id = c.id '
        f"AND o.order_number LIKE {mark}) "
        f'OR EXISTS (SELECT 1 FROM "order" o JOIN parcel p ON p.order_id = o.id '
        f"WHERE o.customer_id = c.id AND p.tracking_code LIKE {mark}))"
    )
    where = " AND ".join([one_word] * len(words))
    params: list = []
    for w in words:
        params += [f"%{w}%"] * 7
    sql = f"SELECT c.id FROM customer c WHERE {where} ORDER BY c.id LIMIT {int(limit)}"
    if not db.is_sqlite():
        sql = sql.replace(" LIKE ", " ILIKE ")
    return [row[0] for row in database.execute_sql(sql, params)]


__all__ = ["main", "query_mix", "like_scan", "Address"]
