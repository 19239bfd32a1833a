"""Money as the console shows it: cents to the Finnish form, "1 234,50 €".

One function for every screen, so an order's total reads the same in the customer's orders
tab, the order view and the phone-order form. Integer arithmetic: cents never pass through a
float, which would print 0.29 as "0,28" for some amounts.
"""

from __future__ import annotations

SYMBOLS = {"EUR": "€"}


def format_money(cents: int | None, currency: str = "EUR") -> str:
    """``2780`` -> ``"27,80 €"``; other currencies by code (``"27,80 SEK"``); None -> ``""``."""
    if cents is None:
        return ""
    code = (currency or "EUR").upper()
    whole, part = divmod(abs(int(cents)), 100)
    # a no-break space between thousands: a wrapped line never splits an amount
    grouped = f"{whole:,}".replace(",", "\u00a0")
    sign = "-" if cents < 0 else ""
    return f"{sign}{grouped},{part:02d} {SYMBOLS.get(code, code)}"
