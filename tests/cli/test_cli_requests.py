import csv
import io
import json

import pytest

from finconsole.cli import main
from finconsole.core.register import customers
from finconsole.core.rights import requests
from finconsole.core.store import db as db_mod
from finconsole.core.store.models import AuditEvent


@pytest.fixture
def setup(db, db_url, config_file, officer, clock):
    c = customers.create(
        officer, {"first_name": "Anna", "last_name": "Virtanen", "email": "anna@example.fi"}
    )
    requests.record(officer, {"kind": "access", "channel": "letter", "customer_id": c["id"]})
    return {"config": str(config_file), "id": c["id"], "url": db_url}


def run(setup, *args):
    return main(["--config", setup["config"], *args])


def test_export_json_to_stdout(setup, capsys):
    assert run(setup, "export", str(setup["id"])) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["customer"]["last_name"] == "Virtanen"
    db_mod.connect(setup["url"])
    assert AuditEvent.select().where(AuditEvent.action == "export_customer").count() == 1


def test_export_text_to_file_mode_0600(setup, tmp_path, capsys):
    out = tmp_path / "letter.txt"
    code = run(
        setup, "export", str(setup["id"]), "--format", "text", "--lang", "en", "-o", str(out)
    )
    assert code == 0 and "wrote" in capsys.readouterr().out
    assert "Access request" in out.read_text() and out.stat().st_mode & 0o777 == 0o600


def test_export_errors_are_one_line(setup, tmp_path, capsys):
    assert run(setup, "export", "99999") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no customer with id 99999" in err
    assert run(setup, "export", str(setup["id"]), "-o", str(tmp_path / "no" / "x.json")) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    with pytest.raises(SystemExit) as exit_info:
        run(setup, "export", "abc")
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        run(setup, "export", "1", "--format", "xml")
    assert exit_info.value.code == 2


def test_audience_statistics_to_file(setup, tmp_path, capsys):
    out = tmp_path / "stats.csv"
    assert run(setup, "audience", "--purpose", "statistics", "-o", str(out)) == 0
    assert "wrote 1 rows" in capsys.readouterr().out
    text = out.read_text()
    assert "Virtanen" not in text and "@" not in text
    assert out.stat().st_mode & 0o777 == 0o600
    assert list(csv.DictReader(io.StringIO(text)))[0]["row"] == "1"


def test_audience_marketing_to_stdout(setup, capsys):
    assert run(setup, "audience", "--purpose", "marketing") == 0
    captured = capsys.readouterr()
    assert "anna@example.fi" in captured.out and captured.err.strip() == "1 rows"
    with pytest.raises(SystemExit) as exit_info:
        run(setup, "audience", "--purpose", "profiling")
    assert exit_info.value.code == 2


def test_requests_list(setup, capsys):
    assert run(setup, "requests") == 0
    out = capsys.readouterr().out
    assert "R-2026-0001" in out and "access" in out
    assert run(setup, "requests", "--json") == 0
    assert json.loads(capsys.readouterr().out)[0]["reference"] == "R-2026-0001"


def test_audience_unwritable_path_is_one_line_and_leaves_nothing(setup, tmp_path, capsys):
    target = tmp_path / "missing" / "list.csv"
    assert run(setup, "audience", "--purpose", "marketing", "-o", str(target)) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("finconsole: ")
    assert not target.parent.exists()


def test_requests_list_empty(db, db_url, config_file, capsys):
    assert main(["--config", str(config_file), "requests"]) == 0
    assert capsys.readouterr().out.strip() == "no open requests"
