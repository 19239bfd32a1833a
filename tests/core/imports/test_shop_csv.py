"""The CSV reader and field parsers behind the shop importers."""

import datetime as dt

import pytest

from finconsole.core.imports.shop_csv import (
    CsvSource,
    ImportFormatError,
    money_cents,
    quantity,
    says_no,
    shop_id,
    sniff_delimiter,
    timestamp,
)
from finconsole.core.kernel import validation as v


@pytest.mark.parametrize(
    "text, cents",
    [
        ("12.50", 1250),
        ("12,50", 1250),
        ("1 234,50 €", 123450),
        ("1.234,50", 123450),
        ("1,234.50", 123450),
        ("-3.00", -300),
        ("", 0),
        ("EUR 5", 500),
    ],
)
def test_money(text, cents):
    assert money_cents(text) == cents


@pytest.mark.parametrize("text", ["kymppi", "1e999", "NaN", "12..5"])
def test_money_refuses_what_is_not_money(text):
    with pytest.raises(v.FieldError):
        money_cents(text)


def test_timestamps_become_naive_utc():
    assert timestamp("2026-03-01 14:22:05 +0200") == dt.datetime(2026, 3, 1, 12, 22, 5)
    # no zone: the shop's time zone (Europe/Helsinki by default, UTC+2 in March)
    assert timestamp("2026-03-01T14:22") == dt.datetime(2026, 3, 1, 12, 22)
    assert timestamp("2026-03-01T14:22", utc=True) == dt.datetime(2026, 3, 1, 14, 22)
    assert timestamp("1.3.2026 14.22") == dt.datetime(2026, 3, 1, 12, 22)
    assert timestamp("2026-03-01Z") == dt.datetime(2026, 3, 1)
    assert timestamp("") is None
    for bad in ("2026-02-30", "2026-13-01 10:00", "31.2.2026", "yesterday"):
        with pytest.raises(v.FieldError):
            timestamp(bad)


def test_small_parsers():
    assert shop_id(" '000123 ") == "000123"
    assert says_no("No") and says_no("0") and not says_no("") and not says_no("yes")
    assert sniff_delimiter('"a;b",c,d') == ","
    assert sniff_delimiter("a;b;c") == ";"


def test_reader_latin1_bom_crlf_and_quoted_newlines(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(
        'Id;Nimi;Huom\r\n1;Äijälä;"kaksi\r\nriviä"\r\n\r\n2;Öhman;\r\n'.encode("latin-1")
    )
    with CsvSource(path) as source:
        assert source.encoding == "cp1252" and source.delimiter == ";"
        rows = list(source)
        assert source.find("nimi") == 1
    assert rows == [(2, ["1", "Äijälä", "kaksi\r\nriviä"]), (5, ["2", "Öhman", ""])]


def test_reader_bom_header_and_missing_columns(tmp_path):
    path = tmp_path / "y.csv"
    path.write_text("\ufeffCustomer ID,Email\n1,a@b.fi\n", encoding="utf-8")
    with CsvSource(path) as source:
        assert source.encoding == "utf-8-sig"
        assert source.find("Customer ID") == 0
        with pytest.raises(ImportFormatError, match="missing required columns: First Name"):
            source.require("X", {"id": ("Customer ID",), "first": ("First Name",)})


def test_a_quote_never_closed_is_reported_not_swallowed(tmp_path):
    path = tmp_path / "z.csv"
    path.write_text('a,b\n1,ok\n2,"oops\n' + "3,x\n" * 300, encoding="utf-8")
    with CsvSource(path) as source, pytest.raises(ImportFormatError, match="line 3: a quoted"):
        list(source)


@pytest.mark.parametrize("text", ["kaksi", "inf", "-Infinity", "NaN"])
def test_quantity_refuses_what_is_not_a_number(text):
    with pytest.raises(v.FieldError, match="is not a number"):
        quantity(text)
