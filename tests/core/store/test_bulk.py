"""Bulk writes (``store.bulk``): COPY on PostgreSQL must store exactly what a parameterised
INSERT of the same values stores, whatever the values hold; SQLite keeps executemany."""

from __future__ import annotations

import datetime as dt
import decimal
import math
import uuid

import peewee as pw
import pytest

from finconsole.core.store import bulk
from finconsole.core.store.db import is_sqlite, write_transaction
from finconsole.core.store.models import database

NASTY_TEXT = [
    "tab\there",
    "line\nbreak",
    "carriage\rreturn\r\n",
    "back\\slash",
    "ends in a backslash\\",
    "\\N",  # the text, not NULL
    "\\.",  # COPY's old end-of-data line
    "\\x41",  # not a bytea escape: text
    "",
    " leading and trailing ",
    "quote ' and \" and ; and ,",
    "ünïcödé Åsa Öhman ✓ 🙂",
    "control \x01\x0b\x0c\x1b\x7f",
    "separators \u2028\u2029\x85",
    "\t\n\\\r",
]
WHEN = dt.datetime(2026, 3, 15, 12, 30, 45, 123456)


def _rows() -> list[tuple]:
    rows = []
    for n, text in enumerate(NASTY_TEXT, start=1):
        rows.append(
            (
                n,
                text,
                n % 2 == 0,
                WHEN + dt.timedelta(days=n),
                dt.date(2026, 1, n),
                n * 1.5 - 7,
                text.encode() + b"\x00\xff\\\t\n",
            )
        )
    rows.append((100, None, None, None, None, None, None))  # every column NULL
    rows.append((-(2**40), "big", True, dt.datetime(1, 1, 1), dt.date(9999, 12, 31), 1e-300, b""))
    rows.append((2**40, "inf", False, WHEN, dt.date(2000, 2, 29), math.inf, bytes(range(256))))
    return rows


COLUMNS = ("id", "t", "b", "ts", "d", "f", "raw")


def _make_tables() -> None:
    if is_sqlite():
        columns = "id INTEGER PRIMARY KEY, t TEXT, b BOOLEAN, ts DATETIME, d DATE, f REAL, raw BLOB"
    else:
        columns = (
            "id BIGINT PRIMARY KEY, t TEXT, b BOOLEAN, ts TIMESTAMP, d DATE, "
            "f DOUBLE PRECISION, raw BYTEA"
        )
    for name in ("by_bulk", "by_insert"):
        database.execute_sql(f"CREATE TEMPORARY TABLE {name} ({columns})")


def _plain_insert(table: str, columns, rows) -> None:
    marks = ", ".join([database.param] * len(columns))
    database.cursor().executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
    )


def _read(table: str, columns=COLUMNS) -> list[tuple]:
    rows = database.execute_sql(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")
    return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]


def test_bulk_insert_stores_what_a_plain_insert_stores(db):
    _make_tables()
    rows = _rows()
    with write_transaction():
        bulk.bulk_insert("by_bulk", COLUMNS, rows)
        _plain_insert("by_insert", COLUMNS, rows)
    stored = _read("by_bulk")
    assert stored == _read("by_insert")
    assert len(stored) == len(rows)
    texts = {row[0]: row[1] for row in stored}
    assert texts[1] == "tab\there" and texts[6] == "\\N" and texts[100] is None
    assert texts[9] == ""  # an empty text is not NULL
    if not is_sqlite():  # SQLite returns what it was given; PostgreSQL parsed every value
        assert stored == sorted(rows, key=lambda row: row[0])


@pytest.mark.parametrize("count", [1, 99, 100, 101, 250])
def test_sqlite_insert_writes_every_row_in_order_whatever_the_count(db, count):
    if not is_sqlite():
        pytest.skip("SQLite: PostgreSQL inserts with COPY")
    database.execute_sql("CREATE TEMPORARY TABLE t (id INTEGER PRIMARY KEY, name TEXT, k TEXT)")
    rows = [(n, f"name {n}") for n in range(1, count + 1)]
    with write_transaction():
        bulk.sqlite_insert("INSERT INTO t (id, name, k)", "(?, ?, 'same')", rows)
    stored = list(database.execute_sql("SELECT id, name, k FROM t ORDER BY id"))
    assert stored == [(n, name, "same") for n, name in rows]


def test_sqlite_insert_keeps_a_statement_within_the_bound_values_limit(db, monkeypatch):
    if not is_sqlite():
        pytest.skip("SQLite: PostgreSQL inserts with COPY")
    monkeypatch.setattr(bulk, "SQLITE_VALUES", 7)  # 3 values a row: 2 rows a statement
    database.execute_sql("CREATE TEMPORARY TABLE t (a INTEGER, b INTEGER, c INTEGER)")
    statements: list[str] = []
    database.connection().set_trace_callback(statements.append)
    try:
        with write_transaction():
            bulk.sqlite_insert(
                "INSERT INTO t (a, b, c)", "(?, ?, ?)", [(n, n, n) for n in range(5)]
            )
    finally:
        database.connection().set_trace_callback(None)
    assert [row[0] for row in database.execute_sql("SELECT a FROM t")] == [0, 1, 2, 3, 4]
    inserts = [s for s in statements if s.startswith("INSERT")]
    assert max(s.count("(") for s in inserts) == 3  # the column list and two rows


def test_every_type_the_driver_adapts_goes_through_copy_the_same(db):
    if is_sqlite():
        pytest.skip("PostgreSQL: SQLite's driver binds fewer types (no Decimal, time, UUID)")
    columns = ("id", "n", "tm", "iv", "u", "tz", "ts", "r", "v")
    types = "id INT, n NUMERIC(14,4), tm TIME, iv INTERVAL, u UUID, tz TIMESTAMPTZ, "
    types += "ts TIMESTAMP, r REAL, v VARCHAR(20)"
    for name in ("by_bulk", "by_insert"):
        database.execute_sql(f"CREATE TEMPORARY TABLE {name} ({types})")
    aware = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    rows = [
        (1, decimal.Decimal("-12.3400"), dt.time(23, 59, 59, 999999), dt.timedelta(days=-1))
        + (uuid.UUID(int=7), aware, WHEN, 0.1, "a\tb\\c"),
        (2, decimal.Decimal("1E+2"), dt.time(0, 0), dt.timedelta(seconds=1.5))
        + (uuid.uuid5(uuid.NAMESPACE_DNS, "x"), aware.astimezone(dt.UTC), WHEN, 2.5e-10, "\\N"),
        (3, decimal.Decimal("NaN"), None, dt.timedelta(days=400, microseconds=3))
        + (None, None, None, math.inf, None),
    ]
    with database.atomic():
        bulk.bulk_insert("by_bulk", columns, rows)
        _plain_insert("by_insert", columns, rows)
    by_bulk, by_insert = _read("by_bulk", columns), _read("by_insert", columns)
    assert str(by_bulk) == str(by_insert)  # (NaN is not equal to itself)
    assert by_bulk[0][1] == decimal.Decimal("-12.3400") and by_bulk[1][8] == "\\N"


def test_copy_text_escapes_what_would_end_a_value_or_a_row():
    assert bulk.copy_text("a\tb\nc\rd\\e") == "a\\tb\\nc\\rd\\\\e"
    assert bulk.copy_text(None) == "\\N" and bulk.copy_text("\\N") == "\\\\N"
    assert bulk.copy_text(True) == "t" and bulk.copy_text(0) == "0"
    assert bulk.copy_text(b"\x00\\") == "\\\\x005c"
    assert bulk.copy_text(WHEN) == "2026-03-15T12:30:45.123456"


def test_copy_lines_encode_each_column_whatever_its_values():
    rows = [
        (1, "plain", None, True, "a\\b"),
        (2, None, None, None, "c"),
        (3, "x", "\\N", False, ""),
    ]
    assert bulk.copy_lines(rows, 5) == (
        "1\tplain\t\\N\tt\ta\\\\b\n2\t\\N\t\\N\t\\N\tc\n3\tx\t\\\\N\tf\t\n"
    )
    assert bulk.copy_lines([], 3) == ""


def test_a_constraint_violation_rolls_back_the_whole_batch(db):
    _make_tables()
    rows = [(1, "first"), (2, "second"), (1, "the same key again")]
    # (IntegrityError on SQLite; psycopg2's UniqueViolation, as a DatabaseError, on PostgreSQL:
    # as an executemany of the same rows raises)
    with pytest.raises(pw.DatabaseError, match="UNIQUE|unique"):
        with write_transaction():
            bulk.bulk_insert("by_bulk", ("id", "t"), [(7, "written before")])
            bulk.bulk_insert("by_bulk", ("id", "t"), rows)
    assert _read("by_bulk", ("id", "t")) == []  # nothing half-written
    bulk.bulk_insert("by_bulk", ("id", "t"), rows[:2])  # the connection is usable again
    assert _read("by_bulk", ("id", "t")) == [(1, "first"), (2, "second")]


def test_insert_new_skips_rows_already_there_and_repeated(db):
    database.execute_sql(
        "CREATE TEMPORARY TABLE events (id "
        + ("INTEGER PRIMARY KEY AUTOINCREMENT" if is_sqlite() else "SERIAL PRIMARY KEY")
        + ", parcel INT NOT NULL, code VARCHAR(8) NOT NULL, note TEXT, UNIQUE (parcel, code))"
    )
    with write_transaction():
        assert bulk.insert_new("events", ("parcel", "code", "note"), [(1, "a", "x")]) == 1
    rows = [(2, "b", "tab\t"), (1, "a", "again"), (3, "c", None), (2, "b", "twice"), (4, "d", "")]
    with write_transaction():
        assert bulk.insert_new("events", ("parcel", "code", "note"), rows) == 3
        assert bulk.insert_new("events", ("parcel", "code", "note"), rows) == 0
    got = database.execute_sql("SELECT parcel, code, note FROM events ORDER BY id").fetchall()
    # the first of each key, in the order given (ids follow the rows)
    assert [tuple(r) for r in got] == [(1, "a", "x"), (2, "b", "tab\t"), (3, "c", None)] + [
        (4, "d", "")
    ]


def test_bulk_update_sets_the_named_columns_of_the_keyed_rows(db):
    _make_tables()
    rows = _rows()
    bulk.bulk_insert("by_bulk", COLUMNS, rows)
    bulk.bulk_insert("by_insert", COLUMNS, rows)
    # NULLs in a column (a VALUES list would type them as text), nasty text, other columns kept
    updates = [(None, "new\tline\n", WHEN, 1), (True, None, None, 100), (False, "\\N", None, 3)]
    with write_transaction():
        bulk.bulk_update("by_bulk", "id", ("b", "t", "ts"), updates)
        database.cursor().executemany(
            "UPDATE by_insert SET b = ?, t = ?, ts = ? WHERE id = ?".replace("?", database.param),
            updates,
        )
    stored = _read("by_bulk")
    assert stored == _read("by_insert")
    by_id = {row[0]: row for row in stored}
    assert by_id[1][:4] == (1, "new\tline\n", None, _stored(WHEN))
    assert by_id[100][1:3] == (None, True) and by_id[3][1] == "\\N"
    assert by_id[2][1] == NASTY_TEXT[1] and by_id[1][4:] == _read("by_insert")[1][4:]


def test_bulk_update_many_statements(db, monkeypatch):
    monkeypatch.setattr(bulk, "UPDATE_ROWS", 2)
    _make_tables()
    bulk.bulk_insert("by_bulk", ("id", "t"), [(n, "old") for n in range(1, 8)])
    bulk.bulk_update("by_bulk", "id", ("t",), [(f"new {n}", n) for n in range(1, 6)])
    assert [t for _, t in _read("by_bulk", ("id", "t"))] == [f"new {n}" for n in range(1, 6)] + [
        "old",
        "old",
    ]


def test_bulk_update_refuses_a_value_too_long_as_an_update_does(db):
    if is_sqlite():
        pytest.skip("PostgreSQL: SQLite does not enforce a VARCHAR's length")
    database.execute_sql("CREATE TEMPORARY TABLE short (id INT PRIMARY KEY, v VARCHAR(4), n INT)")
    database.execute_sql("INSERT INTO short VALUES (1, 'old', 0), (2, 'old', 0)")
    with pytest.raises(pw.DatabaseError, match="too long"):
        with write_transaction():
            bulk.bulk_update("short", "id", ("v",), [("ok", 1), ("far too long", 2)])
    bulk.bulk_update("short", "id", ("v",), [("new", 2)], also="n = n + 1")
    rows = database.execute_sql("SELECT id, v, n FROM short ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [(1, "old", 0), (2, "new", 1)]


def test_bulk_update_applies_rows_of_one_key_in_turn(db):
    _make_tables()
    bulk.bulk_insert("by_bulk", ("id", "t", "f"), [(1, "old", 0.0), (2, "old", 0.0)])
    rows = [("first", 1), ("second", 2), ("third", 1)]
    bulk.bulk_update("by_bulk", "id", ("t",), rows, also="f = f + 1")
    got = _read("by_bulk", ("id", "t", "f"))
    assert got == [(1, "third", 2.0), (2, "second", 1.0)]  # as executemany: each row in turn


def _stored(value: dt.datetime):
    """A datetime as the backend gives it back (SQLite: the text its driver wrote)."""
    return str(value) if is_sqlite() else value
