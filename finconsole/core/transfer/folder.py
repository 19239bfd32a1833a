"""The account's files folder: ``inbox/`` (the shop's exports, to be imported) and ``outbox/``
(what the console writes: letters, exports, audience lists).

It is the one place file transfer reaches (``finconsole ssh-session`` serves sftp confined to
it), so an officer over SSH can put an export in and take a letter out without any other file
of the account (database, key file, config) being in reach. ``[files] folder`` in config.toml
names it (relative to the config file's folder); it is created mode 0700 when first used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from finconsole.core.kernel.errors import FinconsoleError
from finconsole.core.settings import runtime
from finconsole.core.settings.config import Config

INBOX = "inbox"
OUTBOX = "outbox"
SUBFOLDERS = (INBOX, OUTBOX)


@dataclass(frozen=True)
class FilesFolder:
    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / INBOX

    @property
    def outbox(self) -> Path:
        return self.root / OUTBOX

    def ensure(self) -> FilesFolder:
        """Create the folder and its inbox and outbox (mode 0700) if missing."""
        try:
            for path in (self.root, self.inbox, self.outbox):
                path.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise FinconsoleError(
                f"cannot create the files folder {self.root}: {exc.strerror}"
            ) from None
        return self

    def inbox_files(self) -> list[Path]:
        """Regular files in the inbox, newest first (hidden and partial files left out)."""
        try:
            entries = list(os.scandir(self.inbox))
        except FileNotFoundError:
            return []
        files = [
            e for e in entries if not e.name.startswith(".") and e.is_file(follow_symlinks=False)
        ]
        files.sort(key=lambda e: (-e.stat(follow_symlinks=False).st_mtime, e.name))
        return [Path(e.path) for e in files]

    def inbox_path(self, typed: str) -> Path:
        """A typed file name or path: a bare or relative name is taken from the inbox."""
        path = Path(typed).expanduser()
        return path if path.is_absolute() else self.inbox / path

    def outbox_path(self, typed: str) -> Path:
        """Where to save: a bare or relative name goes into the outbox (created if missing);
        an absolute path is kept as typed (a local console may save anywhere it can write)."""
        path = Path(typed).expanduser()
        if not path.is_absolute():
            path = self.outbox / path
        if path.parent == self.outbox:
            self.ensure()
        return path


def files_folder(config: Config | None = None) -> FilesFolder:
    """The files folder of ``config`` (default: the configuration in force)."""
    config = config or runtime.get_config()
    return FilesFolder(config.resolve(config["files"]["folder"]))
