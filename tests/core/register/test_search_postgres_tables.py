"""PostgreSQL keeps a customer's tokens in two tables (terms and the document): an edit,
an erasure and a merge keep both in step, and an erased person leaves no row in either."""

import pytest

from finconsole.core.erasure import erasure
from finconsole.core.register import customers
from finconsole.core.store import search_index as search
from finconsole.core.store.db import is_sqlite
from finconsole.core.store.models import database


def _rows(customer_id: int) -> tuple[list[str], list[str]]:
    terms = database.execute_sql(
        f"SELECT term FROM {search.TERM_TABLE} WHERE customer_id = %s ORDER BY term",
        (customer_id,),
    ).fetchall()
    docs = database.execute_sql(
        f"SELECT doc FROM {search.DOC_TABLE} WHERE customer_id = %s", (customer_id,)
    ).fetchall()
    return [t for (t,) in terms], [d for (d,) in docs]


@pytest.fixture
def pg(db):
    if is_sqlite():
        pytest.skip("PostgreSQL tables")
    return db


def test_edit_and_erasure_keep_both_tables_in_step(pg, officer, clock):
    made = customers.create(
        officer, {"first_name": "Zqxwer", "last_name": "Poistuva", "email": "zq@example.fi"}
    )
    cid = made["id"]
    terms, docs = _rows(cid)
    assert "zqxwer" in terms and len(docs) == 1
    assert sorted(docs[0].split()) == terms
    customers.update(officer, cid, made["version"], {"first_name": "Uusinimi"})
    terms, docs = _rows(cid)
    assert "zqxwer" not in terms and "uusinimi" in terms and sorted(docs[0].split()) == terms
    erasure.erase(officer, cid)
    assert _rows(cid) == ([], [])
    hits = database.execute_sql(
        f"SELECT count(*) FROM {search.DOC_TABLE} WHERE doc LIKE %s OR doc LIKE %s",
        ("% uusinimi%", "% poistuva%"),
    ).fetchone()[0]
    assert hits == 0
