"""PostgreSQL: rewrite a table into new files while consoles keep reading it.

``VACUUM FULL`` (``store.permanence``) holds an ACCESS EXCLUSIVE lock for the whole rewrite:
at a million customers every search waited 80-100 s for ``search_term``, as long again for
``search_doc``, and 5-50 s for ``customer``. The same result comes with the readers going on:

1. ``LOCK ... IN SHARE ROW EXCLUSIVE MODE``: writers wait, readers do not, and a second
   compaction (another console's) waits for this one rather than copy alongside;
2. a new table with the same columns, defaults and checks, filled with the rows every reader
   sees now, the same indexes built over it, then ``ANALYZE``;
3. a moment of ACCESS EXCLUSIVE (asked with a short ``lock_timeout``, tried again from a
   savepoint so the copy is not lost): the foreign keys that point at the table are dropped,
   the old table is dropped, the new one takes its name, its indexes' and constraints'
   names, its triggers and its serial sequences, and the foreign keys in and out are made
   again ``NOT VALID`` (enforced for every new row at once, no scan under the lock);
4. after the commit, ``VALIDATE CONSTRAINT`` checks the existing rows without blocking
   readers or writers (a validation a kill interrupted is done by the next compaction:
   ``validate_left``).

Steps 1-3 are one transaction: a kill or a full disk leaves the old table as it was, and the
new files go with the aborted transaction. The old table's files, which held the deleted
rows' bytes, are unlinked at the commit, as ``VACUUM FULL`` does with its old files. No row
deleted before the copy is copied (``VACUUM FULL`` also copies rows an older snapshot may
still see, and then has to be tried again).

Not MVCC-safe, as ``TRUNCATE`` is not: a REPEATABLE READ transaction that began before the
commit and reads the table only afterwards sees it empty. Nothing in finconsole reads in
REPEATABLE READ; ``pg_dump`` holds its locks from its start, so the swap waits for it (and the
compaction stays pending). Tables with what this does not carry over (views or rules reading
them, identity columns, grants or row security of their own, publications, inheritance,
exclusion constraints, constraint triggers, another owner) are not ``eligible``: they get
``VACUUM FULL``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import peewee as pw

from finconsole.core.store.models import database

SUFFIX = "__compact"
SWAP_LOCK_TIMEOUT = "200ms"  # readers queue behind the swap's lock request at most this long
SWAP_TRIES = 20
SHARE_LOCK_TIMEOUT = "2s"  # a writer's open transaction (an import's chunk) ends within it
SHARE_TRIES = 3
VALIDATE_LOCK_TIMEOUT = "5s"  # only autovacuum and other schema changes conflict
WORK_MEM = "256MB"  # maintenance_work_mem for the index builds
# CREATE [UNIQUE] INDEX name ON [ONLY] schema.table USING ...
_NAME = r'(?:"(?:[^"]|"")+"|\S+)'
_INDEX_DEF = re.compile(rf"^CREATE (UNIQUE )?INDEX {_NAME} ON (?:ONLY )?{_NAME} (USING .*)$", re.S)


@dataclass
class _Index:
    name: str
    definition: str  # pg_get_indexdef
    constraint: str  # the PRIMARY KEY or UNIQUE constraint it backs, or ''
    kind: str  # 'p', 'u' or ''


@dataclass
class _ForeignKey:
    table: str  # the table it is on
    name: str
    definition: str  # pg_get_constraintdef: FOREIGN KEY (...) REFERENCES ...


@dataclass
class _Shape:
    """What moves from the old table to the new one besides its rows."""

    indexes: list[_Index]
    keys: list[_ForeignKey]  # in and out (a key of the table to itself once)
    triggers: list[str]  # pg_get_triggerdef
    sequences: list[tuple[str, str]]  # (sequence, column) of its serial columns


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_NOT_CARRIED = (
    "SELECT 1 FROM pg_constraint WHERE conrelid = %(t)s AND contype = 'x'",
    "SELECT 1 FROM pg_trigger WHERE tgrelid = %(t)s AND NOT tgisinternal AND tgconstraint <> 0",
    # views and rules that read it; identity columns
    "SELECT 1 FROM pg_depend WHERE refobjid = %(t)s AND refclassid = 'pg_class'::regclass "
    "AND (classid = 'pg_rewrite'::regclass OR (deptype = 'i' AND objid IN "
    "(SELECT oid FROM pg_class WHERE relkind = 'S')))",
    "SELECT 1 FROM pg_publication_rel WHERE prrelid = %(t)s",
    "SELECT 1 FROM pg_inherits WHERE inhrelid = %(t)s OR inhparent = %(t)s",
    "SELECT 1 FROM pg_class WHERE oid = %(t)s AND (relacl IS NOT NULL OR relrowsecurity "
    "OR relkind <> 'r' OR relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user))",
    # a foreign key to it from a table someone else owns (we could not make it again)
    "SELECT 1 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE k.confrelid = "
    "%(t)s AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)",
)


def eligible(table: str) -> bool:
    """Whether everything tied to the table moves with it (see the module)."""
    oid = _oid(table)
    if oid is None:
        return False
    if any(database.execute_sql(check, {"t": oid}).fetchone() for check in _NOT_CARRIED):
        return False
    return all(_INDEX_DEF.match(index.definition) for index in _indexes(oid))


def _oid(table: str) -> int | None:
    row = database.execute_sql(
        "SELECT oid FROM pg_class WHERE relname = %s AND relnamespace = 'public'::regnamespace",
        (table,),
    ).fetchone()
    return row[0] if row else None


def _indexes(oid: int) -> list[_Index]:
    rows = database.execute_sql(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid), coalesce(k.conname, ''), "
        "coalesce(k.contype::text, '') FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid "
        "AND k.contype IN ('p', 'u') WHERE i.indrelid = %s ORDER BY c.relname",
        (oid,),
    ).fetchall()
    return [_Index(*row) for row in rows]


def _shape(oid: int) -> _Shape:
    keys = database.execute_sql(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND (conrelid = %(t)s OR confrelid = %(t)s) ORDER BY 1, 2",
        {"t": oid},
    ).fetchall()
    triggers = database.execute_sql(
        "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s AND NOT tgisinternal",
        (oid,),
    ).fetchall()
    sequences = database.execute_sql(
        "SELECT s.relname, a.attname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid "
        "AND s.relkind = 'S' JOIN pg_attribute a ON a.attrelid = d.refobjid "
        "AND a.attnum = d.refobjsubid WHERE d.refobjid = %s AND d.deptype = 'a'",
        (oid,),
    ).fetchall()
    return _Shape(
        _indexes(oid),
        [_ForeignKey(*key) for key in keys],
        [trigger for (trigger,) in triggers],
        [tuple(sequence) for sequence in sequences],
    )


def rewrite(table: str) -> str:
    """Rewrite ``table`` into new files; '' when done, else why not (nothing changed then).
    Call only for an ``eligible`` table."""
    for attempt in range(SHARE_TRIES):
        try:
            with database.atomic():
                keys = _rewrite(table)
        except _SwapMissed as missed:
            return f"consoles kept reading table {missed} for the swap of {table}'s new files"
        except pw.OperationalError as exc:
            if not is_lock_timeout(exc):
                raise
            if attempt + 1 < SHARE_TRIES:
                time.sleep(0.5)
            continue
        _validate(keys)
        return ""
    return f"other consoles kept table {table} busy"


def _rewrite(table: str) -> list[_ForeignKey]:
    """Steps 1-3 (see the module), in the caller's transaction; the foreign keys made again."""
    new = table + SUFFIX
    execute(f"SET LOCAL lock_timeout = '{SHARE_LOCK_TIMEOUT}'")
    execute(f"SET LOCAL maintenance_work_mem = '{WORK_MEM}'")
    execute(f"LOCK TABLE {quoted(table)} IN SHARE ROW EXCLUSIVE MODE")  # readers go on
    oid = _oid(table)
    assert oid is not None, table  # eligible() saw it
    shape = _shape(oid)
    execute(f"DROP TABLE IF EXISTS {quoted(new)}")
    execute(f"CREATE TABLE {quoted(new)} (LIKE {quoted(table)} INCLUDING ALL EXCLUDING INDEXES)")
    execute(f"INSERT INTO {quoted(new)} SELECT * FROM {quoted(table)}")
    for number, index in enumerate(shape.indexes):
        unique, rest = _index_parts(index)
        execute(
            f"CREATE {unique or ''}INDEX {quoted(_temporary(new, number))} ON {quoted(new)} {rest}"
        )
    execute(f"ANALYZE {quoted(new)}")
    execute(f"SET LOCAL lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
    for _ in range(SWAP_TRIES):
        try:
            with database.atomic():  # a savepoint: a lock timeout keeps the copy
                _swap(table, new, shape)
            return shape.keys
        except pw.OperationalError as exc:
            if not is_lock_timeout(exc):
                raise
            time.sleep(0.25)
    # rolls the copy back: nothing changed
    raise _SwapMissed(" or ".join(sorted({table, *(key.table for key in shape.keys)})))


def _swap(table: str, new: str, shape: _Shape) -> None:
    """Step 3: every statement's lock is asked with the short timeout."""
    execute(f"LOCK TABLE {quoted(table)} IN ACCESS EXCLUSIVE MODE")
    for key in shape.keys:
        execute(f"ALTER TABLE {key.table} DROP CONSTRAINT {quoted(key.name)}")
    for sequence, _column in shape.sequences:  # else they would go with the old table
        execute(f"ALTER SEQUENCE {quoted(sequence)} OWNED BY NONE")
    execute(f"DROP TABLE {quoted(table)}")
    execute(f"ALTER TABLE {quoted(new)} RENAME TO {quoted(table)}")
    for sequence, column in shape.sequences:
        execute(f"ALTER SEQUENCE {quoted(sequence)} OWNED BY {quoted(table)}.{quoted(column)}")
    for number, index in enumerate(shape.indexes):
        temporary = quoted(_temporary(new, number))
        if index.kind:  # the constraint takes the index and its name
            kind = "PRIMARY KEY" if index.kind == "p" else "UNIQUE"
            execute(
                f"ALTER TABLE {quoted(table)} ADD CONSTRAINT {quoted(index.constraint)} "
                f"{kind} USING INDEX {temporary}"
            )
        else:
            execute(f"ALTER INDEX {temporary} RENAME TO {quoted(index.name)}")
    for trigger in shape.triggers:
        execute(trigger)
    for key in shape.keys:
        execute(
            f"ALTER TABLE {key.table} ADD CONSTRAINT {quoted(key.name)} {key.definition} NOT VALID"
        )


class _SwapMissed(Exception):
    """The swap's locks were not had in time."""


def _validate(keys: list[_ForeignKey]) -> None:
    """Step 4: check the existing rows of the foreign keys made again; one a lock keeps from
    it now stays NOT VALID (still enforced for new rows) for ``validate_left``."""
    for key in keys:
        try:
            with database.atomic():
                execute(f"SET LOCAL lock_timeout = '{VALIDATE_LOCK_TIMEOUT}'")
                execute(f"ALTER TABLE {key.table} VALIDATE CONSTRAINT {quoted(key.name)}")
        except pw.OperationalError as exc:
            if not is_lock_timeout(exc):
                raise


def validate_left() -> None:
    """Validate the foreign keys an interrupted rewrite left NOT VALID."""
    rows = database.execute_sql(
        "SELECT conrelid::regclass::text, conname, '' FROM pg_constraint WHERE contype = 'f' "
        "AND NOT convalidated AND connamespace = 'public'::regnamespace"
    ).fetchall()
    _validate([_ForeignKey(*row) for row in rows])


def _index_parts(index: _Index) -> tuple[str | None, str]:
    """(``UNIQUE `` or None, ``USING ...``) of its definition; eligible() checked the form."""
    match = _INDEX_DEF.match(index.definition)
    assert match is not None, index.definition
    return match.group(1), match.group(2)


def _temporary(new: str, number: int) -> str:
    return f"{new}_{number}"


def execute(sql: str) -> None:
    """A statement with no parameters; its ``%`` (an index's LIKE pattern) kept as it is."""
    database.execute_sql(sql.replace("%", "%%"))


def is_lock_timeout(exc: BaseException) -> bool:
    """PostgreSQL's "canceling statement due to lock timeout" (55P03)."""
    return getattr(getattr(exc, "orig", exc), "pgcode", None) == "55P03" or (
        "lock timeout" in str(exc)
    )
