import datetime as dt

import pytest

from finconsole.core.erasure import holds
from finconsole.core.kernel.errors import ConfigError
from finconsole.core.store.models import Order


def order(invoice="paid", collection="none", at=dt.datetime(2026, 2, 1), invoiced=None):
    return Order(
        id=1,
        order_number="H-1",
        invoice_status=invoice,
        collection_status=collection,
        ordered_at=at,
        invoiced_at=invoiced,
    )


@pytest.mark.parametrize(
    "invoice, collection, codes",
    [
        ("none", "none", []),
        ("paid", "none", ["voucher"]),
        ("credited", "closed", ["voucher"]),
        ("open", "none", ["voucher", "open_invoice"]),
        ("open", "active", ["voucher", "open_invoice", "collection"]),
        ("none", "active", ["collection"]),
    ],
)
def test_which_holds_apply(invoice, collection, codes):
    assert [h.code for h in holds.holds_of(order(invoice, collection))] == codes


def test_voucher_counts_from_the_invoice_date_and_the_financial_year(runtime_config):
    # invoiced on 31 Dec 2026: FY 2026 ends that day -> kept to the end of 2032
    assert holds.voucher_kept_until(dt.date(2026, 12, 31)) == dt.date(2032, 12, 31)
    late = order(at=dt.datetime(2026, 12, 30), invoiced=dt.datetime(2027, 1, 2))
    assert holds.holds_of(late)[0].until == dt.date(2033, 12, 31)
    runtime_config.data["retention"]["financial_year_end"] = "04-30"
    assert holds.financial_year_end(dt.date(2026, 5, 1)) == dt.date(2027, 4, 30)
    assert holds.voucher_kept_until(dt.date(2026, 4, 30)) == dt.date(2032, 12, 31)
    runtime_config.data["retention"]["voucher_years"] = 10
    assert holds.voucher_kept_until(dt.date(2026, 4, 30)) == dt.date(2036, 12, 31)


def test_february_29_year_end_and_bad_settings(runtime_config):
    runtime_config.data["retention"]["financial_year_end"] = "02-29"
    assert holds.financial_year_end(dt.date(2027, 2, 28)) == dt.date(2027, 2, 28)
    assert holds.financial_year_end(dt.date(2027, 3, 1)) == dt.date(2028, 2, 29)
    for bad in ("12/31", "13-01", "x"):
        runtime_config.data["retention"]["financial_year_end"] = bad
        with pytest.raises(ConfigError, match="financial_year_end"):
            holds.financial_year_end(dt.date(2026, 1, 1))


def test_active_holds_and_erase_day():
    old = order(invoice="paid", at=dt.datetime(2019, 6, 1))  # kept to 2025-12-31
    assert holds.active_holds(old, dt.date(2025, 12, 31)) != []
    assert holds.active_holds(old, dt.date(2026, 1, 1)) == []
    both = holds.holds_of(order(invoice="open"))
    assert holds.erase_on(both) == dt.date(2033, 1, 1)
    assert holds.erase_on(holds.holds_of(order("none", "active"))) is None
