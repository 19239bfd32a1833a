"""Temporary copies that a kill cannot leave behind.

A backup's ``.part``, a restore's staged copy, the demo's index file, an export's ``.tmp``:
each holds personal data while it is written. A process killed by ``kill -9`` (the OOM killer,
a power cut) never runs its ``finally``. So before such a file is made, a *marker* naming it
is put in the scratch folder (next to the SQLite database, else next to the config) and held
with an exclusive ``flock`` by the writing process for as long as it lives. The next start of
any command or console (``sweep``) takes every marker whose lock it can get, which means its
writer is gone, and removes the files it names (with their ``-journal``/``-wal``/``-shm``).

A marker may carry one ``check``: a JSON object handed to the sweep's ``finish`` callback
(``{"kind": "backup", ...}``) for work that must be decided with the database open (a backup
renamed into place whose audit event did not commit).
"""

from __future__ import annotations

import fcntl
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

FOLDER_NAME = ".finconsole-scratch"
SIDE_FILES = ("", "-journal", "-wal", "-shm")
STALE_NEW_SECONDS = 60

_folder: Path | None = None


def set_folder(folder: Path | None) -> None:
    """Where markers go (bootstrap: beside the database file, or the config's folder)."""
    global _folder
    _folder = folder


def folder() -> Path | None:
    return _folder


class Marker:
    """A live marker: ``add`` names more files, ``check`` sets the callback's work."""

    def __init__(self, path: Path | None, fd: int | None, paths: list[str]) -> None:
        self.path, self.fd, self.paths = path, fd, paths
        self.check_data: dict[str, Any] | None = None

    def add(self, *paths: Path) -> None:
        self.paths += [str(Path(p).absolute()) for p in paths]
        self._write()

    def check(self, data: dict[str, Any] | None) -> None:
        self.check_data = data
        self._write()

    def _write(self) -> None:
        if self.fd is None:
            return
        body = json.dumps({"paths": self.paths, "check": self.check_data}).encode()
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, body, 0)
        os.fsync(self.fd)


@contextmanager
def marked(*paths: Path) -> Iterator[Marker]:
    """Register ``paths`` as scratch for the block. The caller still removes them itself on
    the way out; the marker only matters when the process dies without doing so."""
    base = _folder
    if base is None:
        yield Marker(None, None, [str(Path(p).absolute()) for p in paths])
        return
    base.mkdir(mode=0o700, exist_ok=True)
    name = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    staging = base / f"{name}.new"
    fd = os.open(staging, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)  # held until this process closes it or dies
    final = base / f"{name}.scratch"
    marker = Marker(final, fd, [str(Path(p).absolute()) for p in paths])
    try:
        marker._write()
        os.replace(staging, final)  # visible to a sweep only once locked and written
        yield marker
    finally:
        staging.unlink(missing_ok=True)
        final.unlink(missing_ok=True)
        os.close(fd)


def remove(path: Path | str) -> None:
    for suffix in SIDE_FILES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def sweep(finish: Callable[[dict[str, Any]], None] | None = None) -> list[str]:
    """Remove what dead writers left; returns the files removed. Markers of live writers (and
    markers this process holds) are left alone."""
    base = _folder
    if base is None or not base.is_dir():
        return []
    removed: list[str] = []
    # a .new marker is locked a moment after it is made: only an old one is a dead writer's
    stale = [m for m in base.glob("*.new") if _age(m) > STALE_NEW_SECONDS]
    for marker in sorted(base.glob("*.scratch")) + stale:
        removed += _take(marker, finish)
    return removed


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _take(marker: Path, finish: Callable[[dict[str, Any]], None] | None) -> list[str]:
    try:
        fd = os.open(marker, os.O_RDWR)
    except FileNotFoundError:
        return []
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return []  # its writer is alive
        if not marker.exists():
            return []  # its writer finished between our glob and our lock
        try:
            data = json.loads(os.pread(fd, 1 << 20, 0) or b"{}")
        except ValueError:
            data = {}
        if data.get("check") and finish is not None:
            finish(data["check"])
        removed = []
        for path in data.get("paths", []):
            if any(Path(f"{path}{s}").exists() for s in SIDE_FILES):
                remove(path)
                removed.append(path)
        marker.unlink(missing_ok=True)
        return removed
    finally:
        os.close(fd)
