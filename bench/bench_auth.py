"""What a login costs, and whether an unknown username answers faster than a known one.

Run: python -m bench.bench_auth [--rounds N]
Baseline (same run): a successful login of a known user. The unknown-user and wrong-password
ratios should be close to 1.0: a much faster refusal would tell an attacker which names exist.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from finconsole.core.access import auth, users
from finconsole.core.access import credentials as cred
from finconsole.core.kernel import clock
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import AuthenticationFailed
from finconsole.core.settings import keys, runtime
from finconsole.core.settings.config import Config, defaults
from finconsole.core.store import db
from finconsole.core.store.models import User

PASSWORD = "bench password 2026"


def _timed(username: str, password: str, code: str) -> float:
    start = time.perf_counter()
    try:
        auth.login(username, password, code)
    except AuthenticationFailed:
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        runtime.set_config(Config(defaults(), Path(tmp) / "config.toml"))
        keys.create_key_file(Path(tmp) / "finconsole.key")
        fixed = clock.FixedClock(dt.datetime(2026, 3, 15, 12, tzinfo=dt.UTC))
        clock.set_clock(fixed)
        db.connect(f"sqlite:///{tmp}/bench.db", migrate=True)
        setup = users.create(Actor.cli(), "anna", "support", PASSWORD)
        cred.burn_password_check("warm-up")  # the dummy hash is made once per process
        known, unknown, wrong = [], [], []
        for _ in range(args.rounds):
            fixed.advance(seconds=30)  # a fresh time step each round (no replay)
            code = cred.current_code(setup.secret)
            known.append(_timed("anna", PASSWORD, code))
            unknown.append(_timed("nobody", PASSWORD, code))
            wrong.append(_timed("anna", "not the password", code))
            User.update(failed_attempts=0).execute()  # keep the bench account unlocked
        base = statistics.median(known)
        print(f"login, known user, success (baseline): {base * 1000:.1f} ms (median)")
        for label, values in (("unknown user", unknown), ("known user, wrong password", wrong)):
            value = statistics.median(values)
            print(f"login, {label}: {value * 1000:.1f} ms, ratio {value / base:.2f}")
        db.close()


if __name__ == "__main__":
    main()
