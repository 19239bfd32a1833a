"""The console's file fields and the account's files folder (``[files] folder``).

Over SSH the officer cannot see the server's disk, so every field that names a file starts in
the files folder that sftp reaches: what is to be imported is offered from ``inbox/``, and
what the console writes (letters, exports) goes to ``outbox/`` unless an absolute path is
typed. The console always says the whole path it used.
"""

from __future__ import annotations

from pathlib import Path

from textual.suggester import SuggestFromList

from finconsole.core.settings.config import Config
from finconsole.core.transfer.folder import FilesFolder, files_folder


def folder_of(config: Config) -> FilesFolder:
    return files_folder(config)


def outbox_suggestion(config: Config, name: str) -> str:
    """The whole path a file called ``name`` would be saved to."""
    return str(folder_of(config).outbox / name)


def save_target(config: Config, typed: str) -> Path:
    """Where a typed save path points: a bare name goes into the outbox."""
    return folder_of(config).outbox_path(typed)


def inbox_files(config: Config) -> list[Path]:
    return folder_of(config).inbox_files()


def inbox_suggester(config: Config) -> SuggestFromList:
    """Completes a typed path to the inbox's files (-> accepts the suggestion)."""
    return SuggestFromList([str(p) for p in inbox_files(config)], case_sensitive=True)


def inbox_target(config: Config, typed: str) -> Path:
    """A typed import path: a bare name is taken from the inbox."""
    return folder_of(config).inbox_path(typed)


def inbox_listing(config: Config, limit: int = 8) -> str:
    """One line naming the inbox and what is in it (newest first)."""
    folder = folder_of(config)
    files = folder.inbox_files()
    if not files:
        return f"Inbox {folder.inbox}/ is empty: put the export there with sftp (put FILE inbox/)."
    names = ", ".join(p.name for p in files[:limit])
    more = f" and {len(files) - limit} more" if len(files) > limit else ""
    return f"In the inbox {folder.inbox}/: {names}{more}"
