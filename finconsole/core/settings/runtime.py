"""The configuration in force for this process, set once by the front end (CLI or console).

Services read settings (security, retention, carriers ...) and the key file from here, the same
way models read the database from the ``DatabaseProxy``. Tests install their own.
"""

from __future__ import annotations

from finconsole.core.settings import keys
from finconsole.core.settings.config import Config, defaults

_config: Config | None = None
_master_key: bytes | None = None


def set_config(config: Config) -> None:
    global _config, _master_key
    _config = config
    _master_key = None


def get_config() -> Config:
    """The configuration in force; the defaults if no front end set one."""
    global _config
    if _config is None:
        _config = Config(defaults(), None)
    return _config


def settings(section: str) -> dict:
    return get_config()[section]


def master_key() -> bytes:
    """The key file's key (loaded once). Raises ConfigError if the file is missing."""
    global _master_key
    if _master_key is None:
        config = get_config()
        _master_key = keys.load_key(config.resolve(config["security"]["key_file"]))
    return _master_key


def subkey(purpose: str) -> bytes:
    return keys.subkey(master_key(), purpose)


def use_master_key(key: bytes) -> None:
    """Make ``key`` the key in force (key rotation, once the register is re-keyed)."""
    global _master_key
    _master_key = key
