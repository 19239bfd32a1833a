"""Phone numbers in shop exports: read in the row's own country, stored in E.164, and never
the reason a row or an order is lost.

A shop ships abroad: ``071 407 1173`` on an order to South Africa is ``+27714071173``, not a
Finnish number. A number is read in the first country the row gives (for an order, the country
of the address the phone column belongs to, then the other address), then the customer's
address country, then ``customers.default_country`` (FI). A number no numbering plan reads
under that country is kept as typed and the customer flagged for review (``phone_review``):
the importer counts it as a warning and lists it in the rejects file, but imports the row. It
is never stored as a number of some other country.
"""

from __future__ import annotations

from finconsole.core.kernel import countries as country_names
from finconsole.core.kernel import validation as v
from finconsole.core.settings import runtime

KEPT = "not a valid phone number in the row's country: kept as typed, flagged for review"


def default_country() -> str:
    """``customers.default_country``: a number's country when its row names none."""
    return runtime.settings("customers")["default_country"]


def read_phone(raw: str, *countries: str | None, default: str = "") -> tuple[str | None, bool]:
    """(the number, needs review): E.164 read in the first usable of ``countries`` (codes or
    names; else the configured default), or, when no plan reads it there, the number as
    typed and True."""
    if not raw:
        return None, False
    # a country as a code or, in older layouts, a name ("Finland", "United States")
    codes = (country_names.code_of(c) if c else None for c in countries)
    region = v.phone_region(*codes, default=default or default_country())
    try:
        return v.phone(raw, region), False
    except v.FieldError:
        kept = v.phone_as_typed(raw)
        return (kept, True) if kept else (None, False)
