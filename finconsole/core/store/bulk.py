"""Writing many rows at once: ``COPY`` on PostgreSQL, ``executemany`` on SQLite; and reading
the rows of many keys with one parameter (``select_in``).

psycopg2's ``executemany`` sends one statement a row, a network round trip and a parse each:
an import of a million customers spent most of its time there (3,100 rows/s, 135x a bare
``COPY`` of the same file). ``COPY ... FROM STDIN`` streams the rows in one statement.
On SQLite the rows go a hundred to an INSERT (``sqlite_insert``): ``executemany`` of a
one-row statement pays a statement run a row (and, on an AUTOINCREMENT table, a rewrite of
its ``sqlite_sequence`` row each time), about a third of a customer insert's time.

Every value is written in COPY's text format (``copy_text``): text escaped, None as NULL,
booleans, numbers, dates and times, bytes. A constraint the database finds fails the whole
statement, as ``executemany`` fails at the first bad row: either way the caller's
transaction is rolled back; callers validate rows before they write them.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from itertools import chain
from typing import Any

from finconsole.core.store.models import database, is_sqlite

Rows = Sequence[Sequence[Any]]
SQLITE_ROWS = 100  # rows of one INSERT's VALUES list
SQLITE_VALUES = 999  # bound values a statement (SQLite's limit in builds older than 3.32)
# PostgreSQL: the rows of one ``bulk_update`` statement (psycopg 3 binds its parameters on
# the server, at most 65,535 a statement)
UPDATE_ROWS = 1000
STAGE = "bulk_stage"  # PostgreSQL: a temporary table of ``insert_new``, dropped at once


def select_in(query: str, values: Sequence[Any]) -> list[tuple]:
    """``query`` with one ``IN ({})`` placeholder, filled with a subquery of ``values``."""
    out: list[tuple] = []
    values = list(dict.fromkeys(values))
    if not values:
        return out
    if is_sqlite():
        # the whole list as one JSON parameter: one statement a chunk instead of one per 500
        # values (preparing and binding them cost more than the index lookups)
        subquery = "SELECT value FROM json_each(?)"
        return list(database.execute_sql(query.format(subquery), (json.dumps(values),)))
    # PostgreSQL: the list as one array parameter too; 20 IN-lists of 500 values took 10x as
    # long (a statement to plan each), a sixth of an import's time
    query = query.format("SELECT unnest(?)").replace("?", "%s")
    return list(database.execute_sql(query, (values,)))


def bulk_insert(table: str, columns: Sequence[str], rows: Rows) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table`` (quoted by the
    caller when it is a reserved word, e.g. ``'"order"'``)."""
    if not rows:
        return
    if is_sqlite():
        marks = "(" + ", ".join("?" for _ in columns) + ")"
        sqlite_insert(f"INSERT INTO {table} ({', '.join(columns)})", marks, rows)
        return
    copy_in(table, columns, rows)


def sqlite_insert(head: str, row: str, rows: Rows) -> None:
    """``head VALUES row, row, ...`` on SQLite, ``SQLITE_ROWS`` rows a statement: ``row`` is
    one row's ``(?, ..., constants)``, ``rows`` the values of its ``?``s, row by row."""
    if not rows:
        return
    per = max(1, min(SQLITE_ROWS, SQLITE_VALUES // max(1, row.count("?"))))
    full = len(rows) - len(rows) % per
    cursor = database.cursor()
    if full:
        cursor.executemany(
            f"{head} VALUES " + ", ".join([row] * per),
            [list(chain.from_iterable(rows[at : at + per])) for at in range(0, full, per)],
        )
    if full < len(rows):
        rest = rows[full:]
        cursor.execute(f"{head} VALUES " + ", ".join([row] * len(rest)), list(chain(*rest)))


def insert_new(table: str, columns: Sequence[str], rows: Rows) -> int:
    """Insert the rows a unique constraint does not already hold (``ON CONFLICT DO
    NOTHING``, duplicates within ``rows`` too); returns how many went in.

    PostgreSQL: COPY into a temporary table shaped like ``table``'s columns, then one
    ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``. The stage is filled and read in one
    statement each, in a savepoint, and dropped, so it never outlives the call."""
    if not rows:
        return 0
    names = ", ".join(columns)
    if is_sqlite():
        marks = ", ".join("?" for _ in columns)
        cursor = database.cursor()
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING", rows
        )
        return cursor.rowcount
    with database.atomic():
        database.execute_sql(
            f"CREATE TEMPORARY TABLE {STAGE} AS SELECT {names} FROM {table} WITH NO DATA"
        )
        copy_in(STAGE, columns, rows)
        # a new temporary table is read back in the order it was written: ids follow the rows
        inserted = database.execute_sql(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {STAGE} ON CONFLICT DO NOTHING"
        ).rowcount
        database.execute_sql(f"DROP TABLE {STAGE}")
    return inserted


def bulk_update(
    table: str, key: str, columns: Sequence[str], rows: Rows, *, also: str = ""
) -> None:
    """``UPDATE table SET columns WHERE key = ...`` for each row: the new values in the
    order of ``columns``, then the key. ``also``: more assignments of the table's own
    columns, the same for every row (``"version = version + 1"``).

    PostgreSQL: ``UPDATE ... FROM (VALUES ...)`` a thousand rows a statement, each value cast
    to its column's type (a VALUES list has no types of its own: a column of NULLs would be
    text)."""
    if not rows:
        return
    if is_sqlite():
        assignments = ", ".join([*(f"{c} = ?" for c in columns), *([also] if also else [])])
        database.cursor().executemany(f"UPDATE {table} SET {assignments} WHERE {key} = ?", rows)
        return
    types = column_types(table, [*columns, key])
    row_marks = "(" + ", ".join(f"%s::{t}" for t in types) + ")"
    assignments = ", ".join([*(f"{c} = v.{c}" for c in columns), *([also] if also else [])])
    names = ", ".join([*columns, key])
    for part in _statements(rows):
        database.execute_sql(
            f"UPDATE {table} AS t SET {assignments} FROM (VALUES "
            + ", ".join([row_marks] * len(part))
            + f") AS v ({names}) WHERE t.{key} = v.{key}",
            [value for row in part for value in row],
        )


def _statements(rows: Rows) -> Iterator[Rows]:
    """``rows`` cut into one statement's worth each. A key met again starts a new statement:
    UPDATE ... FROM applies one of a key's rows, where executemany applies each in turn."""
    part: list[Sequence[Any]] = []
    keys: set[Any] = set()
    for row in rows:
        if row[-1] in keys or len(part) >= UPDATE_ROWS:
            yield part
            part, keys = [], set()
        part.append(row)
        keys.add(row[-1])
    if part:
        yield part


def column_types(table: str, columns: Sequence[str]) -> list[str]:
    """PostgreSQL: the type of each of ``table``'s ``columns``, as SQL, without its length
    or precision: a cast to ``varchar(8)`` would cut a longer value short, where storing it
    in the column refuses it, as a plain UPDATE does."""
    found = dict(
        database.execute_sql(
            "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            (table,),
        ).fetchall()
    )
    return [found[column] for column in columns]


def copy_in(table: str, columns: Sequence[str], rows: Rows) -> None:
    """PostgreSQL: ``COPY table (columns) FROM STDIN`` of ``rows``."""
    cursor = database.cursor()
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    if hasattr(cursor, "copy_expert"):  # psycopg2
        cursor.copy_expert(sql, io.StringIO(copy_lines(rows, len(columns))))
    elif hasattr(cursor, "copy"):  # psycopg 3 writes each value by its own adapters
        with cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


# --- COPY's text format --------------------------------------------------------------------


def copy_lines(rows: Rows, width: int) -> str:
    """``rows`` in COPY's text format, a line each.

    Encoded a column at a time: a column of plain text or integers (most columns of an
    import) goes through C loops instead of a Python call per value, 4x faster."""
    if not rows:
        return ""
    columns = [_encoded_column([row[i] for row in rows]) for i in range(width)]
    return "\n".join(map("\t".join, zip(*columns))) + "\n"


_SPECIAL = ("\\", "\t", "\n", "\r")
_NONE = type(None)


def _encoded_column(values: list[Any]) -> list[str]:
    kinds = set(map(type, values))
    if kinds == {int}:
        return list(map(str, values))
    if kinds <= {str, _NONE}:
        text = [value for value in values if value is not None] if _NONE in kinds else values
        joined = "".join(text)  # one scan each for the characters that need escaping
        if any(char in joined for char in _SPECIAL):
            return list(map(copy_text, values))
        return [_null(v) if v is None else v for v in values] if _NONE in kinds else values
    return list(map(copy_text, values))


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    # a backslash, tab or newline would end the value or the row; the rest goes as it is
    # (a lone "\." line cannot occur: its backslash is doubled)
    return value.translate(_ESCAPES)


def _bytes(value: bytes | bytearray | memoryview) -> str:
    # bytea's hex form, \x..., with its backslash escaped for COPY
    return "\\\\x" + bytes(value).hex()


def _interval(value: dt.timedelta) -> str:
    return f"{value.days} days {value.seconds} seconds {value.microseconds} microseconds"


def _bool(value: bool) -> str:
    return "t" if value else "f"


def _null(value: None) -> str:
    return "\\N"


def _iso(value: dt.date | dt.time) -> str:
    # an aware datetime keeps its offset (a timestamptz column reads it; the register stores
    # naive UTC in timestamp columns, which ignore an offset)
    return value.isoformat()


_ENCODERS: dict[type, Callable[[Any], str]] = {
    str: _text,
    int: str,
    bool: _bool,
    type(None): _null,
    float: repr,  # round-trips; nan and inf as PostgreSQL reads them
    decimal.Decimal: str,
    dt.datetime: _iso,
    dt.date: _iso,
    dt.time: _iso,
    dt.timedelta: _interval,
    bytes: _bytes,
    bytearray: _bytes,
    memoryview: _bytes,
    uuid.UUID: str,
}


def copy_text(value: Any) -> str:
    """One value in COPY's text format (``\\N`` for None)."""
    encoder = _ENCODERS.get(type(value))
    if encoder is not None:
        return encoder(value)
    for kind, encoder in _ENCODERS.items():  # subclasses: an IntEnum, a str enum, a Path-like
        if isinstance(value, kind):
            return encoder(value)
    return _text(str(value))
