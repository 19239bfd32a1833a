"""What every importer returns, and how rejected rows are written out."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from finconsole.core.kernel.errors import FinconsoleError
from finconsole.core.kernel.text import spreadsheet_safe

# The exit status of an import that stopped part way (a fault deep in the file, a database
# error) after some of its rows were committed: not 1 ("nothing written"), not 3 (the whole
# file was read). README's "Exit status" lists it.
EXIT_STOPPED = 4

# progress(rows_done, bytes_done, bytes_total): called every few thousand rows
Progress = Callable[[int, int, int], None]


@dataclass
class Reject:
    line: int  # line number in the file (1 = header for CSV)
    reason: str  # never contains the row's personal data
    raw: dict[str, str] = field(default_factory=dict)
    warning: bool = False  # the row was imported; something in it needs a look


# Rejected rows (and warnings) kept in memory for the summary and the rejects file; beyond
# this they are only counted, so a file of millions of bad rows cannot exhaust memory.
MAX_KEPT = 100_000


class Kept(list):
    """A list of at most ``MAX_KEPT`` items; ``dropped`` counts the appends past it."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = 0

    def append(self, item: object) -> None:
        if len(self) < MAX_KEPT:
            super().append(item)
        else:
            self.dropped += 1

    def extend(self, items: Iterable[object]) -> None:  # (``+=`` does not call it: append)
        for item in items:
            self.append(item)


def _dropped(items: list) -> int:
    return getattr(items, "dropped", 0)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_erased: int = 0
    rejects: list[Reject] = field(default_factory=Kept)
    # rows imported with a caveat (a phone kept as typed, an id a spreadsheet destroyed):
    # ``Reject(line, what happened, row, warning=True)``, listed in the rejects file too
    warnings: list[Reject] = field(default_factory=Kept)
    # orders with no customer at all (Shopify draft orders): nothing to register
    skipped_no_customer: int = 0
    # the file imported, for the run's audit event: ["file:NAME", "sha256:HEX"]
    source: list[str] = field(default_factory=list)

    def name_source(self, path: Path) -> None:
        """Remember which file this was (call once the file is known to be a regular one: a
        FIFO would block the hashing)."""
        self.source = file_identity(path)

    def reject(self, line: int, why: str, raw: dict[str, str]) -> None:
        """One row rejected (its reason interned: millions of rows share a few reasons)."""
        self.rejects.append(Reject(line, sys.intern(why), raw))

    def warn(self, line: int, warnings: Iterable[str], raw: dict[str, str]) -> None:
        """A row imported with caveats: each listed as a warning of that row."""
        for warning in warnings:
            self.warnings.append(Reject(line, sys.intern(warning), raw, warning=True))

    @property
    def rejected(self) -> int:
        return len(self.rejects) + _dropped(self.rejects)

    @property
    def warned(self) -> int:
        return len(self.warnings) + _dropped(self.warnings)

    @property
    def not_kept(self) -> int:
        """Rejects and warnings counted but not kept (past ``MAX_KEPT``)."""
        return _dropped(self.rejects) + _dropped(self.warnings)

    @property
    def written(self) -> int:
        """Records committed to the register (created or updated)."""
        return self.created + self.updated

    def summary(self) -> str:
        text = (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped as erased {self.skipped_erased}, rejected {self.rejected}"
        )
        if self.skipped_no_customer:
            text += f", skipped without a customer {self.skipped_no_customer}"
        return text + (f", warnings {self.warned}" if self.warned else "")

    def counts(self) -> tuple[int, int, int, int]:
        return (self.created, self.updated, self.unchanged, self.skipped_erased)

    @contextmanager
    def committing(self) -> Iterator[None]:
        """Around one transaction: if it fails, its counts are taken back, so the counts
        always say what is committed."""
        before = self.counts()
        try:
            yield
        except BaseException:
            self.created, self.updated, self.unchanged, self.skipped_erased = before
            raise


class ImportStopped(FinconsoleError):
    """The import stopped part way, after ``result.written`` records were committed."""

    exit_code = EXIT_STOPPED

    def __init__(self, reason: str, result: ImportResult) -> None:
        self.reason = reason
        self.result = result
        super().__init__(
            f"import stopped: {reason}; {result.written} records were written before it "
            f"({result.summary()})"
        )


@contextmanager
def stopping_after_writes(
    result: ImportResult, on_stop: Callable[[], None] | None = None
) -> Iterator[None]:
    """A fault after some rows were committed becomes ``ImportStopped``, which says how many
    (``on_stop`` first records the run in the audit trail); before any, the fault stands as
    it is (nothing was written: exit 1)."""
    try:
        yield
    except ImportStopped:
        raise
    except Exception as exc:
        if not result.written:
            raise
        reason = str(exc) if isinstance(exc, FinconsoleError) else _internal(exc)
        if on_stop is not None:
            with suppress(Exception):  # the database may be what failed
                on_stop()
        raise ImportStopped(reason, result) from exc


def _internal(exc: Exception) -> str:
    return f"internal error ({type(exc).__name__})"  # str(exc) could quote a row


def check_writable(path: Path) -> None:
    """Refuse a rejects file that could not be written, before the import writes anything:
    creates (and removes) a file beside it, as ``write_private`` will."""
    path = Path(path)
    if path.is_dir():
        raise FinconsoleError(f"cannot write the rejects file {path}: it is a directory")
    probe = path.with_name(f".{path.name}.{os.getpid()}.probe")
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(probe)
    except OSError as exc:
        raise FinconsoleError(f"cannot write the rejects file {path}: {exc.strerror}") from None


def write_rejects(path: Path, rejects: list[Reject], warnings: Sequence[Reject] = ()) -> None:
    """The rejected rows, then the imported rows with a warning, as CSV with their line
    number, reason and ``rejected``/``warning`` first, in a file only its owner can read from
    the start (the rows hold personal data). Every cell, the header's too, is neutralised
    against formulas: a column name comes from the imported file as much as a value does."""
    from finconsole.core.kernel.files import write_private

    rows = [*rejects, *warnings]
    columns: list[str] = []
    seen: set[str] = set()
    for reject in rows:
        for column in reject.raw:
            if column not in seen:
                seen.add(column)
                columns.append(column)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([spreadsheet_safe(c) for c in ("line", "reason", "kind", *columns)])
    for reject in rows:
        kind = "warning" if reject.warning else "rejected"
        cells = (reject.raw.get(c, "") for c in columns)
        writer.writerow([spreadsheet_safe(c) for c in (reject.line, reject.reason, kind, *cells)])
    write_private(Path(path), out.getvalue())


def file_identity(path: Path) -> list[str]:
    """The file's name and the SHA-256 of its bytes, as audit "fields": an officer can tell
    which export an import came from, and whether a file at hand is that one."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    # the audit's fields are a comma-separated list of printable words
    name = "".join(c if c.isprintable() and c not in ", " else "_" for c in Path(path).name)
    return [f"file:{name[:120]}", f"sha256:{digest.hexdigest()}"]
