"""The GDPR Art 30(1) record of processing activities, from the same sources as the register
description: the controller settings, the fields the schema stores, the disclosure rules,
``[[processors]]``, the retention settings and the access-control settings."""

from __future__ import annotations

from finconsole.core.settings.config import Config
from finconsole.core.transparency import datafields, processors
from finconsole.core.transparency.notice import (
    Block,
    Names,
    erasure_policy,
    processor_line,
    security_measures,
)

HEADINGS = {
    "fi": [
        "1. REKISTERINPITÄJÄ JA YHTEYSHENKILÖ",
        "2. KÄSITTELYN TARKOITUKSET",
        "3. REKISTERÖITYJEN RYHMÄT",
        "4. HENKILÖTIETORYHMÄT",
        "5. VASTAANOTTAJARYHMÄT",
        "6. SIIRROT KOLMANSIIN MAIHIN",
        "7. POISTAMISEN MÄÄRÄAJAT",
        "8. TEKNISET JA ORGANISATORISET TURVATOIMET",
    ],
    "en": [
        "1. CONTROLLER AND CONTACT PERSON",
        "2. PURPOSES OF THE PROCESSING",
        "3. CATEGORIES OF DATA SUBJECTS",
        "4. CATEGORIES OF PERSONAL DATA",
        "5. CATEGORIES OF RECIPIENTS",
        "6. TRANSFERS TO THIRD COUNTRIES",
        "7. TIME LIMITS FOR ERASURE",
        "8. TECHNICAL AND ORGANISATIONAL SECURITY MEASURES",
    ],
}

PURPOSES = [
    ("asiakasrekisterin ylläpitäminen", "maintaining the customer register"),
    ("tilausten arkistointi ja käsittely", "archiving and processing orders"),
    ("asiakassuhteen hoitaminen", "managing the customer relationship"),
    ("kadonneiden pakettien seuranta", "tracing lost parcels"),
    (
        "toiminnan kehittäminen ja tilastointi (asiakas voi kieltää)",
        "developing the business and statistics (the customer may object)",
    ),
    (
        "kohdennettu sisältö ja mainonta omissa palveluissa (asiakas voi kieltää)",
        "targeted content and advertising in the shop's own services (the customer may object)",
    ),
    (
        "rekisteröidyn oikeuksien toteuttaminen ja lakisääteiset velvoitteet",
        "fulfilling data subjects' rights and legal obligations",
    ),
]


def record_blocks(config: Config, lang: str) -> list[Block]:
    fi = lang == "fi"
    c = config["controller"]
    h = HEADINGS[lang]
    register = c["register_name"] if fi else (c["register_name_en"] or c["register_name"])
    blocks: list[Block] = [
        (
            "title",
            f"Seloste käsittelytoimista (EU:n yleinen tietosuoja-asetus 30 artikla): {register}"
            if fi
            else f"Record of processing activities (GDPR Article 30): {register}",
        ),
        ("heading", h[0]),
        (
            "bullets",
            [
                f"{c['name']} ({'Y-tunnus' if fi else 'Business ID'} {c['business_id']}), "
                f"{c['street']}, {c['postcode']} {c['city']}",
                f"{'Yhteyshenkilö' if fi else 'Contact person'}: {c['contact_name']}, "
                f"{c['contact_phone']}, {c['contact_email']}",
            ],
        ),
        ("heading", h[1]),
        ("bullets", [fi_text if fi else en for fi_text, en in PURPOSES]),
        ("heading", h[2]),
        (
            "para",
            f"Asiakkaat: henkilöt, jotka ovat rekisteröityneet {Names(c, lang).of_full()} "
            f"asiakkaaksi tai ostaneet {c['shop_site']}:sta tavaraa."
            if fi
            else f"Customers: persons who have registered as customers of {c['name']} or "
            f"bought goods from {c['shop_site']}.",
        ),
        ("heading", h[3]),
        ("bullets", _data_categories(lang)),
        ("heading", h[4]),
        ("bullets", _recipients(config, lang)),
        ("heading", h[5]),
        ("bullets", _transfers(config, lang)),
        ("heading", h[6]),
        ("bullets", _erasure_limits(config, lang)),
        ("heading", h[7]),
        ("bullets", _security(config, lang)),
    ]
    return blocks


def _data_categories(lang: str) -> list[str]:
    lines = []
    for key, fi_text, en in datafields.stored_categories():
        fields = datafields.fields_of(key)
        detail = ", ".join(f.fi if lang == "fi" else f.en for f in fields)
        lines.append(f"{fi_text if lang == 'fi' else en}" + (f" ({detail})" if detail else ""))
    return lines


def _recipients(config: Config, lang: str) -> list[str]:
    days = config["disclosures"]["notice_days"]
    if lang == "fi":
        lines = [
            f"perintä ja laskutus: vasta kun asiakkaalle on ilmoitettu vähintään {days} päivää "
            "ennen luovutusta",
            "viranomaiset: vain tuomioistuimen lainvoimaisella määräyksellä",
            "muut vastaanottajat: vain lakiin perustuen",
        ]
    else:
        lines = [
            f"debt collection and invoicing: only after the customer was told at least {days} "
            "days before the disclosure",
            "authorities: only on a court's legally binding order",
            "other recipients: only on a legal basis",
        ]
    prefix = "henkilötietojen käsittelijä" if lang == "fi" else "processor"
    lines += [f"{prefix}: {processor_line(p, lang)}" for p in processors.configured(config)]
    return lines


def _transfers(config: Config, lang: str) -> list[str]:
    outside = [p for p in processors.configured(config) if p.outside_eea]
    if not outside:
        return [
            "Henkilötietoja ei siirretä EU/ETA-alueen ulkopuolelle."
            if lang == "fi"
            else "Personal data is not transferred outside the EU/EEA."
        ]
    return [processor_line(p, lang) for p in outside]


def _erasure_limits(config: Config, lang: str) -> list[str]:
    audit_years = config["retention"]["audit_years"]
    if lang == "fi":
        first = "Pyynnöstä välittömästi ja pysyvästi, ellei lainsäädäntö, avoimet laskut tai "
        first += "perintätoimet estä poistamista."
        last = f"Käsittelyloki (ei henkilötietoja) säilytetään {audit_years} vuotta."
    else:
        first = "On request, immediately and permanently, unless legislation, open invoices "
        first += "or debt collection prevent the deletion."
        last = f"The processing log (no personal data) is kept for {audit_years} years."
    return [first, erasure_policy(config, lang), last]


def _security(config: Config, lang: str) -> list[str]:
    if lang == "fi":
        extra = [
            "Tietokanta poistaa poistetut tiedot pysyvästi (secure delete, myös hakuhakemistosta).",
            "Käsittelyloki on ketjutettu tiivistein, joten sen muuttaminen paljastuu.",
            "Poistot kirjataan poistorekisteriin ilman henkilötietoja, ja ne toistetaan "
            "varmuuskopiota palautettaessa.",
        ]
    else:
        extra = [
            "The database deletes erased data permanently (secure delete, the search index too).",
            "The processing log is hash-chained, so any change to it shows.",
            "Erasures are recorded in an erasure ledger without personal data and re-applied "
            "when a backup is restored.",
        ]
    return [security_measures(config, lang)] + extra
