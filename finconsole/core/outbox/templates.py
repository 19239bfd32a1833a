"""Putting a message in words: the kind's text in the person's language, the controller and
contact person from ``[controller]``, the legal basis and the person's rights.

``render(kind, language, values)`` returns (subject, body) as plain text. ``values`` are the
kind's own placeholders (see ``template_texts``); dates may be given as ``datetime.date`` and
are written the way the language writes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from finconsole.core.outbox.template_texts import ARTICLES, COMMON, KINDS, LANGUAGES, WORDS
from finconsole.core.settings import runtime

MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()
# a message to a company (Art 19) does not list the data subject's rights
NO_RIGHTS = {"recipient_notice"}


def language_or_default(language: str | None) -> str:
    """``language`` if a template exists in it, else the configured default."""
    if language in LANGUAGES:
        return language  # type: ignore[return-value]
    default = runtime.settings("customers")["default_language"]
    return default if default in LANGUAGES else "fi"


def date_text(day: dt.date | None, language: str) -> str:
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.date()
    if language == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.day}.{day.month}.{day.year}"


def word(language: str, key: str, **values: Any) -> str:
    """A word or phrase of ``WORDS`` in ``language`` (the key itself if there is none)."""
    text = WORDS[language].get(key, key)
    return text.format(**values) if values else text


def article(language: str, request_kind: str) -> str:
    return ARTICLES[language].get(request_kind, "")


def controller_values() -> dict[str, str]:
    c = runtime.settings("controller")
    return {
        "controller": c["name"],
        "business_id": c["business_id"],
        "street": c["street"],
        "postcode": c["postcode"],
        "city": c["city"],
        "contact_name": c["contact_name"],
        "contact_email": c["contact_email"],
        "contact_phone": c["contact_phone"],
        "short_name": c["short_name"],
        "register": c["register_name"],
    }


def render(kind: str, language: str, values: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of a message of ``kind`` in ``language`` (fi, sv or en)."""
    language = language_or_default(language)
    common = COMMON[language]
    filled = {**controller_values(), **_as_text(values, language)}
    if language != "fi":
        filled["register"] = runtime.settings("controller")["register_name_en"]
    subject, body, basis = KINDS[kind][language]
    name = filled.get("name", "")
    parts = [
        common["greeting"].format(name=name) if name else common["greeting_plain"],
        body.format(**filled),
        common["basis"].format(basis=basis.format(**filled)),
    ]
    if kind not in NO_RIGHTS:
        parts.append(common["rights"])
    parts += [
        common["reply"],
        common["signature"].format(**filled),
        common["controller"].format(**filled),
    ]
    return subject.format(**filled), "\n\n".join(parts) + "\n"


def _as_text(values: dict[str, Any], language: str) -> dict[str, str]:
    out = {}
    for key, value in values.items():
        if isinstance(value, dt.date):
            out[key] = date_text(value, language)
        else:
            out[key] = "" if value is None else str(value)
    return out
