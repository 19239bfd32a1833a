"""The languages the register speaks to a customer in: letters, messages and notices."""

from __future__ import annotations

from typing import Any

from finconsole.core.kernel.errors import ConfigError

LANGUAGES = ("fi", "sv", "en")


def check_customers_section(section: dict[str, Any], where: str) -> None:
    """The ``[customers]`` section: the default language must be one the letters exist in;
    the default country a two-letter ISO code."""
    if section["default_language"] not in LANGUAGES:
        raise ConfigError(f"{where}: 'customers.default_language' must be fi, sv or en")
    country = section["default_country"]
    if len(country) != 2 or not country.isascii() or not country.isupper():
        raise ConfigError(f"{where}: 'customers.default_country' must be an ISO code such as FI")
