"""ssh-session: the forced command of the SSH account (sshd's ``ForceCommand`` or an
authorized_keys ``command=``).

sshd puts what the client asked for in ``SSH_ORIGINAL_COMMAND``:

- nothing (``ssh -t finconsole@host``): the console (which refuses at once, in one line,
  when the client gave it no terminal);
- the sftp subsystem (``sftp``, and ``scp`` of OpenSSH 9+), which arrives as the command of
  sshd's ``Subsystem sftp`` line (``/usr/lib/openssh/sftp-server`` or ``internal-sftp``):
  an SFTP server confined to the files folder, every transfer audited;
- anything else (``ssh host ls``, legacy ``scp -O``, a shell): refused in one line, exit 1.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from finconsole.cli.context import Context, UsageError
from finconsole.core.kernel.actor import SUPPORT, Actor, os_user_name
from finconsole.core.kernel.errors import FinconsoleError

SFTP_PROGRAMS = {"sftp-server", "internal-sftp"}
LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
REFUSAL = (
    "this account serves only the console (ssh -t) and file transfer (sftp); "
    "run other commands on the server itself"
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ssh-session",
        help="the SSH account's forced command: the console, or sftp in the files folder",
    )
    p.add_argument(
        "--who",
        metavar="LABEL",
        help="who is transferring, for the audit trail (default: the comment of the SSH key's "
        "authorized_keys line, with sshd's ExposeAuthInfo yes; else the OS account)",
    )
    p.set_defaults(func=cmd_ssh_session)


def session_kind(original_command: str | None) -> str:
    """``console``, ``sftp`` or ``refused`` for the command the SSH client asked for."""
    words = (original_command or "").split()
    if not words:
        return "console"
    if os.path.basename(words[0]) in SFTP_PROGRAMS:
        return "sftp"
    return "refused"


def key_label(auth_info: str | None, authorized_keys: Path) -> str | None:
    """The comment of the authorized_keys line holding the key this session logged in with.

    sshd with ``ExposeAuthInfo yes`` names the key in the file ``$SSH_USER_AUTH``
    (``publickey ssh-ed25519 AAAA...``); the comment of its line (``sanna@laptop``) tells
    whose key it is, so the transfers of a shared account are audited per key.
    """
    if not auth_info:
        return None
    try:
        words = Path(auth_info).read_text().split()
        lines = authorized_keys.read_text().splitlines()
    except OSError:
        return None
    if len(words) < 3 or words[0] != "publickey":
        return None
    blob = words[2]
    for line in lines:
        fields = line.split()
        if blob in fields:
            comment = fields[fields.index(blob) + 1 :]
            if comment and LABEL.fullmatch(comment[0]):
                return comment[0]
    return None


def cmd_ssh_session(args: argparse.Namespace, ctx: Context) -> int:
    label = (
        args.who
        or key_label(os.environ.get("SSH_USER_AUTH"), Path.home() / ".ssh" / "authorized_keys")
        or os_user_name()
    )
    if not LABEL.fullmatch(label):
        raise UsageError("--who takes letters, digits and . _ @ - (at most 64)")
    kind = session_kind(os.environ.get("SSH_ORIGINAL_COMMAND"))
    if kind == "console":
        if ctx.open_console is None:
            raise FinconsoleError("no console in this program")
        return ctx.open_console(ctx.config, ctx.connect)
    if kind == "sftp":
        return serve_sftp(ctx, Actor(None, f"sftp:{label}", SUPPORT, "sftp"))
    raise FinconsoleError(REFUSAL)


def serve_sftp(ctx: Context, actor: Actor) -> int:
    from finconsole.core.access import audit
    from finconsole.core.transfer.folder import files_folder
    from finconsole.core.transfer.sftp import SftpServer

    ctx.connect()  # no database, no transfer: every transfer is audited
    folder = files_folder(ctx.config).ensure()

    def record(action: str, path: str, outcome: str) -> None:
        audit.record(actor, action, "file", fields=[path.replace(",", "_")], outcome=outcome)

    rfile = os.fdopen(os.dup(sys.stdin.fileno()), "rb", buffering=0)
    wfile = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    # nothing else may write to stdout now: it carries the protocol
    sys.stdout = sys.stderr
    with rfile, wfile:
        SftpServer(folder.root, record, rfile, wfile).serve()
    return 0
