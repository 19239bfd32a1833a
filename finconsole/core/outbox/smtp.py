"""Sending by SMTP to the shop's own mail server: the ``[mail]`` settings and one delivery.

``smtp_url`` is ``smtp://host:587`` (STARTTLS, the default) or ``smtps://host:465`` (TLS from
the first byte). ``tls = "none"`` is accepted only for a loopback host (a local relay such as
postfix on the same machine): mail to anywhere else goes over TLS whose certificate is verified
against the system's CAs (or ``ca_file``). A server that does not offer STARTTLS is not sent
to. The password is read from ``password_file`` or the ``password_env`` variable, never from
the config itself, and never appears in a message.

Errors are ``MailError`` with a reason that names no person (smtplib's own texts may quote the
recipient's address, so they are never passed on).
"""

from __future__ import annotations

import ipaddress
import os
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from finconsole.core.kernel.errors import ConfigError

TLS_MODES = ("starttls", "tls", "none")
KEYS = {
    "smtp_url": str,
    "tls": str,
    "user": str,
    "password_file": str,
    "password_env": str,
    "from": str,
    "reply_to": str,
    "ca_file": str,
    "timeout_seconds": int,
}
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}


class MailError(Exception):
    """A delivery failed. ``permanent``: trying again will not help (the address refused)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    tls: str
    sender: str
    reply_to: str = ""
    user: str = ""
    password_file: Path | None = None
    password_env: str = ""
    ca_file: Path | None = None
    timeout: float = 20.0

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def password(self) -> str:
        if self.password_file is not None:
            try:
                return self.password_file.read_text(encoding="utf-8").strip("\r\n")
            except OSError as exc:
                raise MailError(f"cannot read the mail password file: {exc.strerror}") from None
        if self.password_env:
            value = os.environ.get(self.password_env)
            if value is None:
                raise MailError(f"the environment variable {self.password_env} is not set")
            return value
        return ""


# --- the [mail] section ------------------------------------------------------------------------


def validate_config(section: dict[str, Any], where: str) -> None:
    """Check ``[mail]`` (an empty or absent section: no email is sent). Raises ConfigError."""
    if section:
        _parse(section, where)


def settings_from(section: dict[str, Any], base_dir: Path) -> MailSettings | None:
    """The settings in force, or None when ``[mail]`` names no server."""
    if not section or not section.get("smtp_url"):
        return None
    return _parse(section, "config", base_dir)


def _parse(section: dict[str, Any], where: str, base_dir: Path | None = None) -> MailSettings:
    for key, value in section.items():
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key '{key}' in [mail]")
        if not isinstance(value, KEYS[key]) or isinstance(value, bool):
            kind = "a string" if KEYS[key] is str else "a whole number"
            raise ConfigError(f"{where}: 'mail.{key}' must be {kind}")
    url = urlsplit(section.get("smtp_url", ""))
    if url.scheme not in DEFAULT_PORTS or not url.hostname:
        raise ConfigError(f"{where}: 'mail.smtp_url' must be smtp://HOST[:PORT] or smtps://...")
    try:
        port = url.port or DEFAULT_PORTS[url.scheme]
    except ValueError:
        raise ConfigError(f"{where}: 'mail.smtp_url' has a bad port") from None
    tls = section.get("tls") or ("tls" if url.scheme == "smtps" else "starttls")
    _check_tls(tls, url.scheme, url.hostname, where)
    sender = section.get("from", "")
    if "@" not in sender:
        raise ConfigError(f"{where}: 'mail.from' must be the address messages are sent from")
    if section.get("password_file") and section.get("password_env"):
        raise ConfigError(f"{where}: give 'mail.password_file' or 'mail.password_env', not both")
    base = base_dir or Path.cwd()
    return MailSettings(
        host=url.hostname,
        port=port,
        tls=tls,
        sender=sender,
        reply_to=section.get("reply_to", ""),
        user=section.get("user", ""),
        password_file=_path(section.get("password_file"), base),
        password_env=section.get("password_env", ""),
        ca_file=_path(section.get("ca_file"), base),
        timeout=float(section.get("timeout_seconds", 20)),
    )


def _check_tls(tls: str, scheme: str, host: str, where: str) -> None:
    if tls not in TLS_MODES:
        raise ConfigError(f"{where}: 'mail.tls' must be starttls, tls or none")
    if (scheme == "smtps") != (tls == "tls"):
        raise ConfigError(f"{where}: 'mail.tls = \"tls\"' goes with smtps://, the others smtp://")
    if tls == "none" and not is_loopback(host):
        raise ConfigError(
            f"{where}: 'mail.tls = \"none\"' only to a relay on this machine (localhost): "
            "mail to another host is sent over TLS"
        )


def _path(value: str | None, base: Path) -> Path | None:
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else base / path


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# --- sending -----------------------------------------------------------------------------------


def deliver(settings: MailSettings, message: EmailMessage) -> None:
    """Hand ``message`` to the server, or raise ``MailError`` saying why not (no address)."""
    try:
        with _open(settings) as server:
            _secure(server, settings)
            if settings.user:
                server.login(settings.user, settings.password())
            refused = server.send_message(message)
            if refused:
                raise MailError("the server refused the recipient", permanent=True)
    except MailError:
        raise
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({code for code, _ in exc.recipients.values()})
        raise MailError(_refused(codes), permanent=all(c >= 500 for c in codes)) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"the server refused the login ({exc.smtp_code})") from None
    except smtplib.SMTPResponseException as exc:
        code = exc.smtp_code
        raise MailError(f"the server answered {code}", permanent=code >= 550) from None
    except ssl.SSLCertVerificationError as exc:
        raise MailError(f"TLS certificate not accepted: {exc.verify_message}") from None
    except ssl.SSLError as exc:
        raise MailError(f"TLS failed: {exc.reason or 'handshake error'}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(_connection_reason(settings, exc)) from None


def _refused(codes: list[int]) -> str:
    return "the server refused the recipient (" + ", ".join(str(c) for c in codes) + ")"


def _connection_reason(settings: MailSettings, exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return f"no answer from {settings.where} in {settings.timeout:g} s"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"{settings.where} closed the connection"
    if isinstance(exc, socket.gaierror):
        return f"cannot find the mail server {settings.host}"
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot connect to {settings.where}: {exc.strerror}"
    return f"cannot send through {settings.where} ({type(exc).__name__})"


def _context(settings: MailSettings) -> ssl.SSLContext:
    """Verified TLS: the certificate must chain to a trusted CA and name the host."""
    cafile = str(settings.ca_file) if settings.ca_file else None
    context = ssl.create_default_context(cafile=cafile)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _open(settings: MailSettings) -> smtplib.SMTP:
    if settings.tls == "tls":
        return smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=_context(settings)
        )
    return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)


def _secure(server: smtplib.SMTP, settings: MailSettings) -> None:
    """STARTTLS when asked for; a server that does not offer it gets nothing (no plain text)."""
    server.ehlo()
    if settings.tls != "starttls":
        return
    if not server.has_extn("starttls"):
        raise MailError(f"{settings.where} does not offer STARTTLS: nothing was sent")
    server.starttls(context=_context(settings))
    server.ehlo()
