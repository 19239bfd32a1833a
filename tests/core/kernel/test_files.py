"""files.private_file: 0600 from the first byte, all or nothing."""

import os
import stat

import pytest

from finconsole.core.kernel.files import private_file, write_private


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_file_is_the_owners_alone(tmp_path):
    target = tmp_path / "export.json"
    write_private(target, "Äänekoski\n")
    assert target.read_text(encoding="utf-8") == "Äänekoski\n"
    assert _mode(target) == 0o600


def test_replacing_a_readable_file_makes_it_private(tmp_path):
    target = tmp_path / "letter.txt"
    target.write_text("old")
    target.chmod(0o644)
    write_private(target, "new")
    assert target.read_text() == "new"
    assert _mode(target) == 0o600


def test_an_error_half_way_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "audience.csv"
    target.write_text("complete old list")
    with pytest.raises(RuntimeError), private_file(target) as fh:
        fh.write("half of a new")
        raise RuntimeError("disk full")
    assert target.read_text() == "complete old list"
    assert [p.name for p in folder.iterdir()] == ["audience.csv"]


def test_a_stale_temporary_with_another_mode_is_not_reused(tmp_path):
    target = tmp_path / "config.toml"
    stale = tmp_path / f".config.toml.{os.getpid()}.tmp"
    stale.write_text("stale")
    stale.chmod(0o666)
    with private_file(target, "wb") as fh:
        fh.write(b"x = 1\n")
    assert target.read_bytes() == b"x = 1\n"
    assert _mode(target) == 0o600
    assert not stale.exists()
