"""Run the real ``finconsole`` program as a login would: under a pseudo-terminal, or with no
terminal at all, and find any of its processes left behind (by a marker in the environment)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
import uuid
from pathlib import Path

PROGRAM = [sys.executable, "-m", "finconsole"]


def make_register(folder: Path, *, officer: str | None = None) -> Path:
    """A config.toml and SQLite register in ``folder`` (and an officer account if named)."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.toml"
    run_cli(config, "init", "--db", f"sqlite:///{folder / 'register.db'}")
    if officer:
        run_cli(
            config,
            "user",
            "add",
            officer,
            "--role",
            "officer",
            "--password-stdin",
            stdin="correct horse battery\n",
        )
    return config


def run_cli(config: Path, *args: str, stdin: str = "", env: dict | None = None):
    out = subprocess.run(
        [*PROGRAM, "--config", str(config), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=clean_env(env),
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out


def clean_env(extra: dict | None = None, marker: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "FINCONSOLE_NO_TERMINAL_CHECK"}
    env["TERM"] = "xterm-256color"
    if marker:
        env["FINCONSOLE_TEST_MARKER"] = marker
    env.update(extra or {})
    return env


def new_marker() -> str:
    return f"fc-test-{uuid.uuid4().hex}"


class PtyConsole:
    """``finconsole --config PATH`` on a pseudo-terminal of 80x24, as ``ssh -t`` gives it."""

    def __init__(self, config: Path, marker: str, extra_env: dict | None = None) -> None:
        self.marker = marker
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: exec at once, nothing of pytest runs here
            try:
                os.execve(
                    PROGRAM[0],
                    [*PROGRAM, "--config", str(config)],
                    clean_env(extra_env, marker=marker),
                )
            finally:
                os._exit(127)
        self.output = b""
        self.status: int | None = None

    def read_until(self, needle: bytes, timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        while needle not in self.output and time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    self.output += os.read(self.fd, 65536)
                except OSError:  # the child closed the terminal
                    return needle in self.output
        return needle in self.output

    def wait(self, timeout: float = 20.0) -> int | None:
        """The exit status, or None if still running after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:  # what it wrote last may still wait in the terminal (a CI run missed it)
                self.drain()
                self.status = status
                return status
            self.drain()
            time.sleep(0.05)
        return None

    def drain(self) -> None:
        """Keep what the console wrote (it would block on a full terminal otherwise)."""
        try:
            while select.select([self.fd], [], [], 0)[0]:
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    break
                self.output += chunk
        except OSError:
            pass

    def close(self) -> None:
        if self.status is None:
            try:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        try:
            os.close(self.fd)
        except OSError:
            pass


def processes_with(marker: str) -> list[int]:
    """Pids of live processes whose environment carries ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().split(") ", 1)[1][0]
        except OSError:
            continue
        if marker.encode() in environ and state != "Z":
            found.append(int(entry.name))
    return found
