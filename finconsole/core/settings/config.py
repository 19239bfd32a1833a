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
        "enrolment_hours": (int, 72),  # how long a new colleague's enrolment code works
        # the OS account several staff share (the SSH account): run as it, destructive
        # commands need --as NAME (README: the command line and who acted); "" = none
        "shared_os_account": (str, ""),
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
    "orders": {
        "phone_series": (str, "P-"),  # phone orders are numbered P-1001, P-1002, ...
        "vat_percent": ((int, float), 25.5),  # VAT included in phone order prices
    },
    "outbox": {
        "max_attempts": (int, 10),  # sending tries (with backoff) before a message is failed
        "forget_hours": (int, 24),  # an erased person's address is gone by then, sent or not
    },
    "files": {
        # the account's files folder (inbox/ for imports, outbox/ for what the console writes),
        # the only place sftp reaches; relative to the config file's folder
        "folder": (str, "files"),
    },
    "batch": {
        # the niceness (0-19) imports and retention runs, and their helper processes, run at
        # at least: consoles (niceness 0) on the same machine get the CPU first; 0 = as started
        "nice": (int, 10),
    },
}
# Sane bounds of each number (inclusive): a value outside them is refused at load with one line
# naming the key, instead of overflowing a date or a timedelta deep inside a service later
# (lockout_minutes = 99999999999 raised OverflowError at the 5th failed login).
RANGES: dict[str, tuple[int, int]] = {
    "security.max_failed_logins": (1, 100),  # NIST SP 800-63B: at most 100
    "security.lockout_minutes": (1, 525_600),  # a year
    "security.idle_lock_minutes": (1, 1440),
    "security.session_hours": (1, 168),
    "security.min_password_length": (8, 256),  # NIST SP 800-63B: at least 8
    "security.enrolment_hours": (1, 30 * 24),  # a one-time enrolment code's life
    "retention.voucher_years": (6, 50),  # Accounting Act 2:10: at least 6
    "retention.tracking_event_days": (1, 3650),
    "retention.audit_years": (1, 50),
    "requests.response_months": (1, 3),  # GDPR Art 12(3): one month, at most three in all
    "requests.max_extension_months": (0, 2),
    "disclosures.notice_days": (0, 365),
    "outbox.max_attempts": (1, 1000),
    "outbox.forget_hours": (1, 8760),
    "batch.nice": (0, 19),
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
    except UnicodeDecodeError as exc:  # TOML is UTF-8 (a file saved as Latin-1, say)
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}): save it as UTF-8") from None
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
    if expected is int and isinstance(value, int):
        low, high = RANGES.get(f"{section}.{key}", (0, 2**31 - 1))
        if not low <= value <= high:
            raise ConfigError(f"{where}: '{section}.{key}' must be between {low} and {high}")
    if (section, key) in STRING_CHECKS:
        STRING_CHECKS[section, key](value, f"{where}: '{section}.{key}'")
    return value


def check_year_end(value: str, name: str) -> None:
    """MM-DD, a day that exists in a leap year (02-29 is a valid financial year end)."""
    import datetime as dt

    try:
        month, day = (int(part) for part in value.split("-"))
        dt.date(2000, month, day)
    except ValueError:
        raise ConfigError(f"{name} must be MM-DD, e.g. 12-31") from None


def check_database_url(value: str, name: str) -> None:
    """A URL the register can live in: a file or a server, never memory (every write lost)."""
    if value.startswith("sqlite://"):
        rest = value[len("sqlite://") :].split("?")[0]
        if rest in ("", "/", ":memory:", "/:memory:") or "mode=memory" in value:
            raise ConfigError(
                f"{name} names an in-memory SQLite database, where every write would be lost: "
                "give a file, e.g. sqlite:///finconsole.db"
            )
    if not value.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ConfigError(f"{name} must start with sqlite:/// or postgresql://")


STRING_CHECKS: dict[tuple[str, str], Callable[[str, str], None]] = {
    ("retention", "financial_year_end"): check_year_end,
    ("database", "url"): check_database_url,
}


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
