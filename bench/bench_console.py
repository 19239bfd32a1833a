"""Console benchmarks: python -m bench console [--customers N] [--db PATH] [--pg URL]

Measured headlessly through Textual's Pilot at 80x24 on an SQLite register of N customers
(default 1,000,000; built once, then reused from the --db path), or with ``--pg URL`` on the
demo register of N customers on that PostgreSQL server (``bench.common.postgres_register``,
shared with ``bench search --pg``; a customer there gets 8 orders with parcels once):

- keystroke in the search box -> results painted, over a fixed query mix typed key by key
  (target: median < 50 ms);
- opening a customer with 8 orders and their parcels -> painted (target: < 50 ms);
- console start -> first screen, against a bare Textual "hello" app measured in the same run,
  both as fresh processes, from process start to the first frame painted (target: ratio
  <= 1.3; the time to the process end is printed too);
- resident memory while browsing (target: < 150 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST = (
    "Aino Anna Eero Emilia Helmi Ilari Juha Kaisa Lauri Matti Mikko Noora Oona Pekka "
    "Riikka Sanna Taro Tuomas Veera Ville Yuki Hana Kenji Sakura Aleksi Elina Joonas".split()
)
LAST = (
    "Virtanen Korhonen Mäkinen Nieminen Mäkelä Hämäläinen Laine Heikkinen Koskinen "
    "Järvinen Lehtonen Lehtinen Saarinen Salminen Heinonen Niemi Heikkilä Kinnunen "
    "Salonen Turunen Tanaka Suzuki Yamada Söderholm Lindqvist".split()
)
CITIES = [
    ("00100", "Helsinki"),
    ("02100", "Espoo"),
    ("33100", "Tampere"),
    ("20100", "Turku"),
    ("90100", "Oulu"),
    ("40100", "Jyväskylä"),
    ("15100", "Lahti"),
    ("70100", "Kuopio"),
]
QUERY_MIX = [
    "virtanen",
    "anna kor",
    "0401234",
    "matti.m",
    "00100",
    "tanaka y",
    "W-777777",
    "helmi",
    "söderh",
    "JJFI9000",
]
BASE = dt.datetime(2024, 1, 1)
TARGET_ORDERS = 8


# --- building the register --------------------------------------------------------------------


def build_register(path: Path, n: int) -> int:
    """Fill a fresh SQLite register with ``n`` customers; returns the one with 8 orders."""
    from finconsole.core.store import db
    from finconsole.core.store import search_index as search
    from finconsole.core.store.models import database
    from finconsole.core.store.search_tokens import customer_document, fold

    db.connect(f"sqlite:///{path}", migrate=True)
    rng = random.Random(7)
    cursor = database.cursor()
    started = time.perf_counter()
    with database.atomic():
        for start in range(1, n + 1, 50_000):
            ids = range(start, min(start + 50_000, n + 1))
            people, addresses, orders, docs = [], [], [], []
            for cid in ids:
                first, last = rng.choice(FIRST), rng.choice(LAST)
                email = f"{first.lower()}.{fold(last)}{cid}@example.fi"
                phone = f"+35840{cid:07d}"
                at = BASE + dt.timedelta(minutes=cid)
                people.append((cid, first, last, email, phone, at, at))
                postcode, city = CITIES[cid % len(CITIES)]
                addresses.append((cid, f"Katu {cid % 200}", postcode, city))
                codes = []
                if cid % 3 == 0:
                    number = f"W-{cid}"
                    orders.append((cid, cid, number, at))
                    codes.append(number)
                data = {"first_name": first, "last_name": last, "email": email, "phone": phone}
                docs.append((cid, customer_document(data, [postcode], codes)))
            cursor.executemany(
                "INSERT INTO customer (id, first_name, last_name, email, phone, language, note,"
                " restricted, created_at, updated_at, version)"
                " VALUES (?, ?, ?, ?, ?, 'fi', '', 0, ?, ?, 1)",
                people,
            )
            cursor.executemany(
                "INSERT INTO address (customer_id, kind, street, street2, postcode, city,"
                " country, is_default, version) VALUES (?, 'postal', ?, '', ?, ?, 'FI', 1, 1)",
                addresses,
            )
            cursor.executemany(
                'INSERT INTO "order" (id, customer_id, order_number, ordered_at, currency,'
                " subtotal_cents, shipping_cents, tax_cents, total_cents, invoice_status,"
                " collection_status, fulfilment_status, billing_name, billing_street,"
                " billing_postcode, billing_city, billing_country, shipping_name,"
                " shipping_street, shipping_postcode, shipping_city, shipping_country,"
                " restricted, created_at, updated_at, version) VALUES (?, ?, ?, ?, 'EUR',"
                " 2490, 590, 0, 3080, 'paid', 'none', 'fulfilled', '', '', '', '', 'FI', '',"
                " '', '', '', 'FI', 0, ?, ?, 1)",
                [(oid, cid, number, at, at, at) for oid, cid, number, at in orders],
            )
            search.write_documents(docs)
    target = _customer_with_orders(n)
    print(f"built {n:,} customers in {time.perf_counter() - started:.0f} s", flush=True)
    db.close()
    return target


def _customer_with_orders(n: int) -> int:
    """Customer n//2 gets 8 orders, each with a parcel and 5 tracking events (once: a kept
    register that has them already is left as it is)."""
    from finconsole.core.kernel.actor import Actor
    from finconsole.core.orders import orders
    from finconsole.core.store.models import Order, Parcel, TrackingEvent

    actor = Actor.system()
    cid = n // 2
    if Order.select().where(Order.order_number == "B-0").exists():
        return Order.get(Order.order_number == "B-0").customer_id
    for i in range(TARGET_ORDERS):
        order = orders.create(
            actor,
            cid,
            {"order_number": f"B-{i}", "ordered_at": BASE + dt.timedelta(days=i)},
            [{"product": "Figure", "quantity": 1, "unit_price_cents": 2490}],
        )
        parcel = Parcel.create(order=order["id"], carrier="posti", tracking_code=f"JJFI9000{i}")
        for e in range(5):
            TrackingEvent.create(
                parcel=parcel,
                occurred_at=BASE + dt.timedelta(days=i, hours=e),
                status="in_transit",
                code=str(e),
                description="In transport",
                location="Vantaa",
            )
    return cid


def postgres_target(server_url: str, n: int) -> tuple[str, int]:
    """(URL, customer with 8 orders) of the demo register of ``n`` on a PostgreSQL server."""
    from bench.common import postgres_register
    from finconsole.core.store import db

    url = postgres_register(server_url, n)
    db.connect(url)
    try:
        target = _customer_with_orders(n)
    finally:
        db.close()
    return url, target


# --- measuring in process --------------------------------------------------------------------


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    values = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                values[line.split(":")[0]] = int(line.split()[1]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


async def wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the console did not paint in time")
        await asyncio.sleep(0.0005)


class PaintClock:
    """Times of the app's screen updates: the compositor renders a frame, then ``_display``
    hands it to the driver (which, headless, writes nothing)."""

    def __init__(self, app) -> None:
        self.times: list[float] = []
        self.screens: list = []
        original = app._display

        def display(screen, renderable):
            if renderable is not None:
                self.times.append(time.perf_counter())
                self.screens.append(screen)
            return original(screen, renderable)

        app._display = display

    async def painted_after(self, moment_of, screen=None, timeout: float = 10.0) -> float:
        """Wait (up to ``timeout`` seconds) for the first frame after ``moment_of()`` (a time,
        None until it is known), of ``screen`` when given."""
        await wait_until(lambda: moment_of() is not None, timeout)
        at = moment_of()

        def frames():
            return [
                t
                for t, shown in zip(self.times, self.screens)
                if t >= at and (screen is None or shown is screen)
            ]

        await wait_until(lambda: bool(frames()), timeout)
        return frames()[0]


async def workers_done(app) -> None:
    """Wait for the app's workers. A search cancelled by its successor (exclusive workers) is
    expected: ``wait_for_complete`` would raise WorkerCancelled for it and end the run."""
    await asyncio.gather(*[worker.wait() for worker in app.workers], return_exceptions=True)


async def press_key(app, key: str) -> None:
    from textual import events

    app._driver.send_message(events.Key(key, " " if key == "space" else key))


def bench_app(url: str):
    """The console on the register at ``url``, signed in as a support user."""
    from finconsole.core.kernel.actor import Actor
    from finconsole.core.settings import runtime
    from finconsole.core.store import db
    from finconsole.tui.app import FinconsoleApp

    db.connect(url)
    actor = Actor(user_id=None, username="bench", role="support", channel="tui")
    # the config in force (bench_key): a default config's key file is not the register's,
    # and every audited view (opening a customer) needs it
    return FinconsoleApp(runtime.get_config(), actor=actor)


def paint_times(register) -> list[float]:
    """When the register shows its rows from now on (``perf_counter``), appended as it does."""
    shown: list[float] = []
    original_show = register.show_rows

    def show_rows(*args):
        original_show(*args)
        shown.append(time.perf_counter())

    register.show_rows = show_rows
    return shown


async def measure_console(url: str, target: int) -> dict:
    from finconsole.core.store import db
    from finconsole.tui.screens.register.customer import open_customer

    app = bench_app(url)
    keystrokes: list[float] = []
    opens: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        clock = PaintClock(app)
        register = app.screen
        shown = paint_times(register)
        await wait_until(lambda: register.searches_painted > 0)
        await pilot.pause(0.5)  # let the customer screen be prewarmed
        for query in QUERY_MIX:
            register.query_one("#search").value = ""
            await workers_done(app)
            await pilot.pause()
            for ch in query:
                count = len(shown)
                started = time.perf_counter()
                await press_key(app, {" ": "space"}.get(ch, ch))
                done = await clock.painted_after(
                    lambda c=count: shown[c] if len(shown) > c else None
                )
                keystrokes.append(done - started)
                await workers_done(app)
        rss_browse = rss_mb()
        for _ in range(15):
            started = time.perf_counter()
            open_customer(app, target)
            screen = app.screen_stack[-1] if app.screen_stack else None
            await wait_until(lambda: getattr(app.screen, "painted_at", None) is not None)
            done = await clock.painted_after(lambda: app.screen.painted_at, app.screen)
            opens.append(done - started)
            assert len(app.screen.data["orders"]) >= TARGET_ORDERS
            app.pop_screen()
            await pilot.pause()
            del screen
        rss_open = rss_mb()
    db.close()
    return {
        "keystrokes": keystrokes,
        "opens": opens,
        "rss": max(rss_browse[0], rss_open[0]),
        "rss_peak": max(rss_browse[1], rss_open[1]),
    }


# --- start-up, as fresh processes --------------------------------------------------------------

# Both programs run headless at 80x24 and leave at the first frame of their first real screen.
FIRST_FRAME = """
import sys
import time
from textual.app import App
SCREENS = set(sys.argv[2:])  # class names that count as the first screen; empty: any frame
_display = App._display
def _first_frame(self, screen, renderable):
    _display(self, screen, renderable)
    if renderable is None or getattr(self, "_bench_done", False):
        return
    if not SCREENS or type(self.screen).__name__ in SCREENS:
        self._bench_done = True
        # perf_counter is CLOCK_MONOTONIC, shared with the parent: it times start -> painted
        print(f"painted-at {time.perf_counter()!r}", flush=True)
        self.exit()
App._display = _first_frame
_run = App.run
def _run_headless(self, *args, **kwargs):
    kwargs.update(headless=True, size=(80, 24))
    return _run(self, *args, **kwargs)
App.run = _run_headless
"""

HELLO = (
    FIRST_FRAME
    + """
from textual.widgets import Static
class Hello(App):
    def compose(self):
        yield Static("hello")
Hello().run()
"""
)

# Exactly what ``finconsole --config PATH`` runs, to its entry screen (login, or the first-run
# set-up when the register has no account yet).
CONSOLE = (
    FIRST_FRAME
    + """
from finconsole.entry import main
main(["--config", sys.argv[1]])
"""
)

# The register as first screen (a session already open), for comparison.
REGISTER = (
    FIRST_FRAME
    + """
from finconsole.cli.context import Context
from finconsole.core.kernel.actor import Actor
ctx = Context(sys.argv[1])
ctx.connect()
from finconsole.tui.app import FinconsoleApp
FinconsoleApp(ctx.config, actor=Actor(None, "bench", "support", "tui")).run()
"""
)
ENTRY_SCREENS = ("LoginScreen", "FirstRunScreen")


def time_processes(codes: list[tuple[str, ...]], runs: int = 9) -> tuple[list[float], list[float]]:
    """Median times of each command line from its start to (first screen painted, process
    ended), runs interleaved so that a busy moment of the machine weighs on all alike."""
    painted: list[list[float]] = [[] for _ in codes]
    ended: list[list[float]] = [[] for _ in codes]
    for _ in range(runs):
        for index, args in enumerate(codes):
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", *args],
                capture_output=True,
                text=True,
                # headless, without a terminal: the one documented bypass of the console's check
                env={**os.environ, "FINCONSOLE_NO_TERMINAL_CHECK": "1"},
            )
            if done.returncode:  # its own last line says why, not a wall of the script
                raise RuntimeError(f"a timed start failed: {done.stderr.strip()[-400:]}")
            out = done.stdout
            ended[index].append(time.perf_counter() - started)
            at = [line.split()[1] for line in out.splitlines() if line.startswith("painted-at ")]
            painted[index].append(float(at[0]) - started)
    return [statistics.median(s) for s in painted], [statistics.median(s) for s in ended]


def write_config(folder: Path, url: str) -> Path:
    from bench.common import bench_config
    from finconsole.core.settings import config as config_mod

    path = folder / "config.toml"
    config_mod.write(path, bench_config(folder, url).data, force=True)
    return path


# --- main ------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None, help="register file (built if missing)")
    parser.add_argument("--pg", metavar="URL", help="the demo register on this PostgreSQL server")
    args = parser.parse_args(argv)
    if args.pg:
        url, target = postgres_target(args.pg, args.customers)
    else:
        path = args.db or Path(tempfile.gettempdir()) / f"finconsole-bench-{args.customers}.db"
        if not path.exists():
            build_register(path, args.customers)
        target = args.customers // 2
        url = f"sqlite:///{path}"
    with tempfile.TemporaryDirectory() as folder:
        from finconsole.core.settings import runtime
        from finconsole.core.settings.config import load

        config_path = write_config(Path(folder), url)
        runtime.set_config(load(str(config_path)))
        painted, ended = time_processes(
            [
                (HELLO, "-"),
                (CONSOLE, str(config_path), *ENTRY_SCREENS),
                (REGISTER, str(config_path), "RegisterScreen"),
            ]
        )
        hello, console, register = painted
        result = asyncio.run(measure_console(url, target))
    keys_median = statistics.median(result["keystrokes"])
    keys_p90 = sorted(result["keystrokes"])[int(len(result["keystrokes"]) * 0.9)]
    open_median = statistics.median(result["opens"])
    backend = "PostgreSQL" if args.pg else "SQLite"
    print(f"register: {args.customers:,} customers ({backend}), terminal 80x24, headless Pilot")
    print(
        f"keystroke -> results painted: median {ms(keys_median)}, p90 {ms(keys_p90)} over "
        f"{len(result['keystrokes'])} keys; ratio to 50 ms target {keys_median / 0.050:.2f}"
    )
    print(
        f"open customer (8 orders, parcels) -> painted: median {ms(open_median)}; "
        f"ratio to 50 ms target {open_median / 0.050:.2f}"
    )
    print(
        f"start -> login screen: finconsole {ms(console)}, bare Textual hello {ms(hello)}; "
        f"ratio {console / hello:.2f} (target <= 1.30)"
    )
    print(
        f"  (to process end: finconsole {ms(ended[1])}, hello {ms(ended[0])}; "
        f"ratio {ended[1] / ended[0]:.2f})"
    )
    print(
        f"start -> register (session given): {ms(register)}; ratio to hello {register / hello:.2f}"
    )
    print(
        f"resident memory while browsing: {result['rss']:.0f} MB (peak {result['rss_peak']:.0f}"
        f" MB); ratio to 150 MB target {result['rss_peak'] / 150:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
