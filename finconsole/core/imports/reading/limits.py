"""What an import refuses to read at all, before any row is written.

An import streams its file, so a big export costs time, not memory. What does cost memory, or
never ends, is input that is no export: a FIFO (blocks forever), ``/dev/zero`` (one endless
line), a directory, a single line of hundreds of megabytes, JSON nested a million levels deep.
These are refused with one line naming the reason, before anything is written:

- not a regular file (a FIFO, a device, a directory);
- larger than ``MAX_FILE_BYTES`` (4 GiB; a million Shopify customers are about 250 MB);
- a line longer than ``MAX_LINE_BYTES`` (1 MiB; a real row is well under 4 KiB, a note at
  most 2,000 characters), the header line included;
- JSON nested deeper than ``MAX_JSON_DEPTH`` (64 levels; WooCommerce's REST JSON needs 4).

The limits are documented in README ("Importing: limits").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import stat
from pathlib import Path
from typing import Any, BinaryIO

from finconsole.core.kernel.errors import FinconsoleError

MAX_FILE_BYTES = 4 << 30
MAX_LINE_BYTES = 1 << 20
MAX_JSON_DEPTH = 64
# One CSV field may span lines (a note with newlines) but is never larger than a line may be.
csv.field_size_limit(MAX_LINE_BYTES)


# Dates an export can hold: a year 0001 or 9999 is a typo or a placeholder, and near the ends
# of ``datetime``'s range adding a deadline or a zone offset overflows.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def plausible_instant(at: dt.datetime) -> dt.datetime:
    """``at`` if its year is within FIRST_YEAR..LAST_YEAR, else ``ValueError``."""
    if not FIRST_YEAR <= at.year <= LAST_YEAR:
        raise ValueError("year out of range")
    return at


class ImportFormatError(FinconsoleError):
    """The file cannot be read as the kind of export asked for (no row was imported)."""


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for binary reading, refused unless it is a regular file within
    ``MAX_FILE_BYTES``. Opened without blocking and checked on the open descriptor, so a
    FIFO neither blocks the open nor can be swapped in after the check."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ImportFormatError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise ImportFormatError(f"{path} is a directory, not a file") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ImportFormatError(f"{path} is {_kind_of(info.st_mode)}, not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise ImportFormatError(
                f"{path} is larger than the import limit of {MAX_FILE_BYTES >> 30} GiB: "
                "split it and import the parts"
            )
        os.set_blocking(fd, True)
        return io.BufferedReader(io.FileIO(fd, "r", closefd=True), 1 << 16)
    except BaseException:
        os.close(fd)
        raise


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def line_too_long(line: int) -> ImportFormatError:
    return ImportFormatError(
        f"line {line} is longer than {MAX_LINE_BYTES >> 20} MiB: this is not a shop export "
        "(nothing was imported)"
    )


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """How deeply ``text``'s arrays and objects nest (brackets inside strings not counted)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def load_json(text: str) -> Any:
    """``json.loads`` refusing nesting deeper than ``MAX_JSON_DEPTH`` with a ``ValueError``
    (json's own recursion would raise ``RecursionError`` at ~1,000 levels, or crash)."""
    if json_depth(text) > MAX_JSON_DEPTH:
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None


def load_json_document(text: str, what: str = "the file") -> Any:
    """A whole JSON file (an API response): any fault is the file's, an ``ImportFormatError``."""
    try:
        return load_json(text)
    except ValueError as exc:
        reason = str(exc) if "nested" in str(exc) else "not valid JSON"
        raise ImportFormatError(f"{what} cannot be read: {reason}") from None
