"""Building blocks for parcel tests: a customer with an order and parcels."""

from __future__ import annotations

import datetime as dt
import itertools

from finconsole.core.orders import orders
from finconsole.core.parcels import parcels
from finconsole.core.register import customers

_numbers = itertools.count(1)


def s10(serial: int, country: str = "FI", prefix: str = "RR") -> str:
    """A valid UPU S10 code for an 8-digit serial."""
    from finconsole.core.parcels.carriers import s10_check_digit

    digits = f"{serial:08d}"
    return f"{prefix}{digits}{s10_check_digit(digits)}{country}"


def make_order(actor, *, restricted: bool = False) -> dict:
    customer = customers.create(actor, {"first_name": "Aino", "last_name": "Lahti"})
    order = orders.create(actor, customer["id"], {"order_number": f"FS-{next(_numbers)}"})
    if restricted:
        from finconsole.core.store.models import Order

        Order.update(restricted=True).where(Order.id == order["id"]).execute()
    return order


def make_parcel(actor, order=None, *, code=None, carrier=None, **times) -> dict:
    order = order or make_order(actor)
    code = code or s10(next(_numbers))
    return parcels.create(actor, order["id"], code, carrier, **times)


def at(day: int, hour: int = 12) -> dt.datetime:
    """A naive UTC time in March 2026 (the test clock stands at the 15th, 12:00)."""
    return dt.datetime(2026, 3, day, hour, 0)
