"""Database failures name their cause in one line (#16): a full disk (SQLite's page limit, or a
small tmpfs), a file that is not a database, one that cannot be opened, permission denied."""

import os
import subprocess
import uuid

import pytest

from finconsole.cli import main
from finconsole.core.kernel.errors import DatabaseError
from finconsole.core.store import db as db_mod

CUSTOMERS_HEADER = (
    "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Address1,"
    "Default Address City,Default Address Country Code,Default Address Zip,Phone\n"
)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "internal error" not in err and "refused the operation" not in err, err
    return lines[0]


@pytest.fixture
def folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FINCONSOLE_CONFIG", raising=False)
    assert run(capsys, "init")[0] == 0
    return tmp_path


def page_count(folder):
    database = db_mod.make_database(f"sqlite:///{folder / 'finconsole.db'}")
    database.connect()
    try:
        return database.execute_sql("PRAGMA page_count").fetchone()[0]
    finally:
        database.close()


def test_import_into_a_full_database_says_the_disk_is_full(folder, capsys, monkeypatch):
    rows = "".join(
        f"{i},Anna{i},Virtanen{i},anna{i}@example.fi,yes,Katu {i},Helsinki,FI,00100,+35840{i:07d}\n"
        for i in range(3000)
    )
    (folder / "c.csv").write_text(CUSTOMERS_HEADER + rows)
    # a database that may not grow: SQLite answers "database or disk is full" as a full disk does
    monkeypatch.setitem(db_mod.SQLITE_PRAGMAS, "max_page_count", page_count(folder) + 20)
    code, _, err = run(capsys, "import", "shopify-customers", "c.csv")
    assert code == 1 and "the disk is full" in one_line(err)
    monkeypatch.delitem(db_mod.SQLITE_PRAGMAS, "max_page_count")
    assert run(capsys, "audit", "verify")[0] == 0  # what was written is whole and chained


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KiB tmpfs (needs the right to mount: root in a container)."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (not root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_backup_to_a_full_disk_says_the_disk_is_full(folder, capsys, small_disk):
    rows = "".join(
        f"{i},Anna{i},Virtanen{i},anna{i}@example.fi,yes,Katu {i},Helsinki,FI,00100,\n"
        for i in range(3000)
    )
    (folder / "c.csv").write_text(CUSTOMERS_HEADER + rows)
    assert run(capsys, "import", "shopify-customers", "c.csv")[0] == 0
    code, _, err = run(capsys, "backup", str(small_disk / "b.db"))
    assert code == 1 and "the disk is full" in one_line(err)
    assert not (small_disk / "b.db").exists()


@pytest.mark.parametrize("content", [os.urandom(8192), b"just some text, not a database\n"])
def test_a_file_that_is_not_a_database(folder, capsys, content):
    (folder / "finconsole.db").write_bytes(content)
    for command in (["find", "x"], ["migrate"]):
        code, _, err = run(capsys, *command)
        assert code == 1 and "not an SQLite database" in one_line(err), command


def test_a_database_that_cannot_be_opened(folder, capsys):
    (folder / "finconsole.db").unlink()
    (folder / "finconsole.db").mkdir()  # a folder where the file should be
    code, _, err = run(capsys, "find", "x")
    assert code == 1 and "cannot be opened" in one_line(err)


def test_permission_denied_names_the_cause(pg_url):
    """A PostgreSQL role that may log in but not read the register's tables."""
    db_mod.connect(pg_url, migrate=True)
    db_mod.close()
    role = f"fc_noaccess_{uuid.uuid4().hex[:8]}"
    admin = db_mod.make_database(pg_url)
    admin.connect()
    admin.execute_sql(f"CREATE ROLE {role} LOGIN")
    try:
        base, _, _ = pg_url.partition("@")
        url = pg_url.replace(base, f"postgresql://{role}", 1)
        with pytest.raises(DatabaseError, match="permission denied: this user may not read"):
            db_mod.connect(url)
        db_mod.close()
    finally:
        admin.execute_sql(f"DROP ROLE {role}")
        admin.close()
