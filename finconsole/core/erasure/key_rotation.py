"""Key rotation: the register re-keyed under a new key file, in one transaction.

What the key file protects, and what rotation does to each:
- TOTP secrets (encrypted): decrypted under the old key, encrypted under the new one.
- the erasure ledger's keyed hashes and the recovery codes' (HMAC): their inputs are gone (an
  erased person's email, a code shown once), so each stored hash is hashed once more under the
  new key; look-ups hash through every key in turn (``access.keyring``), the old keys kept in
  ``meta.key_history`` encrypted under the new key.
- the audit trail's keyed chain: recomputed under the new key (``audit.rehash_chain``).
- the database's key fingerprint: the new key's; the old key file is refused from then on.

Open consoles keep the old key in memory: close them before rotating (the next start refuses
the old key by name).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.fernet import InvalidToken

from finconsole.core.access import audit, keyring
from finconsole.core.kernel import permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import ConfigError, ValidationError
from finconsole.core.settings import keys, runtime
from finconsole.core.store import meta
from finconsole.core.store.db import write_transaction
from finconsole.core.store.models import ErasureLedger, RecoveryCode, User, database

LEDGER_HASHES = ("subject_hash", "phone_hash", "shop_ref_hash")


def rotate(actor: Actor, new_key_file: Path) -> dict[str, Any]:
    """Re-key the register under ``new_key_file`` (created, mode 0600, when it does not exist).

    Returns the fingerprints and how many of each thing were re-keyed. The caller then points
    ``security.key_file`` at the new file; the old one should be destroyed.
    """
    permissions.require(actor, "rotate_key")
    old = runtime.master_key()
    created = keys.create_key_file(Path(new_key_file))
    new = keys.load_key(Path(new_key_file))
    if keyring.fingerprint(new) == keyring.fingerprint(old):
        raise ValidationError({"key_file": "is the key in use already: give a new key file"})
    try:
        with write_transaction():
            keyring.ensure_key()  # the old key must be the register's own
            counts = _rekey(old, new)
            counts["audit_events"] = audit.rehash_chain(new, old)
            runtime.use_master_key(new)  # the audit event below is chained under the new key
            audit.record(actor, "rotate_key", "database", fields=sorted(counts))
    except BaseException:
        runtime.use_master_key(old)
        if created:
            Path(new_key_file).unlink(missing_ok=True)
        raise
    finally:
        keyring.forget_cached_history()
    return {
        "old_fingerprint": keyring.fingerprint(old),
        "new_fingerprint": keyring.fingerprint(new),
        "created": created,
        **counts,
    }


# --- a backup taken under an earlier key -----------------------------------------------------

RESTORE_FINGERPRINT = "restore_key_fingerprint"  # the live register's key, carried over
RESTORE_HISTORY = "restore_key_history"  # its earlier keys, sealed under it


def carry_key(conn: Any) -> None:
    """Into a restore's private copy (a raw SQLite connection, in its transaction): the live
    register's key and earlier keys, so ``adopt_restored_key`` can re-key the backup's data,
    even from ``restore --resume`` in another process."""
    rows = (
        (RESTORE_FINGERPRINT, meta.get(keyring.FINGERPRINT_KEY)),
        (RESTORE_HISTORY, meta.get(keyring.HISTORY_KEY)),
    )
    for key, value in rows:
        if value is not None:
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))


def adopt_restored_key() -> bool:
    """A restored backup taken under an earlier key is re-keyed under the current one (its
    TOTP secrets, recovery codes and audit chain; the erasure ledger is the live one already).
    Call in the restore's transaction. Returns True if it re-keyed."""
    live = meta.get(RESTORE_FINGERPRINT)
    token = meta.get(RESTORE_HISTORY)
    master = runtime.master_key()
    if live is None or live != keyring.fingerprint(master):
        return False  # nothing carried over (or not this key): ensure_key decides later
    taken = meta.get(keyring.FINGERPRINT_KEY)
    chain = [*keyring.unseal_history(token, master), master]
    # a backup from before fingerprints were kept was made under the register's first key
    found = [i for i, k in enumerate(chain) if taken in (None, keyring.fingerprint(k))]
    if taken is not None and not found:
        raise ConfigError(
            f"the backup was taken under a key (fingerprint {taken}) this register never "
            "used: it cannot be re-keyed"
        )
    start = found[0] if found else 0
    for key, value in ((keyring.FINGERPRINT_KEY, live), (keyring.HISTORY_KEY, token)):
        if value is not None:
            meta.put(key, value)
    meta.remove(RESTORE_FINGERPRINT, RESTORE_HISTORY)
    keyring.forget_cached_history()
    if chain[start] == master:
        return False
    _reencrypt_totp(chain[start], master)
    for later in chain[start + 1 :]:
        _rehash(RecoveryCode, ("code_hash",), "recovery", later)
    audit.rehash_chain(master, chain[start])
    return True


def _rekey(old: bytes, new: bytes) -> dict[str, int]:
    history = keyring.history(old)
    counts = {
        "totp_secrets": _reencrypt_totp(old, new),
        "recovery_codes": _rehash(RecoveryCode, ("code_hash",), "recovery", new),
        "erasure_ledger": _rehash(ErasureLedger, LEDGER_HASHES, "ledger", new),
    }
    meta.put(keyring.HISTORY_KEY, keyring.sealed_history([*history, old], new))
    meta.put(keyring.FINGERPRINT_KEY, keyring.fingerprint(new))
    return counts


def _reencrypt_totp(old: bytes, new: bytes) -> int:
    before, after = keyring.totp_fernet(old), keyring.totp_fernet(new)
    done = 0
    for user in User.select(User.id, User.totp_secret_enc).where(
        User.totp_secret_enc.is_null(False)
    ):
        try:
            secret = before.decrypt(str(user.totp_secret_enc).encode())
        except (InvalidToken, ValueError):
            # a secret this key never made (its user must reset TOTP anyway): left as it is
            continue
        token = after.encrypt(secret).decode()
        User.update(totp_secret_enc=token).where(User.id == user.id).execute()
        done += 1
    return done


def _rehash(model: Any, columns: tuple[str, ...], purpose: str, new: bytes) -> int:
    """Each stored hash in ``columns`` hashed once more under ``new`` (one UPDATE a row)."""
    table = model._meta.table_name
    rows = database.execute_sql(f"SELECT id, {', '.join(columns)} FROM {table}").fetchall()
    marks = "%s" if database.param == "%s" else "?"
    sets = ", ".join(f"{c} = {marks}" for c in columns)
    updates = [
        (*(keyring.rehash(v, purpose, new) if v else v for v in row[1:]), row[0]) for row in rows
    ]
    if updates:
        database.cursor().executemany(f"UPDATE {table} SET {sets} WHERE id = {marks}", updates)
    return len(updates)
