"""The key file: kept outside the database, so a copy of the database (or a backup) alone gives
away no TOTP secret and cannot recompute erasure-ledger hashes.

Holds one urlsafe-base64 32-byte key (a Fernet key). Subkeys are derived per purpose.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from finconsole.core.kernel.errors import ConfigError


def create_key_file(path: Path) -> bool:
    """Create the key file with mode 0600 unless it exists. Returns True if it was created."""
    if path.exists():
        return False
    key = base64.urlsafe_b64encode(secrets.token_bytes(32))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    except OSError as exc:
        raise ConfigError(f"cannot create key file {path}: {exc.strerror}") from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(key + b"\n")
    return True


def load_key(path: Path) -> bytes:
    """The master key (urlsafe base64, as Fernet wants it)."""
    try:
        key = path.read_bytes().strip()
    except FileNotFoundError:
        raise ConfigError(f"key file not found: {path} (run 'finconsole init')") from None
    except OSError as exc:
        raise ConfigError(f"cannot read key file {path}: {exc.strerror}") from None
    try:
        if len(base64.urlsafe_b64decode(key)) != 32:
            raise ValueError
    except ValueError:
        raise ConfigError(f"key file {path} is not a finconsole key") from None
    return key


def subkey(master: bytes, purpose: str) -> bytes:
    """A key for one purpose ('totp', 'ledger'), so one leaked use does not expose the others."""
    return hmac.new(base64.urlsafe_b64decode(master), purpose.encode(), hashlib.sha256).digest()
