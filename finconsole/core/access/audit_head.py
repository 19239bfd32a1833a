"""The audit chain's checkpoint: its two ends, kept where deleting rows cannot reach them.

A keyed chain cannot be edited without the key, but events can still be cut off its end, or
its start, or all of them, and what is left is a valid chain. So after every commit that
appended events, the first event (id, prev_hash) and the last (id, hash) are written to
``audit-head.json`` in the key file's folder (mode 0600, replaced atomically), one
entry per database, with an HMAC under the audit key. ``audit.verify`` compares the chain
with it: the first event must still be the first, the last one must still be there with the
same hash. A checkpoint behind the chain (written by this machine before another console
appended) proves a prefix of it, which is all it claims, so several consoles on one
PostgreSQL register never raise false alarms; each protects what was appended up to its
last write. Each backup carries the head too (``meta.audit_head`` in the copy).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finconsole.core.settings import runtime
from finconsole.core.store.db import database_label

FILE_NAME = "audit-head.json"


@dataclass(frozen=True)
class Head:
    """The ends of a chain as a checkpoint saw them."""

    first_id: int | None
    first_prev: str | None
    last_id: int | None
    last_hash: str | None
    written_at: str = ""

    @property
    def empty(self) -> bool:
        return self.last_id is None


def path() -> Path:
    config = runtime.get_config()
    return config.resolve(config["security"]["key_file"]).parent / FILE_NAME


def _mac(entry: dict[str, Any], key: bytes) -> str:
    body = json.dumps({k: v for k, v in entry.items() if k != "mac"}, sort_keys=True)
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def entry_for(
    first: tuple[int, str] | None, last: tuple[int, str] | None, key: bytes, written_at: str
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "first_id": first[0] if first else None,
        "first_prev": first[1] if first else None,
        "last_id": last[0] if last else None,
        "last_hash": last[1] if last else None,
        "written_at": written_at,
    }
    entry["mac"] = _mac(entry, key)
    return entry


def _read_all(file: Path) -> dict[str, Any]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {"unreadable": True}
    return data if isinstance(data, dict) else {"unreadable": True}


def write(
    first: tuple[int, str] | None, last: tuple[int, str] | None, key: bytes, written_at: str
) -> None:
    """Record the chain's ends for the database in use (never lowers nothing to something:
    an empty chain is recorded too, so a later wholesale deletion stays visible)."""
    file = path()
    data = _read_all(file)
    data.pop("unreadable", None)
    data[database_label()] = entry_for(first, last, key, written_at)
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            # no fsync (it tripled the cost of an audited action): after a power cut the file
            # may be older than the chain, which proves less but is never wrong
            json.dump(data, fh, indent=1, sort_keys=True)
        os.replace(tmp, file)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read(key: bytes) -> tuple[Head | None, str]:
    """The checkpoint of the database in use and a problem with it ('' when none): no
    checkpoint yet, an unreadable file, or an entry whose HMAC does not match."""
    data = _read_all(path())
    if data.get("unreadable"):
        return None, f"the checkpoint file {path()} cannot be read"
    entry = data.get(database_label())
    if not isinstance(entry, dict):
        return None, ""
    return parse(entry, key)


def parse(entry: dict[str, Any], key: bytes) -> tuple[Head | None, str]:
    if not hmac.compare_digest(str(entry.get("mac", "")), _mac(entry, key)):
        return None, "the checkpoint was changed, or written under another key"
    return (
        Head(
            entry.get("first_id"),
            entry.get("first_prev"),
            entry.get("last_id"),
            entry.get("last_hash"),
            str(entry.get("written_at", "")),
        ),
        "",
    )
