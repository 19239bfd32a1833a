"""What the register really stores, described: every personal field of the schema mapped to a
category of the register description, in Finnish and English.

The register description's data contents, the record of processing and the field names a
disclosure may name are all generated from here, so a field added to ``models.py`` must be
classified here (personal, with a description, or technical); a test enforces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from finconsole.core.store import models

# (key, Finnish, English) in the order the register description lists them. The first six are
# the shop's published wording; the rest are what the console also keeps about a customer.
CATEGORIES: list[tuple[str, str, str]] = [
    ("name", "Henkilön etu- ja sukunimi", "First and last name of the person"),
    ("email", "Sähköpostiosoite", "Email address"),
    ("postal_address", "Postiosoite", "Postal address"),
    ("phone", "Puhelinnumero", "Phone number"),
    ("orders", "Tiedot käsitellyistä tilauksista", "Details of processed orders"),
    (
        "tracking",
        "Tilausten Postin tai muun toimittajan seurantatiedot",
        "Tracking data of the orders from Posti or another carrier",
    ),
    ("customer_number", "Verkkokaupan asiakastunnus", "Customer number in the web shop"),
    ("language", "Asiointikieli", "Language of service"),
    ("notes", "Asiakaspalvelun muistiinpanot", "Customer service notes"),
    (
        "objections",
        "Asiakkaan kiellot ja käsittelyn rajoitukset",
        "The customer's objections and restrictions of processing",
    ),
    (
        "requests",
        "Asiakkaan tietosuojapyynnöt ja niiden käsittely",
        "The customer's data protection requests and their handling",
    ),
    (
        "disclosures",
        "Tiedot tietojen luovutuksista ja viranomaistiedusteluista",
        "Records of disclosures and authority inquiries",
    ),
]


@dataclass(frozen=True)
class FieldInfo:
    key: str  # "table.field"
    category: str
    fi: str
    en: str


def _f(key: str, category: str, fi: str, en: str) -> FieldInfo:
    return FieldInfo(key, category, fi, en)


_PERSONAL: list[FieldInfo] = [
    _f("customer.first_name", "name", "etunimi", "first name"),
    _f("customer.last_name", "name", "sukunimi", "last name"),
    _f("customer.email", "email", "sähköpostiosoite", "email address"),
    _f("customer.phone", "phone", "puhelinnumero", "phone number"),
    _f(
        "customer.phone_review",
        "phone",
        "puhelinnumero tarkistettava",
        "phone number to be checked",
    ),
    _f("customer.shop_ref", "customer_number", "verkkokaupan asiakastunnus", "shop customer id"),
    _f("customer.language", "language", "asiointikieli", "language"),
    _f("customer.note", "notes", "muistiinpano", "note"),
    _f(
        "customer.objection_marketing_at",
        "objections",
        "suoramarkkinointikielto",
        "marketing objection",
    ),
    _f(
        "customer.objection_statistics_at",
        "objections",
        "tilastointikielto",
        "statistics objection",
    ),
    _f("customer.objection_profiling_at", "objections", "profilointikielto", "profiling objection"),
    _f("customer.restricted", "objections", "käsittelyn rajoitus", "restriction of processing"),
    _f("address.street", "postal_address", "katuosoite", "street address"),
    _f("address.street2", "postal_address", "osoitteen lisärivi", "address line 2"),
    _f("address.postcode", "postal_address", "postinumero", "postcode"),
    _f("address.city", "postal_address", "postitoimipaikka", "city"),
    _f("address.country", "postal_address", "maa", "country"),
    _f("address.kind", "postal_address", "osoitteen laji", "address kind"),
    _f("order.order_number", "orders", "tilausnumero", "order number"),
    _f("order.shop_ref", "orders", "verkkokaupan tilaustunnus", "shop order id"),
    _f("order.ordered_at", "orders", "tilausaika", "order time"),
    _f("order.currency", "orders", "valuutta", "currency"),
    _f("order.subtotal_cents", "orders", "välisumma", "subtotal"),
    _f("order.shipping_cents", "orders", "toimituskulut", "shipping cost"),
    _f("order.tax_cents", "orders", "verot", "taxes"),
    _f("order.total_cents", "orders", "kokonaissumma", "total"),
    _f("order.invoice_status", "orders", "laskun tila", "invoice status"),
    _f("order.invoiced_at", "orders", "laskutusaika", "invoice date"),
    _f("order.paid_at", "orders", "maksuaika", "payment date"),
    _f("order.collection_status", "orders", "perinnän tila", "debt collection status"),
    _f("order.fulfilment_status", "orders", "toimituksen tila", "fulfilment status"),
    _f("order.payment_method", "orders", "maksutapa", "payment method"),
    _f("order.billing_name", "orders", "laskutusnimi", "billing name"),
    _f("order.billing_street", "orders", "laskutusosoite", "billing street"),
    _f("order.billing_postcode", "orders", "laskutuspostinumero", "billing postcode"),
    _f("order.billing_city", "orders", "laskutuspostitoimipaikka", "billing city"),
    _f("order.billing_country", "orders", "laskutusmaa", "billing country"),
    _f("order.shipping_name", "orders", "toimitusnimi", "shipping name"),
    _f("order.shipping_street", "orders", "toimitusosoite", "shipping street"),
    _f("order.shipping_postcode", "orders", "toimituspostinumero", "shipping postcode"),
    _f("order.shipping_city", "orders", "toimituspostitoimipaikka", "shipping city"),
    _f("order.shipping_country", "orders", "toimitusmaa", "shipping country"),
    _f("order_line.product", "orders", "tuote", "product"),
    _f("order_line.quantity", "orders", "määrä", "quantity"),
    _f("order_line.unit_price_cents", "orders", "yksikköhinta", "unit price"),
    _f("parcel.carrier", "tracking", "kuljetusyhtiö", "carrier"),
    _f("parcel.tracking_code", "tracking", "seurantakoodi", "tracking code"),
    _f("parcel.status", "tracking", "lähetyksen tila", "parcel status"),
    _f("parcel.shipped_at", "tracking", "lähetysaika", "shipping time"),
    _f("parcel.expected_at", "tracking", "arvioitu toimitusaika", "expected delivery"),
    _f("parcel.delivered_at", "tracking", "toimitusaika", "delivery time"),
    _f("parcel.last_event_at", "tracking", "viimeisin seurantatapahtuma", "last tracking event"),
    _f("parcel.pickup_deadline", "tracking", "noudon määräaika", "pickup deadline"),
    _f("parcel.suspected_lost_at", "tracking", "epäilty katoaminen", "suspected lost"),
    _f("tracking_event.occurred_at", "tracking", "tapahtuma-aika", "event time"),
    _f("tracking_event.code", "tracking", "tapahtumakoodi", "event code"),
    _f("tracking_event.status", "tracking", "tapahtuman tila", "event status"),
    _f("tracking_event.location", "tracking", "tapahtumapaikka", "event location"),
    _f("tracking_event.description", "tracking", "tapahtuman kuvaus", "event description"),
    _f("claim.opened_at", "tracking", "korvausvaatimuksen avaus", "claim opened"),
    _f("claim.deadline", "tracking", "korvausvaatimuksen määräaika", "claim deadline"),
    _f("claim.customer_informed_at", "tracking", "asiakkaalle ilmoitettu", "customer informed"),
    _f("claim.outcome", "tracking", "korvausvaatimuksen tulos", "claim outcome"),
    _f("claim.closed_at", "tracking", "korvausvaatimuksen sulkeminen", "claim closed"),
    _f("claim.notes", "tracking", "korvausvaatimuksen muistiinpanot", "claim notes"),
]

# Requests, disclosures and tasks: the register keeps them about a customer as a whole.
_WHOLE_RECORD = {
    "request": "requests",
    "disclosure": "disclosures",
    "task": "disclosures",
    # messages about requests, disclosures, inquiries and claims (the outbox)
    "outbox_message": "requests",
}

# Fields that say nothing about a person: keys, bookkeeping of the record itself.
TECHNICAL: frozenset[str] = frozenset(
    {
        "customer.id",
        "customer.created_at",
        "customer.updated_at",
        "customer.version",
        "address.id",
        "address.customer",
        "address.is_default",
        "address.version",
        "order.id",
        "order.customer",
        "order.restricted",
        "order.hold_until",
        "order.created_at",
        "order.updated_at",
        "order.version",
        "order_line.id",
        "order_line.order",
        "parcel.id",
        "parcel.order",
        "parcel.created_at",
        "tracking_event.id",
        "tracking_event.parcel",
        "claim.id",
        "claim.parcel",
        "claim.opened_by",
    }
)

FIELDS: dict[str, FieldInfo] = {info.key: info for info in _PERSONAL}

# The models whose columns the description covers: every table holding personal data.
DESCRIBED_MODELS = list(
    dict.fromkeys(models.PERSONAL_DATA_MODELS + [models.OrderLine, models.Claim])
)


def model_field_keys(model: type[models.BaseModel]) -> list[str]:
    table = model._meta.table_name
    return [f"{table}.{name}" for name in model._meta.fields]


def unclassified() -> list[str]:
    """Columns of personal-data tables that this module does not describe (must be empty)."""
    missing = []
    for model in DESCRIBED_MODELS:
        table = model._meta.table_name
        if table in _WHOLE_RECORD:
            continue
        missing += [k for k in model_field_keys(model) if k not in FIELDS and k not in TECHNICAL]
    return missing


def stored_categories() -> list[tuple[str, str, str]]:
    """The categories the schema really stores, in description order."""
    present = {info.category for info in FIELDS.values() if _column_exists(info.key)}
    for model in DESCRIBED_MODELS:
        if model._meta.table_name in _WHOLE_RECORD:
            present.add(_WHOLE_RECORD[model._meta.table_name])
    return [c for c in CATEGORIES if c[0] in present]


def fields_of(category: str) -> list[FieldInfo]:
    return [f for f in FIELDS.values() if f.category == category and _column_exists(f.key)]


def _column_exists(key: str) -> bool:
    table, _, name = key.partition(".")
    model = next((m for m in DESCRIBED_MODELS if m._meta.table_name == table), None)
    return model is not None and name in model._meta.fields


def resolve(name: str) -> str:
    """A field name as the officer types it ('email' or 'customer.email') -> 'customer.email'.

    Raises ``KeyError`` with the reason when the name is unknown or ambiguous.
    """
    clean = name.strip().lower()
    if clean in FIELDS:
        return clean
    matches = [key for key in FIELDS if key.partition(".")[2] == clean]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise KeyError(f"'{clean}' is ambiguous: use one of {', '.join(sorted(matches))}")
    # echo only what looks like a field name: an error message must never repeat personal data
    shown = f"'{clean}'" if re.fullmatch(r"[a-z_.]{1,40}", clean) else "a name given"
    raise KeyError(f"{shown} is not a field the register stores")
