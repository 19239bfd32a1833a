"""Input that is no export ends the import with one line and exit 1 before anything is
written; a bad value in one row rejects only that row (exit 3)."""

from __future__ import annotations

import csv
import os

import pytest

from finconsole.cli import main
from finconsole.core.imports.reading import limits
from finconsole.core.store import db as db_mod
from finconsole.core.store.models import AuditEvent, Customer, Order, OrderLine

ORDER_HEADER = "Name,Email,Created at,Total,Lineitem name,Lineitem quantity,Billing Country\n"


def run(config_file, kind, path, *extra):
    return main(["--config", str(config_file), "import", kind, str(path), *extra])


def nothing_written(db_url) -> bool:
    db_mod.connect(db_url, migrate=True)
    try:
        return Customer.select().count() == 0 and AuditEvent.select().count() == 0
    finally:
        db_mod.close()


@pytest.mark.parametrize("kind", ["shopify-customers", "tracking"])
def test_a_fifo_is_refused_without_blocking(config_file, db_url, tmp_path, capsys, kind):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert run(config_file, kind, fifo) == 1
    err = capsys.readouterr().err
    assert "is a FIFO (named pipe), not a regular file" in err and err.count("\n") == 1
    assert nothing_written(db_url)


@pytest.mark.parametrize("kind", ["shopify-orders", "tracking"])
def test_dev_zero_is_refused_at_once(config_file, capsys, kind):
    assert run(config_file, kind, "/dev/zero") == 1
    assert "/dev/zero is a device, not a regular file" in capsys.readouterr().err


def test_a_directory_is_refused(config_file, tmp_path, capsys):
    assert run(config_file, "woocommerce-customers", tmp_path) == 1
    assert "is a directory" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("kind", "size"),
    [
        ("shopify-customers", limits.MAX_LINE_BYTES + 10),
        ("tracking", limits.MAX_LINE_BYTES + 10),
        ("shopify-orders", (16 << 20) + 1),  # the reported case: an internal error before
    ],
)
def test_a_header_line_over_the_limit_is_refused(config_file, db_url, tmp_path, capsys, kind, size):
    path = tmp_path / "huge.csv"
    path.write_text("Customer ID," + "x" * size + "\n'1,a\n")
    assert run(config_file, kind, path) == 1
    err = capsys.readouterr().err
    assert "line 1 is longer than 1 MiB" in err and err.count("\n") == 1
    assert nothing_written(db_url)


def test_a_long_line_deep_in_the_file_is_refused_before_any_row(
    config_file, db_url, tmp_path, capsys
):
    rows = "".join(f"'{i},Aino,Lahti,a{i}@esimerkki.fi\n" for i in range(30_000))
    path = tmp_path / "long.csv"
    path.write_text(
        "Customer ID,First Name,Last Name,Email\n" + rows + "'x,y,z," + "w" * (2 << 20) + "\n"
    )
    assert run(config_file, "shopify-customers", path) == 1
    assert "line 30002 is longer than 1 MiB" in capsys.readouterr().err
    assert nothing_written(db_url)


def test_file_over_the_size_limit_is_refused(config_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1 << 30)
    path = tmp_path / "sparse.csv"
    with path.open("wb") as fh:
        fh.truncate((1 << 30) + 1)  # sparse: costs no disk
    assert run(config_file, "shopify-customers", path) == 1
    assert "larger than the import limit of 1 GiB" in capsys.readouterr().err


def test_deeply_nested_json_line_is_a_rejected_row(config_file, tmp_path, capsys):
    path = tmp_path / "events.jsonl"
    path.write_text('{"tracking_code": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    assert run(config_file, "tracking", path) == 3
    assert "line 1: JSON nested deeper than 64 levels" in capsys.readouterr().err


def test_deeply_nested_json_document_is_a_file_fault():
    with pytest.raises(limits.ImportFormatError, match="nested deeper than 64 levels"):
        limits.load_json_document("[" * 100_000 + "]" * 100_000)
    assert limits.load_json_document('{"a": "[[[[", "b": [[1]]}') == {"a": "[[[[", "b": [[1]]}


def test_year_0001_rejects_its_order_not_the_import(config_file, db_url, tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_text(
        ORDER_HEADER
        + "#1,a@esimerkki.fi,0001-01-01 00:00:00 +0200,10.00,Kirja,1,FI\n"
        + "#2,b@esimerkki.fi,2026-02-01 12:00:00 +0200,10.00,Kirja,1,FI\n"
    )
    assert run(config_file, "shopify-orders", path) == 3
    out, err = capsys.readouterr()
    assert "line 2: Created at: is not a possible date" in err
    assert "created 1" in out and "rejected 1" in out
    db_mod.connect(db_url, migrate=True)
    try:
        assert [o.order_number for o in Order.select()] == ["#2"]
    finally:
        db_mod.close()


def test_a_fractional_quantity_is_rejected_never_cut(config_file, db_url, tmp_path, capsys):
    path = tmp_path / "orders.csv"
    path.write_text(
        ORDER_HEADER
        + '#1,a@esimerkki.fi,2026-02-01 12:00:00 +0200,10.00,Kirja,"1,5",FI\n'
        + '#2,b@esimerkki.fi,2026-02-01 12:00:00 +0200,10.00,Kirja,"2,00",FI\n'
    )
    assert run(config_file, "shopify-orders", path) == 3
    assert "line 2: Lineitem quantity: is not a whole number" in capsys.readouterr().err
    db_mod.connect(db_url, migrate=True)
    try:
        assert [(line.order.order_number, line.quantity) for line in OrderLine.select()] == [
            ("#2", 2)
        ]
    finally:
        db_mod.close()


CUSTOMERS = "Customer ID,First Name,Last Name,Email\n" + "".join(
    f"'{i},Aino,Lahti,a{i}@esimerkki.fi\n" for i in range(1, 13)
)


@pytest.mark.parametrize("where", ["missing/rejects.csv", "."])
def test_an_unwritable_rejects_path_fails_before_anything_is_written(
    config_file, db_url, tmp_path, capsys, where
):
    path = tmp_path / "customers.csv"
    path.write_text(CUSTOMERS + "'13,,,\n")
    assert run(config_file, "shopify-customers", path, "--rejects", str(tmp_path / where)) == 1
    err = capsys.readouterr().err
    assert "cannot write the rejects file" in err and err.count("\n") == 1
    assert nothing_written(db_url)


def test_a_fault_after_committed_rows_exits_4_saying_how_many(
    config_file, db_url, tmp_path, capsys
):
    path = tmp_path / "broken.csv"
    path.write_text(CUSTOMERS + "'13,,,\n" + "'99,\"never closed\n" + "x,y\n" * 300)
    rejects = tmp_path / "rejects.csv"
    assert run(config_file, "shopify-customers", path, "--rejects", str(rejects)) == 4
    out, err = capsys.readouterr()
    assert "line 14: email and name are both missing" in err
    assert "import stopped: line 15: a quoted field is never closed" in err
    assert "12 records were written before it" in err
    assert "created 12" in out
    assert rejects.read_text().splitlines()[1].startswith("14,email and name are both missing")
    db_mod.connect(db_url, migrate=True)
    try:
        assert Customer.select().count() == 12
    finally:
        db_mod.close()


def test_a_fault_before_any_row_was_written_still_exits_1(config_file, db_url, tmp_path, capsys):
    path = tmp_path / "broken.csv"
    path.write_text("Customer ID,First Name,Last Name,Email\n'1,\"never closed\n" + "x,y\n" * 300)
    assert run(config_file, "shopify-customers", path) == 1
    assert "line 2: a quoted field is never closed" in capsys.readouterr().err
    assert nothing_written(db_url)


def test_rejects_file_neutralises_formulas_in_the_header_too(config_file, tmp_path, capsys):
    path = tmp_path / "customers.csv"
    path.write_text("Customer ID,First Name,Last Name,Email,=HYPERLINK(1)\n'1,,,,=2+3\n")
    rejects = tmp_path / "rejects.csv"
    assert run(config_file, "shopify-customers", path, "--rejects", str(rejects)) == 3
    header, row = rejects.read_text().splitlines()
    assert header.endswith(",'=HYPERLINK(1)") and row.endswith(",'=2+3")


def test_millions_of_bad_rows_are_counted_not_kept(config_file, tmp_path, capsys, monkeypatch):
    from finconsole.core.imports import import_result

    monkeypatch.setattr(import_result, "MAX_KEPT", 50)
    path = tmp_path / "bad.csv"
    path.write_text("Customer ID,First Name,Last Name,Email\n" + "'1,,,\n" * 500)
    rejects = tmp_path / "rejects.csv"
    assert run(config_file, "shopify-customers", path, "--rejects", str(rejects)) == 3
    out, err = capsys.readouterr()
    assert "rejected 500" in out
    assert "only the first 50 rejects and warnings are listed (450 more were counted)" in err
    assert len(rejects.read_text().splitlines()) == 51


def test_a_phone_kept_as_typed_is_a_warning_not_a_reject(config_file, tmp_path, capsys):
    path = tmp_path / "customers.csv"
    path.write_text(
        "Customer ID,First Name,Last Name,Email,Phone,Default Address Country Code\n"
        "'1,Thandi,Nkosi,t@example.co.za,071 407 1173,ZA\n"
        "'2,Eero,Puhelin,e@esimerkki.fi,soita iltaisin,FI\n"
    )
    rejects = tmp_path / "rejects.csv"
    assert run(config_file, "shopify-customers", path, "--rejects", str(rejects)) == 0
    out, err = capsys.readouterr()
    assert "created 2" in out and "rejected 0, warnings 1" in out
    assert "line 3: warning: phone: not a valid phone number" in err
    with rejects.open(encoding="utf-8") as fh:
        (row,) = list(csv.DictReader(fh))
    assert (row["line"], row["kind"], row["Phone"]) == ("3", "warning", "soita iltaisin")
