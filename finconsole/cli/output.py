"""Printing service results: JSON for scripts, aligned text for people."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Iterable
from typing import Any, Self, TextIO

from finconsole.core.kernel.text import printable


def _default(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def print_json(rows: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout  # looked up now: tests and callers may have replaced it
    json.dump(rows, out, default=_default, ensure_ascii=False, indent=2)
    out.write("\n")


def print_table(
    rows: Iterable[dict[str, Any]], columns: list[tuple[str, str]], out: TextIO | None = None
) -> None:
    """Aligned columns; customer text is made printable (no control codes reach the terminal)."""
    out = out or sys.stdout
    rows = list(rows)
    cells = [[printable(_cell(row.get(key))) for key, _ in columns] for row in rows]
    headers = [title for _, title in columns]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    out.write("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip() + "\n")
    for r in cells:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")


def print_rows(
    rows: list[dict[str, Any]], columns: list[tuple[str, str]], *, as_json: bool, empty: str
) -> None:
    """A listing command's output: a JSON array, the table, or ``empty`` when there are no rows."""
    if as_json:
        print_json(rows)
    elif rows:
        print_table(rows, columns)
    else:
        print(empty)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


class ProgressLine:
    """A long command's progress on one stderr line, redrawn at most 5 times a second. Made
    only when stderr is a terminal (``ProgressLine.for_terminal()``): scripts see none."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.last = 0.0

    @classmethod
    def for_terminal(cls) -> Self | None:
        return cls() if sys.stderr.isatty() else None

    def elapsed(self) -> float:
        return max(time.monotonic() - self.start, 1e-6)

    def due(self, final: bool = False) -> bool:
        """Whether to draw now: 0.2 s since the last line, or the last one."""
        now = time.monotonic()
        if now - self.last < 0.2 and not final:
            return False
        self.last = now
        return True

    def draw(self, text: str) -> None:
        sys.stderr.write(f"\r{text} ")
        sys.stderr.flush()

    def finish(self) -> None:
        sys.stderr.write("\n")
