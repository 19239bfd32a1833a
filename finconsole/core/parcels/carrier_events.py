"""Each carrier's event codes mapped to the normalised status vocabulary.

Posti's codes are its IFTSTA-style event codes (STACK_NOTES). UPS's are its tracking API
status types; DHL's are DHL Express checkpoint codes. For carriers without public numeric
codes the shop's tracking exports carry short English event names, listed here. A row may also
name a status from the vocabulary directly (``delivered``), which every carrier accepts.
"""

from __future__ import annotations

from finconsole.core.parcels.carriers import STATUSES

POSTI = {
    "13": "in_transit",  # picked up from the sender
    "20": "exception",
    "22": "delivered",  # handed to the recipient
    "31": "in_transit",
    "38": "delivered",  # cash on delivery paid: only at hand-over
    "45": "available_for_pickup",  # arrival notice sent
    "48": "in_transit",  # loaded
    "56": "attempt_failed",
    "68": "info_received",  # pre-information received
    "71": "out_for_delivery",
    "77": "returned_to_sender",
    "91": "available_for_pickup",  # arrived at the post office
    "99": "in_transit",  # outbound abroad
}
UPS = {
    "M": "info_received",  # billing information received
    "MV": "pending",  # billing information voided
    "P": "in_transit",  # pickup
    "I": "in_transit",
    "O": "out_for_delivery",
    "W": "in_transit",  # warehousing
    "X": "exception",
    "RS": "returned_to_sender",
    "D": "delivered",
    "DO": "delivered",
    "DD": "delivered",
}
DHL = {
    "SA": "info_received",  # shipment acceptance data
    "PU": "in_transit",  # picked up
    "PL": "in_transit",  # processed
    "DF": "in_transit",  # departed facility
    "AF": "in_transit",  # arrived at facility
    "AR": "in_transit",  # arrived at delivery facility
    "CC": "available_for_pickup",  # awaiting collection
    "WC": "out_for_delivery",  # with courier
    "NH": "attempt_failed",  # not home
    "CA": "attempt_failed",  # closed on arrival
    "OH": "exception",  # on hold
    "MS": "exception",  # missorted
    "RT": "returned_to_sender",
    "OK": "delivered",
}
# Short event names used by the other carriers' exports.
GENERIC = {
    "CREATED": "info_received",
    "EDI": "info_received",
    "REGISTERED": "info_received",
    "PICKED_UP": "in_transit",
    "HANDED_OVER": "in_transit",
    "DEPARTED": "in_transit",
    "ARRIVED": "in_transit",
    "TRANSIT": "in_transit",
    "OUT_FOR_DELIVERY": "out_for_delivery",
    "DELIVERY_FAILED": "attempt_failed",
    "NOT_HOME": "attempt_failed",
    "READY_FOR_PICKUP": "available_for_pickup",
    "AT_PICKUP_POINT": "available_for_pickup",
    "DELIVERED": "delivered",
    "PICKED_UP_BY_RECIPIENT": "delivered",
    "DAMAGED": "exception",
    "DELAYED": "exception",
    "RETURNED": "returned_to_sender",
    "RETURN_TO_SENDER": "returned_to_sender",
}

# Short codes in the PostNord and Matkahuolto exports this shop receives (and the demo data).
POSTNORD = {
    "EE": "info_received",
    "AA": "in_transit",
    "AL": "in_transit",
    "UT": "in_transit",
    "UD": "out_for_delivery",
    "NA": "attempt_failed",
    "AN": "available_for_pickup",
    "AV": "available_for_pickup",
    "UL": "delivered",
    "ER": "exception",
    "RE": "returned_to_sender",
    **GENERIC,
}
MATKAHUOLTO = {
    "ENN": "info_received",  # ennakkotieto
    "NOU": "in_transit",  # noudettu lähettäjältä
    "LAS": "in_transit",  # lastattu
    "KUL": "in_transit",  # kuljetuksessa
    "JAK": "out_for_delivery",  # jakelussa
    "YRI": "attempt_failed",  # jakeluyritys
    "NOUD": "available_for_pickup",  # noudettavissa
    "ILM": "available_for_pickup",  # saapumisilmoitus
    "LUO": "delivered",  # luovutettu
    "POIK": "exception",  # poikkeama
    "PAL": "returned_to_sender",  # palautetaan
    **GENERIC,
}

EVENT_CODES: dict[str, dict[str, str]] = {
    "posti": POSTI,
    "ups": UPS,
    "dhl": DHL,
    "matkahuolto": MATKAHUOLTO,
    "postnord": POSTNORD,
    "schenker": GENERIC,
    "gls": GENERIC,
    "budbee": GENERIC,
    "other": GENERIC,
}
_STATUS_WORDS = {s.upper(): s for s in STATUSES}


def status_for(carrier: str, code: str) -> str | None:
    """The normalised status of ``carrier``'s event ``code``, or None if it is unknown.

    Numeric codes may come zero-padded ("022") or bare ("22"); names in any case.
    """
    key = code.strip().upper().replace(" ", "_").replace("-", "_")
    table = EVENT_CODES.get(carrier, GENERIC)
    if key in table:
        return table[key]
    if key.isdigit() and key.lstrip("0") in table:
        return table[key.lstrip("0")]
    return _STATUS_WORDS.get(key)
