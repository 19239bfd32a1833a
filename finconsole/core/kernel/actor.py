"""Who is acting: every service call takes one."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

OFFICER = "officer"
SUPPORT = "support"
ROLES = (OFFICER, SUPPORT)


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    role: str
    channel: str  # "tui" or "cli"

    @property
    def is_officer(self) -> bool:
        return self.role == OFFICER

    @classmethod
    def cli(cls) -> "Actor":
        """The operating-system user running a command: audited as ``cli:NAME``.

        Whoever can run the command line can read the database file, so it acts as officer.
        """
        try:
            name = getpass.getuser()
        except Exception:  # no passwd entry in some containers
            name = "unknown"
        return cls(user_id=None, username=f"cli:{name}", role=OFFICER, channel="cli")

    @classmethod
    def system(cls) -> "Actor":
        """Scheduled work (retention runs started by the console itself)."""
        return cls(user_id=None, username="system", role=OFFICER, channel="system")
