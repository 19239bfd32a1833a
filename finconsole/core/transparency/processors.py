"""``[[processors]]``: the service providers that process register data on the shop's behalf.

Each entry names the provider, its country (ISO code) and purpose; a provider outside the
EU/EEA must also name the safeguard the transfer rests on (GDPR chapter V: an adequacy decision,
standard contractual clauses, ...). Shown in the register description and the record of
processing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from finconsole.core.kernel.errors import ConfigError
from finconsole.core.settings import runtime
from finconsole.core.settings.config import Config

EEA = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
    "IS LI NO".split()
)
KEYS = ("name", "country", "purpose", "purpose_en", "safeguard", "safeguard_en")
REQUIRED = ("name", "country", "purpose")


@dataclass(frozen=True)
class Processor:
    name: str
    country: str
    purpose: str
    purpose_en: str
    safeguard: str
    safeguard_en: str

    @property
    def outside_eea(self) -> bool:
        return self.country not in EEA

    def purpose_in(self, lang: str) -> str:
        # Swedish readers get the English text: the config holds Finnish and English only
        return (self.purpose_en or self.purpose) if lang in ("en", "sv") else self.purpose

    def safeguard_in(self, lang: str) -> str:
        return (self.safeguard_en or self.safeguard) if lang in ("en", "sv") else self.safeguard


def validate(entries: Any, where: str = "config") -> list[Processor]:
    """Check ``[[processors]]``; a ``ConfigError`` names the entry and the key."""
    if not isinstance(entries, list):
        raise ConfigError(f"{where}: [[processors]] must be an array of tables")
    return [_one(entry, number, where) for number, entry in enumerate(entries, start=1)]


def _one(entry: Any, number: int, where: str) -> Processor:
    label = f"{where}: processors entry {number}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{label} must be a table")
    for key, value in entry.items():
        if key not in KEYS:
            raise ConfigError(f"{label}: unknown key '{key}' (use {', '.join(KEYS)})")
        if not isinstance(value, str):
            raise ConfigError(f"{label}: '{key}' must be a string")
    values = {key: str(entry.get(key, "")).strip() for key in KEYS}
    for key in REQUIRED:
        if not values[key]:
            raise ConfigError(f"{label}: '{key}' is required")
    values["country"] = values["country"].upper()
    if not re.fullmatch(r"[A-Z]{2}", values["country"]):
        raise ConfigError(f"{label}: 'country' must be a two-letter country code such as FI")
    processor = Processor(**values)
    if processor.outside_eea and not processor.safeguard:
        raise ConfigError(
            f"{label}: '{processor.country}' is outside the EU/EEA, so 'safeguard' is required "
            "(for example an adequacy decision or standard contractual clauses)"
        )
    return processor


def configured(config: Config | None = None) -> list[Processor]:
    """The processors of ``config`` (by default the configuration in force)."""
    config = config or runtime.get_config()
    return validate(config.data.get("processors", []))
