"""Files only their owner can read: exports, letters, audience lists, config, demo logins.

Each holds personal data or a secret, so it is created with mode 0600 from the first byte
(never chmodded afterwards), written beside its final name and renamed into place only when
complete: a full disk or an error half-way leaves the old file, or none, never half of one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from finconsole.core.kernel import scratch


@contextmanager
def private_file(path: Path, mode: str = "w", **open_args: Any) -> Iterator[IO[Any]]:
    """Open a private temporary file beside ``path`` for writing; on leaving the block it
    replaces ``path`` atomically, or, on any error, is removed. ``mode`` is ``"w"`` (text,
    UTF-8 unless ``encoding`` says otherwise) or ``"wb"``; ``open_args`` go to ``open``."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)  # a stale one could carry another mode: O_EXCL makes it new
    with scratch.marked(tmp):  # a kill half-way: the next start removes the part written
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        if "b" not in mode:
            open_args.setdefault("encoding", "utf-8")
        try:
            with os.fdopen(fd, mode, **open_args) as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def write_private(path: Path, content: str) -> None:
    """Write ``content`` (text) to ``path`` through ``private_file``."""
    with private_file(path) as fh:
        fh.write(content)
