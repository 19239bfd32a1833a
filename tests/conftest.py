"""Fixtures: every database test runs on SQLite, and on PostgreSQL when
FINCONSOLE_TEST_PG_URL is set (each test process gets a database of its own)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from pathlib import Path

import peewee as pw
import pytest

from finconsole.core.kernel import clock as clock_mod
from finconsole.core.kernel.actor import Actor
from finconsole.core.settings import config as config_mod
from finconsole.core.settings import keys, runtime
from finconsole.core.store import db as db_mod
from finconsole.core.store.models import ALL_MODELS

PG_URL = os.environ.get("FINCONSOLE_TEST_PG_URL")
BACKENDS = ["sqlite", "postgres"]


def pytest_report_header(config):
    if PG_URL:
        return f"PostgreSQL tests: on ({PG_URL})"
    return "PostgreSQL tests: SKIPPED (set FINCONSOLE_TEST_PG_URL to run them)"


@pytest.fixture(scope="session")
def pg_url():
    """A throw-away database on the PostgreSQL server named by FINCONSOLE_TEST_PG_URL."""
    if not PG_URL:
        pytest.skip("PostgreSQL: FINCONSOLE_TEST_PG_URL is not set")
    name = f"fctest_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = db_mod.make_database(PG_URL)
    admin.connect()
    admin.execute_sql(f"CREATE DATABASE {name}")
    admin.close()
    base, _, _ = PG_URL.rpartition("/")
    url = f"{base}/{name}"
    yield url
    db_mod.close()
    admin.connect()
    admin.execute_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    """A fresh, migrated database URL (SQLite file or emptied PostgreSQL database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    url = request.getfixturevalue("pg_url")
    database = db_mod.connect(url, migrate=True)
    tables = [m._meta.table_name for m in ALL_MODELS if m._meta.table_name != "meta"]
    database.execute_sql(
        "TRUNCATE "
        + ", ".join(f'"{t}"' for t in tables + ["search_term", "search_doc"])
        + " RESTART IDENTITY CASCADE"
    )
    # the key's fingerprint, the audit head ...: each test brings a key file of its own
    database.execute_sql("DELETE FROM meta WHERE key <> 'schema_version'")
    db_mod.close()
    yield url


@pytest.fixture
def db(db_url) -> pw.Database:
    database = db_mod.connect(db_url, migrate=True)
    yield database
    db_mod.close()


@pytest.fixture
def sqlite_db(tmp_path) -> pw.Database:
    database = db_mod.connect(f"sqlite:///{tmp_path / 'test.db'}", migrate=True)
    yield database
    db_mod.close()


@pytest.fixture
def officer() -> Actor:
    return Actor(user_id=1, username="kaj", role="officer", channel="tui")


@pytest.fixture
def support() -> Actor:
    return Actor(user_id=2, username="sanna", role="support", channel="tui")


@pytest.fixture
def clock():
    """A fixed clock at 2026-03-15 12:00 UTC, restored afterwards."""
    fixed = clock_mod.FixedClock(dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.UTC))
    previous = clock_mod.get_clock()
    clock_mod.set_clock(fixed)
    yield fixed
    clock_mod.set_clock(previous)


@pytest.fixture
def config_file(tmp_path, db_url) -> Path:
    """A config.toml (and key file) in tmp_path pointing at the test database."""
    data = config_mod.defaults()
    data["database"]["url"] = db_url
    # commands run in the test process here: a batch command's niceness would stay with the
    # rest of the worker's tests (tests/cli/test_batch_priority.py checks it is asked for)
    data["batch"]["nice"] = 0
    path = tmp_path / "config.toml"
    config_mod.write(path, data)
    keys.create_key_file(tmp_path / "finconsole.key")
    return path


@pytest.fixture(autouse=True)
def runtime_config(tmp_path, monkeypatch):
    """Every test runs with the default settings and a key file of its own, in tmp_path as
    its working folder: a config without a file (``Config(defaults(), None)``) finds the key
    there too (every audited action needs it: the audit chain is keyed)."""
    monkeypatch.chdir(tmp_path)
    cfg = config_mod.Config(config_mod.defaults(), tmp_path / "config.toml")
    keys.create_key_file(tmp_path / "finconsole.key")
    runtime.set_config(cfg)
    yield cfg
    runtime.set_config(config_mod.Config(config_mod.defaults(), None))


@pytest.fixture(autouse=True)
def _niceness_kept():
    """A batch command run in the test process ([batch] nice: an import, a retention run with
    a config of the test's own) leaves the rest of the worker's tests niced, and
    tests/core/settings/test_priority.py could not test from niceness 0: put it back (a
    process may lower its niceness only with privileges; without them the niceness stays and
    those tests say so when they skip)."""
    before = os.getpriority(os.PRIO_PROCESS, 0)
    yield
    if os.getpriority(os.PRIO_PROCESS, 0) > before:
        with contextlib.suppress(PermissionError):
            os.setpriority(os.PRIO_PROCESS, 0, before)


@pytest.fixture(autouse=True)
def _not_over_ssh(monkeypatch):
    """Tests run as if at the machine itself, even when pytest runs in an SSH session (the
    console refuses the first-run set-up over SSH)."""
    for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "SSH_ORIGINAL_COMMAND"):
        monkeypatch.delenv(name, raising=False)
