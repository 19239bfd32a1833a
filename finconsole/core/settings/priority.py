"""Batch work yields the CPU to people typing.

An import or a retention run parses, validates and writes for seconds to minutes, on the same
machine (often the same two cores) as the consoles support staff type in. Run at a higher
niceness, as background batch jobs usually are, it takes the CPU the consoles leave: a
keystroke's search and repaint come first, the batch job finishes a little later. Helper
processes forked afterwards inherit the niceness.
"""

from __future__ import annotations

import os

from finconsole.core.settings import runtime


def run_as_batch() -> int:
    """Make this process at least as nice as ``[batch] nice``; returns its niceness now.

    Idempotent, and never less nice than it was started (``nice -n 15 finconsole import``
    keeps 15): an unprivileged process cannot lower its niceness again anyway."""
    wanted = int(runtime.settings("batch")["nice"])
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if wanted > current:
        os.setpriority(os.PRIO_PROCESS, 0, wanted)
    return os.getpriority(os.PRIO_PROCESS, 0)
