"""Scratch markers: a dead writer's files are removed by the next sweep, a live one's never."""

from __future__ import annotations

import os

import pytest

from finconsole.core.kernel import scratch


@pytest.fixture
def folder(tmp_path):
    scratch.set_folder(tmp_path / scratch.FOLDER_NAME)
    yield tmp_path
    scratch.set_folder(None)


def test_a_live_writers_files_are_left_alone(folder):
    part = folder / "b.db.part"
    with scratch.marked(part):
        part.write_bytes(b"personal data")
        assert scratch.sweep() == []  # this process holds the marker's lock
        assert part.exists()
    assert list((folder / scratch.FOLDER_NAME).iterdir()) == []


def test_a_dead_writers_files_are_removed(folder):
    part = folder / "b.db.part"
    pid = os.fork()
    if pid == 0:  # the writer: marks, writes, dies without any cleanup (as kill -9 does)
        with scratch.marked(part):
            part.write_bytes(b"personal data")
            (folder / "b.db.part-journal").write_bytes(b"journal")
            os._exit(0)
    os.waitpid(pid, 0)
    assert part.exists()
    removed = scratch.sweep()
    assert removed == [str(part)]
    assert not part.exists() and not (folder / "b.db.part-journal").exists()
    assert list((folder / scratch.FOLDER_NAME).iterdir()) == []


def test_a_check_is_handed_to_the_sweep(folder):
    seen = []
    pid = os.fork()
    if pid == 0:
        with scratch.marked() as marker:
            marker.check({"kind": "backup", "id": "x"})
            os._exit(0)
    os.waitpid(pid, 0)
    scratch.sweep(seen.append)
    assert seen == [{"kind": "backup", "id": "x"}]


def test_without_a_folder_nothing_is_marked(tmp_path):
    scratch.set_folder(None)
    with scratch.marked(tmp_path / "x.part") as marker:
        assert marker.path is None
    assert scratch.sweep() == []
