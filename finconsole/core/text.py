"""Customer-controlled text is data: make it safe to show on any terminal."""

from __future__ import annotations

import re

# C0 and C1 control characters, DEL: an OSC title change or a screen clear must never reach
# the terminal from a customer's name.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(value: object) -> str:
    """Replace control characters with U+FFFD-free visible escapes, e.g. ESC -> '\\x1b'."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
