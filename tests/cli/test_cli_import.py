"""finconsole import KIND FILE [--rejects PATH]: exit 0 / 3 / 1 as the contract says."""

import csv
from pathlib import Path

from finconsole.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_import_with_rejects_exits_3_and_writes_them(config_file, tmp_path, capsys):
    rejects = tmp_path / "rejects.csv"
    source = FIXTURES / "woocommerce_customers.csv"
    code = main(
        [
            "--config",
            str(config_file),
            "import",
            "woocommerce-customers",
            str(source),
            "--rejects",
            str(rejects),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 3
    assert "created 250" in out and "rejected 2" in out
    assert "line 252: email and name are both missing" in err
    with rejects.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["line"] for r in rows] == ["252", "253"]
    assert rows[1]["reason"] == "email: is not a valid email address"
    assert rows[1]["customer_id"] == "9002"  # the row itself follows, to fix and re-import
    code = main(["--config", str(config_file), "import", "woocommerce-customers", str(source)])
    assert code == 3 and "unchanged 250" in capsys.readouterr().out


def test_clean_file_exits_0(config_file, tmp_path, capsys):
    clean = tmp_path / "clean.csv"
    clean.write_text(
        "\ufeffCustomer ID;First Name;Last Name;Email\r\n'1;Väinö;Äijälä;vaino@esimerkki.fi\r\n",
        encoding="utf-8",
    )
    code = main(["--config", str(config_file), "import", "shopify-customers", str(clean)])
    assert code == 0 and "created 1" in capsys.readouterr().out


def test_wrong_kind_of_file_exits_1_naming_missing_columns(config_file, capsys):
    source = FIXTURES / "shopify_customers.csv"
    code = main(["--config", str(config_file), "import", "woocommerce-orders", str(source)])
    err = capsys.readouterr().err
    assert code == 1
    assert "missing required columns: order_id, order_date, status, order_total" in err
    assert err.count("\n") == 1


def test_missing_file_exits_1(config_file, tmp_path, capsys):
    code = main(
        ["--config", str(config_file), "import", "shopify-orders", str(tmp_path / "nope.csv")]
    )
    assert code == 1 and "no such file" in capsys.readouterr().err


def test_one_row_per_order_woocommerce_export_exits_3_naming_the_bad_item(config_file, capsys):
    source = FIXTURES / "woocommerce_orders_line_items.csv"
    code = main(["--config", str(config_file), "import", "woocommerce-orders", str(source)])
    out, err = capsys.readouterr()
    assert code == 3
    assert "created 300" in out and "rejected 5" in out
    assert "line 52: line_items: item 2: quantity is not a whole number" in err
    code = main(["--config", str(config_file), "import", "woocommerce-orders", str(source)])
    assert code == 3 and "unchanged 300" in capsys.readouterr().out
