"""What an erasure did (or would do): the items erased and kept, and why.

Read by the erasure service that fills it and by the reply letter that puts it in words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from finconsole.core.kernel import clock

ERASE = "erase"
KEEP = "keep"


@dataclass(frozen=True)
class Item:
    """One kind of data and what happens to it. ``kind`` and ``reason`` are codes the reply
    letter translates; ``ref`` is an order number (no personal data)."""

    kind: str
    count: int
    action: str
    reason: str = ""
    ref: str = ""
    until: dt.date | None = None


@dataclass
class ErasureResult:
    customer_id: int
    status: str  # preview | complete | partial
    items: list[Item]
    language: str = "fi"
    completes_on: dt.date | None = None  # the last dated hold's end + 1 (None: when cases end)
    request_ref: str = ""
    permanent: bool = True  # False if the WAL could not be emptied (another reader held it)
    permanence_note: str = ""  # why not (yet) permanent in the database files
    at: dt.datetime = field(default_factory=clock.now)

    @property
    def erased(self) -> list[Item]:
        return [i for i in self.items if i.action == ERASE]

    @property
    def kept(self) -> list[Item]:
        return [i for i in self.items if i.action == KEEP]
