"""What the Art 19 hook costs a customer edit, and how fast the register description is made.

Run: python -m bench.bench_disclosures [--updates N]
Baseline (same run): the same edits with the hook replaced by a no-op.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from finconsole.core.kernel import clock
from finconsole.core.kernel.actor import Actor
from finconsole.core.register import customers
from finconsole.core.settings import keys, runtime
from finconsole.core.settings.config import Config, defaults
from finconsole.core.store import db
from finconsole.core.transparency import disclosures, documents

OFFICER = Actor(user_id=1, username="bench", role="officer", channel="cli")


def _edits(ids: list[int], rounds: int) -> float:
    start = time.perf_counter()
    for i in range(rounds):
        cid = ids[i % len(ids)]
        current = customers.get(OFFICER, cid, audit_view=False)
        customers.update(OFFICER, cid, current["version"], {"last_name": f"Nimi{i}"})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        runtime.set_config(Config(defaults(), Path(tmp) / "config.toml"))
        keys.create_key_file(Path(tmp) / "finconsole.key")
        clock.set_clock(clock.FixedClock(dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC)))
        db.connect(f"sqlite:///{tmp}/bench.db", migrate=True)
        ids = [customers.create(OFFICER, {"last_name": f"C{i}"})["id"] for i in range(50)]
        for cid in ids:  # every customer's name went to debt collection earlier
            disclosures.record(
                OFFICER,
                {
                    "customer_id": cid,
                    "recipient_name": "Perintä Oy",
                    "recipient_kind": "debt_collection",
                    "data_fields": "first_name,last_name",
                    "customer_told_at": "2026-02-01",
                    "disclosed_at": "2026-03-01",
                },
            )
        _edits(ids, 50)  # warm up caches before either measurement
        hooked = _edits(ids, args.updates)
        real_hook = disclosures.after_rectification
        disclosures.after_rectification = lambda customer_id, fields: []
        try:
            baseline = _edits(ids, args.updates)
        finally:
            disclosures.after_rectification = real_hook
        start = time.perf_counter()
        for lang in ("fi", "en"):
            documents.generate(OFFICER, lang=lang)
            documents.generate(OFFICER, lang=lang, record=True)
        generate_ms = (time.perf_counter() - start) / 4 * 1000
        db.close()
    n = args.updates
    print(f"customer edit with Art 19 hook:  {hooked / n * 1000:.2f} ms/edit ({n} edits)")
    print(f"customer edit, hook disabled:    {baseline / n * 1000:.2f} ms/edit (baseline)")
    print(f"ratio hook/baseline:             {hooked / baseline:.2f}x")
    print(f"register description / record:   {generate_ms:.2f} ms each")


if __name__ == "__main__":
    main()
