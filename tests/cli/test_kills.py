"""Kill ``finconsole`` mid-way (SIGKILL, SIGTERM, SIGHUP) and check that the next command finds
nothing left behind: no temporary copy holding the register, no helper process living on.

Each test first proves it could fail: the kill happened while the temporary copy existed or
the helpers ran (else the run is repeated)."""

from __future__ import annotations

import signal
import sqlite3

import pytest

from bench.bench_import import write_csv
from tests.cli.kill_helpers import (
    alive,
    children,
    kill_all,
    kill_while_loading,
    leftovers,
    make_config,
    run,
    start,
    wait_for,
)

pytestmark = pytest.mark.slow
TRIES = 6


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    """A demo register big enough that a backup and a restore take a moment."""
    folder = tmp_path_factory.mktemp("register")
    config = make_config(folder)
    done = run(config, "demo", "--customers", "25000")
    assert done.returncode == 0, done.stderr
    done = run(config, "backup", str(folder / "base.db"))
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture
def copy(register, tmp_path):
    """A private copy of the register's folder for one test."""
    for name in ("fc.db", "base.db", "finconsole.key"):
        (tmp_path / name).write_bytes((register / name).read_bytes())
    return make_config_keep_key(tmp_path)


def make_config_keep_key(folder):
    key = (folder / "finconsole.key").read_bytes()
    config = make_config(folder)
    (folder / "finconsole.key").write_bytes(key)
    return config


def kill_when(config, args, appears, signum=signal.SIGKILL, timeout=30.0):
    """Start the command, send ``signum`` as soon as ``appears()`` holds; True if it was sent
    while the command still ran."""
    process = start(config, *args)
    try:
        seen = wait_for(lambda: appears() or process.poll() is not None, timeout)
        if not seen or process.poll() is not None:
            return False
        process.send_signal(signum)
        return True
    finally:
        process.wait(timeout=60)


class Helpers:
    """The helper processes a command started, as seen in /proc while it ran."""

    def __init__(self, process) -> None:
        self.process = process
        self.helpers: set = set()

    def seen(self, at_least: int = 1) -> bool:
        self.helpers |= children(self.process.pid)
        return len(self.helpers) >= at_least

    def gone(self) -> bool:
        return not alive(self.helpers)


def audited_backups(folder) -> int:
    connection = sqlite3.connect(folder / "fc.db")
    try:
        return connection.execute(
            "SELECT count(*) FROM audit_event WHERE action = 'backup_database'"
        ).fetchone()[0]
    finally:
        connection.close()


def test_a_killed_backup_leaves_no_part_file(copy):
    folder = copy.parent
    for attempt in range(TRIES):
        target = folder / f"b{attempt}.db"
        before = audited_backups(folder)
        if not kill_when(copy, ["backup", str(target)], lambda: leftovers(folder)):
            continue
        left = leftovers(folder)
        assert run(copy, "user", "list").returncode == 0  # any next command
        assert leftovers(folder) == []
        # both or neither: a backup file only with its audit event
        assert target.exists() == (audited_backups(folder) == before + 1)
        if left:
            return  # the kill left a .part and the next command removed it
    pytest.fail(f"no kill caught a backup while its .part existed in {TRIES} tries")


def test_a_killed_restore_leaves_no_staged_copy(copy):
    folder = copy.parent
    for _ in range(TRIES):
        args = ["restore", str(folder / "base.db"), "--yes"]
        staged = folder / "fc.db.restore"
        if not kill_when(copy, args, staged.exists):
            continue
        if not staged.exists():
            continue
        run(copy, "user", "list")  # refused if the replay is pending, but cleans up first
        assert leftovers(folder) == []
        done = run(copy, "restore", "--resume", "--yes")
        assert done.returncode in (0, 1)  # 1: the switch had not happened, nothing to resume
        assert run(copy, "user", "list").returncode == 0
        return
    pytest.fail(f"no kill caught a restore while its staged copy existed in {TRIES} tries")


def test_a_killed_demo_leaves_no_index_file_and_no_helper(tmp_path):
    config = make_config(tmp_path)
    for _ in range(TRIES):
        (tmp_path / "fc.db").unlink(missing_ok=True)
        process = start(config, "demo", "--customers", "40000")
        watch = Helpers(process)
        # two row makers and the index builder, and the index's scratch file
        if not kill_while_loading(process, lambda: watch.seen(3), tmp_path):  # noqa: B023
            continue
        gone = wait_for(watch.gone, 15, 0.05)
        kill_all(watch.helpers)  # never leave one behind, even when the test fails
        assert gone, "helpers outlived their parent"
        assert leftovers(tmp_path)  # what the kill left
        assert run(config, "user", "list").returncode == 0
        assert leftovers(tmp_path) == []
        return
    pytest.fail(f"no kill caught a demo while its helpers ran in {TRIES} tries")


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize("command", ["demo", "import"])
def test_helpers_die_with_their_parent(tmp_path, command, signum):
    config = make_config(tmp_path)
    if command == "import":
        csv_path = tmp_path / "customers.csv"
        write_csv(csv_path, 60_000)
        args = ["import", "shopify-customers", str(csv_path)]
    else:
        args = ["demo", "--customers", "60000"]
    for _ in range(TRIES):
        (tmp_path / "fc.db").unlink(missing_ok=True)
        process = start(config, *args)
        watch = Helpers(process)
        try:
            wait_for(watch.seen, 60, 0.01)
            if process.poll() is not None or not watch.helpers:
                continue
            process.send_signal(signum)
            process.wait(timeout=60)
            gone = wait_for(watch.gone, 15, 0.05)
        finally:
            kill_all(watch.helpers)  # never leave one behind for the next test
            if process.poll() is None:
                process.kill()
                process.wait()
        left = len(alive(watch.helpers))
        assert gone, f"{left} helper(s) outlived their parent after {signum!r}"
        if signum != signal.SIGKILL:
            if process.returncode == 0:
                continue  # the signal came as the command was ending: its work was done
            assert process.returncode == 128 + signum  # unwound: helpers stopped, told so
        assert run(config, "user", "list").returncode == 0
        assert leftovers(tmp_path) == []
        return
    pytest.fail(f"no {command} ran long enough to have helpers in {TRIES} tries")


def _register_counts(folder) -> tuple[int, int]:
    """(customers, search index entries) of the register, read as the next start would."""
    connection = sqlite3.connect(folder / "fc.db")
    try:
        customers = connection.execute("SELECT count(*) FROM customer").fetchone()[0]
        entries = connection.execute("SELECT count(*) FROM customer_fts_content").fetchone()[0]
        return customers, entries
    finally:
        connection.close()


def _found(folder, email: str) -> list[int]:
    connection = sqlite3.connect(folder / "fc.db")
    try:
        word = email.split("@")[0]
        query = "SELECT rowid FROM customer_fts WHERE customer_fts MATCH ?"
        return [row[0] for row in connection.execute(query, (f'"{word}"*',))]
    finally:
        connection.close()


@pytest.mark.parametrize("delay", [0.0, 1.5])
def test_a_killed_first_import_leaves_the_register_empty_and_importable(tmp_path, delay):
    """A first import is one load (``shop_fresh``): killed at any moment (here as soon as its
    helpers and index file exist, or a while into the load) the register opens with no
    customer and no search entry in it, and the same import then goes in whole."""
    config = make_config(tmp_path)
    csv_path = tmp_path / "customers.csv"
    rows = 120_000  # a load that lasts well past the 1.5 s kill (60,000 rows no longer did)
    write_csv(csv_path, rows)
    for _ in range(TRIES):
        (tmp_path / "fc.db").unlink(missing_ok=True)
        assert run(config, "user", "list").returncode == 0  # an empty register
        process = start(config, "import", "shopify-customers", str(csv_path))
        watch = Helpers(process)
        # the row reader and the index builder, and the index's scratch file
        if not kill_while_loading(process, lambda: watch.seen(2), tmp_path, delay):  # noqa: B023
            continue
        gone = wait_for(watch.gone, 15, 0.05)
        kill_all(watch.helpers)
        assert gone, "helpers outlived their parent"
        assert run(config, "user", "list").returncode == 0
        assert leftovers(tmp_path) == []
        assert _register_counts(tmp_path) == (0, 0)  # nothing of the half load is visible
        done = run(config, "import", "shopify-customers", str(csv_path))
        assert done.returncode == 0, done.stderr
        assert _register_counts(tmp_path) == (rows, rows)
        assert len(_found(tmp_path, "asiakas12345@esimerkki.fi")) == 1
        return
    pytest.fail(f"no kill caught a first import while it loaded in {TRIES} tries")
