"""finconsole ssh-session: the console, sftp confined to the files folder, or a refusal."""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from finconsole.cli.commands.ssh import session_kind
from finconsole.core.transfer import sftp
from finconsole.core.transfer.folder import FilesFolder
from tests.terminal_helpers import PROGRAM, clean_env, make_register, run_cli


@pytest.fixture
def config(tmp_path):
    return make_register(tmp_path / "account", officer="kaj")


def session(config: Path, original: str | None, *, stdin=subprocess.DEVNULL):
    env = clean_env()
    env.pop("SSH_ORIGINAL_COMMAND", None)
    if original is not None:
        env["SSH_ORIGINAL_COMMAND"] = original
    return subprocess.run(
        [*PROGRAM, "--config", str(config), "ssh-session"],
        stdin=stdin,
        capture_output=True,
        env=env,
        timeout=60,
    )


def test_what_the_client_asked_for_decides_the_session():
    assert session_kind(None) == session_kind("") == session_kind("  ") == "console"
    assert session_kind("/usr/lib/openssh/sftp-server") == "sftp"
    assert session_kind("internal-sftp") == "sftp"
    assert session_kind("/usr/libexec/sftp-server -l INFO") == "sftp"
    for other in ("ls", "scp -t inbox/", "bash", "finconsole backup x.db", "sftp-server2"):
        assert session_kind(other) == "refused", other


@pytest.mark.parametrize("command", ["ls -la", "scp -t inbox/", "sh -c id"])
def test_any_other_command_is_refused_in_one_line(config, command):
    out = session(config, command)
    assert out.returncode == 1 and out.stdout == b""
    lines = out.stderr.decode().splitlines()
    assert len(lines) == 1 and "only the console" in lines[0]


def test_an_interactive_session_without_a_terminal_is_refused_at_once(config):
    out = session(config, None)  # `ssh -T host </dev/null`
    assert out.returncode == 2 and out.stdout == b""
    assert "needs a terminal" in out.stderr.decode()


def test_a_who_label_with_odd_characters_is_a_usage_error(config):
    env = clean_env({"SSH_ORIGINAL_COMMAND": "internal-sftp"})
    out = subprocess.run(
        [*PROGRAM, "--config", str(config), "ssh-session", "--who", "a b;rm"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 2 and out.stdout == b""


# --- sftp through OpenSSH's own client, connected straight to the session (sftp -D) ----------

needs_sftp = pytest.mark.skipif(
    shutil.which("sftp") is None, reason="OpenSSH's sftp client is not installed"
)


def sftp_batch(config: Path, tmp_path: Path, commands: str, who: str = "sanna"):
    server = tmp_path / "server.sh"
    server.write_text(
        "#!/bin/sh\n"
        f"SSH_ORIGINAL_COMMAND=/usr/lib/openssh/sftp-server exec {sys.executable} -m finconsole "
        f"--config {config} ssh-session --who {who}\n"
    )
    server.chmod(0o700)
    return subprocess.run(
        ["sftp", "-b", "-", "-D", str(server)],
        input=commands.encode(),
        capture_output=True,
        cwd=tmp_path,
        env=clean_env(),
        timeout=120,
    )


def audit_lines(config: Path) -> list[str]:
    out = run_cli(config, "audit", "show", "--limit", "50")
    return [line for line in out.stdout.splitlines() if "sftp:" in line]


@needs_sftp
def test_sftp_puts_into_the_inbox_and_gets_from_the_outbox_audited(config, tmp_path):
    (tmp_path / "orders.csv").write_text("Name,Email\n#1001,a@example.fi\n")
    outbox = config.parent / "files" / "outbox"
    outbox.mkdir(parents=True)
    (outbox / "letter.txt").write_text("Hei\n")
    out = sftp_batch(
        config, tmp_path, "put orders.csv inbox/\nls inbox\nget outbox/letter.txt got.txt\n"
    )
    assert out.returncode == 0, out.stderr
    landed = config.parent / "files" / "inbox" / "orders.csv"
    assert landed.read_text().startswith("Name,Email")
    assert stat.S_IMODE(landed.stat().st_mode) == 0o600
    assert (tmp_path / "got.txt").read_text() == "Hei\n"
    events = audit_lines(config)
    assert any("file_upload" in e and "inbox/orders.csv" in e and e.endswith("ok") for e in events)
    assert any("file_download" in e and "outbox/letter.txt" in e for e in events)
    assert all("sftp:sanna" in e for e in events)


@needs_sftp
def test_sftp_cannot_reach_outside_the_files_folder(config, tmp_path):
    (tmp_path / "x.csv").write_text("x\n")
    (config.parent / "files" / "outbox").mkdir(parents=True)
    os.symlink(config, config.parent / "files" / "outbox" / "config-link")
    out = sftp_batch(
        config,
        tmp_path,
        "-get ../config.toml a\n-get /../../config.toml b\n-get ../register.db c\n"
        "-get outbox/config-link d\n-put x.csv /\n-put x.csv ../\n-mkdir inbox/sub\n"
        "-symlink inbox/x.csv inbox/y\n-rm ../config.toml\n",
    )
    assert out.returncode == 0, out.stderr
    for name in "abcd":
        assert not (tmp_path / name).exists()
    assert (config.parent / "config.toml").exists()
    assert sorted(p.name for p in config.parent.iterdir()) == sorted(
        ["config.toml", "register.db", "finconsole.key", "audit-head.json", "files"]
        + [p.name for p in config.parent.iterdir() if p.name.startswith("register.db-")]
    )
    assert not (config.parent / "files" / "x.csv").exists()
    refused = [e for e in audit_lines(config) if e.endswith("refused")]
    assert any("file_upload" in e for e in refused)


# --- the server itself: an upload whose audit event fails is undone ----------------------------


def packet(kind: int, body: bytes) -> bytes:
    return sftp.u32(len(body) + 1) + bytes([kind]) + body


def test_an_upload_that_cannot_be_audited_is_removed(tmp_path):
    folder = FilesFolder(tmp_path / "files").ensure()

    def failing_audit(action: str, path: str, outcome: str) -> None:
        raise RuntimeError("database gone")

    flags = sftp.FXF_WRITE | sftp.FXF_CREAT | sftp.FXF_TRUNC
    requests = (
        packet(sftp.INIT, sftp.u32(3))
        + packet(
            sftp.OPEN, sftp.u32(1) + sftp.string("/inbox/a.csv") + sftp.u32(flags) + sftp.u32(0)
        )
        + packet(sftp.WRITE, sftp.u32(2) + sftp.string("1") + b"\0" * 8 + sftp.string("data"))
        + packet(sftp.CLOSE, sftp.u32(3) + sftp.string("1"))
    )
    replies = io.BytesIO()
    sftp.SftpServer(folder.root, failing_audit, io.BytesIO(requests), replies).serve()
    assert not (folder.inbox / "a.csv").exists()
    # the close is answered with a failure status saying why
    message = "refused: the transfer could not be audited"
    assert replies.getvalue().endswith(
        sftp.u32(sftp.FAILURE) + sftp.string(message) + sftp.string("")
    )


def test_inbox_files_are_listed_newest_first_without_hidden_ones(tmp_path):
    folder = FilesFolder(tmp_path / "files").ensure()
    for age, name in ((30, "old.csv"), (10, "new.csv"), (5, ".partial")):
        path = folder.inbox / name
        path.write_text("x")
        os.utime(path, (1_700_000_000 - age, 1_700_000_000 - age))
    (folder.inbox / "sub").mkdir()
    assert [p.name for p in folder.inbox_files()] == ["new.csv", "old.csv"]
    assert folder.inbox_path("new.csv") == folder.inbox / "new.csv"
    assert folder.outbox_path("letter.txt") == folder.outbox / "letter.txt"
    assert folder.outbox_path("/tmp/x.txt") == Path("/tmp/x.txt")
    assert stat.S_IMODE(folder.root.stat().st_mode) == 0o700


def test_the_key_s_comment_names_who_transferred(tmp_path):
    from finconsole.cli.commands.ssh import key_label

    keys = tmp_path / "authorized_keys"
    keys.write_text(
        "ssh-ed25519 AAAAother kaj@desk\n"
        "restrict,pty ssh-ed25519 AAAAmine sanna@laptop\n"
        "ssh-ed25519 AAAAbad rm;-rf\n"
    )
    info = tmp_path / "auth"
    info.write_text("publickey ssh-ed25519 AAAAmine\n")
    assert key_label(str(info), keys) == "sanna@laptop"
    info.write_text("publickey ssh-ed25519 AAAAbad\n")
    assert key_label(str(info), keys) is None  # a comment that is not a plain label: not used
    info.write_text("password\n")
    assert key_label(str(info), keys) is None
    assert key_label(None, keys) is None
    assert key_label(str(tmp_path / "missing"), keys) is None


@needs_sftp
def test_scp_of_openssh_9_speaks_sftp_and_lands_in_the_inbox(config, tmp_path):
    if shutil.which("scp") is None:
        pytest.skip("OpenSSH's scp is not installed")
    sftp_batch(config, tmp_path, "ls\n")  # writes server.sh
    fake_ssh = tmp_path / "ssh"
    fake_ssh.write_text(f"#!/bin/sh\nexec {tmp_path / 'server.sh'}\n")
    fake_ssh.chmod(0o700)
    (tmp_path / "c.csv").write_text("x\n")

    def scp(*args: str):
        return subprocess.run(
            ["scp", "-S", str(fake_ssh), *args],
            capture_output=True,
            cwd=tmp_path,
            env=clean_env(),
            timeout=120,
        )

    assert scp("c.csv", "host:inbox/").returncode == 0
    assert (config.parent / "files" / "inbox" / "c.csv").read_text() == "x\n"
    refused = scp("c.csv", "host:/")
    assert refused.returncode != 0 and b"Permission denied" in refused.stderr
