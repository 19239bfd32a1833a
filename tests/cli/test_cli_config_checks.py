"""Broken configurations and databases end in one clear line, never "internal error" (#16)."""

import pytest

from finconsole.core.access import audit
from finconsole.core.store import db as db_mod
from tests.cli.helpers import run


def one_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "internal error" not in err and lines[0].startswith("finconsole: ")
    return lines[0]


@pytest.fixture
def folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FINCONSOLE_CONFIG", raising=False)
    assert run(capsys, "init")[0] == 0
    return tmp_path


def add_to_config(folder, section, line):
    path = folder / "config.toml"
    text = path.read_text()
    path.write_text(text.replace(f"[{section}]\n", f"[{section}]\n{line}\n", 1))


@pytest.mark.parametrize(
    "section, line, key",
    [
        ("security", "lockout_minutes = 99999999999", "security.lockout_minutes"),
        ("retention", "voucher_years = 9000", "retention.voucher_years"),
        ("retention", "tracking_event_days = 9999999999999", "retention.tracking_event_days"),
    ],
)
def test_out_of_range_setting_is_one_line_naming_the_key(folder, capsys, section, line, key):
    path = folder / "config.toml"
    path.write_text(path.read_text().replace(f"{line.split(' =')[0]} = ", "# was "))
    add_to_config(folder, section, line)
    code, _, err = run(capsys, "notice")
    assert code == 1 and f"'{key}' must be between" in one_line(err)


def test_config_not_utf8(folder, capsys):
    (folder / "config.toml").write_bytes(b'[controller]\nname = "Caf\xe9"\n')
    code, _, err = run(capsys, "find", "x")
    assert code == 1 and "not UTF-8" in one_line(err)


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_database_is_refused(folder, capsys, url):
    code, _, err = run(capsys, "init", "--db", url, "--force")
    assert code == 1 and "in-memory SQLite" in one_line(err)


def test_schema_version_not_a_number(folder, capsys):
    database = db_mod.make_database(f"sqlite:///{folder / 'finconsole.db'}")
    database.connect()
    database.execute_sql("UPDATE meta SET value = 'abc' WHERE key = 'schema_version'")
    database.close()
    for command in (["find", "x"], ["migrate"]):
        code, _, err = run(capsys, *command)
        assert code == 1 and "schema version" in one_line(err), command


def test_garbage_audit_timestamp(folder, capsys, officer):
    database = db_mod.connect(f"sqlite:///{folder / 'finconsole.db'}")
    audit.record(officer, "login")
    audit.record(officer, "logout")
    database.execute_sql("UPDATE audit_event SET at = 'garbage' WHERE id = 1")
    db_mod.close()
    code, _, err = run(capsys, "audit", "verify")
    assert code == 1 and "broken at event 1: the event was changed" in one_line(err)
    code, out, err = run(capsys, "audit", "show")
    assert code == 0 and err == ""


def test_sslmode_require_is_a_clear_refusal(tmp_path, monkeypatch, capsys, pg_url):
    """The test server has no SSL: before #16 the parameter was ignored (plain text)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text(f'[database]\nurl = "{pg_url}?sslmode=require"\n')
    code, _, err = run(capsys, "find", "x")
    assert code == 1 and "SSL was required" in one_line(err)
