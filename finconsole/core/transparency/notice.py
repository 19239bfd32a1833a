"""The privacy notice (tietosuojaseloste; the shop's register description, rekisteriseloste),
generated from the configuration and the schema, so it never drifts from what the system does.

With the shop's own settings the Finnish text has the eight sections of the published
description in the same order and keeps its wording where it is the shop's promise; what GDPR
Art 13–14 and the Data Protection Act 1050/2018 add (legal basis per purpose, retention, rights,
the right to complain) comes in sections of its own (``notice_gdpr``). The published text cited
the repealed Personal Data Act 523/1999; that sentence is replaced, and so is its "by ordering
the customer consents to disclosure" (a contract, not consent, is the basis). Swedish and
English are translations. The settings the console enforces (notice days, holds and retention,
access control, processors) and the fields the register really stores are filled in. The Art 30
record of processing (Finnish or English) is built from the same sources in
``processing_record``.
"""

from __future__ import annotations

from typing import Any

from finconsole.core.settings.config import Config
from finconsole.core.transparency import notice_gdpr as gdpr
from finconsole.core.transparency import notice_texts as texts
from finconsole.core.transparency import processors
from finconsole.core.transparency.notice_texts import (  # noqa: F401 (API)  # noqa: F401 (used by the Art 30 record)
    disclosure_paragraph,
    erasure_policy,
    genitive,
    illative,
    security_measures,
)

LANGS = ("fi", "sv", "en")
RECORD_LANGS = ("fi", "en")  # the Art 30 record is the officer's own document

# A document is a list of blocks: ("title"|"heading"|"para", str) or ("bullets", [str]).
Block = tuple[str, Any]

# The eight sections of the published description, then those GDPR Art 13-14 adds, in the
# order the text has them (see ``description_blocks``).
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
        "KÄSITTELYN OIKEUSPERUSTEET",
        "SÄILYTYSAJAT",
        "REKISTERÖIDYN OIKEUDET",
        "OIKEUS TEHDÄ VALITUS VALVONTAVIRANOMAISELLE",
    ],
    "sv": [
        "PERSONUPPGIFTSANSVARIG",
        "KONTAKTPERSON I REGISTERÄRENDEN",
        "REGISTRETS NAMN",
        "GRUND FÖR ATT FÖRA REGISTRET",
        "REGISTRETS ÄNDAMÅL",
        "UPPGIFTER SOM REGISTRET INNEHÅLLER",
        "UTLÄMNANDE AV UPPGIFTER OCH KUNDENS KONTROLL ÖVER SINA EGNA UPPGIFTER",
        "SKYDD AV REGISTRET",
        "RÄTTSLIG GRUND FÖR BEHANDLINGEN",
        "LAGRINGSTIDER",
        "DEN REGISTRERADES RÄTTIGHETER",
        "RÄTT ATT LÄMNA IN KLAGOMÅL TILL TILLSYNSMYNDIGHETEN",
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
        "LEGAL BASIS OF THE PROCESSING",
        "RETENTION PERIODS",
        "YOUR RIGHTS",
        "RIGHT TO LODGE A COMPLAINT WITH THE SUPERVISORY AUTHORITY",
    ],
}
LABELS = {
    "fi": ("Y-tunnus", "Puhelin", "Sähköposti", "Henkilörekisteri sisältää seuraavia tietoja:"),
    "sv": ("FO-nummer", "Telefon", "E-post", "Registret innehåller följande uppgifter:"),
    "en": ("Business ID", "Phone", "Email", "The register contains the following data:"),
}


# --- Finnish inflection of the shop's names ----------------------------------------------------


class Names:
    """The controller's names as the sentences need them, in either language."""

    def __init__(self, controller: dict[str, str], lang: str) -> None:
        self.c = controller
        self.lang = lang
        self.full = controller["name"]
        self.short = controller["short_name"] or controller["name"]

    def _of(self, name: str) -> str:
        if self.lang == "fi":
            return genitive(name)
        if self.lang == "sv":  # Swedish genitive: no s after s, x or z
            return name if name[-1:].lower() in "sxz" else f"{name}s"
        return f"{name}'s"

    def of_short(self) -> str:
        return self._of(self.short)

    def of_full(self) -> str:
        return self._of(self.full)


# --- the register description ----------------------------------------------------------------


def description_blocks(config: Config, lang: str) -> list[Block]:
    c = config["controller"]
    n = Names(c, lang)
    h = HEADINGS[lang]
    business_id, phone, email, contents = LABELS[lang]
    register = {
        "fi": c["register_name"],
        "sv": f"{n.of_full()} kundregister",  # the config names the register in fi and en only
        "en": c["register_name_en"] or c["register_name"],
    }[lang]
    contact = f"{c['contact_name']}, {c['contact_email']}, {c['contact_phone']}"
    blocks: list[Block] = [
        ("title", gdpr.TITLE[lang]),
        ("para", gdpr.intro(lang)),
        ("heading", h[0]),
        ("para", f"{c['name']} ({business_id}: {c['business_id']})"),
        ("para", c["street"]),
        ("para", f"{c['postcode']} {c['city']}"),
        ("heading", h[1]),
        ("para", c["contact_name"]),
        ("para", f"{phone} {c['contact_phone']}"),
        ("para", f"{email} {c['contact_email']}"),
        ("heading", h[2]),
        ("para", register),
        ("heading", h[3]),
        ("para", texts.basis(n, c)),
        ("para", texts.sources(n)),
        ("heading", h[4]),
        ("para", texts.purpose(n)),
        ("para", texts.own_use(n)),
        ("heading", h[8]),
        *gdpr.legal_bases(lang),
        ("heading", h[5]),
        ("para", contents),
        ("bullets", texts.category_texts(lang)),
        ("heading", h[6]),
        ("para", texts.disclosure_paragraph(n, config)),
        *processor_blocks(lang, n, config),
        ("para", texts.erasure_promise(n)),
        ("heading", h[9]),
        *gdpr.retention(config, lang),
        ("heading", h[10]),
        *gdpr.rights(config, lang, contact),
        ("heading", h[11]),
        ("para", gdpr.complaint(lang)),
        ("heading", h[7]),
        ("para", texts.protection(n)),
        ("para", security_measures(config, lang)),
    ]
    return blocks


def processor_blocks(lang: str, n: Names, config: Config) -> list[Block]:
    """The configured ``[[processors]]``: who processes the data, where, and on what safeguard."""
    found = processors.configured(config)
    if not found:
        return []
    intro = texts.pick(
        lang,
        f"Rekisterin tietoja käsittelevät {n.of_short()} puolesta seuraavat palveluntarjoajat:",
        f"Följande tjänsteleverantörer behandlar registrets uppgifter för {n.of_short()} räkning:",
        f"The following service providers process register data on {n.of_short()} behalf:",
    )
    return [("para", intro), ("bullets", [processor_line(p, lang) for p in found])]


def processor_line(p: processors.Processor, lang: str) -> str:
    line = f"{p.name} ({p.country}): {p.purpose_in(lang)}"
    if p.outside_eea:
        line += texts.pick(
            lang,
            f"; siirto EU/ETA-alueen ulkopuolelle, suojatoimi: {p.safeguard_in(lang)}",
            f"; överföring utanför EU/EES, skyddsåtgärd: {p.safeguard_in(lang)}",
            f"; transfer outside the EU/EEA, safeguard: {p.safeguard_in(lang)}",
        )
    return line


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
