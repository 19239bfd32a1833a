"""The register description's sections in Finnish, Swedish and English.

The Finnish sentences of the shop's published description are kept word for word where they
are the shop's promise (a test compares them); the Swedish and English are translations. The
settings the console enforces (notice days, retention, access control) are filled in.
Each function takes the controller's ``Names`` (see ``notice``) and returns one language.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from finconsole.core.kernel.errors import ConfigError
from finconsole.core.settings.config import Config
from finconsole.core.store.models import OBJECTIONS
from finconsole.core.transparency import datafields

# The data categories in Swedish (Finnish and English live in ``datafields.CATEGORIES``).
CATEGORIES_SV = {
    "name": "Personens för- och efternamn",
    "email": "E-postadress",
    "postal_address": "Postadress",
    "phone": "Telefonnummer",
    "orders": "Uppgifter om behandlade beställningar",
    "tracking": "Spårningsuppgifter för beställningarna från Posti eller annan transportör",
    "customer_number": "Kundnummer i webbutiken",
    "language": "Kommunikationsspråk",
    "notes": "Kundtjänstens anteckningar",
    "objections": "Kundens invändningar och begränsningar av behandlingen",
    "requests": "Kundens dataskyddsbegäranden och hur de har behandlats",
    "disclosures": "Uppgifter om utlämnanden och myndigheters förfrågningar",
}

OBJECTION_WORDS = {
    "fi": {"marketing": "suoramarkkinointiin", "statistics": "tilastointiin",
           "profiling": "profilointiin"},
    "sv": {"marketing": "direktmarknadsföring", "statistics": "statistik",
           "profiling": "profilering"},
    "en": {"marketing": "direct marketing", "statistics": "statistics",
           "profiling": "profiling"},
}  # fmt: skip
AND = {"fi": " ja ", "sv": " och ", "en": " and "}

VOWELS = "aeiouyäöå"


def genitive(name: str) -> str:
    """'Finanime Sekai' -> 'Finanime Sekain', 'Finanime' -> 'Finanimen'."""
    return name + ("n" if name[-1:].lower() in VOWELS else "in")


def illative(name: str) -> str:
    """'Finanime' -> 'Finanimeen' (to contact *Finanime*)."""
    last = name[-1:]
    return name + (last + "n" if last.lower() in VOWELS else "iin")


def category_texts(lang: str) -> list[str]:
    return [
        {"fi": fi, "sv": CATEGORIES_SV.get(key, en), "en": en}[lang]
        for key, fi, en in datafields.stored_categories()
    ]


def pick(lang: str, fi: str, sv: str, en: str) -> str:
    return {"fi": fi, "sv": sv, "en": en}[lang]


def basis(n: Any, c: dict[str, str]) -> str:
    return pick(
        n.lang,
        f"Henkilö on rekisteröitynyt {n.of_full()} asiakkaaksi tai ostanut "
        f"{c['shop_site']}:sta tavaraa.",
        f"Personen har registrerat sig som kund hos {n.full} eller köpt varor från "
        f"{c['shop_site']}.",
        f"The person has registered as a customer of {n.full} or bought goods from "
        f"{c['shop_site']}.",
    )


def sources(n: Any) -> str:
    """Where the data comes from (GDPR Art 14(2)(f))."""
    return pick(
        n.lang,
        "Tiedot saadaan asiakkaalta itseltään rekisteröitymisen, tilauksen ja "
        "asiakaspalveluyhteydenottojen yhteydessä. Lähetysten seurantatiedot saadaan "
        "kuljetusyhtiöiltä, kuten Postilta.",
        "Uppgifterna fås av kunden själv vid registrering, beställning och kontakter med "
        "kundtjänsten. Spårningsuppgifterna för försändelser fås av transportörerna, till "
        "exempel Posti.",
        "The data is obtained from the customer themselves when they register, order or contact "
        "customer service. Parcel tracking data is obtained from the carriers, such as Posti.",
    )


def objection_sentence(lang: str) -> str:
    items = [OBJECTION_WORDS[lang][o] for o in OBJECTIONS]
    listed = ", ".join(items[:-1]) + AND[lang] + items[-1]
    return pick(
        lang,
        f"Asiakas voi milloin tahansa kieltää tietojensa käytön {listed}; kielto kirjataan "
        "rekisteriin ja sitä noudatetaan kaikissa poiminnoissa.",
        f"Kunden kan när som helst invända mot att uppgifterna används för {listed}; "
        "invändningen registreras och följs i alla uttag ur registret.",
        f"The customer may at any time object to the use of their data for {listed}; the "
        "objection is recorded in the register and every extract honours it.",
    )


def purpose(n: Any) -> str:
    tracking = any(key == "tracking" for key, _, _ in datafields.stored_categories())
    parts = {
        "fi": [
            f"Rekisterin käyttötarkoitus on {n.of_full()} (myöh. {n.short}) asiakasrekisterin "
            "ylläpitäminen sekä asiakkaiden tilausten arkistointi ja käsittely sekä "
            "asiakassuhteen hoitaminen.",
            "Rekisteriä käytetään myös kadonneiden pakettien seurantaan." if tracking else "",
            f"Tietoja voidaan käyttää {n.of_short()} toiminnan kehittämiseen, tilastollisiin "
            "tarkoituksiin ja henkilökohtaisemman kohdennetun sisällön tuottamiseen "
            "verkkopalveluissamme.",
            f"Mikäli asiakas ei halua tietojaan käytettävän {n.of_short()} omassa toiminnassa, "
            "pyydämme ilmoittamaan siitä meille.",
            objection_sentence("fi"),
            "Henkilötietoja käsitellään vain tarvittaessa ja henkilötietolainsäädännön "
            "sallimissa ja edellyttämissä rajoissa.",
        ],
        "sv": [
            f"Registrets ändamål är att föra {n.of_full()} (nedan {n.short}) kundregister, att "
            "arkivera och behandla kundernas beställningar och att sköta kundrelationen.",
            "Registret används också för att spåra försvunna paket." if tracking else "",
            f"Uppgifterna kan användas för att utveckla {n.of_short()} verksamhet, för "
            "statistiska ändamål och för att ta fram mer personligt riktat innehåll i våra "
            "webbtjänster.",
            f"Om kunden inte vill att uppgifterna används i {n.of_short()} egen verksamhet ber "
            "vi kunden meddela oss det.",
            objection_sentence("sv"),
            "Personuppgifter behandlas endast när det behövs och inom de gränser som "
            "dataskyddslagstiftningen tillåter och kräver.",
        ],
        "en": [
            f"The purpose of the register is to maintain the customer register of {n.full} "
            f"(hereinafter {n.short}), to archive and process customers' orders and to manage "
            "the customer relationship.",
            "The register is also used to trace lost parcels." if tracking else "",
            f"The data may be used to develop {n.of_short()} business, for statistical purposes "
            "and to produce more personal targeted content in our online services.",
            f"If a customer does not want their data to be used in {n.of_short()} own "
            "activities, we ask them to tell us.",
            objection_sentence("en"),
            "Personal data is processed only when needed and within the limits that data "
            "protection legislation allows and requires.",
        ],
    }[n.lang]
    return " ".join(p for p in parts if p)


def own_use(n: Any) -> str:
    return pick(
        n.lang,
        f"Rekisterin tietoja voidaan käyttää {n.of_short()} omissa rekistereissä mainonnan "
        "kohdistamiseen luovuttamatta henkilötietoja ulkopuolisille tahoille. Tietoja "
        f"käsitellään ainoastaan {n.of_short()} asiakassuhteen ylläpitämiseen teknisten "
        "rajapintojen kautta.",
        f"Uppgifterna i registret kan användas i {n.of_short()} egna register för att rikta "
        "reklam utan att personuppgifter lämnas ut till utomstående. Uppgifterna behandlas "
        f"endast för att upprätthålla {n.of_short()} kundrelationer, via tekniska gränssnitt.",
        f"The data in the register may be used in {n.of_short()} own registers to target "
        "advertising without disclosing personal data to outside parties. The data is processed "
        f"only to maintain {n.of_short()} customer relationships, through technical interfaces.",
    )


def disclosure_paragraph(n: Any, config: Config) -> str:
    days = config["disclosures"]["notice_days"]
    return pick(
        n.lang,
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
        "yhteistyökumppanin teknisen toteutuksen varmistamiseksi tarpeellista. Tilauksen "
        "toimittamiseen tarvittavat tiedot (nimi, toimitusosoite ja yhteystieto) annetaan "
        "kuljetusyhtiölle sopimuksen täyttämiseksi.",
        f"Uppgifterna i kundregistret används endast av {n.short}. Uppgifterna lämnas inte ut "
        f"utanför {n.short}, utom i ärenden som gäller indrivning eller fakturering och när "
        "lagstiftningen särskilt kräver det. Kunden informeras om dessa omständigheter innan "
        f"uppgifterna lämnas ut, så att kunden kan kontakta {n.short} för att sköta ärendet "
        "innan uppgifterna lämnas ut. För indrivning eller fakturering lämnas uppgifter ut "
        f"tidigast {days} dagar efter att kunden informerats. Vi meddelar alltid omedelbart "
        "den som förfrågan gäller / kunden om en myndighet begär uppgifter om en enskild kund "
        "eller om kunder överlag, och vi lämnar aldrig ut uppgifter utan ett lagakraftvunnet "
        "beslut av en domstol. Personuppgifter överförs inte utanför Europeiska unionen, om "
        f"det inte är nödvändigt för att säkerställa det tekniska genomförandet hos {n.short} "
        "eller dess samarbetspartner. De uppgifter som behövs för att leverera en beställning "
        "(namn, leveransadress och en kontaktuppgift) lämnas till transportören för att "
        "fullgöra avtalet.",
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
        f"implementation of {n.short} or its partner. The data needed to deliver an order "
        "(name, delivery address and a contact detail) is given to the carrier to perform the "
        "contract.",
    )


def erasure_promise(n: Any) -> str:
    return pick(
        n.lang,
        "Rekisteröityneen kaikki henkilötiedot hävitetään käyttäjän pyynnöstä, välittömästi "
        f"ja pysyvästi {n.of_short()} tietojärjestelmistä ellei lainsäädäntö, avoimet laskut "
        "tai perintätoimet estä tietojen poistamista.",
        "Alla personuppgifter om en registrerad raderas på dennes begäran, omedelbart och "
        f"permanent, ur {n.of_short()} informationssystem, om inte lagstiftning, obetalda "
        "fakturor eller indrivningsåtgärder hindrar att uppgifterna raderas.",
        "All personal data of a registered person is deleted at their request, immediately and "
        f"permanently, from {n.of_short()} information systems, unless legislation, open "
        "invoices or debt collection prevent the deletion.",
    )


def year_end(config: Config, lang: str) -> str:
    value = config["retention"]["financial_year_end"]
    try:
        month, day = (int(part) for part in value.split("-"))
        dt.date(2000, month, day)  # a leap year: 02-29 is a valid year end
    except ValueError:
        raise ConfigError("'retention.financial_year_end' must be MM-DD, e.g. 12-31") from None
    if lang in ("fi", "sv"):
        return f"{day}.{month}."
    return f"{calendar.month_name[month]} {day}"


def erasure_policy(config: Config, lang: str) -> str:
    """What the holds and retention settings keep, and for how long."""
    r = config["retention"]
    end = year_end(config, lang)
    return pick(
        lang,
        "Kirjanpitolain (1336/1997) 2 luvun 10 §:n mukaan tilausten kirjanpitotositteet "
        f"(laskut ja kuitit) säilytetään {r['voucher_years']} vuotta sen kalenterivuoden "
        f"lopusta, jonka aikana tilikausi päättyi (tilikausi päättyy {end}). "
        "Siihen asti tositteista säilytetään vain niiden edellyttämät tiedot, joiden "
        "käsittely on rajoitettu, ja ne poistetaan säilytysajan päätyttyä. Avoimen laskun tai "
        "perinnän tiedot säilytetään, kunnes asia on hoidettu. Lähetysten "
        f"seurantatapahtumat poistetaan {r['tracking_event_days']} päivän kuluttua.",
        "Enligt bokföringslagen (1336/1997) 2 kap. 10 § bevaras beställningarnas "
        f"bokföringsverifikationer (fakturor och kvitton) i {r['voucher_years']} år från "
        "utgången av det kalenderår under vilket räkenskapsperioden gick ut "
        f"(räkenskapsperioden går ut {end}). Till dess bevaras endast de uppgifter som "
        "verifikationerna kräver, behandlingen av dem är begränsad och de raderas när tiden "
        "gått ut. Uppgifter om en obetald faktura eller en indrivning bevaras tills ärendet "
        "är avklarat. Försändelsernas spårningshändelser raderas efter "
        f"{r['tracking_event_days']} dagar.",
        "Under the Accounting Act (1336/1997) chapter 2 section 10, the bookkeeping vouchers of "
        f"orders (invoices and receipts) are kept for {r['voucher_years']} years from the end "
        "of the calendar year in which the financial year ended (the financial year ends on "
        f"{end}). Until then only the data the vouchers require is kept, its processing is "
        "restricted, and it is deleted when the period ends. The data of an open invoice or a "
        "debt collection is kept until the matter is settled. Parcel tracking events are "
        f"deleted after {r['tracking_event_days']} days.",
    )


def protection(n: Any) -> str:
    return pick(
        n.lang,
        "Rekisteriä ei luovuteta sivullisille. Rekisterin käyttöoikeus edellyttää "
        f"{n.of_short()} sisäisen tietojärjestelmän käyttäjäoikeuksia. Rekisteri sijaitsee "
        f"{n.of_short()} omassa salasanasuojatussa tietojärjestelmässä.",
        "Registret lämnas inte ut till utomstående. Åtkomst till registret kräver "
        f"användarrättigheter i {n.of_short()} interna informationssystem. Registret finns i "
        f"{n.of_short()} eget lösenordsskyddade informationssystem.",
        "The register is not disclosed to third parties. Access to the register requires user "
        f"rights to {n.of_short()} internal information system. The register is located in "
        f"{n.of_short()} own password-protected information system.",
    )


def security_measures(config: Config, lang: str) -> str:
    """The access-control settings in force, in words."""
    s = config["security"]
    return pick(
        lang,
        "Jokainen käyttäjä kirjautuu omilla tunnuksillaan: salasanalla (vähintään "
        f"{s['min_password_length']} merkkiä) ja todennussovelluksen kertakäyttöisellä "
        f"koodilla (TOTP). Tunnus lukitaan {s['lockout_minutes']} minuutiksi "
        f"{s['max_failed_logins']} epäonnistuneen kirjautumisyrityksen jälkeen, istunto "
        f"lukittuu {s['idle_lock_minutes']} minuutin käyttämättömyyden jälkeen ja päättyy "
        f"viimeistään {s['session_hours']} tunnin kuluttua. Asiakaspalvelulla ja "
        "rekisteriasioita hoitavalla henkilöllä on eri käyttöoikeudet, ja jokaisesta "
        "henkilötietojen käsittelystä jää lokimerkintä, jossa ei ole henkilötietoja.",
        "Varje användare loggar in med egna användaruppgifter: ett lösenord (minst "
        f"{s['min_password_length']} tecken) och en engångskod från en autentiseringsapp "
        f"(TOTP). Ett konto spärras i {s['lockout_minutes']} minuter efter "
        f"{s['max_failed_logins']} misslyckade inloggningsförsök; en session låses efter "
        f"{s['idle_lock_minutes']} minuters inaktivitet och upphör senast efter "
        f"{s['session_hours']} timmar. Kundtjänsten och den som sköter registerärenden har "
        "olika åtkomsträttigheter, och varje behandling av personuppgifter lämnar en "
        "loggpost som inte innehåller personuppgifter.",
        "Every user logs in with their own credentials: a password (at least "
        f"{s['min_password_length']} characters) and a one-time code from an authenticator app "
        f"(TOTP). An account is locked for {s['lockout_minutes']} minutes after "
        f"{s['max_failed_logins']} failed login attempts; a session locks after "
        f"{s['idle_lock_minutes']} minutes of inactivity and ends after {s['session_hours']} "
        "hours at the latest. Customer service and the person handling register matters have "
        "different access rights, and every processing of personal data leaves a log entry "
        "that holds no personal data.",
    )
