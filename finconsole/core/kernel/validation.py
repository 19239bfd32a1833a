"""Field validators shared by every service and importer. Each returns the clean value or
raises ``FieldError`` with a message that never repeats the rejected value."""

from __future__ import annotations

import functools
import re
from typing import Any

_EMAIL = re.compile(r"^[^@\s\x00-\x1f]{1,64}@[^@\s\x00-\x1f]+\.[^@\s\x00-\x1f.]{2,}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class FieldError(ValueError):
    pass


def text(value: object, *, max_length: int, required: bool = False, multiline: bool = False) -> str:
    """Trimmed text without control characters (newlines only where ``multiline``)."""
    if not value and not required:
        return ""  # the common empty cell, cheaply (imports validate millions)
    clean = "" if value is None else str(value).strip()
    if not multiline and ("\n" in clean or "\r" in clean):
        raise FieldError("must be on one line")
    if _CONTROL.search(clean.replace("\t", " ")):
        raise FieldError("contains control characters")
    if required and not clean:
        raise FieldError("is required")
    if len(clean) > max_length:
        raise FieldError(f"is longer than {max_length} characters")
    return clean


def email(value: object) -> str | None:
    """A syntactically valid address, domain lower-cased; empty -> None."""
    raw = text(value, max_length=254)
    if not raw:
        return None
    if not _EMAIL.match(raw) or ".." in raw:
        raise FieldError("is not a valid email address")
    local, domain = raw.rsplit("@", 1)
    if domain.isascii():
        # what the idna codec checks of an ASCII domain, without its per-label machinery
        if not all(0 < len(label) < 64 for label in domain.split(".")):
            raise FieldError("is not a valid email address")
        return f"{local}@{domain.lower()}"
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise FieldError("is not a valid email address") from None
    return f"{local}@{domain}"


# An address as nearly every row writes it (ASCII, lower-case domain, no quoted or odd
# parts): what ``email`` returns for it is the value itself, found with one regex instead of
# its checks one by one. Anything else goes through ``email``, which stays the authority.
_PLAIN_EMAIL = re.compile(
    r"(?=[^@]{1,64}@)[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*@(?:[a-z0-9\-]{1,63}\.)+[a-z]{2,63}"
)


def plain_email(value: str) -> bool:
    """Is ``value`` an address ``email`` returns unchanged, told by one regex (False: ask
    ``email``)?"""
    return len(value) <= 254 and _PLAIN_EMAIL.fullmatch(value) is not None


def phone(value: object, region: str = "FI") -> str | None:
    """E.164, a number written without a country code read as one of ``region`` (the
    customer's country, see ``phone_region``): '040 123 4567' -> '+358401234567',
    ('071 407 1173', 'ZA') -> '+27714071173'; empty -> None."""
    if region == "FI" and isinstance(value, str) and (plain := plain_finnish_phone(value)):
        return plain  # the usual number, as imports bring a million of them: one regex
    raw = text(value, max_length=40)
    if not raw:
        return None
    if region == "FI" and (fast := _finnish_e164(raw)):
        return fast
    import phonenumbers  # ~120 ms of metadata: loaded on first use, not at console start

    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise FieldError("is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise FieldError("is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_region(*countries: object, default: str = "FI") -> str:
    """The first of ``countries`` (ISO codes, any case; empty or unknown ones skipped) that
    phone numbering knows, else ``default``: the country a national number is read in."""
    for country in countries:
        code = str(country or "").strip().upper()
        if len(code) == 2 and code in _phone_regions():
            return code
    return default


@functools.cache
def _phone_regions() -> frozenset[str]:
    import phonenumbers

    return frozenset(phonenumbers.SUPPORTED_REGIONS)


_SPACES = re.compile(r"\s+")


def phone_as_typed(value: object) -> str:
    """A number no country's plan reads, kept for a person to check: as typed, less control
    characters and runs of spaces, at most 40 characters (the column's width)."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", str(value or ""))).strip()[:40]


@functools.cache
def _fi_tables() -> tuple[list[tuple[re.Pattern, tuple[int, ...]]], re.Pattern]:
    """Finnish mobile/landline patterns from phonenumbers' metadata (built on first use)."""
    import phonenumbers

    meta: Any = phonenumbers.PhoneMetadata.metadata_for_region("FI")  # always there for FI
    patterns = [
        (re.compile(desc.national_number_pattern), tuple(desc.possible_length))
        for desc in (meta.mobile, meta.fixed_line)
    ]
    return patterns, re.compile(meta.general_desc.national_number_pattern)


_SEPARATORS = re.compile(r"[\s\-().]")


def plain_finnish_phone(raw: str) -> str | None:
    """E.164 of a Finnish number written with no separators (``+358401234567``,
    ``0401234567``), by one regex; None: ask ``phone``."""
    match = _fi_plain().fullmatch(raw)
    return "+358" + match[1] if match else None


@functools.cache
def _fi_plain() -> re.Pattern:
    """``_fi_tables``' tests as one pattern: the national number matches the general pattern
    and the mobile or landline pattern at one of that type's lengths (ASCII digits only)."""
    patterns, general = _fi_tables()
    kinds = "|".join(
        f"(?=(?:{'|'.join(f'[0-9]{{{n}}}' for n in lengths if n > 0)})\\Z)(?:{pattern.pattern})"
        for pattern, lengths in patterns
        if any(n > 0 for n in lengths)  # -1: the metadata's "no number of this type"
    )
    return re.compile(f"(?:\\+358|0(?!0))((?=(?:{general.pattern})\\Z)(?:{kinds}))")


def _finnish_e164(raw: str) -> str | None:
    """A fast yes for ordinary Finnish mobile and landline numbers (imports validate a
    million of them); None means "ask phonenumbers", which stays the authority. ASCII digits
    only (``str.isdigit`` and ``\\d`` take any script's, which would be stored as typed)."""
    return plain_finnish_phone(_SEPARATORS.sub("", raw))


def format_phone(e164: str | None) -> str:
    """How a stored number is shown: international format, readable."""
    if not e164:
        return ""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def postcode(value: object, country: str = "FI") -> str:
    raw = text(value, max_length=16)
    if country == "FI" and raw and not re.fullmatch(r"\d{5}", raw):
        raise FieldError("must be 5 digits")
    return raw


def country(value: object) -> str:
    raw = text(value, max_length=2).upper() or "FI"
    if not re.fullmatch(r"[A-Z]{2}", raw):
        raise FieldError("must be a two-letter country code")
    return raw


def choice(value: object, allowed: tuple[str, ...]) -> str:
    raw = text(value, max_length=32)
    if raw not in allowed:
        raise FieldError("must be one of " + ", ".join(allowed))
    return raw
