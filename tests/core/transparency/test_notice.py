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


@pytest.mark.parametrize("config", _configs(), ids=lambda c: str(c.path or "defaults"))
def test_finnish_notice_has_the_original_sections_in_order(officer, config):
    text = documents.generate(officer, config=config)
    assert text.startswith("Rekisteriseloste\n")
    original = _headings(ORIGINAL)
    assert len(original) == 8
    assert _headings(text) == original
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
    assert missing == []


def test_data_contents_lists_the_original_bullets_first(officer):
    text = documents.generate(officer)
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
    assert _headings(text) == notice.HEADINGS["en"]
    assert "Finanime Sekai (Business ID: 2787109-2)" in text
    assert "Finanime Sekai customer register" in text
    assert "never disclose data without a court's legally binding order" in text
    assert "kept for 6 years" in text
    assert "Rekisteri" not in text


def test_english_has_the_same_structure_as_finnish():
    cfg = config_mod.Config(config_mod.defaults(), None)
    fi, en = notice.description_blocks(cfg, "fi"), notice.description_blocks(cfg, "en")
    assert [kind for kind, _ in fi] == [kind for kind, _ in en]
    fi_bullets = [v for k, v in fi if k == "bullets"]
    en_bullets = [v for k, v in en if k == "bullets"]
    assert [len(b) for b in fi_bullets] == [len(b) for b in en_bullets]


def test_bad_financial_year_end_is_a_config_error(officer):
    with pytest.raises(ConfigError) as err:
        documents.generate(officer, config=_config(retention={"financial_year_end": "13-40"}))
    assert "financial_year_end" in str(err.value)


def test_markdown_format(officer):
    text = documents.generate(officer, fmt="markdown")
    assert text.startswith("# Rekisteriseloste\n")
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
        documents.generate(officer, lang="sv")


def test_cli_writes_the_notice(tmp_path, capsys):
    out = tmp_path / "seloste.md"
    assert main(["notice", "--lang", "en", "--format", "markdown", "-o", str(out)]) == 0
    assert out.read_text().startswith("# Register description")
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
