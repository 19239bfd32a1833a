"""The customer import's helper process: the same results as parsing in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from finconsole.core.imports import registry, shop_pipeline
from finconsole.core.imports.import_result import ImportStopped
from finconsole.core.store import search_query
from finconsole.core.store.models import Customer

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SHOPIFY_CUSTOMERS = FIXTURES / "shopify_customers.csv"


@pytest.fixture(params=[0, 1 << 40], ids=["helper", "in-process"])
def helper_process(monkeypatch, request):
    """Every file parsed in the helper process (in small batches), then in-process."""
    monkeypatch.setattr(shop_pipeline, "IN_PROCESS_BYTES", request.param)
    monkeypatch.setattr(shop_pipeline, "BATCH", 7)


def _summary(result):
    return (result.created, result.updated, result.unchanged, result.rejected)


def test_helper_process_imports_as_in_process(sqlite_db, officer, helper_process):
    seen = []
    result = registry.import_file(
        officer, "shopify-customers", SHOPIFY_CUSTOMERS, progress=lambda *a: seen.append(a)
    )
    assert _summary(result) == (300, 0, 0, 3)
    assert seen[-1][0] == 303
    assert [r.line for r in result.rejects] == sorted(r.line for r in result.rejects)
    assert all(r.raw for r in result.rejects)  # the cells travel too, for the rejects file
    again = registry.import_file(officer, "shopify-customers", SHOPIFY_CUSTOMERS)
    assert _summary(again) == (0, 0, 300, 3)
    customer = Customer.get(Customer.shop_ref == "shopify:7000001")
    assert search_query.matching_ids(customer.email, 10) == [customer.id]


def test_helper_process_error_comes_after_the_rows_before_it(
    sqlite_db, officer, helper_process, tmp_path
):
    lines = SHOPIFY_CUSTOMERS.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    broken = tmp_path / "broken.csv"
    # a header and 10 records on one line each, then a quote never closed
    head = [lines[0]] + [line for line in lines[1:] if line.count('"') == 2][:10]
    broken.write_text("".join(head) + "'124,\"never closed\n" + "x,y\n" * 300, encoding="utf-8")
    with pytest.raises(ImportStopped, match="never closed.*10 records were written") as err:
        registry.import_file(officer, "shopify-customers", broken)
    assert err.value.result.created == 10
    assert Customer.select().count() == 10


def test_records_cross_the_pipe_whole():
    from finconsole.core.imports.shop_formats import CustomerRecord

    record = CustomerRecord(5, "shopify:1", "Aino", "Virtanen", "a@b.fi", None)
    record.address, record.marketing_no, record.document = {"postcode": "00100"}, True, "aino"
    assert CustomerRecord(*shop_pipeline._as_tuple(record)) == record
