"""Database failures name their cause in one line (#16): a full disk (SQLite's page limit, or a
small tmpfs), a file that is not a database, one that cannot be opened, permission denied."""

import os
import subprocess
import uuid

import pytest

from finconsole.core.kernel.errors import DatabaseError
from finconsole.core.store import db as db_mod
from tests.cli.helpers import run

CUSTOMERS_HEADER = (
    "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Address1,"
    "Default Address City,Default Address Country Code,Default Address Zip,Phone\n"
)


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


def mount_tmpfs(mount, size):
    """A small tmpfs at ``mount`` (needs the right to mount: root in a container)."""
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (not root)")


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "small"
    mount_tmpfs(mount, "256k")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder):
    """Take every free block of the disk under ``folder``."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(fd)


def test_erasure_on_a_full_disk_says_the_disk_is_full(tmp_path, monkeypatch, capsys):
    """Before #16: "the database refused the operation", the cause hidden behind the
    ROLLBACK that found SQLite had rolled back by itself."""
    disk = tmp_path / "disk"
    mount_tmpfs(disk, "6m")
    try:
        monkeypatch.chdir(disk)
        monkeypatch.delenv("FINCONSOLE_CONFIG", raising=False)
        assert run(capsys, "init")[0] == 0
        rows = "".join(
            f"{i},Anna{i},Virtanen{i},anna{i}@example.fi,yes,Katu {i},Helsinki,FI,00100,\n"
            for i in range(3000)
        )
        (tmp_path / "c.csv").write_text(CUSTOMERS_HEADER + rows)
        assert run(capsys, "import", "shopify-customers", str(tmp_path / "c.csv"))[0] == 0
        fill(disk)
        code, _, err = run(capsys, "erase", "5", "--yes")  # no room even to open it
        assert code == 1 and "cannot open the database: the disk is full" in one_line(err)
        filler = disk / "filler"
        os.truncate(filler, filler.stat().st_size - 48 * 1024)  # room to open, not to erase
        code, _, err = run(capsys, "erase", "5", "--yes")
        assert code == 1 and "the disk is full: nothing was saved" in one_line(err)
        filler.unlink()
        code, out, err = run(capsys, "erase", "5", "--yes")
        assert code == 0 and "erasure complete" in out, err
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


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
