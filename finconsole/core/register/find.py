"""Finding customers: the search service the console's register and ``finconsole find`` share.

The index itself lives in ``store``: the documents' tokens in ``search_tokens``, the tables in
``search_index``, the query plans in ``search_query``.
"""

from __future__ import annotations

from typing import Any

from finconsole.core.kernel import permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.register import customers, overview
from finconsole.core.store import search_query


def search(actor: Actor, query: str, *, limit: int = 50, after_id: int = 0) -> list[dict[str, Any]]:
    """Customers matching ``query`` as summary rows, in id order, keyset-paged by ``after_id``.

    An empty query returns the most recently updated customers (``after_id`` is ignored).
    Restricted customers are found only by the register officer.
    """
    permissions.require(actor, "search_customers")
    limit = max(1, min(int(limit), search_query.MAX_LIMIT))
    include_restricted = permissions.allowed(actor, "view_restricted")
    if not query.strip():
        return customers.recent(actor, limit=limit)
    by_id, marked = overview.locate_id(actor, query) if not after_id else (None, False)
    if marked and overview.locate(actor, query) is None:  # "#1225", not a Shopify "#1001"
        return customers.summaries([by_id] if by_id is not None else [])  # no text search
    ids = search_query.matching_ids(query, limit, after_id, include_restricted)
    if by_id is not None:  # "1225" that is an id: that customer first
        ids = [by_id] + [i for i in ids if i != by_id][: limit - 1]
    return customers.summaries(ids)
