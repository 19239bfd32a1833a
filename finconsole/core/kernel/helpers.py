"""Helper processes that die with their parent, whatever ends it.

``import`` and ``demo`` fork helpers (``multiprocessing``, fork context) that hold the
caller's pipes and the database file open. If the parent is killed (``kill -9``, the OOM
killer) its ``finally`` never terminates them, and a helper blocked on a full queue would wait
forever with parent pid 1. So every helper:

- asks Linux to SIGKILL it when its parent dies (``prctl(PR_SET_PDEATHSIG)``, through ctypes;
  the signal comes when the *thread* that forked it ends, so fork from a thread that waits for
  the helper, as every caller here does);
- checks, on every queue wait (``put``/``get`` with a timeout of ``WAIT``), that its parent is
  still the one that started it (other systems, or a parent dead before the prctl);
- takes SIGTERM/SIGHUP with their default action (the parent's handlers, inherited by fork,
  would turn them into exceptions that the helper hands to a queue nobody reads).

The parent side (``cli.main``) turns SIGTERM and SIGHUP into an exception, so its ``finally``
blocks terminate the helpers and remove scratch files.
"""

from __future__ import annotations

import ctypes
import os
import queue
import signal
import sys
from collections.abc import Callable
from typing import Any

PR_SET_PDEATHSIG = 1
WAIT = 1.0  # seconds between parent checks while a queue is full or empty

_parent: int | None = None  # in a helper: the pid of the process that started it


# Blocked while a helper is forked (see ``start``).
ENDING_SIGNALS = {signal.SIGTERM, signal.SIGHUP}
STOP_SECONDS = 5.0  # a helper that has not ended this long after SIGTERM gets SIGKILL


def start(context: Any, target: Callable[..., None], args: tuple, name: str) -> Any:
    """Start ``target(*args)`` in a helper process of ``context`` (a multiprocessing context).

    SIGTERM and SIGHUP are blocked around the fork and delivered right after it. Arriving
    during the fork, the parent's handler ran inside an at-fork callback (logging's lock
    release), where its exception is ignored: the command went on to the end, and the new
    helper, still holding that handler, survived its own ``terminate()`` and hung the
    parent's ``join()`` (seen in CI: a SIGTERMed demo still running after 60 s).
    """
    process = context.Process(target=_run, args=(os.getpid(), target, args), name=name, daemon=True)
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, ENDING_SIGNALS)
    try:
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    return process


def stop(process: Any) -> None:
    """End a helper: SIGTERM, then SIGKILL if it has not ended within ``STOP_SECONDS``."""
    if process.is_alive():
        process.terminate()
    process.join(STOP_SECONDS)
    if process.is_alive():
        process.kill()
        process.join()


def _run(parent: int, target: Callable[..., None], args: tuple) -> None:
    global _parent
    _parent = parent
    try:
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(signum, signal.SIG_DFL)
    except ValueError:  # not the main thread (CPython makes the forking thread the main one)
        pass
    # the mask came blocked from ``start``: a terminate() sent meanwhile ends the helper now
    signal.pthread_sigmask(signal.SIG_UNBLOCK, ENDING_SIGNALS)
    die_with_parent()
    if os.getppid() != parent:  # it died before the prctl took effect
        os._exit(1)
    target(*args)


def die_with_parent() -> bool:
    """Linux: SIGKILL this process when its parent ends. False where not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def orphaned() -> bool:
    """In a helper: True once the process that started it is gone."""
    return _parent is not None and os.getppid() != _parent


def put(channel: Any, item: Any) -> None:
    """``channel.put(item)``, waiting as long as it takes, unless the parent goes away."""
    while True:
        try:
            channel.put(item, timeout=WAIT)
            return
        except queue.Full:
            if orphaned():
                os._exit(1)


def get(channel: Any) -> Any:
    """``channel.get()``, waiting as long as it takes, unless the parent goes away."""
    while True:
        try:
            return channel.get(timeout=WAIT)
        except queue.Empty:
            if orphaned():
                os._exit(1)


class Terminated(BaseException):
    """SIGTERM or SIGHUP reached the parent: unwind (``finally`` blocks stop the helpers)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise(signum: int, _frame: object) -> None:
    raise Terminated(signum)


def unwind_on_termination() -> None:
    """In the parent (the command line): SIGTERM and SIGHUP unwind like Ctrl-C does."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise)
