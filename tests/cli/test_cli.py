"""The command line as scripts use it: exit codes, one-line errors, JSON output."""

import json
import stat

import peewee as pw
import pytest

from finconsole.cli import main
from finconsole.core.store import db as db_mod
from finconsole.core.store import models
from finconsole.core.store.models import Customer
from tests.cli.helpers import run


def one_clear_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and lines[0].startswith("finconsole: ")
    return lines[0]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FINCONSOLE_CONFIG", raising=False)
    return tmp_path


def test_init_writes_private_config_key_and_database(folder, capsys):
    code, out, err = run(capsys, "init")
    assert code == 0, err
    for name in ("config.toml", "finconsole.key", "finconsole.db"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
    assert "wrote config.toml" in out


def test_init_refuses_to_overwrite_without_force(folder, capsys):
    run(capsys, "init")
    before = (folder / "config.toml").read_text()
    code, _, err = run(capsys, "init", "--db", "sqlite:///other.db")
    assert code == 1 and "--force" in one_clear_line(err)
    assert (folder / "config.toml").read_text() == before
    code, _, err = run(capsys, "init", "--db", "sqlite:///other.db", "--force")
    assert code == 0, err
    assert "other.db" in (folder / "config.toml").read_text()


def test_init_with_unreachable_database_leaves_no_config(folder, capsys):
    code, _, err = run(capsys, "init", "--db", "postgresql://nobody@127.0.0.1:1/nothing")
    assert code == 1
    assert "cannot open the database" in one_clear_line(err)
    assert not (folder / "config.toml").exists()


def test_migrate_says_up_to_date(folder, capsys):
    run(capsys, "init")
    models.database.initialize(None)  # a fresh process: nothing bound yet
    code, out, err = run(capsys, "migrate")
    assert code == 0 and "up to date" in out, err


def test_demo_then_find_json(folder, capsys):
    run(capsys, "init")
    code, out, err = run(capsys, "demo", "--customers", "40", "--seed", "2")
    assert code == 0, err
    assert "added 40 demo customers" in out
    code, out, _ = run(capsys, "find", "a", "--json", "--limit", "5")
    rows = json.loads(out)
    assert code == 0 and 1 <= len(rows) <= 5
    for key in ("id", "first_name", "last_name", "email", "phone"):
        assert key in rows[0]
    name = f"{rows[0]['first_name']} {rows[0]['last_name'][:3]}"
    code, out, _ = run(capsys, "find", name, "--json")
    assert rows[0]["id"] in [r["id"] for r in json.loads(out)]


def test_demo_adds_an_officer_a_visitor_can_log_in_as(folder, capsys):
    import pyotp

    from finconsole.core.access import auth

    run(capsys, "init")
    code, out, err = run(capsys, "demo", "--customers", "3", "--officer-file", "officer.txt")
    assert code == 0, err
    assert "Demo officer: username" in out and "Recovery codes" in out
    assert stat.S_IMODE((folder / "officer.txt").stat().st_mode) == 0o600
    secret = out.split("Secret: ")[1].split()[0]
    password = out.split("Password: ")[1].split()[0]
    username = out.split("username ")[1].split()[0]
    db_mod.connect(f"sqlite:///{folder / 'finconsole.db'}")
    actor = auth.login(username, password, pyotp.TOTP(secret).now())
    assert actor.role == "officer"
    db_mod.close()


def test_demo_never_adds_an_officer_where_users_exist(folder, capsys):
    from finconsole.core.access import users
    from finconsole.core.kernel.actor import Actor

    run(capsys, "init")
    db_mod.connect(f"sqlite:///{folder / 'finconsole.db'}")
    users.create(Actor.cli(), "kaj", "officer", "correct horse battery")
    db_mod.close()
    code, out, err = run(capsys, "demo", "--customers", "3")
    assert code == 0, err
    assert "no demo officer added" in out and "Secret:" not in out


def test_demo_refuses_a_register_with_customers(folder, capsys):
    run(capsys, "init")
    run(capsys, "demo", "--customers", "5")
    code, _, err = run(capsys, "demo", "--customers", "5")
    assert code == 1 and "already has customers" in one_clear_line(err)


def test_find_without_results_and_any_text(folder, capsys):
    run(capsys, "init")
    code, out, _ = run(capsys, "find", 'NEAR( "x" AND *')
    assert code == 0 and "no customers found" in out
    code, out, _ = run(capsys, "find", "zzz", "--json")
    assert json.loads(out) == []


@pytest.mark.parametrize(
    "content, expected",
    [
        ("[database\nurl = 1", "not valid TOML"),
        ('[database]\nurl = "sqlite:///x.db"\ncolour = "red"', "unknown key 'colour'"),
        ("[database]\nurl = 5", "'database.url' must be a string"),
        ('[nonsense]\na = "b"', "unknown section [nonsense]"),
    ],
)
def test_bad_config_is_one_line(folder, capsys, content, expected):
    (folder / "config.toml").write_text(content)
    code, _, err = run(capsys, "find", "anna")
    assert code == 1 and expected in one_clear_line(err)
    assert "config.toml" in err


def test_missing_explicit_config(folder, capsys):
    code, _, err = run(capsys, "--config", "nowhere.toml", "find", "x")
    assert code == 1 and "not found" in one_clear_line(err)


def test_unreachable_database_url(folder, capsys):
    (folder / "config.toml").write_text(
        '[database]\nurl = "postgresql://nobody@127.0.0.1:1/nothing"\n'
    )
    code, _, err = run(capsys, "find", "anna")
    assert code == 1 and "cannot open the database" in one_clear_line(err)


def test_bad_database_url_scheme(folder, capsys):
    (folder / "config.toml").write_text('[database]\nurl = "mysql://x/y"\n')
    code, _, err = run(capsys, "migrate")
    assert code == 1 and "sqlite:///" in one_clear_line(err)


def test_database_newer_than_code(folder, capsys):
    run(capsys, "init")
    database = db_mod.make_database(f"sqlite:///{folder / 'finconsole.db'}")
    database.connect()
    database.execute_sql("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    database.close()
    for command in (["find", "x"], ["migrate"], ["demo", "--customers", "3"]):
        code, _, err = run(capsys, *command)
        assert code == 1 and "newer than this finconsole" in one_clear_line(err), command


@pytest.mark.parametrize(
    "argv",
    [["--bogus"], ["find"], ["find", "x", "--limit", "0"], ["demo", "--customers", "lots"],
     ["nonsense-command"]],
)  # fmt: skip
def test_usage_errors_exit_2(folder, capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_full_disk_is_one_line_and_nothing_half_written(folder, capsys, monkeypatch):
    run(capsys, "init")
    # a database that may not grow: SQLite answers "database or disk is full" as a full disk does
    database = db_mod.make_database(f"sqlite:///{folder / 'finconsole.db'}")
    database.connect()
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database.close()
    monkeypatch.setitem(db_mod.SQLITE_PRAGMAS, "max_page_count", pages + 40)
    code, _, err = run(capsys, "demo", "--customers", "3000")
    assert code == 1 and "full" in one_clear_line(err)
    monkeypatch.delitem(db_mod.SQLITE_PRAGMAS, "max_page_count")
    db_mod.connect(f"sqlite:///{folder / 'finconsole.db'}")
    try:
        assert Customer.select().count() == 0
        assert db_mod.database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db_mod.close()


def test_database_error_is_not_a_traceback(folder, capsys, monkeypatch):
    run(capsys, "init")

    def broken(*args, **kwargs):
        raise pw.OperationalError("disk I/O error\nmore detail")

    from finconsole.core.store import search_query

    monkeypatch.setattr(search_query, "matching_ids", broken)
    code, _, err = run(capsys, "find", "anna")
    assert code == 1 and one_clear_line(err) == (
        "finconsole: database error: the database file could not be read or written "
        "(disk I/O error)"
    )


def test_a_bug_is_one_line_unless_debugging(folder, capsys, monkeypatch):
    run(capsys, "init")

    def bug(*args, **kwargs):
        raise AttributeError("secret customer value")

    from finconsole.core.register import find

    monkeypatch.setattr(find, "search", bug)
    code, _, err = run(capsys, "find", "anna")
    line = one_clear_line(err)
    assert code == 1 and "internal error (AttributeError)" in line and "secret" not in line
    monkeypatch.setenv("FINCONSOLE_DEBUG", "1")
    with pytest.raises(AttributeError):
        main(["find", "anna"])


def test_demo_without_the_key_file_stops_before_loading(folder, capsys):
    run(capsys, "init")
    (folder / "finconsole.key").unlink()
    code, _, err = run(capsys, "demo", "--customers", "5")
    assert code != 0 and "key file not found" in one_clear_line(err)
    db_mod.connect(f"sqlite:///{folder / 'finconsole.db'}")
    try:
        assert Customer.select().count() == 0  # nothing loaded that would then lack an officer
    finally:
        db_mod.close()
