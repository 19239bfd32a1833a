"""Field names, actions and recipient kinds in the letter's language.

A letter lists what staff did with the person's data ("changed your data (email address)") and
what was disclosed: the register stores those as internal codes (``identity_method``,
``customer.email``, ``debt_collection``), which a letter must never show. Personal fields take
their words from ``transparency.datafields`` (the same words as the register description);
the rest are here. Anything still unknown reads as "other data", never as a code.
"""

from __future__ import annotations

from finconsole.core.transparency import datafields

# Fields of records that the description treats as a whole (requests, disclosures, the
# register's own sections) and technical fields an audit event may name.
FIELD_WORDS: dict[str, dict[str, str]] = {
    "fi": {
        "name": "nimi",
        "address": "osoite",
        "identity_method": "henkilöllisyyden tarkistustapa",
        "identity_verified": "henkilöllisyyden tarkistus",
        "status": "tila",
        "outcome": "lopputulos",
        "refusal_reason": "hylkäyksen peruste",
        "extended_until": "pidennetty määräaika",
        "extension_reason": "pidennyksen peruste",
        "extension_told_at": "pidennyksestä ilmoitettu",
        "deadline": "määräaika",
        "details": "pyynnön tiedot",
        "subject_description": "pyytäjän kuvaus",
        "kind": "pyynnön laji",
        "channel": "yhteydenottotapa",
        "received_at": "vastaanottopäivä",
        "objection_purpose": "kiellon kohde",
        "customer": "asiakastiedot",
        "customer_id": "asiakastiedot",
        "recipient_name": "vastaanottaja",
        "recipient_kind": "vastaanottajan laji",
        "legal_basis": "oikeusperuste",
        "data_fields": "luovutetut tiedot",
        "disclosed_at": "luovutuspäivä",
        "customer_told_at": "sinulle ilmoitettu",
        "court": "tuomioistuin",
        "court_order_date": "tuomioistuimen määräyksen päivä",
        "court_case_number": "asianumero",
        "authority": "viranomainen",
        "reference": "viite",
        "description": "kuvaus",
        "done_at": "tehty",
        "addresses": "osoitteet",
        "orders": "tilaukset",
        "requests": "pyynnöt",
        "disclosures": "tietojen luovutukset",
        "authority_inquiries": "viranomaisten tiedustelut",
        "inquiries": "viranomaisten tiedustelut",
        "tasks": "tehtävät",
        "objections": "kiellot",
        "record_access": "tietojesi käsittelyloki",
        "order_record": "tilauksen kirjanpitotiedot",
        "contact": "yhteystiedot",
        "parcels": "lähetykset",
        "tracking_events": "seurantatapahtumat",
        "shipping_details": "toimitustiedot",
        "request_text": "pyyntöjen tekstit",
        "search_index": "hakuhakemisto",
    },
    "en": {
        "name": "name",
        "address": "address",
        "identity_method": "how your identity was checked",
        "identity_verified": "identity check",
        "status": "status",
        "outcome": "outcome",
        "refusal_reason": "reason for refusal",
        "extended_until": "extended deadline",
        "extension_reason": "reason for the extension",
        "extension_told_at": "told of the extension",
        "deadline": "deadline",
        "details": "details of the request",
        "subject_description": "description of the person asking",
        "kind": "kind of request",
        "channel": "how you contacted us",
        "received_at": "date received",
        "objection_purpose": "what the objection concerns",
        "customer": "customer record",
        "customer_id": "customer record",
        "recipient_name": "recipient",
        "recipient_kind": "kind of recipient",
        "legal_basis": "legal basis",
        "data_fields": "data disclosed",
        "disclosed_at": "date of disclosure",
        "customer_told_at": "date you were told",
        "court": "court",
        "court_order_date": "date of the court order",
        "court_case_number": "case number",
        "authority": "authority",
        "reference": "reference",
        "description": "description",
        "done_at": "done",
        "addresses": "addresses",
        "orders": "orders",
        "requests": "requests",
        "disclosures": "disclosures",
        "authority_inquiries": "inquiries by authorities",
        "inquiries": "inquiries by authorities",
        "tasks": "tasks",
        "objections": "objections",
        "record_access": "log of processing of your data",
        "order_record": "bookkeeping data of an order",
        "contact": "contact details",
        "parcels": "parcels",
        "tracking_events": "tracking events",
        "shipping_details": "delivery details",
        "request_text": "texts of your requests",
        "search_index": "search index",
    },
}
OTHER = {"fi": "muu tieto", "en": "other data"}

RECIPIENT_KINDS = {
    "fi": {
        "debt_collection": "perintä",
        "invoicing": "laskutus",
        "authority": "viranomainen",
        "other": "muu",
    },
    "en": {
        "debt_collection": "debt collection",
        "invoicing": "invoicing",
        "authority": "authority",
        "other": "other",
    },
}


def _described(key: str, lang: str) -> str | None:
    info = datafields.FIELDS.get(key)
    if info is None:
        return None
    return info.fi if lang == "fi" else info.en


def field_word(name: str, lang: str, record: str = "") -> str:
    """``name`` (an audit field, or a ``table.field`` key) in ``lang``: 'email' of a customer
    -> 'sähköpostiosoite'. Never the internal name."""
    lang = lang if lang in FIELD_WORDS else "en"
    key = name if "." in name else f"{record}.{name}"
    word = _described(key, lang) or _described(f"customer.{name}", lang)
    if word is None:
        bare = name.rpartition(".")[2]
        word = FIELD_WORDS[lang].get(bare) or next(
            (_described(k, lang) or "" for k in datafields.FIELDS if k.rpartition(".")[2] == bare),
            None,
        )
    return word or OTHER[lang]


def field_list(names: str | list[str], lang: str, record: str = "") -> str:
    """Comma-separated field words, each once, in the order given."""
    items = names.split(",") if isinstance(names, str) else names
    words = [field_word(n.strip(), lang, record) for n in items if n.strip()]
    return ", ".join(dict.fromkeys(words))


def recipient_kind(code: str, lang: str) -> str:
    table = RECIPIENT_KINDS.get(lang, RECIPIENT_KINDS["en"])
    return table.get(code, OTHER.get(lang, OTHER["en"]))
