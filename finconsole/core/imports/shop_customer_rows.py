"""Customer rows of Shopify and WooCommerce exports -> validated ``CustomerRecord``s, fast.

This is the inner loop of a million-row import, so it reads cells by precomputed index and
skips the validators' slow paths for the plain values nearly every row holds. Anything not
plainly valid goes through ``validation``, which stays the authority (and the source of
every rejection message).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from finconsole.core.imports.layouts import SPREADSHEET_WARNING, spreadsheet_damaged
from finconsole.core.imports.reading.phones import KEPT, default_country, read_phone
from finconsole.core.imports.shop_csv import says_no, shop_id
from finconsole.core.imports.shop_formats import CustomerRecord, RowRejected, country_code
from finconsole.core.kernel import validation as v
from finconsole.core.kernel.validation import plain_email

FIELDS = (
    "id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "address_phone",
    "note",
    "marketing",
    "street",
    "street2",
    "postcode",
    "city",
    "country",
    "language",
)
_PAD = [""]


def _text(value: str, name: str, errors: dict[str, str], max_length: int = 100, **kw) -> str:
    if not value:
        return ""
    if len(value) <= max_length and value.isprintable():
        return value  # what v.text returns for it, without its regex
    return _check(v.text, value, name, errors, max_length=max_length, **kw) or ""


def _check(validate: Callable, value: str, name: str, errors: dict[str, str], *args, **kw) -> Any:
    try:
        return validate(value, *args, **kw)
    except v.FieldError as exc:
        errors[name] = str(exc)
        return None


def _postcode(value: str, country: str, errors: dict[str, str]) -> str:
    if country == "FI" and len(value) == 5 and value.isdigit() and value.isascii():
        return value  # what v.postcode returns for it
    return _check(v.postcode, value, "postcode", errors, country) or ""


class CustomerReader:
    """``reader(row, line) -> CustomerRecord`` for one file's column layout."""

    def __init__(self, columns: dict[str, int | None], ref_prefix: str, id_label: str) -> None:
        indexes = [columns.get(name) for name in FIELDS]
        # one C-level itemgetter for all cells: a column the file lacks reads the "" that
        # ``_cells`` appends (index -1), a short row is padded to the widest column used
        self.width = max((i for i in indexes if i is not None), default=-1) + 1
        self.getter = itemgetter(*(-1 if i is None else i for i in indexes))
        self.ref_prefix = ref_prefix
        self.id_label = id_label
        self.phone_label = "phone"
        self.default_country = default_country()  # read once: a million rows ask
        # older exports have no id column: their customers are matched by email
        self.has_id = columns.get("id") is not None

    def __call__(self, row: list[str], line: int) -> CustomerRecord:
        (ref, first, last, email, phone, address_phone, note, marketing, *place, language) = (
            self._cells(row)
        )
        ref = shop_id(ref)
        warnings: list[str] = []
        if ref and spreadsheet_damaged(ref):
            warnings.append(f"{self.id_label}: {SPREADSHEET_WARNING}, so matched by email")
            ref = ""
        elif not ref and self.has_id:
            raise RowRejected(f"{self.id_label} is missing")
        errors: dict[str, str] = {}
        first = _text(first, "first_name", errors)
        last = _text(last, "last_name", errors)
        clean_email: str | None = email
        if not plain_email(email):
            clean_email = _check(v.email, email, "email", errors) if email else None
        raw_phone = shop_id(phone or address_phone)
        if raw_phone and spreadsheet_damaged(raw_phone):
            warnings.append(f"phone: {SPREADSHEET_WARNING}, so not imported")
            raw_phone = ""
        # a number is read in the address's country; one no plan reads is kept, not a reject
        clean_phone, review = self._phone(raw_phone, place[4])
        if not (first or last or clean_email) and not errors:
            raise RowRejected("email and name are both missing")
        address = self._address(place, errors)  # errors in the order the row is checked
        note = _text(note, "note", errors, max_length=2000, multiline=True) if note else ""
        phone_review = ""
        if review:
            phone_review = f"{self.phone_label if phone else 'address phone'}: {KEPT}"
            warnings.append(phone_review)
        record = CustomerRecord(
            line,
            self.ref_prefix + ref if ref else None,
            first,
            last,
            clean_email,
            clean_phone,
            note,
            address,
            says_no(marketing),
            shop_language(language),
            "",
            tuple(warnings),
            phone_review,
        )
        if errors:
            raise RowRejected("; ".join(f"{k}: {m}" for k, m in errors.items()))
        return record

    def _phone(self, raw: str, country: str) -> tuple[str | None, bool]:
        """``read_phone``, with a shortcut for the usual row: a number in the default country."""
        if not raw:
            return None, False
        if not country or country == self.default_country:
            try:
                return v.phone(raw, self.default_country), False
            except v.FieldError:
                pass
        return read_phone(raw, country, default=self.default_country)

    def _cells(self, row: list[str]) -> list[str]:
        missing = self.width - len(row)
        padded = row + _PAD if missing <= 0 else row + [""] * (missing + 1)
        return list(map(str.strip, self.getter(padded)))

    @staticmethod
    def _address(cells: list[str], errors: dict[str, str]) -> dict[str, str] | None:
        street, street2, postcode, city, country = cells
        if not (street or street2 or postcode or city):
            return None
        # a code, or a name in older layouts ("United States", "Suomi")
        country = (
            "FI" if country in ("", "FI") else _check(country_code, country, "country", errors)
        ) or "FI"
        return {
            "street": _text(street, "street", errors, 200),
            "street2": _text(street2, "street2", errors, 200),
            "postcode": _postcode(shop_id(postcode), country, errors),
            "city": _text(city, "city", errors),
            "country": country,
        }


def shop_language(value: str) -> str:
    """'fi', 'sv-FI', 'en_US' ... -> fi / sv / en; anything else -> '' (the default holds)."""
    code = value.strip().lower()[:2]
    return code if code in ("fi", "sv", "en") else ""
