"""Database URLs (#16): in-memory SQLite refused, PostgreSQL parameters reach the driver."""

import pytest

from finconsole.core.kernel.errors import DatabaseError
from finconsole.core.store import db as db_mod


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///:memory:"])
def test_in_memory_sqlite_is_refused(url):
    with pytest.raises(DatabaseError, match="in-memory SQLite"):
        db_mod.make_database(url)


def test_postgres_parameters_are_passed_through():
    params = db_mod.postgres_parameters(
        "postgresql://u:p%40ss@db.example:6432/reg?sslmode=verify-full"
        "&sslrootcert=/etc/ca.pem&connect_timeout=9&application_name=fc"
    )
    assert params["sslmode"] == "verify-full" and params["sslrootcert"] == "/etc/ca.pem"
    assert params["connect_timeout"] == "9" and params["application_name"] == "fc"
    assert params["password"] == "p@ss" and params["port"] == 6432
    assert db_mod.postgres_parameters("postgresql://u@h/d")["connect_timeout"] == 5


def test_unknown_postgres_parameter_is_refused_by_name():
    with pytest.raises(DatabaseError, match="unknown connection parameter 'sslmdoe'"):
        db_mod.postgres_parameters("postgresql://u@h/d?sslmdoe=require")


def test_sslmode_require_against_a_server_without_ssl_is_refused(pg_url):
    """The test server has no SSL: before #16 the parameter was dropped and the console talked
    in plain text; now the driver refuses, in one line."""
    with pytest.raises(DatabaseError, match="cannot open the database: .*SSL") as info:
        db_mod.connect(pg_url + "?sslmode=require")
    assert "\n" not in str(info.value)
    db_mod.close()
