"""What every importer returns, and how rejected rows are written out."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from finconsole.core.kernel.text import spreadsheet_safe

# progress(rows_done, bytes_done, bytes_total): called every few thousand rows
Progress = Callable[[int, int, int], None]


@dataclass
class Reject:
    line: int  # line number in the file (1 = header for CSV)
    reason: str  # never contains the row's personal data
    raw: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_erased: int = 0
    rejects: list[Reject] = field(default_factory=list)
    # orders with no customer at all (Shopify draft orders): nothing to register
    skipped_no_customer: int = 0
    # rows imported with a caveat (an id a spreadsheet destroyed ...): line and what happened
    warnings: list[Reject] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    def summary(self) -> str:
        text = (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped as erased {self.skipped_erased}, rejected {self.rejected}"
        )
        if self.skipped_no_customer:
            text += f", skipped without a customer {self.skipped_no_customer}"
        if self.warnings:
            text += f", warnings {len(self.warnings)}"
        return text


def write_rejects(path: Path, rejects: list[Reject]) -> None:
    """The rejected rows as CSV with their line number and reason first, in a file only its
    owner can read from the start (the rows hold personal data)."""
    from finconsole.core.kernel.files import write_private

    columns: list[str] = []
    for reject in rejects:
        columns += [c for c in reject.raw if c not in columns]
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["line", "reason", *columns])
    for reject in rejects:
        cells = (spreadsheet_safe(reject.raw.get(c, "")) for c in columns)
        writer.writerow([reject.line, reject.reason, *cells])
    write_private(Path(path), out.getvalue())
