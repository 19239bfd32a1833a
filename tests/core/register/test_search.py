import pytest

from finconsole.core.orders import orders
from finconsole.core.register import customers, find
from finconsole.core.store import search_index as search
from finconsole.core.store.models import Customer


@pytest.fixture
def people(db, officer):
    made = []
    for first, last, email, phone, postcode in [
        ("Anna", "Virtanen", "anna.virtanen@example.fi", "040 123 4567", "00730"),
        ("Anni", "Korhonen", "anni.k@example.com", "+358 50 765 4321", "02100"),
        ("Ähtäri", "Öljynen", "ahtari@example.fi", "", "33100"),
        ("[bold]Mallory[/]", "Virta", "m@example.fi", "", "90100"),
    ]:
        made.append(
            customers.create(
                officer,
                {"first_name": first, "last_name": last, "email": email, "phone": phone},
                {"postcode": postcode, "city": "X"},
            )
        )
    orders.create(officer, made[1]["id"], {"order_number": "FS-100234"})
    return made


def names(rows):
    return sorted(r["last_name"] for r in rows)


def test_two_words_narrow(people, officer):
    assert names(find.search(officer, "anna virt")) == ["Virtanen"]
    assert names(find.search(officer, "virt")) == ["Virta", "Virtanen"]


def test_accent_and_case_insensitive(people, officer):
    assert names(find.search(officer, "ahtari oljy")) == ["Öljynen"]
    assert names(find.search(officer, "ÖLJ")) == ["Öljynen"]


def test_email_phone_postcode_order(people, officer):
    assert names(find.search(officer, "anna.virtanen@exa")) == ["Virtanen"]
    for q in ("040 123 4567", "0401234567", "+358401234567", "00358 40 123", "040-123"):
        assert names(find.search(officer, q)) == ["Virtanen"], q
    assert names(find.search(officer, "02100")) == ["Korhonen"]
    assert names(find.search(officer, "FS-100234")) == ["Korhonen"]
    assert names(find.search(officer, "fs100234")) == ["Korhonen"]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "(",
        "*",
        "AND",
        "NEAR(",
        "a OR b",
        "🦊",
        "'; drop",
        "\x00",
        "[/x]",
        "^",
        "-",
        ":",
        "NOT x",
        '"anna"*',
    ],
)
def test_any_text_is_a_valid_query(people, officer, query):
    find.search(officer, query)


def test_markup_name_is_found_as_text(people, officer):
    assert names(find.search(officer, "mallory")) == ["Virta"]


def test_update_reindexes_and_restricted_hidden(people, officer, support):
    anna = people[0]
    customers.update(
        officer, anna["id"], anna["version"], {"last_name": "Mäkinen", "email": "anna@example.fi"}
    )
    assert names(find.search(officer, "virtanen")) == []
    assert names(find.search(officer, "makinen")) == ["Mäkinen"]
    Customer.update(restricted=True).where(Customer.id == anna["id"]).execute()
    assert names(find.search(support, "makinen")) == []
    assert names(find.search(officer, "makinen")) == ["Mäkinen"]


def test_keyset_paging(people, officer):
    first = find.search(officer, "example", limit=2)
    second = find.search(officer, "example", limit=2, after_id=first[-1]["id"])
    ids = [r["id"] for r in first + second]
    assert len(ids) == 4 and ids == sorted(ids)


def test_empty_query_lists_recent(people, officer):
    rows = find.search(officer, "  ")
    assert len(rows) == 4


def test_reindex_many_writes_what_reindex_writes(people, officer):
    from finconsole.core.store.models import Order as OrderModel
    from finconsole.core.store.models import Parcel

    order = OrderModel.get(OrderModel.order_number == "FS-100234")
    Parcel.create(order=order, carrier="posti", tracking_code="JJFI6400000012345")
    ids = [p["id"] for p in people]
    expected = {cid: search.document_for(cid) for cid in ids}
    assert search.documents_for([*ids, 999999]) == expected  # a missing id is left out
    search.reindex_many([*ids, ids[0]])
    assert names(find.search(officer, "JJFI64000")) == ["Korhonen"]
    assert names(find.search(officer, "anna virt")) == ["Virtanen"]  # once, not twice
    Customer.update(last_name="Uusinimi").where(Customer.id == ids[0]).execute()
    search.reindex_many(ids)
    assert names(find.search(officer, "uusinimi")) == ["Uusinimi"]
