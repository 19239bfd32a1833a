"""An SFTP (version 3) server on stdin/stdout, confined to the files folder, every transfer
audited.

``finconsole ssh-session`` runs it when the SSH client asks for the sftp subsystem (``sftp``,
and ``scp`` of OpenSSH 9+, which speaks sftp). OpenSSH's own ``sftp-server`` cannot be held
inside a folder without a root-owned chroot, which would also hold the console (and its
Python) inside it; this server is small instead: the client sees the files folder as ``/``
with ``inbox/`` and ``outbox/`` in it, nothing outside can be named (``..`` stops at ``/``,
symbolic links are refused), files are created mode 0600, new files may be written only in
the inbox and outbox, and folders, links and permissions cannot be made or changed.

Audit events (actor ``sftp:LABEL``, channel ``sftp``; the relative path as the event's field):
``file_download`` when a file is opened for reading, ``file_upload`` when a written file is
closed, ``file_remove`` and ``file_rename``; a refused attempt is recorded with outcome
``refused``. An upload whose event cannot be written is removed again.
"""

from __future__ import annotations

import os
import posixpath
import stat
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from finconsole.core.transfer.folder import SUBFOLDERS

# Packet types (draft-ietf-secsh-filexfer-02)
INIT, VERSION, OPEN, CLOSE, READ, WRITE, LSTAT, FSTAT, SETSTAT, FSETSTAT = range(1, 11)
OPENDIR, READDIR, REMOVE, MKDIR, RMDIR, REALPATH, STAT, RENAME, READLINK, SYMLINK = range(11, 21)
STATUS, HANDLE, DATA, NAME, ATTRS = 101, 102, 103, 104, 105
EXTENDED = 200
# Status codes
OK, EOF, NO_SUCH_FILE, PERMISSION_DENIED, FAILURE, BAD_MESSAGE = 0, 1, 2, 3, 4, 5
OP_UNSUPPORTED = 8
# Open flags and attribute flags
FXF_READ, FXF_WRITE, FXF_APPEND, FXF_CREAT, FXF_TRUNC, FXF_EXCL = 1, 2, 4, 8, 0x10, 0x20
ATTR_SIZE, ATTR_UIDGID, ATTR_PERMISSIONS, ATTR_ACMODTIME = 1, 2, 4, 8
ATTR_EXTENDED = 0x80000000

MAX_PACKET = 256 * 1024  # OpenSSH's clients send at most 256 KiB
MAX_READ = 64 * 1024

# (action, relative path, outcome) -> None; raises if the event cannot be written
Auditor = Callable[[str, str, str], None]


class Refused(Exception):
    """A request the server answers with a status code (and a message for the client)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Reader:
    """Fields of one packet."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise Refused(BAD_MESSAGE, "bad message")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def u32(self) -> int:
        return int(struct.unpack(">I", self.take(4))[0])

    def u64(self) -> int:
        return int(struct.unpack(">Q", self.take(8))[0])

    def string(self) -> bytes:
        return self.take(self.u32())

    def text(self) -> str:
        return self.string().decode("utf-8", "surrogateescape")

    def attrs(self) -> None:
        """Read (and ignore) an ATTRS block: sizes, owners and modes are never set."""
        flags = self.u32()
        if flags & ATTR_SIZE:
            self.u64()
        if flags & ATTR_UIDGID:
            self.take(8)
        if flags & ATTR_PERMISSIONS:
            self.u32()
        if flags & ATTR_ACMODTIME:
            self.take(8)
        if flags & ATTR_EXTENDED:
            for _ in range(self.u32()):
                self.string()
                self.string()


def u32(value: int) -> bytes:
    return struct.pack(">I", value)


def string(value: bytes | str) -> bytes:
    raw = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value
    return u32(len(raw)) + raw


def encode_attrs(st: os.stat_result) -> bytes:
    flags = ATTR_SIZE | ATTR_UIDGID | ATTR_PERMISSIONS | ATTR_ACMODTIME
    return (
        u32(flags)
        + struct.pack(">Q", st.st_size)
        + u32(st.st_uid)
        + u32(st.st_gid)
        + u32(st.st_mode)
        + u32(int(st.st_atime) & 0xFFFFFFFF)
        + u32(int(st.st_mtime) & 0xFFFFFFFF)
    )


def long_name(name: str, st: os.stat_result) -> str:
    """The ``ls -l`` line sftp shows."""
    when = time.strftime("%b %d %H:%M", time.localtime(st.st_mtime))
    return f"{stat.filemode(st.st_mode)} 1 {st.st_uid} {st.st_gid} {st.st_size:>10} {when} {name}"


@dataclass
class OpenFile:
    virtual: str
    fh: BinaryIO
    writing: bool
    written: int = 0


@dataclass
class OpenDir:
    virtual: str
    names: list[str] | None = field(default=None)


class SftpServer:
    """One sftp session over ``rfile``/``wfile`` (binary streams), confined to ``root``."""

    def __init__(self, root: Path, audit: Auditor, rfile: BinaryIO, wfile: BinaryIO) -> None:
        self.root = Path(os.path.realpath(root))
        self.audit = audit
        self.rfile = rfile
        self.wfile = wfile
        self.handles: dict[bytes, OpenFile | OpenDir] = {}
        self.next_handle = 0

    # --- the loop -----------------------------------------------------------------------------

    def serve(self) -> None:
        """Answer requests until the client closes the stream."""
        try:
            while (packet := self.read_packet()) is not None:
                self.dispatch(packet)
        finally:
            self.close_all()

    def read_packet(self) -> bytes | None:
        head = self.read_exact(4)
        if head is None:
            return None
        (length,) = struct.unpack(">I", head)
        if length < 1 or length > MAX_PACKET + 1024:
            return None  # not an sftp client: end the session
        return self.read_exact(length)

    def read_exact(self, n: int) -> bytes | None:
        data = b""
        while len(data) < n:
            chunk = self.rfile.read(n - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def send(self, kind: int, body: bytes) -> None:
        self.wfile.write(u32(len(body) + 1) + bytes([kind]) + body)
        self.wfile.flush()

    def status(self, request: int, code: int, message: str = "") -> None:
        self.send(STATUS, u32(request) + u32(code) + string(message) + string(""))

    def dispatch(self, packet: bytes) -> None:
        kind, reader = packet[0], Reader(packet[1:])
        if kind == INIT:
            self.send(VERSION, u32(3))
            return
        try:
            request = reader.u32()
        except Refused:
            return
        handler = self.HANDLERS.get(kind)
        try:
            if handler is None:
                raise Refused(OP_UNSUPPORTED, "not supported here")
            handler(self, request, reader)
        except Refused as exc:
            self.status(request, exc.code, exc.message)
        except OSError as exc:
            self.status(request, os_status(exc), exc.strerror or "failed")
        except Exception:  # noqa: BLE001 - the audit trail could not be written: refuse
            self.status(request, FAILURE, "refused: the transfer could not be audited")

    # --- paths --------------------------------------------------------------------------------

    def virtual(self, raw: str) -> str:
        """The client's path as an absolute path inside the folder (``..`` stops at ``/``)."""
        return posixpath.normpath(posixpath.join("/", raw or "."))

    def real(self, virtual: str) -> Path:
        """The real path of ``virtual``; refused if it, or a folder on the way, is a link
        (a link could point outside the folder)."""
        path = self.root
        for part in [p for p in virtual.split("/") if p]:
            path = path / part
            if path.is_symlink():
                raise Refused(PERMISSION_DENIED, "links are not followed here")
        return path

    @staticmethod
    def writable(virtual: str) -> bool:
        """New files, renames and removals only directly inside inbox/ and outbox/."""
        parts = [p for p in virtual.split("/") if p]
        return len(parts) == 2 and parts[0] in SUBFOLDERS and not parts[1].startswith(".")

    def new_handle(self, item: OpenFile | OpenDir) -> bytes:
        self.next_handle += 1
        handle = str(self.next_handle).encode()
        self.handles[handle] = item
        return handle

    def audited(self, action: str, *virtuals: str, outcome: str = "ok") -> None:
        """The event names files as the folder lists them (``inbox/x.csv``, no leading /)."""
        self.audit(action, " -> ".join(v.lstrip("/") for v in virtuals), outcome)

    def refuse(self, action: str, virtual: str, message: str) -> Refused:
        self.audited(action, virtual, outcome="refused")
        return Refused(PERMISSION_DENIED, message)

    # --- requests -----------------------------------------------------------------------------

    def do_realpath(self, request: int, reader: Reader) -> None:
        virtual = self.virtual(reader.text())
        os.stat(self.real(virtual))  # a name that does not exist is refused, as OpenSSH does
        self.send(NAME, u32(request) + u32(1) + string(virtual) + string(virtual) + u32(0))

    def do_stat(self, request: int, reader: Reader) -> None:
        st = os.stat(self.real(self.virtual(reader.text())))
        self.send(ATTRS, u32(request) + encode_attrs(st))

    def do_fstat(self, request: int, reader: Reader) -> None:
        item = self.handles.get(reader.string())
        if not isinstance(item, OpenFile):
            raise Refused(FAILURE, "no such handle")
        self.send(ATTRS, u32(request) + encode_attrs(os.fstat(item.fh.fileno())))

    def do_setstat(self, request: int, reader: Reader) -> None:
        # `put -p` sets times and modes: accepted and ignored (files stay mode 0600)
        self.status(request, OK)

    def do_open(self, request: int, reader: Reader) -> None:
        virtual = self.virtual(reader.text())
        flags = reader.u32()
        reader.attrs()
        path = self.real(virtual)
        if flags & (FXF_WRITE | FXF_APPEND | FXF_CREAT | FXF_TRUNC):
            handle = self.open_for_writing(virtual, path, flags)
        else:
            handle = self.open_for_reading(virtual, path)
        self.send(HANDLE, u32(request) + string(handle))

    def open_for_reading(self, virtual: str, path: Path) -> bytes:
        if not path.is_file():
            raise Refused(NO_SUCH_FILE, "no such file")
        fh = open(path, "rb")  # noqa: SIM115 - closed on CLOSE or at the end of the session
        try:
            self.audited("file_download", virtual)
        except BaseException:
            fh.close()
            raise
        return self.new_handle(OpenFile(virtual, fh, writing=False))

    def open_for_writing(self, virtual: str, path: Path, flags: int) -> bytes:
        if not self.writable(virtual):
            raise self.refuse(
                "file_upload", virtual, "files go into inbox/ (or outbox/), nowhere else"
            )
        os_flags = os.O_WRONLY | os.O_CREAT
        if flags & FXF_TRUNC:
            os_flags |= os.O_TRUNC
        if flags & FXF_EXCL:
            os_flags |= os.O_EXCL
        if flags & FXF_APPEND:
            os_flags |= os.O_APPEND
        if flags & FXF_READ:
            os_flags = (os_flags & ~os.O_WRONLY) | os.O_RDWR
        fd = os.open(path, os_flags | os.O_NOFOLLOW, 0o600)
        return self.new_handle(OpenFile(virtual, os.fdopen(fd, "r+b" if flags & 1 else "wb"), True))

    def do_read(self, request: int, reader: Reader) -> None:
        item = self.handles.get(reader.string())
        offset, length = reader.u64(), reader.u32()
        if not isinstance(item, OpenFile):
            raise Refused(FAILURE, "no such handle")
        item.fh.seek(offset)
        data = item.fh.read(min(length, MAX_READ))
        if not data:
            raise Refused(EOF, "end of file")
        self.send(DATA, u32(request) + string(data))

    def do_write(self, request: int, reader: Reader) -> None:
        item = self.handles.get(reader.string())
        offset, data = reader.u64(), reader.string()
        if not isinstance(item, OpenFile) or not item.writing:
            raise Refused(FAILURE, "no such handle")
        item.fh.seek(offset)
        item.fh.write(data)
        item.written += len(data)
        self.status(request, OK)

    def do_close(self, request: int, reader: Reader) -> None:
        item = self.handles.pop(reader.string(), None)
        if item is None:
            raise Refused(FAILURE, "no such handle")
        if isinstance(item, OpenFile):
            item.fh.close()
            if item.writing:
                self.audit_upload(item)
        self.status(request, OK)

    def audit_upload(self, item: OpenFile) -> None:
        try:
            self.audited("file_upload", item.virtual)
        except BaseException:
            # no file without its event: the upload is undone
            self.real(item.virtual).unlink(missing_ok=True)
            raise

    def do_opendir(self, request: int, reader: Reader) -> None:
        virtual = self.virtual(reader.text())
        if not self.real(virtual).is_dir():
            raise Refused(NO_SUCH_FILE, "no such folder")
        self.send(HANDLE, u32(request) + string(self.new_handle(OpenDir(virtual))))

    def do_readdir(self, request: int, reader: Reader) -> None:
        item = self.handles.get(reader.string())
        if not isinstance(item, OpenDir):
            raise Refused(FAILURE, "no such handle")
        if item.names is not None:
            raise Refused(EOF, "end of folder")
        folder = self.real(item.virtual)
        item.names = sorted(os.listdir(folder))
        entries = []  # joined once: += on bytes copies the whole body for every name
        for name in item.names:
            st = os.lstat(folder / name)
            entries.append(string(name) + string(long_name(name, st)) + encode_attrs(st))
        self.send(NAME, u32(request) + u32(len(item.names)) + b"".join(entries))

    def do_remove(self, request: int, reader: Reader) -> None:
        virtual = self.virtual(reader.text())
        if not self.writable(virtual):
            raise self.refuse("file_remove", virtual, "only files in inbox/ and outbox/")
        path = self.real(virtual)
        if not path.is_file():
            raise Refused(NO_SUCH_FILE, "no such file")
        path.unlink()
        self.audited("file_remove", virtual)
        self.status(request, OK)

    def do_rename(self, request: int, reader: Reader) -> None:
        old, new = self.virtual(reader.text()), self.virtual(reader.text())
        if not (self.writable(old) and self.writable(new)):
            raise self.refuse("file_rename", old, "only files in inbox/ and outbox/")
        source, target = self.real(old), self.real(new)
        if target.exists():
            raise Refused(FAILURE, "a file of that name exists")
        os.rename(source, target)
        self.audited("file_rename", old, new)
        self.status(request, OK)

    def do_forbidden(self, request: int, reader: Reader) -> None:
        raise Refused(PERMISSION_DENIED, "folders and links cannot be made or changed here")

    def close_all(self) -> None:
        """The client went away: close what it left open (a partial upload is removed)."""
        for item in self.handles.values():
            if isinstance(item, OpenFile):
                item.fh.close()
                if item.writing:
                    self.real(item.virtual).unlink(missing_ok=True)
        self.handles.clear()

    HANDLERS: dict[int, Callable[[SftpServer, int, Reader], None]] = {
        REALPATH: do_realpath,
        STAT: do_stat,
        LSTAT: do_stat,
        FSTAT: do_fstat,
        SETSTAT: do_setstat,
        FSETSTAT: do_setstat,
        OPEN: do_open,
        READ: do_read,
        WRITE: do_write,
        CLOSE: do_close,
        OPENDIR: do_opendir,
        READDIR: do_readdir,
        REMOVE: do_remove,
        RENAME: do_rename,
        MKDIR: do_forbidden,
        RMDIR: do_forbidden,
        SYMLINK: do_forbidden,
        READLINK: do_forbidden,
    }


def os_status(exc: OSError) -> int:
    if isinstance(exc, FileNotFoundError):
        return NO_SUCH_FILE
    if isinstance(exc, PermissionError):
        return PERMISSION_DENIED
    return FAILURE
