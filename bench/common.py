"""What benchmarks share: a demo register of N customers, built once and kept in bench/out/."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from urllib.parse import urlparse

from finconsole.core.demo import demo
from finconsole.core.kernel.actor import Actor
from finconsole.core.settings import config, keys, runtime
from finconsole.core.store import bulk, db
from finconsole.core.store.models import Customer, database

# FINCONSOLE_BENCH_OUT: one folder (and so one key) shared by several checkouts, whose
# benchmarks then use the same registers, PostgreSQL's included, instead of each its own
OUT = Path(os.environ.get("FINCONSOLE_BENCH_OUT") or Path(__file__).parent / "out")


def sqlite_register(customers: int, seed: int = 1, *, fresh: bool = False) -> str:
    """The URL of a SQLite demo register of ``customers`` (made now unless kept from before)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"register_{customers}_{seed}.db"
    if fresh:
        remove_sqlite(path)
    url = f"sqlite:///{path.resolve()}"
    fill(url, customers, seed)
    return url


def postgres_register(server_url: str, customers: int, seed: int = 1) -> str:
    """A database of its own on the server of ``server_url``, filled once with demo data."""
    name = f"fcbench_{customers}_{seed}"
    admin = db.make_database(server_url)
    admin.connect()
    exists = admin.execute_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    if not exists:
        admin.execute_sql(f"CREATE DATABASE {name}")
    admin.close()
    parsed = urlparse(server_url)
    url = parsed._replace(path="/" + name).geturl()
    fill(url, customers, seed)
    return url


def bench_key() -> Path:
    """The one key file of the registers in bench/out/. A register keeps the fingerprint of
    the key it first ran with and refuses any other, so every benchmark (and each of its
    child processes) must use this one, never a key of its own."""
    OUT.mkdir(exist_ok=True)
    keys.create_key_file(OUT / "finconsole.key")
    return OUT / "finconsole.key"


def bench_config(folder: Path, url: str | None = None) -> config.Config:
    """A config in ``folder`` on ``url`` (when given) that uses ``bench_key``."""
    data = config.defaults()
    data["security"]["key_file"] = str(bench_key())
    if url is not None:
        data["database"]["url"] = url
    return config.Config(data, folder / "config.toml")


def ensure_key() -> None:
    """The benchmark's audited actions (the audit chain is keyed) use ``bench_key``: never a
    key file that happens to be in the current folder, which the registers do not know."""
    runtime.set_config(bench_config(OUT))


def postgres_copy(server_url: str, customers: int, purpose: str, *, fresh: bool = False) -> str:
    """A copy of the demo register of ``customers`` (``postgres_register``) for a benchmark
    that changes it (erasure, imports, a migration being tried): ``CREATE DATABASE ...
    TEMPLATE``, a file copy, far quicker than building another. Kept for the next run unless
    ``fresh``; a kept copy is used without opening the register it was copied from (opening
    migrates it, and the shared one must stay as the other checkouts' code expects)."""
    name = f"fcbench_{purpose}_{customers}"
    admin = db.make_database(server_url)
    admin.connect()
    if fresh:
        admin.execute_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    exists = admin.execute_sql("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    admin.close()
    if not exists:
        source = urlparse(postgres_register(server_url, customers)).path.lstrip("/")
        admin.connect()
        started = time.monotonic()
        admin.execute_sql(f"CREATE DATABASE {name} TEMPLATE {source}")
        print(f"copied {source} to {name} in {time.monotonic() - started:.1f} s", flush=True)
        admin.close()
    return urlparse(server_url)._replace(path="/" + name).geturl()


def insert_rows(table: str, columns: list[str], rows) -> None:
    """Bulk insert (the build of a benchmark's register) through the import's own bulk write
    (``store.bulk``): executemany on SQLite, COPY on PostgreSQL."""
    bulk.bulk_insert(f'"{table}"', columns, list(rows))


def sync_sequences() -> None:
    """PostgreSQL: after rows were inserted with explicit ids, move each id sequence past
    them (the services then insert without colliding)."""
    rows = database.execute_sql(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND column_name = 'id' AND column_default LIKE 'nextval%%'"
    ).fetchall()
    for (table,) in rows:
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
        )


def fill(url: str, customers: int, seed: int) -> None:
    ensure_key()
    db.connect(url, migrate=True)
    have = Customer.select().count()
    if have == 0:
        started = time.monotonic()
        print(f"building a register of {customers:,} customers ...", flush=True)
        demo.generate(Actor.cli(), customers, seed)
        print(f"built in {time.monotonic() - started:.1f} s", flush=True)
    elif have != customers:
        raise SystemExit(f"{url} holds {have:,} customers, not {customers:,}: remove it")
    db.close()


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def describe(times_ms: list[float]) -> str:
    return (
        f"median {statistics.median(times_ms):.2f} ms, p95 {percentile(times_ms, 0.95):.2f} ms, "
        f"max {max(times_ms):.2f} ms over {len(times_ms)} queries"
    )


def rss_mib(pid: int) -> float:
    """Resident memory of one process (Linux /proc), in MiB; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    """Child processes of ``pid`` (Linux), found through /proc/*/stat."""
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return kids
