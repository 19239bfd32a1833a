"""Run ``finconsole`` as a real process, kill it mid-way, and look for what it left: files
(scratch copies) and processes (helpers whose parent died). Shared by the kill tests and
``bench/kill_campaign.py``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from finconsole.core.settings import config as config_mod
from finconsole.core.settings import keys

FINCONSOLE = str(Path(sys.executable).with_name("finconsole"))


def make_config(folder: Path) -> Path:
    """A config with a SQLite register ``fc.db`` in ``folder`` (and its key file)."""
    data = config_mod.defaults()
    data["database"]["url"] = f"sqlite:///{folder / 'fc.db'}"
    path = folder / "config.toml"
    config_mod.write(path, data)
    keys.create_key_file(folder / "finconsole.key")
    return path


def start(config: Path, *args: str) -> subprocess.Popen:
    """``finconsole --config CONFIG ARGS`` with its output in files (no pipe to hold open)."""
    out = open(config.parent / "out.log", "ab")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [FINCONSOLE, "--config", str(config), *args],
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=out,
        cwd=config.parent,
    )


def run(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [FINCONSOLE, "--config", str(config), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=config.parent,
        timeout=300,
    )


def wait_for(condition: Callable[[], object], timeout: float, step: float = 0.002) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())


# --- processes --------------------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces: split after its closing parenthesis
    return [str(pid), "comm"] + text[text.rindex(")") + 2 :].split()


def children(pid: int) -> set[tuple[int, str]]:
    """The live children of ``pid`` as (pid, start time): a pid alone may be reused."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and int(fields[3]) == pid and fields[2] != "Z":
                found.add((int(entry.name), fields[21]))
    return found


def alive(processes: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """Those still running (a zombie waiting for pid 1 to reap it counts as gone)."""
    left = set()
    for pid, started in processes:
        fields = _stat(pid)
        if fields and fields[21] == started and fields[2] != "Z":
            left.add((pid, started))
    return left


def kill_all(processes: set[tuple[int, str]]) -> None:
    for pid, _ in alive(processes):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


# --- files ------------------------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    """Temporary copies in ``folder``: staged restores, backup parts, the search index files of
    a demo or an import, half-written exports."""
    patterns = ("*.restore*", "*.part*", ".finconsole-*-index-*", ".*.tmp")
    return sorted(p.name for pattern in patterns for p in folder.glob(pattern))


def kill_while_loading(
    process: subprocess.Popen, seen: Callable[[], object], folder: Path, delay: float = 0.0
) -> bool:
    """SIGKILL ``process`` once ``seen()`` (its helpers are up) and its scratch file exists in
    ``folder``, ``delay`` seconds later if given; False when it ended before that. The process
    is waited for either way."""
    try:
        ready = wait_for(lambda: seen() and leftovers(folder), 30, 0.01)
        if ready and delay:
            wait_for(lambda: process.poll() is not None, delay)
        if not ready or process.poll() is not None:
            return False
        process.kill()
        return True
    finally:
        process.wait(timeout=60)
