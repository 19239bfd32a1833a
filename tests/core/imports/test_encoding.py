"""One encoding a file, told before reading: UTF-8 (BOM or not), UTF-16, Windows-1252."""

from __future__ import annotations

import io

import pytest

from finconsole.core.imports import registry
from finconsole.core.imports.reading import encoding
from finconsole.core.imports.reading.limits import ImportFormatError
from finconsole.core.imports.shop_csv import CsvSource
from finconsole.core.store.models import Customer

HEADER = "Customer ID,First Name,Last Name,Email,Note\r\n"
ROWS = [
    ("'1", "Väinö", "Mäkinen", "vaino@esimerkki.fi", "maksoi 12 € “heti”"),
    ("'2", "Åsa", "Öhman", "asa@esimerkki.fi", "Sørensen’s ‘tilaus’ – ok…"),
    ("'3", "Zoë", "Ærø", "zoe@esimerkki.fi", ""),
]


def export_text(rows=ROWS) -> str:
    return HEADER + "".join(",".join(f'"{c}"' for c in row) + "\r\n" for row in rows)


def detect(data: bytes) -> str:
    return encoding.detect(io.BytesIO(data))


@pytest.mark.parametrize(
    ("codec", "told"),
    [
        ("utf-8", "utf-8-sig"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("cp1252", "cp1252"),
    ],
)
def test_each_encoding_is_told_and_read_right(tmp_path, codec, told):
    path = tmp_path / "export.csv"
    path.write_bytes(export_text().encode(codec))
    with CsvSource(path) as source:
        assert source.encoding == told
        rows = [row for _, row in source]
    assert [tuple(r) for r in rows] == ROWS


def test_a_mixed_file_is_refused_naming_its_first_non_utf8_line():
    data = export_text().encode("utf-8") + "'4,Jönssi,Ö,j@esimerkki.fi,\r\n".encode("cp1252")
    with pytest.raises(ImportFormatError, match="^line 5 is not UTF-8 .* mixes encodings"):
        detect(data)


def test_a_bom_promising_utf8_and_a_cp1252_byte_is_refused():
    data = b"\xef\xbb\xbf" + (HEADER + "'1,J\xf6nssi,,,\r\n").encode("latin-1")
    with pytest.raises(ImportFormatError, match="^line 2 is not UTF-8"):
        detect(data)


def test_a_byte_no_encoding_has_is_refused_naming_its_line():
    data = (HEADER + "'1,a,b,c,\r\n").encode("cp1252") + b"'2,\xe4\x81,b,c,\r\n"
    with pytest.raises(ImportFormatError, match="^line 3 is not text in UTF-8, UTF-16 or Windows"):
        detect(data)


def test_nul_bytes_are_refused_as_binary():
    with pytest.raises(ImportFormatError, match="^line 2 holds a NUL byte"):
        detect(HEADER.encode() + b"'1,\x00\x01\x02\r\n")


def test_bad_utf16_is_refused():
    with pytest.raises(ImportFormatError, match="is not text in UTF-8, UTF-16"):
        detect(b"\xff\xfe" + "Customer ID\n".encode("utf-16-le") + b"\x00\xd8a\x00")


def test_a_line_far_past_the_end_of_a_chunk_is_counted_right():
    # the bad byte sits in the second 1 MiB chunk: its line number counts the first one's lines
    body = "".join(f"'{i},Aino,Lahti,a{i}@esimerkki.fi,\r\n" for i in range(60_000))
    data = (HEADER + body).encode("cp1252") + b"'x,\x90,,,\r\n"
    assert len(data) > encoding.CHUNK
    with pytest.raises(ImportFormatError, match="^line 60002 "):
        detect(data)


def test_register_round_trips_through_a_cp1252_file_without_changing_a_name(db, officer, tmp_path):
    utf8 = tmp_path / "utf8.csv"
    utf8.write_text(export_text(), encoding="utf-8")
    first = registry.import_file(officer, "shopify-customers", utf8)
    assert (first.created, first.rejected) == (3, 0)
    names = sorted((c.first_name, c.last_name, c.note) for c in Customer.select())
    # the same register saved by Excel on Windows: every byte of it cp1252
    cp1252 = tmp_path / "cp1252.csv"
    cp1252.write_bytes(export_text().encode("cp1252"))
    again = registry.import_file(officer, "shopify-customers", cp1252)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 0)
    assert sorted((c.first_name, c.last_name, c.note) for c in Customer.select()) == names
    assert ("Väinö", "Mäkinen", "maksoi 12 € “heti”") in names


def test_one_cp1252_row_no_longer_rewrites_utf8_names(db, officer, tmp_path):
    """The reported bug: a UTF-8 file with one cp1252 byte was read as Latin-1 throughout."""
    utf8 = tmp_path / "utf8.csv"
    utf8.write_text(export_text(), encoding="utf-8")
    registry.import_file(officer, "shopify-customers", utf8)
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(
        export_text().encode("utf-8") + "'4,Jönssi,Ö,j@esimerkki.fi,\r\n".encode("cp1252")
    )
    with pytest.raises(ImportFormatError, match="line 5"):
        registry.import_file(officer, "shopify-customers", mixed)
    assert Customer.get(Customer.email == "vaino@esimerkki.fi").first_name == "Väinö"
    assert Customer.select().count() == 3


def test_a_utf16_export_imports(db, officer, tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_text(export_text().replace(",", "\t"), encoding="utf-16")
    result = registry.import_file(officer, "shopify-customers", path)
    assert (result.created, result.rejected) == (3, 0)
    assert Customer.get(Customer.email == "asa@esimerkki.fi").last_name == "Öhman"


def _lines_by_splitting(chunk, line, length, limit, newline):
    """Every line measured: what ``_lines`` must answer, by the plain way."""
    parts = chunk.split(newline)
    for at, part in enumerate(parts):
        if (length if at == 0 else 0) + len(part) > limit:
            return ("too long", line + at)
    return (line + len(parts) - 1, (length if len(parts) == 1 else 0) + len(parts[-1]))


def _answer(chunk, line, length, limit, newline):
    try:
        return encoding._lines(chunk, line, length, limit, newline)
    except ImportFormatError as exc:
        return ("too long", int(str(exc).split()[1]))


def test_line_counts_and_lengths_are_those_of_splitting_every_line():
    import random

    rng = random.Random(6)
    for _ in range(3000):
        newline = rng.choice([b"\n", "\n"])
        pieces = [rng.choice(["a" * rng.randrange(0, 40), "\n", "\n\n", "é"]) for _ in range(12)]
        chunk = "".join(pieces)
        chunk = chunk.encode() if isinstance(newline, bytes) else chunk
        line, length = rng.randrange(1, 9), rng.randrange(0, 50)
        limit = rng.choice([5, 30, 60, len(chunk), len(chunk) + 100, 1 << 20])
        assert _answer(chunk, line, length, limit, newline) == _lines_by_splitting(
            chunk, line, length, limit, newline
        ), (chunk, line, length, limit)
