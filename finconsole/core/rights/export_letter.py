"""The access export as a readable letter, in Finnish or English (GDPR Art 15)."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any

from finconsole.core.kernel.text import printable
from finconsole.core.rights.letter_words import field_list, recipient_kind

TEXTS: dict[str, dict[str, str]] = {
    "fi": {
        "lang": "fi",
        "title": "Tietopyyntö: tiedot, jotka rekisterissä on sinusta",
        "intro": (
            "Pyysit saada tietää, mitä tietoja {register} sisältää sinusta. Alla ovat kaikki "
            "tiedot, jotka rekisterissä on sinusta {date}."
        ),
        "controller": "Rekisterinpitäjä",
        "contact": "Yhteyshenkilö rekisteriä koskevissa asioissa",
        "customer": "Yhteystiedot",
        "name": "Nimi",
        "email": "Sähköposti",
        "phone": "Puhelin",
        "language": "Asiointikieli",
        "note": "Muistiinpano",
        "created": "Asiakkaaksi",
        "restricted": "Käsittelyä rajoitettu: tietoja vain säilytetään",
        "addresses": "Osoitteet",
        "orders": "Tilaukset",
        "order": "Tilaus",
        "total": "yhteensä",
        "invoice": "lasku",
        "billing": "Laskutus",
        "shipping": "Toimitus",
        "parcel": "Lähetys",
        "events": "seurantatapahtumat",
        "claim": "Katoamisselvitys",
        "requests": "Pyyntösi",
        "disclosures": "Tietojen luovutukset",
        "inquiries": "Viranomaisten tiedustelut",
        "objections": "Kiellot",
        "objection_on": "kielletty {date} alkaen",
        "objection_off": "ei kieltoa",
        "marketing": "Markkinointi",
        "statistics": "Tilastointi",
        "profiling": "Profilointi",
        "record_access": "Ketkä henkilökunnasta ovat katsoneet tai muuttaneet tietojasi",
        "none": "ei ole",
        "closing": (
            "Voit pyytää tietojen korjaamista tai poistamista tai kieltää niiden käytön "
            "ottamalla yhteyttä yllä mainittuun yhteyshenkilöön."
        ),
    },
    "en": {
        "lang": "en",
        "title": "Access request: the data the register holds about you",
        "intro": (
            "You asked what data {register} holds about you. Below is everything the register "
            "held about you on {date}."
        ),
        "controller": "Controller",
        "contact": "Contact person for register matters",
        "customer": "Contact details",
        "name": "Name",
        "email": "Email",
        "phone": "Phone",
        "language": "Language",
        "note": "Note",
        "created": "Customer since",
        "restricted": "Processing restricted: the data is only stored",
        "addresses": "Addresses",
        "orders": "Orders",
        "order": "Order",
        "total": "total",
        "invoice": "invoice",
        "billing": "Billing",
        "shipping": "Shipping",
        "parcel": "Parcel",
        "events": "tracking events",
        "claim": "Lost-parcel claim",
        "requests": "Your requests",
        "disclosures": "Disclosures of your data",
        "inquiries": "Inquiries by authorities",
        "objections": "Objections",
        "objection_on": "objected since {date}",
        "objection_off": "no objection",
        "marketing": "Marketing",
        "statistics": "Statistics",
        "profiling": "Profiling",
        "record_access": "Staff accounts that viewed or changed your data",
        "none": "none",
        "closing": (
            "You may ask us to correct or erase your data, or object to its use, by contacting "
            "the person named above."
        ),
    },
}


# Codes the register stores, in words for the letter; an unknown code is shown as it is.
WORDS: dict[str, dict[str, str]] = {
    "fi": {
        "erasure": "poisto",
        "access": "tietojen tarkastus",
        "portability": "tietojen siirto",
        "rectification": "korjaus",
        "objection": "kielto",
        "restriction": "käsittelyn rajoitus",
        "new": "vastaanotettu",
        "verifying": "henkilöllisyyttä tarkistetaan",
        "in_progress": "käsittelyssä",
        "waiting_for_hold": "osa tiedoista säilytetään lain vuoksi",
        "done": "valmis",
        "refused": "hylätty",
        "postal": "postiosoite",
        "billing": "laskutusosoite",
        "shipping": "toimitusosoite",
        "fi": "suomi",
        "en": "englanti",
        "view_customer": "katsoi tietojasi",
        "create_customer": "loi asiakastietosi",
        "update_customer": "muutti tietojasi",
        "add_address": "lisäsi osoitteen",
        "update_address": "muutti osoitetta",
        "create_order": "kirjasi tilauksen",
        "update_order": "muutti tilausta",
        "set_objection": "kirjasi kiellon",
        "withdraw_objection": "poisti kiellon",
        "record_request": "kirjasi pyyntösi",
        "export_customer": "toimitti kopion tiedoistasi",
        "verify_request": "tarkisti henkilöllisyytesi",
        "link_request": "yhdisti pyyntösi asiakastietoihin",
        "execute_request": "toteutti pyyntösi",
        "extend_request": "pidensi vastausaikaa",
        "refuse_request": "hylkäsi pyyntösi",
        "close_request": "sulki pyyntösi",
        "restrict_customer": "rajoitti käsittelyä",
        "lift_restriction": "poisti käsittelyn rajoituksen",
        "merge_customer": "yhdisti kaksi asiakastietuettasi yhdeksi",
        "preview_erasure": "tarkisti, mitä tietojasi voidaan poistaa",
        "record_disclosure": "kirjasi tietojesi luovutuksen",
        "record_inquiry": "kirjasi viranomaisen tiedustelun",
        "complete_task": "merkitsi tehtävän tehdyksi",
        "import_customers": "toi tietosi verkkokaupasta",
        "import_orders": "toi tilauksesi verkkokaupasta",
        "open_claim": "avasi katoamisselvityksen",
        "close_claim": "sulki katoamisselvityksen",
        "record_customer_informed": "kirjasi, että sinulle on ilmoitettu",
        "create_parcel": "kirjasi lähetyksen",
        "flag_suspected_lost": "merkitsi lähetyksen mahdollisesti kadonneeksi",
        "marketing": "markkinointi",
        "statistics": "tilastointi",
        "profiling": "profilointi",
        "paid": "maksettu",
        "open": "avoin",
        "credited": "hyvitetty",
        "delivered": "toimitettu",
        "in_transit": "kuljetuksessa",
        "pending": "odottaa",
        "lost": "kadonnut",
    },
    "en": {
        "access": "access",
        "in_progress": "in progress",
        "waiting_for_hold": "part of the data is kept by law",
        "verifying": "identity being verified",
        "new": "received",
        "postal": "postal address",
        "billing": "billing address",
        "shipping": "shipping address",
        "fi": "Finnish",
        "en": "English",
        "view_customer": "viewed your data",
        "create_customer": "created your record",
        "update_customer": "changed your data",
        "add_address": "added an address",
        "update_address": "changed an address",
        "create_order": "recorded an order",
        "update_order": "changed an order",
        "set_objection": "recorded an objection",
        "withdraw_objection": "withdrew an objection",
        "record_request": "recorded your request",
        "export_customer": "sent you a copy of your data",
        "verify_request": "verified your identity",
        "link_request": "linked your request to your record",
        "execute_request": "carried out your request",
        "extend_request": "extended the time to answer",
        "refuse_request": "refused your request",
        "close_request": "closed your request",
        "restrict_customer": "restricted processing",
        "lift_restriction": "lifted the restriction",
        "merge_customer": "merged two records of you into one",
        "preview_erasure": "checked what of your data can be erased",
        "record_disclosure": "recorded a disclosure of your data",
        "record_inquiry": "recorded an authority's inquiry",
        "complete_task": "marked a task done",
        "import_customers": "imported your data from the web shop",
        "import_orders": "imported your orders from the web shop",
        "open_claim": "opened a lost-parcel claim",
        "close_claim": "closed a lost-parcel claim",
        "record_customer_informed": "recorded that you were informed",
        "create_parcel": "recorded a parcel",
        "flag_suspected_lost": "flagged a parcel as possibly lost",
        "erasure": "erasure",
        "objection": "objection",
        "portability": "data portability",
        "rectification": "rectification",
        "restriction": "restriction of processing",
        "done": "done",
        "refused": "refused",
        "marketing": "marketing",
        "statistics": "statistics",
        "profiling": "profiling",
    },
}
WIDTH = 78


def _word(code: str | None, lang: str) -> str:
    code = code or ""
    return WORDS[lang].get(code, code.replace("_", " "))


def _fmt(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return printable(value)


def _money(cents: int, currency: str) -> str:
    return f"{cents / 100:.2f} {currency}"


def render_text(data: dict[str, Any], lang: str) -> str:
    """The export as a letter: controller, contact data, then each section, empty ones said so."""
    t = TEXTS[lang]
    lines: list[str] = []
    lines += _header(data, t, lang)
    lines += _contact(data, t, lang)
    lines += _section(t["addresses"], [_address(a, lang) for a in data["addresses"]], t)
    lines += _section(t["orders"], [x for o in data["orders"] for x in _order(o, t)], t)
    lines += _section(t["requests"], [_request(r, lang) for r in data["requests"]], t)
    lines += _section(t["disclosures"], [_disclosure(d, lang) for d in data["disclosures"]], t)
    lines += _section(t["inquiries"], [_inquiry(i) for i in data["authority_inquiries"]], t)
    lines += _section(t["objections"], _objections(data["objections"], t), t)
    lines += _section(t["record_access"], [_access(e, lang) for e in data["record_access"]], t)
    lines += ["", *_wrap(t["closing"]), ""]
    return "\n".join(lines)


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "  " if indent else "",
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent]


def _header(data: dict[str, Any], t: dict[str, str], lang: str) -> list[str]:
    c = data["controller"]
    register = c["register_name"] if lang == "fi" else c["register_name_en"]
    return [
        f"{c['name']} ({c['business_id']})",
        f"{c['street']}, {c['postcode']} {c['city']}",
        "",
        _fmt(data["generated_at"].date()),
        "",
        t["title"],
        "=" * len(t["title"]),
        "",
        *_wrap(t["intro"].format(register=register, date=_fmt(data["generated_at"].date()))),
        "",
        *_wrap(f"{t['controller']}: {c['name']}, {c['street']}, {c['postcode']} {c['city']}"),
        *_wrap(f"{t['contact']}: {c['contact_name']}, {c['contact_email']}, {c['contact_phone']}"),
    ]


def _contact(data: dict[str, Any], t: dict[str, str], lang: str) -> list[str]:
    c = data["customer"]
    items = [
        f"{t['name']}: {_fmt(c['first_name'])} {_fmt(c['last_name'])}",
        f"{t['email']}: {_fmt(c['email'])}",
        f"{t['phone']}: {_fmt(c['phone'])}",
        f"{t['language']}: {_word(c['language'], lang)}",
        f"{t['created']}: {_fmt(c['created_at'])}",
    ]
    if c["note"]:
        items.append(f"{t['note']}: {_fmt(c['note'])}")
    if c["restricted"]:
        items.append(t["restricted"])
    return _section(t["customer"], items, t)


def _section(title: str, items: list[str], t: dict[str, str]) -> list[str]:
    body = [line for item in items for line in _wrap(item, "  ")] or [f"  ({t['none']})"]
    return ["", title, "-" * len(title), *body]


def _address(a: dict[str, Any], lang: str) -> str:
    parts = [a["street"], a["street2"], f"{a['postcode']} {a['city']}".strip(), a["country"]]
    return f"{_word(a['kind'], lang)}: " + ", ".join(_fmt(p) for p in parts if p)


def _order(o: dict[str, Any], t: dict[str, str]) -> list[str]:
    out = [
        f"{t['order']} {_fmt(o['order_number'])}, {_fmt(o['ordered_at'])}, "
        f"{t['total']} {_money(o['total_cents'], o['currency'])}, "
        f"{t['invoice']}: {_word(o['invoice_status'], t['lang'])}"
    ]
    for side in ("billing", "shipping"):
        fields = [o[f"{side}_{p}"] for p in ("name", "street", "postcode", "city", "country")]
        if any(fields[:4]):
            out.append(f"  {t[side]}: " + ", ".join(_fmt(f) for f in fields if f))
    for line in o["lines"]:
        price = _money(line["unit_price_cents"], o["currency"])
        out.append(f"  {line['quantity']} x {_fmt(line['product'])} ({price})")
    for p in o["parcels"]:
        out.append(
            f"  {t['parcel']} {_fmt(p['carrier'])} {_fmt(p['tracking_code'])}: "
            f"{_word(p['status'], t['lang'])}"
        )
        for e in p["events"]:
            out.append(
                f"    {_fmt(e['occurred_at'])} {_word(e['status'], t['lang'])} "
                f"{_fmt(e['location'])} {_fmt(e['description'])}".rstrip(" -")
            )
        for c in p["claims"]:
            out.append(f"    {t['claim']}: {_fmt(c['opened_at'])} {_fmt(c['outcome'])}")
    return out


def _request(r: dict[str, Any], lang: str) -> str:
    purpose = f" ({_word(r['objection_purpose'], lang)})" if r["objection_purpose"] else ""
    kind, status = _word(r["kind"], lang), _word(r["status"], lang)
    text = f"{r['reference']} {kind}{purpose}, {_fmt(r['received_at'])}: {status}"
    detail = r["outcome"] or r["refusal_reason"]
    return f"{text}; {_fmt(detail)}" if detail else text


def _disclosure(d: dict[str, Any], lang: str) -> str:
    kind = recipient_kind(d["recipient_kind"], lang)
    text = f"{_fmt(d['disclosed_at'])} {_fmt(d['recipient_name'])} ({kind})"
    if d["data_fields"]:
        text += f": {field_list(d['data_fields'], lang)}"
    if d["legal_basis"]:
        text += f"; {_fmt(d['legal_basis'])}"
    return text


def _inquiry(i: dict[str, Any]) -> str:
    return f"{_fmt(i['received_at'])} {_fmt(i['authority'])} {_fmt(i['reference'])}".rstrip(" -")


def _objections(objections: dict[str, Any], t: dict[str, str]) -> list[str]:
    return [
        f"{t[purpose]}: " + (t["objection_on"].format(date=_fmt(at)) if at else t["objection_off"])
        for purpose, at in objections.items()
    ]


def _access(e: dict[str, Any], lang: str) -> str:
    listed = field_list(e["fields"], lang, e.get("record", ""))
    fields = f" ({listed})" if listed else ""
    action = WORDS[lang].get(e["action"]) or ACTION_OTHER[lang]
    return f"{_fmt(e['at'])} {_fmt(e['staff'])}: {action}{fields}"


# An action the tables above do not name reads as this, never as an internal code.
ACTION_OTHER = {"fi": "käsitteli tietojasi", "en": "processed your data"}
