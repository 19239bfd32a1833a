"""The languages the register speaks to a customer in: letters, messages and notices."""

from __future__ import annotations

from typing import Any

from finconsole.core.kernel.errors import ConfigError

LANGUAGES = ("fi", "sv", "en")


def check_customers_section(section: dict[str, Any], where: str) -> None:
    """The ``[customers]`` section: the default language must be one the letters exist in."""
    if section["default_language"] not in LANGUAGES:
        raise ConfigError(f"{where}: 'customers.default_language' must be fi, sv or en")
