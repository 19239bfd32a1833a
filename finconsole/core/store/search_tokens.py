"""The search index's tokenizer: the words of a customer's document and of a query.

One tokenizer serves documents and queries alike: casefolded, accents removed, split on
anything that is not a letter or digit. Every query word must prefix-match some token of the
customer (``anna virt`` finds Anna Virtanen). Phone numbers are indexed as E.164 digits and
national digits, and a query that looks like a phone number is joined into one digit token,
so ``040 123 4567``, ``0401234567`` and ``+358401234567`` all find the same person.

Tokens are letters and digits only, which is what keeps user text safe where the index is
queried (``search_query``): quoted in an FTS5 MATCH, bound with no LIKE wildcard in it.
No database here: the index's tables are in ``search_index``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

MAX_QUERY_TOKENS = 8

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ALNUM_RUN = re.compile(r"[0-9a-z]+")  # (what _NON_ALNUM.split leaves, without the empties)
_PHONE_QUERY = re.compile(r"^\+?[\d\s\-().]{3,}$")


def fold(text: str) -> str:
    """Casefold and strip accents: 'Äänekoski' -> 'aanekoski', 'Søren' -> 'soren'."""
    if text.isascii():
        return text.lower()  # the same result, without the per-character work (imports)
    return _fold_unicode(text)


@functools.lru_cache(maxsize=65536)
def _fold_unicode(text: str) -> str:
    """Names repeat (a million customers share a few thousand names): cached."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("ø", "o").replace("æ", "ae").replace("ß", "ss").replace("đ", "d")


def tokens(text: str | None) -> list[str]:
    if not text:
        return []
    return list(_tokens(text))


@functools.lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    """Cached: an import indexes the same first and last names over and over."""
    return tuple(t for t in _NON_ALNUM.split(fold(text)) if t)


# The last digits of a number, as people read it out ("435 4080"): a Finnish subscriber number
# is 7 digits after the 2-3 digit area or network code.
PHONE_END_DIGITS = 7


def phone_tokens(e164: str | None) -> list[str]:
    """'+358401234567' -> ['358401234567', '0401234567', '1234567'] (the number's end too)."""
    if not e164:
        return []
    digits = e164.lstrip("+")
    out = [digits]
    if digits.startswith("358"):
        out.append("0" + digits[3:])
    if len(digits) > PHONE_END_DIGITS + 1:
        out.append(digits[-PHONE_END_DIGITS:])
    return out


def identifier_tokens(code: str | None) -> list[str]:
    """Order numbers and tracking codes: their parts and the whole code run together."""
    parts = tokens(code)
    return parts + (["".join(parts)] if len(parts) > 1 else [])


def customer_document(
    customer: dict[str, Any], postcodes: Iterable[str] = (), codes: Iterable[str] = ()
) -> str:
    """The text indexed for a customer: a space-separated list of tokens."""
    get = customer.get
    words = person_words(get("first_name"), get("last_name"), get("email"), get("phone"))
    for postcode in postcodes:
        words += tokens(postcode)
    for code in codes:
        words += identifier_tokens(code)
    return _joined(words)


def new_customer_document(
    first: str, last: str, email: str | None, phone: str | None, postcode: str | None
) -> str:
    """``customer_document`` of a customer an import creates, from its parts (no dict to
    build and read a million times)."""
    words = person_words(first, last, email, phone)
    if postcode:
        words += _tokens(postcode)
    return _joined(words)


def person_words(
    first: str | None, last: str | None, email: str | None, phone: str | None
) -> list[str]:
    """The tokens of a customer's names, email and phone, in the document's order."""
    words: list[str] = [*(_tokens(first) if first else ()), *(_tokens(last) if last else ())]
    if email:
        # not through the cache: every address is different, caching them only evicts names;
        # an ASCII address's tokens are its runs of letters and digits, found by one regex
        parts = (
            _ALNUM_RUN.findall(email.lower())
            if email.isascii()
            else [t for t in _NON_ALNUM.split(fold(email)) if t]
        )
        words += parts
        if len(parts) > 1:
            words.append("".join(parts))  # as identifier_tokens: the address run together
    if phone:
        words += phone_tokens(phone)
    return words


def _joined(words: list[str]) -> str:
    """The words, each once, in their order; a set tells the usual case (no word twice)
    quicker than the dict that keeps the order when one is."""
    return " ".join(words) if len(set(words)) == len(words) else " ".join(dict.fromkeys(words))


def query_tokens(query: str) -> list[str]:
    """Turn anything a person can type into safe prefix tokens.

    An email address (one word with an ``@``) becomes the single run-together token that
    ``identifier_tokens`` indexes, so ``anna.virtanen@gm`` is one precise prefix lookup
    instead of an AND over ``gm``/``com`` parts that half the register shares.
    """
    query = query.strip()
    if "@" in query and not any(ch.isspace() for ch in query):
        joined = "".join(tokens(query))
        return [joined] if joined else []
    if _PHONE_QUERY.match(query) and sum(ch.isdigit() for ch in query) >= 3:
        digits = re.sub(r"\D", "", query)
        if query.startswith("+"):
            return [digits]
        if digits.startswith("00"):
            return [digits[2:]]
        return [digits]
    return list(dict.fromkeys(tokens(query)))[:MAX_QUERY_TOKENS]
