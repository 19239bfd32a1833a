import json

from finconsole.cli import main
from finconsole.core.store import db as db_mod
from finconsole.core.store.models import Parcel
from tests.factories import at, make_parcel


def _setup(config_file, officer):
    from finconsole.core.settings import config as config_mod

    db_mod.connect(config_mod.load(str(config_file)).database_url)
    stale = make_parcel(officer, code="RR123456785FI", shipped_at=at(1))
    Parcel.update(status="in_transit", last_event_at=at(2)).where(
        Parcel.id == stale["id"]
    ).execute()
    db_mod.close()
    return stale


def test_overdue_json(config_file, officer, clock, capsys):
    stale = _setup(config_file, officer)
    assert main(["--config", str(config_file), "parcels", "overdue", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["kind"], r["parcel_id"], r["reason"]) for r in rows] == [
        ("suspected_lost", stale["id"], "no_event")
    ]
    assert rows[0]["tracking_code"] == "RR123456785FI"
    assert "first_name" not in rows[0]


def test_overdue_text_and_empty(config_file, officer, clock, capsys):
    assert main(["--config", str(config_file), "parcels", "overdue"]) == 0
    assert capsys.readouterr().out.strip() == "nothing overdue"
    _setup(config_file, officer)
    assert main(["--config", str(config_file), "parcels", "overdue"]) == 0
    out = capsys.readouterr().out
    assert "suspected_lost" in out and "RR123456785FI" in out


def test_import_tracking_exit_3_with_rejects(config_file, officer, clock, tmp_path, capsys):
    _setup(config_file, officer)
    path = tmp_path / "t.csv"
    path.write_text(
        "tracking_code,time,event_code\n"
        "RR123456785FI,2026-03-14T10:00:00Z,71\n"
        "RR000000000FI,2026-03-14T10:00:00Z,71\n"
    )
    rejects = tmp_path / "rejects.csv"
    code = main(
        ["--config", str(config_file), "import", "tracking", str(path), "--rejects", str(rejects)]
    )
    assert code == 3
    captured = capsys.readouterr()
    assert "line 3: unknown tracking code" in captured.err
    assert "created 1" in captured.out
    assert rejects.read_text().startswith("line,reason")
    code = main(["--config", str(config_file), "import", "tracking", str(path)])
    assert code == 3
    assert "created 0" in capsys.readouterr().out
