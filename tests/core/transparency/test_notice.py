import re
import tomllib
from pathlib import Path

import peewee as pw
import pytest

from finconsole.cli import main
from finconsole.core import bootstrap
from finconsole.core.kernel.errors import ConfigError, PermissionDenied, ValidationError
from finconsole.core.settings import config as config_mod
from finconsole.core.store.models import Customer
from finconsole.core.transparency import datafields, documents, notice

ROOT = Path(__file__).resolve().parents[3]
# the published text has a few no-break spaces where plain ones were meant
ORIGINAL = (
    (ROOT / "tests" / "data" / "REGISTER_DESCRIPTION_fi.txt").read_text().replace("\xa0", " ")
)
EXAMPLE = ROOT / "config.example.toml"


def _headings(text: str) -> list[str]:
    return [
        line.strip()
        for line in text.splitlines()
        if len(line.strip()) > 3 and line.strip() == line.strip().upper()
    ]


def _config(**sections) -> config_mod.Config:
    data = config_mod.defaults()
    for section, values in sections.items():
        data[section] = values if isinstance(values, list) else {**data[section], **values}
    return config_mod.Config(bootstrap.validate_config(data), None)


def _sentences(text: str) -> list[str]:
    body = text.split("\n", 1)[1]
    return [s.strip() for s in re.split(r"(?<=\.)\s+|\n+", body) if len(s.strip()) > 2]


def _configs() -> list[config_mod.Config]:
    found = [config_mod.Config(config_mod.defaults(), None)]
    if EXAMPLE.exists():
        found.append(bootstrap.load_config(str(EXAMPLE)))
    return found


def _in_order(wanted: list[str], found: list[str]) -> bool:
    rest = iter(found)
    return all(item in rest for item in wanted)


# Sentences of the published text that the privacy notice replaces, and why.
REPLACED = {
    # cites the Personal Data Act 523/1999, repealed by the Data Protection Act 1050/2018
    "Henkilötietolain (523/1999) 10§:n ja 24§:n mukainen rekisteriseloste, sekä GDPR:n "
    "mukaiset käsitteet.",
    # delivery data goes to the carrier to perform the contract: no consent is asked for
    "Tekemällä tilauksen asiakas suostuu tarvittavien tietojen luovutukseen.",
}


@pytest.mark.parametrize("config", _configs(), ids=lambda c: str(c.path or "defaults"))
def test_finnish_notice_has_the_original_sections_in_order(officer, config):
    text = documents.generate(officer, config=config)
    assert text.startswith("Tietosuojaseloste\n")
    original = _headings(ORIGINAL)
    assert len(original) == 8
    assert _in_order(original, _headings(text))
    assert _headings(text)[0] == "REKISTERINPITÄJÄ"
    assert _headings(text)[-1] == "REKISTERIN SUOJAUS"
    for detail in (
        "Finanime Sekai (Y-tunnus: 2787109-2)",
        "Joutsentie 8",
        "00730 Helsinki",
        "Kaj Söderholm",
        "+358 50 436 3099",
        "kaj.soderholm@finanime.fi",
    ):
        assert detail in text


def test_finnish_notice_keeps_every_sentence_of_the_promise(officer):
    text = documents.generate(officer)
    lines = [line.strip() for line in text.splitlines()]
    missing = [s for s in _sentences(ORIGINAL) if s not in text and s not in lines]
    assert sorted(missing) == sorted(REPLACED)
    assert "523/1999" not in text and "Henkilötietolain" not in text
    assert "tietosuojalaki (1050/2018)" in text


def test_data_contents_lists_the_original_bullets_first(officer):
    text = documents.generate(officer).split("Henkilörekisteri sisältää seuraavia tietoja:")[1]
    bullets = [line for line in text.splitlines() if line.startswith("•")]
    original = [line for line in ORIGINAL.splitlines() if line.startswith("•")]
    assert bullets[: len(original)] == original
    assert "•Asiointikieli" in bullets  # stored by the register, so described


def test_changed_settings_change_the_text(officer):
    default = documents.generate(officer)
    changed = documents.generate(
        officer,
        config=_config(
            retention={"voucher_years": 7, "tracking_event_days": 90},
            disclosures={"notice_days": 21},
            security={"lockout_minutes": 30},
        ),
    )
    assert "säilytetään 6 vuotta" in default and "säilytetään 7 vuotta" in changed
    assert "poistetaan 90 päivän kuluttua" in changed
    assert "aikaisintaan 21 päivän kuluttua" in changed
    assert "lukitaan 30 minuutiksi" in changed


def test_english_notice_is_the_translation(officer):
    text = documents.generate(officer, lang="en")
    assert sorted(_headings(text)) == sorted(notice.HEADINGS["en"])
    assert "Finanime Sekai (Business ID: 2787109-2)" in text
    assert "Finanime Sekai customer register" in text
    assert "never disclose data without a court's legally binding order" in text
    assert "kept for 6 years" in text
    assert "Rekisteri" not in text


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_translations_have_the_same_structure_as_finnish(lang):
    cfg = config_mod.Config(config_mod.defaults(), None)
    fi, other = notice.description_blocks(cfg, "fi"), notice.description_blocks(cfg, lang)
    assert [kind for kind, _ in fi] == [kind for kind, _ in other]
    fi_bullets = [v for k, v in fi if k == "bullets"]
    other_bullets = [v for k, v in other if k == "bullets"]
    assert [len(b) for b in fi_bullets] == [len(b) for b in other_bullets]


# What GDPR Art 13-14 asks of the notice, as each language says it.
PRIVACY_NOTICE = {
    "fi": [
        "Tietosuojaseloste",
        "13 ja 14 artiklan",
        "tietosuojalaki (1050/2018)",
        "sopimuksen täytäntöönpano (tietosuoja-asetuksen 6 artiklan 1 kohdan b alakohta)",
        "lakisääteinen velvoite (6 artiklan 1 kohdan c alakohta; kirjanpitolaki 1336/1997)",
        "oikeutettu etu",
        "säilytetään 6 vuotta",
        "Käsittelyloki, jossa ei ole henkilötietoja, säilytetään 6 vuotta",
        "vaatia tietojesi poistamista (17 artikla)",
        "siirtää ne toiselle rekisterinpitäjälle (20 artikla)",
        "Vastaamme 1 kuukauden kuluessa",
        "Tietosuojavaltuutetun toimisto, PL 800, 00531 Helsinki",
        "tietosuoja-asetuksen 77 artikla",
        "22 artikla",
    ],
    "sv": [
        "Dataskyddsbeskrivning",
        "artiklarna 13 och 14",
        "dataskyddslagen (1050/2018)",
        "fullgörande av avtal (artikel 6.1 b i dataskyddsförordningen)",
        "rättslig förpliktelse (artikel 6.1 c; bokföringslagen 1336/1997)",
        "berättigat intresse",
        "bokföringslagen (1336/1997) 2 kap. 10 §",
        "i 6 år från utgången av det kalenderår",
        "kräva att dina uppgifter raderas (artikel 17)",
        "Vi svarar inom 1 månad",
        "Dataombudsmannens byrå, PB 800, 00531 Helsingfors",
        "artikel 77 i dataskyddsförordningen",
        "Finanime Sekais kundregister",
    ],
    "en": [
        "Privacy notice",
        "Articles 13 and 14",
        "Data Protection Act (1050/2018)",
        "performance of a contract (GDPR Article 6(1)(b))",
        "legal obligation (Article 6(1)(c); Accounting Act 1336/1997)",
        "legitimate interest",
        "kept for 6 years",
        "have your data erased (Article 17)",
        "We answer within 1 month",
        "Office of the Data Protection Ombudsman, PL 800, 00531 Helsinki",
        "GDPR Article 77",
    ],
}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_notice_is_a_privacy_notice_in_each_language(officer, lang):
    text = " ".join(documents.generate(officer, lang=lang).split())
    missing = [phrase for phrase in PRIVACY_NOTICE[lang] if phrase not in text]
    assert missing == []
    assert "523/1999" not in text
    for word in ("Henkilötietolaki", "Personal Data Act", "personuppgiftslagen"):
        assert word not in text
    # every promise of the original, in this language too
    for promise in {
        "fi": ["tuomioistuimen lainvoimaista määräystä", "välittömästi ja pysyvästi"],
        "sv": ["lagakraftvunnet beslut av en domstol", "omedelbart och permanent"],
        "en": ["court's legally binding order", "immediately and permanently"],
    }[lang]:
        assert promise in text


def test_bad_financial_year_end_is_a_config_error(officer):
    with pytest.raises(ConfigError) as err:
        documents.generate(officer, config=_config(retention={"financial_year_end": "13-40"}))
    assert "financial_year_end" in str(err.value)


def test_markdown_format(officer):
    text = documents.generate(officer, fmt="markdown")
    assert text.startswith("# Tietosuojaseloste\n")
    assert "## REKISTERIN SUOJAUS" in text
    assert "- Sähköpostiosoite" in text


def test_record_of_processing(officer):
    cfg = _config(
        processors=[
            {"name": "Hosting Oy", "country": "fi", "purpose": "palvelimet"},
            {
                "name": "Mailer Inc",
                "country": "US",
                "purpose": "sähköpostit",
                "purpose_en": "email delivery",
                "safeguard": "EU:n vakiolausekkeet",
                "safeguard_en": "EU standard contractual clauses",
            },
        ]
    )
    en = documents.generate(officer, lang="en", record=True, config=cfg)
    for heading in (
        "CONTROLLER",
        "PURPOSES",
        "CATEGORIES OF DATA SUBJECTS",
        "CATEGORIES OF PERSONAL DATA",
        "CATEGORIES OF RECIPIENTS",
        "TRANSFERS TO THIRD COUNTRIES",
        "TIME LIMITS FOR ERASURE",
        "SECURITY",
    ):
        assert heading in en
    assert (
        "Mailer Inc (US): email delivery; transfer outside the EU/EEA, safeguard: EU standard" in en
    )
    assert "Hosting Oy (FI)" in en
    assert "email address" in en and "tracking code" in en
    fi = documents.generate(officer, record=True)
    assert "Henkilötietoja ei siirretä EU/ETA-alueen ulkopuolelle." in fi
    description = documents.generate(officer, lang="en", config=cfg)
    assert "Mailer Inc (US)" in description


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"name": "X", "country": "US", "purpose": "p"}, "'safeguard' is required"),
        ({"name": "X", "purpose": "p"}, "'country' is required"),
        ({"name": "X", "country": "USA", "purpose": "p"}, "two-letter"),
        ({"name": "X", "country": "FI", "purpose": "p", "colour": "red"}, "unknown key 'colour'"),
        ({"name": "X", "country": "FI", "purpose": 3}, "'purpose' must be a string"),
    ],
)
def test_processors_are_validated_on_load(tmp_path, entry, message):
    path = tmp_path / "config.toml"
    config_mod.write(path, {"processors": [entry]})
    with pytest.raises(ConfigError) as err:
        bootstrap.load_config(str(path))
    assert message in str(err.value) and "processors entry 1" in str(err.value)


def test_every_personal_field_has_a_description():
    assert datafields.unclassified() == []


def test_a_new_model_field_without_description_is_caught():
    field = pw.CharField(default="")
    Customer._meta.add_field("shoe_size", field)
    try:
        assert datafields.unclassified() == ["customer.shoe_size"]
    finally:
        Customer._meta.remove_field("shoe_size")
    assert datafields.unclassified() == []


def test_support_may_not_generate_and_bad_options_are_refused(officer, support):
    with pytest.raises(PermissionDenied):
        documents.generate(support)
    with pytest.raises(ValidationError):
        documents.generate(officer, lang="de")
    with pytest.raises(ValidationError) as err:  # the Art 30 record: Finnish or English
        documents.generate(officer, lang="sv", record=True)
    assert "fi or en" in str(err.value)


def test_cli_writes_the_notice(tmp_path, capsys):
    out = tmp_path / "seloste.md"
    assert main(["notice", "--lang", "en", "--format", "markdown", "-o", str(out)]) == 0
    assert out.read_text().startswith("# Privacy notice")
    assert main(["notice", "--lang", "sv"]) == 0
    assert "Dataombudsmannens byrå" in capsys.readouterr().out
    assert main(["notice", "--record"]) == 0
    assert "Seloste käsittelytoimista" in capsys.readouterr().out
    assert main(["notice", "-o", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err


def test_example_config_processors_if_present():
    if not EXAMPLE.exists():
        pytest.skip("config.example.toml not merged yet")
    with EXAMPLE.open("rb") as fh:
        raw = tomllib.load(fh)
    bootstrap.validate_config(raw, str(EXAMPLE))
