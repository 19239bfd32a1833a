"""The search documents an import makes (``new_customer_document``) are the documents
``customer_document`` makes of the same customer, whatever the values; an address's quick
path (ASCII) gives the tokens of the general one."""

from __future__ import annotations

import itertools

from finconsole.core.store.search_tokens import (
    customer_document,
    new_customer_document,
    person_words,
    tokens,
)

FIRST = ["Aino", "", "Åsa", "Jean-Luc", "O'Brien", "STRAßE", "aino"]
LAST = ["Virtanen", "", "Söderholm", "van der Berg", "fi"]
EMAIL = [
    None,
    "",
    "asiakas1@esimerkki.fi",
    "Anna.Virtanen+shop@Gmail.COM",
    "väinö@esimerkki.fi",
    "aino@aino.fi",  # a word of the name again: written once
    "x__y@@z",
    "@",
    "fi@fi.fi",
]
PHONE = [
    None,
    "",
    "+358401234567",
    "+3584012",  # too short for its end digits
    "+358",
    "+46701234567",
    "040 123 4567",  # kept as typed, for review
    "+358 40 123 4567",
    "++358401234567",
    "1234567",
]
POSTCODE = [None, "", "00730", "SW1A 1AA", "aino"]


def test_an_imported_customers_document_is_the_one_the_register_makes():
    for first, last, email, phone, postcode in itertools.product(
        FIRST, LAST, EMAIL, PHONE, POSTCODE
    ):
        customer = {"first_name": first, "last_name": last, "email": email, "phone": phone}
        expected = customer_document(customer, [postcode] if postcode else [])
        assert new_customer_document(first, last, email, phone, postcode) == expected, customer


def test_the_usual_customer_has_each_word_once_in_the_documents_order():
    document = new_customer_document(
        "Aino", "Virtanen", "asiakas1@esimerkki.fi", "+358401234567", "00730"
    )
    assert document == (
        "aino virtanen asiakas1 esimerkki fi asiakas1esimerkkifi "
        "358401234567 0401234567 1234567 00730"
    )


def test_an_addresss_words_are_the_tokens_of_the_address_whatever_its_letters():
    for email in [e for e in EMAIL if e] + ["Ä.B-c_d+e@Bücher.DE", "x\u00a0y@z.fi", "ØRJAN@x.fi"]:
        parts = tokens(email)
        expected = parts + (["".join(parts)] if len(parts) > 1 else [])
        assert person_words(None, None, email, None) == expected, email
