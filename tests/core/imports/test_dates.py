"""Dates as shops write them: every form, the shop's time zone, GMT columns, impossible dates."""

from __future__ import annotations

import datetime as dt

import pytest

from finconsole.core import bootstrap
from finconsole.core.imports.reading.dates import instant
from finconsole.core.kernel import validation as v
from finconsole.core.kernel.errors import ConfigError
from finconsole.core.settings import config, runtime


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        # ISO with an offset or Z: the offset decides, whatever the shop's zone
        ("2025-05-11 09:55:16 -0400", (2025, 5, 11, 13, 55, 16)),
        ("2026-04-10 11:11:26 +0530", (2026, 4, 10, 5, 41, 26)),
        ("2017-03-22T19:28:02Z", (2017, 3, 22, 19, 28, 2)),
        ("2017-03-22T19:28:02.123+00:00", (2017, 3, 22, 19, 28, 2)),
        ("2018-01-04 15:51:23 -0800", (2018, 1, 4, 23, 51, 23)),
        # no zone: Helsinki wall clock (EEST +3 in summer, EET +2 in winter)
        ("2017-03-22T16:28:02", (2017, 3, 22, 14, 28, 2)),
        ("2016-09-30 17:34:00", (2016, 9, 30, 14, 34, 0)),
        ("9/6/2016  6:29:00", (2016, 9, 6, 3, 29, 0)),  # SkyVerge legacy: month first
        ("5/31/2016 0:37", (2016, 5, 30, 21, 37, 0)),
        ("5/31/2016 12:37 PM", (2016, 5, 31, 9, 37, 0)),
        ("12/1/2016 12:05 AM", (2016, 11, 30, 22, 5, 0)),
        ("1.3.2026", (2026, 2, 28, 22, 0, 0)),
        ("1.3.2026 14.22", (2026, 3, 1, 12, 22, 0)),
        ("15.7.2026 klo 9:05:30", (2026, 7, 15, 6, 5, 30)),
    ],
)
def test_every_form_becomes_the_right_instant(text, utc):
    assert instant(text) == dt.datetime(*utc)


def test_a_gmt_column_is_utc_and_a_zone_in_the_value_still_wins():
    assert instant("2017-03-22T19:28:02", utc=True) == dt.datetime(2017, 3, 22, 19, 28, 2)
    assert instant("2017-03-22T19:28:02+02:00", utc=True) == dt.datetime(2017, 3, 22, 17, 28, 2)


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01 00:00:00",
        "1.1.0001",
        "9999-12-31T23:59:59",
        "2/30/2016 1:00",
        "31.2.2026",
        "13/1/2016 0:00",
        "2016-01-01 24:00",
        "2016-01-01 10:00 +2500",
        "13:00 PM 1/1/2016",
        "1/1/2016 13:00 PM",
        "yesterday",
        "2016-01-01 10:00 Europe/Helsinki",
    ],
)
def test_impossible_or_unknown_dates_are_field_errors(text):
    with pytest.raises(v.FieldError) as err:
        instant(text)
    assert text not in str(err.value)


def test_empty_is_none_unless_required():
    assert instant("  ") is None
    with pytest.raises(v.FieldError, match="is missing"):
        instant("", required=True)


def test_the_configured_shop_zone_is_used(runtime_config):
    data = config.defaults()
    data["shop"]["time_zone"] = "America/New_York"
    runtime.set_config(config.Config(data, None))
    assert instant("2017-03-22T16:28:02") == dt.datetime(2017, 3, 22, 20, 28, 2)


def test_shop_time_zone_is_validated_on_load():
    assert bootstrap.validate_config({"shop": {"time_zone": "Europe/Stockholm"}})["shop"] == {
        "time_zone": "Europe/Stockholm"
    }
    for bad in ("Mars/Olympus", "", "../etc/passwd", 3):
        with pytest.raises(ConfigError, match="shop.time_zone"):
            bootstrap.validate_config({"shop": {"time_zone": bad}})
    assert config.defaults()["shop"]["time_zone"] == "Europe/Helsinki"
