"""Keyed hashes for the erasure ledger: they recognise an erased person's identifiers (so a
restore or an old import does not bring them back) without holding the identifiers.

The key comes from the key file, outside the database: a stolen database alone cannot test
guesses against the ledger.
"""

from __future__ import annotations

import functools
import operator

from finconsole.core.access import keyring
from finconsole.core.store.models import ErasureLedger
from finconsole.core.store.search_tokens import fold


def hash_identifier(kind: str, value: str | None) -> str | None:
    """HMAC-SHA256 of a normalised identifier; kind is 'email', 'phone' or 'shop_ref'."""
    if not value:
        return None
    normal = fold(value.strip())
    message = f"{kind}:{normal}".encode()
    return keyring.keyed_hash("ledger", message)


def is_erased(
    *, email: str | None = None, phone: str | None = None, shop_ref: str | None = None
) -> bool:
    """True if any of these identifiers belongs to a person erased from the register."""
    conditions = []
    if (h := hash_identifier("email", email)) is not None:
        conditions.append(ErasureLedger.subject_hash == h)
    if (h := hash_identifier("phone", phone)) is not None:
        conditions.append(ErasureLedger.phone_hash == h)
    if (h := hash_identifier("shop_ref", shop_ref)) is not None:
        conditions.append(ErasureLedger.shop_ref_hash == h)
    if not conditions:
        return False
    return ErasureLedger.select().where(functools.reduce(operator.or_, conditions)).exists()
