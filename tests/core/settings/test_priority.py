"""[batch] nice: imports and retention runs yield the CPU to the consoles (run in a child
process each: niceness only ever goes up for an unprivileged process)."""

import multiprocessing
import os

import pytest

from finconsole.core.kernel.errors import ConfigError
from finconsole.core.settings import config, priority, runtime


def _niceness_after(nice: int | None, start: int, queue) -> None:
    os.setpriority(os.PRIO_PROCESS, 0, start)
    data = config.defaults()
    if nice is not None:
        data["batch"]["nice"] = nice
    runtime.set_config(config.Config(data, None))
    first = priority.run_as_batch()
    queue.put((first, priority.run_as_batch(), os.getpriority(os.PRIO_PROCESS, 0)))


def niceness_after(nice: int | None, start: int = 0) -> tuple[int, int, int]:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_niceness_after, args=(nice, start, queue))
    child.start()
    child.join(30)
    return queue.get(timeout=5)


@pytest.fixture(autouse=True)
def not_already_nice():
    if os.getpriority(os.PRIO_PROCESS, 0) > 0:
        pytest.skip("the tests run niced already: the child could not start at 0")


def test_the_default_is_niceness_10_once_however_often_asked():
    assert config.defaults()["batch"]["nice"] == 10
    assert niceness_after(None) == (10, 10, 10)


def test_a_process_started_nicer_stays_as_nice():
    assert niceness_after(5, start=15) == (15, 15, 15)


def test_zero_leaves_the_priority_as_started():
    assert niceness_after(0) == (0, 0, 0)


def test_out_of_range_is_refused_naming_the_key(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[batch]\nnice = 25\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'batch\.nice' must be between 0 and 19"):
        config.load(str(path))
