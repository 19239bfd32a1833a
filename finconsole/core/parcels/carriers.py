"""Carriers: tracking code formats, event codes and the per-carrier follow-up rules.

Codes are normalised (whitespace removed, upper case) before they are checked or stored.
Where a format has a public check digit it is verified (UPU S10, UPS 1Z, DHL Express
mod 7, GS1 SSCC); for the others a plausible public shape is required. ``other`` accepts
any sane code. Settings come from ``[carriers.<name>]`` in the config over the defaults below.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from finconsole.core.kernel import countries
from finconsole.core.kernel.errors import ConfigError, ValidationError

CARRIERS: dict[str, str] = {
    "posti": "Posti",
    "matkahuolto": "Matkahuolto",
    "postnord": "PostNord",
    "dhl": "DHL",
    "schenker": "DB Schenker",
    "gls": "GLS",
    "budbee": "Budbee",
    "ups": "UPS",
    "other": "Other",
}

# The normalised vocabulary. "lost" is only ever set by a closed claim or a carrier's event.
STATUSES = (
    "pending",
    "info_received",
    "in_transit",
    "out_for_delivery",
    "attempt_failed",
    "available_for_pickup",
    "delivered",
    "exception",
    "returned_to_sender",
    "lost",
)
# Still on its way: the lost rule applies to these.
ACTIVE_STATUSES = ("in_transit", "out_for_delivery", "attempt_failed", "exception")
FINAL_STATUSES = ("delivered", "returned_to_sender", "lost")
# The carrier has the parcel from the first event with one of these (the handover).
HANDED_OVER = (*ACTIVE_STATUSES, "available_for_pickup", *FINAL_STATUSES)

# Defaults follow domestic carriage law (STACK_NOTES): goods count as lost 14 days after the
# agreed delivery time or 28 days after the carrier took them over; claims are time-barred one
# year later. Posti keeps a pickup parcel 7 days. The "suspected" thresholds are deliberately
# much earlier than the legal ones: the point is to chase the carrier while it can still help.
DEFAULT_SETTINGS: dict[str, int] = {
    "transit_days": 3,  # expected delivery after handover, when the carrier gave no date
    "lost_after_days": 7,  # no new event for this long after handover: suspected lost
    "overdue_days": 5,  # this long past the expected delivery: suspected lost
    "pickup_days": 7,  # how long a pickup point keeps the parcel
    "pickup_warn_days": 2,  # flag a parcel waiting for pickup this close to the end
    "legal_lost_after_expected_days": 14,
    "legal_lost_after_handover_days": 28,
    "claim_days": 365,  # claim deadline counted from the day the goods count as lost
    "claim_warn_days": 30,  # list an open claim this close to its deadline
}
CARRIER_DEFAULTS: dict[str, dict[str, int]] = {
    "posti": {"transit_days": 2},
    "matkahuolto": {"transit_days": 2, "pickup_days": 14},
    "postnord": {"transit_days": 4, "pickup_days": 14},
    "dhl": {"transit_days": 3, "pickup_days": 7},
    "schenker": {"transit_days": 4, "pickup_days": 7},
    "gls": {"transit_days": 3, "pickup_days": 7},
    "budbee": {"transit_days": 2, "pickup_days": 7},
    "ups": {"transit_days": 3, "pickup_days": 5},
    "other": {"transit_days": 7, "lost_after_days": 10},
}


# --- settings -------------------------------------------------------------------------------


def validate_config(table: dict[str, Any], where: str = "config") -> None:
    """Check a ``[carriers]`` table; raise ConfigError naming the bad key."""
    for name, values in table.items():
        if name not in CARRIERS:
            known = ", ".join(CARRIERS)
            raise ConfigError(f"{where}: unknown carrier [carriers.{name}] (known: {known})")
        if not isinstance(values, dict):
            raise ConfigError(f"{where}: [carriers.{name}] must be a table")
        for key, value in values.items():
            if key not in DEFAULT_SETTINGS:
                raise ConfigError(f"{where}: unknown key '{key}' in [carriers.{name}]")
            if not isinstance(value, int) or isinstance(value, bool):
                raise ConfigError(f"{where}: 'carriers.{name}.{key}' must be a whole number")
            if value < 0 or value > 3650:
                raise ConfigError(f"{where}: 'carriers.{name}.{key}' must be 0..3650")


def settings(carrier: str, table: dict[str, Any] | None = None) -> dict[str, int]:
    """The rules for ``carrier``: defaults, then carrier defaults, then the config."""
    return _merged(carrier, _checked(table))


def all_settings(table: dict[str, Any] | None = None) -> dict[str, dict[str, int]]:
    checked = _checked(table)
    return {name: _merged(name, checked) for name in CARRIERS}


def _checked(table: dict[str, Any] | None) -> dict[str, Any]:
    """A table passed in is checked here; the config's was checked when it was loaded."""
    if table is None:
        from finconsole.core.settings import runtime

        return runtime.settings("carriers")
    validate_config(table)
    return table


def _merged(carrier: str, table: dict[str, Any]) -> dict[str, int]:
    merged = dict(DEFAULT_SETTINGS)
    merged.update(CARRIER_DEFAULTS.get(carrier, {}))
    merged.update(table.get(carrier, {}))
    return merged


# --- check digits ---------------------------------------------------------------------------

S10 = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")
UPS = re.compile(r"^1Z([0-9A-Z]{15})(\d)$")
# UPS waybill (air freight / Worldwide Express): a service letter, 9 digits, a check digit
UPS_WAYBILL = re.compile(r"^[AHJKTV](\d{9})(\d)$")
SSCC = re.compile(r"^(?:00)?(\d{17})(\d)$")


# The check digits use ord() arithmetic, not int(c): the demo makes two million codes per
# million customers with them.


def s10_check_digit(digits: str) -> int:
    """UPU S10: weights 8,6,4,2,3,5,9,7; C = 11 - (sum mod 11); 10 -> 0, 11 -> 5."""
    total = 0
    for c, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7)):
        total += (ord(c) - 48) * w
    check = 11 - total % 11
    return 0 if check == 10 else 5 if check == 11 else check


def ups_check_digit(body: str) -> int:
    """UPS 1Z: letters map to (ord - 63) mod 10; odd positions once, even positions twice."""
    values = [int(c) if c.isdigit() else (ord(c) - 63) % 10 for c in body]
    total = sum(values[0::2]) + 2 * sum(values[1::2])
    return (10 - total % 10) % 10


def gs1_check_digit(digits: str) -> int:
    """GS1 (SSCC, GTIN): weights 3,1,3,... from the right, C = (10 - sum mod 10) mod 10."""
    odd = sum(map(ord, digits[-1::-2])) - 48 * len(digits[-1::-2])
    even = sum(map(ord, digits[-2::-2])) - 48 * len(digits[-2::-2])
    return (10 - (3 * odd + even) % 10) % 10


def waybill_check_digit(digits: str) -> int:
    """UPS waybill (as published with UPS's test numbers): digits at odd places (0-based)
    count twice, C = (10 - sum mod 10) mod 10."""
    total = sum((ord(c) - 48) * (2 if i % 2 else 1) for i, c in enumerate(digits))
    return (10 - total % 10) % 10


def is_s10(code: str) -> bool:
    """UPU S10 with a right check digit and a real ISO country (``XX`` is none)."""
    m = S10.match(code)
    return (
        m is not None
        and s10_check_digit(m.group(2)) == int(m.group(3))
        and countries.is_iso(m.group(4))
    )


def is_ups_waybill(code: str) -> bool:
    m = UPS_WAYBILL.match(code)
    return m is not None and waybill_check_digit(m.group(1)) == int(m.group(2))


def is_ups(code: str) -> bool:
    m = UPS.match(code)
    return m is not None and ups_check_digit(m.group(1)) == int(m.group(2))


def is_dhl_express(code: str) -> bool:
    """DHL Express waybill: 10 or 11 digits, the last one is the others mod 7."""
    return len(code) in (10, 11) and code.isdigit() and int(code[:-1]) % 7 == int(code[-1])


def is_sscc(code: str) -> bool:
    m = SSCC.match(code)
    return m is not None and gs1_check_digit(m.group(1)) == int(m.group(2))


def _matches(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern)
    return lambda code: bool(compiled.fullmatch(code))


is_posti_domestic = _matches(r"JJFI\d{10,22}")
# DHL Express piece ids (JJD0099999999, JVGL0999999990) and DHL Parcel's long JJD codes;
# JJFI is Posti's, never DHL's
is_dhl_parcel = _matches(r"JJD\d{15,22}|JVGL\d{8,16}|(?!JJFI)J[A-Z]{2,3}\d{9,10}")
is_matkahuolto = _matches(r"MH\d{8,16}|\d{10,14}")
is_gls = _matches(r"\d{11,12}|[0-9A-Z]{8}")
is_budbee = _matches(r"[0-9A-Z]{8,24}")
is_schenker = _matches(r"\d{8,12}|[A-Z]{3}\d{6,12}|[A-Z]{4}\d{9,12}")
is_sane = _matches(r"[0-9A-Z][0-9A-Z\-./_]{3,63}")

# Each carrier's accepted formats, with a message naming what was expected.
FORMATS: dict[str, tuple[tuple[Callable[[str], bool], ...], str]] = {
    "posti": ((is_posti_domestic, is_s10), "a Posti code (JJFI + digits) or a UPU S10 code"),
    "matkahuolto": ((is_matkahuolto, is_sscc), "a Matkahuolto code (MH + digits or digits)"),
    "postnord": ((is_s10, is_sscc), "a UPU S10 code or an SSCC (18 digits)"),
    "dhl": (
        (is_dhl_express, is_dhl_parcel, is_s10),
        "a DHL Express waybill (10 or 11 digits) or a JJD/JVGL piece id",
    ),
    "schenker": ((is_schenker, is_sscc), "a DB Schenker shipment number or an SSCC"),
    "gls": ((is_gls, is_sscc), "a GLS parcel number (11-12 digits) or an 8 character track id"),
    "budbee": ((is_budbee,), "a Budbee code (8-24 letters and digits)"),
    "ups": (
        (is_ups, is_ups_waybill),
        "a UPS code (1Z + 16 characters) or a UPS waybill (a letter and 10 digits)",
    ),
    "other": ((is_sane,), "4-64 letters, digits or - . / _"),
}


# --- normalising, detecting, validating ------------------------------------------------------

_SPACE = re.compile(r"\s+")


def normalise(code: object) -> str:
    """Remove all whitespace and upper-case: ``jjfi 6431 2310`` -> ``JJFI64312310``."""
    return _SPACE.sub("", "" if code is None else str(code)).upper()


def detect(code: str) -> str | None:
    """The carrier a (normalised) code unmistakably belongs to, or None."""
    if code.startswith("1Z") and is_ups(code):
        return "ups"
    if is_ups_waybill(code):
        return "ups"
    if is_posti_domestic(code):
        return "posti"
    if code.startswith(("JJD", "JVGL")) and is_dhl_parcel(code):
        return "dhl"
    if code.startswith("MH") and is_matkahuolto(code):
        return "matkahuolto"
    if is_s10(code):
        return {"FI": "posti", "SE": "postnord", "DK": "postnord"}.get(code[-2:])
    return None


def check_code(carrier: str, code: str) -> str | None:
    """None when ``code`` (normalised) is valid for ``carrier``, else what was expected."""
    tests, expected = FORMATS[carrier]
    if any(test(code) for test in tests):
        return None
    if (m := S10.match(code)) and is_s10 in tests:
        if not countries.is_iso(m.group(4)):
            return "this UPU S10 code does not end in a country code"
        return "the check digit of this UPU S10 code is wrong"
    if (UPS.match(code) or UPS_WAYBILL.match(code)) and carrier == "ups":
        return "the check digit of this UPS code is wrong"
    if len(code) in (10, 11) and code.isdigit() and carrier == "dhl":
        return "the check digit of this DHL waybill is wrong"
    return f"is not {expected}"


def validate(carrier: str | None, code: object) -> tuple[str, str]:
    """Normalise and check; return (carrier, code). Raises ValidationError with field messages.

    A blank carrier is detected from the code when the code says which carrier it is.
    """
    clean = normalise(code)
    name = (carrier or "").strip().lower()
    if not clean:
        raise ValidationError({"tracking_code": "is required"})
    if not name:
        name = detect(clean) or ""
        if not name:
            raise ValidationError({"carrier": "cannot be told from the code: choose the carrier"})
    if name not in CARRIERS:
        raise ValidationError({"carrier": "must be one of " + ", ".join(CARRIERS)})
    problem = check_code(name, clean)
    if problem:
        raise ValidationError({"tracking_code": problem})
    return name, clean
