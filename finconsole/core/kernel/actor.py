"""Who is acting: every service call takes one."""

from __future__ import annotations

import os
import pwd
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
        return cls(user_id=None, username=f"cli:{os_user_name()}", role=OFFICER, channel="cli")

    @classmethod
    def system(cls) -> "Actor":
        """Scheduled work (retention runs started by the console itself)."""
        return cls(user_id=None, username="system", role=OFFICER, channel="system")


def os_user_name() -> str:
    """The account of the process's real user id, from the password database.

    Never ``LOGNAME``/``USER`` (what ``getpass.getuser`` reads first): anyone can set those,
    so ``LOGNAME=sanna finconsole backup x.db`` run as root would be audited as sanna.
    """
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # no passwd entry (some containers): the number is still the truth
        return f"uid{uid}"
