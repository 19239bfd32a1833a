"""What benchmarks share: a demo register of N customers, built once and kept in bench/out/."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from urllib.parse import urlparse

from finconsole.core.demo import demo
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import ConfigError
from finconsole.core.settings import config, keys, runtime
from finconsole.core.store import db
from finconsole.core.store.models import Customer

OUT = Path(__file__).parent / "out"


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


def ensure_key() -> None:
    """A key file for the benchmark's audited actions (the audit chain is keyed), in bench/out/,
    unless the config in force already has one."""
    try:
        runtime.master_key()
    except ConfigError:
        OUT.mkdir(exist_ok=True)
        keys.create_key_file(OUT / "finconsole.key")
        runtime.set_config(config.Config(config.defaults(), OUT / "config.toml"))


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
