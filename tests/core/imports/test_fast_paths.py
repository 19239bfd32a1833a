"""The import's one-regex shortcuts (``validation.plain_email``, ``plain_finnish_phone``) say
yes only where the validators they skip give the same value, and no (ask the validator) for
everything else: a shortcut can make an import faster, never make it store something else."""

from __future__ import annotations

import itertools

import pytest

from finconsole.core.kernel import validation as v

EMAILS = [
    "a@b.fi",
    "asiakas1@esimerkki.fi",
    "a+b%c_d-e@x-y.co.uk",
    "A.B@example.com",
    "A.B@Example.COM",  # the domain is lower-cased by ``email``: not plain
    "a@x.FI",
    "a@X.fi",
    "a..b@x.fi",
    ".a@x.fi",
    "a.@x.fi",
    "a@x",
    "a@x.f",
    "a@x..fi",
    "a@x.fi.",
    "a@-x.fi",
    "a@1.23",
    "ä@x.fi",
    "a@bücher.de",
    "a b@x.fi",
    "a@b@c.fi",
    "x" * 64 + "@a.fi",
    "x" * 65 + "@a.fi",
    "a@" + "b" * 63 + ".fi",
    "a@" + "b" * 64 + ".fi",
    "a@" + ("b" * 60 + ".") * 5 + "fi",  # over 254 characters
    "a@b.fi\n",
    "",
]


def email_or_error(value: str) -> str | None:
    try:
        return v.email(value)
    except v.FieldError:
        return "rejected"


@pytest.mark.parametrize("value", EMAILS)
def test_a_plain_email_is_what_the_validator_returns(value):
    if v.plain_email(value):
        assert email_or_error(value) == value


def test_the_usual_addresses_are_plain():
    assert v.plain_email("asiakas1@esimerkki.fi")
    assert v.plain_email("first.last+shop@mail.example.co.uk")
    assert not v.plain_email("A.B@Example.COM")  # the validator changes it
    assert not v.plain_email("a..b@x.fi")  # the validator refuses it


def phone_or_error(value: str) -> str | None:
    """What phonenumbers, the validator's authority, makes of it (``v.phone``'s own fast path
    is this shortcut after its separators are removed: no witness of it)."""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, "FI")
    except phonenumbers.NumberParseException:
        return "rejected"
    if not phonenumbers.is_valid_number(number):
        return "rejected"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


PREFIXES = ["+358", "0", "00", "+35", "358", "+46", ""]
NATIONALS = ["40", "401", "50", "9", "91", "18", "13", "71", "75", "20", "29", "30", "10", "1"]


@pytest.mark.parametrize(("prefix", "start"), list(itertools.product(PREFIXES, NATIONALS)))
def test_a_plain_finnish_phone_is_what_the_validator_returns(prefix, start):
    for length in range(2, 14):
        raw = prefix + (start + "1234567890123")[:length]
        if (plain := v.plain_finnish_phone(raw)) is not None:
            assert phone_or_error(raw) == plain, raw


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+358401234567", "+358401234567"),
        ("0401234567", "+358401234567"),
        ("0912345678", "+358912345678"),
        ("040 123 4567", None),  # separators: the validator reads it
        ("00358401234567", None),
        ("+3584012345678901", None),
        ("040\u0661\u0662\u0663\u0664\u0665\u0666\u0667", None),  # digits, not ASCII ones
    ],
)
def test_plain_finnish_phones(raw, e164):
    assert v.plain_finnish_phone(raw) == e164


@pytest.mark.parametrize("typed", ["040١٢٣٤٥٦٧", "+35840١٢٣٤٥٦٧", "０４０１２３４５６７"])
def test_digits_of_other_scripts_are_stored_as_ascii_digits(typed):
    """``str.isdigit`` and ``\\d`` take Arabic-Indic or full-width digits: the fast path once
    stored them as typed (``+35840١٢٣٤٥٦٧``); phonenumbers reads them as the digits they are."""
    stored = v.phone(typed, "FI")
    assert stored is not None and stored.isascii()
    assert stored.startswith("+35840") and stored[1:].isdigit()
