"""Numbers outside sane bounds, dates that are not MM-DD and in-memory databases are refused at
load, with one line naming the key (#16): nothing overflows later inside a service."""

import pytest

from finconsole.core.kernel.errors import ConfigError
from finconsole.core.settings import config


def load(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return config.load(str(path))


@pytest.mark.parametrize(
    "section, key, value",
    [
        ("security", "lockout_minutes", 99999999999),
        ("security", "max_failed_logins", 0),
        ("security", "min_password_length", 3),
        ("retention", "voucher_years", 9000),
        ("retention", "voucher_years", 2),
        ("retention", "tracking_event_days", 10**12),
        ("requests", "response_months", 40),
        ("outbox", "forget_hours", 0),
    ],
)
def test_number_out_of_range_names_the_key(tmp_path, section, key, value):
    with pytest.raises(ConfigError, match=rf"'{section}\.{key}' must be between \d+ and \d+"):
        load(tmp_path, f"[{section}]\n{key} = {value}\n")


def test_numbers_at_the_bounds_are_accepted(tmp_path):
    high = config.RANGES["security.lockout_minutes"][1]
    cfg = load(tmp_path, f"[security]\nlockout_minutes = {high}\n")
    assert cfg["security"]["lockout_minutes"] == high
    cfg = load(tmp_path, "[retention]\nvoucher_years = 6\n")
    assert cfg["retention"]["voucher_years"] == 6


def test_financial_year_end_is_checked_at_load(tmp_path):
    with pytest.raises(ConfigError, match="'retention.financial_year_end' must be MM-DD"):
        load(tmp_path, '[retention]\nfinancial_year_end = "13-40"\n')
    assert load(tmp_path, '[retention]\nfinancial_year_end = "02-29"\n')


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///", "sqlite:///:memory:", "sqlite:///x.db?mode=memory"]
)
def test_in_memory_sqlite_is_refused(tmp_path, url):
    with pytest.raises(ConfigError, match="'database.url' names an in-memory SQLite database"):
        load(tmp_path, f'[database]\nurl = "{url}"\n')


def test_config_not_utf8_is_one_line(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b'[controller]\nname = "Caf\xe9"\n')
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        config.load(str(path))
