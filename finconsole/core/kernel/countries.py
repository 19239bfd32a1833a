"""Countries: the ISO 3166-1 alpha-2 codes, and a code from a country's name.

Exports write countries as codes (``FI``) or, in older formats, as names (``Finland``,
``Suomi``); tracking codes (UPU S10) end in a code that must be a real country.
"""

from __future__ import annotations

import functools
import unicodedata

# The 249 officially assigned ISO 3166-1 alpha-2 codes.
ISO_CODES = frozenset(
    """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split()
)
# Names shops write that no locale table below has.
_EXTRA_NAMES = {
    "usa": "US",
    "united states (us)": "US",
    "united states of america": "US",
    "uk": "GB",
    "united kingdom (uk)": "GB",
    "great britain": "GB",
    "england": "GB",
    "aland islands": "AX",
    "ahvenanmaa": "AX",
    "turkiye": "TR",
}
# the languages whose country names are recognised
_NAME_LANGUAGES = ("aa", "en", "fi", "sv", "de", "fr", "es")  # "aa": phonenumbers' English


def is_iso(code: str) -> bool:
    return code in ISO_CODES


def _key(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).split())


@functools.cache
def _by_name() -> dict[str, str]:
    """Country name (folded: case and accents ignored) -> code, from phonenumbers' locale
    tables (English, Finnish, Swedish, German, French, Spanish), loaded on first use."""
    from phonenumbers.geodata.locale import LOCALE_DATA

    names: dict[str, str] = {}
    for code, by_language in LOCALE_DATA.items():
        if code not in ISO_CODES:
            continue
        for language in _NAME_LANGUAGES:
            name = by_language.get(language, "")
            if name and not name.startswith("*"):
                names.setdefault(_key(name), code)
    names.update({_key(k): v for k, v in _EXTRA_NAMES.items()})
    return names


def code_of(value: str) -> str | None:
    """``FI``/``fi`` -> FI, ``Finland``/``Suomi``/``Finnland`` -> FI; None when unknown."""
    raw = value.strip()
    if len(raw) == 2 and raw.upper() in ISO_CODES:
        return raw.upper()
    return _by_name().get(_key(raw)) if raw else None
