"""A first import's search index, built apart as the documents come: batches indexed at once
or put aside when the builder is behind (``search_index.build_index_apart``'s ``index_now``)
give the same index as the one pass at the end, and an id's last document wins."""

from __future__ import annotations

import itertools

import pytest

from finconsole.core.store import search_index as search
from finconsole.core.store.db import SQLITE_DRIVER

# the same customers named again later (an import's update of a customer it created): 2 and 4
BATCHES = [
    [(1, "aino virtanen"), (2, "eetu korhonen"), (3, "sanna oulu")],
    [(4, "mikko nieminen"), (2, "eetu uusikatu")],
    [(5, "helmi ohman"), (4, "mikko tampere")],
    [(2, "eetu lopulta"), (6, "kalle soderholm")],
]
LAST = {1: "aino virtanen", 2: "eetu lopulta", 3: "sanna oulu", 4: "mikko tampere"}
LAST |= {5: "helmi ohman", 6: "kalle soderholm"}


def built(tmp_path, answers) -> tuple[dict[int, str], list[int]]:
    """(rowid -> stored document, rowids a prefix query finds for 'eetu u')."""
    connection = SQLITE_DRIVER.connect(str(tmp_path / "apart.db"), isolation_level=None)
    index_now = None if answers is None else iter(answers).__next__
    search.build_index_apart(connection, BATCHES, index_now=index_now)
    fts = search.FTS_TABLE
    connection.execute(f"INSERT INTO {fts}({fts}) VALUES('integrity-check')")
    stored = dict(connection.execute(f"SELECT rowid, doc FROM {fts}"))
    found = [
        row[0]
        for row in connection.execute(
            f"SELECT rowid FROM {fts} WHERE {fts} MATCH ?", ('"korhonen"',)
        )
    ]
    connection.close()
    return stored, found


@pytest.mark.parametrize("answers", [None, *itertools.product((True, False), repeat=4)])
def test_every_mix_of_indexed_and_put_aside_batches_keeps_each_ids_last_document(tmp_path, answers):
    stored, found = built(tmp_path, answers)
    assert stored == LAST
    assert found == []  # 2's first document is gone from the index, not only from the store


def test_the_builder_indexes_as_they_come_when_the_queue_is_empty(tmp_path):
    stored, _ = built(tmp_path, [True] * 4)
    connection = SQLITE_DRIVER.connect(str(tmp_path / "apart.db"))
    tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master")]
    assert search.FTS_TABLE in tables and "index_later" not in tables  # nothing left behind


@pytest.mark.parametrize(
    ("batch", "newest", "new"),
    [
        ([(4, "a"), (5, "b"), (9, "c")], 3, True),
        ([(4, "a"), (5, "b")], 4, False),  # 4 is in already
        ([(7, "a"), (7, "b")], 3, False),  # named twice in one list
        ([(7, "a"), (6, "b")], 3, False),
        ([], 3, True),
    ],
)
def test_only_a_list_of_ids_none_indexed_yet_is_inserted_without_replacing(batch, newest, new):
    assert search._ascending_from(batch, newest) is new


def test_a_customer_named_twice_in_one_list_keeps_the_last_document(tmp_path):
    connection = SQLITE_DRIVER.connect(str(tmp_path / "apart.db"), isolation_level=None)
    batches = [[(1, "aino virtanen"), (2, "eetu korhonen")], [(3, "sanna"), (3, "sanna oulu")]]
    search.build_index_apart(connection, batches, index_now=lambda: True)
    assert dict(connection.execute(f"SELECT rowid, doc FROM {search.FTS_TABLE}")) == {
        1: "aino virtanen",
        2: "eetu korhonen",
        3: "sanna oulu",
    }
