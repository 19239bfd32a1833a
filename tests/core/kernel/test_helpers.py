"""Helper processes: a signal at the moment of the fork is neither lost in the parent nor
inherited as a handler that lets the helper outlive its own terminate() (#16; seen in CI: a
SIGTERMed demo ran on for over 60 s, its parent blocked joining a helper)."""

from __future__ import annotations

import multiprocessing
import signal
import time

from finconsole.core.kernel import helpers

CONTEXT = multiprocessing.get_context("fork")


def _report_signals(out) -> None:
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    handler = signal.getsignal(signal.SIGTERM)
    out.put((signal.SIGTERM in blocked, handler == signal.SIG_DFL))


def _ignore_sigterm_and_sleep(_out) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    time.sleep(60)


def test_a_helper_starts_with_the_ending_signals_unblocked_and_default():
    previous = signal.signal(signal.SIGTERM, lambda *_: None)  # as the CLI's parent has
    try:
        out = CONTEXT.Queue()
        process = helpers.start(CONTEXT, _report_signals, (out,), "probe")
        assert out.get(timeout=30) == (False, True)
        process.join(30)
        # the parent's own mask is as it was
        assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_stop_kills_a_helper_that_outlives_sigterm(monkeypatch):
    monkeypatch.setattr(helpers, "STOP_SECONDS", 0.5)
    process = helpers.start(CONTEXT, _ignore_sigterm_and_sleep, (None,), "stubborn")
    time.sleep(0.3)  # its SIG_IGN is in place
    started = time.monotonic()
    helpers.stop(process)
    assert not process.is_alive()
    assert time.monotonic() - started < 30


def test_the_ending_signals_are_blocked_while_the_helper_is_forked():
    """Delivered during the fork, the parent's handler ran inside logging's at-fork callback,
    where its exception is ignored: the command went on to its end."""
    seen = []

    class Recording:
        def __init__(self, **_kwargs) -> None:
            pass

        def start(self) -> None:
            seen.append(signal.pthread_sigmask(signal.SIG_BLOCK, []))

    class Context:
        Process = Recording

    helpers.start(Context(), _report_signals, (None,), "probe")
    assert {signal.SIGTERM, signal.SIGHUP} <= seen[0]
    assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, [])
