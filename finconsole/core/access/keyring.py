"""The key file's place in the database: its fingerprint, and the keys it replaced.

The register's keyed hashes (the erasure ledger, recovery codes) and encrypted TOTP secrets
only mean something under the key they were made with. A database opened with another key
file would find no erased person in the ledger and import them again, so the database keeps
the fingerprint of its key (``meta.key_fingerprint``, written at ``init``, or at the first
start of an older register) and every command and console refuses another key, naming both.

Rotation (``erasure.key_rotation``) cannot recompute a keyed hash of an identifier that is
gone, so it hashes each stored hash once more under the new key: a hash is
``HMAC(k_n, ... HMAC(k_2, HMAC(k_1, message)))`` over the register's keys, oldest first. The
keys replaced are kept in ``meta.key_history``, encrypted under the current key: a copy of the
database with an old key file alone can test no guess against the re-keyed hashes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import weakref
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from finconsole.core.kernel.errors import ConfigError
from finconsole.core.settings import keys, runtime
from finconsole.core.store import meta
from finconsole.core.store.db import write_transaction
from finconsole.core.store.models import User, database

FINGERPRINT_KEY = "key_fingerprint"
HISTORY_KEY = "key_history"

# per open database (a test or a restore may open several): (current key, keys it replaced)
_history_cache: weakref.WeakKeyDictionary[Any, tuple[bytes, list[bytes]]] = (
    weakref.WeakKeyDictionary()
)


def fingerprint(master: bytes) -> str:
    """A short public name of a key (derived one way: it gives nothing of the key away)."""
    digest = keys.subkey(master, "fingerprint")[:8].hex()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def key_path_text() -> str:
    config = runtime.get_config()
    return str(config.resolve(config["security"]["key_file"]))


def ensure_key() -> None:
    """Refuse a key file that is not this register's (every command and console start).

    A register that has no key on record yet (made before #16) records this one, once, in a
    write transaction; the usual start only reads one row and takes no lock.
    """
    if _matches_stored_key():
        return
    with write_transaction():
        if _matches_stored_key():
            return  # another process recorded it meanwhile
        _check_key_decrypts_secrets()
        meta.put(FINGERPRINT_KEY, fingerprint(runtime.master_key()))


def _matches_stored_key() -> bool:
    """True when the database names this key; False when it names none; refuses another."""
    current = fingerprint(runtime.master_key())
    stored = meta.get(FINGERPRINT_KEY)
    if stored is not None and stored != current:
        raise ConfigError(
            f"the key file {key_path_text()} (fingerprint {current}) is not the key of this "
            f"database (fingerprint {stored}): set security.key_file to the register's key"
        )
    return stored is not None


def ensure_still_current(stored: str | None) -> None:
    """Inside a write transaction, given ``meta.key_fingerprint`` as read there (the audit
    chain reads it with its own flag, once an audited write): refuse to write when the
    register was re-keyed since this process loaded its key (``key rotate`` from another
    shell while a console stays open): its keyed hashes and audit events would be made under
    a key the register left behind."""
    if stored is None:
        return
    current = _fingerprint_of_current()
    if stored != current:
        raise ConfigError(
            f"the register was re-keyed (its key is now {stored}; this console has {current}): "
            "nothing was saved; restart it with the new key file"
        )


_fingerprints: dict[bytes, str] = {}


def _fingerprint_of_current() -> str:
    master = runtime.master_key()
    if master not in _fingerprints:
        _fingerprints[master] = fingerprint(master)
    return _fingerprints[master]


def record_fingerprint(master: bytes) -> None:
    """At ``init``: the new database takes this key; one that has another is refused."""
    current = fingerprint(master)
    stored = meta.get(FINGERPRINT_KEY)
    if stored not in (None, current):
        raise ConfigError(
            f"the database already belongs to another key (fingerprint {stored}), not "
            f"{current}: give the register's key file"
        )
    meta.put(FINGERPRINT_KEY, current)


def _check_key_decrypts_secrets() -> None:
    """An older register's first key is adopted only if it opens its users' TOTP secrets
    (when it has any): a wrong key file is not recorded as the right one."""
    query = User.select(User.totp_secret_enc).where(User.totp_secret_enc.is_null(False))
    tokens: list[str] = [u.totp_secret_enc for u in query.limit(20) if u.totp_secret_enc]
    if not tokens:
        return
    fernet = totp_fernet(runtime.master_key())
    for token in tokens:
        try:
            fernet.decrypt(token.encode())
            return
        except (InvalidToken, ValueError):
            continue
    raise ConfigError(
        f"the key file {key_path_text()} does not open this register's TOTP secrets: it is not "
        "the key the register was made with; set security.key_file to that key"
    )


def totp_fernet(master: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(keys.subkey(master, "totp")))


# --- hashes under the register's keys ---------------------------------------------------------


def _history_fernet(master: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(keys.subkey(master, "history")))


def history(master: bytes | None = None) -> list[bytes]:
    """The keys this register used before ``master`` (the current key), oldest first."""
    master = master or runtime.master_key()
    db = database.obj
    cached = _history_cache.get(db) if db is not None else None
    if cached is not None and cached[0] == master:
        return cached[1]
    old = unseal_history(meta.get(HISTORY_KEY), master)
    if db is not None:
        _history_cache[db] = (master, old)
    return old


def unseal_history(token: str | None, master: bytes) -> list[bytes]:
    """The keys sealed in ``token`` (``meta.key_history``) under ``master``; [] for None."""
    if not token:
        return []
    try:
        return [k.encode() for k in json.loads(_history_fernet(master).decrypt(token.encode()))]
    except (InvalidToken, ValueError):
        raise ConfigError(
            f"the key file {key_path_text()} cannot open this register's earlier keys: "
            "it is not the register's current key"
        ) from None


def sealed_history(old: list[bytes], master: bytes) -> str:
    """``old`` keys encrypted under ``master``, for ``meta.key_history``."""
    return _history_fernet(master).encrypt(json.dumps([k.decode() for k in old]).encode()).decode()


def forget_cached_history() -> None:
    db = database.obj
    if db is not None:
        _history_cache.pop(db, None)


def keyed_hash(purpose: str, message: bytes) -> str:
    """HMAC-SHA256 of ``message`` under the register's keys for ``purpose``, oldest first;
    with one key (no rotation yet) a plain HMAC under the key file's subkey."""
    master = runtime.master_key()
    chain = [*history(master), master]
    digest = hmac.new(keys.subkey(chain[0], purpose), message, hashlib.sha256).hexdigest()
    for key in chain[1:]:
        digest = rehash(digest, purpose, key)
    return digest


def rehash(digest: str, purpose: str, master: bytes) -> str:
    """A stored keyed hash taken once more under ``master``'s key (what rotation does)."""
    return hmac.new(keys.subkey(master, purpose), digest.encode(), hashlib.sha256).hexdigest()
