"""Finding customers: the search service the console's register and ``finconsole find`` share.

The index itself (documents, terms, the query plans) lives in ``store/search_index``.
"""

from __future__ import annotations

from typing import Any

from finconsole.core.kernel import permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.register import customers
from finconsole.core.store import search_index


def search(actor: Actor, query: str, *, limit: int = 50, after_id: int = 0) -> list[dict[str, Any]]:
    """Customers matching ``query`` as summary rows, in id order, keyset-paged by ``after_id``.

    An empty query returns the most recently updated customers (``after_id`` is ignored).
    Restricted customers are found only by the register officer.
    """
    permissions.require(actor, "search_customers")
    limit = max(1, min(int(limit), search_index.MAX_LIMIT))
    include_restricted = permissions.allowed(actor, "view_restricted")
    if not query.strip():
        return customers.recent(actor, limit=limit)
    return customers.summaries(
        search_index.matching_ids(query, limit, after_id, include_restricted)
    )
