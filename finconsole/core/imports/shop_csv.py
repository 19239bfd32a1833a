"""Reading a webshop's CSV export as a stream, whatever its dialect.

Spreadsheets and shop plug-ins produce many variants of "CSV": a UTF-8 byte order mark,
``;`` instead of ``,`` (Excel in a Finnish locale), Windows line ends, quoted fields holding
newlines, Windows-1252 or UTF-16 instead of UTF-8 (``encoding``), and ids or zips prefixed
with ``'`` so that Excel keeps their leading zeros. ``CsvSource`` copes with all of them,
finds columns by name (never by position) and yields rows with the file line on which each
one starts. It never holds more than one row in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

from finconsole.core.imports.reading import dates, encoding
from finconsole.core.imports.reading.limits import (
    ImportFormatError,
    open_regular,
    plausible_instant,
)
from finconsole.core.kernel import validation as v

__all__ = ["CsvSource", "ImportFormatError"]

SNIFF_DELIMITERS = (",", ";", "\t")
# A record longer than this is a stray quote swallowing the rest of the file, not a note.
MAX_RECORD_LINES = 200


def normal_header(name: str) -> str:
    """'  Customer ID ' / '\\ufeffcustomer id' -> 'customer id'."""
    return " ".join(name.replace("\ufeff", "").strip().casefold().split())


def sniff_delimiter(header_line: str) -> str:
    """The separator the header line uses most often (outside quotes)."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: unquoted.count(d) for d in SNIFF_DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class CsvSource:
    """One export file: ``columns`` maps normalised header -> index; iterate for rows.

    Iterating yields ``(line, row)``: the 1-based file line on which the record starts (the
    header is line 1) and its fields as a list. ``bytes_done`` / ``bytes_total`` feed a
    progress bar.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._raw = open_regular(self.path)
        try:
            self.encoding = encoding.detect(self._raw)
        except BaseException:
            self._raw.close()
            raise
        self.bytes_total = os.fstat(self._raw.fileno()).st_size
        self._text = io.TextIOWrapper(self._raw, encoding=self.encoding, newline="")
        header_line = self._text.readline()
        self.delimiter = sniff_delimiter(header_line)
        header = next(csv.reader([header_line], delimiter=self.delimiter), [])
        self.header = [h.replace("\ufeff", "").strip() for h in header]
        self.columns: dict[str, int] = {}
        for index, name in enumerate(self.header):
            self.columns.setdefault(normal_header(name), index)

    @property
    def bytes_done(self) -> int:
        return self._raw.tell()

    def find(self, *aliases: str) -> int | None:
        """The index of the first of these column names the file has."""
        for alias in aliases:
            index = self.columns.get(normal_header(alias))
            if index is not None:
                return index
        return None

    def require(self, kind: str, required: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
        """Indexes of the required columns; ``ImportFormatError`` naming every missing one."""
        found = {name: self.find(*aliases) for name, aliases in required.items()}
        missing = [aliases[0] for name, aliases in required.items() if found[name] is None]
        if missing:
            raise ImportFormatError(
                f"the file is not a {kind} export: missing required columns: " + ", ".join(missing)
            )
        return {name: index for name, index in found.items() if index is not None}

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(self._text, delimiter=self.delimiter)
        previous_end = 1  # the header's line
        try:
            for row in reader:
                start = previous_end + 1
                previous_end = reader.line_num + 1
                if previous_end - start > MAX_RECORD_LINES:
                    raise ImportFormatError(
                        f"line {start}: a quoted field is never closed, so the rest of the file "
                        "cannot be read"
                    )
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                yield start, row
        except csv.Error as exc:
            raise ImportFormatError(
                f"the file is not valid CSV near line {previous_end + 1}: {exc}"
            ) from None

    def raw(self, row: list[str]) -> dict[str, str]:
        """A row as header -> value (for the rejects file)."""
        return {name: row[i] if i < len(row) else "" for i, name in enumerate(self.header)}

    def close(self) -> None:
        self._text.close()

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- field parsing: each raises FieldError with a message free of the value ------------------


def cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def shop_id(value: str) -> str:
    """An id or zip as Excel-proofed by the shop: "'000123" -> '000123'."""
    return value.strip().lstrip("'").strip()


def money_cents(value: str, *, required: bool = False) -> int:
    """'12.50', '12,50', '1 234,50 €', '-3.00' -> cents; empty -> 0 (or error if required)."""
    raw = value.strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
    raw = raw.removeprefix("EUR").removesuffix("EUR")
    if not raw:
        if required:
            raise v.FieldError("is missing")
        return 0
    if "," in raw and "." in raw:
        raw = raw.replace(".", "").replace(",", ".") if raw.rfind(",") > raw.rfind(".") else raw
        raw = raw.replace(",", "")
    else:
        raw = raw.replace(",", ".")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise v.FieldError("is not an amount of money") from None
    if not amount.is_finite() or abs(amount) >= 10**9:
        raise v.FieldError("is not an amount of money")
    return int((amount * 100).to_integral_value())


def timestamp(value: str, *, required: bool = False, utc: bool = False) -> dt.datetime | None:
    """Any date form shops write (``dates.instant``) -> naive UTC; a time with no zone is in
    the shop's time zone (or UTC when ``utc``: a GMT column); an impossible date raises,
    and so does an instant outside ``limits``' years (the stored value, after the shift)."""
    at = dates.instant(value, required=required, utc=utc)
    if at is None:
        return None
    try:
        return plausible_instant(at)
    except ValueError:
        raise v.FieldError("is not a possible date") from None


_NO = frozenset({"no", "false", "0", "n", "ei", "unsubscribed", "not_subscribed", "opted_out"})


def says_no(value: str) -> bool:
    """Only an explicit no counts: an empty cell says nothing either way."""
    return value.strip().casefold() in _NO


def quantity(value: str) -> int:
    """'3', '3.0', '3,00' -> 3; '1,5' is refused, never cut to 1 (quantities are whole)."""
    raw = value.strip() or "1"
    try:
        exact = Decimal(raw.replace(",", "."))
        number = int(exact)
    except (InvalidOperation, ValueError, OverflowError):  # OverflowError: 'inf'
        raise v.FieldError("is not a number") from None
    if exact != number:
        raise v.FieldError("is not a whole number")
    if not 0 < number < 100000:
        raise v.FieldError("is out of range")
    return number
