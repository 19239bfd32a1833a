import os
import stat

import pytest

from finconsole.core.kernel.errors import ConfigError
from finconsole.core.settings import config


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_defaults_without_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FINCONSOLE_CONFIG", raising=False)
    cfg = config.load()
    assert cfg["database"]["url"] == "sqlite:///finconsole.db"
    assert cfg.database_url == f"sqlite:///{tmp_path / 'finconsole.db'}"


def test_unknown_key_names_key_and_file(tmp_path):
    path = write(tmp_path, '[database]\nurll = "x"\n')
    with pytest.raises(ConfigError, match=r"config.toml: unknown key 'urll' in \[database\]"):
        config.load(path)


def test_unknown_section(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown section \[databse\]"):
        config.load(write(tmp_path, "[databse]\n"))


def test_wrong_type(tmp_path):
    path = write(tmp_path, '[security]\nmax_failed_logins = "five"\n')
    with pytest.raises(ConfigError, match="'security.max_failed_logins' must be a whole number"):
        config.load(path)


def test_bool_is_not_a_number(tmp_path):
    with pytest.raises(ConfigError):
        config.load(write(tmp_path, "[security]\nmax_failed_logins = true\n"))


def test_bad_toml_is_one_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        config.load(write(tmp_path, "[database\n"))


def test_explicit_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        config.load(str(tmp_path / "nope.toml"))


def test_env_variable_is_used(tmp_path, monkeypatch):
    path = write(tmp_path, '[database]\nurl = "sqlite:///x.db"\n')
    monkeypatch.setenv("FINCONSOLE_CONFIG", path)
    assert config.load()["database"]["url"] == "sqlite:///x.db"


def test_write_refuses_overwrite_and_is_private(tmp_path):
    path = tmp_path / "c.toml"
    config.write(path, config.defaults())
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with pytest.raises(ConfigError, match="use --force"):
        config.write(path, config.defaults())
    config.write(path, config.defaults(), force=True)
    assert config.load(str(path))["controller"]["business_id"] == "2787109-2"


def test_write_drops_none(tmp_path):
    data = config.defaults()
    data["carriers"] = {"posti": {"lost_after_days": 14, "note": None}}
    config.write(tmp_path / "c.toml", data)
    assert config.load(str(tmp_path / "c.toml"))["carriers"] == {"posti": {"lost_after_days": 14}}


def test_example_config_documents_every_setting():
    import tomllib
    from pathlib import Path

    from finconsole.core.settings import config as cfg

    path = Path(__file__).resolve().parents[3] / "config.example.toml"
    raw = tomllib.loads(path.read_text())
    assert cfg.validate(raw, str(path)) == cfg.defaults()  # valid, and the defaults exactly
    for section, keys in cfg.SCHEMA.items():
        assert set(raw[section]) == set(keys), section
