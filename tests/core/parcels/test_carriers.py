import pytest

from finconsole.core import bootstrap
from finconsole.core.kernel.errors import ConfigError, ValidationError
from finconsole.core.parcels import carrier_events, carriers

VALID = {
    "posti": ["JJFI64312310000123456", "RR123456785FI", "jjfi 6431 2310 0001"],
    "matkahuolto": ["MH1234567890", "1234567890123"],
    "postnord": ["RR123456785SE", "003701234567890122", "00003701234567890122"],
    "dhl": ["1234567891", "JJD000390007878786"],
    "schenker": ["1806203236", "ABC123456789"],
    "gls": ["12345678901", "ZX3ABCD1"],
    "budbee": ["AB12CD34EF56"],
    "ups": ["1Z999AA10123456784", "1z 999 aa1 0123 4567 84"],
    "other": ["ABC-123/45", "X1234"],
}
INVALID = {
    "posti": ["RR123456784FI", "JJFI12", "ABC"],
    "matkahuolto": ["MH12", "XYZ"],
    "postnord": ["RR123456786SE", "003701234567890128"],
    "dhl": ["1234567890", "12345"],
    "schenker": ["12", "AB-1"],
    "gls": ["123", "1234567890123456"],
    "budbee": ["AB", "AB-12-CD"],
    "ups": ["1Z999AA10123456785", "1Z999AA1012345678"],
    "other": ["ab", "bad code!", "x" * 65],
}


@pytest.mark.parametrize("carrier,code", [(c, x) for c, codes in VALID.items() for x in codes])
def test_valid_codes(carrier, code):
    name, clean = carriers.validate(carrier, code)
    assert name == carrier
    assert clean == "".join(code.split()).upper()


@pytest.mark.parametrize("carrier,code", [(c, x) for c, codes in INVALID.items() for x in codes])
def test_invalid_codes_are_field_errors(carrier, code):
    with pytest.raises(ValidationError) as err:
        carriers.validate(carrier, code)
    assert "tracking_code" in err.value.fields


def test_check_digits():
    assert carriers.s10_check_digit("12345678") == 5
    assert carriers.s10_check_digit("00000001") == 4  # 11 - 7
    assert carriers.ups_check_digit("999AA1012345678") == 4
    assert carriers.gs1_check_digit("10614141123456789") == 7  # GS1 example
    assert carriers.is_dhl_express("1234567891") and not carriers.is_dhl_express("1234567892")


def test_s10_special_remainders():
    # sum mod 11 == 1 gives 10 -> 0; sum mod 11 == 0 gives 11 -> 5
    for serial in range(2000):
        digits = f"{serial:08d}"
        total = sum(int(d) * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7)))
        expected = {1: 0, 0: 5}.get(total % 11, 11 - total % 11)
        assert carriers.s10_check_digit(digits) == expected


def test_wrong_check_digit_message_is_specific():
    with pytest.raises(ValidationError, match="check digit"):
        carriers.validate("ups", "1Z999AA10123456785")
    with pytest.raises(ValidationError, match="check digit"):
        carriers.validate("dhl", "1234567890")


def test_detection():
    assert carriers.detect("1Z999AA10123456784") == "ups"
    assert carriers.detect("JJFI64312310000123") == "posti"
    assert carriers.detect("RR123456785FI") == "posti"
    assert carriers.detect("RR123456785SE") == "postnord"
    assert carriers.detect("JJD000390007878786") == "dhl"
    assert carriers.detect("MH1234567890") == "matkahuolto"
    assert carriers.detect("RR123456785CN") is None
    assert carriers.validate(None, "rr123456785fi") == ("posti", "RR123456785FI")


def test_undetectable_or_unknown_carrier():
    with pytest.raises(ValidationError) as err:
        carriers.validate("", "ABCDEFGH")
    assert "carrier" in err.value.fields
    with pytest.raises(ValidationError) as err:
        carriers.validate("hermes", "ABCDEFGH")
    assert "carrier" in err.value.fields
    with pytest.raises(ValidationError) as err:
        carriers.validate("other", "   ")
    assert err.value.fields == {"tracking_code": "is required"}


def test_settings_defaults_and_overrides():
    rules = carriers.settings("posti", {})
    assert rules["lost_after_days"] == 7 and rules["pickup_days"] == 7
    assert carriers.settings("matkahuolto", {})["pickup_days"] == 14
    assert carriers.settings("posti", {"posti": {"lost_after_days": 3}})["lost_after_days"] == 3


@pytest.mark.parametrize(
    "table,message",
    [
        ({"hermes": {}}, "unknown carrier [carriers.hermes]"),
        ({"posti": {"lost_after": 3}}, "unknown key 'lost_after' in [carriers.posti]"),
        ({"posti": {"pickup_days": "7"}}, "'carriers.posti.pickup_days' must be a whole number"),
        ({"posti": {"pickup_days": True}}, "'carriers.posti.pickup_days' must be a whole number"),
        ({"ups": {"claim_days": -1}}, "'carriers.ups.claim_days' must be 0..3650"),
        ({"ups": 3}, "[carriers.ups] must be a table"),
    ],
)
def test_bad_carrier_config_names_the_key(table, message):
    with pytest.raises(ConfigError) as err:
        bootstrap.validate_config({"carriers": table}, "config.toml")
    assert message in str(err.value)


def test_config_file_with_carriers_loads(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[carriers.posti]\nlost_after_days = 4\n")
    cfg = bootstrap.load_config(str(path))
    assert carriers.settings("posti", cfg["carriers"])["lost_after_days"] == 4


@pytest.mark.parametrize(
    "carrier,code,status",
    [
        ("posti", "13", "in_transit"),
        ("posti", "20", "exception"),
        ("posti", "22", "delivered"),
        ("posti", "022", "delivered"),
        ("posti", "38", "delivered"),
        ("posti", "45", "available_for_pickup"),
        ("posti", "56", "attempt_failed"),
        ("posti", "68", "info_received"),
        ("posti", "71", "out_for_delivery"),
        ("posti", "77", "returned_to_sender"),
        ("posti", "91", "available_for_pickup"),
        ("posti", "99", "in_transit"),
        ("ups", "d", "delivered"),
        ("ups", "RS", "returned_to_sender"),
        ("dhl", "WC", "out_for_delivery"),
        ("dhl", "NH", "attempt_failed"),
        ("gls", "ready for pickup", "available_for_pickup"),
        ("budbee", "DELIVERED", "delivered"),
        ("matkahuolto", "out-for-delivery", "out_for_delivery"),
        ("posti", "lost", "lost"),
        ("matkahuolto", "NOUD", "available_for_pickup"),
        ("matkahuolto", "luo", "delivered"),
        ("postnord", "UL", "delivered"),
        ("postnord", "AN", "available_for_pickup"),
        ("posti", "12", None),
        ("ups", "ZZ", None),
    ],
)
def test_event_code_mapping(carrier, code, status):
    assert carrier_events.status_for(carrier, code) == status


def test_every_mapping_uses_the_vocabulary():
    for table in carrier_events.EVENT_CODES.values():
        assert set(table.values()) <= set(carriers.STATUSES)
    assert set(carrier_events.EVENT_CODES) == set(carriers.CARRIERS)


def test_codes_shaped_like_the_demo_data_validate():
    """The demo generator's formats (foundation): each must pass our validators."""
    mh = "701234567890"
    pn = "37123456712345678"
    codes = {
        "posti": [
            "JJFI12345678123456789",
            "CP12345678" + str(carriers.s10_check_digit("12345678")) + "FI",
        ],
        "dhl": [f"{123456789}{123456789 % 7}"],
        "postnord": [f"00{pn}{carriers.gs1_check_digit(pn)}"],
        "matkahuolto": [f"{mh}{carriers.gs1_check_digit(mh)}"],
    }
    for carrier, values in codes.items():
        for code in values:
            assert carriers.validate(carrier, code) == (carrier, code)


def test_blank_carrier_with_a_bad_check_digit_names_the_check_digit():
    with pytest.raises(ValidationError) as info:
        carriers.validate("", "RR123456789FI")
    assert info.value.fields == {"tracking_code": "the check digit of this UPU S10 code is wrong"}
    with pytest.raises(ValidationError) as info:
        carriers.validate(None, "XYZ-NOT-A-CODE")
    assert "carrier" in info.value.fields
