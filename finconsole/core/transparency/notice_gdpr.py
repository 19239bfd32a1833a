"""What makes the register description a privacy notice (GDPR Art 13 and 14, with the Finnish
Data Protection Act 1050/2018, which replaced the Personal Data Act 523/1999 on 1 January
2019): the legal basis of each purpose, the retention periods, the data subject's rights and
the right to complain to the supervisory authority. In Finnish, Swedish and English.
"""

from __future__ import annotations

from typing import Any

from finconsole.core.settings.config import Config
from finconsole.core.transparency.notice_texts import erasure_policy, pick

TITLE = {"fi": "Tietosuojaseloste", "sv": "Dataskyddsbeskrivning", "en": "Privacy notice"}

# Office of the Data Protection Ombudsman: the supervisory authority in Finland.
OMBUDSMAN = "PL 800, 00531 Helsinki, tietosuoja@om.fi, www.tietosuoja.fi"
OMBUDSMAN_SV = "PB 800, 00531 Helsingfors, tietosuoja@om.fi, www.tietosuoja.fi"


def intro(lang: str) -> str:
    return pick(
        lang,
        "Tämä tietosuojaseloste (rekisteriseloste) kertoo, miten käsittelemme asiakkaidemme "
        "henkilötietoja. Se on EU:n yleisen tietosuoja-asetuksen ((EU) 2016/679) 13 ja 14 "
        "artiklan mukainen informointi, ja käsittelyä täydentää tietosuojalaki (1050/2018).",
        "Denna dataskyddsbeskrivning (registerbeskrivning) berättar hur vi behandlar våra "
        "kunders personuppgifter. Den är den information som avses i artiklarna 13 och 14 i "
        "EU:s allmänna dataskyddsförordning ((EU) 2016/679), och behandlingen kompletteras av "
        "dataskyddslagen (1050/2018).",
        "This privacy notice (register description) tells how we process our customers' "
        "personal data. It is the information required by Articles 13 and 14 of the EU General "
        "Data Protection Regulation ((EU) 2016/679), supplemented by the Finnish Data "
        "Protection Act (1050/2018).",
    )


def legal_bases(lang: str) -> list[tuple[str, Any]]:
    """Each purpose with its legal basis under GDPR Art 6(1)."""
    bullets = [
        pick(
            lang,
            "Asiakasrekisterin ylläpito, tilausten käsittely ja toimittaminen, asiakassuhteen "
            "hoito ja kadonneiden pakettien selvittäminen: sopimuksen täytäntöönpano "
            "(tietosuoja-asetuksen 6 artiklan 1 kohdan b alakohta).",
            "Att föra kundregistret, behandla och leverera beställningar, sköta kundrelationen "
            "och spåra försvunna paket: fullgörande av avtal (artikel 6.1 b i "
            "dataskyddsförordningen).",
            "Keeping the customer register, processing and delivering orders, managing the "
            "customer relationship and tracing lost parcels: performance of a contract (GDPR "
            "Article 6(1)(b)).",
        ),
        pick(
            lang,
            "Laskutus ja kirjanpito: lakisääteinen velvoite (6 artiklan 1 kohdan c alakohta; "
            "kirjanpitolaki 1336/1997).",
            "Fakturering och bokföring: rättslig förpliktelse (artikel 6.1 c; bokföringslagen "
            "1336/1997).",
            "Invoicing and bookkeeping: legal obligation (Article 6(1)(c); Accounting Act "
            "1336/1997).",
        ),
        pick(
            lang,
            "Maksamattomien saatavien perintä: oikeutettu etu periä saatavat (6 artiklan 1 "
            "kohdan f alakohta).",
            "Indrivning av obetalda fordringar: berättigat intresse av att driva in fordringar "
            "(artikel 6.1 f).",
            "Collecting unpaid receivables: legitimate interest in collecting them (Article "
            "6(1)(f)).",
        ),
        pick(
            lang,
            "Toiminnan kehittäminen ja tilastointi: oikeutettu etu kehittää liiketoimintaa "
            "(6 artiklan 1 kohdan f alakohta); asiakas voi vastustaa käsittelyä.",
            "Utveckling av verksamheten och statistik: berättigat intresse av att utveckla "
            "verksamheten (artikel 6.1 f); kunden kan invända mot behandlingen.",
            "Developing the business and statistics: legitimate interest in developing the "
            "business (Article 6(1)(f)); the customer may object.",
        ),
        pick(
            lang,
            "Kohdennettu sisältö ja suoramarkkinointi omissa palveluissamme: oikeutettu etu "
            "(6 artiklan 1 kohdan f alakohta); asiakas voi milloin tahansa kieltää sen "
            "(21 artikla), minkä jälkeen tietoja ei käytetä suoramarkkinointiin lainkaan.",
            "Riktat innehåll och direktmarknadsföring i våra egna tjänster: berättigat intresse "
            "(artikel 6.1 f); kunden kan när som helst invända (artikel 21), och därefter "
            "används uppgifterna inte alls för direktmarknadsföring.",
            "Targeted content and direct marketing in our own services: legitimate interest "
            "(Article 6(1)(f)); the customer may object at any time (Article 21), after which "
            "the data is not used for direct marketing at all.",
        ),
        pick(
            lang,
            "Rekisteröidyn oikeuksien toteuttaminen, tietojen luovuttaminen tuomioistuimen "
            "määräyksestä sekä tietoturva ja käsittelyloki: lakisääteinen velvoite (6 artiklan "
            "1 kohdan c alakohta; tietosuoja-asetuksen 12–22 ja 32 artikla).",
            "Att tillgodose den registrerades rättigheter, utlämnande på grund av domstols "
            "beslut samt informationssäkerhet och behandlingslogg: rättslig förpliktelse "
            "(artikel 6.1 c; artiklarna 12–22 och 32 i dataskyddsförordningen).",
            "Fulfilling data subjects' rights, disclosure on a court's order, and information "
            "security with its processing log: legal obligation (Article 6(1)(c); GDPR "
            "Articles 12–22 and 32).",
        ),
    ]
    closing = pick(
        lang,
        "Tilauksen tekemiseen tarvittavat tiedot (nimi, toimitusosoite sekä sähköpostiosoite "
        "tai puhelinnumero) ovat sopimuksen tekemisen edellytys: ilman niitä emme voi "
        "toimittaa tilausta. Emme tee pelkästään automaattiseen käsittelyyn perustuvia "
        "päätöksiä, joilla olisi asiakkaalle oikeusvaikutuksia tai vastaava merkittävä "
        "vaikutus (22 artikla).",
        "De uppgifter som behövs för en beställning (namn, leveransadress samt e-postadress "
        "eller telefonnummer) är en förutsättning för avtalet: utan dem kan vi inte leverera "
        "beställningen. Vi fattar inga beslut som enbart grundar sig på automatiserad "
        "behandling och som har rättsliga följder eller på liknande sätt betydande påverkan "
        "för kunden (artikel 22).",
        "The data needed for an order (name, delivery address, and email address or phone "
        "number) is required to enter into the contract: without it we cannot deliver the "
        "order. We make no decisions based solely on automated processing that have legal or "
        "similarly significant effects on the customer (Article 22).",
    )
    return [("bullets", bullets), ("para", closing)]


def retention(config: Config, lang: str) -> list[tuple[str, Any]]:
    audit_years = config["retention"]["audit_years"]
    first = pick(
        lang,
        "Asiakkaan tietoja säilytetään niin kauan kuin asiakassuhde jatkuu. Ne poistetaan "
        "asiakkaan pyynnöstä heti, lukuun ottamatta tietoja, jotka laki tai avoin asia "
        "velvoittaa säilyttämään:",
        "Kundens uppgifter bevaras så länge kundrelationen består. De raderas genast på "
        "kundens begäran, med undantag av uppgifter som lag eller ett öppet ärende kräver "
        "att vi bevarar:",
        "A customer's data is kept for as long as the customer relationship lasts. It is "
        "deleted at once at the customer's request, except for data that the law or an open "
        "matter requires us to keep:",
    )
    last = pick(
        lang,
        "Tietosuojapyyntöjen, tietojen luovutusten ja viranomaisten tiedustelujen kirjaukset "
        "säilytetään asiakkaan tietojen kanssa, ja niihin kirjatut henkilötiedot poistetaan "
        "tietojen poistamisen yhteydessä. Käsittelyloki, jossa ei ole henkilötietoja, "
        f"säilytetään {audit_years} vuotta.",
        "Uppgifter om dataskyddsbegäranden, utlämnanden och myndigheters förfrågningar bevaras "
        "tillsammans med kundens uppgifter, och de personuppgifter som antecknats i dem raderas "
        "när kundens uppgifter raderas. Behandlingsloggen, som inte innehåller "
        f"personuppgifter, bevaras i {audit_years} år.",
        "Records of data protection requests, disclosures and authorities' inquiries are kept "
        "with the customer's data, and the personal data written in them is deleted when the "
        "customer's data is deleted. The processing log, which holds no personal data, is kept "
        f"for {audit_years} years.",
    )
    return [("para", first), ("para", erasure_policy(config, lang)), ("para", last)]


def rights(config: Config, lang: str, contact: str) -> list[tuple[str, Any]]:
    months = config["requests"]["response_months"]
    extension = config["requests"]["max_extension_months"]
    intro_text = pick(lang, "Sinulla on oikeus", "Du har rätt att", "You have the right to")
    bullets = {
        "fi": [
            "saada tietää, mitä tietoja sinusta käsitellään, ja saada jäljennös niistä "
            "(15 artikla)",
            "vaatia virheellisten tietojen oikaisemista (16 artikla)",
            "vaatia tietojesi poistamista (17 artikla)",
            "vaatia käsittelyn rajoittamista (18 artikla)",
            "saada antamasi tiedot koneluettavassa muodossa ja siirtää ne toiselle "
            "rekisterinpitäjälle (20 artikla)",
            "vastustaa oikeutettuun etuun perustuvaa käsittelyä ja kieltää suoramarkkinointi "
            "milloin tahansa (21 artikla).",
        ],
        "sv": [
            "få veta vilka uppgifter om dig som behandlas och få en kopia av dem (artikel 15)",
            "kräva att felaktiga uppgifter rättas (artikel 16)",
            "kräva att dina uppgifter raderas (artikel 17)",
            "kräva att behandlingen begränsas (artikel 18)",
            "få de uppgifter du lämnat i ett maskinläsbart format och överföra dem till en "
            "annan personuppgiftsansvarig (artikel 20)",
            "invända mot behandling som grundar sig på berättigat intresse och när som helst "
            "motsätta dig direktmarknadsföring (artikel 21).",
        ],
        "en": [
            "know what data about you is processed and get a copy of it (Article 15)",
            "have inaccurate data rectified (Article 16)",
            "have your data erased (Article 17)",
            "have the processing restricted (Article 18)",
            "receive the data you gave us in a machine-readable format and transmit it to "
            "another controller (Article 20)",
            "object to processing based on legitimate interest, and to direct marketing at "
            "any time (Article 21).",
        ],
    }[lang]
    how = pick(
        lang,
        f"Pyynnöt voi esittää rekisteriasioita hoitavalle henkilölle ({contact}) sähköpostitse, "
        f"puhelimitse tai kirjeellä. Vastaamme {months} kuukauden kuluessa pyynnön "
        "vastaanottamisesta; jos pyyntö on monimutkainen tai pyyntöjä on paljon, aikaa "
        f"voidaan jatkaa enintään {extension} kuukaudella, ja siitä kerrotaan syineen "
        "ensimmäisen kuukauden aikana (12 artikla). Tarkistamme henkilöllisyytesi ennen kuin "
        "annamme tai muutamme tietoja. Kun tietoja oikaistaan tai poistetaan, kerromme siitä "
        "vastaanottajille, joille tietoja on luovutettu (19 artikla).",
        f"Begäranden kan framställas till den som sköter registerärenden ({contact}) per "
        f"e-post, telefon eller brev. Vi svarar inom {months} månad från att begäran togs "
        "emot; om begäran är komplicerad eller begärandena är många kan tiden förlängas med "
        f"högst {extension} månader, och du får veta det med skälen inom den första månaden "
        "(artikel 12). Vi kontrollerar din identitet innan vi lämnar ut eller ändrar "
        "uppgifter. När uppgifter rättas eller raderas meddelar vi de mottagare som "
        "uppgifterna har lämnats ut till (artikel 19).",
        f"Requests can be made to the person handling register matters ({contact}) by email, "
        f"phone or letter. We answer within {months} month of receiving the request; if the "
        "request is complex or requests are numerous, the time may be extended by at most "
        f"{extension} months, and you are told so with the reasons within the first month "
        "(Article 12). We check your identity before we give out or change data. When data is "
        "rectified or erased, we tell the recipients to whom it was disclosed (Article 19).",
    )
    return [("para", intro_text + ":"), ("bullets", bullets), ("para", how)]


def complaint(lang: str) -> str:
    return pick(
        lang,
        "Jos katsot, että henkilötietojesi käsittelyssä rikotaan tietosuojalainsäädäntöä, "
        "sinulla on oikeus tehdä valitus valvontaviranomaiselle. Suomessa valvontaviranomainen "
        f"on tietosuojavaltuutettu: Tietosuojavaltuutetun toimisto, {OMBUDSMAN} "
        "(tietosuoja-asetuksen 77 artikla; tietosuojalaki 1050/2018).",
        "Om du anser att behandlingen av dina personuppgifter strider mot "
        "dataskyddslagstiftningen har du rätt att lämna in ett klagomål till "
        "tillsynsmyndigheten. I Finland är tillsynsmyndigheten dataombudsmannen: "
        f"Dataombudsmannens byrå, {OMBUDSMAN_SV} (artikel 77 i dataskyddsförordningen; "
        "dataskyddslagen 1050/2018).",
        "If you consider that the processing of your personal data infringes data protection "
        "law, you have the right to lodge a complaint with the supervisory authority. In "
        "Finland the supervisory authority is the Data Protection Ombudsman: Office of the Data "
        f"Protection Ombudsman, {OMBUDSMAN} (GDPR Article 77; Data Protection Act 1050/2018).",
    )
