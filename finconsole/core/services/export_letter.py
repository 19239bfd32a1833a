"""The access export as a readable letter, in Finnish or English (GDPR Art 15)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from finconsole.core.text import printable

TEXTS: dict[str, dict[str, str]] = {
    "fi": {
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
    lines += _contact(data, t)
    lines += _section(t["addresses"], [_address(a) for a in data["addresses"]], t)
    lines += _section(t["orders"], [x for o in data["orders"] for x in _order(o, t)], t)
    lines += _section(t["requests"], [_request(r) for r in data["requests"]], t)
    lines += _section(t["disclosures"], [_disclosure(d) for d in data["disclosures"]], t)
    lines += _section(t["inquiries"], [_inquiry(i) for i in data["authority_inquiries"]], t)
    lines += _section(t["objections"], _objections(data["objections"], t), t)
    lines += _section(t["record_access"], [_access(e) for e in data["record_access"]], t)
    lines += ["", t["closing"], ""]
    return "\n".join(lines)


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
        t["intro"].format(register=register, date=_fmt(data["generated_at"].date())),
        "",
        f"{t['controller']}: {c['name']}, {c['street']}, {c['postcode']} {c['city']}",
        f"{t['contact']}: {c['contact_name']}, {c['contact_email']}, {c['contact_phone']}",
    ]


def _contact(data: dict[str, Any], t: dict[str, str]) -> list[str]:
    c = data["customer"]
    items = [
        f"{t['name']}: {_fmt(c['first_name'])} {_fmt(c['last_name'])}",
        f"{t['email']}: {_fmt(c['email'])}",
        f"{t['phone']}: {_fmt(c['phone'])}",
        f"{t['language']}: {_fmt(c['language'])}",
        f"{t['created']}: {_fmt(c['created_at'])}",
    ]
    if c["note"]:
        items.append(f"{t['note']}: {_fmt(c['note'])}")
    if c["restricted"]:
        items.append(t["restricted"])
    return _section(t["customer"], items, t)


def _section(title: str, items: list[str], t: dict[str, str]) -> list[str]:
    body = [f"  {item}" for item in items] or [f"  ({t['none']})"]
    return ["", title, "-" * len(title), *body]


def _address(a: dict[str, Any]) -> str:
    parts = [a["street"], a["street2"], f"{a['postcode']} {a['city']}".strip(), a["country"]]
    return f"{a['kind']}: " + ", ".join(_fmt(p) for p in parts if p)


def _order(o: dict[str, Any], t: dict[str, str]) -> list[str]:
    out = [
        f"{t['order']} {_fmt(o['order_number'])}, {_fmt(o['ordered_at'])}, "
        f"{t['total']} {_money(o['total_cents'], o['currency'])}, "
        f"{t['invoice']}: {o['invoice_status']}"
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
            f"  {t['parcel']} {_fmt(p['carrier'])} {_fmt(p['tracking_code'])}: {p['status']}"
        )
        for e in p["events"]:
            out.append(
                f"    {_fmt(e['occurred_at'])} {_fmt(e['status'])} {_fmt(e['location'])} "
                f"{_fmt(e['description'])}".rstrip(" -")
            )
        for c in p["claims"]:
            out.append(f"    {t['claim']}: {_fmt(c['opened_at'])} {_fmt(c['outcome'])}")
    return out


def _request(r: dict[str, Any]) -> str:
    purpose = f" ({r['objection_purpose']})" if r["objection_purpose"] else ""
    text = f"{r['reference']} {r['kind']}{purpose}, {_fmt(r['received_at'])}: {r['status']}"
    detail = r["outcome"] or r["refusal_reason"]
    return f"{text}; {_fmt(detail)}" if detail else text


def _disclosure(d: dict[str, Any]) -> str:
    text = f"{_fmt(d['disclosed_at'])} {_fmt(d['recipient_name'])} ({d['recipient_kind']})"
    if d["data_fields"]:
        text += f": {_fmt(d['data_fields'])}"
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


def _access(e: dict[str, Any]) -> str:
    fields = f" ({', '.join(e['fields'])})" if e["fields"] else ""
    return f"{_fmt(e['at'])} {_fmt(e['staff'])}: {e['action']}{fields}"
