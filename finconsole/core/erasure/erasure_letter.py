"""The reply to an erasure request, in Finnish or English: what was erased, what is kept, why
and until when. It holds no personal data of the customer (they are erased by then): the officer
sends it to the address the request came from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from finconsole.core.erasure.result import ErasureResult, Item
from finconsole.core.kernel.errors import FinconsoleError
from finconsole.core.kernel.files import write_private
from finconsole.core.settings import runtime

LANGUAGES = ("fi", "en")

KIND_TEXT = {
    "contact": (
        "your name, email address, phone number, language choice and notes about you",
        "nimesi, sähköpostiosoitteesi, puhelinnumerosi, kielivalintasi ja sinua koskevat "
        "muistiinpanot",
    ),
    "objections": (
        "your recorded objections (marketing, statistics, profiling)",
        "kirjatut kieltosi (markkinointi, tilastointi, profilointi)",
    ),
    "addresses": ("your postal addresses", "postiosoitteesi"),
    "orders": (
        "orders that no law requires us to keep, with their order lines",
        "tilaukset, joita laki ei velvoita säilyttämään, tilausriveineen",
    ),
    "parcels": ("parcel tracking codes", "pakettien seurantakoodit"),
    "tracking_events": ("parcel tracking events", "pakettien seurantatapahtumat"),
    "shipping_details": (
        "delivery names and addresses on the orders we must keep",
        "säilytettävien tilausten toimitusnimet ja -osoitteet",
    ),
    "request_text": (
        "what was written down about you in your requests, and how your identity was checked",
        "pyyntöihisi kirjatut tiedot sinusta ja henkilöllisyytesi tarkistustapa",
    ),
    "disclosures": (
        "our records of disclosing your data (each recipient will be told of the erasure)",
        "kirjauksemme tietojesi luovutuksista (kullekin vastaanottajalle kerrotaan poistosta)",
    ),
    "inquiries": (
        "what our records of authorities' inquiries said about you (that an authority asked, "
        "and when, stays on record)",
        "viranomaisten tiedustelujen kirjauksiin merkityt tietosi (tieto tiedustelusta ja sen "
        "ajankohdasta säilyy)",
    ),
    "search_index": ("your entry in our search index", "tietosi hakuhakemistostamme"),
}

REASON_TEXT = {
    "voucher": (
        "Accounting Act (1336/1997) chapter 2 section 10: bookkeeping vouchers are kept for "
        "{years} years from the end of the year in which the financial year ended",
        "kirjanpitolaki (1336/1997) 2 luku 10 §: kirjanpidon tositteet säilytetään {years} "
        "vuotta sen vuoden lopusta, jonka aikana tilikausi on päättynyt",
    ),
    "open_invoice": ("the invoice is still unpaid", "lasku on vielä maksamatta"),
    "collection": ("the claim is in debt collection", "saatava on perinnässä"),
}

# Officer-facing labels (command line, console), short enough for 80 columns.
KIND_SHORT = {
    "contact": "name, email, phone, note",
    "objections": "objection history",
    "addresses": "addresses",
    "orders": "orders with no hold",
    "parcels": "parcels",
    "tracking_events": "tracking events",
    "shipping_details": "delivery details, kept orders",
    "request_text": "request texts",
    "disclosures": "disclosure records (Art 19 tasks)",
    "inquiries": "authority inquiry texts",
    "search_index": "search index entry",
}
REASON_SHORT = {
    "voucher": "Accounting Act 2:10",
    "open_invoice": "open invoice",
    "collection": "debt collection",
}


def kept_by_order(items: list[Item]) -> dict[str, list[Item]]:
    """The kept items grouped by order number, in order: one order may have several holds."""
    grouped: dict[str, list[Item]] = {}
    for item in items:
        grouped.setdefault(item.ref, []).append(item)
    return grouped


TEXT = {
    "subject": ("Your request to erase your personal data", "Pyyntösi poistaa henkilötietosi"),
    "reference": ("our reference", "viitteemme"),
    "erased": (
        "We erased your personal data from the {register} on {date}. The following was erased "
        "permanently:",
        "Poistimme henkilötietosi rekisteristämme ({register}) {date}. Seuraavat tiedot "
        "poistettiin pysyvästi:",
    ),
    "kept": (
        "The law or an open matter prevents us from erasing some data yet. We keep it only for "
        "that purpose; only the register officer can see it, and it is not used for marketing "
        "or statistics:",
        "Laki tai avoin asia estää vielä joidenkin tietojen poistamisen. Säilytämme niitä vain "
        "tätä tarkoitusta varten; niitä näkee vain rekisteriasioita hoitava henkilö, eikä niitä "
        "käytetä markkinointiin tai tilastointiin:",
    ),
    "order": (
        "Order {ref}: the buyer's name and billing address, the order lines and totals. Why: "
        "{reason}.",
        "Tilaus {ref}: ostajan nimi ja laskutusosoite, tilausrivit ja summat. Peruste: {reason}.",
    ),
    "until": ("Kept until {date}.", "Säilytetään {date} asti."),
    "until_settled": (
        "Kept until the matter is settled.",
        "Säilytetään, kunnes asia on hoidettu.",
    ),
    "until_both": (
        "Kept until {date}, and longer if the matter is not settled by then.",
        "Säilytetään {date} asti, ja pidempään, jos asia ei ole siihen mennessä hoidettu.",
    ),
    "later": (
        "We will erase this data without a further request when the period ends or the matter "
        "is settled.",
        "Poistamme nämäkin tiedot ilman uutta pyyntöä, kun määräaika päättyy tai asia on hoidettu.",
    ),
    "nothing_kept": (
        "No data about you remains in the register.",
        "Rekisteriin ei jäänyt sinusta tietoja.",
    ),
    "contact": (
        "Questions: {name}, {phone}, {email}. You may also lodge a complaint with the Office of "
        "the Data Protection Ombudsman (tietosuoja.fi).",
        "Lisätietoja: {name}, {phone}, {email}. Voit myös tehdä valituksen "
        "Tietosuojavaltuutetun toimistolle (tietosuoja.fi).",
    ),
}


def _t(table: dict, key: str, lang: str) -> str:
    english, finnish = table[key]
    return english if lang == "en" else finnish


def _date(value: dt.date, lang: str) -> str:
    return f"{value.day}.{value.month}.{value.year}" if lang == "fi" else value.isoformat()


def _kept_lines(ref: str, items: list[Item], lang: str) -> list[str]:
    years = runtime.settings("retention")["voucher_years"]
    reasons = "; ".join(_t(REASON_TEXT, i.reason, lang).format(years=years) for i in items)
    lines = ["- " + _t(TEXT, "order", lang).format(ref=ref, reason=reasons)]
    dated = [i.until for i in items if i.until is not None]
    if dated and len(dated) < len(items):
        until = _t(TEXT, "until_both", lang).format(date=_date(max(dated), lang))
    elif dated:
        until = _t(TEXT, "until", lang).format(date=_date(max(dated), lang))
    else:
        until = _t(TEXT, "until_settled", lang)
    return lines + ["  " + until]


def reply_letter(result: ErasureResult, lang: str | None = None) -> str:
    """The letter as plain text (``lang`` 'fi' or 'en'; default: the customer's language)."""
    lang = lang or result.language
    if lang not in LANGUAGES:
        lang = "fi"
    c = runtime.settings("controller")
    register = c["register_name"] if lang == "fi" else c["register_name_en"]
    subject = _t(TEXT, "subject", lang)
    if result.request_ref:
        subject += f" ({_t(TEXT, 'reference', lang)} {result.request_ref})"
    out = [
        c["name"],
        f"{c['street']}, {c['postcode']} {c['city']}",
        _date(result.at.date(), lang),
        "",
        subject,
        "",
        _t(TEXT, "erased", lang).format(register=register, date=_date(result.at.date(), lang)),
    ]
    out += [f"- {_t(KIND_TEXT, i.kind, lang)}" for i in result.erased]
    out.append("")
    if result.kept:
        out.append(_t(TEXT, "kept", lang))
        for ref, items in kept_by_order(result.kept).items():
            out += _kept_lines(ref, items, lang)
        out += ["", _t(TEXT, "later", lang)]
    else:
        out.append(_t(TEXT, "nothing_kept", lang))
    contact = _t(TEXT, "contact", lang).format(
        name=c["contact_name"], phone=c["contact_phone"], email=c["contact_email"]
    )
    out += ["", contact, "", c["contact_name"], c["name"]]
    return "\n".join(out) + "\n"


def save(text: str, path: str | Path) -> Path:
    """Write a letter readable by its owner only (it names what was held about a person)."""
    target = Path(path).expanduser()
    try:
        write_private(target, text)
    except OSError as exc:
        raise FinconsoleError(f"cannot write {target}: {exc.strerror}") from None
    return target
