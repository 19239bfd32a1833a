"""Published tracking numbers and their verdicts (tests/fixtures/realdata/derived/tracking/
tracking_cases.csv, sources in SOURCE.txt): every verdict matches the carriers module."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from finconsole.core.kernel.errors import ValidationError
from finconsole.core.parcels import carriers

CASES = Path(__file__).parents[2] / "fixtures" / "realdata" / "derived" / "tracking"
ROWS = list(csv.DictReader((CASES / "tracking_cases.csv").open(encoding="utf-8")))


def accepted(carrier: str, code: str) -> bool:
    try:
        carriers.validate(carrier, code)
    except ValidationError:
        return False
    return True


def test_the_file_has_every_case():
    assert len(ROWS) == 55
    assert {row["expected_valid"] for row in ROWS} == {"yes", "no", "unknown"}


@pytest.mark.parametrize(
    "row", ROWS, ids=[f"{r['carrier']}:{r['code'].strip()}:{r['expected_valid']}" for r in ROWS]
)
def test_every_published_verdict_matches(row):
    verdict = accepted(row["carrier"], row["code"])
    if row["expected_valid"] == "unknown":
        # Pakettikauppa's test label is shaped like a Posti code but is no parcel: either is fine
        pytest.skip("the source gives no verdict")
    assert verdict == (row["expected_valid"] == "yes")


@pytest.mark.parametrize(
    ("code", "carrier"),
    [
        ("K1506235620", "ups"),
        ("k 150 623 562 0", "ups"),
        ("1Z5R89390357567127", "ups"),
        ("JJFI64574900000137203", "posti"),
        ("JJD0099999999", "dhl"),
        ("RB123456785FI", "posti"),
    ],
)
def test_codes_that_name_their_carrier_are_detected(code, carrier):
    assert carriers.detect(carriers.normalise(code)) == carrier


def test_messages_say_what_is_wrong():
    with pytest.raises(ValidationError) as err:
        carriers.validate("posti", "RB123456785XX")
    assert "country" in err.value.fields["tracking_code"]
    with pytest.raises(ValidationError) as err:
        carriers.validate("ups", "K1506235622")
    assert "check digit" in err.value.fields["tracking_code"]
    with pytest.raises(ValidationError) as err:
        carriers.validate("dhl", "73891051145")
    assert "check digit" in err.value.fields["tracking_code"]
    assert carriers.detect("JJFI1234567890") == "posti"  # never a DHL piece id
