"""Configuration: read with ``tomllib``, written with ``tomli_w``, validated on load.

Found at ``--config``, else ``$FINCONSOLE_CONFIG``, else ``./config.toml``; with none the
defaults hold. An unknown key or a wrong type is a one-line ``ConfigError`` naming key and file.
Each section is a dict of key -> (type, default). ``carriers``, ``processors`` and ``mail`` are
free-form tables validated by their own services: the caller passes their checks in
``section_checks`` (``core/bootstrap.py`` holds the list), so this module needs no domain above it.
"""

from __future__ import annotations

import copy
import os
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from finconsole.core.kernel.errors import ConfigError
from finconsole.core.kernel.files import private_file

DEFAULT_PATH = "config.toml"

SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], Any]]] = {
    "database": {
        "url": (str, "sqlite:///finconsole.db"),
    },
    "controller": {
        "name": (str, "Finanime Sekai"),
        "business_id": (str, "2787109-2"),
        "street": (str, "Joutsentie 8"),
        "postcode": (str, "00730"),
        "city": (str, "Helsinki"),
        "contact_name": (str, "Kaj Söderholm"),
        "contact_phone": (str, "+358 50 436 3099"),
        "contact_email": (str, "kaj.soderholm@finanime.fi"),
        "register_name": (str, "Finanime Sekain asiakasrekisteri"),
        "register_name_en": (str, "Finanime Sekai customer register"),
        "short_name": (str, "Finanime"),
        "shop_site": (str, "Finanime.fi"),
    },
    "security": {
        "key_file": (str, "finconsole.key"),
        "max_failed_logins": (int, 5),
        "lockout_minutes": (int, 15),
        "idle_lock_minutes": (int, 15),
        "session_hours": (int, 12),
        "min_password_length": (int, 8),
    },
    "retention": {
        "financial_year_end": (str, "12-31"),  # MM-DD
        "voucher_years": (int, 6),
        "tracking_event_days": (int, 365),
        "audit_years": (int, 6),
    },
    "requests": {
        "response_months": (int, 1),
        "max_extension_months": (int, 2),
    },
    "disclosures": {
        "notice_days": (int, 14),
        "general_inquiry_action": (str, "publish a notice on the shop's website"),
    },
    "customers": {
        "default_language": (str, "fi"),  # fi | sv | en, when the shop's export does not say
        # ISO code: a phone number written without a country code, on a row or customer with
        # no country of its own, is read as a number of this country
        "default_country": (str, "FI"),
    },
    "shop": {
        # an IANA zone: where a time an export writes without a zone is (imports/dates.py)
        "time_zone": (str, "Europe/Helsinki"),
    },
    "outbox": {
        "max_attempts": (int, 10),  # sending tries (with backoff) before a message is failed
        "forget_hours": (int, 24),  # an erased person's address is gone by then, sent or not
    },
}
# [mail] is free-form too: absent, nothing is sent by email (messages wait to be posted).
FREE_SECTIONS = {"carriers": dict, "processors": list, "mail": dict}


def defaults() -> dict[str, Any]:
    data: dict[str, Any] = {
        section: {key: default for key, (_, default) in keys.items()}
        for section, keys in SCHEMA.items()
    }
    data["carriers"] = {}
    data["processors"] = []
    data["mail"] = {}
    return data


class Config:
    """Validated settings plus the folder relative paths are resolved against."""

    def __init__(self, data: dict[str, Any], path: Path | None) -> None:
        self.data = data
        self.path = path

    def __getitem__(self, section: str) -> Any:
        return self.data[section]

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @property
    def database_url(self) -> str:
        """The database URL with a relative SQLite path resolved against the config's folder."""
        url = self.data["database"]["url"]
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str((self.base_dir / url[len(prefix) :]).resolve())
        return url

    def resolve(self, value: str) -> Path:
        path = Path(value)
        return path if path.is_absolute() else (self.base_dir / path).resolve()


def find_path(explicit: str | None) -> Path:
    return Path(explicit or os.environ.get("FINCONSOLE_CONFIG") or DEFAULT_PATH)


SectionCheck = Callable[[Any, str], object]


def load(
    explicit: str | None = None, section_checks: Mapping[str, SectionCheck] | None = None
) -> Config:
    """Load and validate the config; with no file found, the defaults hold."""
    path = find_path(explicit)
    if not path.exists():
        if explicit or os.environ.get("FINCONSOLE_CONFIG"):
            raise ConfigError(f"config file not found: {path}")
        return Config(defaults(), None)
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    return Config(validate(raw, str(path), section_checks), path.resolve())


def validate(
    raw: dict[str, Any],
    where: str = "config",
    section_checks: Mapping[str, SectionCheck] | None = None,
) -> dict[str, Any]:
    data = defaults()
    checks = section_checks or {}
    for section, value in raw.items():
        if section in FREE_SECTIONS:
            if not isinstance(value, FREE_SECTIONS[section]):
                kind = "table" if FREE_SECTIONS[section] is dict else "array of tables"
                raise ConfigError(f"{where}: [{section}] must be a {kind}")
            if section in checks:
                checks[section](value, where)
            data[section] = copy.deepcopy(value)
            continue
        if section not in SCHEMA:
            raise ConfigError(f"{where}: unknown section [{section}]")
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: [{section}] must be a table")
        for key, item in value.items():
            data[section][key] = _checked(section, key, item, where)
        if section in checks:  # a value the type alone does not settle (a language code)
            checks[section](data[section], where)
    return data


def _checked(section: str, key: str, value: Any, where: str) -> Any:
    if key not in SCHEMA[section]:
        raise ConfigError(f"{where}: unknown key '{key}' in [{section}]")
    expected, _ = SCHEMA[section][key]
    # bool is an int in Python; a setting that wants a number must not take true/false
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        name = expected.__name__ if isinstance(expected, type) else "value"
        kind = {"str": "a string", "int": "a whole number", "bool": "true or false"}.get(name, name)
        raise ConfigError(f"{where}: '{section}.{key}' must be {kind}")
    if expected is int and isinstance(value, int) and value < 0:
        raise ConfigError(f"{where}: '{section}.{key}' must not be negative")
    return value


def write(path: Path, data: dict[str, Any], *, force: bool = False) -> None:
    """Write ``data`` as TOML, mode 0600; refuse to overwrite unless ``force``."""
    if path.exists() and not force:
        raise ConfigError(f"{path} exists: use --force to overwrite it")
    clean = _drop_none(data)
    import tomli_w  # only for writing: not loaded when the console starts

    try:
        with private_file(path, "wb") as fh:
            tomli_w.dump(clean, fh)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror}") from None


def _drop_none(value: Any) -> Any:
    """tomli_w cannot write None: leave such keys out."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value
