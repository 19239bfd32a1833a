"""The register's own small facts (``Meta``: key -> text): schema flags, the key's
fingerprint, a pending restore, the audit chain's state. One reader and one writer for every
module that keeps such a fact."""

from __future__ import annotations

from finconsole.core.store.models import Meta


def get(key: str) -> str | None:
    row = Meta.get_or_none(Meta.key == key)
    return row.value if row else None


def put(key: str, value: str) -> None:
    """Set ``key`` (insert or replace)."""
    Meta.insert(key=key, value=value).on_conflict(
        conflict_target=[Meta.key], update={Meta.value: value}
    ).execute()


def remove(*keys: str) -> None:
    Meta.delete().where(Meta.key.in_(keys)).execute()
