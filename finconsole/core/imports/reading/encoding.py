"""Which text encoding a whole export file is in, told once before any row is read.

Shops and spreadsheets write UTF-8 (with or without a byte order mark), UTF-16 (Excel's
"Unicode text", with a BOM) and Windows-1252 (Excel's "CSV" on a Western Windows). A file is
read in exactly one of them, never a mix: decoding a UTF-8 file as Latin-1 because of one
stray byte turns every ``Väinö`` into ``VÃ¤inÃ¶``. So:

- a BOM says UTF-8 or UTF-16, and the whole file must then decode as that;
- otherwise a file that decodes as UTF-8 throughout is UTF-8;
- otherwise it is Windows-1252 if it holds no byte that code page leaves undefined and no
  valid UTF-8 multi-byte sequence (a file with both is half UTF-8, half not: refused);
- anything else is refused with the first line that could not be read.

The same streamed pass refuses NUL bytes (binary data) and lines over ``MAX_LINE_BYTES``, so
those faults, too, end the import before anything is written.
"""

from __future__ import annotations

import codecs
import os
import re
from typing import BinaryIO

from finconsole.core.imports.reading.limits import MAX_LINE_BYTES, ImportFormatError, line_too_long

CHUNK = 1 << 20
UTF8 = "utf-8-sig"  # reads a UTF-8 file with or without its BOM
CP1252 = "cp1252"
# Bytes Windows-1252 leaves undefined (Python's cp1252 codec refuses them too).
_CP1252_HOLES = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
# A well-formed UTF-8 multi-byte sequence: in a file that is not UTF-8 it means mixed encodings.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_NOT_TEXT = "is not text in UTF-8, UTF-16 or Windows-1252: save the export again as UTF-8"


def detect(fh: BinaryIO, max_line: int = MAX_LINE_BYTES) -> str:
    """The encoding of the binary file ``fh`` (read to its end, then rewound) as a codec name
    for ``TextIOWrapper``; ``ImportFormatError`` naming the first bad line when there is none.
    ``max_line``: the longest line allowed (bytes); a whole-file JSON document, which an API
    writes on one line, passes its own size limit."""
    head = fh.read(4)
    fh.seek(0)
    try:
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return _check_utf16(fh, "utf-16", max_line)
        if len(head) >= 2 and head[0] and not head[1]:
            # ASCII then NUL: UTF-16 without its BOM
            return _check_utf16(fh, "utf-16-le", max_line)
        if len(head) >= 2 and not head[0] and head[1]:
            return _check_utf16(fh, "utf-16-be", max_line)
        return _Scan(max_line).run(fh, bom=head.startswith(codecs.BOM_UTF8))
    finally:
        fh.seek(0)


def _check_utf16(fh: BinaryIO, codec: str, max_line: int) -> str:
    decoder = codecs.getincrementaldecoder(codec)()
    line, length = 1, 0
    try:
        while chunk := fh.read(CHUNK):
            text = decoder.decode(chunk)
            line, length = _lines(text, line, length, max_line // 2, "\n")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ImportFormatError(f"line {line} {_NOT_TEXT}") from None
    return codec


def _lines(chunk, line: int, length: int, limit: int, newline) -> tuple[int, int]:
    """Line number and length of the open line after ``chunk``; raises at a line over
    ``limit``."""
    first = chunk.find(newline)
    if first >= 0 and len(chunk) <= limit:
        # a line that ends inside a chunk no longer than the limit is within it: only the
        # open line's end is measured (no list of a million lines to make)
        if length + first > limit:
            raise line_too_long(line)
        return line + chunk.count(newline), len(chunk) - chunk.rfind(newline) - len(newline)
    parts = chunk.split(newline)
    if length + len(parts[0]) > limit:
        raise line_too_long(line)
    if len(parts) > 1:
        longest = max(map(len, parts[1:]))
        if longest > limit:
            at = next(i for i, part in enumerate(parts) if i and len(part) > limit)
            raise line_too_long(line + at)
        return line + len(parts) - 1, len(parts[-1])
    return line, length + len(parts[0])


class _Scan:
    """One streamed pass over an 8-bit file: UTF-8 or Windows-1252, line lengths, NULs."""

    def __init__(self, max_line: int) -> None:
        self.max_line = max_line
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.is_utf8 = True
        self.saw_multibyte = False  # a valid non-ASCII UTF-8 sequence was read
        self.first_bad = 0  # the first line that is not UTF-8
        self.line, self.length = 1, 0

    def run(self, fh: BinaryIO, *, bom: bool) -> str:
        while chunk := fh.read(CHUNK):
            start = self.line
            if (nul := chunk.find(b"\0")) >= 0:
                line = start + chunk.count(b"\n", 0, nul)
                raise ImportFormatError(f"line {line} holds a NUL byte: this is not a text file")
            self.line, self.length = _lines(chunk, self.line, self.length, self.max_line, b"\n")
            if self.is_utf8:
                self._utf8(chunk, start)
            else:
                self._cp1252(chunk, start)
        if self.is_utf8:
            try:
                self.utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                self.is_utf8, self.first_bad = False, self.line
        if self.is_utf8:
            return UTF8
        if bom or self.saw_multibyte:
            raise ImportFormatError(
                f"line {self.first_bad} is not UTF-8 although the rest of the file is: "
                "the file mixes encodings; save the export again as UTF-8"
            )
        return CP1252

    def _utf8(self, chunk: bytes, start: int) -> None:
        try:
            self.utf8.decode(chunk)
        except UnicodeDecodeError as exc:
            at = max(0, exc.start - (len(exc.object) - len(chunk)))  # bytes held from before
            self.saw_multibyte = self.saw_multibyte or not chunk[:at].isascii()
            self.is_utf8 = False
            self.first_bad = start + chunk.count(b"\n", 0, at)
            self._cp1252(chunk[at:], self.first_bad)
            return
        self.saw_multibyte = self.saw_multibyte or not chunk.isascii()

    def _cp1252(self, chunk: bytes, start: int) -> None:
        """``chunk`` starts on line ``start``: refuse a byte Windows-1252 leaves undefined."""
        if hole := _CP1252_HOLES.search(chunk):
            line = start + chunk.count(b"\n", 0, hole.start())
            raise ImportFormatError(f"line {line} {_NOT_TEXT}")
        if _UTF8_SEQUENCE.search(chunk):
            self.saw_multibyte = True


def read_document(fh: BinaryIO, max_bytes: int, what: str) -> str:
    """The whole of ``fh`` (opened by ``limits.open_regular``) as one text: a JSON API
    response, read at once, so at most ``max_bytes``; in the one encoding ``detect`` tells
    (an API writes its response on one line: the line limit is the size limit here)."""
    if os.fstat(fh.fileno()).st_size > max_bytes:
        raise ImportFormatError(f"the file is larger than {max_bytes >> 20} MiB: {what}")
    codec = detect(fh, max_line=max_bytes)
    return fh.read().decode(codec)
