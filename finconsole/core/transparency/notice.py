"""The register description (rekisteriseloste), generated from the configuration and the
schema, so it never drifts from what the system does.

With the shop's own settings the Finnish text has the sections of the published description in
the same order and keeps its wording where it is the shop's promise; the English text is its
translation. The settings the console enforces (notice days, holds and retention, access
control, processors) and the fields the register really stores are filled in from the sources.
The Art 30 record of processing is built from the same sources in ``processing_record``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from finconsole.core.kernel.errors import ConfigError
from finconsole.core.settings.config import Config
from finconsole.core.store.models import OBJECTIONS
from finconsole.core.transparency import datafields, processors

LANGS = ("fi", "en")
VOWELS = "aeiouyäöå"

# A document is a list of blocks: ("title"|"heading"|"para", str) or ("bullets", [str]).
Block = tuple[str, Any]

HEADINGS = {
    "fi": [
        "REKISTERINPITÄJÄ",
        "REKISTERIASIOITA HOITAVA HENKILÖ",
        "REKISTERIN NIMI",
        "REKISTERIN PITÄMISEN PERUSTE",
        "REKISTERIN KÄYTTÖTARKOITUS",
        "REKISTERIN SISÄLTÄMÄT TIEDOT",
        "TIETOJEN LUOVUTUS JA ASIAKKAAN OMIEN TIETOJEN HALLINTA",
        "REKISTERIN SUOJAUS",
    ],
    "en": [
        "CONTROLLER",
        "CONTACT PERSON FOR REGISTER MATTERS",
        "NAME OF THE REGISTER",
        "BASIS FOR KEEPING THE REGISTER",
        "PURPOSE OF THE REGISTER",
        "DATA CONTENTS OF THE REGISTER",
        "DISCLOSURE OF DATA AND THE CUSTOMER'S CONTROL OF THEIR OWN DATA",
        "PROTECTION OF THE REGISTER",
    ],
}


# --- Finnish inflection of the shop's names ----------------------------------------------------


def genitive(name: str) -> str:
    """'Finanime Sekai' -> 'Finanime Sekain', 'Finanime' -> 'Finanimen'."""
    return name + ("n" if name[-1:].lower() in VOWELS else "in")


def illative(name: str) -> str:
    """'Finanime' -> 'Finanimeen' (to contact *Finanime*)."""
    last = name[-1:]
    return name + (last + "n" if last.lower() in VOWELS else "iin")


class Names:
    """The controller's names as the sentences need them, in either language."""

    def __init__(self, controller: dict[str, str], lang: str) -> None:
        self.c = controller
        self.lang = lang
        self.full = controller["name"]
        self.short = controller["short_name"] or controller["name"]

    def of_short(self) -> str:
        return genitive(self.short) if self.lang == "fi" else f"{self.short}'s"

    def of_full(self) -> str:
        return genitive(self.full) if self.lang == "fi" else f"{self.full}'s"


# --- the register description ----------------------------------------------------------------


def description_blocks(config: Config, lang: str) -> list[Block]:
    c = config["controller"]
    n = Names(c, lang)
    h = HEADINGS[lang]
    fi = lang == "fi"
    blocks: list[Block] = [
        ("title", "Rekisteriseloste" if fi else "Register description"),
        (
            "para",
            "Henkilötietolain (523/1999) 10§:n ja 24§:n mukainen rekisteriseloste, sekä GDPR:n "
            "mukaiset käsitteet."
            if fi
            else "Register description under sections 10 and 24 of the Personal Data Act "
            "(523/1999), with the concepts of the GDPR.",
        ),
        ("heading", h[0]),
        ("para", f"{c['name']} ({'Y-tunnus' if fi else 'Business ID'}: {c['business_id']})"),
        ("para", c["street"]),
        ("para", f"{c['postcode']} {c['city']}"),
        ("heading", h[1]),
        ("para", c["contact_name"]),
        ("para", f"{'Puhelin' if fi else 'Phone'} {c['contact_phone']}"),
        ("para", f"{'Sähköposti' if fi else 'Email'} {c['contact_email']}"),
        ("heading", h[2]),
        ("para", c["register_name"] if fi else (c["register_name_en"] or c["register_name"])),
        ("heading", h[3]),
        ("para", _basis(n, c)),
        ("heading", h[4]),
        ("para", _purpose(n)),
        ("para", _own_use(n)),
        ("heading", h[5]),
        (
            "para",
            "Henkilörekisteri sisältää seuraavia tietoja:"
            if fi
            else "The register contains the following data:",
        ),
        ("bullets", [fi_text if fi else en for _, fi_text, en in datafields.stored_categories()]),
        ("heading", h[6]),
        ("para", disclosure_paragraph(n, config)),
    ]
    blocks += processor_blocks(lang, n, config)
    blocks += [("para", _erasure_promise(n)), ("para", erasure_policy(config, lang))]
    blocks += [
        ("heading", h[7]),
        ("para", _protection(n)),
        ("para", security_measures(config, lang)),
    ]
    return blocks


def _basis(n: Names, c: dict[str, str]) -> str:
    if n.lang == "fi":
        return (
            f"Henkilö on rekisteröitynyt {n.of_full()} asiakkaaksi tai ostanut "
            f"{c['shop_site']}:sta tavaraa."
        )
    return (
        f"The person has registered as a customer of {n.full} or bought goods from "
        f"{c['shop_site']}."
    )


def _objection_sentence(lang: str) -> str:
    names = {
        "fi": {
            "marketing": "suoramarkkinointiin",
            "statistics": "tilastointiin",
            "profiling": "profilointiin",
        },
        "en": {
            "marketing": "direct marketing",
            "statistics": "statistics",
            "profiling": "profiling",
        },
    }[lang]
    items = [names[o] for o in OBJECTIONS]
    listed = ", ".join(items[:-1]) + (" ja " if lang == "fi" else " and ") + items[-1]
    if lang == "fi":
        return (
            f"Asiakas voi milloin tahansa kieltää tietojensa käytön {listed}; kielto kirjataan "
            "rekisteriin ja sitä noudatetaan kaikissa poiminnoissa."
        )
    return (
        f"The customer may at any time object to the use of their data for {listed}; the "
        "objection is recorded in the register and every extract honours it."
    )


def _purpose(n: Names) -> str:
    tracking = any(key == "tracking" for key, _, _ in datafields.stored_categories())
    if n.lang == "fi":
        parts = [
            f"Rekisterin käyttötarkoitus on {n.of_full()} (myöh. {n.short}) asiakasrekisterin "
            "ylläpitäminen sekä asiakkaiden tilausten arkistointi ja käsittely sekä "
            "asiakassuhteen hoitaminen.",
            "Rekisteriä käytetään myös kadonneiden pakettien seurantaan." if tracking else "",
            f"Tietoja voidaan käyttää {n.of_short()} toiminnan kehittämiseen, tilastollisiin "
            "tarkoituksiin ja henkilökohtaisemman kohdennetun sisällön tuottamiseen "
            "verkkopalveluissamme.",
            f"Mikäli asiakas ei halua tietojaan käytettävän {n.of_short()} omassa toiminnassa, "
            "pyydämme ilmoittamaan siitä meille.",
            _objection_sentence("fi"),
            "Henkilötietoja käsitellään vain tarvittaessa ja henkilötietolainsäädännön "
            "sallimissa ja edellyttämissä rajoissa.",
        ]
    else:
        parts = [
            f"The purpose of the register is to maintain the customer register of {n.full} "
            f"(hereinafter {n.short}), to archive and process customers' orders and to manage "
            "the customer relationship.",
            "The register is also used to trace lost parcels." if tracking else "",
            f"The data may be used to develop {n.of_short()} business, for statistical purposes "
            "and to produce more personal targeted content in our online services.",
            f"If a customer does not want their data to be used in {n.of_short()} own "
            "activities, we ask them to tell us.",
            _objection_sentence("en"),
            "Personal data is processed only when needed and within the limits that personal "
            "data legislation allows and requires.",
        ]
    return " ".join(p for p in parts if p)


def _own_use(n: Names) -> str:
    if n.lang == "fi":
        return (
            f"Rekisterin tietoja voidaan käyttää {n.of_short()} omissa rekistereissä mainonnan "
            "kohdistamiseen luovuttamatta henkilötietoja ulkopuolisille tahoille. Tietoja "
            f"käsitellään ainoastaan {n.of_short()} asiakassuhteen ylläpitämiseen teknisten "
            "rajapintojen kautta."
        )
    return (
        f"The data in the register may be used in {n.of_short()} own registers to target "
        "advertising without disclosing personal data to outside parties. The data is processed "
        f"only to maintain {n.of_short()} customer relationships, through technical interfaces."
    )


def disclosure_paragraph(n: Names, config: Config) -> str:
    days = config["disclosures"]["notice_days"]
    if n.lang == "fi":
        return (
            f"Asiakasrekisterin tiedot ovat ainoastaan {n.of_short()} käytössä. Tietoja ei "
            f"luovuteta {n.of_short()} ulkopuolelle, paitsi perintään tai laskutukseen "
            "liittyvissä asioissa sekä lainsäädännön erikseen niin velvoittaessa. Näistä "
            "olosuhteista tiedotetaan asiakkaalle ennen tietojen luovuttamista, jolloin "
            f"asiakkaalla on mahdollisuus olla {illative(n.short)} yhteydessä asian hoitamiseksi "
            "ennen tietojen luovuttamista. Perintään tai laskutukseen tietoja luovutetaan "
            f"aikaisintaan {days} päivän kuluttua tiedottamisesta. Ilmoitamme aina välittömästi "
            "kyselyn kohteelle/asiakkaalle mikäli viranomainen tiedustelee meiltä yksittäistä "
            "asiakasta tai ylipäätään asiakkaita koskevia tietoja, emmekä koskaan luovuta "
            "tietoja ilman tuomioistuimen lainvoimaista määräystä. Henkilötietoja ei siirretä "
            f"Euroopan Unionin ulkopuolelle, ellei se ole {n.of_short()} tai sen "
            "yhteistyökumppanin teknisen toteutuksen varmistamiseksi tarpeellista. Tekemällä "
            "tilauksen asiakas suostuu tarvittavien tietojen luovutukseen."
        )
    return (
        f"The data in the customer register is used by {n.short} only. The data is not "
        f"disclosed outside {n.short}, except in matters of debt collection or invoicing and "
        "where legislation specifically requires it. The customer is told of these "
        "circumstances before the data is disclosed, so that the customer can contact "
        f"{n.short} to settle the matter before the data is disclosed. Data is disclosed for "
        f"debt collection or invoicing no sooner than {days} days after the customer was told. "
        "We always tell the subject of the inquiry / the customer immediately if an authority "
        "asks us for data about a single customer or about customers in general, and we never "
        "disclose data without a court's legally binding order. Personal data is not "
        "transferred outside the European Union unless it is necessary to ensure the technical "
        f"implementation of {n.short} or its partner. By placing an order, the customer "
        "consents to the disclosure of the necessary data."
    )


def processor_blocks(lang: str, n: Names, config: Config) -> list[Block]:
    """The configured ``[[processors]]``: who processes the data, where, and on what safeguard."""
    found = processors.configured(config)
    if not found:
        return []
    intro = (
        f"Rekisterin tietoja käsittelevät {n.of_short()} puolesta seuraavat palveluntarjoajat:"
        if lang == "fi"
        else f"The following service providers process register data on {n.of_short()} behalf:"
    )
    return [("para", intro), ("bullets", [processor_line(p, lang) for p in found])]


def processor_line(p: processors.Processor, lang: str) -> str:
    line = f"{p.name} ({p.country}): {p.purpose_in(lang)}"
    if p.outside_eea:
        line += (
            f"; siirto EU/ETA-alueen ulkopuolelle, suojatoimi: {p.safeguard_in(lang)}"
            if lang == "fi"
            else f"; transfer outside the EU/EEA, safeguard: {p.safeguard_in(lang)}"
        )
    return line


def _erasure_promise(n: Names) -> str:
    if n.lang == "fi":
        return (
            "Rekisteröityneen kaikki henkilötiedot hävitetään käyttäjän pyynnöstä, välittömästi "
            f"ja pysyvästi {n.of_short()} tietojärjestelmistä ellei lainsäädäntö, avoimet laskut "
            "tai perintätoimet estä tietojen poistamista."
        )
    return (
        "All personal data of a registered person is deleted at their request, immediately and "
        f"permanently, from {n.of_short()} information systems, unless legislation, open "
        "invoices or debt collection prevent the deletion."
    )


def _year_end(config: Config, lang: str) -> str:
    value = config["retention"]["financial_year_end"]
    try:
        month, day = (int(part) for part in value.split("-"))
        dt.date(2000, month, day)  # a leap year: 02-29 is a valid year end
    except ValueError:
        raise ConfigError("'retention.financial_year_end' must be MM-DD, e.g. 12-31") from None
    if lang == "fi":
        return f"{day}.{month}."
    return f"{calendar.month_name[month]} {day}"


def erasure_policy(config: Config, lang: str) -> str:
    """What the holds and retention settings keep, and for how long."""
    r = config["retention"]
    if lang == "fi":
        return (
            "Kirjanpitolain (1336/1997) 2 luvun 10 §:n mukaan tilausten kirjanpitotositteet "
            f"(laskut ja kuitit) säilytetään {r['voucher_years']} vuotta sen kalenterivuoden "
            "lopusta, jonka aikana tilikausi päättyi (tilikausi päättyy "
            f"{_year_end(config, lang)}). "
            "Siihen asti tositteista säilytetään vain niiden edellyttämät tiedot, joiden "
            "käsittely on rajoitettu, ja ne poistetaan säilytysajan päätyttyä. Avoimen laskun tai "
            "perinnän tiedot säilytetään, kunnes asia on hoidettu. Lähetysten "
            f"seurantatapahtumat poistetaan {r['tracking_event_days']} päivän kuluttua."
        )
    return (
        "Under the Accounting Act (1336/1997) chapter 2 section 10, the bookkeeping vouchers of "
        f"orders (invoices and receipts) are kept for {r['voucher_years']} years from the end of "
        "the calendar year in which the financial year ended (the financial year ends on "
        f"{_year_end(config, lang)}). Until then only the data the vouchers require is kept, its "
        "processing is restricted, and it is deleted when the period ends. The data of an open "
        "invoice or a debt collection is kept until the matter is settled. Parcel tracking "
        f"events are deleted after {r['tracking_event_days']} days."
    )


def _protection(n: Names) -> str:
    if n.lang == "fi":
        return (
            "Rekisteriä ei luovuteta sivullisille. Rekisterin käyttöoikeus edellyttää "
            f"{n.of_short()} sisäisen tietojärjestelmän käyttäjäoikeuksia. Rekisteri sijaitsee "
            f"{n.of_short()} omassa salasanasuojatussa tietojärjestelmässä."
        )
    return (
        "The register is not disclosed to third parties. Access to the register requires user "
        f"rights to {n.of_short()} internal information system. The register is located in "
        f"{n.of_short()} own password-protected information system."
    )


def security_measures(config: Config, lang: str) -> str:
    """The access-control settings in force, in words."""
    s = config["security"]
    if lang == "fi":
        return (
            "Jokainen käyttäjä kirjautuu omilla tunnuksillaan: salasanalla (vähintään "
            f"{s['min_password_length']} merkkiä) ja todennussovelluksen kertakäyttöisellä "
            f"koodilla (TOTP). Tunnus lukitaan {s['lockout_minutes']} minuutiksi "
            f"{s['max_failed_logins']} epäonnistuneen kirjautumisyrityksen jälkeen, istunto "
            f"lukittuu {s['idle_lock_minutes']} minuutin käyttämättömyyden jälkeen ja päättyy "
            f"viimeistään {s['session_hours']} tunnin kuluttua. Asiakaspalvelulla ja "
            "rekisteriasioita hoitavalla henkilöllä on eri käyttöoikeudet, ja jokaisesta "
            "henkilötietojen käsittelystä jää lokimerkintä, jossa ei ole henkilötietoja."
        )
    return (
        "Every user logs in with their own credentials: a password (at least "
        f"{s['min_password_length']} characters) and a one-time code from an authenticator app "
        f"(TOTP). An account is locked for {s['lockout_minutes']} minutes after "
        f"{s['max_failed_logins']} failed login attempts; a session locks after "
        f"{s['idle_lock_minutes']} minutes of inactivity and ends after {s['session_hours']} "
        "hours at the latest. Customer service and the person handling register matters have "
        "different access rights, and every processing of personal data leaves a log entry "
        "that holds no personal data."
    )


# --- rendering ---------------------------------------------------------------------------------


def render(blocks: list[Block], fmt: str) -> str:
    """Plain text laid out like the published description, or Markdown."""
    out: list[str] = []
    for kind, value in blocks:
        if fmt == "markdown":
            out.append(_markdown(kind, value))
        elif kind == "bullets":
            out.append("\n\n".join(f"•{item}" for item in value))
        else:
            out.append(value + ("\n" if kind == "title" else ""))
    return "\n\n".join(out) + "\n"


def _markdown(kind: str, value: Any) -> str:
    if kind == "title":
        return f"# {value}"
    if kind == "heading":
        return f"## {value}"
    if kind == "bullets":
        return "\n".join(f"- {item}" for item in value)
    return value
