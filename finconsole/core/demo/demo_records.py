"""Build the rows of a synthetic register: one seeded ``random.Random``, one "now".

Rows are plain tuples in the column order of ``COLUMNS``, so the loader can hand them to a
raw cursor (SQLite ``executemany``, PostgreSQL ``COPY``) without per-row ORM work: that is
what makes a million customers take seconds instead of minutes. Times are formatted
``YYYY-MM-DD HH:MM:SS`` strings (what peewee stores on SQLite and PostgreSQL parses), made
from lookup tables, because ``strftime`` on ~10 million timestamps would dominate the run.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable

from finconsole.core.demo import demo_data as d
from finconsole.core.parcels.carriers import gs1_check_digit, s10_check_digit
from finconsole.core.store import search_tokens

DAY = 86_400
# Finland's general VAT rate rose from 24 % to 25.5 % on 1 September 2024:
# an order's tax follows the rate of its day (demo times are naive UTC seconds).
VAT_RISE = dt.datetime(2024, 8, 31, 21, 0).replace(tzinfo=dt.UTC).timestamp()
HISTORY_DAYS = 6 * 365  # the oldest customers signed up six years ago
EVENT_RETENTION_DAYS = 365  # older tracking events are gone (retention.tracking_event_days)

COLUMNS = {
    "customer": (
        "id first_name last_name email phone language objection_marketing_at "
        "objection_statistics_at objection_profiling_at created_at updated_at"
    ).split(),
    "address": "id customer_id street postcode city".split(),
    "order": (
        "id customer_id order_number ordered_at subtotal_cents shipping_cents tax_cents "
        "total_cents invoice_status invoiced_at paid_at collection_status fulfilment_status "
        "billing_name billing_street billing_postcode billing_city "
        "shipping_name shipping_street shipping_postcode shipping_city created_at updated_at"
    ).split(),
    "order_line": "order_id product quantity unit_price_cents".split(),  # ids by the database
    "parcel": (
        "id order_id carrier tracking_code status shipped_at expected_at delivered_at "
        "last_event_at pickup_deadline created_at"
    ).split(),
    "tracking_event": "parcel_id occurred_at location code status description".split(),
}
# Columns every row of the table has the same value in: the loader writes them as literals,
# so ten million rows need not carry, ship and bind them.
CONSTANTS: dict[str, dict[str, str | int]] = {
    "customer": {"note": "", "restricted": 0, "version": 1},
    "address": {"kind": "postal", "street2": "", "country": "FI", "is_default": 1, "version": 1},
    "order": {
        "currency": "EUR",
        "billing_country": "FI",
        "shipping_country": "FI",
        "restricted": 0,
        "version": 1,
    },
}
TABLES = list(COLUMNS)
ORDER_COUNT_WEIGHTS = [18, 30, 20, 12, 8, 5, 4, 2, 1]  # 0..8 orders, about 2.1 on average
LINE_COUNT_WEIGHTS = [66, 23, 8, 3]  # 1..4 lines, about 1.5 on average
ORDER_SLOTS = len(ORDER_COUNT_WEIGHTS)  # order ids each customer owns
PARCEL_SLOTS = 2  # parcel ids each order owns: one parcel, sometimes two
_SPLIT = re.compile(r"[^0-9a-z]+")


def _expand(pairs: list[tuple]) -> list:
    """A list where each item appears ``weight`` times: picking by index is then O(1)."""
    out = []
    for *item, weight in pairs:
        out += [item[0] if len(item) == 1 else tuple(item)] * weight
    return out


def _ascii(name: str) -> str:
    return "".join(search_tokens.tokens(name))


# --- carrier tracking codes --------------------------------------------------------------------


def tracking_code(carrier: str, rnd: Callable[[], float]) -> str:
    if carrier == "posti":
        if rnd() < 0.6:  # domestic parcel: JJFI + 17 digits
            return f"JJFI{int(rnd() * 1e8):08d}{int(rnd() * 1e9):09d}"
        body = f"{int(rnd() * 1e8):08d}"
        prefix = ("CP", "CA", "LX", "RR")[int(rnd() * 4)]
        return f"{prefix}{body}{s10_check_digit(body)}FI"
    if carrier == "dhl":  # Express waybill: 9 digits and a mod-7 check digit
        number = 100_000_000 + int(rnd() * 899_999_999)
        return f"{number}{number % 7}"
    if carrier == "postnord":  # SSCC with application identifier 00
        body = f"37{int(rnd() * 1e7):07d}{int(rnd() * 1e8):08d}"
        return f"00{body}{gs1_check_digit(body)}"
    body = f"70{int(rnd() * 1e10):010d}"  # Matkahuolto: 13 digits, GS1 check digit
    return f"{body}{gs1_check_digit(body)}"


# --- the generator ----------------------------------------------------------------------------


class RecordFactory:
    """Makes the rows of any run of customers, deterministically.

    A chunk's rows depend only on the seed, "now" and the chunk's first customer: each chunk
    draws from its own random stream, and its ids come from blocks each customer owns (one
    address id, ``ORDER_SLOTS`` order ids, ``PARCEL_SLOTS`` parcel ids an order). So helper
    processes can make chunks in parallel, in any order, and still make the same register.
    Unused order and parcel ids are simply left out: ids have gaps, as they do after deletes.
    """

    def __init__(self, seed: int, now: dt.datetime, first_ids: dict[str, int]) -> None:
        self.seed = seed
        self.first = dict(first_ids)
        if now.tzinfo is not None:
            now = now.astimezone(dt.UTC).replace(tzinfo=None)
        self.now = int((now - dt.datetime(1970, 1, 1)).total_seconds())
        self.start = self.now - HISTORY_DAYS * DAY
        start_day = dt.date.fromtimestamp(0) + dt.timedelta(days=self.start // DAY)
        # formatted days and times of day: fmt(t) is two lookups and a concatenation
        self._days = [
            (start_day + dt.timedelta(days=i)).isoformat() + " " for i in range(HISTORY_DAYS + 90)
        ]
        self._times = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(DAY)]
        self._day0 = self.start // DAY
        self._pools()

    def _begin(self, first_customer: int) -> None:
        """Start the random stream of the chunk whose first customer is ``first_customer``."""
        self.rng = random.Random(f"{self.seed}:{first_customer}")
        # closures, not methods: called ~25 times per customer, so the bound-method and
        # attribute lookups showed up in the profile
        days, times, day0, rnd = self._days, self._times, self._day0, self.rng.random

        def fmt(t: int, day: int = DAY) -> str:
            return days[t // day - day0] + times[t % day]

        def pick(pool: list):
            return pool[int(rnd() * len(pool))]

        self.rnd, self.fmt, self.pick = rnd, fmt, pick

    def _pools(self) -> None:
        self.female = _expand(d.FEMALE_FIRST)
        self.male = _expand(d.MALE_FIRST)
        self.last = _expand(d.LAST)
        self.ascii = {n: _ascii(n) for n, _ in d.FEMALE_FIRST + d.MALE_FIRST + d.LAST}
        self.name_tokens = {
            n: search_tokens.tokens(n) for n, _ in d.FEMALE_FIRST + d.MALE_FIRST + d.LAST
        }
        self.cities = _expand([(name, w) for name, (w, _, _) in d.CITIES.items()])
        self.postcodes = {name: pcs.split() for name, (_, pcs, _) in d.CITIES.items()}
        self.streets = {name: streets for name, (_, _, streets) in d.CITIES.items()}
        self.domains = _expand(d.EMAIL_DOMAINS)
        self.mobile = _expand(d.MOBILE_PREFIXES)
        self.products = _expand(d.PRODUCTS)
        self.fees = _expand(d.SHIPPING_FEES)
        self.carriers = _expand(d.CARRIERS)
        self.order_counts = _expand([(i, w) for i, w in enumerate(ORDER_COUNT_WEIGHTS)])
        self.line_counts = _expand([(i + 1, w) for i, w in enumerate(LINE_COUNT_WEIGHTS)])

    # -- one chunk --

    def chunk(
        self, first_customer: int, count: int
    ) -> tuple[dict[str, list[tuple]], list[tuple[int, str]]]:
        """Rows of customers ``first_customer`` .. ``+ count - 1`` (counted from 0) for every
        table, and their search documents."""
        self._begin(first_customer)
        rows: dict[str, list[tuple]] = {table: [] for table in TABLES}
        documents: list[tuple[int, str]] = []
        for n in range(first_customer, first_customer + count):
            documents.append(self._customer(rows, n))
        return rows, documents

    def _customer(self, rows: dict[str, list[tuple]], n: int) -> tuple[int, str]:
        """The ``n``th customer (from 0) with address and orders; returns its document."""
        rnd, pick = self.rnd, self.pick
        cid = self.first["customer"] + n
        first = pick(self.female if rnd() < 0.5 else self.male)
        last = pick(self.last)
        email = self._email(first, last)
        phone = f"+358{pick(self.mobile)}{int(rnd() * 1e7):07d}" if rnd() < 0.85 else None
        city = pick(self.cities)
        postcode = pick(self.postcodes[city])
        street = self._street(city)
        created = self.start + int(rnd() * (self.now - self.start - DAY))
        objections = [
            self.fmt(created + DAY) if rnd() < share else None for share in (0.08, 0.03, 0.02)
        ]
        language = "en" if rnd() < 0.08 else "fi"
        order_codes, updated = self._orders(
            rows,
            cid,
            self.first["order"] + n * ORDER_SLOTS,
            created,
            (first, last, street, postcode, city),
        )
        rows["customer"].append(
            (
                cid,
                first,
                last,
                email,
                phone,
                language,
                *objections,
                self.fmt(created),
                self.fmt(updated),
            )
        )
        rows["address"].append((self.first["address"] + n, cid, street, postcode, city))
        return cid, self._document(first, last, email, phone, postcode, order_codes)

    def _email(self, first: str, last: str) -> str | None:
        rnd = self.rnd
        if rnd() < 0.04:
            return None
        f, s = self.ascii[first], self.ascii[last]
        style = int(rnd() * 5)
        if style == 0:
            local = f"{f}.{s}"
        elif style == 1:
            local = f"{f}{s}{int(rnd() * 100)}"
        elif style == 2:
            local = f"{f[0]}{s}"
        elif style == 3:
            local = f"{f}.{s}{int(rnd() * 90 + 10)}"
        else:
            local = f"{s}_{f}{int(rnd() * 1000)}"
        return f"{local}@{self.pick(self.domains)}"

    def _street(self, city: str) -> str:
        rnd = self.rnd
        if rnd() < 0.6:
            name = self.pick(self.streets[city])
        else:
            name = self.pick(d.STREET_STEMS) + self.pick(d.STREET_ENDS)
        number = 1 + int(rnd() * 120)
        if rnd() < 0.55:
            return f"{name} {number} {'ABCDEF'[int(rnd() * 6)]} {1 + int(rnd() * 40)}"
        return f"{name} {number}"

    def _document(self, first, last, email, phone, postcode, codes) -> str:
        """The text ``search_tokens.customer_document`` builds, from precomputed name tokens."""
        words = self.name_tokens[first] + self.name_tokens[last]
        if email:
            parts = [p for p in _SPLIT.split(email) if p]
            words += parts + parts + ["".join(parts)]
        words += search_tokens.phone_tokens(phone)
        words.append(postcode)
        words += codes
        return " ".join(dict.fromkeys(words))

    # -- orders, lines, parcels, events --

    def _orders(self, rows, cid, first_oid, created, person) -> tuple[list[str], int]:
        """Make the customer's orders (ids from ``first_oid`` on); returns their search tokens
        and the last change time."""
        rnd = self.rnd
        first, last, street, postcode, city = person
        name = f"{first} {last}"
        count = self.pick(self.order_counts)
        # a customer buys for a while (up to three years) and then moves on
        span = min(self.now - created, int((0.05 + rnd() * 3) * 365 * DAY))
        times = sorted(created + int(rnd() * span) for _ in range(count))
        codes: list[str] = []
        for oid, ordered in enumerate(times, first_oid):
            number = f"{100000 + oid}"
            codes += ["fs", number, "fs" + number]
            shipping = (name, street, postcode, city)
            if rnd() < 0.12:  # sent somewhere else: a summer cottage, a workplace, a friend
                other = self.pick(self.cities)
                shipping = (name, self._street(other), self.pick(self.postcodes[other]), other)
            codes += self._order(
                rows, oid, cid, ordered, f"FS-{number}", (name, street, postcode, city), shipping
            )
        return codes, (times[-1] if times else created)

    def _order(self, rows, oid, cid, ordered, number, billing, shipping) -> list[str]:
        rnd, fmt = self.rnd, self.fmt
        subtotal = 0
        for _ in range(self.pick(self.line_counts)):
            product, price = self.pick(self.products)
            quantity = 1 if rnd() < 0.85 else 2 + int(rnd() * 2)
            subtotal += quantity * price
            rows["order_line"].append((oid, product, quantity, price))
        fee = 0 if subtotal >= 10_000 else self.pick(self.fees)
        total = subtotal + fee
        # prices include VAT: 25.5 % from 1 September 2024, 24 % before
        tax = round(total * 255 / 1255) if ordered >= VAT_RISE else round(total * 24 / 124)
        age_days = (self.now - ordered) / DAY
        fulfilment = "unfulfilled" if age_days < 1 and rnd() < 0.6 else "fulfilled"
        if rnd() < 0.01:
            fulfilment = "cancelled"
        at = fmt(ordered)
        invoice, invoiced, paid, collection = self._billing(ordered, at, age_days, fulfilment)
        rows["order"].append(
            (
                oid,
                cid,
                number,
                at,
                subtotal,
                fee,
                tax,
                total,
                invoice,
                invoiced,
                paid,
                collection,
                fulfilment,
                *billing,
                *shipping,
                at,
                at,
            )
        )
        if fulfilment != "fulfilled":
            return []
        pid = self.first["parcel"] + (oid - self.first["order"]) * PARCEL_SLOTS
        codes = [self._parcel(rows, pid, oid, ordered, at, shipping[3])]
        if rnd() < 0.05:
            codes.append(
                self._parcel(rows, pid + 1, oid, ordered + DAY, fmt(ordered + DAY), shipping[3])
            )
        return codes

    def _billing(self, ordered: int, invoiced: str, age_days: float, fulfilment: str):
        """invoice status, invoiced at, paid at, collection status."""
        rnd, fmt = self.rnd, self.fmt
        if fulfilment == "cancelled":
            return "credited", invoiced, None, "none"
        if rnd() < 0.75:  # paid at checkout
            return "paid", None, invoiced, "none"
        if age_days < 30:
            return (
                ("open", invoiced, None, "none")
                if rnd() < 0.4
                else ("paid", invoiced, fmt(ordered + int(rnd() * age_days * DAY)), "none")
            )
        roll = rnd()
        if roll < 0.015:
            return "open", invoiced, None, "active"  # in debt collection
        if roll < 0.02:
            return "paid", invoiced, fmt(ordered + 70 * DAY), "closed"
        if roll < 0.025:
            return "open", invoiced, None, "none"  # overdue, reminder sent
        return "paid", invoiced, fmt(ordered + int((5 + rnd() * 15) * DAY)), "none"

    def _parcel(self, rows, pid, oid, ordered, created_at, city) -> str:
        rnd, fmt, now = self.rnd, self.fmt, self.now
        carrier = self.pick(self.carriers)
        code = tracking_code(carrier, rnd)
        shipped = ordered + int((0.3 + rnd() * 2) * DAY)
        seen = [e for e in self._journey(carrier, shipped, city) if e[0] <= now]
        status, last_at, delivered, pickup_deadline = "pending", None, None, None
        if seen:
            last_at, step = seen[-1][0], seen[-1][1]
            status = EVENT_STATUS[step]
            if step == "delivered":
                delivered = fmt(last_at)
            elif status == "available_for_pickup":
                pickup_deadline = fmt(last_at + 14 * DAY)
        rows["parcel"].append(
            (
                pid,
                oid,
                carrier,
                code,
                status,
                fmt(shipped) if seen else None,
                fmt(shipped + 2 * DAY),
                delivered,
                fmt(last_at) if last_at else None,
                pickup_deadline,
                created_at,
            )
        )
        if last_at is not None and now - last_at < EVENT_RETENTION_DAYS * DAY:
            step_rows = STEP_ROWS[carrier]
            append = rows["tracking_event"].append
            for t, step, location in seen:
                append((pid, fmt(t), location) + step_rows[step])
        return code.lower()

    def _journey(self, carrier: str, shipped: int, city: str) -> list[tuple[int, str, str]]:
        """The parcel's planned events (time, step, location); the caller keeps those before now.

        About 3 % of the parcels sent in the last four months stall after the sorting centre:
        weeks without news, which the lost-parcel rule must catch. Older ones were settled.
        """
        rnd = self.rnd
        terminal = d.TERMINALS[int(rnd() * len(d.TERMINALS))]
        t = shipped + int((6 + rnd() * 20) * 3600)
        events = [
            (shipped - 3 * 3600, "info_received", ""),
            (shipped, "picked_up", terminal),
            (t, "in_transit", f"{city} terminaali"),
        ]
        fate = rnd()
        if fate < 0.03 and self.now - shipped < 120 * DAY:
            return events
        t += int((4 + rnd() * 20) * 3600)
        if carrier in ("dhl", "postnord") and rnd() < 0.6:  # home delivery
            if rnd() < 0.1:
                events.append((t, "attempt_failed", city))
                t += DAY
            events.append((t, "out_for_delivery", city))
            events.append((t + int((1 + rnd() * 6) * 3600), "delivered", city))
            return events
        point = f"{d.PICKUP_POINTS[int(rnd() * len(d.PICKUP_POINTS))]} {city}"
        events.append((t, "available_for_pickup", point))
        if carrier == "posti":
            events.append((t + 60, "notice_sent", point))
        if fate < 0.045:  # never collected
            events.append((t + 14 * DAY + 3600, "returned_to_sender", point))
        else:
            events.append((t + int((0.1 + rnd() * rnd() * 8) * DAY), "delivered", point))
        return events


EVENT_STATUS = {step: status for step, (status, _) in d.EVENT_TEXT.items()}
# carrier -> step -> (the carrier's event code, normalised status, description)
STEP_ROWS = {
    carrier: {step: (codes[step], *d.EVENT_TEXT[step]) for step in d.EVENT_TEXT}
    for carrier, codes in d.EVENT_CODES.items()
}
