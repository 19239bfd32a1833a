"""The index builder (demo, first import) never makes its scratch file: the writer does."""

import multiprocessing

from finconsole.core.store import index_apart


def test_the_builder_does_not_create_a_removed_scratch_file(tmp_path):
    # the writer removed the file (a SIGTERM unwound it) before the helper opened it
    folder = tmp_path / "register"
    folder.mkdir()
    path = folder / ".finconsole-demo-index-gone.db"
    documents, outcome = multiprocessing.Queue(), multiprocessing.Queue()
    index_apart._build(str(path), 0, documents, outcome)
    assert "cannot be opened" in outcome.get(timeout=5)
    assert list(folder.iterdir()) == []


def test_the_builder_opens_a_path_with_uri_characters(tmp_path):
    folder = tmp_path / "a b?c#d%"
    folder.mkdir()
    path = folder / ".finconsole-demo-index-x.db"
    path.touch()
    documents, outcome = multiprocessing.Queue(), multiprocessing.Queue()
    index_apart._build(str(path), 0, documents, outcome)
    assert outcome.get(timeout=5) is None
    assert [p.name for p in folder.iterdir()] == [path.name]
