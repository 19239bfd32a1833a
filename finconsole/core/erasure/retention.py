"""Scheduled retention work: ``finconsole retention run`` (cron) and the console's start.

``JOBS`` is the list of things that must happen when their day comes. Other areas append
their own, e.g.::

    retention.JOBS.append(retention.Job("purge_tracking_events", "...", parcels.purge_old))

A job is ``run(actor) -> int`` (how many records it finished), reading the injected clock.
One failing job does not stop the others; its error (one line, no personal data) is reported.
After all jobs the run makes their deletions permanent (WAL checkpoint / VACUUM), so a job
need not do that itself.

Beside another writer (a shop import commits a chunk at a time): every job works in short
transactions, and a job (or a batch of ``complete_due``) that finds the database busy is tried
again with backoff for up to ``BUSY_SECONDS`` (``store.busy``). Past that the job is reported
as failed and ``RetentionReport.busy`` is set, so the console says so once and runs it later.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from finconsole.core.erasure import erasure
from finconsole.core.kernel import permissions
from finconsole.core.kernel.actor import Actor
from finconsole.core.kernel.errors import FinconsoleError, database_error_text
from finconsole.core.outbox import outbox
from finconsole.core.parcels import parcels
from finconsole.core.store import busy

BUSY_SECONDS = erasure.BUSY_SECONDS  # how long a job waits for a busy database, in all


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    run: Callable[[Actor], int]
    # what a count means to the officer, for the console: ("held erasure", "completed")
    done_words: tuple[str, str] = ("", "")


@dataclass
class RetentionReport:
    done: dict[str, int] = field(default_factory=dict)  # job name -> records finished
    errors: dict[str, str] = field(default_factory=dict)  # job name -> message
    # False: a reader kept the deletions from becoming permanent (pending; see permanence)
    permanent: bool = True
    pending: int = 0  # how many deletions wait for it
    note: str = ""  # why
    busy: bool = False  # a job gave up on a database another writer kept busy: run it later

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        parts = [f"{name}: {count}" for name, count in self.done.items()]
        parts += [f"{name} FAILED: {msg}" for name, msg in self.errors.items()]
        if not self.permanent:
            parts.append("deletions not yet permanent (a reader held on): pending")
        return "; ".join(parts) or "nothing to do"

    def in_words(self) -> str:
        """The jobs that did something, as a sentence: "1 held erasure completed."."""
        words = {job.name: job.done_words for job in JOBS}
        parts = []
        for name, count in self.done.items():
            thing, verb = words.get(name) or ("", "")
            if count and thing:
                parts.append(f"{count} {thing}{'' if count == 1 else 's'} {verb}")
            elif count:
                parts.append(f"{name}: {count}")
        parts += [f"{name} failed: {msg}" for name, msg in self.errors.items()]
        return "; ".join(parts) + "." if parts else "nothing to do."


JOBS: list[Job] = [
    Job(
        "complete_erasures",
        "erase held orders whose hold ended (date passed, invoice paid, collection closed)",
        erasure.complete_due,
        ("held erasure", "completed"),
    ),
    Job(
        "purge_tracking_events",
        "delete tracking events (names, pickup points) retention.tracking_event_days after "
        "delivery, return or loss",
        parcels.purge_tracking_events,
        ("old tracking event", "deleted"),
    ),
    Job(
        "forget_unsent_confirmations",
        "erase the address of an erased person's confirmation not sent within outbox.forget_hours",
        lambda actor: outbox.forget_expired(),
        ("unsent confirmation's address", "erased"),
    ),
]


def run(actor: Actor, *, compact_large: bool = True) -> RetentionReport:
    """Run every job now. Officer only (cron runs as the command-line user, an officer).

    ``compact_large``: rewrite a large PostgreSQL register's tables for pending erasures
    (minutes at a million customers): cron's run does; a console's start does not."""
    permissions.require(actor, "run_retention")
    report = RetentionReport()
    for job in JOBS:
        try:
            report.done[job.name] = busy.retry(
                functools.partial(job.run, actor), seconds=BUSY_SECONDS
            )
        except Exception as exc:
            if not busy.is_busy(exc) and not isinstance(exc, FinconsoleError):
                raise
            report.busy = report.busy or busy.is_busy(exc)
            report.errors[job.name] = (
                str(exc) if isinstance(exc, FinconsoleError) else database_error_text(exc)
            )
    # One checkpoint (SQLite) or compaction (PostgreSQL) for all jobs; it also finishes an
    # earlier erasure's that a busy reader blocked (on PostgreSQL nothing runs when nothing
    # is pending). Its bookkeeping is a write too: retried like the jobs.
    requested = any(report.done.values())
    outcome = busy.retry(
        lambda: erasure.permanence_outcome(request=requested, large=compact_large),
        seconds=BUSY_SECONDS,
    )
    report.permanent, report.pending, report.note = outcome.done, outcome.pending, outcome.reason
    return report


def run_due(actor: Actor) -> RetentionReport | None:
    """For the console's start: run the jobs when an officer opens it; for support staff do
    nothing (returns None) rather than refuse, so their console still opens. Nothing is missed:
    the jobs act on whatever has fallen due by the next officer start or cron run.
    In the console, call it from a thread worker (``thread_connection()``): a backlog of
    thousands of completions takes tens of seconds."""
    if not permissions.allowed(actor, "run_retention"):
        return None
    return run(actor, compact_large=False)
